package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerInjection;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The StatefulSet path against the real API server: broker discovery from the StatefulSet, its
 * Pods and Nodes; the operator's ConfigMap, init container and config hash; a new broker that
 * restarts nobody; a pod IP change; an out-of-band revert repaired; deletion restoring the
 * StatefulSet exactly; two endpoints side by side and one refused; ConfigMapOnly; problems that
 * stop everything. No controller runs here: {@link KafkaCluster} plays the StatefulSet controller
 * and the kubelet.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StatefulSetListenerIT {

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it");

  private static KafkaCluster cluster;

  @BeforeAll
  static void nodes() {
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @Test
  void configuresRollsAddsBrokersRepairsAndRestoresOnDelete() {
    StatefulSet sts = cluster.statefulSet("kafka", 3);
    PodTemplateSpec original = cluster.get("kafka").getSpec().getTemplate();
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "node-" + (i + 1), "10.0." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint kpe = operator.create(Endpoints.aws("tidb", "{statefulSet: {name: kafka, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093));

    // The ConfigMap holds one entry per broker with the advertised address of its AZ and port.
    ConfigMap cm = await().atMost(Duration.ofSeconds(30)).until(() -> configMap("kpe-tidb"), c -> c != null
        && c.getData().keySet().stream().filter(k -> k.startsWith("broker-")).count() == 3);
    assertThat(cm.getData().get("broker-1.properties"))
        .contains("advertised.listeners=TIDB://b1.usw2-az2.abc.us-west-2.aws.3199015.tidbcloud.com:9094")
        .contains("listeners=TIDB://0.0.0.0:39092").contains("listener.security.protocol.map=TIDB:PLAINTEXT");
    assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(kpe.getMetadata().getUid()));

    // The StatefulSet gets the init container, its volume and the hash; the listener waits for the roll.
    StatefulSet patched = await().until(() -> cluster.get("kafka"), s -> initContainer(s, "kpe-tidb") != null);
    Container init = initContainer(patched, "kpe-tidb");
    assertThat(init.getImage()).isEqualTo("apache/kafka:4.1.0");
    assertThat(init.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
        tuple("KPE_CONFIG", "/kpe/broker-config/server.properties"),
        tuple("KPE_NODE_ID_OFFSET", "0"));
    assertThat(patched.getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("prepare-config", "kpe-tidb");
    String hash = patched.getSpec().getTemplate().getMetadata().getAnnotations().get("kafka.privateendpoint.io/tidb-config-hash");
    assertThat(hash).isNotBlank();
    assertThat(Endpoints.awaitReason(operator, "tidb", ConditionType.LISTENER_CONFIGURED, "RollingRestart").getStatus()).isEqualTo("False");

    cluster.rolledOut("kafka");
    KafkaPrivateEndpointStatus configured = Endpoints.awaitStatus(operator, "tidb",
        s -> "Configured".equals(Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()));
    assertThat(configured.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getZone, BrokerStatus::getPort,
        BrokerStatus::getTarget).containsExactly(
        tuple(0, "usw2-az1", 9093, "10.0.1.10:39092"),
        tuple(1, "usw2-az2", 9094, "10.0.2.10:39092"),
        tuple(2, "usw2-az3", 9095, "10.0.3.10:39092"));

    // A fourth broker: its entry appears, the hash does not move, so the other brokers are not restarted.
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafka").scale(4);
    cluster.pod(cluster.get("kafka"), 3, "node-1", "10.0.1.11");
    await().atMost(Duration.ofSeconds(30)).until(() -> configMap("kpe-tidb").getData().containsKey("broker-3.properties"));
    assertThat(configMap("kpe-tidb").getData().get("broker-3.properties")).contains("b3.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com:9096");
    // The status is written last in a reconcile: once it lists broker 3, that pass is over.
    Endpoints.awaitStatus(operator, "tidb", s -> s.getBrokers().stream().anyMatch(b -> b.getNodeId() == 3));
    assertThat(cluster.get("kafka").getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("kafka.privateendpoint.io/tidb-config-hash", hash);

    // A pod IP change reaches the broker table without a resync.
    cluster.podIp("kafka-1", "10.0.2.99");
    Endpoints.awaitStatus(operator, "tidb", s -> s.getBrokers().stream().anyMatch(b -> b.getNodeId() == 1 && "10.0.2.99:39092".equals(b.getTarget())));

    // Someone removes the init container (GitOps, helm upgrade): it comes back, with an event saying so.
    removeInitContainer("kafka", "kpe-tidb");
    await().atMost(Duration.ofSeconds(30)).until(() -> initContainer(cluster.get("kafka"), "kpe-tidb") != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> Endpoints.events(operator, "tidb").stream().anyMatch(e -> "ListenerReverted".equals(e.getReason())));
    Endpoints.awaitReason(operator, "tidb", ConditionType.LISTENER_CONFIGURED, "ListenerReverted");

    // Delete: the StatefulSet's template is as it was, the ConfigMap is gone, the finalizer released.
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "tidb"));
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.get(KafkaPrivateEndpoint.class, "tidb") == null);
    assertThat(configMap("kpe-tidb")).isNull();
    assertThat(Serialization.asJson(cluster.get("kafka").getSpec().getTemplate())).isEqualTo(Serialization.asJson(original));
  }

  @Test
  void twoEndpointsSideBySideAndAClashRefused() {
    StatefulSet sts = cluster.statefulSet("kafka2", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "node-" + (i + 1), "10.1." + (i + 1) + ".10");
    }
    operator.create(Endpoints.aws("first", "{statefulSet: {name: kafka2, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093));
    Endpoints.awaitReason(operator, "first", ConditionType.LISTENER_CONFIGURED, "RollingRestart");
    String firstResourceVersion = cluster.get("kafka2").getMetadata().getResourceVersion();

    // Same listener name as "first": refused, naming it, and nothing is written.
    operator.create(Endpoints.aws("clash", "{statefulSet: {name: kafka2, configVolume: kafka-config}}", "tidb", 39192, 19092, 19093));
    EndpointCondition refused = Endpoints.awaitReason(operator, "clash", ConditionType.LISTENER_CONFIGURED, "ListenerConflict");
    assertThat(refused.getMessage()).contains("spec.listener.name tidb").contains("KafkaPrivateEndpoint " + operator.getNamespace() + "/first");
    assertThat(configMap("kpe-clash")).isNull();
    assertThat(cluster.get("kafka2").getMetadata().getResourceVersion()).isEqualTo(firstResourceVersion);

    // Overlapping ports are refused too.
    operator.create(Endpoints.aws("overlap", "{statefulSet: {name: kafka2, configVolume: kafka-config}}", "other", 39292, 9100, 29093));
    assertThat(Endpoints.awaitReason(operator, "overlap", ConditionType.LISTENER_CONFIGURED, "ListenerConflict").getMessage()).contains("spec.ports overlap").contains("/first");

    // Distinct name, container port and ports: both listeners live side by side.
    operator.create(Endpoints.aws("second", "{statefulSet: {name: kafka2, configVolume: kafka-config}}", "vendor2", 39392, 29092, 29193));
    await().atMost(Duration.ofSeconds(30)).until(() -> initContainer(cluster.get("kafka2"), "kpe-vendor2") != null);
    assertThat(cluster.get("kafka2").getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("prepare-config", "kpe-tidb", "kpe-vendor2");
    assertThat(configMap("kpe-second").getData().get("broker-0.properties")).contains("VENDOR2://b0.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com:29193");

    // Deleting the refused one touches neither of the others.
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "clash"));
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.get(KafkaPrivateEndpoint.class, "clash") == null);
    assertThat(cluster.get("kafka2").getSpec().getTemplate().getSpec().getInitContainers()).extracting(Container::getName)
        .containsExactly("prepare-config", "kpe-tidb", "kpe-vendor2");
  }

  @Test
  void configMapOnlyLeavesTheStatefulSetAlone() {
    StatefulSet sts = cluster.statefulSet("kafka3", 2);
    for (int i = 0; i < 2; i++) {
      cluster.pod(sts, i, "node-" + (i + 1), "10.2." + (i + 1) + ".10");
    }
    String resourceVersion = cluster.get("kafka3").getMetadata().getResourceVersion();
    KafkaPrivateEndpoint resource = Endpoints.aws("cmonly", "{statefulSet: {name: kafka3, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093);
    resource.getSpec().getKafka().getStatefulSet().setListenerInjection(ListenerInjection.ConfigMapOnly);
    resource.getSpec().getKafka().getStatefulSet().setNodeIdOffset(100);
    operator.create(resource);

    Endpoints.awaitReason(operator, "cmonly", ConditionType.LISTENER_CONFIGURED, "ConfigMapWritten");
    assertThat(configMap("kpe-cmonly").getData()).containsOnlyKeys("broker-100.properties", "broker-101.properties",
        "merge-listener.sh", "bitnami-extra-init.sh");
    assertThat(configMap("kpe-cmonly").getData().get("bitnami-extra-init.sh")).contains("101) kpe_advertised='TIDB://b101.usw2-az2");
    assertThat(cluster.get("kafka3").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void problemsStopEverythingAndSaySo() {
    operator.create(Endpoints.aws("nosts", "{statefulSet: {name: missing, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093));
    assertThat(Endpoints.awaitReason(operator, "nosts", ConditionType.LISTENER_CONFIGURED, "KafkaNotFound").getMessage()).contains("StatefulSet missing");

    StatefulSet sts = cluster.statefulSet("kafka4", 2);
    cluster.pod(sts, 0, "node-1", "10.3.1.10");
    cluster.pod(sts, 1, "node-3", "10.3.3.10");
    KafkaPrivateEndpoint twoZones = Endpoints.aws("twozones", "{statefulSet: {name: kafka4, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093);
    twoZones.getSpec().setZones(List.of("usw2-az1", "usw2-az2"));
    operator.create(twoZones);
    EndpointCondition zone = Endpoints.awaitReason(operator, "twozones", ConditionType.LISTENER_CONFIGURED, "ZoneNotServed");
    assertThat(zone.getMessage()).contains("broker 1 (pod kafka4-1) runs in zone usw2-az3");
    assertThat(configMap("kpe-twozones")).isNull();
    assertThat(initContainer(cluster.get("kafka4"), "kpe-tidb")).isNull();
  }

  private static ConfigMap configMap(String name) {
    return operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace()).withName(name).get();
  }

  private static Container initContainer(StatefulSet sts, String name) {
    return sts.getSpec().getTemplate().getSpec().getInitContainers().stream().filter(c -> name.equals(c.getName()))
        .findFirst().orElse(null);
  }

  private static void removeInitContainer(String sts, String name) {
    KubernetesClient client = operator.getKubernetesClient();
    List<Container> inits = cluster.get(sts).getSpec().getTemplate().getSpec().getInitContainers();
    int index = inits.indexOf(initContainer(cluster.get(sts), name));
    client.apps().statefulSets().inNamespace(operator.getNamespace()).withName(sts).patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/spec/template/spec/initContainers/" + index + "\"}]");
  }

}
