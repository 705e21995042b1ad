package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What makes a broker change reach the plan without waiting for the periodic resync: watches on
 * the StatefulSets, their Pods, the Nodes and the operator's own ConfigMaps, each mapped back to
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
        .withSecondaryToPrimaryMapper(pod -> pod.getMetadata().getOwnerReferences().stream()
            .filter(o -> "StatefulSet".equals(o.getKind()))
            .flatMap(o -> users(context, statefulSetKey(pod.getMetadata().getNamespace(), o.getName())).stream())
            .collect(Collectors.toSet()))
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
        .withLabelSelector(OwnedMarks.MANAGED_BY_LABEL + "=" + OwnedMarks.MANAGED_BY)
        .withSecondaryToPrimaryMapper(cm -> {
          String endpoint = cm.getMetadata().getLabels().get(OwnedMarks.ENDPOINT_LABEL);
          return endpoint == null ? Set.of() : Set.of(new ResourceID(endpoint, cm.getMetadata().getNamespace()));
        })
        .build(), context);

    return List.of(statefulSets, pods, nodes, configMaps);
  }

  static boolean podChangeMatters(Pod now, Pod before) {
    return !Objects.equals(ip(now), ip(before))
        || !Objects.equals(now.getSpec().getNodeName(), before.getSpec().getNodeName())
        || !Objects.equals(now.getMetadata().getDeletionTimestamp(), before.getMetadata().getDeletionTimestamp())
        || !Objects.equals(now.getMetadata().getLabels(), before.getMetadata().getLabels());
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
      return namespace + "/strimzi/" + source.getStrimzi().getCluster();
    }
    return namespace + "/bootstrap/" + source.getBootstrapServers();
  }

  private static String statefulSetKey(String namespace, String name) {
    return namespace + "/statefulset/" + name;
  }
}
