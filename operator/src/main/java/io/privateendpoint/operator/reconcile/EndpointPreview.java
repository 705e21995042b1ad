package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.apply.Change;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.status.ConditionReport;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pass would do now, found without writing anything: the plan, and what the Kafka side and the
 * cloud would create, change and delete, in the order the pass would.
 *
 * @param plan    the plan the pass would apply; null when the spec is invalid
 * @param changes every change, Kafka side first
 * @param stop    why the preview could not see further (the spec, a broker not ready, a refused read,
 *                a name taken by something not ours): what the pass would report; null when complete
 */
public record EndpointPreview(EndpointPlan plan, List<Change> changes, ConditionReport stop) {

  public EndpointPreview {
    changes = List.copyOf(changes);
  }

  /** One line per change ("create NLB kpe-1a2b: planned"), then the stop if any; "no changes" when there is nothing to do. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    changes.forEach(c -> lines.add(c.planned()));
    if (stop != null) {
      lines.add("stops at " + stop.type() + " (" + stop.reason() + "): " + stop.message());
    } else if (changes.isEmpty()) {
      lines.add("no changes");
    }
    return lines;
  }

  /** A one-line summary for a condition message. */
  public String summary() {
    long creates = changes.stream().filter(c -> c.action() == Change.Action.CREATE).count();
    long updates = changes.stream().filter(c -> c.action() == Change.Action.UPDATE).count();
    long deletes = changes.stream().filter(c -> c.action() == Change.Action.DELETE).count();
    String counted = changes.isEmpty() ? "nothing would change"
        : creates + " to create, " + updates + " to change, " + deletes + " to delete";
    return stop == null ? counted : counted + "; the preview stops at " + stop.type() + " (" + stop.reason() + ")";
  }
}
