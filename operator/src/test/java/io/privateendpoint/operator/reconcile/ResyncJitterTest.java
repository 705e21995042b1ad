package io.privateendpoint.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Settled endpoints resync spread around the period; a throttled pass comes back after a jittered pause. */
class ResyncJitterTest {

  private static final Duration PERIOD = Duration.ofMinutes(10);

  @Test
  void aHundredEndpointsCreatedTogetherResyncSpreadOverTwoMinutes() {
    Random seeded = new Random(7);
    KafkaPrivateEndpointReconciler reconciler = new KafkaPrivateEndpointReconciler(null).withResyncPeriod(PERIOD)
        .withRandom(seeded::nextDouble);
    TreeSet<Long> seconds = new TreeSet<>();
    for (int i = 0; i < 100; i++) {
      Duration delay = reconciler.rescheduled(status("True", "Ready"))
          .getScheduleDelay().map(Duration::ofMillis).orElseThrow();
      assertThat(delay).isBetween(Duration.ofSeconds(540), Duration.ofSeconds(660));
      seconds.add(delay.toSeconds());
    }
    // Not one second for all: the hundred land in many distinct seconds across the window.
    assertThat(seconds.size()).isGreaterThan(60);
    assertThat(seconds.last() - seconds.first()).isGreaterThan(90);
  }

  @Test
  void jitterBoundsAreTheFactorRange() {
    assertThat(KafkaPrivateEndpointReconciler.jittered(PERIOD, 0.9, 1.1, 0.0)).isEqualTo(Duration.ofSeconds(540));
    assertThat(KafkaPrivateEndpointReconciler.jittered(PERIOD, 0.9, 1.1, 0.5)).isEqualTo(Duration.ofSeconds(600));
    assertThat(KafkaPrivateEndpointReconciler.jittered(PERIOD, 0.9, 1.1, 0.999999)).isLessThan(Duration.ofSeconds(660));
  }

  @Test
  void withoutAPeriodJosdksIntervalDecides() {
    UpdateControl<KafkaPrivateEndpoint> control = new KafkaPrivateEndpointReconciler(null)
        .rescheduled(status("True", "Ready"));
    assertThat(control.getScheduleDelay()).isEmpty();
  }

  @Test
  void aThrottledPassComesBackAfterAJitteredPauseNotAtOnce() {
    KafkaPrivateEndpointReconciler reconciler = new KafkaPrivateEndpointReconciler(null).withResyncPeriod(PERIOD)
        .withRandom(() -> 0.5);
    KafkaPrivateEndpointStatus throttled = status("False", "NotReady");
    throttled.getConditions().add(new EndpointCondition("LoadBalancerReady", "False", CloudPushback.REASON, "AWS throttled",
        1L, "2026-01-01T10:00:00Z"));
    UpdateControl<KafkaPrivateEndpoint> control = reconciler.rescheduled(throttled);
    assertThat(control.getScheduleDelay()).contains(
        KafkaPrivateEndpointReconciler.jittered(CloudPushback.RETRY_AFTER, 1.0, 1.3, 0.5).toMillis());
    assertThat(control.getScheduleDelay().orElseThrow()).isGreaterThan(KafkaPrivateEndpointReconciler.IN_PROGRESS_RECHECK.toMillis());
  }

  private static KafkaPrivateEndpointStatus status(String ready, String reason) {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setConditions(new java.util.ArrayList<>(List.of(new EndpointCondition("Ready", ready, reason, "m",
        1L, "2026-01-01T10:00:00Z"))));
    return status;
  }
}
