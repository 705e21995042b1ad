package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.plan.Broker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where brokers run: for node id → pod name, the pod's IP and Node, the Node's zone, AWS AZ ID and
 * cloud instance. Two list calls whatever the broker count: the pods by label, the nodes.
 */
final class BrokerLocator {

  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  static final String AWS_ZONE_ID_LABEL = "topology.k8s.aws/zone-id";

  private final KubernetesClient client;

  BrokerLocator(KubernetesClient client) {
    this.client = client;
  }

  /** One Broker per entry of {@code podsByNodeId}, in that map's order; missing pods give unscheduled brokers. */
  List<Broker> locate(String namespace, Map<String, String> podLabels, Map<Integer, String> podsByNodeId) {
    Map<String, Pod> pods = client.pods().inNamespace(namespace).withLabels(podLabels).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> a));
    Set<String> wanted = pods.values().stream().map(p -> p.getSpec().getNodeName()).filter(Objects::nonNull)
        .collect(Collectors.toSet());
    Map<String, Node> nodes = new HashMap<>();
    if (!wanted.isEmpty()) {
      client.nodes().list().getItems().stream().filter(n -> wanted.contains(n.getMetadata().getName()))
          .forEach(n -> nodes.put(n.getMetadata().getName(), n));
    }
    List<Broker> brokers = new ArrayList<>();
    podsByNodeId.forEach((nodeId, podName) -> {
      Pod pod = pods.get(podName);
      String nodeName = pod == null ? null : pod.getSpec().getNodeName();
      brokers.add(broker(nodeId, podName, pod, nodeName == null ? null : nodes.get(nodeName)));
    });
    return brokers;
  }

  static Broker broker(int nodeId, String podName, Pod pod, Node node) {
    String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String nodeName = pod == null ? null : pod.getSpec().getNodeName();
    Map<String, String> labels = node == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    String instance = node == null || node.getSpec() == null ? null : ProviderIds.instance(node.getSpec().getProviderID());
    return new Broker(nodeId, podName, labels.get(ZONE_LABEL), labels.get(AWS_ZONE_ID_LABEL),
        podIp == null || podIp.isBlank() ? null : podIp, nodeName, instance);
  }
}
