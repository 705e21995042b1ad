package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.apply.ApplyStep;
import io.privateendpoint.operator.apply.Change;
import io.privateendpoint.operator.apply.StepPreview;
import io.privateendpoint.operator.apply.Verification;
import io.privateendpoint.operator.kafka.BrokerDiscovery;
import io.privateendpoint.operator.model.DeletionPolicy;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.status.StepOutcome;
import io.privateendpoint.operator.validation.SpecProblem;
import io.privateendpoint.operator.validation.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One reconcile: validate → observe → plan → check cloud access → apply → status. Validation comes
 * first so that a spec the schema could not catch never reaches Kafka or a cloud; the access check
 * comes before any apply step so that no broker is restarted for a cloud that will refuse us.
 */
public final class ReconcilePipeline {

  private final SpecValidator validator;
  private final EndpointPeers peers;
  private final BrokerDiscovery discovery;
  private final List<ApplyStep> applySteps;
  private final KafkaPrivateEndpointStatusFactory statusFactory;
  private final EventRecorder events;
  private final Verification verification;

  public static final String REASON_BLOCKED = "Blocked";
  public static final String REASON_DELETION_BLOCKED = "DeletionBlocked";

  public ReconcilePipeline(SpecValidator validator, EndpointPeers peers, BrokerDiscovery discovery,
      List<ApplyStep> applySteps, KafkaPrivateEndpointStatusFactory statusFactory, EventRecorder events) {
    this(validator, peers, discovery, applySteps, statusFactory, events, (resource, plan) -> null);
  }

  /** @param verification checks the data path once the brokers carry the listener (Verified at the Kafka protocol) */
  public ReconcilePipeline(SpecValidator validator, EndpointPeers peers, BrokerDiscovery discovery,
      List<ApplyStep> applySteps, KafkaPrivateEndpointStatusFactory statusFactory, EventRecorder events,
      Verification verification) {
    this.verification = verification;
    this.validator = validator;
    this.peers = peers;
    this.discovery = discovery;
    this.applySteps = List.copyOf(applySteps);
    this.statusFactory = statusFactory;
    this.events = events;
  }

  /** Runs one pass and returns the status it ends with; the resource itself is not changed. */
  public KafkaPrivateEndpointStatus run(KafkaPrivateEndpoint resource) {
    if (resource.getSpec() != null && resource.getSpec().paused()) {
      // Held at preview: everything is read as in a pass, nothing is written.
      EndpointPreview preview = preview(resource);
      return statusFactory.paused(resource, preview.summary(), preview.lines());
    }
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
    List<StepOutcome> outcomes = new ArrayList<>();
    ConditionReport access = checkAccess(resource);
    if (access != null) {
      outcomes.add(StepOutcome.of(access));
    }
    ConditionReport cause = null;
    if (!plan.applicable()) {
      // Nothing is applied while any part of the plan is missing, so nothing is half-applied.
      ConditionReport listener = blocked(plan);
      outcomes.add(StepOutcome.of(listener));
      cause = listener;
    }
    if (access != null && !"True".equals(access.status())) {
      // No broker is restarted for an endpoint whose cloud side cannot be built.
      cause = access;
    }
    if (cause != null) {
      outcomes.add(waiting(cause, outcomes));
      return statusFactory.reconciled(resource, plan, outcomes);
    }
    for (ApplyStep step : applySteps) {
      StepOutcome outcome = step.apply(resource, plan);
      outcomes.add(outcome);
      if (outcome.halts()) {
        // A refusal (a listener or ConfigMap that is not ours) means the data path cannot work:
        // no cloud resource is made for it. What exists already stays until the refusal is resolved.
        outcomes.add(waiting(outcome.cause(), outcomes));
        return statusFactory.reconciled(resource, plan, outcomes);
      }
    }
    if (reported(outcomes, ConditionType.LISTENER_CONFIGURED)) {
      ConditionReport verified = verification.verify(resource, plan);
      if (verified != null) {
        outcomes.add(StepOutcome.of(verified));
      }
    } else {
      // Rolling (or not written yet): what the brokers advertised before says nothing about after.
      verification.forget(resource);
    }
    return statusFactory.reconciled(resource, plan, outcomes);
  }

