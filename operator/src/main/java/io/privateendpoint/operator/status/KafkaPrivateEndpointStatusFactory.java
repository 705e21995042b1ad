package io.privateendpoint.operator.status;

import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerManagement;
import io.privateendpoint.operator.model.ListenerReverts;
import io.privateendpoint.operator.model.PortAssignment;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Provider;
import io.privateendpoint.operator.validation.SpecProblem;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the status a reconcile ends with. Every condition carries the generation it describes;
 * a condition's lastTransitionTime changes only when its status does, so an unchanged endpoint
 * yields an equal status and no write.
 */
public final class KafkaPrivateEndpointStatusFactory {

  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_READY = "Ready";
  public static final String REASON_NOT_READY = "NotReady";
  public static final String REASON_NOT_REPORTED = "NotReported";
  public static final String REASON_RECONCILE_ERROR = "ReconcileError";
  public static final String REASON_DELETION_BLOCKED = "DeletionBlocked";
  public static final String REASON_PAUSED = "Paused";

  private final Clock clock;

  public KafkaPrivateEndpointStatusFactory(Clock clock) {
    this.clock = clock;
  }

  /** The spec is wrong: say which field, keep what the status said about what exists. */
  public KafkaPrivateEndpointStatus invalidSpec(KafkaPrivateEndpoint resource, List<SpecProblem> problems) {
    String message = problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "));
    return keepingPrevious(resource,
        ConditionReport.isFalse(ConditionType.READY, REASON_INVALID_SPEC, "invalid spec: " + message));
  }

  /** The reconcile failed before it could tell anything better: keep the rest, say so on Ready. */
  public KafkaPrivateEndpointStatus failed(KafkaPrivateEndpoint resource, Exception error) {
    String message = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    return keepingPrevious(resource,
        ConditionReport.isFalse(ConditionType.READY, REASON_RECONCILE_ERROR, message));
  }

  /** A delete that cannot finish: say why and what to do on Ready, keep the rest. */
  public KafkaPrivateEndpointStatus deletionBlocked(KafkaPrivateEndpoint resource, String message) {
    return keepingPrevious(resource, ConditionReport.isFalse(ConditionType.READY, REASON_DELETION_BLOCKED, message));
  }

  /**
   * spec.paused: nothing was applied. Ready is False (reason {@value #REASON_PAUSED}) with a summary,
   * status.plannedChanges lists what would be done, and the rest is kept as it was, since it still
   * describes what exists.
   */
  public KafkaPrivateEndpointStatus paused(KafkaPrivateEndpoint resource, String summary, List<String> plannedChanges) {
    KafkaPrivateEndpointStatus status = keepingPrevious(resource, ConditionReport.isFalse(ConditionType.READY, REASON_PAUSED,
        "held at preview (spec.paused): " + summary + "; status.plannedChanges lists each change, nothing is applied"
            + " until spec.paused is false"));
    status.setPlannedChanges(List.copyOf(plannedChanges));
    return status;
  }

  /** Node id → port as status kept them: the operator's memory of ports handed out. */
  public static Map<Integer, Integer> previousPorts(KafkaPrivateEndpoint resource) {
    Map<Integer, Integer> ports = new LinkedHashMap<>();
    if (resource.getStatus() != null) {
      resource.getStatus().getPorts().forEach(p -> ports.put(p.getNodeId(), p.getPort()));
    }
    return ports;
  }

  /** A reconcile that went through the pipeline: conditions from the apply steps, Ready from them. */
  public KafkaPrivateEndpointStatus reconciled(KafkaPrivateEndpoint resource, EndpointPlan plan, List<StepOutcome> outcomes) {
    Map<String, ConditionReport> reports = new LinkedHashMap<>();
    outcomes.forEach(outcome -> outcome.conditions().forEach(report -> reports.merge(report.type(), report,
        KafkaPrivateEndpointStatusFactory::both)));
    List<ConditionReport> components = ConditionType.COMPONENTS.stream()
        .map(type -> reports.getOrDefault(type, ConditionReport.unknown(type, REASON_NOT_REPORTED,
            "no step reported " + type + " in this pass")))
        .toList();
    List<ConditionReport> all = new ArrayList<>();
    all.add(readiness(components));
    all.addAll(components);
    reports.values().stream().filter(r -> !ConditionType.COMPONENTS.contains(r.type())).forEach(all::add);

    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    status.setProvider(plan.provider().name());
    status.setBootstrapPorts(plan.bootstrapPortList());
    status.setEndpointServiceName(first(outcomes, StepOutcome::endpointServiceName));
    status.setServiceAttachment(first(outcomes, StepOutcome::serviceAttachment));
    status.setEndpoint(plan.provider() == Provider.AWS ? status.getEndpointServiceName() : status.getServiceAttachment());
    Map<Integer, String> health = new LinkedHashMap<>();
    outcomes.forEach(outcome -> health.putAll(outcome.brokerHealth()));
    plan.brokers().forEach(b -> {
      BrokerStatus row = new BrokerStatus(b.nodeId(), b.zone(), b.port(), b.advertised(), b.target());
      row.setHealth(health.get(b.nodeId()));
      status.getBrokers().add(row);
    });
    status.setBrokerCount(status.getBrokers().size());
    plan.ports().forEach((node, port) -> status.getPorts().add(new PortAssignment(node, port)));
    outcomes.forEach(outcome -> status.getConnections().addAll(outcome.connections()));
    // A pass that stopped before the Kafka side (a broker not ready yet) keeps what was published last:
    // the commit it asks for stays readable, and the next config hash is computed against it.
    boolean external = resource.getSpec().getListener() != null
        && resource.getSpec().getListener().getManagement() == ListenerManagement.External;
    status.setExternalListener(outcomes.stream().map(StepOutcome::externalListener).filter(Objects::nonNull)
        .findFirst().orElse(external && resource.getStatus() != null ? resource.getStatus().getExternalListener() : null));
    // The Kafka side's memory of a fight over its listener; kept as it was when no step reported it.
    ListenerReverts reverts = outcomes.stream().map(StepOutcome::listenerReverts).filter(Objects::nonNull).findFirst()
        .orElse(resource.getStatus() == null ? null : resource.getStatus().getListenerReverts());
    status.setListenerReverts(reverts == null || reverts.getCount() == null ? null : reverts);
    status.setConditions(conditions(previousConditions(resource), all, resource.getMetadata().getGeneration()));
    return status;
  }

