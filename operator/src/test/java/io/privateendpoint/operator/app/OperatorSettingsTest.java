package io.privateendpoint.operator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaults() {
    OperatorSettings s = OperatorSettings.parse(new String[0], Map.of());
    assertThat(s.clusterName()).isEqualTo("default");
    assertThat(s.watchesAllNamespaces()).isTrue();
    assertThat(s.resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.logFormat()).isEqualTo(OperatorSettings.LogFormat.text);
    assertThat(s.logLevel()).isEqualTo("info");
    assertThat(s.gcpComputeEndpoint()).isEmpty();
  }

  @Test
  void computeEndpointIsAnHttpUrl() {
    assertThat(OperatorSettings.parse(new String[0], Map.of("KPE_GCP_COMPUTE_ENDPOINT", "http://127.0.0.1:8089/"))
        .gcpComputeEndpoint()).isEqualTo("http://127.0.0.1:8089");
    assertThat(OperatorSettings.parse(new String[] {"--gcp-compute-endpoint", "https://compute-kpe.p.googleapis.com"},
        Map.of()).gcpComputeEndpoint()).isEqualTo("https://compute-kpe.p.googleapis.com");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--gcp-compute-endpoint", "compute.googleapis.com"}, Map.of()))
        .hasMessageContaining("--gcp-compute-endpoint 'compute.googleapis.com' must be an http(s) URL");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--gcp-compute-endpoint", "https://x.example/compute/v1"},
        Map.of())).hasMessageContaining("without a path");
  }

  @Test
  void environmentThenFlagsWin() {
    Map<String, String> env = Map.of("KPE_CLUSTER_NAME", "prod-eks", "KPE_WATCH_NAMESPACES", "kafka, other",
        "KPE_RESYNC_PERIOD", "PT30S", "KPE_LOG_FORMAT", "json", "KPE_LOG_LEVEL", "DEBUG");
    OperatorSettings fromEnv = OperatorSettings.parse(new String[0], env);
    assertThat(fromEnv.clusterName()).isEqualTo("prod-eks");
    assertThat(fromEnv.namespaces()).isEqualTo(Set.of("kafka", "other"));
    assertThat(fromEnv.resyncPeriod()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fromEnv.logFormat()).isEqualTo(OperatorSettings.LogFormat.json);
    assertThat(fromEnv.logLevel()).isEqualTo("debug");

    OperatorSettings flags = OperatorSettings.parse(
        new String[] {"--cluster-name=staging", "--namespaces", "", "--resync-period", "1h"}, env);
    assertThat(flags.clusterName()).isEqualTo("staging");
    assertThat(flags.watchesAllNamespaces()).isTrue();
    assertThat(flags.resyncPeriod()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--cluster-name", "Prod_1"}, Map.of()))
        .hasMessageContaining("cluster name 'Prod_1'");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--resync-period", "soon"}, Map.of()))
        .hasMessageContaining("--resync-period 'soon'");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--resync-period", "10ms"}, Map.of()))
        .hasMessageContaining("at least 1s");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--log-format", "xml"}, Map.of()))
        .hasMessageContaining("--log-format 'xml'");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--colour", "x"}, Map.of()))
        .hasMessageContaining("unknown flag --colour");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--colour"}, Map.of()))
        .hasMessageContaining("unknown flag --colour");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--log-level"}, Map.of()))
        .hasMessageContaining("--log-level needs a value");
  }

  @Test
  void usageListsEveryFlagAndVariable() {
    String usage = OperatorSettings.usage();
    for (OperatorSettings.Setting s : OperatorSettings.Setting.values()) {
      assertThat(usage).contains("--" + s.flag).contains(s.env);
    }
  }
}
