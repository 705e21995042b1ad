package io.privateendpoint.operator.proxy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.privateendpoint.operator.kafka.OwnedMarks;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ProxyResourceSpec;
import io.privateendpoint.operator.model.ResourceAmounts;
import io.privateendpoint.operator.model.ProxySpec;
import io.privateendpoint.operator.model.ProxyUpstream;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.plan.Provider;
import io.privateendpoint.operator.plan.ProxyPorts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operator runs for a Proxy-mode endpoint, derived from the plan alone (pure, golden-tested):
 * the proxy's configuration in a ConfigMap, a Deployment of Kroxylicious pods that each bind the
 * bootstrap port and every broker's load-balancer port, and a PodDisruptionBudget.
 *
 * <p>Each broker's port is bound by the proxy as the same number the load balancer listens on and
 * the consumer is told, so a port never has to be translated, and a broker keeps its port for life
 * exactly as the plan keeps it. The configuration's hash is in the pod template, so a new broker (a
 * new port) rolls the pods, one at a time (maxUnavailable 0, maxSurge 1) — the ports of the others
 * never move.
 */
public final class ProxyResources {

  public static final String CONFIG_KEY = "proxy.yaml";
  public static final String CONFIG_HASH_ANNOTATION = "kafka.privateendpoint.io/proxy-config-hash";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String COMPONENT = "kafka-proxy";
  /** Our ClusterNetworkAddressConfigProvider in the proxy module (io.privateendpoint.proxy.PlannedPorts). */
  static final String PORTS_PLUGIN = "PlannedPorts";
  static final String CONFIG_MOUNT = "/config";
  static final String UPSTREAM_MOUNT = "/upstream";
  static final String CA_KEY = "ca.crt";
  private static final String CONTAINER = "proxy";
  private static final int MAX_NAME = 52; // leaves room for the ReplicaSet and pod suffixes within 63

  private final KafkaPrivateEndpoint resource;
  private final EndpointPlan plan;
  private final String image;

  /** @param defaultImage the image when spec.proxy.image is unset: the operator's own, which carries the proxy */
  public ProxyResources(KafkaPrivateEndpoint resource, EndpointPlan plan, String defaultImage) {
    this.resource = resource;
    this.plan = plan;
    ProxySpec spec = resource.getSpec().proxyOrDefault();
    this.image = spec.getImage() != null ? spec.getImage() : defaultImage;
  }

  /** kpe-proxy-&lt;endpoint&gt;, shortened with a hash when the endpoint's name is long. */
  public static String name(KafkaPrivateEndpoint resource) {
    String name = "kpe-proxy-" + resource.getMetadata().getName();
    if (name.length() <= MAX_NAME) {
      return name;
    }
    return name.substring(0, MAX_NAME - 9).replaceAll("-+$", "") + "-" + sha256(name).substring(0, 8);
  }

  /** The labels every proxy pod carries; the Deployment, the budget and the operator's pod watch select on them. */
  public static Map<String, String> podLabels(KafkaPrivateEndpoint resource) {
    Map<String, String> labels = new TreeMap<>(OwnedMarks.labels(resource));
    labels.put(COMPONENT_LABEL, COMPONENT);
    return labels;
  }

  /**
   * Kroxylicious 0.12 configuration. {@code ${POD_IP}} is filled by the proxy's launcher from the
   * downward API, so every pod binds only its own address. Text, not a serialized map: the golden
   * files show it as the pod reads it.
   */
  public String config() {
    ProxyUpstream upstream = resource.getSpec().proxyOrDefault().getUpstream();
    StringBuilder y = new StringBuilder();
    y.append("# Rendered by the kafka-private-endpoint-operator for ").append(resource.getMetadata().getNamespace())
        .append('/').append(resource.getMetadata().getName()).append("; edits are overwritten.\n");
    y.append("management:\n  bindAddress: ${POD_IP}\n  port: ").append(ProxyPorts.MANAGEMENT)
        .append("\n  endpoints:\n    prometheus: {}\n");
    y.append("virtualClusters:\n  - name: ").append(resource.getMetadata().getName()).append('\n');
    y.append("    targetCluster:\n      bootstrapServers: ").append(plan.proxy().upstreamBootstrap()).append('\n');
    if (tlsUpstream(upstream)) {
      y.append(upstream.getSecretRef() != null
          ? "      tls:\n        trust:\n          storeFile: " + UPSTREAM_MOUNT + "/" + CA_KEY + "\n          storeType: PEM\n"
          : "      tls: {}\n");
    }
    y.append("    clusterNetworkAddressConfigProvider:\n      type: ").append(PORTS_PLUGIN).append('\n');
    y.append("      config:\n        bindAddress: ${POD_IP}\n        bootstrapPort: ").append(plan.containerPort()).append('\n');
    y.append("        brokers:\n");
    for (PlannedBroker b : plan.brokers()) {
      y.append("          - {nodeId: ").append(b.nodeId()).append(", port: ").append(b.port())
          .append(", advertisedHost: ").append(b.advertisedHost()).append(", advertisedPort: ").append(b.port()).append("}\n");
    }
    return y.toString();
  }

  private static boolean tlsUpstream(ProxyUpstream upstream) {
    return upstream != null && (upstream.getSecurityProtocol() == SecurityProtocol.SSL
        || upstream.getSecurityProtocol() == SecurityProtocol.SASL_SSL);
  }

  public String configHash() {
    return sha256(config()).substring(0, 16);
  }

