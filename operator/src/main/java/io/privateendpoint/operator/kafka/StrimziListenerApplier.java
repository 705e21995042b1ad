package io.privateendpoint.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.apply.ChangeRecordingStep;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerBuilder;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerConfigurationBroker;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerConfigurationBrokerBuilder;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gives a Strimzi cluster's brokers this endpoint's listener: exactly one entry of the Kafka CR's
 * spec.kafka.listeners, named spec.listener.name, with one configuration.brokers[] entry per broker
 * (advertisedHost, advertisedPort); Strimzi then rolls the brokers. No other listener is touched.
 *
 * <p>spec.kafka.listeners has no list-type marker, so server-side apply would own it whole; the
 * operator writes a JSON Patch instead that tests the resourceVersion it read and the name at the
 * index it replaces or removes. An annotation on the Kafka CR records that the entry is ours and
 * a hash of what was written, so a listener of the same name that someone else made is never
 * taken over, and an entry someone else reverted or edited (GitOps) is noticed, reported and put back.
 */
public final class StrimziListenerApplier implements ChangeRecordingStep {

  private static final ObjectMapper JSON = JsonPatches.JSON;
  private static final String REVERTED = "ListenerReverted";
  private final KubernetesClient client;
  private final KubeView view;
  private final EventRecorder events;
  private final ListenerRevertGuard reverts;

  public StrimziListenerApplier(KubernetesClient client, EventRecorder events) {
    this(client, KubeView.direct(client), events,
        new ListenerRevertGuard(java.time.Clock.systemUTC(), ListenerRevertGuard.DEFAULT_BASE, events));
  }

  /**
   * @param view   what is read (the informers' caches); {@code client} only writes
   * @param events where each change to the Kafka CR is told
   */
  public StrimziListenerApplier(KubernetesClient client, KubeView view, EventRecorder events, ListenerRevertGuard reverts) {
    this.client = client;
    this.view = view;
    this.events = events;
    this.reverts = reverts;
  }

  /** The listener entry as a GitOps tool sees it, for the back-off's advice. */
  static ListenerRevertGuard.Target revertTarget(String cluster, String listener) {
    List<String> listeners = List.of("f:spec", "f:kafka", "f:listeners");
    return new ListenerRevertGuard.Target(List.of(listeners), listeners,
        "{group: kafka.strimzi.io, kind: Kafka, name: " + cluster + ", jqPathExpressions: ['.spec.kafka.listeners[] | select(.name == \"" + listener + "\")'], managedFieldsManagers: [" + ListenerRevertGuard.FIELD_MANAGER + "]}");
  }

