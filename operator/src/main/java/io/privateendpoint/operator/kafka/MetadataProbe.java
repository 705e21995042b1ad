package io.privateendpoint.operator.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientRequest;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.ManualMetadataUpdater;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.NetworkClientUtils;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ChannelBuilder;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;

/**
 * Asks one broker, on one listener, which brokers it advertises there: a Kafka Metadata request (no
 * topics) sent to exactly {@code host:port}, and nothing else. The Admin client cannot do this: after
 * bootstrapping it talks to the advertised addresses, which are the consumer's names and do not
 * resolve inside the cluster. Kafka's own NetworkClient does the TLS and SASL handshakes, so the
 * check speaks the listener's security protocol as a consumer would.
 */
public final class MetadataProbe {

  /** One broker as the listener advertises it. */
  public record Advertised(int nodeId, String host, int port) {
    public String address() {
      return host + ":" + port;
    }
  }

  /** The broker could not be asked: the message says where and why. */
  public static final class ProbeFailure extends Exception {
    public ProbeFailure(String message) {
      super(message, null, false, false);
    }
  }

  private MetadataProbe() {}

  /**
   * @param security the client's security settings ({@link KafkaClientSecurity#settings})
   * @param timeout  bounds the connection, the handshakes and the answer together
   */
  public static List<Advertised> advertised(String host, int port, Map<String, Object> security, Duration timeout)
      throws ProbeFailure {
    Map<String, Object> config = new HashMap<>(security);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":" + port);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-private-endpoint-operator-check");
    Time time = Time.SYSTEM;
    LogContext log = new LogContext("[listener check " + host + ":" + port + "] ");
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Metrics metrics = new Metrics(time);
    NetworkClient client = null;
    try {
      ChannelBuilder channels = ClientUtils.createChannelBuilder(new AdminClientConfig(config), time, log);
      Selector selector = new Selector(timeoutMs, metrics, time, "kpe-listener-check", channels, log);
      client = new NetworkClient(selector, new ManualMetadataUpdater(), "kafka-private-endpoint-operator-check", 1,
          100, 1_000, -1, -1, timeoutMs, timeoutMs, timeoutMs, time, true, new ApiVersions(), log,
          MetadataRecoveryStrategy.NONE);
      Node broker = new Node(-1, host, port);
      long deadline = time.milliseconds() + timeoutMs;
      if (!NetworkClientUtils.awaitReady(client, broker, time, timeoutMs)) {
        throw new ProbeFailure("no connection to " + host + ":" + port + " within " + timeout.toSeconds() + " s");
      }
      MetadataRequest.Builder request = new MetadataRequest.Builder(new MetadataRequestData()
          .setTopics(List.of()).setAllowAutoTopicCreation(false));
      ClientRequest sent = client.newClientRequest(broker.idString(), request, time.milliseconds(), true,
          (int) Math.max(1, deadline - time.milliseconds()), null);
      ClientResponse answer = NetworkClientUtils.sendAndReceive(client, sent, time);
      if (!(answer.responseBody() instanceof MetadataResponse metadata)) {
        throw new ProbeFailure(host + ":" + port + " gave no metadata"
            + (answer.wasDisconnected() ? " (disconnected)" : ""));
      }
      return metadata.brokers().stream().map(n -> new Advertised(n.id(), n.host(), n.port()))
          .sorted(Comparator.comparingInt(Advertised::nodeId)).toList();
    } catch (IOException e) {
      // NetworkClient says "Connection to <node> failed": refused, reset or not routed.
      throw new ProbeFailure(host + ":" + port + " did not accept a connection");
    } catch (RuntimeException e) {
      // Authentication, TLS and config errors come as KafkaException subclasses.
      throw new ProbeFailure(host + ":" + port + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } finally {
      if (client != null) {
        client.close();
      }
      metrics.close();
    }
  }
}