  /**
   * What {@link #run} would do now, with every read it makes and no write: validation, discovery and
   * the plan as in a pass, then each step's {@link ApplyStep#preview}. It stops where a pass would
   * stop (an invalid spec, a plan that cannot be applied, a cloud that refuses us, a step that halts).
   */
  public EndpointPreview preview(KafkaPrivateEndpoint resource) {
    List<SpecProblem> problems = validator.validate(resource.getSpec());
    if (!problems.isEmpty()) {
      return new EndpointPreview(null, List.of(), ConditionReport.isFalse(ConditionType.READY,
          KafkaPrivateEndpointStatusFactory.REASON_INVALID_SPEC,
          "invalid spec: " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; "))));
    }
    Observation observed = ListenerConflicts.find(resource, peers.inNamespace(resource.getMetadata().getNamespace()))
        .map(Observation::problem)
        .orElseGet(() -> discovery.observe(resource));
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), observed,
        KafkaPrivateEndpointStatusFactory.previousPorts(resource));
    if (!plan.applicable()) {
      return new EndpointPreview(plan, List.of(), blocked(plan));
    }
    ConditionReport access = checkAccess(resource);
    if (access != null && !"True".equals(access.status())) {
      return new EndpointPreview(plan, List.of(), access);
    }
    List<Change> changes = new ArrayList<>();
    for (ApplyStep step : applySteps) {
      StepPreview preview = step.preview(resource, plan);
      changes.addAll(preview.changes());
      if (preview.stop() != null) {
        return new EndpointPreview(plan, changes, preview.stop());
      }
    }
    return new EndpointPreview(plan, changes, null);
  }

  private static boolean reported(List<StepOutcome> outcomes, String type) {
    return outcomes.stream().flatMap(o -> o.conditions().stream())
        .anyMatch(c -> c.type().equals(type) && "True".equals(c.status()));
  }

  /** The cloud steps' access checks; the first that fails, else the first that passed. */
  private ConditionReport checkAccess(KafkaPrivateEndpoint resource) {
    ConditionReport granted = null;
    for (ApplyStep step : applySteps) {
      ConditionReport report = step.checkAccess(resource);
      if (report != null && !"True".equals(report.status())) {
        return report;
      }
      granted = granted != null ? granted : report;
    }
    return granted;
  }

  /** Unknown, naming the cause, for every condition no step reported because the steps stopped. */
  private static StepOutcome waiting(ConditionReport cause, List<StepOutcome> reported) {
    List<ConditionReport> waiting = ConditionType.COMPONENTS.stream()
        .filter(type -> reported.stream().flatMap(o -> o.conditions().stream()).noneMatch(c -> c.type().equals(type)))
        .map(type -> ConditionReport.unknown(type, REASON_BLOCKED, "waits for " + cause.type() + " (" + cause.reason() + ")"))
        .toList();
    return new StepOutcome(waiting, null, null, null, null);
  }

  /** Why a delete has not finished: null while it is merely waiting for the cloud to let go of something. */
  public record Cleanup(boolean done, String blocked) {}

  /**
   * Undoes the apply steps in reverse order. A cloud step that cannot be reached leaves the resource
   * behind its finalizer, saying what may be left and how to let go; with {@code deletionPolicy:
   * Orphan} the cloud steps are skipped and what they leave is recorded in an event.
   */
  public Cleanup cleanup(KafkaPrivateEndpoint resource) {
    verification.forget(resource);
    boolean orphan = resource.getSpec().getDeletionPolicy() == DeletionPolicy.Orphan;
    for (int i = applySteps.size() - 1; i >= 0; i--) {
      ApplyStep step = applySteps.get(i);
      List<String> leftovers = step.leftovers(resource);
      if (orphan && !leftovers.isEmpty()) {
        events.warning(resource, "Orphaned", "spec.deletionPolicy is Orphan: left in the cloud and no longer managed: "
            + String.join(", ", leftovers));
        continue;
      }
      try {
        if (!step.cleanup(resource)) {
          return new Cleanup(false, null);
        }
      } catch (RuntimeException e) {
        if (leftovers.isEmpty()) {
          throw e;
        }
        String message = "cannot remove the cloud resources: " + describe(e) + ". Possibly still there: "
            + String.join(", ", leftovers) + ". Restore the operator's access to the cloud, or set spec.deletionPolicy:"
            + " Orphan to let go of them and delete them yourself";
        events.warning(resource, REASON_DELETION_BLOCKED, message);
        return new Cleanup(false, message);
      }
    }
    return new Cleanup(true, null);
  }

  private static String describe(RuntimeException e) {
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return message.length() > 400 ? message.substring(0, 400) + "…" : message;
  }

  private static ConditionReport blocked(EndpointPlan plan) {
    String message = plan.problems().stream().map(PlanProblem::message).collect(Collectors.joining("; "));
    return ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, plan.problems().get(0).reason(), message);
  }

  public KafkaPrivateEndpointStatusFactory statusFactory() {
    return statusFactory;
  }
}
