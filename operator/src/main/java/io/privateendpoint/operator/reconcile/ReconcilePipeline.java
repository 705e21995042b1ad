package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.kafka.BrokerDiscovery;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.status.StepOutcome;
import io.privateendpoint.operator.validation.SpecProblem;
import io.privateendpoint.operator.validation.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One reconcile: validate → observe → plan → apply → status. Validation comes first so that a
 * spec the schema could not catch never reaches Kafka or a cloud.
 */
public final class ReconcilePipeline {

  private final SpecValidator validator;
  private final EndpointPeers peers;
  private final BrokerDiscovery discovery;
  private final List<ApplyStep> applySteps;
  private final KafkaPrivateEndpointStatusFactory statusFactory;

  public ReconcilePipeline(SpecValidator validator, EndpointPeers peers, BrokerDiscovery discovery,
      List<ApplyStep> applySteps, KafkaPrivateEndpointStatusFactory statusFactory) {
    this.validator = validator;
    this.peers = peers;
    this.discovery = discovery;
    this.applySteps = List.copyOf(applySteps);
    this.statusFactory = statusFactory;
  }

  /** Runs one pass and returns the status it ends with; the resource itself is not changed. */
  public KafkaPrivateEndpointStatus run(KafkaPrivateEndpoint resource) {
    List<SpecProblem> problems = validator.validate(resource.getSpec());
    if (!problems.isEmpty()) {
      return statusFactory.invalidSpec(resource, problems);
    }
    // A clash with an older endpoint on the same Kafka stops this one before it touches anything.
    Observation observed = ListenerConflicts.find(resource, peers.inNamespace(resource.getMetadata().getNamespace()))
        .map(Observation::problem)
        .orElseGet(() -> discovery.observe(resource));
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), observed,
        KafkaPrivateEndpointStatusFactory.previousPorts(resource));
    if (!plan.applicable()) {
      // Nothing is applied while any part of the plan is missing, so nothing is half-applied.
      return statusFactory.reconciled(resource, plan, List.of(blocked(plan)));
    }
    List<StepOutcome> outcomes = new ArrayList<>();
    for (ApplyStep step : applySteps) {
      StepOutcome outcome = step.apply(resource, plan);
      outcomes.add(outcome);
      if (outcome.halts()) {
        // A refusal (a listener or ConfigMap that is not ours) means the data path cannot work:
        // no cloud resource is made for it. What exists already stays until the refusal is resolved.
        outcomes.add(waiting(outcome, outcomes));
        break;
      }
    }
    return statusFactory.reconciled(resource, plan, outcomes);
  }

  /** Unknown, naming the refusal, for every condition no step reported because the steps stopped. */
  private static StepOutcome waiting(StepOutcome halted, List<StepOutcome> reported) {
    ConditionReport cause = halted.conditions().get(0);
    List<ConditionReport> waiting = ConditionType.COMPONENTS.stream()
        .filter(type -> reported.stream().flatMap(o -> o.conditions().stream()).noneMatch(c -> c.type().equals(type)))
        .map(type -> ConditionReport.unknown(type, "Blocked", "waits for " + cause.type() + " (" + cause.reason() + ")"))
        .toList();
    return new StepOutcome(waiting, null, null, null, null);
  }

  /** Undoes the apply steps in reverse order; true once nothing of the resource is left. */
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    for (int i = applySteps.size() - 1; i >= 0; i--) {
      if (!applySteps.get(i).cleanup(resource)) {
        return false;
      }
    }
    return true;
  }

  private static StepOutcome blocked(EndpointPlan plan) {
    String message = plan.problems().stream().map(PlanProblem::message).collect(Collectors.joining("; "));
    return StepOutcome.of(ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED,
        plan.problems().get(0).reason(), message));
  }

  public KafkaPrivateEndpointStatusFactory statusFactory() {
    return statusFactory;
  }
}
