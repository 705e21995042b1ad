package io.privateendpoint.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ReconcileMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ReconcileMetrics metrics = new ReconcileMetrics(registry);

  @Test
  void endpointsByTheirLastReadyStatusAndGoneOnDelete() {
    assertThat(endpoints("True")).isZero();
    metrics.ready("kafka", "a", "False");
    metrics.ready("kafka", "b", "True");
    metrics.ready("other", "a", null);
    assertThat(endpoints("True")).isEqualTo(1);
    assertThat(endpoints("False")).isEqualTo(1);
    assertThat(endpoints("Unknown")).isEqualTo(1);
    // The last status counts, once per endpoint.
    metrics.ready("kafka", "a", "True");
    assertThat(endpoints("True")).isEqualTo(2);
    assertThat(endpoints("False")).isZero();
    metrics.deleted("kafka", "a");
    metrics.deleted("other", "a");
    assertThat(endpoints("True")).isEqualTo(1);
    assertThat(endpoints("Unknown")).isZero();
  }

  @Test
  void passesAreTimedByKind() {
    assertThat(metrics.timeApply(() -> "status")).isEqualTo("status");
    metrics.timeApply(() -> null);
    metrics.timeCleanup(() -> null);
    assertThat(registry.get(ReconcileMetrics.DURATION).tag("pass", "apply").timer().count()).isEqualTo(2);
    assertThat(registry.get(ReconcileMetrics.DURATION).tag("pass", "cleanup").timer().count()).isEqualTo(1);
  }

  @Test
  void prometheusNamesAreTheDocumentedOnes() {
    OperatorMetrics operator = new OperatorMetrics();
    operator.cloudCalls().record(CloudCallMetrics.Cloud.aws, "Ec2.DescribeVpcs", CloudCallMetrics.Outcome.success);
    operator.reconcile().ready("kafka", "a", "True");
    operator.reconcile().timeApply(() -> null);
    assertThat(operator.scrape())
        .contains("kpe_cloud_calls_total{cloud=\"aws\",operation=\"Ec2.DescribeVpcs\",outcome=\"success\"} 1.0")
        .contains("kpe_endpoints{ready=\"True\"} 1.0").contains("kpe_endpoints{ready=\"False\"} 0.0")
        .contains("kpe_endpoints{ready=\"Unknown\"} 0.0")
        .contains("kpe_reconcile_duration_seconds_bucket{pass=\"apply\",le=")
        .contains("kpe_reconcile_duration_seconds_count{pass=\"apply\"} 1");
  }

  private double endpoints(String ready) {
    return registry.get(ReconcileMetrics.ENDPOINTS).tag("ready", ready).gauge().value();
  }
}
