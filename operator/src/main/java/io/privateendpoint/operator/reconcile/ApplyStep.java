package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.StepOutcome;

/**
 * One side of the apply phase (the Kafka listener, or one cloud's provisioner): makes what it owns
 * match the plan, repeatably, and reports conditions. Steps run in the pipeline's order and are
 * cleaned up in reverse.
 */
public interface ApplyStep {

  StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan);

  /** Removes everything this step created for the resource; true once nothing of it is left. */
  default boolean cleanup(KafkaPrivateEndpoint resource) {
    return true;
  }
}
