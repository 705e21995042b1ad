package io.privateendpoint.operator.metrics;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code kpe_kube_requests_total{verb, resource}}: every HTTP request the operator's Kubernetes
 * client sends, by Kubernetes verb (get, list, watch, create, update, patch, delete) and resource
 * ("pods", "statefulsets", "pods/status" for a subresource). The kube package counts them through
 * fabric8's interceptor hook, so none bypasses it; a retried request counts once per attempt. With
 * kpe_cloud_calls_total it says what one endpoint costs the API server, at creation and per pass.
 */
public final class KubeRequestMetrics {

  public static final String NAME = "kpe.kube.requests";

  private final MeterRegistry registry;

  public KubeRequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(String verb, String resource) {
    registry.counter(NAME, "verb", verb, "resource", resource).increment();
  }
}
