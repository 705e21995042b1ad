package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brokers of a plain StatefulSet: pod {@code <name>-<ordinal>} is node.id ordinal + nodeIdOffset,
 * for every ordinal below spec.replicas (a pod that is restarting is still a broker). Reads, through
 * the {@link KubeView} (the informers' caches): the StatefulSet, its pods, their Nodes, the
 * operator's ConfigMap.
 */
public final class StatefulSetBrokerDiscovery {

  private final KubeView view;
  private final BrokerLocator locator;

  public StatefulSetBrokerDiscovery(KubernetesClient client) {
    this(KubeView.direct(client));
  }

  public StatefulSetBrokerDiscovery(KubeView view) {
    this.view = view;
    this.locator = new BrokerLocator(view);
  }

  public Observation observe(KafkaPrivateEndpoint resource) {
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String namespace = resource.getMetadata().getNamespace();
    StatefulSet sts = view.get(StatefulSet.class, namespace, source.getName());
    if (sts == null) {
      return Observation.problem(new PlanProblem(PlanProblem.KAFKA_NOT_FOUND, "StatefulSet " + source.getName()
          + " (spec.kafka.statefulSet.name) not found in namespace " + namespace));
    }
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    Map<Integer, String> podsByNodeId = new LinkedHashMap<>();
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      podsByNodeId.put(ordinal + source.getNodeIdOffset(), source.getName() + "-" + ordinal);
    }
    List<Broker> brokers = locator.locate(namespace, sts.getSpec().getSelector().getMatchLabels(), podsByNodeId,
        NodePorts.neededFor(resource));
    return new Observation(brokers, advertised(resource), List.of());
  }

  /** Node ids whose entry the operator's ConfigMap still holds: brokers may still advertise them. */
  private Set<Integer> advertised(KafkaPrivateEndpoint resource) {
    ConfigMap cm = view.get(ConfigMap.class, resource.getMetadata().getNamespace(),
        StatefulSetListenerConfig.configMapName(resource));
    // External management: the ConfigMap is the user's commit, not ours; its entries still say what brokers advertise.
    boolean readable = cm != null && (OwnedMarks.ownedBy(cm.getMetadata(), resource) || ExternalListener.applies(resource));
    if (!readable || cm.getData() == null) {
      return Set.of();
    }
    return cm.getData().keySet().stream().map(StatefulSetListenerConfig::nodeIdOf).filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }
}
