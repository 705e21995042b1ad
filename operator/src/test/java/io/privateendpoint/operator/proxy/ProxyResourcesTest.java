package io.privateendpoint.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for what the operator runs in Proxy mode, from the planner's own Proxy scenarios
 * (src/test/resources/EndpointPlannerTest/*proxy*): the proxy's configuration, its Deployment and its
 * PodDisruptionBudget, in src/test/resources/ProxyResourcesTest/&lt;scenario&gt;/. Rewrite them after an
 * intended change with -Dkpe.golden.update=true and review the diff.
 */
class ProxyResourcesTest {

  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");
  private static final String IMAGE = "kafka-private-endpoint-operator:test";

  static Stream<Path> scenarios() throws IOException, URISyntaxException {
    Path root = Path.of(ProxyResourcesTest.class.getResource("/EndpointPlannerTest").toURI());
    try (Stream<Path> dirs = Files.list(root)) {
      List<Path> scenarios = dirs.filter(d -> d.getFileName().toString().contains("proxy")).sorted().toList();
      assertThat(scenarios).hasSizeGreaterThanOrEqualTo(3);
      return scenarios.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void resourcesMatchGoldenFiles(Path scenario) throws IOException {
    KafkaPrivateEndpoint resource = resource(scenario);
    ProxyResources resources = new ProxyResources(resource, plan(resource, scenario), IMAGE);
    golden(scenario, "out-proxy.yaml", resources.config());
    golden(scenario, "out-configmap.yaml", Serialization.asYaml(resources.configMap()));
    golden(scenario, "out-deployment.yaml", Serialization.asYaml(resources.deployment()));
    golden(scenario, "out-pdb.yaml", Serialization.asYaml(resources.disruptionBudget()));
  }

  /** A new broker changes the configuration, hence the pod template's hash: the pods roll, one at a time. */
  @Test
  void aNewBrokerRollsThePodsOneAtATimeAndKeepsTheOthersPorts() throws Exception {
    Path scenario = Path.of(ProxyResourcesTest.class.getResource("/EndpointPlannerTest/aws-proxy-new-broker-keeps-ports").toURI());
    KafkaPrivateEndpoint resource = resource(scenario);
    EndpointPlan plan = plan(resource, scenario);
    Observation fewer = observation(scenario);
    fewer = Observation.proxied(fewer.upstreamBootstrap(), fewer.upstream().stream().filter(b -> b.nodeId() != 0).toList(),
        fewer.proxyPods());
    EndpointPlan before = EndpointPlanner.plan(resource.getSpec(), fewer, KafkaPrivateEndpointStatusFactory.previousPorts(resource));

    Deployment now = new ProxyResources(resource, plan, IMAGE).deployment();
    Deployment then = new ProxyResources(resource, before, IMAGE).deployment();
    assertThat(now.getSpec().getTemplate().getMetadata().getAnnotations().get(ProxyResources.CONFIG_HASH_ANNOTATION))
        .isNotEqualTo(then.getSpec().getTemplate().getMetadata().getAnnotations().get(ProxyResources.CONFIG_HASH_ANNOTATION));
    assertThat(now.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    assertThat(now.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal()).isEqualTo(1);
    assertThat(new ProxyResources(resource, plan, IMAGE).config())
        .contains("{nodeId: 1, port: 9094,").contains("{nodeId: 3, port: 9095,").contains("{nodeId: 0, port: 9096,");
    assertThat(new ProxyResources(resource, before, IMAGE).config())
        .contains("{nodeId: 1, port: 9094,").contains("{nodeId: 3, port: 9095,").doesNotContain("nodeId: 0,");
  }

  @Test
  void aLongEndpointNameGivesAShortStableName() {
    KafkaPrivateEndpoint resource = new KafkaPrivateEndpoint();
    resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
        .withName("a-very-long-endpoint-name-for-a-vendor-with-a-long-name-indeed").build());
    String name = ProxyResources.name(resource);
    assertThat(name).hasSizeLessThanOrEqualTo(52).startsWith("kpe-proxy-a-very-long").isEqualTo(ProxyResources.name(resource));
  }

  private static KafkaPrivateEndpoint resource(Path scenario) throws IOException {
    KafkaPrivateEndpoint resource = Serialization.unmarshal(Files.readString(scenario.resolve("in-resource.yaml")),
        KafkaPrivateEndpoint.class);
    resource.getMetadata().setUid("0b7c4a6e-7d0e-4a8e-9f3c-1b2d3e4f5a6b");
    return resource;
  }

  private static Observation observation(Path scenario) throws IOException {
    try (InputStream in = Files.newInputStream(scenario.resolve("in-observation.yaml"))) {
      return Serialization.unmarshal(in, Observation.class);
    }
  }

  private static EndpointPlan plan(KafkaPrivateEndpoint resource, Path scenario) throws IOException {
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), observation(scenario),
        KafkaPrivateEndpointStatusFactory.previousPorts(resource));
    assertThat(plan.problems()).isEmpty();
    return plan;
  }

  private static void golden(Path scenario, String file, String actual) throws IOException {
    Path dir = Path.of("src/test/resources/ProxyResourcesTest", scenario.getFileName().toString());
    if (UPDATE) {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(file), actual);
      return;
    }
    Path golden = dir.resolve(file);
    assertThat(golden).as("missing %s (run with -Dkpe.golden.update=true)", golden).exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }
}
