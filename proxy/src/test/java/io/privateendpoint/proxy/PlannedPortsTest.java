package io.privateendpoint.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kroxylicious.proxy.config.ConfigParser;
import io.kroxylicious.proxy.config.Configuration;
import io.kroxylicious.proxy.service.ClusterNetworkAddressConfigProvider;
import io.kroxylicious.proxy.service.HostPort;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannedPortsTest {

  /** The shape the operator renders into the ConfigMap, verbatim. */
  static final String OPERATOR_CONFIG = """
      management:
        bindAddress: ${POD_IP}
        port: 9190
        endpoints:
          prometheus: {}
      virtualClusters:
        - name: kafka-tidb-proxy
          targetCluster:
            bootstrapServers: 10.231.0.10:9092,10.231.0.11:9092
          clusterNetworkAddressConfigProvider:
            type: PlannedPorts
            config:
              bindAddress: ${POD_IP}
              bootstrapPort: 39092
              brokers:
                - {nodeId: 0, port: 9093, advertisedHost: b0.usw2-az1.abc.example.com, advertisedPort: 9093}
                - {nodeId: 1, port: 9094, advertisedHost: b1.usw2-az2.abc.example.com, advertisedPort: 19094}
      """;

  @Test
  void theOperatorsConfigParsesWithTheSimpleTypeName() {
    Configuration config = parse(ProxyMain.substitutePodIp(OPERATOR_CONFIG, "10.0.0.5"));

    var definition = deprecatedProvider(config);
    assertThat(definition.type()).isEqualTo("PlannedPorts");
    assertThat(definition.config()).isEqualTo(new PlannedPorts.Config("10.0.0.5", 39092, java.util.List.of(
        new PlannedPorts.Broker(0, 9093, "b0.usw2-az1.abc.example.com", 9093),
        new PlannedPorts.Broker(1, 9094, "b1.usw2-az2.abc.example.com", 19094))));
    assertThat(config.management().getEffectiveBindAddress()).isEqualTo("10.0.0.5");
  }

  @Test
  void theFullyQualifiedNameWorksToo() {
    Configuration config = parse(OPERATOR_CONFIG.replace("type: PlannedPorts", "type: " + PlannedPorts.class.getName())
        .replace("${POD_IP}", "0.0.0.0"));

    assertThat(deprecatedProvider(config).config()).isInstanceOf(PlannedPorts.Config.class);
  }

  @Test
  void plannedBrokersBindTheirPortAndAdvertiseThePlansAddress() {
    ClusterNetworkAddressConfigProvider addresses = build(config("10.0.0.5"));

    assertThat(addresses.getClusterBootstrapAddress()).isEqualTo(new HostPort("10.0.0.5", 39092));
    assertThat(addresses.getBindAddress()).contains("10.0.0.5");
    assertThat(addresses.getBrokerAddress(0)).isEqualTo(new HostPort("b0.usw2-az1.abc.example.com", 9093));
    assertThat(addresses.getAdvertisedBrokerAddress(0)).isEqualTo(new HostPort("b0.usw2-az1.abc.example.com", 9093));
    assertThat(addresses.getBrokerAddress(1)).isEqualTo(new HostPort("b1.usw2-az2.abc.example.com", 9094));
    assertThat(addresses.getAdvertisedBrokerAddress(1)).isEqualTo(new HostPort("b1.usw2-az2.abc.example.com", 19094));
    assertThat(addresses.getExclusivePorts()).containsExactlyInAnyOrder(39092, 9093, 9094);
    assertThat(addresses.getSharedPorts()).isEmpty();
    assertThat(addresses.requiresServerNameIndication()).isFalse();
    assertThat(addresses.discoveryAddressMap()).isEqualTo(Map.of(
        0, new HostPort("b0.usw2-az1.abc.example.com", 9093),
        1, new HostPort("b1.usw2-az2.abc.example.com", 9094)));
  }

  @Test
  void noBindAddressOrTheWildcardMeansEveryInterface() {
    for (String any : new String[] {null, "", "  ", "0.0.0.0"}) {
      ClusterNetworkAddressConfigProvider addresses = build(config(any));
      assertThat(addresses.getBindAddress()).as("bindAddress '%s'", any).isEqualTo(Optional.empty());
      assertThat(addresses.getClusterBootstrapAddress()).isEqualTo(new HostPort("0.0.0.0", 39092));
    }
  }

  @Test
  void anUnplannedNodeIsAdvertisedUnresolvablyAndBoundOnAPortOfItsOwn() {
    ClusterNetworkAddressConfigProvider addresses = build(config("127.0.0.1"));

    assertThat(addresses.getAdvertisedBrokerAddress(7)).isEqualTo(new HostPort("b7.unmapped.invalid", 39092));
    HostPort seven = addresses.getBrokerAddress(7);
    HostPort eight = addresses.getBrokerAddress(8);
    assertThat(seven.host()).isEqualTo("b7.unmapped.invalid");
    assertThat(seven.port()).as("a port of its own").isNotIn(39092, 9093, 9094).isNotEqualTo(eight.port());
    assertThat(addresses.getBrokerAddress(7)).as("the same port for the process's life").isEqualTo(seven);
    assertThat(addresses.getExclusivePorts()).as("only planned ports are checked and bound at start-up")
        .isEqualTo(Set.of(39092, 9093, 9094));
    assertThat(addresses.discoveryAddressMap()).containsOnlyKeys(0, 1);
  }

  @Test
  void anEmptyPlanIsAllowed() {
    var addresses = build(new PlannedPorts.Config(null, 39092, java.util.List.of()));
    assertThat(addresses.getExclusivePorts()).containsExactly(39092);
  }

  @Test
  void invalidPlansAreRefusedWithTheReason() {
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: a, advertisedPort: 1}",
        "{nodeId: 0, port: 9094, advertisedHost: b, advertisedPort: 2}"), "node id 0 is listed more than once");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: a, advertisedPort: 1}",
        "{nodeId: 1, port: 9093, advertisedHost: b, advertisedPort: 2}"), "port 9093 is given to both node 0 and node 1");
    assertRefused(brokers("{nodeId: 0, port: 39092, advertisedHost: a, advertisedPort: 1}"),
        "port 39092 of node 0 is the bootstrap port");
    assertRefused(brokers("{nodeId: 0, port: 0, advertisedHost: a, advertisedPort: 1}"), "node 0 port must be 1..65535, got 0");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: a, advertisedPort: 65536}"),
        "node 0 advertisedPort must be 1..65535, got 65536");
    assertRefused(brokers("{nodeId: -1, port: 9093, advertisedHost: a, advertisedPort: 1}"), "nodeId of 0 or more, got -1");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedPort: 1}"), "Missing required creator property 'advertisedHost'");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: 'a:9093', advertisedPort: 1}"), "without a port");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: a}"), "Missing required creator property 'advertisedPort'");
    assertRefused(brokers("{nodeId: 0, port: 9093, advertisedHost: a, advertisedPort: 1, advertisedport: 1}"), "unknown property 'advertisedport'");
    assertRefused(OPERATOR_CONFIG.replace("bootstrapPort: 39092", "bootstrapPort: 70000"), "bootstrapPort must be 1..65535, got 70000");
    assertRefused(OPERATOR_CONFIG.replace("bootstrapPort: 39092", "bootstrapPort: 39092\n        bootstapPort: 39092"), "unknown property 'bootstapPort'");
    assertRefused(OPERATOR_CONFIG.replaceAll("(?s) *brokers:.*", ""), "Missing required creator property 'brokers'");
  }

  private static String brokers(String... entries) {
    return OPERATOR_CONFIG.replaceAll("(?s)( *brokers:\n).*", "$1" + java.util.Arrays.stream(entries)
        .map(e -> "          - " + e + "\n").reduce("", String::concat));
  }

  private static void assertRefused(String yaml, String reason) {
    assertThatThrownBy(() -> parse(yaml.replace("${POD_IP}", "0.0.0.0"))).as(reason)
        .satisfies(e -> assertThat(messages(e)).contains(reason));
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static PlannedPorts.Config config(String bindAddress) {
    return new PlannedPorts.Config(bindAddress, 39092, java.util.List.of(
        new PlannedPorts.Broker(0, 9093, "b0.usw2-az1.abc.example.com", 9093),
        new PlannedPorts.Broker(1, 9094, "b1.usw2-az2.abc.example.com", 19094)));
  }

  private static ClusterNetworkAddressConfigProvider build(PlannedPorts.Config config) {
    return new PlannedPorts().build(config);
  }

  private static Configuration parse(String yaml) {
    return new ConfigParser().parseConfiguration(yaml);
  }

  @SuppressWarnings("removal")
  private static io.kroxylicious.proxy.config.ClusterNetworkAddressConfigProviderDefinition deprecatedProvider(Configuration config) {
    return config.virtualClusters().get(0).clusterNetworkAddressConfigProvider();
  }
}
