package io.privateendpoint.operator.apply;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes one pass of a step makes, or, in a preview, would make. Applying, each change is logged
 * at INFO as it is made (what, its id, why) and becomes one event on the endpoint when the pass ends
 * ({@link #emit}); previewing, nothing may be written: a step asks {@link #previewing()} before each
 * write, records the change instead, and goes on as if it had been made (a resource it would create is
 * known by its name, and has no children yet).
 *
 * <p>A resource of ours found missing and made again is drift only once the endpoint's cloud side was
 * built before (the last status published the endpoint, or showed the load balancer ready): the first
 * pass creates, it does not repair. A change counts as drift only while the spec is the one the last
 * status observed, so a spec edit applied in place is not reported as drift. Drift is a Warning
 * "Recreated" or a Normal "Repaired" event; any other change a Normal "Created", "Changed" or "Deleted".
 */
public final class Changes {

  private static final Logger LOG = LoggerFactory.getLogger(Changes.class);

  public static final String RECREATED = "Recreated";
  public static final String REPAIRED = "Repaired";

  /** An event of a step's own making (such as a replaced endpoint service). */
  private record Note(String reason, String message) {}

  private final String endpoint;
  private final boolean preview;
  private final boolean builtBefore;
  private final boolean sameSpec;
  private final List<Change> changes = new ArrayList<>();
  private final List<Note> warnings = new ArrayList<>();

  private Changes(String endpoint, boolean preview, boolean builtBefore, boolean sameSpec) {
    this.endpoint = endpoint;
    this.preview = preview;
    this.builtBefore = builtBefore;
    this.sameSpec = sameSpec;
  }

  /** For a pass that applies: changes are logged and told as events. */
  public static Changes applying(KafkaPrivateEndpoint resource) {
    return of(resource, false);
  }

  /** For a preview: nothing is written, the changes are only collected. */
  public static Changes previewing(KafkaPrivateEndpoint resource) {
    return of(resource, true);
  }

  /** Applying, for a caller that keeps no record (a test, a clean-up): changes are still logged. */
  public static Changes untold() {
    return new Changes("", false, false, false);
  }

  private static Changes of(KafkaPrivateEndpoint resource, boolean preview) {
    var meta = resource.getMetadata();
    String endpoint = meta == null ? "" : meta.getNamespace() + "/" + meta.getName();
    var status = resource.getStatus();
    if (status == null) {
      return new Changes(endpoint, preview, false, false);
    }
    // Published once (the name stays in the status), or ready: a load balancer being re-made after a
    // repair shows as provisioning for a pass, and a repair in that pass is a repair all the same.
    boolean built = status.getEndpointServiceName() != null || status.getServiceAttachment() != null
        || status.getConditions().stream()
            .anyMatch(c -> ConditionType.LOAD_BALANCER_READY.equals(c.getType()) && "True".equals(c.getStatus()));
    boolean same = Objects.equals(status.getObservedGeneration(), meta.getGeneration());
    return new Changes(endpoint, preview, built, same);
  }

  /** True in a preview: the caller must not write, only {@link #record} what it would write. */
  public boolean previewing() {
    return preview;
  }

  /** Whether the cloud side was built before this pass, so a missing resource of ours was deleted out of band. */
  public boolean builtBefore() {
    return builtBefore;
  }

  /** Records a change: made (applying; call it once the write succeeded) or planned (previewing). */
  public void record(Change change) {
    changes.add(change);
    if (!preview) {
      LOG.info("{}{}", endpoint.isEmpty() ? "" : endpoint + ": ", change.done());
    }
  }

  public void created(String kind, String id, String why) {
    record(Change.create(kind, id, why));
  }

  public void changed(String kind, String id, String why) {
    record(Change.update(kind, id, why));
  }

  public void deleted(String kind, String id, String why) {
    record(Change.delete(kind, id, why));
  }

  /**
   * A resource was created because it was missing: drift (deleted out of band) once the cloud side
   * was built before, else a first creation.
   */
  public void recreated(String kind, String id) {
    recreated(kind, id, "planned");
  }

  /** As {@link #recreated(String, String)}, saying what a first creation is for ({@code why}). */
  public void recreated(String kind, String id, String why) {
    if (builtBefore) {
      record(new Change(Change.Action.CREATE, kind, id, "was missing (deleted out of band)", true));
    } else {
      record(Change.create(kind, id, why));
    }
  }

  /** A resource of ours differed from the spec and was put back: drift while the spec did not change. */
  public void repaired(String kind, String id, String what) {
    boolean drift = builtBefore && sameSpec;
    record(new Change(Change.Action.UPDATE, kind, id, drift ? "was changed out of band: " + what : what, drift));
  }

  /** An event of the step's own making (such as a replaced endpoint service), told as a Warning. */
  public void warning(String reason, String message) {
    warnings.add(new Note(reason, message));
  }

  /** Every change recorded, in order. */
  public List<Change> changes() {
    return List.copyOf(changes);
  }

  /** The changes that put back drift. */
  public List<Change> drift() {
    return changes.stream().filter(Change::drift).toList();
  }

  /** One event per change made and per warning; nothing in a preview. Best effort, as every event. */
  public void emit(EventRecorder events, KafkaPrivateEndpoint resource) {
    if (events == null || preview) {
      return;
    }
    for (Change c : changes) {
      // The message is the change's INFO line, so a log and `kubectl describe` read alike.
      if (c.drift() && c.action() == Change.Action.CREATE) {
        events.warning(resource, RECREATED, capitalised(c.done()));
      } else if (c.drift()) {
        events.normal(resource, REPAIRED, capitalised(c.done()));
      } else {
        events.normal(resource, c.action().eventReason, capitalised(c.done()));
      }
    }
    for (Note n : warnings) {
      events.warning(resource, n.reason(), n.message());
    }
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** The condition of {@code type} the last status showed, or null. */
  public static EndpointCondition previous(KafkaPrivateEndpoint resource, String type) {
    if (resource.getStatus() == null) {
      return null;
    }
    return resource.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
