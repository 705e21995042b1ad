package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.operator.kafka.AdvertisedListenerCheck;
import io.privateendpoint.operator.kafka.KafkaClientSecurity;
import io.privateendpoint.operator.kafka.ListenerVerifier;
import io.privateendpoint.operator.kafka.MetadataProbe;
import io.privateendpoint.operator.kafka.MetadataProbe.Advertised;
import io.privateendpoint.operator.kafka.StatefulSetListenerConfig;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.SaslMechanism;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.ConditionReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified at the Kafka protocol, on real KRaft brokers from the Apache Kafka jars, each in a network
 * namespace of its own (its "pod IP"), configured by the operator's StatefulSet path. The operator's
 * listener check (ListenerVerifier with the real MetadataProbe) asks each broker's listener what it
 * advertises: with every broker as planned it is True; with one broker started with a wrong advertised
 * port it is False naming that broker and both values; after that broker is restarted with the right
 * port it is True again. The load balancer's TCP health checks would pass in all three cases.
 */
class ListenerVerificationIT {

  private static final int BROKERS = 3;

  @TempDir
  Path work;
  private NetworkNamespaces hosts;
  private KafkaBrokers brokers;
  private ListenerVerifier verifier;
  private final List<ResourceID> woken = new CopyOnWriteArrayList<>();

  @BeforeEach
  void hosts() {
    hosts = NetworkNamespaces.create("kpv", 237, BROKERS);
  }

  @AfterEach
  void stop() {
    if (verifier != null) {
      verifier.close();
    }
    if (brokers != null) {
      brokers.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void aBrokerAdvertisingAWrongPortIsNamedUntilItIsFixed() throws Exception {
    KafkaPrivateEndpoint resource = Endpoints.aws("tidb", "{statefulSet: {name: kafka, configVolume: config}}", "tidb",
        39092, 19092, 19093);
    resource.getMetadata().setNamespace("kafka");
    resource.getMetadata().setUid("5d1c0a3e-8f7b-4c2d-9e6a-3b4f5a6c7d8e");
    EndpointPlan plan = plan(resource);
    // Broker 1 gets the entry of a plan whose ports start 100 higher: it advertises the right name, the wrong port.
    KafkaPrivateEndpoint shifted = Endpoints.aws("tidb", "{statefulSet: {name: kafka, configVolume: config}}", "tidb",
        39092, 19092, 19193);
    PlannedBroker one = plan.brokers().get(1);
    PlannedBroker wrongOne = plan(shifted).brokers().get(1);
    assertThat(wrongOne.advertised()).isNotEqualTo(one.advertised());
    Path entries = Files.createDirectories(work.resolve("entries"));
    StatefulSetListenerConfig.entries(plan).forEach((key, value) -> write(entries.resolve(key), value));
    StatefulSetListenerConfig.entries(plan(shifted)).entrySet().stream()
        .filter(e -> e.getKey().equals(StatefulSetListenerConfig.entryKey(1)))
        .forEach(e -> write(entries.resolve(e.getKey()), e.getValue()));
    Path script = work.resolve(StatefulSetListenerConfig.SCRIPT_RESOURCE);
    Files.writeString(script, StatefulSetListenerConfig.script());
    brokers = KafkaBrokers.start(hosts, BROKERS, "kafka", List.of(entries), script, work);
    assertThat(brokers.config(1)).contains("TIDB://" + wrongOne.advertised());

    verifier = new ListenerVerifier(null, Clock.systemUTC(), Duration.ofMinutes(10), woken::add);
    assertThat(verifier.verify(resource, plan).reason()).isEqualTo(ListenerVerifier.REASON_PENDING);
    ConditionReport wrong = awaitFinding(resource, plan, "False");
    assertThat(wrong.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MISMATCH);
    assertThat(wrong.message()).contains("broker 1 advertises " + wrongOne.advertised() + ", planned " + one.advertised())
        .doesNotContain("broker 0 advertises").doesNotContain("broker 2 advertises");
    // The finding is stored, then the endpoint woken: the wake-up may come a moment after the finding shows.
    await().atMost(Duration.ofSeconds(5)).until(() -> !woken.isEmpty());
    assertThat(woken).containsExactly(new ResourceID("tidb", "kafka"));

    // The fix: broker 1 restarted with its planned port. Same pods, same plan: a finding that is not True is renewed soon.
    brokers.restart(1, config -> config.replace("TIDB://" + wrongOne.advertised(), "TIDB://" + one.advertised()));
    ConditionReport fixed = awaitFinding(resource, plan, "True");
    assertThat(fixed.reason()).isEqualTo(AdvertisedListenerCheck.REASON_MATCHES);
    assertThat(fixed.message()).contains("listener tidb lists the 3 brokers");
    await().atMost(Duration.ofSeconds(5)).until(() -> woken.size() == 2);

    // What the probe reads is the brokers' own answer on the listener, not the plan: every broker, as advertised.
    List<Advertised> served = MetadataProbe.advertised(hosts.address(2), 39092,
        KafkaClientSecurity.settings(SecurityProtocol.PLAINTEXT, null, null), Duration.ofSeconds(10));
    assertThat(served).extracting(Advertised::address).containsExactlyElementsOf(
        plan.brokers().stream().map(PlannedBroker::advertised).toList());
  }

  /** SASL: the probe logs in with the Secret's username and password; a wrong password is named, not hung on. */
  @Test
  void theProbeLogsInOnASaslListener() throws Exception {
    brokers = KafkaBrokers.startWithSasl(hosts, BROKERS, List.of(), work);
    var user = KafkaBrokers.SASL_USERS.entrySet().iterator().next();
    List<Advertised> served = MetadataProbe.advertised(hosts.address(0), KafkaBrokers.SASL_PORT,
        KafkaClientSecurity.settings(SecurityProtocol.SASL_PLAINTEXT, SaslMechanism.PLAIN, secret(user.getKey(), user.getValue())),
        Duration.ofSeconds(10));
    assertThat(served).extracting(Advertised::address).containsExactlyElementsOf(
        IntStream.range(0, BROKERS).mapToObj(i -> hosts.address(i) + ":" + KafkaBrokers.SASL_PORT).toList());

    assertThatThrownBy(() -> MetadataProbe.advertised(hosts.address(0), KafkaBrokers.SASL_PORT,
        KafkaClientSecurity.settings(SecurityProtocol.SASL_PLAINTEXT, SaslMechanism.PLAIN, secret(user.getKey(), "wrong")),
        Duration.ofSeconds(10))).isInstanceOf(MetadataProbe.ProbeFailure.class).hasMessageContaining("Authentication");
  }

  private ConditionReport awaitFinding(KafkaPrivateEndpoint resource, EndpointPlan plan, String status) {
    // As the operator's passes do: each asks for the finding (and renews it when due).
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> status.equals(verifier.verify(resource, plan).status()));
    return verifier.verify(resource, plan);
  }

  private EndpointPlan plan(KafkaPrivateEndpoint resource) {
    List<Broker> observed = IntStream.range(0, BROKERS).mapToObj(i -> new Broker(i, "kafka-" + i,
        "us-west-2" + (char) ('a' + i), "usw2-az" + (i + 1), hosts.address(i), "node-" + i, "i-" + i)).toList();
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(observed), Map.of());
    assertThat(plan.problems()).isEmpty();
    return plan;
  }

  private static Secret secret(String username, String password) {
    return new SecretBuilder().addToStringData(KafkaClientSecurity.USERNAME, username)
        .addToStringData(KafkaClientSecurity.PASSWORD, password).build();
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
