package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brokers of a Strimzi cluster (KRaft node pools): node ids come from each broker pool's
 * status.nodeIds — never from pod ordinals, since Strimzi assigns ids freely — and pods are named
 * {@code <cluster>-<pool>-<node id>}. The Kafka CR itself says which node ids our listener still
 * advertises.
 */
public final class StrimziBrokerDiscovery {

  static final String CLUSTER_LABEL = "strimzi.io/cluster";

  private final KubeView view;
  private final BrokerLocator locator;

  public StrimziBrokerDiscovery(KubernetesClient client) {
    this(KubeView.direct(client));
  }

  public StrimziBrokerDiscovery(KubeView view) {
    this.view = view;
    this.locator = new BrokerLocator(view);
  }

  public Observation observe(KafkaPrivateEndpoint resource) {
    String cluster = resource.getSpec().getKafka().getStrimzi().getCluster();
    String namespace = resource.getMetadata().getNamespace();
    Kafka kafka = view.get(Kafka.class, namespace, cluster);
    if (kafka == null) {
      return Observation.problem(new PlanProblem(PlanProblem.KAFKA_NOT_FOUND, "Kafka " + cluster
          + " (kafka.strimzi.io, spec.kafka.strimzi.cluster) not found in namespace " + namespace));
    }
    List<KafkaNodePool> pools = view.list(KafkaNodePool.class, namespace, Map.of(CLUSTER_LABEL, cluster));
    Map<Integer, String> podsByNodeId = new TreeMap<>();
    for (KafkaNodePool pool : pools) {
      if (!hasBrokerRole(pool) || pool.getStatus() == null || pool.getStatus().getNodeIds() == null) {
        continue;
      }
      pool.getStatus().getNodeIds().forEach(id -> podsByNodeId.put(id, cluster + "-" + pool.getMetadata().getName() + "-" + id));
    }
    if (podsByNodeId.isEmpty()) {
      return Observation.problem(new PlanProblem(PlanProblem.BROKER_NOT_READY, "Kafka " + cluster
          + " has no KafkaNodePool with the broker role and node ids in its status yet"));
    }
    List<Broker> brokers = locator.locate(namespace, Map.of(CLUSTER_LABEL, cluster), podsByNodeId,
        NodePorts.neededFor(resource));
    return new Observation(brokers, StrimziListenerApplier.advertisedNodeIds(kafka, resource), List.of());
  }

  private static boolean hasBrokerRole(KafkaNodePool pool) {
    List<ProcessRoles> roles = pool.getStatus() != null && pool.getStatus().getRoles() != null
        ? pool.getStatus().getRoles() : pool.getSpec().getRoles();
    return roles != null && roles.contains(ProcessRoles.BROKER);
  }
}
