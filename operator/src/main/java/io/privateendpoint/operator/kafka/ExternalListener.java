package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.apply.Changes;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.ExternalListenerStatus;
import io.privateendpoint.operator.model.ExternalListenerStatus.StatefulSetExternalListener;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerInjection;
import io.privateendpoint.operator.model.ListenerManagement;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.StepOutcome;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerConfigurationBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * spec.listener.management External (GitOps): the Kafka CR, the StatefulSet and the ConfigMap its
 * brokers read belong to Git, so the operator never writes them. It builds exactly what the
 * Operator mode would have written, publishes it in status.externalListener, and reports
 * ListenerConfigured from what it reads: AwaitingExternal until the commit is there, then the
 * rollout, then ConfiguredExternally. The cloud side does not wait for it.
 */
public final class ExternalListener {

  public static final String AWAITING = "AwaitingExternal";
  public static final String CONFIGURED = "ConfiguredExternally";

  private final KubeView view;
  private final BrokerNodePortServices nodePorts;

  public ExternalListener(KubernetesClient client) {
    this(client, KubeView.direct(client));
  }

  /** @param view what is read (the informers' caches); {@code client} only makes NodePort Services */
  public ExternalListener(KubernetesClient client, KubeView view) {
    this.view = view;
    this.nodePorts = new BrokerNodePortServices(client, view);
  }

  public static boolean applies(KafkaPrivateEndpoint resource) {
    return resource.getSpec().getListener().getManagement() == ListenerManagement.External;
  }

  // ---------------------------------------------------------------- Strimzi

  /** The entry of spec.kafka.listeners, as a YAML list item: what {@link StrimziListenerApplier} writes. */
  public static String strimziEntry(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    return yaml(List.of(StrimziListenerApplier.desired(resource, plan)));
  }

  public StepOutcome strimzi(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    String namespace = resource.getMetadata().getNamespace();
    String cluster = resource.getSpec().getKafka().getStrimzi().getCluster();
    ExternalListenerStatus published = new ExternalListenerStatus();
    published.setStrimzi(strimziEntry(resource, plan));
    published.setNodeIds(nodeIds(plan));
    Kafka kafka = view.get(Kafka.class, namespace, cluster);
    if (kafka == null) {
      return outcome("False", "KafkaNotFound", "Kafka " + cluster + " not found in namespace " + namespace, published);
    }
    GenericKafkaListener desired = StrimziListenerApplier.desired(resource, plan);
    GenericKafkaListener current = kafka.getSpec().getKafka().getListeners() == null ? null
        : kafka.getSpec().getKafka().getListeners().stream().filter(l -> plan.listenerName().equals(l.getName()))
            .findFirst().orElse(null);
    String where = "an entry of spec.kafka.listeners of Kafka " + cluster + " (namespace " + namespace + ")";
    if (current == null) {
      return outcome("False", AWAITING, "commit status.externalListener.strimzi as " + where
          + "; the operator does not write it (spec.listener.management External)", published);
    }
    if (!JsonPatches.tree(current).equals(JsonPatches.tree(desired))) {
      return outcome("False", AWAITING, "the published listener entry changed (" + change(advertised(current), plan)
          + "): listener " + plan.listenerName() + " of Kafka " + cluster + " differs from status.externalListener.strimzi;"
          + " commit it again as " + where, published);
    }
    // As the Operator mode decides it: Strimzi has seen this generation, lists the listener and is Ready.
    if (StrimziListenerApplier.rolledOut(kafka, plan.listenerName())) {
      return outcome("True", CONFIGURED, plan.brokers().size() + " broker(s) of Kafka " + cluster + " advertise listener "
          + plan.listenerName() + ", as committed", published);
    }
    return outcome("False", "RollingUpdate", "the committed entry is in Kafka " + cluster
        + "; waiting for Strimzi to roll its brokers with listener " + plan.listenerName(), published);
  }

  private static Set<Integer> advertised(GenericKafkaListener listener) {
    if (listener.getConfiguration() == null || listener.getConfiguration().getBrokers() == null) {
      return Set.of();
    }
    return listener.getConfiguration().getBrokers().stream().map(GenericKafkaListenerConfigurationBroker::getBroker)
        .filter(Objects::nonNull).collect(Collectors.toSet());
  }

  // ---------------------------------------------------------------- StatefulSet

