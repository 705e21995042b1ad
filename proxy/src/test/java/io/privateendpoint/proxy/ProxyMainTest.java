package io.privateendpoint.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kroxylicious.proxy.config.ConfigParser;
import org.junit.jupiter.api.Test;

class ProxyMainTest {

  @Test
  void everyPodIpPlaceholderBecomesThePodsAddress() {
    assertThat(ProxyMain.substitutePodIp("a: ${POD_IP}\nb: ${POD_IP}:1\n", "10.1.2.3")).isEqualTo("a: 10.1.2.3\nb: 10.1.2.3:1\n");
  }

  @Test
  void withoutAPodIpEveryInterface() {
    assertThat(ProxyMain.substitutePodIp("a: ${POD_IP}", null)).isEqualTo("a: 0.0.0.0");
    assertThat(ProxyMain.substitutePodIp("a: ${POD_IP}", " ")).isEqualTo("a: 0.0.0.0");
  }

  @Test
  void theStartLineNamesThePortsBound() {
    var config = new ConfigParser().parseConfiguration(ProxyMain.substitutePodIp(PlannedPortsTest.OPERATOR_CONFIG, "10.0.0.5"));

    assertThat(ProxyMain.describePorts(config)).isEqualTo("virtual cluster kafka-tidb-proxy bootstrap 10.0.0.5:39092, "
        + "broker ports {0=9093, 1=9094}; management 10.0.0.5:9190");
  }
}
