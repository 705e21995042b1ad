package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;

/**
 * What one apply step would change now, found without writing anything.
 *
 * @param changes what it would create, change and delete, in the order it would
 * @param stop    why it could not see further (the cloud refused a read, a name is taken by a resource
 *                that is not ours, a subnet is missing): the condition apply would report; null when
 *                the preview is complete
 */
public record StepPreview(List<Change> changes, ConditionReport stop) {

  public StepPreview {
    changes = List.copyOf(changes);
  }

  public static StepPreview of(List<Change> changes) {
    return new StepPreview(changes, null);
  }

  /** The changes a previewed pass recorded, stopped where its outcome halts. */
  public static StepPreview of(List<Change> changes, StepOutcome outcome) {
    return new StepPreview(changes, outcome.halts() ? outcome.cause() : null);
  }

  public static final StepPreview NOTHING = of(List.of());
}
