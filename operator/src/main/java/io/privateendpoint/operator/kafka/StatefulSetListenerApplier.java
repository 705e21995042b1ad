package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerInjection;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.apply.ChangeRecordingStep;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Gives a plain StatefulSet's brokers this endpoint's listener: an operator-owned ConfigMap with one
 * entry per node id, an init container that merges the pod's entry into the broker's properties
 * file, and a config-hash annotation on the pod template. Kafka 4 reads advertised.listeners only
 * at start (KAFKA-18405), so a changed hash makes the StatefulSet roll one pod at a time. The hash
 * changes only when something a running broker uses changes: a new broker's entry is picked up by
 * its own init container (which waits for it), without restarting the others.
 */
public final class StatefulSetListenerApplier implements ChangeRecordingStep {

  static final String ENTRIES_MOUNT = "/kpe/entries";
  static final String BROKER_CONFIG_MOUNT = "/kpe/broker-config";
  static final String WAIT_SECONDS = "300";
  static final String REVERTED = "ListenerReverted";

  private final KubernetesClient client;
  private final KubeView view;
  private final EventRecorder events;
  private final BrokerNodePortServices nodePorts;

  private final ListenerRevertGuard reverts;

  public StatefulSetListenerApplier(KubernetesClient client, EventRecorder events) {
    this(client, events, new ListenerRevertGuard(java.time.Clock.systemUTC(), ListenerRevertGuard.DEFAULT_BASE, events));
  }

  public StatefulSetListenerApplier(KubernetesClient client, EventRecorder events, ListenerRevertGuard reverts) {
    this(client, KubeView.direct(client), events, reverts);
  }

  /** @param view what is read (the informers' caches); {@code client} only writes */
  public StatefulSetListenerApplier(KubernetesClient client, KubeView view, EventRecorder events, ListenerRevertGuard reverts) {
    this.client = client;
    this.view = view;
    this.events = events;
    this.reverts = reverts;
    this.nodePorts = new BrokerNodePortServices(client, view);
  }

  /** This endpoint's pieces of the pod template as a GitOps tool sees them, for the back-off's advice. */
  static ListenerRevertGuard.Target revertTarget(String statefulSet, String listener) {
    String item = "k:{\"name\":\"" + containerName(listener) + "\"}";
    return new ListenerRevertGuard.Target(List.of(
        List.of("f:spec", "f:template", "f:spec", "f:initContainers", item),
        List.of("f:spec", "f:template", "f:spec", "f:volumes", item),
        List.of("f:spec", "f:template", "f:metadata", "f:annotations", "f:" + hashAnnotation(listener))),
        List.of("f:spec", "f:template"),
        "{group: apps, kind: StatefulSet, name: " + statefulSet + ", jqPathExpressions: ['.spec.template.spec.initContainers[]"
            + " | select(.name == \"" + containerName(listener) + "\")', '.spec.template.spec.volumes[] | select(.name == \""
            + containerName(listener) + "\")', '.spec.template.metadata.annotations[\"" + hashAnnotation(listener)
            + "\"]'], managedFieldsManagers: [" + ListenerRevertGuard.FIELD_MANAGER + "]}");
  }

  /** Names of this endpoint's pieces in the pod template; the listener name is unique per Kafka. */
  static String containerName(String listenerName) {
    return "kpe-" + listenerName;
  }

