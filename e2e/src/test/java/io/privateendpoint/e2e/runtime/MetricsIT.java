package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.PrometheusText;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.app.HttpEndpoints;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /metrics of an operator wired as Main wires it (JOSDK's metrics, the SDK hooks counting cloud
 * calls), run in this JVM so that the suite's own recorders see the same calls: through an AWS and a
 * GCP flow to Ready and delete, kpe_cloud_calls_total moves by operation exactly as the AwsCalls
 * interceptor and the Compute fake's log recorded, and kpe_endpoints follows the endpoints' Ready.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class MetricsIT {

  private static final OperatorMetrics METRICS = new OperatorMetrics();
  private static final String PROJECT = "kpe-metrics-project";
  private static final List<String> ENDED = List.of("success", "throttled", "refused", "error");

  // A long resync: after Ready nothing runs, so two scrapes bracket exactly the calls of a flow.
  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension(METRICS, "--cluster-name", "it-metrics",
      "--resync-period", "10m");

  private static HttpEndpoints served;
  private static int port;
  private static MotoAccount aws;
  private static GcpProject gcp;
  private static KafkaCluster cluster;

  @BeforeAll
  static void serveMetrics() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    served = HttpEndpoints.start(Map.of(port, Map.of("/metrics",
        () -> new HttpEndpoints.Reply(200, OperatorMetrics.CONTENT_TYPE, METRICS.scrape()))));
    aws = new MotoAccount();
    gcp = new GcpProject(PROJECT, "kafka-vpc", "brokers");
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int n = 1; n <= 3; n++) {
      cluster.awsNode("node-" + n, n);
      String zone = "us-west1-" + (char) ('a' + n - 1);
      gcp.node("gke-metrics-" + n, zone, n);
      cluster.gcpNode("gke-metrics-" + n, PROJECT, zone);
    }
  }

  @AfterAll
  static void stopServing() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void awsCallsCountedAsTheSdkMadeThem() {
    AwsCalls calls = MotoServer.get().calls();
    PrometheusText before = quiet();
    int mark = calls.mark();
    String vpc = aws.vpcWithSubnets("10.80");
    StatefulSet sts = cluster.statefulSet("kafka-aws", 3);
    for (int i = 0; i < 3; i++) {
      String ip = "10.80." + (i + 1) + ".10";
      aws.podInterfaces(vpc, ip);
      cluster.pod(sts, i, "node-" + (i + 1), ip);
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("metrics-aws", "{statefulSet: {name: kafka-aws, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    Endpoints.createPastRoll(operator, cluster, resource, "kafka-aws");
    Endpoints.awaitReady(operator, "metrics-aws", Duration.ofSeconds(120));

    PrometheusText ready = quiet();
    Map<String, Double> recorded = count(calls.since(mark));
    assertThat(recorded).containsEntry("ElasticLoadBalancingV2.CreateLoadBalancer", 1.0).containsKey("Ec2.DescribeVpcs");
    assertThat(delta(before, ready, "aws", ENDED)).isEqualTo(recorded);
    // A lookup of what does not exist yet is a 4xx (LoadBalancerNotFound…), so "refused"; nothing else may be.
    assertThat(delta(before, ready, "aws", List.of("refused", "error", "throttled")).keySet()).allMatch(MetricsIT::lookup);
    assertThat(ready.sum("kpe_endpoints", "ready", "True")).isEqualTo(1);
    assertThat(ready.sum("kpe_reconcile_duration_seconds_count", "pass", "apply"))
        .isGreaterThan(before.sum("kpe_reconcile_duration_seconds_count", "pass", "apply"));
    assertThat(ready.sum("operator_sdk_reconciliations_started_total"))
        .isGreaterThan(before.sum("operator_sdk_reconciliations_started_total"));

    // Delete: the calls of the cleanup too, and the endpoint leaves kpe_endpoints.
    int deleteMark = calls.mark();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "metrics-aws"));
    await().atMost(Duration.ofSeconds(90)).until(() -> operator.get(KafkaPrivateEndpoint.class, "metrics-aws") == null);
    PrometheusText deleted = quiet();
    assertThat(delta(ready, deleted, "aws", ENDED)).isEqualTo(count(calls.since(deleteMark)))
        .containsEntry("ElasticLoadBalancingV2.DeleteLoadBalancer", 1.0);
    assertThat(deleted.sum("kpe_endpoints")).isZero();
    assertThat(deleted.sum("kpe_reconcile_duration_seconds_count", "pass", "cleanup")).isPositive();
  }

  @Test
  void computeCallsCountedAsTheFakeServedThem() {
    ComputeFake fake = LocalCompute.get();
    PrometheusText before = quiet();
    int mark = fake.mark();
    StatefulSet sts = cluster.statefulSet("kafka-gcp", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gke-metrics-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    Endpoints.createPastRoll(operator, cluster, Endpoints.gcp("metrics-gcp",
        "{statefulSet: {name: kafka-gcp, configVolume: kafka-config}}", PROJECT, "psc-nat-metrics", "10.129.0.0/24"), "kafka-gcp");
    Endpoints.awaitReady(operator, "metrics-gcp", Duration.ofSeconds(120));

    PrometheusText ready = quiet();
    // Every HTTP call the fake served, by compute.proto's RPC name: a call that gax retried is one
    // HTTP call per attempt, so the metric's side is every outcome, retried included.
    Map<String, Double> served = count(fake.callsSince(mark).stream().map(ComputeFake.Call::rpc).toList());
    assertThat(served).containsEntry("RegionNetworkEndpointGroups.Insert", 1.0).containsKey("Networks.Get");
    List<String> everyAttempt = List.of("success", "throttled", "refused", "error", "retried");
    assertThat(delta(before, ready, "gcp", everyAttempt)).isEqualTo(served);
    // Compute answers a Get of what is not there yet with 404: "refused"; nothing else may be.
    assertThat(delta(before, ready, "gcp", List.of("refused", "error", "throttled")).keySet()).allMatch(MetricsIT::lookup);
    assertThat(ready.sum("kpe_endpoints", "ready", "True")).isEqualTo(1);

    int deleteMark = fake.mark();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "metrics-gcp"));
    await().atMost(Duration.ofSeconds(90)).until(() -> operator.get(KafkaPrivateEndpoint.class, "metrics-gcp") == null);
    PrometheusText deleted = quiet();
    assertThat(delta(ready, deleted, "gcp", everyAttempt))
        .isEqualTo(count(fake.callsSince(deleteMark).stream().map(ComputeFake.Call::rpc).toList()))
        .containsEntry("ServiceAttachments.Delete", 1.0);
    assertThat(deleted.sum("kpe_endpoints")).isZero();
  }

  /**
   * A scrape once the operator is idle: two scrapes 2 s apart agree on every cloud call and reconcile
   * (gax ends a call's tracer just after its caller has the answer, so a call is counted moments later).
   */
  private static PrometheusText quiet() {
    PrometheusText[] last = {scrape()};
    await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ofSeconds(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      PrometheusText now = scrape();
      boolean same = now.sumBy("kpe_cloud_calls_total", "operation").equals(last[0].sumBy("kpe_cloud_calls_total", "operation"))
          && now.sum("kpe_reconcile_duration_seconds_count") == last[0].sum("kpe_reconcile_duration_seconds_count");
      last[0] = now;
      return same;
    });
    return last[0];
  }

  /** The operator's own /metrics, over HTTP. */
  private static PrometheusText scrape() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(OperatorMetrics.CONTENT_TYPE);
      return PrometheusText.parse(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How far kpe_cloud_calls_total{cloud} moved per operation over the given outcomes; operations that did not move left out. */
  private static Map<String, Double> delta(PrometheusText from, PrometheusText to, String cloud, List<String> outcomes) {
    Map<String, Double> moved = new TreeMap<>();
    for (String outcome : outcomes) {
      to.sumBy("kpe_cloud_calls_total", "operation", "cloud", cloud, "outcome", outcome).forEach((op, v) -> moved.merge(op, v, Double::sum));
      from.sumBy("kpe_cloud_calls_total", "operation", "cloud", cloud, "outcome", outcome).forEach((op, v) -> moved.merge(op, -v, Double::sum));
    }
    moved.values().removeIf(v -> v == 0.0);
    return moved;
  }

  /** A read: AWS's Describe/List/Get, Compute's Get/List. */
  static boolean lookup(String operation) {
    String op = operation.substring(operation.indexOf('.') + 1);
    return op.startsWith("Describe") || op.startsWith("Get") || op.startsWith("List");
  }

  private static Map<String, Double> count(List<String> calls) {
    return new TreeMap<>(calls.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.summingDouble(c -> 1.0))));
  }
}
