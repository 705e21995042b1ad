package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.RegionSetLabelsRequest;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift matrix on Google Cloud: each Compute resource the operator owns for one endpoint is
 * deleted (in the order Compute allows: what uses it first) or changed out of band, one after the
 * other; each must be back on a following resync with its fields right, and an event naming its
 * kind and path must say so. A deleted service attachment comes back (same name, new id, the same
 * accept list), which the status (EndpointServiceReady, reason ServiceAttachmentReplaced) and a
 * Warning event tell, old and new.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class GcpDriftIT {

  static {
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  static final String PROJECT = "kpe-it-drift";
  private static final Duration REPAIR = Duration.ofSeconds(30);

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-gcp-drift",
      "--resync-period", "2s");

  private static GcpProject gcp;
  private static KafkaCluster cluster;

  @BeforeAll
  static void project() {
    gcp = new GcpProject(PROJECT);
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int n = 1; n <= 3; n++) {
      String zone = "us-west1-" + (char) ('a' + n - 1);
      gcp.node("gdrift-node-" + n, zone, n);
      cluster.gcpNode("gdrift-node-" + n, PROJECT, zone);
    }
  }

  @Test
  void everyOwnedResourceDeletedOrChangedOutOfBandIsRestoredWithAnEvent() throws Exception {
    StatefulSet sts = cluster.statefulSet("kafkagd", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gdrift-node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint kpe = Endpoints.createPastRoll(operator, cluster, Endpoints.gcp("gdrift",
        "{statefulSet: {name: kafkagd, configVolume: kafka-config}}", PROJECT, "psc-nat-drift", "10.129.0.0/24"), "kafkagd");
    Endpoints.awaitReady(operator, "gdrift");
    GcpNames names = GcpNames.of(kpe);
    String base = names.base();
    String region = "projects/" + PROJECT + "/regions/us-west1/";
    String attachmentPath = region + "serviceAttachments/" + base;
    Map<Integer, String> endpoints = gcp.endpoints(base);
    assertThat(endpoints).hasSize(3);
    assertThat(driftEvents()).isEmpty();

    // 1. The firewall rule deleted.
    gcp.firewalls.deleteAsync(PROJECT, names.firewall()).get();
    awaitEvent("Recreated", "firewall rule projects/" + PROJECT + "/global/firewalls/" + names.firewall());
    await().atMost(REPAIR).until(() -> gcp.firewalls(base).size() == 1);
    assertFirewallRight(base);

    // 2. The firewall rule opened to every port.
    gcp.firewalls.patchAsync(PROJECT, names.firewall(), Firewall.newBuilder()
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("1-65535")).build()).get();
    awaitEvent("Repaired", "firewall rule projects/" + PROJECT + "/global/firewalls/" + names.firewall());
    await().atMost(REPAIR).untilAsserted(() -> assertFirewallRight(base));

    // 3. The backend service's backend (the NEG) removed.
    BackendService service = gcp.backendServices(base).get(0);
    gcp.backendServices.updateAsync(PROJECT, GcpProject.REGION, names.backendService(), service.toBuilder().clearBackends()
        .build()).get();
    assertThat(gcp.backendServices(base).get(0).getBackendsCount()).isZero();
    awaitEvent("Repaired", "backend service " + region + "backendServices/" + names.backendService());
    await().atMost(REPAIR).until(() -> gcp.backendServices(base).get(0).getBackendsCount() == 1);
    assertThat(gcp.backendServices(base).get(0).getBackends(0).getGroup()).endsWith("/networkEndpointGroups/" + names.neg());

    // 4. The forwarding rule's labels edited (the owner labels kept).
    ForwardingRule rule = gcp.forwardingRules(base).get(0);
    Map<String, String> edited = new HashMap<>(rule.getLabelsMap());
    edited.put("kpe-name", "someone-else");
    edited.put("team", "other");
    gcp.forwardingRules.setLabelsAsync(PROJECT, GcpProject.REGION, names.forwardingRule(), RegionSetLabelsRequest.newBuilder()
        .putAllLabels(edited).setLabelFingerprint(rule.getLabelFingerprint()).build()).get();
    awaitEvent("Repaired", "forwarding rule " + region + "forwardingRules/" + names.forwardingRule());
    await().atMost(REPAIR).until(() -> gcp.forwardingRules(base).get(0).getLabelsMap().equals(rule.getLabelsMap()));

    // 5. The service attachment's accept list emptied.
    ServiceAttachment before = gcp.attachments(base).get(0);
    gcp.attachments.patchAsync(PROJECT, GcpProject.REGION, base, ServiceAttachment.newBuilder()
        .setFingerprint(before.getFingerprint()).addConsumerAcceptLists(ServiceAttachmentConsumerProjectLimit.newBuilder()
            .setProjectIdOrNum("someone-else").setConnectionLimit(1)).build()).get();
    awaitEvent("Repaired", "service attachment " + attachmentPath);
    await().atMost(REPAIR).until(() -> acceptList(base).equals(List.of("tidbcloud-prod-000=10")));

    // 6. The service attachment deleted: made again with the same accept list; the consumer is told.
    long oldId = gcp.attachments(base).get(0).getId();
    gcp.attachments.deleteAsync(PROJECT, GcpProject.REGION, base).get();
    EndpointCondition replaced = Endpoints.awaitReason(operator, "gdrift", ConditionType.ENDPOINT_SERVICE_READY,
        "ServiceAttachmentReplaced");
    ServiceAttachment after = gcp.attachments(base).get(0);
    assertThat(after.getId()).isNotEqualTo(oldId);
    assertThat(replaced.getStatus()).isEqualTo("True");
    assertThat(replaced.getMessage()).contains("service attachment " + attachmentPath + " was deleted out of band")
        .contains("replaced by " + attachmentPath + " (id " + after.getId());
    assertThat(acceptList(base)).containsExactly("tidbcloud-prod-000=10");
    assertThat(after.getConnectionPreference()).isEqualTo("ACCEPT_MANUAL");
    assertThat(after.getTargetService()).endsWith("/forwardingRules/" + names.forwardingRule());
    assertThat(after.getNatSubnetsList()).singleElement().satisfies(s -> assertThat(s).endsWith("/subnetworks/psc-nat-drift"));
    Event warning = awaitEvent("ServiceAttachmentReplaced", attachmentPath);
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage()).contains("id " + after.getId());
    awaitEvent("Recreated", "service attachment " + attachmentPath + " (id " + after.getId() + ")");
    // The notice stays on the passes after it (no consumer has connected to the new attachment).
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, "gdrift").getStatus(),
        ConditionType.ENDPOINT_SERVICE_READY).getReason()).isEqualTo("ServiceAttachmentReplaced");

    // 7. The forwarding rule deleted (its attachment first: Compute refuses to delete a rule in use).
    gcp.attachments.deleteAsync(PROJECT, GcpProject.REGION, base).get();
    gcp.forwardingRules.deleteAsync(PROJECT, GcpProject.REGION, names.forwardingRule()).get();
    awaitEvent("Recreated", "forwarding rule " + region + "forwardingRules/" + names.forwardingRule());
    await().atMost(REPAIR).until(() -> gcp.attachments(base).size() == 1 && gcp.attachments(base).get(0).getId() != after.getId());
    assertThat(gcp.forwardingRules(base).get(0).getAllPorts()).isTrue();
    assertThat(gcp.forwardingRules(base).get(0).getLabelsMap()).isEqualTo(rule.getLabelsMap());
    awaitEvent("ServiceAttachmentReplaced", "(id " + gcp.attachments(base).get(0).getId() + ",");

    // 8. The whole load-balancer chain deleted, down to the NEG.
    gcp.attachments.deleteAsync(PROJECT, GcpProject.REGION, base).get();
    gcp.forwardingRules.deleteAsync(PROJECT, GcpProject.REGION, names.forwardingRule()).get();
    gcp.backendServices.deleteAsync(PROJECT, GcpProject.REGION, names.backendService()).get();
    gcp.negs.deleteAsync(PROJECT, GcpProject.REGION, names.neg()).get();
    awaitEvent("Recreated", "network endpoint group " + region + "networkEndpointGroups/" + names.neg());
    awaitEvent("Recreated", "backend service " + region + "backendServices/" + names.backendService());
    await().atMost(REPAIR).until(() -> gcp.endpoints(base).equals(endpoints) && gcp.attachments(base).size() == 1);
    assertThat(gcp.backendServices(base).get(0).getBackends(0).getGroup()).endsWith("/networkEndpointGroups/" + names.neg());

    // 9. The PSC NAT subnet deleted (its attachment first).
    gcp.attachments.deleteAsync(PROJECT, GcpProject.REGION, base).get();
    gcp.subnetworks.deleteAsync(PROJECT, GcpProject.REGION, "psc-nat-drift").get();
    awaitEvent("Recreated", "PSC NAT subnet " + region + "subnetworks/psc-nat-drift");
    await().atMost(REPAIR).until(() -> gcp.subnets("psc-nat-drift").size() == 1 && gcp.attachments(base).size() == 1);
    assertThat(gcp.subnets("psc-nat-drift").get(0).getPurpose()).isEqualTo("PRIVATE_SERVICE_CONNECT");
    assertThat(gcp.subnets("psc-nat-drift").get(0).getIpCidrRange()).isEqualTo("10.129.0.0/24");
    Endpoints.awaitReady(operator, "gdrift");

    // Steady passes after the repairs tell nothing more.
    int told = driftEvents().size();
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(driftEvents()).hasSize(told);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "gdrift"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "gdrift") == null);
    assertThat(gcp.attachments(base)).isEmpty();
    assertThat(gcp.negs(base)).isEmpty();
    assertThat(gcp.subnets("psc-nat-drift")).isEmpty();
  }

  private static void assertFirewallRight(String base) {
    Firewall firewall = gcp.firewalls(base).get(0);
    assertThat(firewall.getSourceRangesList()).containsExactly("10.129.0.0/24");
    assertThat(firewall.getAllowedList()).containsExactly(Allowed.newBuilder().setIPProtocol("tcp").addPorts("39092").build());
  }

  private static List<String> acceptList(String base) {
    return gcp.attachments(base).get(0).getConsumerAcceptListsList().stream()
        .map(a -> a.getProjectIdOrNum() + "=" + a.getConnectionLimit()).toList();
  }

  private static List<Event> driftEvents() {
    return Endpoints.events(operator, "gdrift").stream()
        .filter(e -> List.of("Recreated", "Repaired", "ServiceAttachmentReplaced").contains(e.getReason())).toList();
  }

  private static Event awaitEvent(String reason, String text) {
    return Endpoints.awaitEvent(operator, "gdrift", reason, text, REPAIR, () -> "");
  }
}