  static String hashAnnotation(String listenerName) {
    return "kafka.privateendpoint.io/" + listenerName + "-config-hash";
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  /** One pass, applying or previewing (the revert back-off is not consulted while previewing). */
  @Override
  public StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    if (ExternalListener.applies(resource)) {
      // GitOps: StatefulSet and ConfigMap never written
      return new ExternalListener(client, view).statefulSet(resource, plan, changes);
    }
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String namespace = resource.getMetadata().getNamespace();
    String cmName = StatefulSetListenerConfig.configMapName(resource);
    SortedMap<String, String> entries = StatefulSetListenerConfig.configMapData(plan);

    ConfigMap existing = view.get(ConfigMap.class, namespace, cmName);
    if (existing == null) {
      // The cache holds only ConfigMaps with the endpoint label: a namesake without it is seen only here.
      existing = view.getDirect(ConfigMap.class, namespace, cmName);
    }
    if (existing != null && !OwnedMarks.ownedBy(existing.getMetadata(), resource)) {
      return outcome("False", "ConfigMapConflict", "ConfigMap " + cmName
          + " exists and was not created by this endpoint; it is left untouched. Rename or remove it.").halting();
    }
    Map<String, String> previous = existing == null || existing.getData() == null ? null : existing.getData();
    writeConfigMap(resource, existing, cmName, entries, changes);
    if (NodePorts.neededFor(resource) != null) {
      nodePorts.sync(resource, plan, changes);
    }
    if (source.getListenerInjection() == ListenerInjection.ConfigMapOnly) {
      return outcome("True", "ConfigMapWritten", "ConfigMap " + cmName + " holds listener "
          + StatefulSetListenerConfig.kafkaListenerName(plan) + " for " + plan.brokers().size()
          + " broker(s), one key per node id; the chart wires it in (listenerInjection ConfigMapOnly)");
    }

    StatefulSet sts = view.get(StatefulSet.class, namespace, source.getName());
    if (sts == null) {
      return outcome("False", "KafkaNotFound", "StatefulSet " + source.getName() + " not found in namespace " + namespace);
    }
    Container container = initContainer(source, plan, sts, cmName);
    Volume volume = new VolumeBuilder().withName(containerName(plan.listenerName()))
        .withNewConfigMap().withName(cmName).endConfigMap().build();
    String key = hashAnnotation(plan.listenerName());
    Map<String, String> annotations = sts.getSpec().getTemplate().getMetadata() == null ? null
        : sts.getSpec().getTemplate().getMetadata().getAnnotations();
    String currentHash = annotations == null ? null : annotations.get(key);
    Container currentContainer = sts.getSpec().getTemplate().getSpec().getInitContainers().stream()
        .filter(c -> container.getName().equals(c.getName())).findFirst().orElse(null);

    boolean restartNeeded = currentHash == null || currentContainer == null
        || !StatefulSetPatch.sameContainer(currentContainer, container) || changesRunningBrokers(previous, entries);
    String hash = restartNeeded ? hash(entries, container) : currentHash;
    String reverted = null;
    ListenerRevertGuard.Decision writeBack = null;
    if (previous != null && (currentContainer == null || currentHash == null) && !changes.previewing()) {
      // Someone else reverted it: written back at once the first time, then only as the back-off allows.
      writeBack = reverts.onRevert(resource, sts, revertTarget(source.getName(), plan.listenerName()),
          (currentContainer == null ? "init container " + container.getName() : "annotation " + key)
              + " was removed from StatefulSet " + source.getName());
      if (writeBack.waits()) {
        return writeBack.waiting();
      }
      reverted = writeBack.message();
    }

    var patch = StatefulSetPatch.apply(sts, container, volume, key, hash);
    boolean rolls = restartNeeded && !hash.equals(currentHash);
    if (!patch.isEmpty()) {
      if (!changes.previewing()) {
        JsonPatches.addAnnotations(patch, sts.getMetadata(), view.ownWriteMark(StatefulSet.class,
            sts.getMetadata().getResourceVersion()));
        view.updated(JsonPatches.send(client.apps().statefulSets().inNamespace(namespace).withName(source.getName()), patch), sts);
      }
      changes.changed("StatefulSet", namespace + "/" + source.getName(), listenerChange(plan, rolls));
      if (changes.previewing()) {
        return outcome("False", "RollingRestart", "StatefulSet " + source.getName() + " would be updated");
      }
      if (writeBack != null) {
        writeBack.written();
      }
      events.normal(resource, "ListenerApplied", "StatefulSet " + source.getName() + " updated for listener "
          + StatefulSetListenerConfig.kafkaListenerName(plan) + (rolls ? "; brokers restart one at a time to advertise it" : ""));
      if (reverted != null) {
        return outcome("False", REVERTED, reverted);
      }
      return outcome("False", "RollingRestart", "StatefulSet " + source.getName()
          + " updated; its brokers restart one at a time to advertise listener " + StatefulSetListenerConfig.kafkaListenerName(plan));
    }
    return rolloutOutcome(sts, plan, StepOutcome.previousReason(resource, ConditionType.LISTENER_CONFIGURED));
  }

  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (ExternalListener.applies(resource)) {
      return new ExternalListener(client, view).cleanupStatefulSet(resource); // GitOps: what was committed is Git's to remove
    }
    StatefulSetSource source = resource.getSpec().getKafka().getStatefulSet();
    String namespace = resource.getMetadata().getNamespace();
    String listener = resource.getSpec().getListener().getName();
    StatefulSet sts = view.get(StatefulSet.class, namespace, source.getName());
    String cmName = StatefulSetListenerConfig.configMapName(resource);
    // Only pieces whose volume mounts this endpoint's own ConfigMap are ours to remove.
    boolean ours = sts != null && sts.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> containerName(listener).equals(v.getName()) && v.getConfigMap() != null
            && cmName.equals(v.getConfigMap().getName()));
    if (ours) {
      var patch = StatefulSetPatch.remove(sts, containerName(listener), containerName(listener), hashAnnotation(listener));
      if (!patch.isEmpty()) {
        JsonPatches.removeAnnotation(patch, sts.getMetadata(), KubeView.OWN_WRITE_MARK);
        view.updated(JsonPatches.send(client.apps().statefulSets().inNamespace(namespace).withName(source.getName()), patch),
            sts);
      }
    }
    nodePorts.delete(resource);
    ConfigMap cm = view.get(ConfigMap.class, namespace, cmName);
    if (cm != null && OwnedMarks.ownedBy(cm.getMetadata(), resource)) {
      client.resource(cm).delete();
    }
    return true;
  }

  /** What the patch does to the brokers, for the change record: which of them restart. */
  private static String listenerChange(EndpointPlan plan, boolean rolls) {
    String listener = StatefulSetListenerConfig.kafkaListenerName(plan);
    return "listener " + listener + (rolls ? "; " + restarts(plan) + " (the StatefulSet rolls them)" : "; no broker restarts");
  }

  /** "brokers 0, 1, 2 restart one at a time": what a changed listener costs, for a change record. */
  static String restarts(EndpointPlan plan) {
    return "brokers " + plan.brokers().stream().map(b -> String.valueOf(b.nodeId())).sorted()
        .collect(java.util.stream.Collectors.joining(", ")) + " restart one at a time";
  }

  private void writeConfigMap(KafkaPrivateEndpoint resource, ConfigMap existing, String name, SortedMap<String, String> entries,
      Changes changes) {
    String id = resource.getMetadata().getNamespace() + "/" + name;
    if (existing == null && changes.previewing()) {
      changes.created("ConfigMap", id, "listener entries for " + entries.size() + " key(s)");
    } else if (existing == null) {
      ConfigMap created = client.resource(new ConfigMapBuilder().withNewMetadata().withName(name)
          .withNamespace(resource.getMetadata().getNamespace()).withLabels(OwnedMarks.labels(resource))
          .withAnnotations(OwnedMarks.annotations(resource)).addToAnnotations(view.ownWriteMark(ConfigMap.class, null))
          .withOwnerReferences(OwnedMarks.ownerReference(resource))
          .endMetadata().withData(entries).build()).create();
      view.created(created);
      changes.created("ConfigMap", id, "listener entries for " + entries.size() + " key(s)");
    } else if (!Objects.equals(new TreeMap<>(existing.getData() == null ? Map.of() : existing.getData()), entries)
        && changes.previewing()) {
      changes.changed("ConfigMap", id, "listener entries changed");
    } else if (!Objects.equals(new TreeMap<>(existing.getData() == null ? Map.of() : existing.getData()), entries)) {
      // A copy: what was read may be the cache's own object.
      ConfigMap changed = new ConfigMapBuilder(existing).withData(entries)
          .editMetadata().addToAnnotations(view.ownWriteMark(ConfigMap.class, existing.getMetadata().getResourceVersion()))
          .endMetadata().build();
      // Carries the resourceVersion read: a concurrent change (or a cache behind it) fails it, and the retry reads again.
      view.updated(client.resource(changed).update(), existing);
      changes.changed("ConfigMap", id, "listener entries changed");
    }
  }

  static Container initContainer(StatefulSetSource source, EndpointPlan plan, StatefulSet sts, String cmName) {
    String image = source.getInitImage() != null ? source.getInitImage()
        : sts.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return new ContainerBuilder().withName(containerName(plan.listenerName())).withImage(image)
        .withCommand("sh", "-c", StatefulSetListenerConfig.script())
        .addNewEnv().withName("KPE_ENTRY_DIR").withValue(ENTRIES_MOUNT).endEnv()
        .addNewEnv().withName("KPE_CONFIG").withValue(BROKER_CONFIG_MOUNT + "/" + source.getConfigFile()).endEnv()
        .addNewEnv().withName("KPE_NODE_ID_OFFSET").withValue(String.valueOf(source.getNodeIdOffset())).endEnv()
        .addNewEnv().withName("KPE_WAIT_SECONDS").withValue(WAIT_SECONDS).endEnv()
        .addNewVolumeMount().withName(containerName(plan.listenerName())).withMountPath(ENTRIES_MOUNT).withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName(source.getConfigVolume()).withMountPath(BROKER_CONFIG_MOUNT).endVolumeMount()
        .build();
  }

  /**
   * True when an entry a broker already had changed; new or removed entries restart nobody. Only the
   * per-broker entries count: the Bitnami snippet lists every broker and changes with each new one,
   * and the script reaches brokers through the init container, which is compared on its own.
   */
  static boolean changesRunningBrokers(Map<String, String> previous, Map<String, String> next) {
    if (previous == null) {
      return true;
    }
    return previous.entrySet().stream()
        .filter(e -> StatefulSetListenerConfig.nodeIdOf(e.getKey()) != null)
        .anyMatch(e -> next.containsKey(e.getKey()) && !next.get(e.getKey()).equals(e.getValue()));
  }

  static String hash(SortedMap<String, String> data, Container container) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      data.forEach((k, v) -> {
        if (StatefulSetListenerConfig.nodeIdOf(k) != null) {
          sha.update((k + "\0" + v + "\0").getBytes(StandardCharsets.UTF_8));
        }
      });
      sha.update(Serialization.asJson(container).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always present", e);
    }
  }

  private static StepOutcome rolloutOutcome(StatefulSet sts, EndpointPlan plan, String previousReason) {
    var status = sts.getStatus();
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    boolean observed = status != null && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= sts.getMetadata().getGeneration();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    boolean rolled = observed && updated >= replicas
        && Objects.equals(status.getCurrentRevision(), status.getUpdateRevision());
    String listener = StatefulSetListenerConfig.kafkaListenerName(plan);
    if (!rolled) {
      // A repaired revert stays visible until the brokers have rolled with the listener again.
      boolean reverted = REVERTED.equals(previousReason);
      return outcome("False", reverted ? REVERTED : "RollingRestart", (reverted ? "reverted by someone else and written back; " : "")
          + updated + " of " + replicas + " brokers of StatefulSet " + sts.getMetadata().getName() + " restarted with listener " + listener);
    }
    return outcome("True", "Configured", replicas + " broker(s) of StatefulSet " + sts.getMetadata().getName()
        + " advertise listener " + listener);
  }

  private static StepOutcome outcome(String status, String reason, String message) {
    return StepOutcome.of(new ConditionReport(ConditionType.LISTENER_CONFIGURED, status, reason, message));
  }
}
