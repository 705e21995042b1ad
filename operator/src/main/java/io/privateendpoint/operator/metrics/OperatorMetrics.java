package io.privateendpoint.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry for everything the operator reports: JOSDK's reconcile metrics
 * ({@code operator_sdk_*}), the operator's own ({@code kpe_*}) and the JVM's ({@code jvm_*},
 * {@code process_*}, {@code system_*}), scraped as Prometheus text.
 */
public final class OperatorMetrics {

  /** Prometheus' text exposition format, which {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CloudCallMetrics cloudCalls = new CloudCallMetrics(registry);
  private final ReconcileMetrics reconcile = new ReconcileMetrics(registry);
  private final KubeRequestMetrics kubeRequests = new KubeRequestMetrics(registry);
  // Aggregated per resource kind, not per resource: series do not grow with the number of endpoints,
  // and kpe_endpoints already says how many are Ready.
  private final Metrics josdk = MicrometerMetrics.newMicrometerMetricsBuilder(registry).notCollectingMetricsPerResource().build();

  @SuppressWarnings("resource") // JvmGcMetrics listens for the life of the process
  public OperatorMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** For JOSDK's ConfigurationServiceOverrider.withMetrics. */
  public Metrics josdk() {
    return josdk;
  }

  public CloudCallMetrics cloudCalls() {
    return cloudCalls;
  }

  public KubeRequestMetrics kubeRequests() {
    return kubeRequests;
  }

  public ReconcileMetrics reconcile() {
    return reconcile;
  }

  /** Every metric in Prometheus' text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }
}
