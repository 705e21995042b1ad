package io.privateendpoint.operator.proxy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.privateendpoint.operator.kafka.ReferencedSecret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.apply.ChangeRecordingStep;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.kafka.BrokerLocator;
import io.privateendpoint.operator.kafka.OwnedMarks;
import io.privateendpoint.operator.kafka.ProviderIds;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.plan.ProxyPod;
import io.privateendpoint.operator.plan.UpstreamBroker;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import io.strimzi.api.kafka.model.kafka.Kafka;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Proxy mode's Kafka side. Observe: the upstream address by source, the brokers by the Kafka Admin
 * API, the proxy's pods. Apply: the proxy's ConfigMap, Deployment and PodDisruptionBudget, each
 * written only when what the plan derives differs from what is there. The brokers, their Kafka CR
 * or StatefulSet are only ever read.
 */
public final class ProxySide implements ChangeRecordingStep {

  public static final String REASON_RUNNING = "ProxyRunning";
  public static final String REASON_ROLLING = "ProxyRollingOut";
  public static final String REASON_CONFLICT = "ProxyResourceConflict";
  static final String SPEC_HASH_ANNOTATION = "kafka.privateendpoint.io/spec-hash";

  private final KubernetesClient client;
  private final KubeView view;
  private final EventRecorder events;
  private final UpstreamClients upstream;
  private final String defaultImage;

  public ProxySide(KubernetesClient client, EventRecorder events, UpstreamClients upstream, String defaultImage) {
    this(client, KubeView.direct(client), events, upstream, defaultImage);
  }

  /** @param view what is read (the informers' caches); {@code client} writes, and reads Secrets (get only) */
  public ProxySide(KubernetesClient client, KubeView view, EventRecorder events, UpstreamClients upstream, String defaultImage) {
    this.client = client;
    this.view = view;
    this.events = events;
    this.upstream = upstream;
    this.defaultImage = defaultImage;
  }

  public Observation observe(KafkaPrivateEndpoint resource) {
    Described described = describe(resource);
    return described.problem() != null ? Observation.problem(described.problem())
        : Observation.proxied(described.bootstrap(), described.brokers(), pods(resource));
  }

  /** For the poller: the brokers the upstream describes now, or an exception saying why not. */
  List<UpstreamBroker> poll(KafkaPrivateEndpoint resource) {
    Described described = describe(resource);
    if (described.problem() != null) {
      throw new UpstreamClients.UpstreamException(described.problem().message());
    }
    return described.brokers();
  }

  private record Described(String bootstrap, List<UpstreamBroker> brokers, PlanProblem problem) {
    static Described problem(String reason, String message) {
      return new Described(null, List.of(), new PlanProblem(reason, message));
    }
  }

  private Described describe(KafkaPrivateEndpoint resource) {
    String namespace = resource.getMetadata().getNamespace();
    UpstreamAddress.Resolved address = resolve(resource);
    if (address.problem() != null) {
      return Described.problem(PlanProblem.KAFKA_NOT_FOUND, address.problem());
    }
    ReferencedSecret credentials = ReferencedSecret.read(client, namespace,
        resource.getSpec().proxyOrDefault().getUpstream().getSecretRef(), "spec.proxy.upstream.secretRef");
    if (credentials.problem() != null) {
      return Described.problem(PlanProblem.UPSTREAM_UNREACHABLE, credentials.problem());
    }
    Secret secret = credentials.secret();
    try {
      return new Described(address.bootstrap(), upstream.describe(resource, address.bootstrap(), secret), null);
    } catch (UpstreamClients.UpstreamException e) {
      return Described.problem(PlanProblem.UPSTREAM_UNREACHABLE, e.getMessage()
          + " (spec.proxy.upstream; nothing is created until the brokers can be described)");
    }
  }

  /** The upstream address as the source gives it. */
  UpstreamAddress.Resolved resolve(KafkaPrivateEndpoint resource) {
    KafkaSource source = resource.getSpec().getKafka();
    String namespace = resource.getMetadata().getNamespace();
    if (source.getStrimzi() != null) {
      Kafka kafka = view.get(Kafka.class, namespace, source.getStrimzi().getCluster());
      return UpstreamAddress.forStrimzi(resource.getSpec(), kafka);
    }
    if (source.getStatefulSet() != null) {
      StatefulSet sts = view.get(StatefulSet.class, namespace, source.getStatefulSet().getName());
      return UpstreamAddress.forStatefulSet(resource.getSpec(), sts, namespace);
    }
    return UpstreamAddress.forBootstrapServers(resource.getSpec());
  }