  /**
   * One condition reported by two steps (Verified: the load balancer's health checks, then the check
   * at the Kafka protocol): True only when both are, else the first that is not, with the other's
   * finding added when it is not True either.
   */
  static ConditionReport both(ConditionReport first, ConditionReport second) {
    boolean firstTrue = "True".equals(first.status());
    boolean secondTrue = "True".equals(second.status());
    if (firstTrue && secondTrue) {
      return new ConditionReport(first.type(), "True", first.reason(), first.message() + "; " + second.message());
    }
    if (firstTrue) {
      return second;
    }
    return secondTrue ? first
        : new ConditionReport(first.type(), first.status(), first.reason(), first.message() + "; " + second.message());
  }

  private static ConditionReport readiness(List<ConditionReport> components) {
    List<String> waiting = components.stream().filter(c -> !"True".equals(c.status()))
        .map(c -> c.type() + " (" + c.reason() + ")").toList();
    return waiting.isEmpty()
        ? ConditionReport.isTrue(ConditionType.READY, REASON_READY, "the private endpoint is ready")
        : ConditionReport.isFalse(ConditionType.READY, REASON_NOT_READY, "waiting for " + String.join(", ", waiting));
  }

  private KafkaPrivateEndpointStatus keepingPrevious(KafkaPrivateEndpoint resource, ConditionReport ready) {
    KafkaPrivateEndpointStatus previous = resource.getStatus() != null ? resource.getStatus() : new KafkaPrivateEndpointStatus();
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    status.setProvider(Provider.of(resource.getSpec()).name());
    status.setEndpoint(previous.getEndpoint());
    status.setEndpointServiceName(previous.getEndpointServiceName());
    status.setServiceAttachment(previous.getServiceAttachment());
    status.setBootstrapPorts(previous.getBootstrapPorts());
    status.setBrokers(new ArrayList<>(previous.getBrokers()));
    status.setBrokerCount(status.getBrokers().size());
    status.setPorts(new ArrayList<>(previous.getPorts()));
    status.setConnections(new ArrayList<>(previous.getConnections()));
    status.setExternalListener(previous.getExternalListener());
    status.setListenerReverts(previous.getListenerReverts());
    List<ConditionReport> reports = new ArrayList<>();
    reports.add(ready);
    List<EndpointCondition> conditions = conditions(previous.getConditions(), reports, resource.getMetadata().getGeneration());
    // The other conditions still describe what exists; their observedGeneration shows how old they are.
    previous.getConditions().stream().filter(c -> !ConditionType.READY.equals(c.getType())).forEach(conditions::add);
    // A condition never reported before is unknown rather than missing, so every one is always shown.
    List<ConditionReport> unknown = ConditionType.COMPONENTS.stream()
        .filter(type -> conditions.stream().noneMatch(c -> type.equals(c.getType())))
        .map(type -> ConditionReport.unknown(type, ready.reason(), "not known yet: " + ready.message())).toList();
    conditions.addAll(conditions(List.of(), unknown, resource.getMetadata().getGeneration()));
    status.setConditions(conditions);
    return status;
  }

  private List<EndpointCondition> conditions(List<EndpointCondition> previous, List<ConditionReport> reports, Long generation) {
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    List<EndpointCondition> result = new ArrayList<>();
    for (ConditionReport report : reports) {
      EndpointCondition before = previous.stream().filter(c -> report.type().equals(c.getType())).findFirst().orElse(null);
      String since = before != null && report.status().equals(before.getStatus()) ? before.getLastTransitionTime() : now;
      result.add(new EndpointCondition(report.type(), report.status(), report.reason(), report.message(),
          generation, since));
    }
    return result;
  }

  private static List<EndpointCondition> previousConditions(KafkaPrivateEndpoint resource) {
    return resource.getStatus() != null ? resource.getStatus().getConditions() : List.of();
  }

  private static String first(List<StepOutcome> outcomes, Function<StepOutcome, String> field) {
    return outcomes.stream().map(field).filter(Objects::nonNull).findFirst().orElse(null);
  }
}
