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
    assertThat(s.leaderElection().enabled()).isFalse();
    assertThat(s.leaderElection().namespace()).isNull();
    assertThat(s.leaderElection().leaseName()).isEqualTo("kafka-private-endpoint-operator");
    assertThat(s.healthPort()).isEqualTo(8081);
    assertThat(s.metricsPort()).isEqualTo(8080);
    assertThat(s.revertBackoff()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void cloudCallRatesFromFlagOrVariable() {
    OperatorSettings defaults = OperatorSettings.parse(new String[0], Map.of());
    assertThat(defaults.awsCallRates()).isEqualTo(io.privateendpoint.operator.cloud.CloudCallRates.AWS_DEFAULT);
    assertThat(defaults.gcpCallRates()).isEqualTo(io.privateendpoint.operator.cloud.CloudCallRates.GCP_DEFAULT);
    OperatorSettings set = OperatorSettings.parse(new String[] {"--aws-write-rate", "0.5", "--gcp-read-rate=0"},
        Map.of("KPE_AWS_READ_RATE", "3", "KPE_GCP_WRITE_RATE", "2.5"));
    assertThat(set.awsCallRates()).isEqualTo(new io.privateendpoint.operator.cloud.CloudCallRates(3, 0.5));
    assertThat(set.gcpCallRates()).isEqualTo(new io.privateendpoint.operator.cloud.CloudCallRates(0, 2.5));
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--aws-read-rate=fast"}, Map.of()))
        .hasMessageContaining("--aws-read-rate 'fast' must be calls per second");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--gcp-write-rate=-1"}, Map.of()))
        .hasMessageContaining("--gcp-write-rate");
  }

  @Test
  void revertBackoffFromFlagOrVariable() {
    assertThat(OperatorSettings.parse(new String[] {"--revert-backoff", "2s"}, Map.of()).revertBackoff())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(OperatorSettings.parse(new String[0], Map.of("KPE_REVERT_BACKOFF", "PT5M")).revertBackoff())
        .isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--revert-backoff=soon"}, Map.of()))
        .hasMessageContaining("--revert-backoff 'soon' is not a duration");
    assertThat(OperatorSettings.usage()).contains("--revert-backoff").contains("KPE_REVERT_BACKOFF").contains("(default: 1m)");
  }

  @Test
  void leaderElectionFromEnvironmentAndFlags() {
    Map<String, String> pod = Map.of("POD_NAMESPACE", "kpe-system", "POD_NAME", "kpe-operator-7c9f-abcde",
        "HOSTNAME", "kpe-operator-7c9f-abcde");
    OperatorSettings.LeaderElection fromPod = OperatorSettings.parse(new String[0],
        with(pod, "KPE_LEADER_ELECTION", "true")).leaderElection();
    assertThat(fromPod).isEqualTo(new OperatorSettings.LeaderElection(true, "kpe-system", "kafka-private-endpoint-operator",
        "kpe-operator-7c9f-abcde"));

    // The flag wins over the variable, and over the downward API's namespace.
    OperatorSettings.LeaderElection flags = OperatorSettings.parse(new String[] {"--leader-election=true",
        "--leader-election-namespace", "ops", "--leader-election-lease", "kpe.lease"},
        with(pod, "KPE_LEADER_ELECTION", "false", "KPE_LEADER_ELECTION_NAMESPACE", "other")).leaderElection();
    assertThat(flags).isEqualTo(new OperatorSettings.LeaderElection(true, "ops", "kpe.lease", "kpe-operator-7c9f-abcde"));
    assertThat(OperatorSettings.parse(new String[] {"--leader-election", "false"}, with(pod, "KPE_LEADER_ELECTION", "TRUE"))
        .leaderElection().enabled()).isFalse();
    // A bare flag turns it on.
    assertThat(OperatorSettings.parse(new String[] {"--leader-election", "--health-port", "0"}, pod).leaderElection().enabled())
        .isTrue();
    assertThat(OperatorSettings.parse(new String[] {"--leader-election"}, pod).leaderElection().enabled()).isTrue();
  }

  @Test
  void leaderElectionIdentityIsThePodNameElseTheHostNameElseRandom() {
    assertThat(OperatorSettings.parse(new String[0], Map.of("POD_NAME", "a", "HOSTNAME", "b")).leaderElection().identity())
        .isEqualTo("a");
    assertThat(OperatorSettings.parse(new String[0], Map.of("HOSTNAME", "b")).leaderElection().identity()).isEqualTo("b");
    String random = OperatorSettings.parse(new String[0], Map.of()).leaderElection().identity();
    assertThat(random).isNotBlank().isNotEqualTo(OperatorSettings.parse(new String[0], Map.of()).leaderElection().identity());
  }

  @Test
  void leaderElectionNeedsANamespace() {
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election", "true"}, Map.of()))
        .hasMessageContaining("--leader-election needs the Lease's namespace")
        .hasMessageContaining("--leader-election-namespace").hasMessageContaining("POD_NAMESPACE");
    // Off, no namespace is needed.
    assertThat(OperatorSettings.parse(new String[] {"--leader-election", "false"}, Map.of()).leaderElection().enabled()).isFalse();
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election", "yes"}, Map.of("POD_NAMESPACE", "a")))
        .hasMessageContaining("--leader-election 'yes' must be true or false");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election-namespace", "Kpe_System"}, Map.of()))
        .hasMessageContaining("--leader-election-namespace 'Kpe_System' is not a namespace name");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--leader-election-lease", "-lease"}, Map.of()))
        .hasMessageContaining("--leader-election-lease '-lease' is not a Lease name");
  }

  @Test
  void portsAreValidatedAndZeroDisables() {
    OperatorSettings env = OperatorSettings.parse(new String[0], Map.of("KPE_HEALTH_PORT", "9443", "KPE_METRICS_PORT", "0"));
    assertThat(env.healthPort()).isEqualTo(9443);
    assertThat(env.metricsPort()).isZero();
    OperatorSettings flags = OperatorSettings.parse(new String[] {"--health-port", "0", "--metrics-port=9090"},
        Map.of("KPE_HEALTH_PORT", "9443", "KPE_METRICS_PORT", "0"));
    assertThat(flags.healthPort()).isZero();
    assertThat(flags.metricsPort()).isEqualTo(9090);
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--health-port", "65536"}, Map.of()))
        .hasMessageContaining("--health-port '65536' must be a port 1-65535, or 0 to disable");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[] {"--metrics-port", "http"}, Map.of()))
        .hasMessageContaining("--metrics-port 'http'");
    assertThatThrownBy(() -> OperatorSettings.parse(new String[0], Map.of("KPE_METRICS_PORT", "-1")))
        .hasMessageContaining("--metrics-port '-1'");
  }

  private static Map<String, String> with(Map<String, String> base, String... pairs) {
    Map<String, String> env = new java.util.HashMap<>(base);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
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
  void listenersAreVerifiedUnlessTurnedOff() {
    assertThat(OperatorSettings.parse(new String[0], Map.of()).verifyListeners()).isTrue();
    assertThat(OperatorSettings.parse(new String[0], Map.of("KPE_VERIFY_LISTENERS", "false")).verifyListeners()).isFalse();
    assertThat(OperatorSettings.parse(new String[] {"--verify-listeners", "true"}, Map.of("KPE_VERIFY_LISTENERS", "false"))
        .verifyListeners()).isTrue();
  }

  @Test
  void usageListsEveryFlagAndVariable() {
    String usage = OperatorSettings.usage();
    for (OperatorSettings.Setting s : OperatorSettings.Setting.values()) {
      assertThat(usage).contains("--" + s.flag).contains(s.env);
    }
    // Real defaults, not the empty value that stands for them.
    assertThat(usage).contains("(default: 8081)").contains("(default: 8080)").contains("(default: false)")
        .contains("(default: $POD_NAMESPACE)").contains("(default: kafka-private-endpoint-operator)")
        .contains("(default: https://compute.googleapis.com)").doesNotContain("(default: )");
  }

  @Test
  void everyDefaultHelpShowsIsTheValueUsedWhenNothingIsSet() {
    Map<String, String> env = Map.of("POD_NAME", "kpe-0");
    OperatorSettings unset = OperatorSettings.parse(new String[0], env);
    // Defaults that are not values of their flag, and what they stand for instead.
    Map<OperatorSettings.Setting, String> described = Map.of(
        OperatorSettings.Setting.NAMESPACES, "all",
        OperatorSettings.Setting.GCP_COMPUTE_ENDPOINT, "https://compute.googleapis.com",
        OperatorSettings.Setting.LEADER_ELECTION_NAMESPACE, "$POD_NAMESPACE");
    for (OperatorSettings.Setting s : OperatorSettings.Setting.values()) {
      if (described.containsKey(s)) {
        assertThat(s.shownDefault).isEqualTo(described.get(s));
        continue;
      }
      // Given explicitly, the shown default changes nothing.
      assertThat(OperatorSettings.parse(new String[] {"--" + s.flag + "=" + s.shownDefault}, env))
          .as("--%s=%s", s.flag, s.shownDefault).isEqualTo(unset);
    }
    assertThat(unset.watchesAllNamespaces()).isTrue();
    assertThat(unset.gcpComputeEndpoint()).isEmpty();
    assertThat(OperatorSettings.parse(new String[0], Map.of("POD_NAME", "kpe-0", "POD_NAMESPACE", "ops"))
        .leaderElection().namespace()).isEqualTo("ops");
  }
}
