package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json refuses a misspelt key at any level and a value of the wrong type, before
 * anything is rendered, with the schema's own message naming the key; and the chart refuses
 * watching every namespace without consenting to cluster-wide writes.
 */
class HelmSchemaIT {

  private final HelmCli helm = HelmCli.offline();

  @ParameterizedTest(name = "--set {0}")
  @CsvSource(delimiter = '|', value = {
      // typos
      "lgo.level=debug                       | at '': additional properties 'lgo' not allowed",
      "metrics.serviceMonitor.enable=true    | at '/metrics/serviceMonitor': additional properties 'enable' not allowed",
      "serviceAccount.aws.rolearn=arn        | at '/serviceAccount/aws': additional properties 'rolearn' not allowed",
      "resources.request.cpu=1               | at '/resources': additional properties 'request' not allowed",
      // wrong types and values
      "replicaCount=two                      | at '/replicaCount': got string, want integer",
      "metrics.port=http                     | at '/metrics/port': got string, want integer",
      "health.port=70000                     | at '/health/port': maximum: got 70,000, want 65,535",
      "log.level=verbose                     | at '/log/level': value must be one of 'trace', 'debug', 'info', 'warn', 'error'",
      "clusterName=Prod_EU                   | at '/clusterName'",
      "serviceAccount.aws.roleArn=my-role    | at '/serviceAccount/aws/roleArn'",
  })
  void schemaRefuses(String set, String message) {
    HelmCli.Result render = helm.template(HelmCli.CHART, HelmRenderIT.RELEASE, HelmRenderIT.NAMESPACE, "--set", set);
    assertThat(render.exitCode()).as("helm template --set %s", set).isNotZero();
    assertThat(render.stderr()).contains("values don't meet the specifications of the schema").contains(message);
  }

  @Test
  void schemaRefusesAStringForTheNamespaceList() throws IOException {
    Path values = Files.createTempFile("kpe-values", ".yaml");
    Files.writeString(values, "watchNamespaces: kafka\n");
    HelmCli.Result render = helm.template(HelmCli.CHART, HelmRenderIT.RELEASE, HelmRenderIT.NAMESPACE,
        "--values", values.toString());
    assertThat(render.exitCode()).isNotZero();
    assertThat(render.stderr()).contains("at '/watchNamespaces': got string, want array");
  }

  @Test
  void watchingEveryNamespaceNeedsClusterWideWrites() {
    HelmCli.Result render = helm.template(HelmCli.CHART, HelmRenderIT.RELEASE, HelmRenderIT.NAMESPACE,
        "--set", "watchAllNamespaces=true");
    assertThat(render.exitCode()).isNotZero();
    assertThat(render.stderr()).contains("watchAllNamespaces: true lets the operator write ConfigMaps, StatefulSets,"
        + " Services and Strimzi Kafkas in every namespace of the cluster")
        .contains("or accept cluster-wide writes with rbac.clusterWideWrites: true");
  }

  @Test
  void watchingEveryNamespaceAndAListContradict() {
    HelmCli.Result render = helm.template(HelmCli.CHART, HelmRenderIT.RELEASE, HelmRenderIT.NAMESPACE,
        "--set", "watchAllNamespaces=true", "--set", "rbac.clusterWideWrites=true", "--set", "watchNamespaces={kafka}");
    assertThat(render.exitCode()).isNotZero();
    assertThat(render.stderr()).contains("watchAllNamespaces: true and a watchNamespaces list contradict each other");
  }
}
