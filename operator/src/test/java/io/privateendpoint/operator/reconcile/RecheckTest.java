package io.privateendpoint.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerReverts;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** While the operator backs off from a fight over its listener, it comes back when the listener is due. */
class RecheckTest {

  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  @Test
  void comesBackWhenTheWriteBackIsDueAndNeverLaterThanUsual() {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    assertThat(KafkaPrivateEndpointReconciler.recheck(status, NOW)).isEqualTo(KafkaPrivateEndpointReconciler.IN_PROGRESS_RECHECK);
    status.setListenerReverts(new ListenerReverts(2, "2026-01-01T09:59:58Z", "argocd-controller", "2026-01-01T10:00:02Z"));
    assertThat(KafkaPrivateEndpointReconciler.recheck(status, NOW)).isEqualTo(Duration.ofMillis(2050));
    status.getListenerReverts().setNextWriteBackAt("2026-01-01T10:30:00Z");
    assertThat(KafkaPrivateEndpointReconciler.recheck(status, NOW)).isEqualTo(KafkaPrivateEndpointReconciler.IN_PROGRESS_RECHECK);
    status.getListenerReverts().setNextWriteBackAt("2026-01-01T09:00:00Z");
    assertThat(KafkaPrivateEndpointReconciler.recheck(status, NOW)).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void pollsWhatChangesWithoutAnEventOnly() {
    // Rolling, the cloud side done: the StatefulSet or Kafka CR watch reports the end of the roll.
    assertThat(KafkaPrivateEndpointReconciler.inProgress(status("RollingRestart", "True", "True"))).isFalse();
    // Rolling, the cloud side waiting for the listener: still nothing to poll.
    assertThat(KafkaPrivateEndpointReconciler.inProgress(status("RollingUpdate", "Unknown:Blocked", "Unknown:Blocked"))).isFalse();
    // The NLB provisioning, or targets not healthy yet: only polling tells.
    assertThat(KafkaPrivateEndpointReconciler.inProgress(status("RollingRestart", "False:Provisioning", "True"))).isTrue();
    assertThat(KafkaPrivateEndpointReconciler.inProgress(status("Running", "True", "False:TargetsNotHealthy"))).isTrue();
    // Another endpoint in the way may go without this one hearing of it.
    assertThat(KafkaPrivateEndpointReconciler.inProgress(status("ListenerConflict", "Unknown:Blocked", "Unknown:Blocked"))).isTrue();
    // Ready, or a bad spec: nothing to poll.
    KafkaPrivateEndpointStatus ready = status("Running", "True", "True");
    ready.getConditions().set(0, new io.privateendpoint.operator.model.EndpointCondition("Ready", "True", "Ready", "", 1L, ""));
    assertThat(KafkaPrivateEndpointReconciler.inProgress(ready)).isFalse();
  }

  /** Ready False, ListenerConfigured with {@code listener} (True when "Running"), LoadBalancerReady and Verified as "Status:Reason". */
  private static KafkaPrivateEndpointStatus status(String listener, String loadBalancer, String verified) {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.getConditions().add(new io.privateendpoint.operator.model.EndpointCondition("Ready", "False", "NotReady", "", 1L, ""));
    status.getConditions().add(new io.privateendpoint.operator.model.EndpointCondition("ListenerConfigured",
        "Running".equals(listener) ? "True" : "False", listener, "", 1L, ""));
    for (String[] c : new String[][] {{"LoadBalancerReady", loadBalancer}, {"Verified", verified}}) {
      String[] v = c[1].split(":");
      status.getConditions().add(new io.privateendpoint.operator.model.EndpointCondition(c[0], v[0],
          v.length > 1 ? v[1] : "Ok", "", 1L, ""));
    }
    return status;
  }
}