  /**
   * The StatefulSet side of External mode; previewing, the NodePort Services it would make are only
   * recorded in {@code changes}.
   */
  public StepOutcome statefulSet(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String namespace = resource.getMetadata().getNamespace();
    String cmName = StatefulSetListenerConfig.configMapName(resource);
    SortedMap<String, String> data = StatefulSetListenerConfig.configMapData(plan);
    // NodePort Services (instance targets) are the operator's own objects, not the user's: still made.
    if (NodePorts.neededFor(resource) != null) {
      nodePorts.sync(resource, plan, changes);
    }
    ExternalListenerStatus published = new ExternalListenerStatus();
    published.setNodeIds(nodeIds(plan));
    StatefulSetExternalListener sts = new StatefulSetExternalListener();
    sts.setConfigMap(configMapYaml(resource, data));
    published.setStatefulSet(sts);

    ConfigMap cm = view.get(ConfigMap.class, namespace, cmName);
    Map<String, String> committed = cm == null || cm.getData() == null ? null : new TreeMap<>(cm.getData());
    List<String> missing = new ArrayList<>();
    if (committed == null) {
      missing.add("ConfigMap " + cmName + " (status.externalListener.statefulSet.configMap) is missing");
    } else if (!committed.equals(data)) {
      missing.add("ConfigMap " + cmName + " differs from status.externalListener.statefulSet.configMap ("
          + change(entryNodeIds(committed), plan) + ")");
    }
    if (source.getListenerInjection() == ListenerInjection.ConfigMapOnly) {
      if (!missing.isEmpty()) {
        return awaiting(missing, namespace, published);
      }
      return outcome("True", CONFIGURED, "ConfigMap " + cmName + " holds listener " + StatefulSetListenerConfig.kafkaListenerName(plan)
          + " for " + plan.brokers().size() + " broker(s), as committed; the chart wires it in (listenerInjection ConfigMapOnly)",
          published);
    }

    StatefulSet statefulSet = view.get(StatefulSet.class, namespace, source.getName());
    if (statefulSet == null) {
      return outcome("False", "KafkaNotFound", "StatefulSet " + source.getName() + " not found in namespace " + namespace, published);
    }
    PodTemplateSpec wanted = podTemplate(resource, plan, statefulSet, data);
    sts.setPodTemplate(yaml(wanted));
    Container container = wanted.getSpec().getInitContainers().get(0);
    Volume volume = wanted.getSpec().getVolumes().get(0);
    String key = StatefulSetListenerApplier.hashAnnotation(plan.listenerName());
    var template = statefulSet.getSpec().getTemplate();
    Container currentContainer = template.getSpec().getInitContainers() == null ? null : template.getSpec().getInitContainers()
        .stream().filter(c -> container.getName().equals(c.getName())).findFirst().orElse(null);
    Volume currentVolume = template.getSpec().getVolumes() == null ? null : template.getSpec().getVolumes().stream()
        .filter(v -> volume.getName().equals(v.getName())).findFirst().orElse(null);
    String currentHash = template.getMetadata() == null || template.getMetadata().getAnnotations() == null ? null
        : template.getMetadata().getAnnotations().get(key);
    if (currentContainer == null || !StatefulSetPatch.sameContainer(currentContainer, container)) {
      missing.add("init container " + container.getName() + (currentContainer == null ? " is missing" : " differs"));
    }
    if (currentVolume == null || !StatefulSetPatch.sameVolume(currentVolume, volume)) {
      missing.add("volume " + volume.getName() + (currentVolume == null ? " is missing" : " differs"));
    }
    if (!wanted.getMetadata().getAnnotations().get(key).equals(currentHash)) {
      missing.add("annotation " + key + (currentHash == null ? " is missing" : " differs"));
    }
    if (!missing.isEmpty()) {
      return awaiting(missing, namespace, published);
    }
    // As the Operator mode decides "rolled": every replica runs the current template.
    var status = statefulSet.getStatus();
    int replicas = statefulSet.getSpec().getReplicas() == null ? 1 : statefulSet.getSpec().getReplicas();
    boolean observed = status != null && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= statefulSet.getMetadata().getGeneration();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    boolean rolled = observed && updated >= replicas && Objects.equals(status.getCurrentRevision(), status.getUpdateRevision());
    String listener = StatefulSetListenerConfig.kafkaListenerName(plan);
    if (!rolled) {
      return outcome("False", "RollingRestart", "the committed listener is in StatefulSet " + source.getName() + "; "
          + updated + " of " + replicas + " brokers restarted with listener " + listener, published);
    }
    return outcome("True", CONFIGURED, replicas + " broker(s) of StatefulSet " + source.getName() + " advertise listener "
        + listener + ", as committed", published);
  }

  /** Nothing of the user's is ever removed; only the operator's own NodePort Services go. */
  public boolean cleanupStatefulSet(KafkaPrivateEndpoint resource) {
    nodePorts.delete(resource);
    return true;
  }

  /** The ConfigMap manifest to commit: named as the Operator mode names it, labelled so the operator notices commits. */
  static String configMapYaml(KafkaPrivateEndpoint resource, SortedMap<String, String> data) {
    return yaml(new ConfigMapBuilder().withNewMetadata().withName(StatefulSetListenerConfig.configMapName(resource))
        .withNamespace(resource.getMetadata().getNamespace())
        .withLabels(Map.of(OwnedMarks.ENDPOINT_LABEL, resource.getMetadata().getName())).endMetadata()
        .withData(data).build());
  }

