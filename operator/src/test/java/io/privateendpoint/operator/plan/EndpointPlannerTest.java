package io.privateendpoint.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.testing.Samples;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: each folder under EndpointPlannerTest/ holds in-resource.yaml (a
 * KafkaPrivateEndpoint, whose status.ports are the ports handed out before) and optionally
 * in-observation.yaml (what the Kafka side showed); out-plan.yaml is the plan expected. Any other file fails the test, so no fixture goes unused. Run with
 * -Dkpe.golden.update=true to rewrite out-plan.yaml after an intended change, then review the diff.
 */
class EndpointPlannerTest {

  private static final Set<String> KNOWN = Set.of("in-resource.yaml", "in-observation.yaml", "out-plan.yaml");
  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");

  static Stream<Path> scenarios() throws IOException, URISyntaxException {
    Path root = Path.of(EndpointPlannerTest.class.getResource("/EndpointPlannerTest").toURI());
    try (Stream<Path> dirs = Files.list(root)) {
      List<Path> scenarios = dirs.sorted().toList();
      assertThat(scenarios).isNotEmpty();
      return scenarios.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void planMatchesGoldenFile(Path scenario) throws IOException {
    try (Stream<Path> files = Files.list(scenario)) {
      assertThat(files.map(f -> f.getFileName().toString())).as("files in %s", scenario).allMatch(KNOWN::contains);
    }
    KafkaPrivateEndpoint resource = Serialization.unmarshal(Files.readString(scenario.resolve("in-resource.yaml")),
        KafkaPrivateEndpoint.class);
    Path observationFile = scenario.resolve("in-observation.yaml");
    Observation observation = Observation.of(List.of());
    if (Files.exists(observationFile)) {
      try (InputStream in = Files.newInputStream(observationFile)) {
        observation = Serialization.unmarshal(in, Observation.class);
      }
    }

    String actual = Serialization.asYaml(EndpointPlanner.plan(resource.getSpec(), observation,
        KafkaPrivateEndpointStatusFactory.previousPorts(resource)));

    Path golden = scenario.resolve("out-plan.yaml");
    if (UPDATE) {
      // Rewrites the source tree's copy, not target/'s.
      Files.writeString(Path.of("src/test/resources/EndpointPlannerTest", scenario.getFileName().toString(), "out-plan.yaml"), actual);
      return;
    }
    assertThat(golden).as("missing %s (run with -Dkpe.golden.update=true)", golden).exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }

  @Test
  void samePlanForSameInputsWhateverTheBrokerOrder() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    Broker b1 = new Broker(1, "kafka-1", "us-west-2a", "usw2-az1", "10.0.1.5", "node-a", "i-1");
    Broker b2 = new Broker(2, "kafka-2", "us-west-2b", "usw2-az2", "10.0.2.5", "node-b", "i-2");
    assertThat(EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of(b2, b1)), Map.of()))
        .isEqualTo(EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of(b1, b2)), Map.of()));
  }
}
