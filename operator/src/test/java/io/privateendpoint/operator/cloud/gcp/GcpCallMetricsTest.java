package io.privateendpoint.operator.cloud.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.Subnetwork;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.privateendpoint.operator.metrics.CloudCallMetrics;
import io.privateendpoint.operator.testing.ScriptedHttpServer;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kpe_cloud_calls_total through GcpClients' real Compute clients against a scripted endpoint: the
 * operation is compute.proto's "Service.Method", a long-running insert counts the insert and each
 * poll of the operations service (what goes over the wire), one outcome per call, one "retried" per
 * extra attempt gax makes.
 */
class GcpCallMetricsTest {

  private static final String JSON = "application/json";

  private final ScriptedHttpServer compute = new ScriptedHttpServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GcpClients clients = new GcpClients(compute.endpoint(), new GcpCallMetrics(new CloudCallMetrics(registry)));

  @AfterEach
  void close() {
    clients.close();
    compute.close();
  }

  @Test
  void aReadIsServiceDotMethod() {
    compute.then(200, JSON, "{\"name\": \"kafka-vpc\"}");
    clients.networks().get("p", "kafka-vpc");
    assertCounts(Map.of("Networks.Get success", 1.0));
  }

  @Test
  void anUnavailableReadIsRetried() {
    compute.then(503, JSON, error(503, "backendError")).then(200, JSON, "{\"name\": \"kafka-vpc\"}");
    clients.networks().get("p", "kafka-vpc");
    assertThat(compute.requests()).hasSize(2);
    assertCounts(Map.of("Networks.Get retried", 1.0, "Networks.Get success", 1.0));
  }

  @Test
  void notFoundAndForbiddenAreRefusedRateLimitsRetried() {
    compute.then(404, JSON, error(404, "notFound")).then(403, JSON, error(403, "forbidden"))
        .then(429, JSON, error(429, "rateLimitExceeded")).then(200, JSON, "{\"name\": \"kafka-vpc\"}");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> clients.networks().get("p", "kafka-vpc")).isInstanceOf(ApiException.class);
    }
    clients.networks().get("p", "kafka-vpc"); // GcpRetries: a 429 is retried, with backoff
    assertCounts(Map.of("Networks.Get refused", 2.0, "Networks.Get retried", 1.0, "Networks.Get success", 1.0));
    assertThat(GcpCallMetrics.outcome(429)).isEqualTo(io.privateendpoint.operator.metrics.CloudCallMetrics.Outcome.throttled);
  }

  @Test
  void anInsertAnswered503IsRetriedAndItsAlreadyExistsIsMadeBefore() {
    // Compute may have made the subnetwork before answering 503: the retry meets 409 alreadyExists,
    // which ComputeOps.insert takes as made before (the synthesizer reads it back).
    compute.then(503, JSON, error(503, "backendError")).then(409, JSON, error(409, "alreadyExists"));
    ComputeOps.insert(() -> clients.subnetworks().insertAsync("p", "us-west1", Subnetwork.newBuilder().setName("psc-nat").build()));
    assertThat(compute.requests()).hasSize(2);
    assertCounts(Map.of("Subnetworks.Insert error", 1.0, "Subnetworks.Insert refused", 1.0));
  }

  @Test
  void aLongRunningInsertCountsTheInsertAndEachPoll() throws Exception {
    String running = "{\"name\": \"operation-1\", \"status\": \"RUNNING\", \"region\": \"us-west1\"}";
    String done = "{\"name\": \"operation-1\", \"status\": \"DONE\", \"region\": \"us-west1\"}";
    compute.then(200, JSON, running).then(200, JSON, done);
    clients.subnetworks().insertAsync("p", "us-west1", Subnetwork.newBuilder().setName("psc-nat").build()).get();
    assertThat(compute.requests()).containsExactly("POST /compute/v1/projects/p/regions/us-west1/subnetworks",
        "GET /compute/v1/projects/p/regions/us-west1/operations/operation-1");
    assertCounts(Map.of("Subnetworks.Insert success", 1.0, "RegionOperations.Get success", 1.0));
  }

  @Test
  void aRefusedInsertIsOneRefusedCall() {
    compute.then(409, JSON, error(409, "alreadyExists"));
    assertThatThrownBy(() -> clients.subnetworks().insertAsync("p", "us-west1", Subnetwork.newBuilder().setName("psc-nat").build())
        .get()).hasCauseInstanceOf(ApiException.class);
    assertThat(compute.requests()).hasSize(1);
    assertCounts(Map.of("Subnetworks.Insert refused", 1.0));
  }

  private static String error(int code, String reason) {
    return "{\"error\": {\"code\": " + code + ", \"message\": \"scripted\", \"errors\": [{\"reason\": \"" + reason + "\"}]}}";
  }

  /**
   * gax ends its tracer in a listener of the call's future, which may run just after the caller got
   * the answer: the counts settle within moments.
   */
  private void assertCounts(Map<String, Double> expected) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!counts().equals(expected) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(counts()).isEqualTo(expected);
  }

  /** "operation outcome" → count, for cloud="gcp". */
  private Map<String, Double> counts() {
    Map<String, Double> counts = new TreeMap<>();
    for (Counter c : registry.find(CloudCallMetrics.NAME).tag("cloud", "gcp").counters()) {
      counts.put(c.getId().getTag("operation") + " " + c.getId().getTag("outcome"), c.count());
    }
    return counts;
  }
}
