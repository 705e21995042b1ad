package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.ExternalListenerStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.StatefulSetSource;
import io.privateendpoint.operator.model.StrimziSource;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.testing.Samples;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What management External publishes must be exactly what the Operator mode writes: parsed back,
 * the Strimzi entry equals {@link StrimziListenerApplier#desired}, the ConfigMap data equals
 * {@link StatefulSetListenerConfig#configMapData}, the init container equals the one the Operator
 * mode adds. The texts themselves are golden files under ExternalListenerTest/ (rewrite them with
 * -Dkpe.golden.update=true, then review the diff).
 */
class ExternalListenerTest {

  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");

  @Test
  void strimziEntryIsWhatTheOperatorModeWrites() throws IOException {
    KafkaPrivateEndpoint resource = strimzi();
    EndpointPlan plan = plan(resource, 3);

    String published = ExternalListener.strimziEntry(resource, plan);

    GenericKafkaListener[] parsed = Serialization.unmarshal(published, GenericKafkaListener[].class);
    assertThat(parsed).hasSize(1);
    assertThat(JsonPatches.tree(parsed[0])).isEqualTo(JsonPatches.tree(StrimziListenerApplier.desired(resource, plan)));
    golden("strimzi-entry.yaml", published);
  }

  @Test
  void statefulSetConfigMapAndPodTemplateAreWhatTheOperatorModeWrites() throws IOException {
    KafkaPrivateEndpoint resource = statefulSet();
    EndpointPlan plan = plan(resource, 3);
    SortedMap<String, String> data = StatefulSetListenerConfig.configMapData(plan);

    String configMap = ExternalListener.configMapYaml(resource, data);
    PodTemplateSpec template = ExternalListener.podTemplate(resource, plan, brokers(), data);

    ConfigMap parsed = Serialization.unmarshal(configMap, ConfigMap.class);
    assertThat(parsed.getMetadata().getName()).isEqualTo("kpe-sample");
    assertThat(parsed.getData()).isEqualTo(data);
    Container expected = StatefulSetListenerApplier.initContainer(resource.getSpec().getKafka().getStatefulSet(), plan,
        brokers(), "kpe-sample");
    assertThat(template.getSpec().getInitContainers()).containsExactly(expected);
    assertThat(template.getSpec().getVolumes()).singleElement()
        .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("kpe-sample"));
    assertThat(template.getMetadata().getAnnotations()).containsExactly(Map.entry("kafka.privateendpoint.io/tidb-config-hash",
        StatefulSetListenerApplier.hash(data, expected)));
    golden("statefulset-configmap.yaml", configMap);
    golden("statefulset-pod-template.yaml", ExternalListener.yaml(template));
  }

  @Test
  void aNewBrokerKeepsTheHashAChangedEntryMovesIt() {
    KafkaPrivateEndpoint resource = statefulSet();
    EndpointPlan three = plan(resource, 3);
    SortedMap<String, String> threeData = StatefulSetListenerConfig.configMapData(three);
    PodTemplateSpec first = ExternalListener.podTemplate(resource, three, brokers(), threeData);
    publish(resource, ExternalListener.configMapYaml(resource, threeData), ExternalListener.yaml(first));

    EndpointPlan four = plan(resource, 4);
    PodTemplateSpec afterScale = ExternalListener.podTemplate(resource, four, brokers(), StatefulSetListenerConfig.configMapData(four));
    assertThat(afterScale.getMetadata().getAnnotations()).isEqualTo(first.getMetadata().getAnnotations());

    resource.getSpec().getListener().setContainerPort(39093); // every running broker's entry changes
    EndpointPlan moved = plan(resource, 4);
    PodTemplateSpec afterMove = ExternalListener.podTemplate(resource, moved, brokers(), StatefulSetListenerConfig.configMapData(moved));
    assertThat(afterMove.getMetadata().getAnnotations()).isNotEqualTo(first.getMetadata().getAnnotations());
  }

  @Test
  void changeNamesBrokersAddedAndRemoved() {
    EndpointPlan plan = plan(strimzi(), 4);
    assertThat(ExternalListener.change(Set.of(0, 1, 2), plan)).isEqualTo("broker 3 added");
    assertThat(ExternalListener.change(Set.of(0, 1, 2, 3, 4, 5), plan)).isEqualTo("brokers 4, 5 removed");
    assertThat(ExternalListener.change(Set.of(0, 1, 2, 3), plan)).isEqualTo("addresses or settings");
  }

  private static KafkaPrivateEndpoint strimzi() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setName("sample");
    resource.getMetadata().setNamespace("kafka");
    StrimziSource source = new StrimziSource();
    source.setCluster("my-cluster");
    resource.getSpec().getKafka().setStatefulSet(null);
    resource.getSpec().getKafka().setStrimzi(source);
    return resource;
  }

  private static KafkaPrivateEndpoint statefulSet() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setName("sample");
    resource.getMetadata().setNamespace("kafka");
    StatefulSetSource source = new StatefulSetSource();
    source.setName("kafka");
    source.setConfigVolume("kafka-config");
    resource.getSpec().getKafka().setStrimzi(null);
    resource.getSpec().getKafka().setStatefulSet(source);
    return resource;
  }

  private static void publish(KafkaPrivateEndpoint resource, String configMap, String podTemplate) {
    ExternalListenerStatus published = new ExternalListenerStatus();
    published.setStatefulSet(new ExternalListenerStatus.StatefulSetExternalListener());
    published.getStatefulSet().setConfigMap(configMap);
    published.getStatefulSet().setPodTemplate(podTemplate);
    resource.setStatus(new KafkaPrivateEndpointStatus());
    resource.getStatus().setExternalListener(published);
  }

  private static StatefulSet brokers() {
    return new StatefulSetBuilder().withNewMetadata().withName("kafka").endMetadata().withNewSpec().withReplicas(3)
        .withNewTemplate().withNewSpec().addNewContainer().withName("kafka").withImage("apache/kafka:4.1.0").endContainer()
        .endSpec().endTemplate().endSpec().build();
  }

  private static EndpointPlan plan(KafkaPrivateEndpoint resource, int brokers) {
    String[] zones = {"usw2-az1", "usw2-az2", "usw2-az3"};
    List<Broker> observed = IntStream.range(0, brokers).mapToObj(i -> new Broker(i, "kafka-" + i,
        "us-west-2" + (char) ('a' + i % 3), zones[i % 3], "10.0." + (i % 3 + 1) + "." + (10 + i), "node-" + (i % 3 + 1), "i-" + i))
        .toList();
    return EndpointPlanner.plan(resource.getSpec(), Observation.of(observed), Map.of());
  }

  private static void golden(String name, String actual) throws IOException {
    Path golden = Path.of("src/test/resources/ExternalListenerTest", name);
    if (UPDATE) {
      Files.writeString(golden, actual);
      return;
    }
    assertThat(golden).as("missing %s (run with -Dkpe.golden.update=true)", golden).exists();
    assertThat(actual).isEqualTo(Files.readString(golden));
  }
}
