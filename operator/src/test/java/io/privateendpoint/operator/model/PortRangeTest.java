package io.privateendpoint.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PortRangeTest {

  @Test
  void contiguousPortsShareOneRange() {
    assertThat(PortRange.covering(List.of(9095, 9093, 9094, 9100, 9092, 9200)))
        .containsExactly(new PortRange(9092, 9095), new PortRange(9100, 9100), new PortRange(9200, 9200));
    assertThat(PortRange.covering(List.of())).isEmpty();
  }

  @Test
  void theReservedPortsAreTheBootstrapPortsAndTheWholeBrokerRange() {
    PortsSpec ports = new PortsSpec();
    ports.setBootstrap(List.of(9092, 9000));
    ports.setBrokerStart(9093);
    ports.setBrokerCount(16);
    assertThat(ports.reservedRanges()).containsExactly(new PortRange(9000, 9000), new PortRange(9092, 9108));
    assertThat(ports.reservedRanges().get(1)).hasToString("9092-9108");
  }
}
