package io.privateendpoint.operator.apply;

/**
 * One change to a resource the operator owns (a cloud resource, or the brokers' workload): what a
 * pass made, or what a preview says it would make. The same record serves both, so the preview and
 * the INFO line of the real change read alike.
 *
 * @param kind  what it is, as users know it ("NLB", "target group", "service attachment", "StatefulSet")
 * @param id    its name or id (an ARN, a self link, namespace/name); for a resource a preview would
 *              create, the name it would get
 * @param why   the reason in a few words ("planned", "port 9094 added", "deleted out of band", "brokers 0, 1, 2 restart")
 * @param drift the change puts back what was deleted or changed out of band
 */
public record Change(Action action, String kind, String id, String why, boolean drift) {

  /** What happens to the resource; {@link #verb} is how a preview and a log line say it. */
  public enum Action {
    CREATE("create", "created", "Created"),
    UPDATE("change", "changed", "Changed"),
    DELETE("delete", "deleted", "Deleted");

    public final String verb;
    public final String past;
    /** The reason of the Normal event that reports the change. */
    public final String eventReason;

    Action(String verb, String past, String eventReason) {
      this.verb = verb;
      this.past = past;
      this.eventReason = eventReason;
    }
  }

  public static Change create(String kind, String id, String why) {
    return new Change(Action.CREATE, kind, id, why, false);
  }

  public static Change update(String kind, String id, String why) {
    return new Change(Action.UPDATE, kind, id, why, false);
  }

  public static Change delete(String kind, String id, String why) {
    return new Change(Action.DELETE, kind, id, why, false);
  }

  /** "created NLB kpe-1a2b (arn:…): planned": the INFO line and the event message of a change made. */
  public String done() {
    return action.past + " " + kind + " " + id + (why == null || why.isBlank() ? "" : ": " + why);
  }

  /** "create NLB kpe-1a2b: planned": one line of a preview. */
  public String planned() {
    return action.verb + " " + kind + " " + id + (why == null || why.isBlank() ? "" : ": " + why);
  }

  @Override
  public String toString() {
    return planned();
  }
}
