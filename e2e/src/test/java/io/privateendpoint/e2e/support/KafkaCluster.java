package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/**
 * Plays the parts of a cluster the test API server lacks: Nodes with their zone labels and
 * provider IDs, a StatefulSet of brokers, its Pods (the StatefulSet controller's job) and their
 * IPs (the kubelet's), and the StatefulSet's rollout status.
 */
public final class KafkaCluster {

  public static final String ZONE = "topology.kubernetes.io/zone";
  public static final String ZONE_ID = "topology.k8s.aws/zone-id";

  private final KubernetesClient client;
  private final String namespace;

  public KafkaCluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** An EKS-like node in AZ {@code usw2-az<n>} (us-west-2a, b, c …). */
  public void awsNode(String name, int az) {
    awsNode(name, az, "i-" + name);
  }

  /** As above, backed by EC2 instance {@code instanceId}. */
  public void awsNode(String name, int az, String instanceId) {
    client.resource(new NodeBuilder().withNewMetadata().withName(name)
        .withLabels(Map.of(ZONE, "us-west-2" + (char) ('a' + az - 1), ZONE_ID, "usw2-az" + az)).endMetadata()
        .withNewSpec().withProviderID("aws:///us-west-2" + (char) ('a' + az - 1) + "/" + instanceId).endSpec().build())
        .createOr(r -> r.update());
  }

  /** A GKE-like node in {@code zone}, backed by Compute instance {@code name} of {@code project}. */
  public void gcpNode(String name, String project, String zone) {
    client.resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of(ZONE, zone)).endMetadata()
        .withNewSpec().withProviderID("gce://" + project + "/" + zone + "/" + name).endSpec().build())
        .createOr(r -> r.update());
  }

  public StatefulSet statefulSet(String name, int replicas) {
    return client.resource(new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName(name)
        .withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec()
        .addNewInitContainer().withName("prepare-config").withImage("apache/kafka:4.1.0")
        .withCommand("sh", "-c", "cp /etc/kafka/template/server.properties /config/").endInitContainer()
        .addNewContainer().withName("kafka").withImage("apache/kafka:4.1.0").endContainer()
        .addNewVolume().withName("kafka-config").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().endTemplate().endSpec().build()).create();
  }

  /** What the StatefulSet controller and kubelet would do for pod {@code <sts>-<ordinal>}. */
  public Pod pod(StatefulSet sts, int ordinal, String node, String ip) {
    String name = sts.getMetadata().getName() + "-" + ordinal;
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(Map.of("app", sts.getMetadata().getName(), "statefulset.kubernetes.io/pod-name", name))
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet").withName(sts.getMetadata().getName())
        .withUid(sts.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("kafka").withImage("apache/kafka:4.1.0").endContainer()
        .endSpec().build()).createOr(r -> r.update());
    return podIp(name, ip);
  }

  public Pod podIp(String name, String ip) {
    return client.pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus()
        .withPodIP(ip).withPhase("Running").endStatus().build());
  }

  /** The StatefulSet controller's report that every pod runs the current template. */
  public void rolledOut(String name) {
    StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    int replicas = sts.getSpec().getReplicas();
    String revision = name + "-" + sts.getMetadata().getGeneration();
    client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> new StatefulSetBuilder(s)
        .editOrNewStatus().withObservedGeneration(s.getMetadata().getGeneration()).withReplicas(replicas)
        .withReadyReplicas(replicas).withUpdatedReplicas(replicas).withCurrentReplicas(replicas)
        .withCurrentRevision(revision).withUpdateRevision(revision).endStatus().build());
  }

  public StatefulSet get(String name) {
    return client.apps().statefulSets().inNamespace(namespace).withName(name).get();
  }
}
