package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatefulSetPatchTest {

  private static final Container OURS = new ContainerBuilder().withName("kpe-tidb").withImage("kafka:4")
      .withCommand("sh", "-c", "script").build();
  private static final Volume VOLUME = new VolumeBuilder().withName("kpe-tidb").withNewConfigMap().withName("kpe-x")
      .endConfigMap().build();
  private static final String KEY = "kafka.privateendpoint.io/tidb-config-hash";

  @Test
  void addsOurPiecesGuardedByTheResourceVersion() {
    String ops = StatefulSetPatch.apply(sts("41", null, null), OURS, VOLUME, KEY, "abc").toString();
    assertThat(ops).startsWith("[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"41\"}")
        .contains("{\"op\":\"add\",\"path\":\"/spec/template/spec/initContainers/-\"")
        .contains("{\"op\":\"add\",\"path\":\"/spec/template/spec/volumes/-\"")
        .contains("{\"op\":\"add\",\"path\":\"/spec/template/metadata/annotations/kafka.privateendpoint.io~1tidb-config-hash\",\"value\":\"abc\"}");
  }

  @Test
  void nothingToDoWhenOurPiecesAreThereWithServerDefaults() {
    Container defaulted = new ContainerBuilder(OURS).withImagePullPolicy("IfNotPresent")
        .withTerminationMessagePath("/dev/termination-log").build();
    Volume defaultedVolume = new VolumeBuilder(VOLUME).editConfigMap().withDefaultMode(420).endConfigMap().build();
    assertThat(StatefulSetPatch.apply(sts("7", defaulted, defaultedVolume), OURS, VOLUME, KEY, "abc")).isEmpty();
  }

  @Test
  void replacesOnlyOurChangedContainerTestingItsName() {
    Container old = new ContainerBuilder(OURS).withImage("kafka:3").build();
    String ops = StatefulSetPatch.apply(sts("7", old, VOLUME), OURS, VOLUME, KEY, "abc").toString();
    assertThat(ops).contains("{\"op\":\"test\",\"path\":\"/spec/template/spec/initContainers/1/name\",\"value\":\"kpe-tidb\"}")
        .contains("{\"op\":\"replace\",\"path\":\"/spec/template/spec/initContainers/1\"")
        .doesNotContain("/initContainers/0");
  }

  @Test
  void removesOnlyOurs() {
    String ops = StatefulSetPatch.remove(sts("9", OURS, VOLUME), "kpe-tidb", "kpe-tidb", KEY).toString();
    assertThat(ops).contains("{\"op\":\"remove\",\"path\":\"/spec/template/spec/initContainers/1\"}")
        .contains("{\"op\":\"remove\",\"path\":\"/spec/template/spec/volumes/1\"}")
        .contains("{\"op\":\"remove\",\"path\":\"/spec/template/metadata/annotations/kafka.privateendpoint.io~1tidb-config-hash\"}")
        .doesNotContain("/initContainers/0").doesNotContain("other-annotation");
    assertThat(StatefulSetPatch.remove(sts("9", null, null), "kpe-tidb", "kpe-tidb", "kafka.privateendpoint.io/absent")).isEmpty();
  }

  @Test
  void newOrRemovedEntriesRestartNobodyChangedOnesDo() {
    Map<String, String> before = Map.of("broker-0.properties", "a", "broker-1.properties", "b");
    assertThat(StatefulSetListenerApplier.changesRunningBrokers(before, Map.of("broker-0.properties", "a",
        "broker-1.properties", "b", "broker-2.properties", "c"))).isFalse();
    assertThat(StatefulSetListenerApplier.changesRunningBrokers(before, Map.of("broker-0.properties", "a"))).isFalse();
    assertThat(StatefulSetListenerApplier.changesRunningBrokers(before, Map.of("broker-0.properties", "a",
        "broker-1.properties", "B"))).isTrue();
    assertThat(StatefulSetListenerApplier.changesRunningBrokers(null, Map.of())).isTrue();
    // The Bitnami snippet lists every broker: its change on scale-up must not restart anyone.
    assertThat(StatefulSetListenerApplier.changesRunningBrokers(Map.of("broker-0.properties", "a", "bitnami-extra-init.sh", "0"),
        Map.of("broker-0.properties", "a", "broker-1.properties", "b", "bitnami-extra-init.sh", "0,1"))).isFalse();
  }

  @Test
  void instancesFromProviderIds() {
    assertThat(ProviderIds.instance("aws:///us-west-2a/i-0abc123")).isEqualTo("i-0abc123");
    assertThat(ProviderIds.instance("gce://my-project/us-west1-a/gke-pool-1-abcd")).isEqualTo("gke-pool-1-abcd");
    assertThat(ProviderIds.instance("")).isNull();
    assertThat(ProviderIds.instance(null)).isNull();
  }

  private static StatefulSet sts(String resourceVersion, Container ours, Volume ourVolume) {
    var template = new StatefulSetBuilder().withNewMetadata().withName("kafka").withResourceVersion(resourceVersion)
        .endMetadata().withNewSpec().withNewTemplate().withNewMetadata()
        .withAnnotations(ours == null ? Map.of("other-annotation", "x") : Map.of("other-annotation", "x", KEY, "abc"))
        .endMetadata().withNewSpec()
        .addNewInitContainer().withName("prepare-config").withImage("kafka:4").endInitContainer()
        .addNewContainer().withName("kafka").withImage("kafka:4").endContainer()
        .addNewVolume().withName("kafka-config").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().endTemplate().endSpec().build();
    if (ours != null) {
      template.getSpec().getTemplate().getSpec().getInitContainers().add(ours);
      template.getSpec().getTemplate().getSpec().getVolumes().add(ourVolume);
    }
    return template;
  }
}
