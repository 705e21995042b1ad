package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.FaultProxy;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.PrometheusText;
import io.privateendpoint.operator.cloud.CloudCallRates;
import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.cloud.aws.AwsCallMetrics;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.gcp.GcpCallMetrics;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator against a busy cloud: a {@link FaultProxy} in front of moto and one in front of the
 * Compute fake answer a seeded 30% of the operator's requests with the cloud's own throttling errors
 * (EC2 RequestLimitExceeded, ELB Throttling, Compute 429 and 503). The same scenario — endpoints
 * created together on their own StatefulSets of 3 brokers — runs unthrottled then throttled, side by
 * side: every endpoint gets Ready both times with exactly one of each cloud resource, and the requests
 * the cloud received stay within twice the unthrottled run's. Then the cloud refuses everything for a
 * while: the endpoint says Throttled (and kpe_endpoints_throttled counts it), never a failed
 * reconcile; once the cloud answers again, it is Ready by itself.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class ThrottlingIT {

  private static final String PROJECT = "kpe-throttle";
  private static final FaultProxy awsProxy = FaultProxy.aws(URI.create(MotoServer.get().endpoint()), 0, 2026);
  private static final FaultProxy computeProxy = FaultProxy.compute(URI.create(LocalCompute.get().endpoint()), 0, 2027);
  private static final OperatorMetrics metrics = new OperatorMetrics();
  private static final java.util.Set<String> EMULATOR_GAPS = java.util.Set.of("Ec2.DescribeVpcEndpointConnections");

  // Resync 10m: the runs count creation passes only, not steady-state ones.
  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension(
      new AwsClients(List.of(new AwsCallMetrics(metrics.cloudCalls())), MotoServer.get().operatorCredentials(),
          CloudCallRates.AWS_DEFAULT, awsProxy.uri()),
      new GcpClients(computeProxy.uri().toString(), new GcpCallMetrics(metrics.cloudCalls())),
      metrics, "--cluster-name", "it-throttle", "--resync-period", "10m");

  private static MotoAccount aws;
  private static GcpProject gcp;
  private static KafkaCluster cluster;

  @BeforeAll
  static void nodes() {
    aws = new MotoAccount();
    gcp = new GcpProject(PROJECT);
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int n = 1; n <= 3; n++) {
      cluster.awsNode("thr-node-" + n, n);
      String zone = "us-west1-" + (char) ('a' + n - 1);
      gcp.node("thr-gke-" + n, zone, n);
      cluster.gcpNode("thr-gke-" + n, PROJECT, zone);
    }
  }

  @AfterAll
  static void close() {
    awsProxy.close();
    computeProxy.close();
  }

  @Test
  void awsEndpointsGetReadyThroughThrottlingWithinTwiceTheCalls() {
    // Two endpoints: under steady 30% throttling the SDK's adaptive retry slows its sending rate
    // toward its floor (it reads the throttling as "over the account's limit"), so every request costs time.
    int unthrottled = awsRun("calm", "10.81", 0.0, 2, true);
    try {
      int mark = awsProxy.injected();
      int throttled = awsRun("busy", "10.82", 0.3, 2, false);
      int injected = awsProxy.injected() - mark;
      double ratio = (double) throttled / unthrottled;
      System.out.printf("BENCH throttling aws: unthrottled %d calls, throttled %d calls (ratio %.2f), %d injected%n",
          unthrottled, throttled, ratio, injected);
      assertThat(injected).as("the proxy did throttle").isGreaterThan(throttled / 10);
      assertThat(ratio).as("requests reaching AWS, throttled run over unthrottled run").isLessThanOrEqualTo(2.0);

      // The cloud refuses everything: the endpoint says so, and never turns into a failed reconcile.
      refuseEverythingThenRecover(awsProxy, "busy-0", "busy-0-kafka");
    } finally {
      // Also after a failure: no endpoint of this class is left for the next class's operator to meet.
      awsProxy.setFraction(0);
      deleteAll("busy", 2);
    }
  }

  @Test
  void gcpEndpointsGetReadyThroughRateLimitsAndUnavailabilityWithinTwiceTheCalls() {
    int unthrottled = gcpRun("gcalm", 0, 0.0, 3);
    try {
      int mark = computeProxy.injected();
      int throttled = gcpRun("gbusy", 3, 0.3, 3);
      int injected = computeProxy.injected() - mark;
      double ratio = (double) throttled / unthrottled;
      System.out.printf("BENCH throttling gcp: unthrottled %d calls, throttled %d calls (ratio %.2f), %d injected%n",
          unthrottled, throttled, ratio, injected);
      assertThat(injected).as("the proxy did throttle").isGreaterThan(throttled / 10);
      assertThat(ratio).as("requests reaching Compute, throttled run over unthrottled run").isLessThanOrEqualTo(2.0);

      refuseEverythingThenRecover(computeProxy, "gbusy-0", "gbusy-0-kafka");
    } finally {
      computeProxy.setFraction(0);
      deleteAll("gbusy", 3);
    }
  }

  /**
   * {@code count} endpoints created together, each on its own StatefulSet of 3 brokers, until all are
   * Ready; checks one NLB and one endpoint service each; returns the requests the proxy received.
   */
  private static int awsRun(String prefix, String cidr, double fraction, int count, boolean delete) {
    String vpc = aws.vpcWithSubnets(cidr);
    awsProxy.setFraction(fraction);
    int start = awsProxy.requests();
    java.util.Map<String, Integer> before = awsProxy.requestsByOperation();
    Passes passes = Passes.now();
    long began = System.nanoTime();
    List<KafkaPrivateEndpoint> created = createTogether(prefix, count, j -> {
      StatefulSet sts = cluster.statefulSet(prefix + "-" + j + "-kafka", 3);
      for (int i = 0; i < 3; i++) {
        String ip = cidr + "." + (i + 1) + "." + (10 + j);
        aws.podInterfaces(vpc, ip);
        cluster.pod(sts, i, "thr-node-" + (i + 1), ip);
      }
      KafkaPrivateEndpoint resource = Endpoints.aws(prefix + "-" + j, "{statefulSet: {name: " + prefix + "-" + j
          + "-kafka, configVolume: kafka-config}}", "tidb", 39092, 9092, 9093);
      resource.getSpec().getAws().setVpcId(vpc);
      return resource;
    });
    // Less the calls moto does not implement: the operator's clients ask once and remember (an HTML
    // 500, retried by the SDK), so only the first run would pay them; AWS implements them.
    int calls = awsProxy.requests() - start - awsProxy.requestsByOperation().entrySet().stream()
        .filter(e -> EMULATOR_GAPS.contains(e.getKey())).mapToInt(e -> e.getValue() - before.getOrDefault(e.getKey(), 0)).sum();
    awsProxy.setFraction(0);
    printRun("aws", prefix, began, before, awsProxy, passes, count);
    for (KafkaPrivateEndpoint kpe : created) {
      KafkaPrivateEndpoint live = operator.get(KafkaPrivateEndpoint.class, kpe.getMetadata().getName());
      AwsNames names = AwsNames.of(live);
      assertThat(aws.loadBalancers(names.loadBalancer())).as("NLBs of " + kpe.getMetadata().getName()).hasSize(1);
      String owner = operator.getNamespace() + "/" + kpe.getMetadata().getName() + "/" + live.getMetadata().getUid();
      assertThat(aws.endpointServices(owner)).as("endpoint services of " + kpe.getMetadata().getName()).isEqualTo(1);
    }
    if (delete) {
      deleteAll(prefix, count);
    }
    return calls;
  }

  /** As {@link #awsRun}, on Google Cloud: one NAT subnet, NEG, backend service, forwarding rule, attachment each. */
  private static int gcpRun(String prefix, int natOffset, double fraction, int count) {
    computeProxy.setFraction(fraction);
    int start = computeProxy.requests();
    java.util.Map<String, Integer> before = computeProxy.requestsByOperation();
    Passes passes = Passes.now();
    long began = System.nanoTime();
    List<KafkaPrivateEndpoint> created = createTogether(prefix, count, j -> {
      StatefulSet sts = cluster.statefulSet(prefix + "-" + j + "-kafka", 3);
      for (int i = 0; i < 3; i++) {
        cluster.pod(sts, i, "thr-gke-" + (i + 1), "10.61." + (i + 1) + "." + (10 + natOffset + j));
      }
      int nat = natOffset + j;
      return Endpoints.gcp(prefix + "-" + j, "{statefulSet: {name: " + prefix + "-" + j + "-kafka, configVolume: kafka-config}}",
          PROJECT, "thr-nat-" + nat, "10.130." + nat + ".0/24");
    });
    int calls = computeProxy.requests() - start;
    computeProxy.setFraction(0);
    printRun("gcp", prefix, began, before, computeProxy, passes, count);
    for (KafkaPrivateEndpoint kpe : created) {
      String base = GcpNames.of(operator.get(KafkaPrivateEndpoint.class, kpe.getMetadata().getName())).base();
      assertThat(gcp.negs(base)).as("NEGs").hasSize(1);
      assertThat(gcp.backendServices(base)).as("backend services").hasSize(1);
      assertThat(gcp.forwardingRules(base)).as("forwarding rules").hasSize(1);
      assertThat(gcp.attachments(base)).as("service attachments").hasSize(1);
    }
    if (prefix.equals("gcalm")) {
      deleteAll(prefix, count);
    }
    return calls;
  }

  /**
   * Pipeline passes and failed reconciles (JOSDK's count, e.g. a status write refused with 409) so far:
   * the calls of a run follow the passes, so the BENCH line shows both.
   */
  private record Passes(double apply, double failed) {
    static Passes now() {
      PrometheusText scraped = PrometheusText.parse(metrics.scrape());
      return new Passes(scraped.sum("kpe_reconcile_duration_seconds_count", "pass", "apply"),
          scraped.sum("operator_sdk_reconciliations_failed_total"));
    }

    Passes since(Passes before) {
      return new Passes(apply - before.apply, failed - before.failed);
    }
  }

  /** The run's requests per operation, its passes and how long it took, for the BENCH output. */
  private static void printRun(String cloud, String run, long began, java.util.Map<String, Integer> before, FaultProxy proxy,
      Passes passesBefore, int endpoints) {
    Passes passes = Passes.now().since(passesBefore);
    System.out.printf("BENCH   %s %s: %.0f passes for %d endpoints (%.1f each), %.0f failed reconciles%n", cloud, run,
        passes.apply(), endpoints, passes.apply() / endpoints, passes.failed());
    java.util.Map<String, Integer> during = new java.util.TreeMap<>();
    proxy.requestsByOperation().forEach((op, n) -> {
      int d = n - before.getOrDefault(op, 0);
      if (d > 0) {
        during.put(op, d);
      }
    });
    System.out.printf("BENCH   %s %s: %d s, requests by operation %s%n", cloud, run,
        Duration.ofNanos(System.nanoTime() - began).toSeconds(), during);
  }

  /** Creates all first, then plays each one's rolling restart, then waits for all to be Ready. */
  private static List<KafkaPrivateEndpoint> createTogether(String prefix, int count, Function<Integer, KafkaPrivateEndpoint> make) {
    List<KafkaPrivateEndpoint> resources = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      resources.add(make.apply(j));
    }
    List<KafkaPrivateEndpoint> created = resources.stream().map(operator::create).toList();
    // As the StatefulSet controller would: each StatefulSet rolls as soon as its endpoint patched it,
    // not after the ones before it (which would keep the later endpoints waiting, and polled, for the test).
    java.util.Set<Integer> rolled = new java.util.TreeSet<>();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (int j = 0; j < count; j++) {
        KafkaPrivateEndpoint live = rolled.contains(j) ? null : operator.get(KafkaPrivateEndpoint.class, prefix + "-" + j);
        if (live != null && live.getStatus() != null && "RollingRestart".equals(
            Endpoints.condition(live.getStatus(), ConditionType.LISTENER_CONFIGURED).getReason())) {
          cluster.rolledOut(prefix + "-" + j + "-kafka");
          rolled.add(j);
        }
      }
      return rolled.size() == count;
    });
    for (int j = 0; j < count; j++) {
      // Not a time bound (the calls are what is measured): the SDK's adaptive mode meets a proxy that
      // throttles 30% however slowly it is called, so its client-side rate sinks to its floor (about one
      // request per second per API) and a throttled run took from 73 s to over 150 s on a busy machine.
      Endpoints.awaitReady(operator, prefix + "-" + j, Duration.ofSeconds(360));
    }
    return created;
  }

  /**
   * Every request refused: the next pass ends with a Throttled condition naming the call and the
   * metric counts the endpoint — no ReconcileError — and once requests pass again the endpoint is
   * Ready by itself (the throttled pass comes back after its pause).
   */
  private static void refuseEverythingThenRecover(FaultProxy proxy, String name, String statefulSet) {
    long began = System.nanoTime();
    proxy.setFraction(1.0);
    // Wake a pass: a broker pod changes (the operator watches them).
    operator.getKubernetesClient().pods().inNamespace(operator.getNamespace()).withName(statefulSet + "-0")
        .edit(p -> {
          p.getMetadata().getLabels().put("kpe-test-touch", "1");
          return p;
        });
    KafkaPrivateEndpointStatus throttled = Endpoints.awaitStatus(operator, name, CloudPushback::pushedBack,
        Duration.ofSeconds(120));
    EndpointCondition ready = Endpoints.condition(throttled, ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isNotEqualTo("ReconcileError");
    EndpointCondition cause = throttled.getConditions().stream().filter(c -> CloudPushback.REASON.equals(c.getReason()))
        .findFirst().orElseThrow();
    System.out.println("THROTTLED " + cause.getType() + ": " + cause.getMessage());
    assertThat(cause.getMessage()).contains("through the SDK's retries").contains("tries again in about");
    PrometheusText scraped = PrometheusText.parse(metrics.scrape());
    assertThat(scraped.sum("kpe_endpoints_throttled")).isGreaterThanOrEqualTo(1.0);
    assertThat(scraped.sum("kpe_cloud_calls_total", "outcome", "throttled") + scraped.sum("kpe_cloud_calls_total", "outcome", "error"))
        .isGreaterThan(0.0);
    // Never a failed reconcile while it lasts.
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    assertThat(Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, name).getStatus(), ConditionType.READY).getReason())
        .isNotEqualTo("ReconcileError");

    System.out.printf("BENCH   throttled condition after %d s%n", Duration.ofNanos(System.nanoTime() - began).toSeconds());
    proxy.setFraction(0);
    Endpoints.awaitReady(operator, name, Duration.ofSeconds(120));
    System.out.printf("BENCH   Ready again after %d s in all%n", Duration.ofNanos(System.nanoTime() - began).toSeconds());
    // Every endpoint whose pass met the refusals (not only this one) comes back after its pause: the count falls to 0.
    await().atMost(Duration.ofSeconds(90))
        .until(() -> PrometheusText.parse(metrics.scrape()).sum("kpe_endpoints_throttled") == 0.0);
  }

  private static void deleteAll(String prefix, int count) {
    long began = System.nanoTime();
    for (int j = 0; j < count; j++) {
      KafkaPrivateEndpoint kpe = operator.get(KafkaPrivateEndpoint.class, prefix + "-" + j);
      if (kpe != null) {
        operator.delete(kpe);
      }
    }
    for (int j = 0; j < count; j++) {
      String name = prefix + "-" + j;
      await().atMost(Duration.ofSeconds(120)).until(() -> operator.get(KafkaPrivateEndpoint.class, name) == null);
    }
    System.out.printf("BENCH   deleted %s-* in %d s%n", prefix, Duration.ofNanos(System.nanoTime() - began).toSeconds());
  }
}
