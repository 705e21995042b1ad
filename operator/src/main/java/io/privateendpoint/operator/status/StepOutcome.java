package io.privateendpoint.operator.status;

import io.privateendpoint.operator.model.ConnectionStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.ExternalListenerStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerReverts;
import java.util.List;
import java.util.Map;

/**
 * What one apply step (Kafka side or cloud side) reports back: its conditions and whatever it
 * learned that the status shows. Fields a step does not know are null or empty.
 *
 * @param halts the step refused to go on (something not ours is in the way): the steps after it
 *              are not applied this pass, so nothing is built on a path that cannot work
 * @param externalListener spec.listener.management External: what to commit (status.externalListener)
 * @param listenerReverts the Kafka side's memory of a fight over its listener for status.listenerReverts:
 *              null when the step does not know (the status keeps what it had), {@link #NO_REVERTS} to clear it
 */
public record StepOutcome(List<ConditionReport> conditions, String endpointServiceName,
    String serviceAttachment, List<ConnectionStatus> connections, Map<Integer, String> brokerHealth, boolean halts,
    ExternalListenerStatus externalListener, ListenerReverts listenerReverts) {

  /** Reported as listenerReverts when there is no fight (any more): status.listenerReverts goes. */
  public static final ListenerReverts NO_REVERTS = new ListenerReverts();

  public StepOutcome {
    conditions = List.copyOf(conditions);
    connections = connections == null ? List.of() : List.copyOf(connections);
    brokerHealth = brokerHealth == null ? Map.of() : Map.copyOf(brokerHealth);
  }

  public StepOutcome(List<ConditionReport> conditions, String endpointServiceName, String serviceAttachment,
      List<ConnectionStatus> connections, Map<Integer, String> brokerHealth) {
    this(conditions, endpointServiceName, serviceAttachment, connections, brokerHealth, false, null, null);
  }

  public StepOutcome(List<ConditionReport> conditions, String endpointServiceName, String serviceAttachment,
      List<ConnectionStatus> connections, Map<Integer, String> brokerHealth, boolean halts) {
    this(conditions, endpointServiceName, serviceAttachment, connections, brokerHealth, halts, null, null);
  }

  /** This outcome, publishing what to commit in status.externalListener. */
  public StepOutcome withExternalListener(ExternalListenerStatus published) {
    return new StepOutcome(conditions, endpointServiceName, serviceAttachment, connections, brokerHealth, halts, published,
        listenerReverts);
  }

  /** This outcome, stopping the steps after it. */
  public StepOutcome halting() {
    return new StepOutcome(conditions, endpointServiceName, serviceAttachment, connections, brokerHealth, true,
        externalListener, listenerReverts);
  }

  /** This outcome, reporting the state of a fight over the listener ({@link #NO_REVERTS}: none). */
  public StepOutcome withListenerReverts(ListenerReverts reverts) {
    return new StepOutcome(conditions, endpointServiceName, serviceAttachment, connections, brokerHealth, halts,
        externalListener, reverts);
  }

  /**
   * Why the last pass left {@code type} as it did, from the resource's status; lets a step keep a
   * reason (such as a repaired revert) visible until the state it describes is over.
   */
  public static String previousReason(KafkaPrivateEndpoint resource, String type) {
    if (resource.getStatus() == null) {
      return null;
    }
    return resource.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .map(EndpointCondition::getReason).findFirst().orElse(null);
  }

  /**
   * What stopped a halted step: its first condition that is not True (a step that halts late, such
   * as GCP's at the service attachment, also reports the load balancer it made, True).
   */
  public ConditionReport cause() {
    return conditions.stream().filter(c -> !"True".equals(c.status())).findFirst().orElse(conditions.get(0));
  }

  /**
   * The conditions known when something stopped a step (a resource not ours, a cloud's refusal):
   * the steps after it are not applied, and the pipeline marks their conditions as waiting for it.
   */
  public static StepOutcome halt(ConditionReport... known) {
    return of(known).halting();
  }

  public static StepOutcome of(ConditionReport... conditions) {
    return new StepOutcome(List.of(conditions), null, null, null, null);
  }
}
