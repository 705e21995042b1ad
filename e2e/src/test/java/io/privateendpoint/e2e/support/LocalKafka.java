package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The three brokers hack/run-local.sh simulates for a sample's spec.kafka, as the tests play them:
 * a StatefulSet and its pods, or a Strimzi Kafka with a broker node pool (node ids 0..2 in its status)
 * and its pods. Broker i runs on node {@code <nodePrefix><i+1>} with IP {@code <ipPrefix>.<i+1>.<10+i>}
 * either way. No Strimzi operator runs: the roll it would do is reported as Strimzi reports it.
 */
final class LocalKafka {

  private final KafkaPrivateEndpoint endpoint;
  private final KafkaCluster statefulSets;
  private final StrimziCluster strimzi;

  private LocalKafka(KafkaPrivateEndpoint endpoint, KafkaCluster statefulSets, StrimziCluster strimzi) {
    this.endpoint = endpoint;
    this.statefulSets = statefulSets;
    this.strimzi = strimzi;
  }

  /**
   * Installs what the sample's source needs in the API server — before the operator starts, so that it
   * sees kafka.strimzi.io and watches it — and the sample's namespace.
   */
  static void prepare(KubernetesClient client, KafkaPrivateEndpoint endpoint) {
    ProjectCrds.install(client);
    if (endpoint.getSpec().getKafka().getStrimzi() != null) {
      StrimziCrds.install(client);
    }
    String ns = endpoint.getMetadata().getNamespace();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
  }

  /** The brokers' pod IPs, broker 0 first. */
  static List<String> podIps(String ipPrefix) {
    return IntStream.range(0, 3).mapToObj(i -> ipPrefix + "." + (i + 1) + "." + (10 + i)).toList();
  }

  /** Three brokers of the sample's source; {@link #prepare} first. */
  static LocalKafka simulate(KubernetesClient client, KafkaPrivateEndpoint endpoint, String nodePrefix, String ipPrefix) {
    String ns = endpoint.getMetadata().getNamespace();
    KafkaSource source = endpoint.getSpec().getKafka();
    if (source.getStrimzi() != null) {
      StrimziCluster strimzi = new StrimziCluster(client, ns);
      String cluster = source.getStrimzi().getCluster();
      strimzi.createKafka(cluster);
      strimzi.brokerPool(cluster, "brokers", List.of(0, 1, 2), ipPrefix, nodePrefix);
      return new LocalKafka(endpoint, null, strimzi);
    }
    KafkaCluster kafka = new KafkaCluster(client, ns);
    StatefulSet sts = kafka.statefulSet(source.getStatefulSet().getName(), 3);
    List<String> ips = podIps(ipPrefix);
    for (int i = 0; i < 3; i++) {
      kafka.pod(sts, i, nodePrefix + (i + 1), ips.get(i));
    }
    return new LocalKafka(endpoint, kafka, null);
  }

  String describe() {
    return strimzi != null
        ? "Strimzi Kafka " + endpoint.getSpec().getKafka().getStrimzi().getCluster() + " (listeners plain, tls) with node pool"
            + " brokers, node ids 0-2 on nodes in three zones"
        : "StatefulSet " + endpoint.getSpec().getKafka().getStatefulSet().getName() + " with 3 pods on nodes in three zones";
  }

  /** The ListenerConfigured reason with which the endpoint waits for the brokers to roll. */
  String rollReason() {
    return strimzi != null ? "RollingUpdate" : "RollingRestart";
  }

  /** What the rolled brokers' owner reports: the StatefulSet controller, or Strimzi with every listener ready. */
  void rollOut() {
    if (strimzi == null) {
      statefulSets.rolledOut(endpoint.getSpec().getKafka().getStatefulSet().getName());
      return;
    }
    String cluster = endpoint.getSpec().getKafka().getStrimzi().getCluster();
    List<String> listeners = new ArrayList<>(StrimziCluster.ownListeners().stream().map(GenericKafkaListener::getName).toList());
    listeners.add(endpoint.getSpec().getListener().getName());
    strimzi.ready(cluster, listeners.toArray(String[]::new));
  }

  /** After a clean delete, what was checked on the Kafka side, for the run's output. */
  Optional<String> cleanedUp() {
    return strimzi == null ? Optional.empty() : Optional.of("Kafka " + endpoint.getSpec().getKafka().getStrimzi().getCluster()
        + " no longer has listener " + endpoint.getSpec().getListener().getName() + "; its own listeners are untouched");
  }

  /** After the endpoint is deleted: what of it is left on the Kafka side (Strimzi: its listener entry), or "". */
  String leftover() {
    if (strimzi == null) {
      return "";
    }
    String cluster = endpoint.getSpec().getKafka().getStrimzi().getCluster();
    String listener = endpoint.getSpec().getListener().getName();
    List<GenericKafkaListener> listeners = strimzi.kafka(cluster).getSpec().getKafka().getListeners();
    if (listeners.stream().anyMatch(l -> listener.equals(l.getName()))) {
      return "listener " + listener + " is still in Kafka " + cluster;
    }
    return Serialization.asJson(listeners).equals(Serialization.asJson(StrimziCluster.ownListeners())) ? ""
        : "Kafka " + cluster + "'s own listeners changed: " + Serialization.asJson(listeners);
  }
}
