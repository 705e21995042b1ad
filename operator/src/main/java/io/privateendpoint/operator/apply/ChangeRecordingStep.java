package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;

/**
 * A step whose one pass writes through a {@link Changes}: given one that applies it writes, given one
 * that previews it only records, so the preview cannot say anything the pass would not do.
 */
public interface ChangeRecordingStep extends ApplyStep {

  /** One pass: each write asks {@link Changes#previewing()} first and records what it changes. */
  StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes);

  /** Where the changes a pass made are told, one event each; null for nowhere (each is still logged). */
  EventRecorder events();

  /** One pass that writes: each change is logged as it is made and told as one event when the pass ends. */
  @Override
  default StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    Changes changes = Changes.applying(resource);
    try {
      return pass(resource, plan, changes);
    } finally {
      // Also when the pass failed after some changes: what was made is told.
      changes.emit(events(), resource);
    }
  }

  @Override
  default StepPreview preview(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    Changes changes = Changes.previewing(resource);
    StepOutcome outcome = pass(resource, plan, changes);
    return StepPreview.of(changes.changes(), outcome);
  }
}
