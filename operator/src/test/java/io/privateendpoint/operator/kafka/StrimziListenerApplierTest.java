package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.testing.Samples;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrimziListenerApplierTest {

  @ParameterizedTest
  @CsvSource({
      "PLAINTEXT, ip, INTERNAL, false, false",
      "SSL, ip, INTERNAL, true, false",
      "SASL_PLAINTEXT, ip, INTERNAL, false, true",
      "SASL_SSL, instance, NODEPORT, true, true"})
  void listenerFollowsProtocolAndTargetType(SecurityProtocol protocol, AwsTargetType targets, KafkaListenerType type,
      boolean tls, boolean scram) {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getSpec().getListener().setSecurityProtocol(protocol);
    resource.getSpec().getAws().setTargetType(targets);
    var plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of(
        new Broker(7, "my-cluster-pool-7", "us-west-2a", "usw2-az1", "10.0.1.7", "n1", "i-1"))), Map.of());

    GenericKafkaListener listener = StrimziListenerApplier.desired(resource, plan);

    assertThat(listener.getName()).isEqualTo("tidb");
    assertThat(listener.getPort()).isEqualTo(39092);
    assertThat(listener.getType()).isEqualTo(type);
    assertThat(listener.isTls()).isEqualTo(tls);
    assertThat(listener.getAuth() instanceof KafkaListenerAuthenticationScramSha512).isEqualTo(scram);
    assertThat(listener.getConfiguration().getBrokers()).singleElement().satisfies(b -> {
      assertThat(b.getBroker()).isEqualTo(7);
      assertThat(b.getAdvertisedHost()).isEqualTo("b7.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com");
      assertThat(b.getAdvertisedPort()).isEqualTo(9093);
    });
  }
}
