package io.privateendpoint.operator.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ProxySpec;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.testing.Samples;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaBuilder;
import org.junit.jupiter.api.Test;

class UpstreamAddressTest {

  @Test
  void strimziTakesTheNamedListenersAddressFromTheKafkaStatus() {
    KafkaPrivateEndpointSpec spec = proxy(Samples.awsSpec());
    Kafka kafka = new KafkaBuilder().withNewMetadata().withName("my-cluster").endMetadata().withNewStatus()
        .addNewListener().withName("plain").addNewAddress().withHost("my-cluster-kafka-bootstrap.kafka.svc").withPort(9092).endAddress()
        .endListener()
        .addNewListener().withName("tls").addNewAddress().withHost("my-cluster-kafka-bootstrap.kafka.svc").withPort(9093).endAddress()
        .endListener()
        .endStatus().build();
    assertThat(UpstreamAddress.forStrimzi(spec, kafka).bootstrap()).isEqualTo("my-cluster-kafka-bootstrap.kafka.svc:9092");
    spec.getProxy().getUpstream().setStrimziListener("tls");
    assertThat(UpstreamAddress.forStrimzi(spec, kafka).bootstrap()).isEqualTo("my-cluster-kafka-bootstrap.kafka.svc:9093");
    spec.getProxy().getUpstream().setStrimziListener("external");
    assertThat(UpstreamAddress.forStrimzi(spec, kafka).problem()).contains("no listener external")
        .contains("spec.proxy.upstream.strimziListener").contains("plain, tls");
    assertThat(UpstreamAddress.forStrimzi(spec, null).problem()).contains("spec.kafka.strimzi.cluster");
  }

  @Test
  void aStatefulSetIsReachedThroughItsGoverningServiceAndTheOverrideWins() {
    KafkaPrivateEndpointSpec spec = proxy(Samples.awsSpec());
    spec.getKafka().setStrimzi(null);
    StatefulSetSource source = new StatefulSetSource();
    source.setName("kafka");
    spec.getKafka().setStatefulSet(source);
    StatefulSet sts = new StatefulSetBuilder().withNewMetadata().withName("kafka").endMetadata()
        .withNewSpec().withReplicas(5).withServiceName("kafka-headless").endSpec().build();
    assertThat(UpstreamAddress.forStatefulSet(spec, sts, "data").bootstrap()).isEqualTo(
        "kafka-0.kafka-headless.data.svc:9092,kafka-1.kafka-headless.data.svc:9092,kafka-2.kafka-headless.data.svc:9092");
    sts.getSpec().setReplicas(0);
    assertThat(UpstreamAddress.forStatefulSet(spec, sts, "data").problem()).contains("0 replicas");
    spec.getProxy().getUpstream().setBootstrapServers("10.0.0.5:9094");
    assertThat(UpstreamAddress.forStatefulSet(spec, null, "data").bootstrap()).isEqualTo("10.0.0.5:9094");
  }

  private static KafkaPrivateEndpointSpec proxy(KafkaPrivateEndpointSpec spec) {
    spec.setMode(EndpointMode.Proxy);
    spec.setProxy(new ProxySpec());
    return spec;
  }
}
