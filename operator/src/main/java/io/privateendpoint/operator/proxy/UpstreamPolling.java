package io.privateendpoint.operator.proxy;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.UpstreamBroker;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxy mode: the brokers behind the proxy have no Kubernetes object to watch (they may be anywhere),
 * so their metadata is re-read every few seconds with the Admin API, and an endpoint is reconciled
 * when what it describes changes — a broker added, gone, moved or re-racked — not on every poll.
 */
public final class UpstreamPolling {

  public static final Duration PERIOD = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPolling.class);

  private UpstreamPolling() {}

  public static EventSource<UpstreamBroker, KafkaPrivateEndpoint> eventSource(EventSourceContext<KafkaPrivateEndpoint> context,
      ProxySide proxy) {
    var config = new PerResourcePollingConfigurationBuilder<UpstreamBroker, KafkaPrivateEndpoint, Integer>(
        resource -> brokers(proxy, resource), PERIOD)
        .withName("upstream-brokers")
        .withRegisterPredicate(r -> r.getSpec().getMode() == EndpointMode.Proxy)
        .withResourceIDMapper(UpstreamBroker::nodeId)
        .build();
    return new PerResourcePollingEventSource<>(UpstreamBroker.class, context, config);
  }

  /** What the upstream describes now; nothing when it cannot be read (the reconcile says why). */
  private static Set<UpstreamBroker> brokers(ProxySide proxy, KafkaPrivateEndpoint resource) {
    try {
      return new HashSet<>(proxy.poll(resource));
    } catch (RuntimeException e) {
      LOG.debug("upstream of {}/{} not described: {}", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), e.getMessage());
      return Set.of();
    }
  }
}
