package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.testing.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ConfigMap's contents, and the shell that consumes them run for real under sh. */
class StatefulSetListenerConfigTest {

  private static final String BITNAMI_BASE = """
      process.roles=broker
      listeners=CLIENT://:9092,INTERNAL://:9094
      advertised.listeners=CLIENT://kafka-broker-1.kafka-broker-headless.kafka.svc.cluster.local:9092,INTERNAL://kafka-broker-1.kafka-broker-headless.kafka.svc.cluster.local:9094
      listener.security.protocol.map=CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
      """;

  @TempDir
  Path dir;

  @Test
  void entriesAndKeys() {
    EndpointPlan plan = plan();
    assertThat(StatefulSetListenerConfig.entries(plan)).containsOnlyKeys("broker-100.properties", "broker-101.properties");
    assertThat(StatefulSetListenerConfig.configMapData(plan)).containsKeys("merge-listener.sh", "bitnami-extra-init.sh");
    assertThat(StatefulSetListenerConfig.nodeIdOf("broker-101.properties")).isEqualTo(101);
    assertThat(StatefulSetListenerConfig.nodeIdOf("merge-listener.sh")).isNull();
    assertThat(StatefulSetListenerConfig.nodeIdOf("broker-x.properties")).isNull();
  }

  @Test
  void bitnamiSnippetAppendsThisBrokersListener() throws Exception {
    Path conf = dir.resolve("server.properties");
    Files.writeString(conf, BITNAMI_BASE);
    String output = sh(StatefulSetListenerConfig.bitnamiExtraInit(plan()), Map.of("ID", "101", "KAFKA_CONF_FILE", conf.toString()));
    assertThat(output).isEmpty();
    assertThat(Files.readString(conf))
        .contains("listeners=CLIENT://:9092,INTERNAL://:9094,TIDB://0.0.0.0:39092\n")
        .contains(",INTERNAL://kafka-broker-1.kafka-broker-headless.kafka.svc.cluster.local:9094,"
            + "TIDB://b101.usw2-az2.abc.us-west-2.aws.3199015.tidbcloud.com:9094\n")
        .contains("listener.security.protocol.map=CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,TIDB:PLAINTEXT\n");
  }

  @Test
  void bitnamiSnippetFailsLoudlyForAnUnknownNode() throws Exception {
    Path conf = dir.resolve("server.properties");
    Files.writeString(conf, BITNAMI_BASE);
    assertThat(sh(StatefulSetListenerConfig.bitnamiExtraInit(plan()), Map.of("ID", "102", "KAFKA_CONF_FILE", conf.toString())))
        .contains("kpe: no TIDB address for node 102").contains("exit 1");
    assertThat(Files.readString(conf)).isEqualTo(BITNAMI_BASE);
  }

  private static EndpointPlan plan() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    List<Broker> brokers = List.of(
        new Broker(100, "kafka-broker-0", "us-west-2a", "usw2-az1", "10.0.1.5", "n1", "i-1"),
        new Broker(101, "kafka-broker-1", "us-west-2b", "usw2-az2", "10.0.2.5", "n2", "i-2"));
    return EndpointPlanner.plan(resource.getSpec(), Observation.of(brokers), Map.of());
  }

  /** Runs a snippet under sh with set -e, as an init container would; returns stderr, plus "exit N" on failure. */
  private String sh(String snippet, Map<String, String> env) throws IOException, InterruptedException {
    Path script = dir.resolve("snippet.sh");
    Files.writeString(script, "set -e\n" + snippet);
    ProcessBuilder builder = new ProcessBuilder("sh", script.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() == 0 ? err : err + "exit " + process.exitValue();
  }
}
