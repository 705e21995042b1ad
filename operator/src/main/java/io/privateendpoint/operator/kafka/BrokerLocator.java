package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.privateendpoint.operator.kube.KubeView;
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
 * cloud instance. Read through the {@link KubeView}: the pods by label, and only the Nodes that
 * host them, by name.
 */
public final class BrokerLocator {

  public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  public static final String AWS_ZONE_ID_LABEL = "topology.k8s.aws/zone-id";
  /** Set by the StatefulSet controller on every pod; per-broker Services select on it. */
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String STRIMZI_POD_NAME_LABEL = "strimzi.io/pod-name";

  private final KubeView view;

  BrokerLocator(KubeView view) {
    this.view = view;
  }

  /**
   * One Broker per entry of {@code podsByNodeId}, in that map's order; missing pods give unscheduled
   * brokers. With {@code nodePortFor} set (instance targets), a broker's NodePort is that of a
   * NodePort Service selecting its pod whose target port is {@code nodePortFor}: one more list.
   */
  List<Broker> locate(String namespace, Map<String, String> podLabels, Map<Integer, String> podsByNodeId, Integer nodePortFor) {
    Map<String, Pod> pods = view.list(Pod.class, namespace, podLabels).stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> a));
    Set<String> wanted = pods.values().stream().map(p -> p.getSpec().getNodeName()).filter(Objects::nonNull)
        .collect(Collectors.toSet());
    Map<String, Node> nodes = new HashMap<>();
    if (!wanted.isEmpty()) {
      for (String name : wanted) {
        Node node = view.get(Node.class, null, name);
        if (node != null) {
          nodes.put(name, node);
        }
      }
    }
    List<Service> services = nodePortFor == null ? List.of() : view.list(Service.class, namespace, Map.of())
        .stream().filter(s -> "NodePort".equals(s.getSpec().getType()) && s.getSpec().getSelector() != null).toList();
    List<Broker> brokers = new ArrayList<>();
    podsByNodeId.forEach((nodeId, podName) -> {
      Pod pod = pods.get(podName);
      String nodeName = pod == null ? null : pod.getSpec().getNodeName();
      Integer nodePort = pod == null ? null : nodePort(services, pod, nodePortFor);
      brokers.add(broker(nodeId, podName, pod, nodeName == null ? null : nodes.get(nodeName), nodePort));
    });
    return brokers;
  }

  /** The NodePort of a Service that selects exactly this pod (by its labels) and targets {@code containerPort}. */
  static Integer nodePort(List<Service> services, Pod pod, Integer containerPort) {
    Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    for (Service service : services) {
      boolean selects = service.getSpec().getSelector().entrySet().stream()
          .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
      boolean perPod = service.getSpec().getSelector().containsKey(POD_NAME_LABEL)
          || service.getSpec().getSelector().containsKey(STRIMZI_POD_NAME_LABEL);
      if (!selects || !perPod) {
        continue;
      }
      for (ServicePort port : service.getSpec().getPorts()) {
        Integer target = port.getTargetPort() != null && port.getTargetPort().getIntVal() != null
            ? port.getTargetPort().getIntVal() : port.getPort();
        if (containerPort.equals(target) && port.getNodePort() != null) {
          return port.getNodePort();
        }
      }
    }
    return null;
  }

  static Broker broker(int nodeId, String podName, Pod pod, Node node, Integer nodePort) {
    String podIp = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
    String nodeName = pod == null ? null : pod.getSpec().getNodeName();
    Map<String, String> labels = node == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    String instance = node == null || node.getSpec() == null ? null : ProviderIds.instance(node.getSpec().getProviderID());
    return new Broker(nodeId, podName, labels.get(ZONE_LABEL), labels.get(AWS_ZONE_ID_LABEL),
        podIp == null || podIp.isBlank() ? null : podIp, nodeName, instance, nodePort);
  }
}
