package io.privateendpoint.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ProxySpec;
import io.privateendpoint.operator.model.SaslMechanism;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  private final SpecValidator validator = new SpecValidator();

  @Test
  void acceptsTheDesignExamples() {
    assertThat(validator.validate(Samples.awsSpec())).isEmpty();
    assertThat(validator.validate(Samples.gcpSpec())).isEmpty();
  }

  @Test
  void acceptsTheShippedSamples() throws Exception {
    try (var files = Files.list(Path.of("../config/samples"))) {
      List<Path> samples = files.filter(f -> f.toString().endsWith(".yaml")).toList();
      assertThat(samples).isNotEmpty();
      for (Path sample : samples) {
        KafkaPrivateEndpoint resource = Serialization.unmarshal(Files.readString(sample), KafkaPrivateEndpoint.class);
        assertThat(validator.validate(resource.getSpec())).as("%s", sample).isEmpty();
      }
    }
  }

  @Test
  void awsZonesMustBeAzIds() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.setZones(List.of("usw2-az1", "us-west-2b"));
    spec.getAws().getSubnets().clear();
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.zones[1]");
      assertThat(p.message()).contains("us-west-2b").contains("AZ ID");
    });
  }

  @Test
  void awsSubnetsMustBeForListedZones() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.getAws().getSubnets().put("usw2-az4", "subnet-4");
    assertThat(validator.validate(spec)).extracting(SpecProblem::field).containsExactly("spec.aws.subnets[usw2-az4]");
  }

  @Test
  void consumerCidrsMustParseWithoutHostBits() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.getAws().setConsumerCidrs(List.of("10.250.0.0/16", "10.0.0.256/8", "10.1.2.3/16"));
    assertThat(validator.validate(spec)).extracting(SpecProblem::toString).containsExactly(
        "spec.aws.consumerCidrs[1]: \"10.0.0.256/8\" is not a valid CIDR block",
        "spec.aws.consumerCidrs[2]: \"10.1.2.3/16\" has host bits set; did you mean 10.1.0.0/16?");
  }

  @Test
  void gcpRejectsTheAwsPlaceholderAndForeignZones() {
    KafkaPrivateEndpointSpec spec = Samples.gcpSpec();
    spec.getListener().setAdvertisedPattern("<broker_id>.<az_id>.abc.us-west1.gcp.1.tidbcloud.com:<port>");
    spec.setZones(List.of("us-west1-a", "us-east1-b"));
    assertThat(validator.validate(spec)).extracting(SpecProblem::field)
        .containsExactly("spec.listener.advertisedPattern", "spec.zones[1]");
  }

  @Test
  void gcpNatSubnetMustBeAUsableIpv4Range() {
    KafkaPrivateEndpointSpec spec = Samples.gcpSpec();
    spec.getGcp().getPscNatSubnet().setCidr("10.128.0.0/30");
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.gcp.pscNatSubnet.cidr");
      assertThat(p.message()).contains("/8 to /29");
    });
    spec.getGcp().getPscNatSubnet().setCidr("10.128.0.1/18");
    assertThat(validator.validate(spec)).extracting(SpecProblem::message)
        .containsExactly("\"10.128.0.1/18\" has host bits set; did you mean 10.128.0.0/18?");
  }

  /**
   * One rule per reserved port range and CIDR, counted per address family against AWS's default of 60
   * inbound rules per security group: refused before any call, naming the field.
   */
  @Test
  void awsSecurityGroupRuleQuotaIsCheckedPerFamily() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.getPorts().setBootstrap(List.of(9000, 9010, 9020, 9030, 9040, 9050, 9060, 9070, 9080, 9090));
    spec.getPorts().setBrokerStart(9093);
    // 11 ranges × 5 IPv4 CIDRs = 55 rules: allowed; 6 CIDRs = 66: refused.
    spec.getAws().setConsumerCidrs(List.of("10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16",
        "2600:1f14::/56", "2600:1f15::/56", "2600:1f16::/56", "2600:1f17::/56", "2600:1f18::/56"));
    assertThat(validator.validate(spec)).isEmpty();
    spec.getAws().setConsumerCidrs(List.of("10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16",
        "10.6.0.0/16", "2600:1f14::/56"));
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.aws.consumerCidrs");
      assertThat(p.message()).contains("66 IPv4 inbound rules").contains("11 port ranges × 6 IPv4 CIDRs").contains("60");
    });
    // Adjacent bootstrap ports share the broker range's rule: 1 range × 50 CIDRs fits.
    spec.getPorts().setBootstrap(List.of(9092));
    spec.getAws().setConsumerCidrs(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "10." + i + ".0.0/16").toList());
    assertThat(validator.validate(spec)).isEmpty();
  }

  /** The proxy binds the bootstrap port, every broker port and its management port: they must not meet. */
  @Test
  void proxyPortsMustNotCollide() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.setMode(EndpointMode.Proxy);
    spec.getKafka().setStrimzi(null);
    spec.getKafka().setBootstrapServers("kafka.other:9092");
    assertThat(validator.validate(spec)).isEmpty();

    spec.getListener().setContainerPort(spec.getPorts().getBrokerStart() + 2);
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.listener.containerPort");
      assertThat(p.message()).contains("broker port range 9093..9108");
    });
    spec.getListener().setContainerPort(9190);
    assertThat(validator.validate(spec)).extracting(SpecProblem::field).containsExactly("spec.listener.containerPort");
    spec.getListener().setContainerPort(39092);
    spec.getPorts().setBrokerStart(9180);
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.ports.brokerStart");
      assertThat(p.message()).contains("9190").contains("management port");
    });
  }

  @Test
  void proxySaslNeedsASecret() {
    KafkaPrivateEndpointSpec spec = Samples.awsSpec();
    spec.setMode(EndpointMode.Proxy);
    ProxySpec proxy = new ProxySpec();
    proxy.getUpstream().setSecurityProtocol(SecurityProtocol.SASL_SSL);
    proxy.getUpstream().setSaslMechanism(SaslMechanism.SCRAM_SHA_512);
    spec.setProxy(proxy);
    spec.getListener().setSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.proxy.upstream.secretRef");
      assertThat(p.message()).contains("SCRAM-SHA-512");
    });
    proxy.getUpstream().setSecretRef("kafka-upstream");
    assertThat(validator.validate(spec)).isEmpty();
    // The consumer's SASL is what reaches the brokers: a PLAINTEXT listener in front of SASL brokers cannot log in.
    spec.getListener().setSecurityProtocol(SecurityProtocol.PLAINTEXT);
    assertThat(validator.validate(spec)).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("spec.listener.securityProtocol");
      assertThat(p.message()).contains("SASL_SSL").contains("must be SASL_PLAINTEXT");
    });
  }
}
