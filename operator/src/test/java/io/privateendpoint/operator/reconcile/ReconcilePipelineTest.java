package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.apply.ApplyStep;
import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.status.StepOutcome;
import io.privateendpoint.operator.testing.Samples;
import io.privateendpoint.operator.validation.SpecValidator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilePipelineTest {

  private final List<String> applied = new ArrayList<>();

  /** A step that records that it ran and answers {@code outcome}. */
  private ApplyStep step(String name, StepOutcome outcome) {
    return new ApplyStep() {
      @Override
      public StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
        applied.add(name);
        return outcome;
      }
    };
  }

  /** Events the pipeline recorded, as "reason: message". */
  private final List<String> events = new ArrayList<>();

  private static final Observation THREE_BROKERS = Observation.of(List.of(
      new Broker(0, "kafka-0", "us-west1-a", null, "10.8.0.4", "gke-a", "gke-a"),
      new Broker(1, "kafka-1", "us-west1-b", null, "10.8.1.4", "gke-b", "gke-b"),
      new Broker(2, "kafka-2", "us-west1-c", null, "10.8.2.4", "gke-c", "gke-c")));

  private KafkaPrivateEndpointStatus run(ApplyStep... steps) {
    return pipeline(THREE_BROKERS, steps).run(resource());
  }

  private static KafkaPrivateEndpoint resource() {
    KafkaPrivateEndpoint resource = Samples.resource("gcp.yaml");
    resource.getMetadata().setUid("5b0c1e9a-0000-4000-8000-000000000001");
    return resource;
  }

  private ReconcilePipeline pipeline(Observation observed, ApplyStep... steps) {
    EventRecorder recorder = new EventRecorder(null, Clock.systemUTC()) {
      @Override
      public void warning(KafkaPrivateEndpoint resource, String reason, String message) {
        events.add(reason + ": " + message);
      }
    };
    return new ReconcilePipeline(new SpecValidator(), namespace -> List.of(), r -> observed, List.of(steps),
        new KafkaPrivateEndpointStatusFactory(Clock.systemUTC()), recorder);
  }

  /** A cloud step whose access check answers {@code access}, whose cleanup runs {@code cleanup}, leaving {@code leftovers}. */
  private ApplyStep cloud(ConditionReport access, java.util.function.BooleanSupplier cleanup, List<String> leftovers) {
    return new ApplyStep() {
      @Override
      public StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
        applied.add("cloud");
        return StepOutcome.of(ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Ready", "built"));
      }

      @Override
      public ConditionReport checkAccess(KafkaPrivateEndpoint resource) {
        return access;
      }

      @Override
      public boolean cleanup(KafkaPrivateEndpoint resource) {
        applied.add("cleanup");
        return cleanup.getAsBoolean();
      }

      @Override
      public List<String> leftovers(KafkaPrivateEndpoint resource) {
        return leftovers;
      }
    };
  }

  private static final ConditionReport GRANTED = ConditionReport.isTrue(ConditionType.CLOUD_ACCESS, "Granted", "read it");

  /** Every component condition is present, and those not named in {@code known} wait for {@code cause}. */
  private static void assertOthersWaitFor(KafkaPrivateEndpointStatus status, String cause, String... known) {
    List<String> types = status.getConditions().stream().map(EndpointCondition::getType).toList();
    assertThat(types).containsAll(ConditionType.COMPONENTS).contains(ConditionType.READY);
    assertThat(status.getConditions()).filteredOn(c -> ConditionType.COMPONENTS.contains(c.getType())
            && !List.of(known).contains(c.getType()))
        .isNotEmpty()
        .allSatisfy(c -> {
          assertThat(c.getStatus()).isEqualTo("Unknown");
          assertThat(c.getReason()).isEqualTo("Blocked");
          assertThat(c.getMessage()).isEqualTo("waits for " + cause);
        });
    assertThat(status.getConditions()).noneMatch(c -> "NotImplemented".equals(c.getReason()) || "NotReported".equals(c.getReason()));
  }

  @Test
  void aRefusalStopsTheStepsAfterItAndTheirConditionsWaitForIt() {
    KafkaPrivateEndpointStatus status = run(
        step("kafka", StepOutcome.of(ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, "ListenerNameTaken",
            "not ours")).halting()),
        step("cloud", StepOutcome.of(ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Ready", "built"))));

    assertThat(applied).containsExactly("kafka");
    assertThat(status.getConditions()).filteredOn(c -> !c.getType().equals(ConditionType.LISTENER_CONFIGURED)
            && !c.getType().equals(ConditionType.READY))
        .extracting(EndpointCondition::getType, EndpointCondition::getStatus, EndpointCondition::getReason)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(ConditionType.CLOUD_ACCESS, "Unknown", "Blocked"),
            org.assertj.core.groups.Tuple.tuple(ConditionType.LOAD_BALANCER_READY, "Unknown", "Blocked"),
            org.assertj.core.groups.Tuple.tuple(ConditionType.ENDPOINT_SERVICE_READY, "Unknown", "Blocked"),
            org.assertj.core.groups.Tuple.tuple(ConditionType.VERIFIED, "Unknown", "Blocked"));
    assertThat(status.getConditions()).filteredOn(c -> c.getReason().equals("Blocked"))
        .allSatisfy(c -> assertThat(c.getMessage()).isEqualTo("waits for ListenerConfigured (ListenerNameTaken)"));
  }

  @Test
  void withoutARefusalEveryStepRuns() {
    run(step("kafka", StepOutcome.of(ConditionReport.isTrue(ConditionType.LISTENER_CONFIGURED, "Configured", "ok"))),
        step("cloud", StepOutcome.of(ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Ready", "built"))));
    assertThat(applied).containsExactly("kafka", "cloud");
  }

  @Test
  void aListenerClashBlocksEveryStepAndTheCloudConditionsSaySo() {
    var clash = Observation.problem(new PlanProblem(PlanProblem.LISTENER_CONFLICT, "clashes with kafka/other"));
    KafkaPrivateEndpointStatus status = pipeline(clash, step("kafka", StepOutcome.of()), cloud(GRANTED, () -> true, List.of()))
        .run(resource());
    assertThat(applied).isEmpty();
    assertThat(condition(status, ConditionType.LISTENER_CONFIGURED).getReason()).isEqualTo("ListenerConflict");
    assertOthersWaitFor(status, "ListenerConfigured (ListenerConflict)", ConditionType.LISTENER_CONFIGURED,
        ConditionType.CLOUD_ACCESS);
  }

  @Test
  void noBrokersCreatesNothingAndKeepsEveryCondition() {
    KafkaPrivateEndpointStatus status = pipeline(Observation.of(List.of()), step("kafka", StepOutcome.of()),
        cloud(GRANTED, () -> true, List.of())).run(resource());
    assertThat(applied).isEmpty();
    EndpointCondition listener = condition(status, ConditionType.LISTENER_CONFIGURED);
    assertThat(listener.getReason()).isEqualTo("NoBrokers");
    assertThat(listener.getMessage()).contains("StatefulSet kafka").contains("no broker");
    assertOthersWaitFor(status, "ListenerConfigured (NoBrokers)", ConditionType.LISTENER_CONFIGURED, ConditionType.CLOUD_ACCESS);
  }

  @Test
  void withoutCloudAccessNoStepTouchesAnything() {
    ConditionReport denied = ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "NoCredentials", "no credentials in the chain");
    KafkaPrivateEndpointStatus status = run(step("kafka", StepOutcome.of()), cloud(denied, () -> true, List.of()));
    assertThat(applied).isEmpty();
    assertThat(condition(status, ConditionType.CLOUD_ACCESS).getMessage()).isEqualTo("no credentials in the chain");
    assertOthersWaitFor(status, "CloudAccess (NoCredentials)", ConditionType.CLOUD_ACCESS);
    // The ports handed out are kept even though nothing was applied.
    assertThat(status.getPorts()).hasSize(3);
  }

  @Test
  void aDeleteThatCannotReachTheCloudSaysWhatIsLeftAndHowToLetGo() {
    List<String> leftovers = List.of("NLB kpe-1", "security group kpe-1");
    var pipeline = pipeline(THREE_BROKERS, step("kafka", StepOutcome.of()), cloud(GRANTED, () -> {
      throw new IllegalStateException("Unable to load credentials from any of the providers in the chain");
    }, leftovers));
    ReconcilePipeline.Cleanup cleanup = pipeline.cleanup(resource());
    assertThat(cleanup.done()).isFalse();
    assertThat(cleanup.blocked()).contains("Unable to load credentials").contains("NLB kpe-1, security group kpe-1")
        .contains("spec.deletionPolicy: Orphan");
    assertThat(events).singleElement().asString().startsWith("DeletionBlocked: ");
  }

  @Test
  void orphanLetsGoOfTheCloudButStillCleansTheKafkaSide() {
    KafkaPrivateEndpoint resource = resource();
    resource.getSpec().setDeletionPolicy(io.privateendpoint.operator.model.DeletionPolicy.Orphan);
    List<String> kafkaCleaned = new ArrayList<>();
    ApplyStep kafka = new ApplyStep() {
      @Override
      public StepOutcome apply(KafkaPrivateEndpoint r, EndpointPlan plan) {
        return StepOutcome.of();
      }

      @Override
      public boolean cleanup(KafkaPrivateEndpoint r) {
        kafkaCleaned.add("kafka");
        return true;
      }
    };
    var pipeline = pipeline(THREE_BROKERS, kafka, cloud(GRANTED, () -> {
      throw new IllegalStateException("must not be called");
    }, List.of("NLB kpe-1")));
    assertThat(pipeline.cleanup(resource).done()).isTrue();
    assertThat(applied).doesNotContain("cleanup");
    assertThat(kafkaCleaned).containsExactly("kafka");
    assertThat(events).containsExactly("Orphaned: spec.deletionPolicy is Orphan: left in the cloud and no longer managed: NLB kpe-1");
  }

  private static EndpointCondition condition(KafkaPrivateEndpointStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }
}
