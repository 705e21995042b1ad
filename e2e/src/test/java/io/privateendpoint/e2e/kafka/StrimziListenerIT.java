package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import io.strimzi.api.kafka.Crds;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListenerConfigurationBroker;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Strimzi path against the real API server, with Kafka and KafkaNodePool CRDs generated from
 * the io.strimzi:api model: node ids from node-pool status, exactly one listener entry written with
 * one brokers[] entry per broker and no other listener touched, a revert noticed and undone, a
 * broker added, a listener name someone else owns refused, and the entry removed on delete.
 * No Strimzi operator runs: the test writes node-pool and Kafka status as Strimzi would.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StrimziListenerIT {

  static {
    // Before the operator starts, so that it sees kafka.strimzi.io and watches it.
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it");

  private static KubernetesClient client;
  private static KafkaCluster nodes;
  private static StrimziCluster strimzi;

  @BeforeAll
  static void cluster() {
    client = operator.getKubernetesClient();
    nodes = new KafkaCluster(client, operator.getNamespace());
    strimzi = new StrimziCluster(client, operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      nodes.awsNode("node-" + az, az);
    }
  }

  /** Held at preview: the Kafka CR is not written; the status says what would be, and that Strimzi would roll every broker. */
  @Test
  void aPausedEndpointShowsTheListenerItWouldWriteAndWritesNothing() throws InterruptedException {
    strimzi.createKafka("held-cluster");
    strimzi.brokerPool("held-cluster", "held-brokers", List.of(0, 1, 2), "10.8");
    String before = strimzi.kafka("held-cluster").getMetadata().getResourceVersion();
    KafkaPrivateEndpoint held = Endpoints.aws("held", "{strimzi: {cluster: held-cluster}}", "held", 39292, 29092, 29093);
    held.getSpec().setPaused(true);
    operator.create(held);
    var status = Endpoints.awaitStatus(operator, "held", s -> "Paused".equals(Endpoints.condition(s, ConditionType.READY).getReason()));
    assertThat(status.getPlannedChanges()).first().asString().isEqualTo("change Kafka " + operator.getNamespace()
        + "/held-cluster: adds listener held; brokers 0, 1, 2 restart one at a time (Strimzi rolls them)");
    Thread.sleep(3_000);
    assertThat(strimzi.kafka("held-cluster").getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(StrimziCluster.listener(strimzi.kafka("held-cluster"), "held")).isNull();

    // Unpaused: written, as the preview said.
    operator.getKubernetesClient().resource(operator.get(KafkaPrivateEndpoint.class, "held")).edit(r -> {
      ((KafkaPrivateEndpoint) r).getSpec().setPaused(false);
      return r;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> StrimziCluster.listener(strimzi.kafka("held-cluster"), "held") != null);
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "held"));
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.get(KafkaPrivateEndpoint.class, "held") == null);
  }

  @Test
  void writesOneListenerKeepsItTrueAndRemovesIt() {
    strimzi.createKafka("my-cluster");
    strimzi.brokerPool("my-cluster", "brokers", List.of(0, 1, 2), "10.9");
    KafkaPrivateEndpoint kpe = operator.create(Endpoints.aws("tidb", "{strimzi: {cluster: my-cluster}}", "tidb", 39092, 9092, 9093));

    Kafka kafka = await().atMost(Duration.ofSeconds(30)).until(() -> strimzi.kafka("my-cluster"), k -> StrimziCluster.listener(k, "tidb") != null);
    GenericKafkaListener ours = StrimziCluster.listener(kafka, "tidb");
    assertThat(ours.getPort()).isEqualTo(39092);
    assertThat(ours.getType()).isEqualTo(KafkaListenerType.INTERNAL);
    assertThat(ours.isTls()).isFalse();
    assertThat(ours.getConfiguration().getBrokers()).extracting(GenericKafkaListenerConfigurationBroker::getBroker,
        GenericKafkaListenerConfigurationBroker::getAdvertisedHost, GenericKafkaListenerConfigurationBroker::getAdvertisedPort)
        .containsExactly(
            tuple(0, "b0.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com", 9093),
            tuple(1, "b1.usw2-az2.abc.us-west-2.aws.3199015.tidbcloud.com", 9094),
            tuple(2, "b2.usw2-az3.abc.us-west-2.aws.3199015.tidbcloud.com", 9095));
    assertThat(kafka.getSpec().getKafka().getListeners()).extracting(GenericKafkaListener::getName)
        .containsExactly("plain", "tls", "tidb");
    assertThat(Serialization.asJson(kafka.getSpec().getKafka().getListeners().subList(0, 2)))
        .isEqualTo(Serialization.asJson(StrimziCluster.ownListeners()));
    Endpoints.awaitReason(operator, "tidb", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");

    strimzi.ready("my-cluster", "plain", "tls", "tidb");
    Endpoints.awaitReason(operator, "tidb", ConditionType.LISTENER_CONFIGURED, "Configured");

    // GitOps removes the entry: it is written back, and an event says so.
    removeListener("my-cluster", "tidb");
    await().atMost(Duration.ofSeconds(30)).until(() -> StrimziCluster.listener(strimzi.kafka("my-cluster"), "tidb") != null);
    await().atMost(Duration.ofSeconds(10)).until(() -> Endpoints.events(operator, "tidb").stream().anyMatch(e -> "ListenerReverted".equals(e.getReason())));
    Endpoints.awaitReason(operator, "tidb", ConditionType.LISTENER_CONFIGURED, "ListenerReverted");

    // A fourth broker in the pool: one more brokers[] entry, on the next port.
    strimzi.brokerPool("my-cluster", "brokers", List.of(0, 1, 2, 3), "10.9");
    await().atMost(Duration.ofSeconds(30)).until(() -> StrimziCluster.listener(strimzi.kafka("my-cluster"), "tidb").getConfiguration().getBrokers().size() == 4);
    assertThat(StrimziCluster.listener(strimzi.kafka("my-cluster"), "tidb").getConfiguration().getBrokers().get(3).getAdvertisedPort()).isEqualTo(9096);

    // A listener name that exists but is not ours: refused, the Kafka CR untouched.
    String resourceVersion = strimzi.kafka("my-cluster").getMetadata().getResourceVersion();
    operator.create(Endpoints.aws("taken", "{strimzi: {cluster: my-cluster}}", "plain", 39192, 19092, 19093));
    assertThat(Endpoints.awaitReason(operator, "taken", ConditionType.LISTENER_CONFIGURED, "ListenerNameTaken").getMessage())
        .contains("already has a listener named plain");
    assertThat(strimzi.kafka("my-cluster").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    // Nothing is built in the cloud for a listener that cannot be ours: the cloud conditions wait.
    var waiting = Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, "taken").getStatus(),
        ConditionType.LOAD_BALANCER_READY);
    assertThat(waiting.getStatus()).isEqualTo("Unknown");
    assertThat(waiting.getReason()).isEqualTo("Blocked");
    assertThat(waiting.getMessage()).contains("ListenerNameTaken");
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "taken"));
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.get(KafkaPrivateEndpoint.class, "taken") == null);
    assertThat(StrimziCluster.listener(strimzi.kafka("my-cluster"), "plain")).isNotNull();

    // Delete: our entry and annotation go, the others stay exactly as they were.
    operator.delete(operator.get(KafkaPrivateEndpoint.class, kpe.getMetadata().getName()));
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.get(KafkaPrivateEndpoint.class, "tidb") == null);
    Kafka after = strimzi.kafka("my-cluster");
    assertThat(Serialization.asJson(after.getSpec().getKafka().getListeners())).isEqualTo(Serialization.asJson(StrimziCluster.ownListeners()));
    assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("kafka.privateendpoint.io/listener-tidb");
  }

  @Test
  void missingKafkaIsReported() {
    operator.create(Endpoints.aws("nokafka", "{strimzi: {cluster: absent}}", "tidb", 39092, 9092, 9093));
    assertThat(Endpoints.awaitReason(operator, "nokafka", ConditionType.LISTENER_CONFIGURED, "KafkaNotFound").getMessage())
        .contains("Kafka absent (kafka.strimzi.io, spec.kafka.strimzi.cluster) not found");
  }

  private static void removeListener(String cluster, String name) {
    List<GenericKafkaListener> listeners = strimzi.kafka(cluster).getSpec().getKafka().getListeners();
    int index = listeners.indexOf(StrimziCluster.listener(strimzi.kafka(cluster), name));
    Crds.kafkaOperation(client).inNamespace(operator.getNamespace()).withName(cluster).patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/spec/kafka/listeners/" + index + "\"}]");
  }

}
