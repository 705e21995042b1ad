package io.privateendpoint.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the reconciler reports: {@code kpe_endpoints{ready="True|False|Unknown"}}, the endpoints by the
 * Ready condition of the status the reconciler last computed for each (a deleted endpoint leaves it),
 * {@code kpe_endpoints_throttled}, how many of them a cloud API kept throttling in their last pass,
 * and {@code kpe_reconcile_duration_seconds{pass="apply|cleanup"}}, a histogram of one pipeline pass.
 * A standby replica reconciles nothing, so it reports no endpoint.
 */
public final class ReconcileMetrics {

  public static final String ENDPOINTS = "kpe.endpoints";
  public static final String DURATION = "kpe.reconcile.duration";
  public static final String THROTTLED = "kpe.endpoints.throttled";
  static final String[] READY_VALUES = {"True", "False", "Unknown"};

  /** namespace/name → the Ready condition's status. */
  private final Map<String, String> ready = new ConcurrentHashMap<>();
  /** namespace/name of the endpoints whose last pass ended because a cloud kept throttling. */
  private final Set<String> throttled = ConcurrentHashMap.newKeySet();
  private final Timer apply;
  private final Timer cleanup;

  public ReconcileMetrics(MeterRegistry registry) {
    for (String value : READY_VALUES) {
      Gauge.builder(ENDPOINTS, ready, m -> m.values().stream().filter(value::equals).count())
          .description("KafkaPrivateEndpoints by the status of their Ready condition").tag("ready", value)
          .register(registry);
    }
    Gauge.builder(THROTTLED, throttled, Set::size)
        .description("KafkaPrivateEndpoints whose last pass ended because a cloud API kept throttling (reason Throttled)")
        .register(registry);
    apply = timer(registry, "apply");
    cleanup = timer(registry, "cleanup");
  }

  /** Counts into a registry nobody reads: for wiring that does not serve metrics (tests). */
  public static ReconcileMetrics unread() {
    return new ReconcileMetrics(new SimpleMeterRegistry());
  }

  private static Timer timer(MeterRegistry registry, String pass) {
    // A pass is a few cloud round trips: milliseconds when steady, up to minutes while Compute
    // operations are waited on; buckets span that rather than Micrometer's default 1 ms..30 s.
    return Timer.builder(DURATION).description("one pipeline pass (validate, observe, plan, apply, status) or cleanup pass")
        .tag("pass", pass).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
  }

  public <T> T timeApply(Supplier<T> pass) {
    return apply.record(pass);
  }

  public <T> T timeCleanup(Supplier<T> pass) {
    return cleanup.record(pass);
  }

  /** @param readyStatus the Ready condition's status; anything but True or False counts as Unknown */
  public void ready(String namespace, String name, String readyStatus) {
    String value = "True".equals(readyStatus) || "False".equals(readyStatus) ? readyStatus : "Unknown";
    ready.put(namespace + "/" + name, value);
  }

  /** @param throttled whether the endpoint's last pass ended because a cloud kept pushing back */
  public void throttled(String namespace, String name, boolean throttled) {
    if (throttled) {
      this.throttled.add(namespace + "/" + name);
    } else {
      this.throttled.remove(namespace + "/" + name);
    }
  }

  public void deleted(String namespace, String name) {
    ready.remove(namespace + "/" + name);
    throttled.remove(namespace + "/" + name);
  }
}
