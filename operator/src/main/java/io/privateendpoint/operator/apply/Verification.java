package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.ConditionReport;

/**
 * A check of the data path after the apply steps, once the brokers carry the listener: what it found
 * as a Verified report, which the status combines with the cloud's (Verified is True only when both
 * are). It must answer at once: a check that takes time runs in the background and reports what it
 * last found.
 */
public interface Verification {

  /** The last finding for the plan, or null when this check does not apply to the resource. */
  ConditionReport verify(KafkaPrivateEndpoint resource, EndpointPlan plan);

  /** Forgets the resource (it is being deleted). */
  default void forget(KafkaPrivateEndpoint resource) {}
}
