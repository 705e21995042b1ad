package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What makes a broker change reach the plan without waiting for the periodic resync: watches on
 * StatefulSets, Strimzi Kafka CRs and node pools, Pods, Nodes and the operator's own ConfigMaps, each mapped back to
 * the endpoints that use them. Update filters drop the status churn (pod conditions, node
 * heartbeats) that cannot change a plan.
 */
public final class KafkaWatches {

  private static final String BY_KAFKA = "kpe-by-kafka";

  private KafkaWatches() {}

  public static List<EventSource<?, KafkaPrivateEndpoint>> eventSources(EventSourceContext<KafkaPrivateEndpoint> context) {
    context.getPrimaryCache().addIndexer(BY_KAFKA, kpe -> List.of(kafkaKey(kpe.getMetadata().getNamespace(), kpe.getSpec().getKafka())));

    var statefulSets = new InformerEventSource<>(InformerEventSourceConfiguration.from(StatefulSet.class, KafkaPrivateEndpoint.class)
        .withName("statefulsets")
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(sts -> users(context, statefulSetKey(sts.getMetadata().getNamespace(), sts.getMetadata().getName())))
        .build(), context);

    var pods = new InformerEventSource<>(InformerEventSourceConfiguration.from(Pod.class, KafkaPrivateEndpoint.class)
        .withName("pods")
        .withNamespacesInheritedFromController()
        .withOnUpdateFilter(KafkaWatches::podChangeMatters)
        .withSecondaryToPrimaryMapper(pod -> podUsers(context, pod))
        .build(), context);

    var nodes = new InformerEventSource<>(InformerEventSourceConfiguration.from(Node.class, KafkaPrivateEndpoint.class)
        .withName("nodes")
        .withWatchAllNamespaces()
        .withOnUpdateFilter((now, before) -> !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
            || !Objects.equals(now.getSpec().getProviderID(), before.getSpec().getProviderID()))
        // Zone labels and instances rarely change; when they do, every endpoint re-plans.
        .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache().list().map(ResourceID::fromResource)
            .collect(Collectors.toSet()))
        .build(), context);

    var configMaps = new InformerEventSource<>(InformerEventSourceConfiguration.from(ConfigMap.class, KafkaPrivateEndpoint.class)
        .withName("configmaps")
        .withNamespacesInheritedFromController()
        // Ours, and (management External) the user's commit of the published ConfigMap: both carry the endpoint label.
        .withLabelSelector(OwnedMarks.ENDPOINT_LABEL)
        .withSecondaryToPrimaryMapper(cm -> {
          String endpoint = label(cm.getMetadata(), OwnedMarks.ENDPOINT_LABEL);
          return endpoint == null ? Set.of() : Set.of(new ResourceID(endpoint, cm.getMetadata().getNamespace()));
        })
        .build(), context);

    // Proxy mode: the proxy Deployment's rollout (its status) moves ListenerConfigured.
    var deployments = new InformerEventSource<>(InformerEventSourceConfiguration.from(Deployment.class, KafkaPrivateEndpoint.class)
        .withName("proxy-deployments")
        .withNamespacesInheritedFromController()
        .withLabelSelector(OwnedMarks.MANAGED_BY_LABEL + "=" + OwnedMarks.MANAGED_BY)
        .withSecondaryToPrimaryMapper(d -> endpointOf(d.getMetadata()))
        .build(), context);

    // What else the operator makes (Proxy mode's Service and PodDisruptionBudget, the NodePort Service
    // per broker of AWS instance targets), by its label: a steady pass reads them here, not from the API server.
    var services = new InformerEventSource<>(InformerEventSourceConfiguration.from(Service.class, KafkaPrivateEndpoint.class)
        .withName("owned-services")
        .withNamespacesInheritedFromController()
        .withLabelSelector(OwnedMarks.MANAGED_BY_LABEL + "=" + OwnedMarks.MANAGED_BY)
        .withSecondaryToPrimaryMapper(svc -> endpointOf(svc.getMetadata()))
        .build(), context);
    var budgets = new InformerEventSource<>(InformerEventSourceConfiguration.from(PodDisruptionBudget.class,
            KafkaPrivateEndpoint.class)
        .withName("proxy-budgets")
        .withNamespacesInheritedFromController()
        .withLabelSelector(OwnedMarks.MANAGED_BY_LABEL + "=" + OwnedMarks.MANAGED_BY)
        .withSecondaryToPrimaryMapper(pdb -> endpointOf(pdb.getMetadata()))
        .build(), context);

