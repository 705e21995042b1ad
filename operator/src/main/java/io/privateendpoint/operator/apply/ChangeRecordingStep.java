package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.StepOutcome;

/**
 * A step whose one pass writes through a {@link Changes}: given one that applies it writes, given one
 * that previews it only records, so the preview cannot say anything the pass would not do.
 */
public interface ChangeRecordingStep extends ApplyStep {

  /** One pass: each write asks {@link Changes#previewing()} first and records what it changes. */
  StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes);

  @Override
  default StepPreview preview(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    Changes changes = Changes.previewing(resource);
    StepOutcome outcome = pass(resource, plan, changes);
    return StepPreview.of(changes.changes(), outcome);
  }
}
