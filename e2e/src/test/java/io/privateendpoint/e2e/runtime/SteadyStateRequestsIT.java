package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
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
import io.privateendpoint.operator.metrics.ReconcileMetrics;
import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a steady-state pass asks of the API server: nothing. Once an endpoint is Ready, every pass
 * the resync (3 s here) starts reads the StatefulSet or Strimzi resources, pods, Nodes, ConfigMaps
 * and peer endpoints from the informers' caches and writes nothing. The operator's Kubernetes
 * requests are recorded by an interceptor on its client (KubeRequests); watches, long-lived, are
 * left out. Prints a BENCH line with the requests per pass.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class SteadyStateRequestsIT {

  static {
    // Before the operator starts, so that it watches kafka.strimzi.io too.
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  private static final KubeRequests requests = new KubeRequests();
  private static final SimpleMeterRegistry passes = new SimpleMeterRegistry();

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension(requests, new ReconcileMetrics(passes),
      "--cluster-name", "it-steady", "--resync-period", "3s");

  private static MotoAccount aws;
  private static KafkaCluster cluster;

  @BeforeAll
  static void nodes() {
    aws = new MotoAccount();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @Test
  void statefulSetSourceSteadyPassesSendNoRequest() {
    String vpc = aws.vpcWithSubnets("10.61");
    StatefulSet sts = cluster.statefulSet("kafka", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.61." + (i + 1) + ".10");
      cluster.pod(sts, i, "node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("steady-sts", "{statefulSet: {name: kafka, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    Endpoints.createPastRoll(operator, cluster, resource, "kafka");
    Endpoints.awaitReady(operator, "steady-sts", Duration.ofSeconds(60));

    assertSteady("statefulSet");
    removeEndpoint("steady-sts");
  }

  @Test
  void strimziSourceSteadyPassesSendNoRequest() {
    String vpc = aws.vpcWithSubnets("10.62");
    StrimziCluster strimzi = new StrimziCluster(operator.getKubernetesClient(), operator.getNamespace());
    strimzi.createKafka("steady");
    strimzi.brokerPool("steady", "brokers", List.of(0, 1, 2), "10.62");
    aws.podInterfaces(vpc, "10.62.1.10", "10.62.2.11", "10.62.3.12");
    KafkaPrivateEndpoint resource = Endpoints.aws("steady-strimzi", "{strimzi: {cluster: steady}}", "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    operator.create(resource);
    Endpoints.awaitReason(operator, "steady-strimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");
    strimzi.ready("steady", "plain", "tls", "tidb");
    Endpoints.awaitReady(operator, "steady-strimzi", Duration.ofSeconds(60));

    assertSteady("strimzi");
    removeEndpoint("steady-strimzi");
  }

  /** AWS instance targets: the NodePort Service of each broker is read from the owned-services informer too. */
  @Test
  void instanceTargetsSteadyPassesSendNoRequest() {
    String vpc = aws.vpcWithSubnets("10.63");
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("steady-inode-" + az, az, aws.nodeInstance(vpc, az));
    }
    StatefulSet sts = cluster.statefulSet("kafkai", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.63." + (i + 1) + ".10");
      cluster.pod(sts, i, "steady-inode-" + (i + 1), "10.63." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("steady-instances", "{statefulSet: {name: kafkai, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    resource.getSpec().getAws().setTargetType(AwsTargetType.instance);
    Endpoints.createPastRoll(operator, cluster, resource, "kafkai");
    Endpoints.awaitReady(operator, "steady-instances", Duration.ofSeconds(60));
    assertThat(operator.getKubernetesClient().services().inNamespace(operator.getNamespace())
        .withLabel("kafka.privateendpoint.io/endpoint", "steady-instances").list().getItems()).hasSize(3);

    assertSteady("instance targets");
    removeEndpoint("steady-instances");
  }

  /** So that the other test's window sees only its own endpoint's passes. */
  private static void removeEndpoint(String name) {
    operator.delete(operator.get(KafkaPrivateEndpoint.class, name));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, name) == null);
  }

  /**
   * Lets the status settle, then waits out about three resyncs sending nothing itself: every request
   * recorded then is the operator's. Each test removes its endpoint when done, so a window sees the
   * passes of one endpoint.
   */
  private static void assertSteady(String source) {
    await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
    int mark = requests.mark();
    long before = passCount();
    await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(11)).until(() -> true);
    List<KubeRequests.Request> sent = requests.since(mark);
    long ran = passCount() - before;
    System.out.printf("BENCH steady-state-requests source=%s passes=%d requests=%d per-pass=%.1f%n", source, ran, sent.size(),
        ran == 0 ? 0.0 : (double) sent.size() / ran);
    sent.forEach(r -> System.out.println("BENCH   " + r));
    assertThat(ran).as("resync passes in 10 s at a 3 s period").isGreaterThanOrEqualTo(2);
    assertThat(sent).as("requests to the API server during steady-state passes (watches aside)").isEmpty();
  }

  private static long passCount() {
    return passes.find(ReconcileMetrics.DURATION).tag("pass", "apply").timers().stream().mapToLong(Timer::count).sum();
  }
}
