package io.privateendpoint.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code kpe_cloud_calls_total{cloud, operation, outcome}}: every call the operator makes to a cloud
 * API, counted once by how it ended, plus one {@code retried} per extra attempt the SDK made. So the
 * number of calls of an operation is the sum over success, throttled, refused and error, and the HTTP
 * requests sent for it are that plus retried. The cloud packages record through their SDK's own hook
 * (an AWS ExecutionInterceptor, a gax ApiTracerFactory), so no call can bypass it.
 */
public final class CloudCallMetrics {

  public static final String NAME = "kpe.cloud.calls";

  public enum Cloud { aws, gcp }

  /**
   * How one call ended, or {@code retried} for an attempt the SDK repeats. {@code throttled}: the cloud
   * said slow down (it is retried, so this counts only the calls that stayed throttled); {@code refused}:
   * any other 4xx, a lasting answer such as a missing permission or a bad value — and a lookup of what
   * does not exist yet (AWS's LoadBalancerNotFound, Compute's 404), which the operator asks on purpose;
   * {@code error}: 5xx, network and client-side failures.
   */
  public enum Outcome { success, throttled, retried, refused, error }

  private final MeterRegistry registry;

  public CloudCallMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts into a registry nobody reads: for wiring that does not serve metrics (tests). */
  public static CloudCallMetrics unread() {
    return new CloudCallMetrics(new SimpleMeterRegistry());
  }

  /** @param operation "Service.Operation", e.g. Ec2.DescribeVpcs or RegionNetworkEndpointGroups.Insert */
  public void record(Cloud cloud, String operation, Outcome outcome) {
    registry.counter(NAME, "cloud", cloud.name(), "operation", operation, "outcome", outcome.name()).increment();
  }
}
