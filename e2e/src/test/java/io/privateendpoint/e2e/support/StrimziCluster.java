package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.common.ConditionBuilder;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaBuilder;
import io.strimzi.api.kafka.model.kafka.KafkaStatusBuilder;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerBuilder;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatusBuilder;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolBuilder;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePoolStatusBuilder;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Plays Strimzi for the tests: a Kafka CR with two listeners of its own, broker node pools with
 * node ids in their status, their pods and IPs, and the Kafka status Strimzi writes after a roll.
 */
public final class StrimziCluster {

  private final KubernetesClient client;
  private final String namespace;
  private final KafkaCluster nodes;

  public StrimziCluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.nodes = new KafkaCluster(client, namespace);
  }

  /** The listeners the cluster has before any endpoint: the test checks they are never touched. */
  public static List<GenericKafkaListener> ownListeners() {
    return List.of(
        new GenericKafkaListenerBuilder().withName("plain").withPort(9092).withType(KafkaListenerType.INTERNAL).withTls(false).build(),
        new GenericKafkaListenerBuilder().withName("tls").withPort(9093).withType(KafkaListenerType.INTERNAL).withTls(true).build());
  }

  public void createKafka(String name) {
    Crds.kafkaOperation(client).inNamespace(namespace).resource(new KafkaBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withNewKafka().withListeners(ownListeners()).endKafka().endSpec().build()).create();
  }

  /** A broker pool with {@code ids} in its status; pod of node id n runs on node-(n % 3 + 1) with IP {@code <ipPrefix>.<n%3+1>.<10+n>}. */
  public void brokerPool(String cluster, String pool, List<Integer> ids, String ipPrefix) {
    brokerPool(cluster, pool, ids, ipPrefix, "node-");
  }

  /** As above, on nodes {@code <nodePrefix>1..3}. */
  public void brokerPool(String cluster, String pool, List<Integer> ids, String ipPrefix, String nodePrefix) {
    var pools = Crds.kafkaNodePoolOperation(client).inNamespace(namespace);
    KafkaNodePool current = pools.withName(pool).get();
    if (current == null) {
      current = pools.resource(new KafkaNodePoolBuilder().withNewMetadata().withName(pool).withNamespace(namespace)
          .withLabels(Map.of("strimzi.io/cluster", cluster)).endMetadata()
          .withNewSpec().withReplicas(ids.size()).withRoles(ProcessRoles.BROKER).withNewEphemeralStorage().endEphemeralStorage()
          .endSpec().build()).create();
    }
    current.setStatus(new KafkaNodePoolStatusBuilder().withNodeIds(ids).withRoles(ProcessRoles.BROKER).withReplicas(ids.size()).build());
    pools.resource(current).updateStatus();
    IntStream.range(0, ids.size()).forEach(i -> {
      int id = ids.get(i);
      String podName = cluster + "-" + pool + "-" + id;
      client.resource(new PodBuilder().withNewMetadata().withName(podName).withNamespace(namespace)
          .withLabels(Map.of("strimzi.io/cluster", cluster, "strimzi.io/pool", pool)).endMetadata()
          .withNewSpec().withNodeName(nodePrefix + (id % 3 + 1)).addNewContainer().withName("kafka").withImage("strimzi/kafka")
          .endContainer().endSpec().build()).createOr(r -> r.update());
      nodes.podIp(podName, ipPrefix + "." + (id % 3 + 1) + "." + (10 + id));
    });
  }

  /** What Strimzi reports once it has rolled the brokers with these listeners. */
  public void ready(String name, String... listeners) {
    Kafka kafka = kafka(name);
    kafka.setStatus(new KafkaStatusBuilder().withObservedGeneration(kafka.getMetadata().getGeneration())
        .withListeners(List.of(listeners).stream().map(l -> new ListenerStatusBuilder().withName(l).build()).toList())
        .withConditions(new ConditionBuilder().withType("Ready").withStatus("True").build())
        .build());
    Crds.kafkaOperation(client).inNamespace(namespace).resource(kafka).updateStatus();
  }

  public Kafka kafka(String name) {
    return Crds.kafkaOperation(client).inNamespace(namespace).withName(name).get();
  }

  public static GenericKafkaListener listener(Kafka kafka, String name) {
    return kafka.getSpec().getKafka().getListeners().stream().filter(l -> name.equals(l.getName())).findFirst().orElse(null);
  }
}
