package io.privateendpoint.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
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

  private KafkaPrivateEndpointStatus run(ApplyStep... steps) {
    KafkaPrivateEndpoint resource = Samples.resource("gcp.yaml");
    resource.getMetadata().setUid("5b0c1e9a-0000-4000-8000-000000000001");
    var observed = Observation.of(List.of(
        new Broker(0, "kafka-0", "us-west1-a", null, "10.8.0.4", "gke-a", "gke-a"),
        new Broker(1, "kafka-1", "us-west1-b", null, "10.8.1.4", "gke-b", "gke-b"),
        new Broker(2, "kafka-2", "us-west1-c", null, "10.8.2.4", "gke-c", "gke-c")));
    var pipeline = new ReconcilePipeline(new SpecValidator(), namespace -> List.of(), r -> observed, List.of(steps),
        new KafkaPrivateEndpointStatusFactory(Clock.systemUTC()));
    return pipeline.run(resource);
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
}
