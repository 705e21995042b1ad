package io.privateendpoint.operator.cloud.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import io.privateendpoint.operator.apply.Change;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.plan.PortTarget;
import io.privateendpoint.operator.plan.Provider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the Google Cloud side words the changes it records: what a preview line, an INFO line and an event say. */
class GcpChangeWordingTest {

  private static final String SUBNET = "https://www.googleapis.com/compute/v1/projects/p/regions/us-west1/subnetworks/psc-nat";

  @Test
  void aWouldBeResourceIsNamedByThePathItsSelfLinkWillHave() {
    assertThat(ComputeOps.regionalSelfLink("p", "us-west1", "serviceAttachments", "kpe-1"))
        .isEqualTo("https://www.googleapis.com/compute/v1/projects/p/regions/us-west1/serviceAttachments/kpe-1");
    assertThat(ComputeOps.path(ComputeOps.globalSelfLink("p", "firewalls", "kpe-1-psc-ingress")))
        .isEqualTo("projects/p/global/firewalls/kpe-1-psc-ingress");
    assertThat(ComputeOps.same(ComputeOps.regionalSelfLink("p", "us-west1", "subnetworks", "psc-nat"), SUBNET)).isTrue();
    assertThat(Change.create("firewall rule", "projects/p/global/firewalls/kpe-1-psc-ingress", "planned").planned())
        .isEqualTo("create firewall rule projects/p/global/firewalls/kpe-1-psc-ingress: planned");
  }

  @Test
  void anAttachmentPatchSaysWhatItPutsRight() {
    ServiceAttachment had = ServiceAttachment.newBuilder().setConnectionPreference("ACCEPT_AUTOMATIC")
        .addNatSubnets(SUBNET).addConsumerAcceptLists(limit("a", 10)).build();
    assertThat(ServiceAttachmentSynthesizer.differences(had, SUBNET, List.of(limit("a", 10), limit("b", 5))))
        .isEqualTo("accept list a=10 → a=10, b=5; connection preference ACCEPT_AUTOMATIC → ACCEPT_MANUAL");
    ServiceAttachment emptied = had.toBuilder().clearConsumerAcceptLists().clearNatSubnets()
        .setConnectionPreference("ACCEPT_MANUAL").build();
    assertThat(ServiceAttachmentSynthesizer.differences(emptied, SUBNET, List.of(limit("a", 10))))
        .isEqualTo("accept list (empty) → a=10; NAT subnet projects/p/regions/us-west1/subnetworks/psc-nat");
  }

  @Test
  void anEndpointIsNamedByItsPortItsBrokerAndWhereItDelivers() {
    NetworkEndpoint e = NetworkEndpoint.newBuilder().setInstance("projects/p/zones/us-west1-b/instances/gke-node-4")
        .setIpAddress("10.61.4.11").setPort(39092).setClientDestinationPort(9096).build();
    EndpointPlan plan = new EndpointPlan(Provider.GCP, "tidb", 39092, SecurityProtocol.PLAINTEXT, List.of(9093),
        List.of(new PlannedBroker(3, "kafka-3", "us-west1-b", 9096, "b3", "10.61.4.11", "gke-node-4", "gke-node-4", null,
            "10.61.4.11:39092")),
        Map.of(3, 9096, 4, 9097), Map.of(9096, List.of(new PortTarget("10.61.4.11", 39092, "gke-node-4", "us-west1-b", "broker 3"))),
        List.of(), null);
    assertThat(PortMapNegSynthesizer.described(e, plan)).isEqualTo("port 9096 (broker 3)");
    assertThat(PortMapNegSynthesizer.target(e)).isEqualTo("gke-node-4 10.61.4.11:39092");
    assertThat(PortMapNegSynthesizer.described(e.toBuilder().setClientDestinationPort(9099).build(), plan)).isEqualTo("port 9099");
    // A departed broker keeps its port in the plan: its removed endpoint is named by it.
    assertThat(PortMapNegSynthesizer.described(e.toBuilder().setClientDestinationPort(9097).build(), plan))
        .isEqualTo("port 9097 (broker 4)");
  }

  @Test
  void anEndpointThatTheLastStatusShowedMappedToTheSameTargetWasDetachedOutOfBand() {
    NetworkEndpoint e = NetworkEndpoint.newBuilder().setIpAddress("10.61.1.10").setPort(39092).setClientDestinationPort(9093).build();
    BrokerStatus shown = new BrokerStatus(0, "us-west1-a", 9093, "b0:9093", "10.61.1.10:39092");
    shown.setHealth("mapped");
    assertThat(PortMapNegSynthesizer.shownMapped(e, List.of(shown))).isTrue();
    // A broker that moved (a new pod IP), or one never shown, is a planned change, not a repair.
    assertThat(PortMapNegSynthesizer.shownMapped(e.toBuilder().setIpAddress("10.61.1.99").build(), List.of(shown))).isFalse();
    assertThat(PortMapNegSynthesizer.shownMapped(e, List.of())).isFalse();
    shown.setHealth("unmapped");
    assertThat(PortMapNegSynthesizer.shownMapped(e, List.of(shown))).isFalse();
  }

  private static ServiceAttachmentConsumerProjectLimit limit(String project, int limit) {
    return ServiceAttachmentConsumerProjectLimit.newBuilder().setProjectIdOrNum(project).setConnectionLimit(limit).build();
  }
}
