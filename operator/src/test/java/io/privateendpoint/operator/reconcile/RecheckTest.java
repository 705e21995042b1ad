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
}
