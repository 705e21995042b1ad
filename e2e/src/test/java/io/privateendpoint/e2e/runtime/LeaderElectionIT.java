package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.PrometheusText;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two operator processes (the shaded jar, as two pods of the chart's Deployment would run it) with
 * leader election on, against the tests' API server and moto: one holds the Lease and reconciles; the
 * standby is ready and healthy and makes no cloud call and reconciles nothing; when the leader is
 * SIGKILLed the standby takes the Lease once it lapses and finishes an endpoint created meanwhile,
 * leaving exactly one NLB and one endpoint service for it.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class LeaderElectionIT {

  private static final String NAMESPACE = "kpe-ha";
  private static final String LEASE_NAMESPACE = "kpe-system-ha";
  private static final String LEASE = "kafka-private-endpoint-operator";
  /** JOSDK's defaults, which the operator keeps. */
  private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
  private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

  private static KubernetesClient client;
  private static MotoAccount aws;
  private static KafkaCluster cluster;
  private static String vpc;
  private static OperatorProcess a;
  private static OperatorProcess b;

  @BeforeAll
  static void twoReplicas() {
    client = KubernetesApiServerExtension.cluster().newClient();
    ProjectCrds.install(client);
    for (String ns : List.of(NAMESPACE, LEASE_NAMESPACE)) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
    }
    aws = new MotoAccount();
    vpc = aws.vpcWithSubnets("10.70");
    cluster = new KafkaCluster(client, NAMESPACE);
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
    // The operator as moto's IAM user holding config/aws/iam-policy.json, as its role would be.
    var keys = MotoServer.get().operatorCredentials().resolveCredentials();
    Map<String, String> env = Map.of("AWS_ENDPOINT_URL", MotoServer.get().endpoint(), "AWS_ACCESS_KEY_ID", keys.accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(), "KPE_LEADER_ELECTION", "true", "POD_NAMESPACE", LEASE_NAMESPACE);
    String[] flags = {"--cluster-name", "it-ha", "--namespaces", NAMESPACE, "--resync-period", "30s"};
    a = OperatorProcess.start("kpe-operator-a", env, flags);
    b = OperatorProcess.start("kpe-operator-b", env, flags);
  }

  @AfterAll
  static void stop() {
    try {
      if (client != null && (a.isAlive() || b.isAlive())) {
        // The surviving leader removes what it made, so moto holds nothing of this test for the next ones.
        client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE).delete();
        await().atMost(Duration.ofSeconds(120)).until(() -> client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE)
            .list().getItems().isEmpty());
      }
    } finally {
      if (a != null) {
        a.close();
      }
      if (b != null) {
        b.close();
      }
    }
  }

  @Test
  void oneLeaderReconcilesAndTheStandbyTakesOverWhenItDies() {
    // Both become ready — the standby too: it has started, its informers synced, and waits for the Lease.
    await().atMost(Duration.ofSeconds(180)).until(() -> a.health("/readyz").startsWith("200 ")
        && b.health("/readyz").startsWith("200 "));
    String holder = await().atMost(Duration.ofSeconds(60)).until(LeaderElectionIT::holder, h -> h != null);
    assertThat(holder).isIn(a.name(), b.name());
    OperatorProcess leader = holder.equals(a.name()) ? a : b;
    OperatorProcess standby = leader == a ? b : a;
    assertThat(leader.health("/readyz")).startsWith("200 ready (leader " + leader.name());
    assertThat(standby.health("/readyz")).startsWith("200 ready (standby " + standby.name());

    // The leader provisions an endpoint; the standby sees the same events and does nothing.
    KafkaPrivateEndpoint first = statefulSetEndpoint("first", "kafka-a", ".10");
    awaitReady("first", Duration.ofSeconds(180));
    for (OperatorProcess p : List.of(leader, standby)) {
      assertThat(p.health("/healthz")).as(p.name() + " /healthz").startsWith("200 ");
      assertThat(p.health("/readyz")).as(p.name() + " /readyz").startsWith("200 ");
    }
    PrometheusText leaderSeen = leader.metrics();
    assertThat(leaderSeen.sum("kpe_cloud_calls_total")).isPositive();
    assertThat(leaderSeen.sum("operator_sdk_reconciliations_started_total")).isPositive();
    assertThat(leaderSeen.sum("kpe_endpoints", "ready", "True")).isEqualTo(1);
    PrometheusText standbySeen = standby.metrics();
    // No cloud call (the counter has no series at all), no reconcile started, so no Kubernetes write of ours.
    assertThat(standbySeen.sum("kpe_cloud_calls_total")).isZero();
    assertThat(standbySeen.sum("operator_sdk_reconciliations_started_total")).isZero();
    assertThat(standbySeen.sum("operator_sdk_reconciliations_success_total")).isZero();
    assertThat(standbySeen.sum("kpe_reconcile_duration_seconds_count")).isZero();
    assertThat(standbySeen.sum("kpe_endpoints")).isZero();
    assertThat(holder()).as("the Lease never changed hands").isEqualTo(leader.name());
    Lease before = lease();

    // The leader dies without a word (a node lost); an endpoint is created meanwhile.
    Instant killed = Instant.now();
    leader.kill();
    KafkaPrivateEndpoint second = statefulSetEndpoint("second", "kafka-b", ".20");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> standby.name().equals(holder()));
    Duration takeover = Duration.between(killed, Instant.now());
    Lease after = lease();
    // The standby takes the Lease once the dead leader's last renewal is a lease duration old: it checks
    // every retry period (with jitter), so at most that much later — measured on the Lease itself.
    Duration lapse = Duration.between(before.getSpec().getRenewTime().toInstant(), after.getSpec().getAcquireTime().toInstant());
    assertThat(lapse).isGreaterThanOrEqualTo(LEASE_DURATION).isLessThanOrEqualTo(LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(2)));
    assertThat(takeover).isLessThanOrEqualTo(LEASE_DURATION.plus(RETRY_PERIOD.multipliedBy(2)).plusSeconds(5));

    awaitReady("second", Duration.ofSeconds(180));
    Duration ready = Duration.between(killed, Instant.now());
    System.out.printf("HA: leader %s killed; %s took the Lease after %.1f s (last renewal to acquisition %.1f s, lease %d s),"
        + " endpoint created meanwhile Ready %.1f s after the kill%n", leader.name(), standby.name(), takeover.toMillis() / 1000.0,
        lapse.toMillis() / 1000.0, LEASE_DURATION.toSeconds(), ready.toMillis() / 1000.0);

    // Exactly one NLB and one endpoint service each: no twin from two replicas, none from the takeover.
    for (KafkaPrivateEndpoint kpe : List.of(first, second)) {
      KafkaPrivateEndpoint current = client.resource(kpe).get();
      assertThat(aws.loadBalancers(AwsNames.of(current).loadBalancer())).as(kpe.getMetadata().getName() + " NLBs").hasSize(1);
      assertThat(aws.endpointServices(NAMESPACE + "/" + kpe.getMetadata().getName() + "/" + current.getMetadata().getUid()))
          .as(kpe.getMetadata().getName() + " endpoint services").isEqualTo(1);
    }
    PrometheusText newLeader = standby.metrics();
    assertThat(newLeader.sum("kpe_endpoints", "ready", "True")).isEqualTo(2);
    // Only lookups of what did not exist yet (a 4xx such as LoadBalancerNotFound) may be refused.
    assertThat(newLeader.sumBy("kpe_cloud_calls_total", "operation", "outcome", "refused").keySet()).allMatch(MetricsIT::lookup);
    assertThat(standby.health("/readyz")).startsWith("200 ready (leader " + standby.name());
    assertThat(standby.health("/healthz")).startsWith("200 ");
  }

  private static String holder() {
    Lease lease = lease();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static Lease lease() {
    return client.resources(Lease.class).inNamespace(LEASE_NAMESPACE).withName(LEASE).get();
  }

  /** A StatefulSet of three brokers on node-1..3, their IPs on network interfaces in moto, and an AWS endpoint on it. */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String ipSuffix) {
    StatefulSet sts = cluster.statefulSet(statefulSet, 3);
    for (int i = 0; i < 3; i++) {
      String ip = "10.70." + (i + 1) + ipSuffix;
      aws.podInterfaces(vpc, ip);
      cluster.pod(sts, i, "node-" + (i + 1), ip);
    }
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: " + statefulSet + ", configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    resource.getMetadata().setNamespace(NAMESPACE);
    return client.resource(resource).create();
  }

  /** Plays the rolling restart the endpoint asks for, then waits for Ready. */
  private static void awaitReady(String name, Duration atMost) {
    KafkaPrivateEndpoint kpe = client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE).withName(name).get();
    String sts = kpe.getSpec().getKafka().getStatefulSet().getName();
    awaitStatus(name, s -> "RollingRestart".equals(Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()), atMost);
    cluster.rolledOut(sts);
    awaitStatus(name, s -> "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()), atMost);
  }

  private static KafkaPrivateEndpointStatus awaitStatus(String name, Predicate<KafkaPrivateEndpointStatus> until, Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
      KafkaPrivateEndpoint r = client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE).withName(name).get();
      return r == null ? null : r.getStatus();
    }, s -> s != null && until.test(s));
  }
}
