package io.privateendpoint.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void parsesIpv4AndIpv6() {
    Cidr v4 = Cidr.parse("10.250.0.0/16").orElseThrow();
    assertThat(v4.isIpv4()).isTrue();
    assertThat(v4.prefix()).isEqualTo(16);
    assertThat(v4.hasHostBits()).isFalse();
    Cidr v6 = Cidr.parse("fd00::/8").orElseThrow();
    assertThat(v6.isIpv4()).isFalse();
    assertThat(v6.hasHostBits()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.300/16", "10.0.0/16", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129",
      "fd00:::1:/8", "example.com/8", "/8", "1.2.3.4/-1"})
  void rejectsMalformed(String text) {
    assertThat(Cidr.parse(text)).isEmpty();
  }

  @Test
  void findsHostBitsAndTheNetwork() {
    Cidr cidr = Cidr.parse("10.250.3.7/16").orElseThrow();
    assertThat(cidr.hasHostBits()).isTrue();
    assertThat(cidr.network()).isEqualTo("10.250.0.0/16");
    assertThat(Cidr.parse("0.0.0.0/0").orElseThrow().hasHostBits()).isFalse();
    assertThat(Cidr.parse("192.168.1.1/32").orElseThrow().hasHostBits()).isFalse();
    assertThat(Cidr.parse("fd00::1/64").orElseThrow().network()).isEqualTo("fd00:0:0:0:0:0:0:0/64");
  }
}