  public ConfigMap configMap() {
    return new ConfigMapBuilder().withMetadata(meta(Map.of())).addToData(CONFIG_KEY, config()).build();
  }

  public Deployment deployment() {
    ProxySpec spec = resource.getSpec().proxyOrDefault();
    String zoneKey = plan.provider() == Provider.AWS ? "topology.k8s.aws/zone-id" : "topology.kubernetes.io/zone";
    var container = new ContainerBuilder().withName(CONTAINER).withImage(image)
        .withCommand("/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-cp", "/app/proxy/kpe-proxy.jar:/app/proxy/lib/*",
            "io.privateendpoint.proxy.ProxyMain", CONFIG_MOUNT + "/" + CONFIG_KEY)
        .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
        .endValueFrom().endEnv()
        .addNewPort().withName("bootstrap").withContainerPort(plan.containerPort()).endPort()
        .addNewPort().withName("management").withContainerPort(ProxyPorts.MANAGEMENT).endPort()
        // Kroxylicious 0.12 has /livez only; a pod is ready once its bootstrap port accepts.
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(plan.containerPort())).endTcpSocket()
        .withPeriodSeconds(5).withFailureThreshold(2).endReadinessProbe()
        .withNewLivenessProbe().withNewHttpGet().withPath("/livez").withPort(new IntOrString(ProxyPorts.MANAGEMENT))
        .endHttpGet().withInitialDelaySeconds(10).withPeriodSeconds(10).withFailureThreshold(3).endLivenessProbe()
        .withResources(resources(spec.getResources()))
        .withNewSecurityContext().withRunAsNonRoot(true).withReadOnlyRootFilesystem(true).withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .addToVolumeMounts(new VolumeMountBuilder().withName("config").withMountPath(CONFIG_MOUNT).withReadOnly(true).build())
        .addToVolumeMounts(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName("config").withNewConfigMap().withName(name(resource)).endConfigMap().build(),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build()));
    ProxyUpstream upstream = spec.getUpstream();
    if (tlsUpstream(upstream) && upstream.getSecretRef() != null) {
      container.addToVolumeMounts(new VolumeMountBuilder().withName("upstream").withMountPath(UPSTREAM_MOUNT)
          .withReadOnly(true).build());
      volumes.add(new VolumeBuilder().withName("upstream").withNewSecret().withSecretName(upstream.getSecretRef())
          .addNewItem().withKey(CA_KEY).withPath(CA_KEY).endItem().endSecret().build());
    }
    LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(podLabels(resource)).build();
    return new DeploymentBuilder().withMetadata(meta(Map.of()))
        .withNewSpec().withReplicas(plan.proxy().replicas()).withSelector(selector)
        .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString(1)).endRollingUpdate().endStrategy()
        .withNewTemplate()
        .withNewMetadata().withLabels(podLabels(resource)).addToAnnotations(CONFIG_HASH_ANNOTATION, configHash()).endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(30L)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65532L).withRunAsGroup(65532L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
        // Only in the endpoint's zones (the load balancer has subnets or a NEG zone there), spread over
        // them, and over nodes: two pods on one node would fall together.
        .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().withMatchExpressions(new NodeSelectorRequirementBuilder().withKey(zoneKey)
            .withOperator("In").withValues(resource.getSpec().getZones()).build()).endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
        .withTopologySpreadConstraints(
            new TopologySpreadConstraintBuilder().withTopologyKey(zoneKey).withMaxSkew(1)
                .withWhenUnsatisfiable("DoNotSchedule").withLabelSelector(selector).build(),
            new TopologySpreadConstraintBuilder().withTopologyKey("kubernetes.io/hostname").withMaxSkew(1)
                .withWhenUnsatisfiable("ScheduleAnyway").withLabelSelector(selector).build())
        .withContainers(container.build())
        .withVolumes(volumes)
        .endSpec().endTemplate().endSpec().build();
  }

  /** At most one proxy pod down by choice (drains, upgrades): the others keep every port served. */
  public PodDisruptionBudget disruptionBudget() {
    return new PodDisruptionBudgetBuilder().withMetadata(meta(Map.of()))
        .withNewSpec().withMaxUnavailable(new IntOrString(1))
        .withSelector(new LabelSelectorBuilder().withMatchLabels(podLabels(resource)).build()).endSpec().build();
  }

  private ObjectMeta meta(Map<String, String> extra) {
    Map<String, String> annotations = new LinkedHashMap<>(OwnedMarks.annotations(resource));
    annotations.putAll(extra);
    return new ObjectMetaBuilder().withName(name(resource)).withNamespace(resource.getMetadata().getNamespace())
        .withLabels(podLabels(resource)).withAnnotations(annotations)
        .withOwnerReferences(OwnedMarks.ownerReference(resource)).build();
  }

  /** The spec's requests and limits over the defaults: measured, an idle proxy holds ~115 MiB RSS. */
  private static ResourceRequirements resources(ProxyResourceSpec given) {
    Map<String, Quantity> requests = new TreeMap<>(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi")));
    Map<String, Quantity> limits = new TreeMap<>(Map.of("memory", new Quantity("512Mi")));
    if (given != null) {
      put(requests, given.getRequests());
      put(limits, given.getLimits());
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  private static void put(Map<String, Quantity> into, ResourceAmounts amounts) {
    if (amounts == null) {
      return;
    }
    if (amounts.getCpu() != null) {
      into.put("cpu", new Quantity(amounts.getCpu()));
    }
    if (amounts.getMemory() != null) {
      into.put("memory", new Quantity(amounts.getMemory()));
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
