package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.privateendpoint.operator.kafka.MetadataProbe.Advertised;
import io.privateendpoint.operator.kafka.MetadataProbe.ProbeFailure;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerVerification;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener check's bookkeeping: pending until a check of the same plan finished, one check at a
 * time per endpoint, renewed when the plan changes or the finding ages, the endpoint woken when a
 * finding changes. The brokers' answers come from a table here; MetadataProbe itself is exercised
 * against real brokers in the e2e module (ListenerVerificationIT).
 */
class ListenerVerifierTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T08:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  /** host → what that broker answers; absent: unreachable. */
  private final Map<String, List<Advertised>> brokers = new ConcurrentHashMap<>();
  private final AtomicInteger probes = new AtomicInteger();
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();
  private final ListenerVerifier verifier = new ListenerVerifier(null, clock, Duration.ofMinutes(10), woken::add,
      (host, port, security, timeout) -> {
        probes.incrementAndGet();
        List<Advertised> answer = brokers.get(host + ":" + port);
        if (answer == null) {
          throw new ProbeFailure("no connection to " + host + ":" + port);
        }
        return answer;
      }, 1);

  @AfterEach
  void stop() {
    verifier.close();
  }

  @Test
  void pendingThenTheFindingAndTheEndpointIsWoken() {
    KafkaPrivateEndpoint resource = resource();
    EndpointPlan plan = plan(resource, "10.0.1.5", "10.0.2.5");
    serveAsPlanned(plan);

    ConditionReport first = verifier.verify(resource, plan);
    assertThat(first.status()).isEqualTo("Unknown");
    assertThat(first.reason()).isEqualTo(ListenerVerifier.REASON_PENDING);

    ConditionReport found = awaitFinding(resource, plan);
    assertThat(found.status()).isEqualTo("True");
    assertThat(found.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MATCHES);
    // The finding is stored, then the endpoint woken: the wake-up may come a moment after the finding shows.
    until(() -> !woken.isEmpty());
    assertThat(woken).containsExactly(new ResourceID("tidb", "kafka"));
    assertThat(probes).hasValue(2);

    // Fresh: passes read it, nothing is asked again, nobody is woken.
    verifier.verify(resource, plan);
    verifier.verify(resource, plan);
    assertThat(probes).hasValue(2);
    assertThat(woken).hasSize(1);
  }

  @Test
  void aWrongPortIsFoundAndLookedAtAgainSoonUntilFixed() {
    KafkaPrivateEndpoint resource = resource();
    EndpointPlan plan = plan(resource, "10.0.1.5", "10.0.2.5");
    serveAsPlanned(plan);
    PlannedBroker second = plan.brokers().get(1);
    List<Advertised> wrong = List.of(advertised(plan.brokers().get(0)),
        new Advertised(second.nodeId(), second.advertisedHost(), second.port() + 100));
    plan.brokers().forEach(b -> brokers.put(b.podIp() + ":" + plan.containerPort(), wrong));

    verifier.verify(resource, plan);
    ConditionReport found = awaitFinding(resource, plan);
    assertThat(found.status()).isEqualTo("False");
    assertThat(found.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MISMATCH);
    assertThat(found.message()).contains("broker " + second.nodeId() + " advertises " + second.advertisedHost() + ":"
        + (second.port() + 100) + ", planned " + second.advertised());

    // The broker is fixed (same pod, same plan): a finding that is not True is renewed within seconds.
    serveAsPlanned(plan);
    now.set(now.get().plus(ListenerVerifier.RECHECK_NOT_TRUE));
    verifier.verify(resource, plan);
    until(() -> "True".equals(verifier.verify(resource, plan).status()));
    until(() -> woken.size() == 2);
  }

  @Test
  void aNewPlanIsPendingAgainAndAnOldFindingIsRenewedAfterHalfAResync() {
    KafkaPrivateEndpoint resource = resource();
    EndpointPlan plan = plan(resource, "10.0.1.5", "10.0.2.5");
    serveAsPlanned(plan);
    verifier.verify(resource, plan);
    awaitFinding(resource, plan);

    // A pod moved: the finding is about another plan.
    EndpointPlan moved = plan(resource, "10.0.1.5", "10.0.2.9");
    serveAsPlanned(moved);
    assertThat(verifier.verify(resource, moved).reason()).isEqualTo(ListenerVerifier.REASON_PENDING);
    assertThat(awaitFinding(resource, moved).status()).isEqualTo("True");
    int asked = probes.get();

    now.set(now.get().plus(Duration.ofMinutes(4)));
    verifier.verify(resource, moved);
    assertThat(probes).hasValue(asked);
    now.set(now.get().plus(Duration.ofMinutes(1)));
    assertThat(verifier.verify(resource, moved).status()).as("the old finding stands meanwhile").isEqualTo("True");
    until(() -> probes.get() == asked + 2);
  }

  @Test
  void anUnreachableBrokerIsNamed() {
    KafkaPrivateEndpoint resource = resource();
    EndpointPlan plan = plan(resource, "10.0.1.5", "10.0.2.5");
    serveAsPlanned(plan);
    brokers.remove("10.0.2.5:" + plan.containerPort());
    verifier.verify(resource, plan);
    ConditionReport found = awaitFinding(resource, plan);
    assertThat(found.reason()).isEqualTo(AdvertisedListenerCheck.REASON_UNREACHABLE);
    assertThat(found.message()).contains("broker 101 (pod kafka-broker-1): no connection to 10.0.2.5:" + plan.containerPort())
        .contains("NetworkPolicy");
  }

  @Test
  void notCheckedWhereItCannotOrShouldNot() {
    KafkaPrivateEndpoint resource = resource();
    EndpointPlan plan = plan(resource, "10.0.1.5", "10.0.2.5");

    resource.getSpec().getListener().setSecurityProtocol(SecurityProtocol.SASL_SSL);
    EndpointPlan sasl = EndpointPlanner.plan(resource.getSpec(), observation("10.0.1.5", "10.0.2.5"), Map.of());
    ConditionReport unchecked = verifier.verify(resource, sasl);
    assertThat(unchecked.status()).isEqualTo("True");
    assertThat(unchecked.reason()).isEqualTo(ListenerVerifier.REASON_NOT_CHECKED);
    assertThat(unchecked.message()).contains("spec.listener.verification.secretRef").contains("username, password and ca.crt");

    resource.getSpec().getListener().setSecurityProtocol(SecurityProtocol.PLAINTEXT);
    ListenerVerification off = new ListenerVerification();
    off.setEnabled(false);
    resource.getSpec().getListener().setVerification(off);
    assertThat(verifier.verify(resource, plan)).isNull();

    resource.getSpec().getListener().setVerification(null);
    resource.getSpec().setMode(EndpointMode.Proxy);
    assertThat(verifier.verify(resource, plan)).isNull();
    assertThat(probes).hasValue(0);
  }

  private ConditionReport awaitFinding(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    until(() -> !ListenerVerifier.REASON_PENDING.equals(verifier.verify(resource, plan).reason()));
    return verifier.verify(resource, plan);
  }

  /** Polls for up to 10 s: the checks run on the verifier's own thread. */
  private static void until(BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private void serveAsPlanned(EndpointPlan plan) {
    List<Advertised> all = plan.brokers().stream().map(ListenerVerifierTest::advertised).toList();
    plan.brokers().forEach(b -> brokers.put(b.podIp() + ":" + plan.containerPort(), all));
  }

  private static Advertised advertised(PlannedBroker b) {
    return new Advertised(b.nodeId(), b.advertisedHost(), b.port());
  }

  private static KafkaPrivateEndpoint resource() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setName("tidb");
    resource.getMetadata().setNamespace("kafka");
    resource.getMetadata().setUid("0b7c2f0e-4d8b-4a57-9d43-1f0d6f3a2c11");
    return resource;
  }

  private static EndpointPlan plan(KafkaPrivateEndpoint resource, String ip0, String ip1) {
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), observation(ip0, ip1), Map.of());
    assertThat(plan.problems()).isEmpty();
    return plan;
  }

  private static Observation observation(String ip0, String ip1) {
    return Observation.of(List.of(
        new Broker(100, "kafka-broker-0", "us-west-2a", "usw2-az1", ip0, "n1", "i-1"),
        new Broker(101, "kafka-broker-1", "us-west-2b", "usw2-az2", ip1, "n2", "i-2")));
  }
}
