package io.privateendpoint.operator.status;

import io.privateendpoint.operator.model.ConnectionStatus;
import java.util.List;

/**
 * What one apply step (Kafka side or cloud side) reports back: its conditions and whatever it
 * learned that the status shows. Fields a step does not know are null or empty.
 */
public record StepOutcome(List<ConditionReport> conditions, String endpointServiceName,
    String serviceAttachment, List<ConnectionStatus> connections) {

  public StepOutcome {
    conditions = List.copyOf(conditions);
    connections = connections == null ? List.of() : List.copyOf(connections);
  }

  public static StepOutcome of(ConditionReport... conditions) {
    return new StepOutcome(List.of(conditions), null, null, null);
  }
}