  /** Annotation on the Kafka CR: the owner of listener {@code name} and a hash of what it last wrote. */
  static String ownerAnnotation(String listenerName) {
    return "kafka.privateendpoint.io/listener-" + listenerName;
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  /** One pass, applying or previewing (the revert back-off is not consulted while previewing). */
  @Override
  public StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    if (ExternalListener.applies(resource)) {
      return new ExternalListener(client, view).strimzi(resource, plan); // GitOps: the Kafka CR is never written
    }
    String namespace = resource.getMetadata().getNamespace();
    String cluster = resource.getSpec().getKafka().getStrimzi().getCluster();
    Kafka kafka = view.get(Kafka.class, namespace, cluster);
    if (kafka == null) {
      return outcome("False", "KafkaNotFound", "Kafka " + cluster + " not found in namespace " + namespace);
    }
    List<GenericKafkaListener> listeners = kafka.getSpec().getKafka().getListeners();
    int index = indexOf(listeners, plan.listenerName());
    String key = ownerAnnotation(plan.listenerName());
    String recorded = annotations(kafka).get(key);
    String owner = OwnedMarks.owner(resource);
    if (index >= 0 && (recorded == null || !recorded.startsWith(owner + " "))) {
      return outcome("False", "ListenerNameTaken", "Kafka " + cluster + " already has a listener named "
          + plan.listenerName() + " that this endpoint did not create; nothing was changed (spec.listener.name)").halting();
    }
    GenericKafkaListener desired = desired(resource, plan);
    String desiredHash = hash(JsonPatches.tree(desired));
    String currentHash = index < 0 ? null : hash(JsonPatches.tree(listeners.get(index)));
    String reverted = null;
    ListenerRevertGuard.Decision writeBack = null;
    if (recorded != null && !recorded.endsWith(" " + currentHash) && !changes.previewing()) {
      // Someone else reverted it: written back at once the first time, then only as the back-off allows.
      writeBack = reverts.onRevert(resource, kafka, revertTarget(cluster, plan.listenerName()), "listener "
          + plan.listenerName() + " of Kafka " + cluster + (index < 0 ? " was removed" : " was changed"));
      if (writeBack.waits()) {
        return writeBack.waiting();
      }
      reverted = writeBack.message();
    }
    if (desiredHash.equals(currentHash) && (owner + " " + desiredHash).equals(recorded)) {
      return rolloutOutcome(kafka, plan, StepOutcome.previousReason(resource, ConditionType.LISTENER_CONFIGURED));
    }
    ArrayNode ops = JsonPatches.guardedBy(kafka.getMetadata().getResourceVersion());
    if (index < 0) {
      ops.add(JsonPatches.op("add", "/spec/kafka/listeners/-", JsonPatches.tree(desired)));
    } else {
      ops.add(JsonPatches.test("/spec/kafka/listeners/" + index + "/name", plan.listenerName()));
      ops.add(JsonPatches.op("replace", "/spec/kafka/listeners/" + index, JsonPatches.tree(desired)));
    }
    Map<String, String> annotations = new java.util.HashMap<>(Map.of(key, owner + " " + desiredHash));
    if (!changes.previewing()) {
      annotations.putAll(view.ownWriteMark(Kafka.class, kafka.getMetadata().getResourceVersion()));
    }
    JsonPatches.addAnnotations(ops, kafka.getMetadata(), annotations);
    String why = (index < 0 ? "adds" : "sets") + " listener " + plan.listenerName() + (desiredHash.equals(currentHash)
        ? "; no broker restarts" : "; " + StatefulSetListenerApplier.restarts(plan) + " (Strimzi rolls them)");
    if (changes.previewing()) {
      changes.changed("Kafka", namespace + "/" + cluster, why);
      return outcome("False", "RollingUpdate", "Kafka " + cluster + " would be updated");
    }
    // Guarded by the resourceVersion read: a cache behind the API server fails it (a conflict), and the retry reads again.
    view.updated(JsonPatches.send(Crds.kafkaOperation(client).inNamespace(namespace).withName(cluster), ops), kafka);
    changes.changed("Kafka", namespace + "/" + cluster, why);
    if (writeBack != null) {
      writeBack.written();
      return outcome("False", REVERTED, reverted);
    }
    return outcome("False", "RollingUpdate", "listener " + plan.listenerName() + " written to Kafka " + cluster
        + "; Strimzi rolls its brokers to advertise it");
  }

  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (ExternalListener.applies(resource)) {
      return true; // GitOps: the entry in the Kafka CR is Git's to remove
    }
    String namespace = resource.getMetadata().getNamespace();
    String cluster = resource.getSpec().getKafka().getStrimzi().getCluster();
    String name = resource.getSpec().getListener().getName();
    Kafka kafka = view.get(Kafka.class, namespace, cluster);
    String recorded = kafka == null ? null : annotations(kafka).get(ownerAnnotation(name));
    if (recorded == null || !recorded.startsWith(OwnedMarks.owner(resource) + " ")) {
      return true; // nothing of ours there
    }
    ArrayNode ops = JsonPatches.guardedBy(kafka.getMetadata().getResourceVersion());
    int index = indexOf(kafka.getSpec().getKafka().getListeners(), name);
    if (index >= 0) {
      ops.add(JsonPatches.test("/spec/kafka/listeners/" + index + "/name", name));
      ops.add(JsonPatches.op("remove", "/spec/kafka/listeners/" + index, null));
    }
    ops.add(JsonPatches.op("remove", "/metadata/annotations/" + JsonPatches.escape(ownerAnnotation(name)), null));
    JsonPatches.removeAnnotation(ops, kafka.getMetadata(), KubeView.OWN_WRITE_MARK);
    view.updated(JsonPatches.send(Crds.kafkaOperation(client).inNamespace(namespace).withName(cluster), ops), kafka);
    return true;
  }

  /** Node ids our listener entry in the Kafka CR still advertises. */
  static Set<Integer> advertisedNodeIds(Kafka kafka, KafkaPrivateEndpoint resource) {
    int index = indexOf(kafka.getSpec().getKafka().getListeners(), resource.getSpec().getListener().getName());
    if (index < 0) {
      return Set.of();
    }
    var configuration = kafka.getSpec().getKafka().getListeners().get(index).getConfiguration();
    if (configuration == null || configuration.getBrokers() == null) {
      return Set.of();
    }
    return configuration.getBrokers().stream().map(GenericKafkaListenerConfigurationBroker::getBroker)
        .filter(Objects::nonNull).collect(Collectors.toSet());
  }

  /** The one listener entry this endpoint owns: type, TLS and authentication follow the protocol. */
  static GenericKafkaListener desired(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    boolean instanceTargets = resource.getSpec().getAws() != null
        && resource.getSpec().getAws().getTargetType() == AwsTargetType.instance;
    SecurityProtocol protocol = plan.protocol();
    List<GenericKafkaListenerConfigurationBroker> brokers = plan.brokers().stream()
        .map(StrimziListenerApplier::broker).toList();
    GenericKafkaListenerBuilder builder = new GenericKafkaListenerBuilder()
        .withName(plan.listenerName())
        .withPort(plan.containerPort())
        .withType(instanceTargets ? KafkaListenerType.NODEPORT : KafkaListenerType.INTERNAL)
        .withTls(protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL)
        .withNewConfiguration().withBrokers(brokers).endConfiguration();
    if (protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL) {
      builder.withAuth(new KafkaListenerAuthenticationScramSha512());
    }
    return builder.build();
  }

  private static GenericKafkaListenerConfigurationBroker broker(PlannedBroker b) {
    return new GenericKafkaListenerConfigurationBrokerBuilder().withBroker(b.nodeId())
        .withAdvertisedHost(b.advertisedHost()).withAdvertisedPort(b.port()).build();
  }

  /** Strimzi has reconciled the Kafka CR's current generation, lists the listener and is Ready: the brokers carry it. */
  static boolean rolledOut(Kafka kafka, String listenerName) {
    var status = kafka.getStatus();
    // Strimzi's status.observedGeneration is a primitive long: 0 until it has reconciled once.
    boolean observed = status != null && status.getObservedGeneration() >= kafka.getMetadata().getGeneration();
    boolean listed = status != null && status.getListeners() != null
        && status.getListeners().stream().anyMatch(l -> listenerName.equals(l.getName()));
    boolean ready = status != null && status.getConditions() != null
        && status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return observed && listed && ready;
  }

  private StepOutcome rolloutOutcome(Kafka kafka, EndpointPlan plan, String previousReason) {
    if (rolledOut(kafka, plan.listenerName())) {
      return outcome("True", "Configured", plan.brokers().size() + " broker(s) of Kafka " + kafka.getMetadata().getName()
          + " advertise listener " + plan.listenerName());
    }
    // A repaired revert stays visible until Strimzi has rolled the brokers with the listener again.
    boolean reverted = REVERTED.equals(previousReason);
    return outcome("False", reverted ? REVERTED : "RollingUpdate", (reverted ? "reverted by someone else and written back; " : "")
        + "waiting for Strimzi to roll Kafka " + kafka.getMetadata().getName() + " with listener " + plan.listenerName());
  }

  private static Map<String, String> annotations(Kafka kafka) {
    return kafka.getMetadata().getAnnotations() == null ? Map.of() : kafka.getMetadata().getAnnotations();
  }

  private static int indexOf(List<GenericKafkaListener> listeners, String name) {
    if (listeners == null) {
      return -1;
    }
    for (int i = 0; i < listeners.size(); i++) {
      if (name.equals(listeners.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }

  private static String hash(JsonNode node) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          JSON.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
              .writeValueAsString(JSON.treeToValue(node, Object.class)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StepOutcome outcome(String status, String reason, String message) {
    return StepOutcome.of(new ConditionReport(ConditionType.LISTENER_CONFIGURED, status, reason, message));
  }
}
