package io.privateendpoint.operator.app;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import java.util.stream.Collectors;

/**
 * The probes' answers. Readiness: the operator has started — its informers synced — which a standby
 * replica waiting for the Lease has too (JOSDK starts every controller's informers on each replica and
 * only the leader's event processing), so a standby is ready. Liveness: JOSDK's health of the event
 * sources (an informer whose watch keeps failing is unhealthy); while starting, alive, since a slow
 * informer sync is no reason to restart (JOSDK itself fails the start after its sync timeout, and
 * {@link Main} then exits).
 */
final class OperatorHealth {

  private final Operator operator;
  private final Leadership leadership;
  private volatile boolean startReturned;

  OperatorHealth(Operator operator, Leadership leadership) {
    this.operator = operator;
    this.leadership = leadership;
  }

  /** Called once Operator.start() has returned. */
  void started() {
    startReturned = true;
  }

  HttpEndpoints.Reply liveness() {
    if (!startReturned) {
      return HttpEndpoints.Reply.text(200, "starting");
    }
    RuntimeInfo info = operator.getRuntimeInfo();
    if (!info.isStarted()) {
      return HttpEndpoints.Reply.text(503, "stopped");
    }
    if (info.allEventSourcesAreHealthy()) {
      return HttpEndpoints.Reply.text(200, "ok");
    }
    String unhealthy = info.unhealthyEventSources().entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(e -> e.getKey() + ": " + String.join(", ", e.getValue().keySet())).collect(Collectors.joining("; "));
    return HttpEndpoints.Reply.text(503, "unhealthy event sources: " + unhealthy);
  }

  HttpEndpoints.Reply readiness() {
    if (startReturned && operator.getRuntimeInfo().isStarted()) {
      return HttpEndpoints.Reply.text(200, "ready (" + leadership.describe() + ")");
    }
    return HttpEndpoints.Reply.text(503, "starting");
  }
}
