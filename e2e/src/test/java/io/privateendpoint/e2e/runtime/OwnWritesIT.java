package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubeRequests;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.kafka.StatefulSetListenerConfig;
import io.privateendpoint.operator.metrics.ReconcileMetrics;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's own Kafka-side writes start no pass. The first pass of an endpoint creates its
 * ConfigMap and patches the StatefulSet (or the Strimzi Kafka CR), then builds the cloud side; the
 * watch events of those writes used to start a second pass at once, which read every cloud resource
 * again to learn nothing (the brokers had not rolled yet). Each write now carries JOSDK's "previous"
 * mark, so the informer knows the event for the pass's own; the roll that follows (the StatefulSet
 * controller's, or Strimzi's, status) still starts the next pass.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class OwnWritesIT {

  static {
    // Before the operator starts, so that it watches kafka.strimzi.io too.
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  private static final SimpleMeterRegistry passes = new SimpleMeterRegistry();

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension(new KubeRequests(),
      new ReconcileMetrics(passes), "--cluster-name", "it-own-writes", "--resync-period", "10m");

  private static MotoAccount aws;
  private static KafkaCluster cluster;

  @BeforeAll
  static void nodes() {
    aws = new MotoAccount();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("own-node-" + az, az);
    }
  }

  @Test
  void theStatefulSetPatchAndTheConfigMapStartNoSecondPass() {
    String vpc = aws.vpcWithSubnets("10.64");
    StatefulSet sts = cluster.statefulSet("kafka-own", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.64." + (i + 1) + ".10");
      cluster.pod(sts, i, "own-node-" + (i + 1), "10.64." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("own-sts", "{statefulSet: {name: kafka-own, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    settle();
    long before = passCount();

    operator.create(resource);
    Endpoints.awaitReason(operator, "own-sts", ConditionType.LISTENER_CONFIGURED, "RollingRestart");
    // Long enough for the events of the pass's writes to arrive and start a pass, short of the 15 s re-check.
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);

    assertThat(passCount() - before).as("passes until the brokers roll: the first, and none for its own writes").isEqualTo(1);
    String ns = operator.getNamespace();
    assertThat(operator.get(StatefulSet.class, "kafka-own").getMetadata().getAnnotations())
        .containsKey(InformerEventSource.PREVIOUS_ANNOTATION_KEY);
    ConfigMap entries = operator.getKubernetesClient().configMaps().inNamespace(ns)
        .withName(StatefulSetListenerConfig.configMapName(operator.get(KafkaPrivateEndpoint.class, "own-sts"))).get();
    assertThat(entries.getMetadata().getAnnotations()).containsKey(InformerEventSource.PREVIOUS_ANNOTATION_KEY);

    // The roll (the StatefulSet controller's status, simulated) is not ours: it starts the pass that ends Ready.
    cluster.rolledOut("kafka-own");
    Endpoints.awaitReady(operator, "own-sts", Duration.ofSeconds(60));
    assertThat(passCount() - before).as("and the roll one more").isGreaterThanOrEqualTo(2);
    remove("own-sts");
    assertThat(annotations(operator.get(StatefulSet.class, "kafka-own")))
        .as("the mark goes with the rest at delete").doesNotContainKey(InformerEventSource.PREVIOUS_ANNOTATION_KEY);
  }

  @Test
  void theKafkaCrPatchStartsNoSecondPass() {
    String vpc = aws.vpcWithSubnets("10.65");
    StrimziCluster strimzi = new StrimziCluster(operator.getKubernetesClient(), operator.getNamespace());
    strimzi.createKafka("own");
    strimzi.brokerPool("own", "brokers", java.util.List.of(0, 1, 2), "10.65");
    aws.podInterfaces(vpc, "10.65.1.10", "10.65.2.11", "10.65.3.12");
    KafkaPrivateEndpoint resource = Endpoints.aws("own-strimzi", "{strimzi: {cluster: own}}", "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    settle();
    long before = passCount();

    operator.create(resource);
    Endpoints.awaitReason(operator, "own-strimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);

    assertThat(passCount() - before).as("passes until Strimzi rolls: the first, and none for its own patch").isEqualTo(1);
    strimzi.ready("own", "plain", "tls", "tidb");
    Endpoints.awaitReady(operator, "own-strimzi", Duration.ofSeconds(60));
    assertThat(strimzi.kafka("own").getMetadata().getAnnotations()).containsKey(InformerEventSource.PREVIOUS_ANNOTATION_KEY);
    remove("own-strimzi");
    assertThat(annotations(strimzi.kafka("own")))
        .as("the mark goes with the rest at delete").doesNotContainKey(InformerEventSource.PREVIOUS_ANNOTATION_KEY);
  }

  /** The events of what the test itself created (nodes, pods) are the operator's to see first. */
  private static void settle() {
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
  }

  private static void remove(String name) {
    operator.delete(operator.get(KafkaPrivateEndpoint.class, name));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, name) == null);
  }

  private static java.util.Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata object) {
    return object.getMetadata().getAnnotations() == null ? java.util.Map.of() : object.getMetadata().getAnnotations();
  }

  private static long passCount() {
    return passes.find(ReconcileMetrics.DURATION).tag("pass", "apply").timers().stream().mapToLong(Timer::count).sum();
  }
}