  /**
   * The pieces of spec.template the Operator mode adds: its init container, its volume and the
   * config-hash annotation. The hash follows the Operator mode's rule against what was published
   * last (status): it moves only when something a running broker uses changes, so committing a
   * new broker's entry restarts nobody else.
   */
  static PodTemplateSpec podTemplate(KafkaPrivateEndpoint resource, EndpointPlan plan, StatefulSet sts,
      SortedMap<String, String> data) {
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String cmName = StatefulSetListenerConfig.configMapName(resource);
    Container container = StatefulSetListenerApplier.initContainer(source, plan, sts, cmName);
    Volume volume = new VolumeBuilder().withName(StatefulSetListenerApplier.containerName(plan.listenerName()))
        .withNewConfigMap().withName(cmName).endConfigMap().build();
    String key = StatefulSetListenerApplier.hashAnnotation(plan.listenerName());
    String hash = StatefulSetListenerApplier.hash(data, container);
    StatefulSetExternalListener before = resource.getStatus() == null || resource.getStatus().getExternalListener() == null
        ? null : resource.getStatus().getExternalListener().getStatefulSet();
    if (before != null && before.getPodTemplate() != null && before.getConfigMap() != null) {
      PodTemplateSpec previous = Serialization.unmarshal(before.getPodTemplate(), PodTemplateSpec.class);
      ConfigMap previousCm = Serialization.unmarshal(before.getConfigMap(), ConfigMap.class);
      Container previousContainer = previous.getSpec().getInitContainers().stream()
          .filter(c -> container.getName().equals(c.getName())).findFirst().orElse(null);
      String previousHash = previous.getMetadata() == null || previous.getMetadata().getAnnotations() == null ? null
          : previous.getMetadata().getAnnotations().get(key);
      if (previousHash != null && previousContainer != null && StatefulSetPatch.sameContainer(previousContainer, container)
          && !StatefulSetListenerApplier.changesRunningBrokers(previousCm.getData(), data)) {
        hash = previousHash;
      }
    }
    return new PodTemplateSpecBuilder().withNewMetadata().withAnnotations(Map.of(key, hash)).endMetadata()
        .withNewSpec().withInitContainers(container).withVolumes(volume).endSpec().build();
  }

  private static Set<Integer> entryNodeIds(Map<String, String> data) {
    return data.keySet().stream().map(StatefulSetListenerConfig::nodeIdOf).filter(Objects::nonNull).collect(Collectors.toSet());
  }

  private static StepOutcome awaiting(List<String> missing, String namespace, ExternalListenerStatus published) {
    String what = published.getStatefulSet().getPodTemplate() == null ? "status.externalListener.statefulSet.configMap"
        : "status.externalListener.statefulSet.configMap and add status.externalListener.statefulSet.podTemplate to the"
            + " StatefulSet's spec.template";
    boolean changed = missing.stream().anyMatch(m -> m.contains(" differs"));
    return outcome("False", AWAITING, (changed ? "the published listener entry changed: " : "") + String.join("; ", missing)
        + "; commit " + what + " (namespace " + namespace + ")" + (changed ? " again" : "")
        + "; the operator does not write them (spec.listener.management External)", published);
  }

  /** What differs between the node ids a committed entry covers and the plan's, e.g. "broker 3 added". */
  static String change(Set<Integer> committed, EndpointPlan plan) {
    Set<Integer> planned = new TreeSet<>(nodeIds(plan));
    Set<Integer> added = new TreeSet<>(planned);
    added.removeAll(committed);
    Set<Integer> removed = new TreeSet<>(committed);
    removed.removeAll(planned);
    List<String> parts = new ArrayList<>();
    if (!added.isEmpty()) {
      parts.add(brokers(added) + " added");
    }
    if (!removed.isEmpty()) {
      parts.add(brokers(removed) + " removed");
    }
    return parts.isEmpty() ? "addresses or settings" : String.join(", ", parts);
  }

  private static String brokers(Set<Integer> ids) {
    return (ids.size() == 1 ? "broker " : "brokers ") + ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  private static List<Integer> nodeIds(EndpointPlan plan) {
    return plan.brokers().stream().map(PlannedBroker::nodeId).sorted().toList();
  }

  static String yaml(Object value) {
    String text = Serialization.asYaml(value);
    return text.startsWith("---\n") ? text.substring(4) : text;
  }

  private static StepOutcome outcome(String status, String reason, String message, ExternalListenerStatus published) {
    return StepOutcome.of(new ConditionReport(ConditionType.LISTENER_CONFIGURED, status, reason, message))
        .withExternalListener(published);
  }
}
