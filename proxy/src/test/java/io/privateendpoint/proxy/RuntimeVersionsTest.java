package io.privateendpoint.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The proxy runs on what Kroxylicious 0.12.0 was built with (kroxylicious-parent 0.12.0), not on the
 * operator's versions that the parent pom manages: the pom's overrides, checked on the classes loaded.
 */
class RuntimeVersionsTest {

  @Test
  void kafkaClientsJacksonAndNettyAreKroxyliciousOwn() {
    assertThat(AppInfoParser.getVersion()).as("kafka-clients").isEqualTo("4.0.0");
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()).as("jackson-databind").isEqualTo("2.18.3");
    assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).as("jackson-core").isEqualTo("2.18.3");
    assertThat(com.fasterxml.jackson.dataformat.yaml.PackageVersion.VERSION.toString()).as("jackson-dataformat-yaml")
        .isEqualTo("2.18.3");
    assertThat(Version.identify()).as("netty").allSatisfy((artifact, version) ->
        assertThat(version.artifactVersion()).as(artifact).isIn("4.1.121.Final", "0.0.26.Final"));
    assertThat(io.micrometer.core.instrument.MeterRegistry.class.getPackage().getImplementationVersion()).as("micrometer")
        .isEqualTo("1.14.6");
  }
}
