package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerManagement;
import io.privateendpoint.operator.status.ConditionType;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spec.listener.management External (GitOps) against the real API server and moto: the operator
 * never writes the Kafka CR, the StatefulSet or the ConfigMap its brokers read — every managedFields
 * entry on them belongs to the test's user or to "argocd-controller", and their resourceVersion
 * does not move across several resyncs — while the cloud side is built at once. The test commits
 * the published status.externalListener as Argo CD would (server-side apply as argocd-controller),
 * plays Strimzi or the StatefulSet controller, and the endpoint turns Ready with no other step. A
 * broker added changes the published entry and the condition asks for a new commit.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class ExternalListenerIT {

  static {
    // Before the operator starts, so that it sees kafka.strimzi.io and watches it.
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  private static final String GIT = "argocd-controller";
  private static final String USER = "kpe-it-user";
  private static final Duration SOON = Duration.ofSeconds(60);

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-external",
      "--resync-period", "3s");

  /** Everything the test writes goes through this client: its own field manager, never the operator's. */
  private static KubernetesClient user;
  private static KafkaCluster cluster;
  private static StrimziCluster strimzi;
  private static MotoAccount aws;

  @BeforeAll
  static void setUp() {
    user = new KubernetesClientBuilder().withConfig(new ConfigBuilder(operator.getKubernetesClient().getConfiguration())
        .withUserAgent(USER + "/1.0").build()).build();
    cluster = new KafkaCluster(user, operator.getNamespace());
    strimzi = new StrimziCluster(user, operator.getNamespace());
    aws = new MotoAccount();
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @AfterAll
  static void closeClient() {
    user.close();
  }

  @Test
  void strimziEntryIsPublishedCommittedByGitAndNeverWritten() {
    String vpc = aws.vpcWithSubnets("10.60");
    strimzi.createKafka("ext-cluster");
    strimzi.brokerPool("ext-cluster", "ext-brokers", List.of(0, 1, 2), "10.60");
    aws.podInterfaces(vpc, "10.60.1.10", "10.60.2.11", "10.60.3.12");
    operator.create(endpoint("gitstrimzi", "{strimzi: {cluster: ext-cluster}}", vpc));

    // Published, not written; the cloud side is built meanwhile, Ready waits for the listener.
    EndpointCondition awaiting = Endpoints.awaitReason(operator, "gitstrimzi", ConditionType.LISTENER_CONFIGURED, "AwaitingExternal");
    assertThat(awaiting.getMessage()).contains("commit status.externalListener.strimzi")
        .contains("spec.kafka.listeners of Kafka ext-cluster");
    KafkaPrivateEndpointStatus built = awaitCloudBuilt("gitstrimzi");
    assertThat(Endpoints.condition(built, ConditionType.READY).getStatus()).isEqualTo("False");
    assertThat(Endpoints.condition(built, ConditionType.LISTENER_CONFIGURED).getReason()).isEqualTo("AwaitingExternal");
    assertThat(built.getExternalListener().getNodeIds()).containsExactly(0, 1, 2);
    assertUntouched(() -> strimzi.kafka("ext-cluster"));
    assertThat(strimzi.kafka("ext-cluster").getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(StrimziCluster.listener(strimzi.kafka("ext-cluster"), "tidb")).isNull();

    // Git commits the published entry; Strimzi rolls and reports it: ConfiguredExternally, then Ready.
    commitStrimzi("ext-cluster", published("gitstrimzi").getStrimzi());
    Endpoints.awaitReason(operator, "gitstrimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");
    strimzi.ready("ext-cluster", "plain", "tls", "tidb");
    assertThat(Endpoints.awaitReason(operator, "gitstrimzi", ConditionType.LISTENER_CONFIGURED, "ConfiguredExternally")
        .getStatus()).isEqualTo("True");
    Endpoints.awaitReady(operator, "gitstrimzi", SOON);
    assertUntouched(() -> strimzi.kafka("ext-cluster"));

    // A fourth broker: the published entry grows, the condition asks for a new commit, nothing is written.
    strimzi.brokerPool("ext-cluster", "ext-brokers", List.of(0, 1, 2, 3), "10.60");
    aws.podInterfaces(vpc, "10.60.1.13");
    EndpointCondition again = Endpoints.awaitReason(operator, "gitstrimzi", ConditionType.LISTENER_CONFIGURED, "AwaitingExternal");
    assertThat(again.getMessage()).contains("the published listener entry changed (broker 3 added)").contains("commit it again");
    assertThat(published("gitstrimzi").getNodeIds()).containsExactly(0, 1, 2, 3);
    assertThat(Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, "gitstrimzi").getStatus(), ConditionType.READY)
        .getStatus()).isEqualTo("False");
    assertUntouched(() -> strimzi.kafka("ext-cluster"));

    commitStrimzi("ext-cluster", published("gitstrimzi").getStrimzi());
    assertThat(StrimziCluster.listener(strimzi.kafka("ext-cluster"), "tidb").getConfiguration().getBrokers()).hasSize(4);
    strimzi.ready("ext-cluster", "plain", "tls", "tidb");
    Endpoints.awaitReason(operator, "gitstrimzi", ConditionType.LISTENER_CONFIGURED, "ConfiguredExternally");
    Endpoints.awaitReady(operator, "gitstrimzi", SOON);

    // Delete: the entry is Git's, it stays; the Kafka CR is not written.
    String resourceVersion = strimzi.kafka("ext-cluster").getMetadata().getResourceVersion();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "gitstrimzi"));
    await().atMost(SOON).until(() -> operator.get(KafkaPrivateEndpoint.class, "gitstrimzi") == null);
    assertThat(strimzi.kafka("ext-cluster").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    assertThat(StrimziCluster.listener(strimzi.kafka("ext-cluster"), "tidb")).isNotNull();
    assertOnlyUserAndGitManage(strimzi.kafka("ext-cluster"));
  }

  @Test
  void statefulSetPiecesArePublishedCommittedByGitAndNeverWritten() {
    String vpc = aws.vpcWithSubnets("10.61");
    StatefulSet sts = cluster.statefulSet("kafka-git", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.61." + (i + 1) + ".10");
      cluster.pod(sts, i, "node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    operator.create(endpoint("gitsts", "{statefulSet: {name: kafka-git, configVolume: kafka-config}}", vpc));

    EndpointCondition awaiting = Endpoints.awaitReason(operator, "gitsts", ConditionType.LISTENER_CONFIGURED, "AwaitingExternal");
    assertThat(awaiting.getMessage()).contains("ConfigMap kpe-gitsts (status.externalListener.statefulSet.configMap) is missing")
        .contains("init container kpe-tidb is missing")
        .contains("add status.externalListener.statefulSet.podTemplate to the StatefulSet's spec.template");
    KafkaPrivateEndpointStatus built = awaitCloudBuilt("gitsts");
    assertThat(Endpoints.condition(built, ConditionType.READY).getStatus()).isEqualTo("False");
    assertUntouched(() -> cluster.get("kafka-git"));
    assertThat(configMap("kpe-gitsts")).isNull();

    // Git commits the ConfigMap and the template pieces; the StatefulSet rolls: ConfiguredExternally, then Ready.
    var first = published("gitsts").getStatefulSet();
    commitConfigMap(first.getConfigMap());
    commitTemplate("kafka-git", first.getPodTemplate());
    Endpoints.awaitReason(operator, "gitsts", ConditionType.LISTENER_CONFIGURED, "RollingRestart");
    cluster.rolledOut("kafka-git");
    assertThat(Endpoints.awaitReason(operator, "gitsts", ConditionType.LISTENER_CONFIGURED, "ConfiguredExternally")
        .getStatus()).isEqualTo("True");
    Endpoints.awaitReady(operator, "gitsts", SOON);
    assertUntouched(() -> cluster.get("kafka-git"));
    assertUntouched(() -> configMap("kpe-gitsts"));

    // Git scales to four: broker 3's entry is published, the hash stays (nobody else restarts), commit again.
    StatefulSet scaled = cluster.get("kafka-git");
    scaled.getSpec().setReplicas(4);
    apply(scaled);
    aws.podInterfaces(vpc, "10.61.1.11");
    cluster.pod(cluster.get("kafka-git"), 3, "node-1", "10.61.1.11");
    EndpointCondition again = Endpoints.awaitReason(operator, "gitsts", ConditionType.LISTENER_CONFIGURED, "AwaitingExternal");
    assertThat(again.getMessage()).contains("the published listener entry changed").contains("broker 3 added").contains("again");
    var second = published("gitsts").getStatefulSet();
    assertThat(Serialization.unmarshal(second.getConfigMap(), ConfigMap.class).getData()).containsKey("broker-3.properties");
    assertThat(second.getPodTemplate()).isEqualTo(first.getPodTemplate());
    assertUntouched(() -> cluster.get("kafka-git"));

    commitConfigMap(second.getConfigMap());
    cluster.rolledOut("kafka-git");
    Endpoints.awaitReason(operator, "gitsts", ConditionType.LISTENER_CONFIGURED, "ConfiguredExternally");
    Endpoints.awaitReady(operator, "gitsts", SOON);

    // Delete: what Git committed stays exactly as it is.
    String stsVersion = cluster.get("kafka-git").getMetadata().getResourceVersion();
    String cmVersion = configMap("kpe-gitsts").getMetadata().getResourceVersion();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "gitsts"));
    await().atMost(SOON).until(() -> operator.get(KafkaPrivateEndpoint.class, "gitsts") == null);
    assertThat(cluster.get("kafka-git").getMetadata().getResourceVersion()).isEqualTo(stsVersion);
    assertThat(configMap("kpe-gitsts").getMetadata().getResourceVersion()).isEqualTo(cmVersion);
    assertOnlyUserAndGitManage(cluster.get("kafka-git"));
    assertOnlyUserAndGitManage(configMap("kpe-gitsts"));
  }

  private static KafkaPrivateEndpoint endpoint(String name, String kafka, String vpc) {
    KafkaPrivateEndpoint resource = Endpoints.aws(name, kafka, "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    resource.getSpec().getListener().setManagement(ListenerManagement.External);
    return resource;
  }

  private static io.privateendpoint.operator.model.ExternalListenerStatus published(String name) {
    return operator.get(KafkaPrivateEndpoint.class, name).getStatus().getExternalListener();
  }

  /** The cloud side does not wait for the commit: load balancer and endpoint service are up while the listener is not. */
  private static KafkaPrivateEndpointStatus awaitCloudBuilt(String name) {
    return Endpoints.awaitStatus(operator, name, s -> "True".equals(Endpoints.condition(s, ConditionType.LOAD_BALANCER_READY).getStatus())
        && "True".equals(Endpoints.condition(s, ConditionType.ENDPOINT_SERVICE_READY).getStatus())
        && s.getExternalListener() != null, SOON);
  }

  /** No write across several resyncs (3 s each), and no managedFields entry of anyone but the user and Git. */
  private static void assertUntouched(java.util.function.Supplier<? extends HasMetadata> read) {
    String before = read.get().getMetadata().getResourceVersion();
    await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(8)).until(() -> true);
    HasMetadata after = read.get();
    assertThat(after.getMetadata().getResourceVersion()).as("resourceVersion of %s", after.getMetadata().getName()).isEqualTo(before);
    assertOnlyUserAndGitManage(after);
  }

  private static void assertOnlyUserAndGitManage(HasMetadata object) {
    Set<String> managers = object.getMetadata().getManagedFields().stream().map(ManagedFieldsEntry::getManager)
        .collect(Collectors.toSet());
    assertThat(managers).as("field managers of %s", object.getMetadata().getName()).isSubsetOf(USER, GIT);
  }

  private static void commitStrimzi(String cluster, String entryYaml) {
    GenericKafkaListener entry = Serialization.unmarshal(entryYaml, GenericKafkaListener[].class)[0];
    Kafka kafka = strimzi.kafka(cluster);
    List<GenericKafkaListener> listeners = new ArrayList<>(kafka.getSpec().getKafka().getListeners().stream()
        .filter(l -> !entry.getName().equals(l.getName())).toList());
    listeners.add(entry);
    kafka.getSpec().getKafka().setListeners(listeners);
    kafka.setStatus(null);
    apply(kafka);
  }

  private static void commitConfigMap(String manifest) {
    apply(Serialization.unmarshal(manifest, ConfigMap.class));
  }

  /** Merges the published fragment into the StatefulSet's template, as a user would edit the manifest in Git. */
  private static void commitTemplate(String name, String fragment) {
    PodTemplateSpec pieces = Serialization.unmarshal(fragment, PodTemplateSpec.class);
    StatefulSet sts = cluster.get(name);
    PodTemplateSpec template = sts.getSpec().getTemplate();
    var annotations = template.getMetadata().getAnnotations() == null ? new HashMap<String, String>()
        : new HashMap<>(template.getMetadata().getAnnotations());
    annotations.putAll(pieces.getMetadata().getAnnotations());
    template.getMetadata().setAnnotations(annotations);
    template.getSpec().getInitContainers().addAll(pieces.getSpec().getInitContainers());
    template.getSpec().getVolumes().addAll(pieces.getSpec().getVolumes());
    apply(sts);
  }

  /** What Argo CD does with server-side apply: the whole manifest, as field manager argocd-controller. */
  private static <T extends HasMetadata> void apply(T object) {
    object.getMetadata().setManagedFields(null);
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setNamespace(operator.getNamespace());
    user.resource(object).fieldManager(GIT).forceConflicts().serverSideApply();
  }

  private static ConfigMap configMap(String name) {
    return user.configMaps().inNamespace(operator.getNamespace()).withName(name).get();
  }
}
