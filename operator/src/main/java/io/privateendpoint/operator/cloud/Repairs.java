package io.privateendpoint.operator.cloud;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one pass of a cloud step repaired: a resource of ours that was missing (deleted out of band)
 * and was made again, or one changed out of band and put back. Each becomes one event on the
 * endpoint ("Recreated" Warning, "Repaired" Normal), naming the kind and the id.
 *
 * <p>A missing resource counts as recreated only once the endpoint's cloud side was built before
 * (the last status published the endpoint, or showed the load balancer ready): the first pass
 * creates, it does not repair. A
 * change counts as a repair only while the spec is the one the last status observed, so a spec edit
 * applied in place is not reported as drift.
 */
public final class Repairs {

  public static final String RECREATED = "Recreated";
  public static final String REPAIRED = "Repaired";

  /** One repaired resource. */
  public record Repair(String type, String reason, String message) {}

  private final boolean builtBefore;
  private final boolean sameSpec;
  private final List<Repair> done = new ArrayList<>();

  private Repairs(boolean builtBefore, boolean sameSpec) {
    this.builtBefore = builtBefore;
    this.sameSpec = sameSpec;
  }

  public static Repairs of(KafkaPrivateEndpoint resource) {
    var status = resource.getStatus();
    if (status == null) {
      return new Repairs(false, false);
    }
    // Published once (the name stays in the status), or ready: a load balancer being re-made after a
    // repair shows as provisioning for a pass, and a repair in that pass is a repair all the same.
    boolean built = status.getEndpointServiceName() != null || status.getServiceAttachment() != null
        || status.getConditions().stream()
            .anyMatch(c -> ConditionType.LOAD_BALANCER_READY.equals(c.getType()) && "True".equals(c.getStatus()));
    boolean same = Objects.equals(status.getObservedGeneration(), resource.getMetadata().getGeneration());
    return new Repairs(built, same);
  }

  /** Nothing is reported (a first build, or a caller that does not want events). */
  public static Repairs none() {
    return new Repairs(false, false);
  }

  /** Whether the cloud side was built before this pass, so a missing resource of ours was deleted out of band. */
  public boolean builtBefore() {
    return builtBefore;
  }

  /** A resource that existed was missing and was created again. */
  public void recreated(String kind, String id) {
    if (builtBefore) {
      done.add(new Repair("Warning", RECREATED, kind + " " + id + " was missing (deleted out of band) and was recreated"));
    }
  }

  /** A resource of ours differed from the spec although the spec did not change, and was put back. */
  public void repaired(String kind, String id, String what) {
    if (builtBefore && sameSpec) {
      done.add(new Repair("Normal", REPAIRED, kind + " " + id + " was changed out of band: " + what));
    }
  }

  /** An event of the step's own making (such as a replaced endpoint service). */
  public void warning(String reason, String message) {
    done.add(new Repair("Warning", reason, message));
  }

  public List<Repair> done() {
    return List.copyOf(done);
  }

  /** One event per repair; best effort, as every event. */
  public void emit(EventRecorder events, KafkaPrivateEndpoint resource) {
    if (events == null) {
      return;
    }
    for (Repair r : done) {
      if ("Warning".equals(r.type())) {
        events.warning(resource, r.reason(), r.message());
      } else {
        events.normal(resource, r.reason(), r.message());
      }
    }
  }

  /** The condition of {@code type} the last status showed, or null. */
  public static EndpointCondition previous(KafkaPrivateEndpoint resource, String type) {
    if (resource.getStatus() == null) {
      return null;
    }
    return resource.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
