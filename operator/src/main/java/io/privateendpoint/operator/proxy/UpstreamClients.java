package io.privateendpoint.operator.proxy;

import io.fabric8.kubernetes.api.model.Secret;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ProxyUpstream;
import io.privateendpoint.operator.kafka.KafkaClientSecurity;
import io.privateendpoint.operator.plan.UpstreamBroker;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * One Kafka Admin client per endpoint, kept while its connection settings stay the same (the
 * discovery polls every few seconds; a client per poll would reconnect every time), closed when
 * they change or the endpoint goes.
 */
public final class UpstreamClients implements AutoCloseable {

  static final int TIMEOUT_MS = 8_000;

  private record Held(String fingerprint, Admin admin) {}

  private final Map<String, Held> clients = new ConcurrentHashMap<>();

  /** The brokers the upstream describes, by node id; throws {@link UpstreamException} when it cannot be read. */
  public List<UpstreamBroker> describe(KafkaPrivateEndpoint resource, String bootstrap, Secret secret) {
    Map<String, Object> config = config(resource.getSpec().proxyOrDefault().getUpstream(), bootstrap, secret);
    String key = resource.getMetadata().getUid() != null ? resource.getMetadata().getUid()
        : resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    String fingerprint = new TreeMap<>(config).toString();
    Held held = clients.compute(key, (k, old) -> {
      if (old != null && old.fingerprint().equals(fingerprint)) {
        return old;
      }
      if (old != null) {
        old.admin().close();
      }
      try {
        return new Held(fingerprint, Admin.create(config));
      } catch (KafkaException e) {
        // e.g. no bootstrap address resolves: the client is not even made
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new UpstreamException("cannot reach the Kafka Admin API at " + bootstrap + ": " + cause.getMessage());
      }
    });
    try {
      return held.admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
          .get(TIMEOUT_MS + 2_000L, TimeUnit.MILLISECONDS).stream()
          .map(n -> new UpstreamBroker(n.id(), n.host(), n.port(), n.rack()))
          .sorted(Comparator.comparingInt(UpstreamBroker::nodeId)).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamException("interrupted while describing the cluster at " + bootstrap);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new UpstreamException("the Kafka Admin API at " + bootstrap + " did not answer: "
          + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
  }

  public void forget(KafkaPrivateEndpoint resource) {
    Held held = clients.remove(resource.getMetadata().getUid());
    if (held != null) {
      held.admin().close();
    }
  }

  @Override
  public void close() {
    clients.values().forEach(h -> h.admin().close());
    clients.clear();
  }

  /** Admin settings from spec.proxy.upstream and its Secret (ca.crt, username, password). */
  static Map<String, Object> config(ProxyUpstream upstream, String bootstrap, Secret secret) {
    Map<String, Object> c = new TreeMap<>(KafkaClientSecurity.settings(upstream.getSecurityProtocol(),
        upstream.getSaslMechanism(), secret));
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-private-endpoint-operator");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    c.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2_000);
    return c;
  }

  /** The upstream could not be described; the message says where and why. */
  public static final class UpstreamException extends RuntimeException {
    public UpstreamException(String message) {
      super(message);
    }
  }
}
