package io.privateendpoint.operator.cloud.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.NetworkEndpoint;
import org.junit.jupiter.api.Test;

class GcpOwnerTest {

  private final GcpOwner owner = new GcpOwner("kafka", "tidb.prod", "0b9d7c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f", "prod-gke");

  @Test
  void descriptionRoundTripsAndOnlyOurUidAndClusterCount() {
    String description = owner.description();
    assertThat(description).isEqualTo("{\"managedBy\":\"kafka-private-endpoint-operator\",\"cluster\":\"prod-gke\","
        + "\"namespace\":\"kafka\",\"name\":\"tidb.prod\",\"uid\":\"0b9d7c1e-2f3a-4c5d-8e9f-0a1b2c3d4e5f\"}");
    assertThat(owner.ownsDescription(description)).isTrue();
    // Same endpoint name in another cluster, another uid, hand-written text, nothing at all: not ours.
    assertThat(new GcpOwner("kafka", "tidb.prod", owner.uid(), "staging").ownsDescription(description)).isFalse();
    assertThat(new GcpOwner("kafka", "tidb.prod", "another-uid", "prod-gke").ownsDescription(description)).isFalse();
    assertThat(owner.ownsDescription("PSC NAT subnet for kafka " + owner.uid())).isFalse();
    assertThat(owner.ownsDescription("")).isFalse();
    assertThat(owner.ownsDescription(null)).isFalse();
  }

  @Test
  void labelsAreValidComputeLabelValues() {
    assertThat(owner.labels()).containsEntry("kpe-owner-uid", owner.uid()).containsEntry("kpe-cluster", "prod-gke")
        .containsEntry("kpe-name", "tidb_prod");
    assertThat(owner.labels().values()).allMatch(v -> v.matches("[a-z0-9_-]{0,63}"));
    assertThat(owner.ownsLabels(owner.labels())).isTrue();
    assertThat(new GcpOwner("kafka", "tidb", "x", "prod-gke").ownsLabels(owner.labels())).isFalse();
  }

  @Test
  void endpointsCompareByZoneInstancePortsAndIpWhateverTheUrlForm() {
    NetworkEndpoint sent = NetworkEndpoint.newBuilder().setInstance("projects/p/zones/us-west1-a/instances/gke-1")
        .setPort(39092).setClientDestinationPort(9093).setIpAddress("10.61.1.10").build();
    NetworkEndpoint listed = sent.toBuilder()
        .setInstance("https://www.googleapis.com/compute/v1/projects/p/zones/us-west1-a/instances/gke-1").build();
    assertThat(PortMapNegSynthesizer.key(listed)).isEqualTo(PortMapNegSynthesizer.key(sent));
    assertThat(PortMapNegSynthesizer.key(sent.toBuilder().setIpAddress("10.61.1.11").build()))
        .isNotEqualTo(PortMapNegSynthesizer.key(sent));
    assertThat(PortMapNegSynthesizer.key(sent.toBuilder().setInstance("projects/p/zones/us-west1-b/instances/gke-1").build()))
        .isNotEqualTo(PortMapNegSynthesizer.key(sent));
  }
}