  /** The proxy's pods with their node's zone and instance: the pods by label, only the Nodes they run on. */
  private List<ProxyPod> pods(KafkaPrivateEndpoint resource) {
    List<Pod> pods = view.list(Pod.class, resource.getMetadata().getNamespace(), ProxyResources.podLabels(resource)).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    if (pods.isEmpty()) {
      return List.of();
    }
    Map<String, Node> nodes = new HashMap<>();
    return pods.stream().map(p -> {
      String nodeName = p.getSpec().getNodeName();
      Node node = nodeName == null ? null : nodes.computeIfAbsent(nodeName, n -> view.get(Node.class, null, n));
      Map<String, String> labels = node == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
      String ip = p.getStatus() == null || p.getStatus().getPodIP() == null || p.getStatus().getPodIP().isBlank()
          ? null : p.getStatus().getPodIP();
      return new ProxyPod(p.getMetadata().getName(), ip, nodeName, labels.get(BrokerLocator.ZONE_LABEL),
          labels.get(BrokerLocator.AWS_ZONE_ID_LABEL), node == null ? null : ProviderIds.instance(node.getSpec().getProviderID()),
          ready(p));
    }).toList();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  /** One pass, applying or previewing (the brokers themselves are never restarted in Proxy mode). */
  @Override
  public StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    ProxyResources desired = new ProxyResources(resource, plan, defaultImage);
    List<HasMetadata> objects = List.of(desired.configMap(), desired.disruptionBudget(), desired.deployment());
    List<HasMetadata> existing = objects.stream().map(o -> existing(o)).toList();
    // All checked before any is written: a namesake that is not ours stops the step with nothing changed.
    for (int i = 0; i < objects.size(); i++) {
      if (existing.get(i) != null && !OwnedMarks.ownedBy(existing.get(i).getMetadata(), resource)) {
        return StepOutcome.halt(ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, REASON_CONFLICT,
            objects.get(i).getKind() + " " + objects.get(i).getMetadata().getName() + " exists and was not made by this"
                + " endpoint; rename or remove it (the operator never changes what it did not create)"));
      }
    }
    for (int i = 0; i < objects.size(); i++) {
      write(resource, objects.get(i), existing.get(i), changes, plan);
    }
    Deployment deployment = view.get(Deployment.class, resource.getMetadata().getNamespace(), ProxyResources.name(resource));
    return StepOutcome.of(rollout(plan, desired, deployment));
  }

  /**
   * What holds the name of {@code desired} now: from the caches, which hold only what carries the
   * operator's labels; when they have nothing, one direct read, which also sees a namesake that is not ours.
   */
  private HasMetadata existing(HasMetadata desired) {
    String namespace = desired.getMetadata().getNamespace();
    String name = desired.getMetadata().getName();
    Class<? extends HasMetadata> kind = desired.getClass();
    HasMetadata cached = view.get(kind, namespace, name);
    return cached != null ? cached : view.getDirect(kind, namespace, name);
  }

  /** Creates the object, or replaces it when what the plan derives changed (a hash of it is kept on the object). */
  private void write(KafkaPrivateEndpoint resource, HasMetadata desired, HasMetadata existing, Changes changes,
      EndpointPlan plan) {
    String hash = ProxyResources.sha256(Serialization.asJson(desired)).substring(0, 16);
    desired.getMetadata().getAnnotations().put(SPEC_HASH_ANNOTATION, hash);
    String id = desired.getMetadata().getNamespace() + "/" + desired.getMetadata().getName();
    boolean pods = desired instanceof Deployment;
    if (existing == null) {
      if (!changes.previewing()) {
        desired.getMetadata().getAnnotations().putAll(view.ownWriteMark(desired.getClass(), null));
        view.created(client.resource(desired).create());
        events.normal(resource, "ProxyCreated", desired.getKind() + " " + desired.getMetadata().getName() + " created");
      }
      changes.created(desired.getKind(), id, pods ? plan.proxy().replicas() + " proxy pod(s) in front of the brokers;"
          + " no broker restarts" : "proxy");
      return;
    }
    String had = existing.getMetadata().getAnnotations() == null ? null
        : existing.getMetadata().getAnnotations().get(SPEC_HASH_ANNOTATION);
    if (!hash.equals(had) && changes.previewing()) {
      changes.changed(desired.getKind(), id, pods ? "proxy pods roll one at a time; no broker restarts" : "proxy");
    } else if (!hash.equals(had)) {
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      desired.getMetadata().getAnnotations().putAll(view.ownWriteMark(desired.getClass(), existing.getMetadata().getResourceVersion()));
      // Carries the resourceVersion read: a concurrent change (or a cache behind it) fails it, and the retry reads again.
      view.updated(client.resource(desired).update(), existing);
      events.normal(resource, "ProxyUpdated", desired.getKind() + " " + desired.getMetadata().getName() + " updated");
      changes.changed(desired.getKind(), id, pods ? "proxy pods roll one at a time; no broker restarts" : "proxy");
    }
  }

  private static ConditionReport rollout(EndpointPlan plan, ProxyResources desired, Deployment deployment) {
    int want = plan.proxy().replicas();
    var status = deployment == null ? null : deployment.getStatus();
    int updated = status == null || status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
    int ready = status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas();
    int total = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
    boolean observed = deployment != null && status != null && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= deployment.getMetadata().getGeneration();
    String ports = plan.brokers().stream().map(b -> b.nodeId() + "→" + b.port()).collect(Collectors.joining(", "));
    if (observed && updated == want && ready == want && total == want) {
      return ConditionReport.isTrue(ConditionType.LISTENER_CONFIGURED, REASON_RUNNING, want + " proxy pod(s) of "
          + deployment.getMetadata().getName() + " ready with configuration " + desired.configHash() + ", forwarding to "
          + plan.proxy().upstreamBootstrap() + "; broker ports " + ports);
    }
    return ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, REASON_ROLLING, "proxy " + (deployment == null
        ? "Deployment not created yet" : deployment.getMetadata().getName() + ": " + ready + " of " + want + " pods ready, "
        + updated + " with configuration " + desired.configHash()) + " (one pod at a time; existing ports keep serving)");
  }

  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    upstream.forget(resource);
    String namespace = resource.getMetadata().getNamespace();
    String name = ProxyResources.name(resource);
    for (HasMetadata existing : new HasMetadata[] {
        view.get(Deployment.class, namespace, name),
        view.get(PodDisruptionBudget.class, namespace, name),
        view.get(ConfigMap.class, namespace, name)}) {
      // Owner references would let the garbage collector do this too; deleting here makes the delete
      // of the endpoint finish with nothing of it left, and never touches a namesake that is not ours.
      if (existing != null && OwnedMarks.ownedBy(existing.getMetadata(), resource)) {
        client.resource(existing).delete();
      }
    }
    return true;
  }
}
