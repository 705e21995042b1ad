package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brokers of a plain StatefulSet: pod {@code <name>-<ordinal>} is node.id ordinal + nodeIdOffset,
 * for every ordinal below spec.replicas (a pod that is restarting is still a broker). Reads are a
 * constant few per reconcile whatever the broker count: the StatefulSet, its pods (one list),
 * the nodes (one list), the operator's ConfigMap.
 */
public final class StatefulSetBrokerDiscovery {

  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String AWS_ZONE_ID_LABEL = "topology.k8s.aws/zone-id";

  private final KubernetesClient client;

  public StatefulSetBrokerDiscovery(KubernetesClient client) {
    this.client = client;
  }

  public Observation observe(KafkaPrivateEndpoint resource) {
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String namespace = resource.getMetadata().getNamespace();
    StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(source.getName()).get();
    if (sts == null) {
      return Observation.problem(new PlanProblem(PlanProblem.KAFKA_NOT_FOUND, "StatefulSet " + source.getName()
          + " (spec.kafka.statefulSet.name) not found in namespace " + namespace));
    }
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    Map<String, Pod> pods = client.pods().inNamespace(namespace)
        .withLabels(sts.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> a));
    Map<String, Node> nodes = nodes(pods.values());

    List<Broker> brokers = new ArrayList<>();
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      String podName = source.getName() + "-" + ordinal;
      int nodeId = ordinal + source.getNodeIdOffset();
      Pod pod = pods.get(podName);
      String nodeName = pod == null ? null : pod.getSpec().getNodeName();
      Node node = nodeName == null ? null : nodes.get(nodeName);
      brokers.add(broker(nodeId, podName, pod, node));
    }
    return new Observation(brokers, advertised(resource), List.of());
  }

  static Broker broker(int nodeId, String podName, Pod pod, Node node) {
    String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String nodeName = pod == null ? null : pod.getSpec().getNodeName();
    Map<String, String> labels = node == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    String instance = node == null || node.getSpec() == null ? null : ProviderIds.instance(node.getSpec().getProviderID());
    return new Broker(nodeId, podName, labels.get(ZONE_LABEL), labels.get(AWS_ZONE_ID_LABEL),
        podIp == null || podIp.isBlank() ? null : podIp, nodeName, instance);
  }

  /** The Nodes the pods run on: one list call rather than one get per broker. */
  private Map<String, Node> nodes(java.util.Collection<Pod> pods) {
    Set<String> wanted = pods.stream().map(p -> p.getSpec().getNodeName()).filter(Objects::nonNull).collect(Collectors.toSet());
    Map<String, Node> nodes = new HashMap<>();
    if (!wanted.isEmpty()) {
      client.nodes().list().getItems().stream().filter(n -> wanted.contains(n.getMetadata().getName()))
          .forEach(n -> nodes.put(n.getMetadata().getName(), n));
    }
    return nodes;
  }

  /** Node ids whose entry the operator's ConfigMap still holds: brokers may still advertise them. */
  private Set<Integer> advertised(KafkaPrivateEndpoint resource) {
    ConfigMap cm = client.configMaps().inNamespace(resource.getMetadata().getNamespace())
        .withName(StatefulSetListenerConfig.configMapName(resource)).get();
    if (cm == null || !OwnedMarks.ownedBy(cm.getMetadata(), resource) || cm.getData() == null) {
      return Set.of();
    }
    return cm.getData().keySet().stream().map(StatefulSetListenerConfig::nodeIdOf).filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }
}