    List<EventSource<?, KafkaPrivateEndpoint>> sources = new ArrayList<>(List.of(statefulSets, pods, nodes, configMaps,
        deployments, services, budgets));
    // Only where Strimzi is installed: an informer on a missing CRD would keep the operator from starting.
    if (context.getClient().supports(Kafka.class)) {
      sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(Kafka.class, KafkaPrivateEndpoint.class)
          .withName("kafkas")
          .withNamespacesInheritedFromController()
          .withSecondaryToPrimaryMapper(k -> users(context, strimziKey(k.getMetadata().getNamespace(), k.getMetadata().getName())))
          .build(), context));
      sources.add(new InformerEventSource<>(InformerEventSourceConfiguration.from(KafkaNodePool.class, KafkaPrivateEndpoint.class)
          .withName("kafkanodepools")
          .withNamespacesInheritedFromController()
          .withSecondaryToPrimaryMapper(pool -> {
            String cluster = label(pool.getMetadata(), StrimziBrokerDiscovery.CLUSTER_LABEL);
            return cluster == null ? Set.of() : users(context, strimziKey(pool.getMetadata().getNamespace(), cluster));
          })
          .build(), context));
    }
    return sources;
  }

  /** What the operator made for an endpoint carries the endpoint's name in a label. */
  private static Set<ResourceID> endpointOf(ObjectMeta meta) {
    String endpoint = label(meta, OwnedMarks.ENDPOINT_LABEL);
    return endpoint == null || !OwnedMarks.MANAGED_BY.equals(label(meta, OwnedMarks.MANAGED_BY_LABEL)) ? Set.of()
        : Set.of(new ResourceID(endpoint, meta.getNamespace()));
  }

  /** A StatefulSet's pod by its owner, a Strimzi pod by its cluster label, a proxy pod by its endpoint label. */
  private static Set<ResourceID> podUsers(EventSourceContext<KafkaPrivateEndpoint> context, Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    Set<ResourceID> users = new HashSet<>();
    pod.getMetadata().getOwnerReferences().stream().filter(o -> "StatefulSet".equals(o.getKind()))
        .forEach(o -> users.addAll(users(context, statefulSetKey(namespace, o.getName()))));
    String cluster = label(pod.getMetadata(), StrimziBrokerDiscovery.CLUSTER_LABEL);
    if (cluster != null) {
      users.addAll(users(context, strimziKey(namespace, cluster)));
    }
    users.addAll(endpointOf(pod.getMetadata()));
    return users;
  }

  private static String label(ObjectMeta meta, String key) {
    return meta.getLabels() == null ? null : meta.getLabels().get(key);
  }

  static boolean podChangeMatters(Pod now, Pod before) {
    return !Objects.equals(ip(now), ip(before))
        || !Objects.equals(now.getSpec().getNodeName(), before.getSpec().getNodeName())
        || !Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())
        || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels())
        // A proxy pod turning ready or not re-points a GCP port (one pod per port).
        || ready(now) != ready(before);
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String ip(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPodIP();
  }

  private static Set<ResourceID> users(EventSourceContext<KafkaPrivateEndpoint> context, String key) {
    return context.getPrimaryCache().byIndex(BY_KAFKA, key).stream().map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  static String kafkaKey(String namespace, KafkaSource source) {
    if (source.getStatefulSet() != null) {
      return statefulSetKey(namespace, source.getStatefulSet().getName());
    }
    if (source.getStrimzi() != null) {
      return strimziKey(namespace, source.getStrimzi().getCluster());
    }
    return namespace + "/bootstrap/" + source.getBootstrapServers();
  }

  private static String strimziKey(String namespace, String cluster) {
    return namespace + "/strimzi/" + cluster;
  }

  private static String statefulSetKey(String namespace, String name) {
    return namespace + "/statefulset/" + name;
  }
}
