package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;

/**
 * One side of the apply phase (the Kafka listener, or one cloud's provisioner): makes what it owns
 * match the plan, repeatably, and reports conditions. Steps run in the pipeline's order and are
 * cleaned up in reverse.
 */
public interface ApplyStep {

  StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan);

  /**
   * A cloud step's proof that its cloud answers the operator's credentials — one read of the spec's
   * VPC or network — as a CloudAccess condition; null when the step has no cloud for this resource.
   * The pipeline asks before any step applies anything, so no broker is restarted for an endpoint
   * whose cloud side could never be built.
   */
  default ConditionReport checkAccess(KafkaPrivateEndpoint resource) {
    return null;
  }

  /**
   * What {@link #apply} would change now, without writing anything to the cloud or to Kubernetes: the
   * same decisions apply makes (one code path, see {@link Changes#previewing()}), after the same reads.
   * A resource it would create has no children yet, so what hangs off it is shown as created too.
   */
  default StepPreview preview(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    return StepPreview.NOTHING;
  }

  /** Removes everything this step created for the resource; true once nothing of it is left. */
  default boolean cleanup(KafkaPrivateEndpoint resource) {
    return true;
  }

  /**
   * What this step may have left in its cloud for the resource, one phrase per resource (by the
   * names it derives), for a delete that cannot finish or is told to orphan; empty for a step that
   * leaves nothing outside the cluster.
   */
  default List<String> leftovers(KafkaPrivateEndpoint resource) {
    return List.of();
  }
}
