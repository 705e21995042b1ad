package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import com.google.cloud.compute.v1.Subnetwork;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.ConnectionStatus;
import io.privateendpoint.operator.model.ConsumerProject;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Google Cloud Private Service Connect against the Compute fake (routes and request schemas from
 * compute.proto) behind the real google-cloud-compute client, for brokers on GKE-like nodes in
 * three zones. Resources are read back through the fake's store, calls are counted from its log.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class GcpPrivateServiceConnectIT {

  static {
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  static final String PROJECT = "kpe-it-project";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-gcp",
      "--resync-period", "3s");

  private static GcpProject gcp;
  private static KafkaCluster cluster;
  private static ComputeFake fake;

  @BeforeAll
  static void project() {
    gcp = new GcpProject(PROJECT);
    fake = gcp.fake;
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    // Nodes 1-3 carry the first three brokers, 4 and 5 (zones a and b) the scaled-up ones: a
    // port-mapping NEG holds one endpoint per VM and port, so brokers never share a node here.
    for (int n = 1; n <= 5; n++) {
      String zone = "us-west1-" + (char) ('a' + (n - 1) % 3);
      gcp.node("gke-node-" + n, zone, n);
      cluster.gcpNode("gke-node-" + n, PROJECT, zone);
    }
  }

  @Test
  void statefulSetEndpointProvisionsKeepsTrueAndRemovesEverything() throws Exception {
    int start = fake.mark();
    KafkaPrivateEndpoint kpe = statefulSetEndpoint("tidb", "kafkag", "psc-nat-a", "10.128.0.0/24");
    KafkaPrivateEndpointStatus ready = awaitReady("tidb");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "gcp-ready", "tidb", ConditionType.READY, "Ready", "Healthy");
    String base = base(kpe);
    String attachmentPath = "projects/" + PROJECT + "/regions/us-west1/serviceAttachments/" + base;
    assertThat(ready.getServiceAttachment()).isEqualTo(attachmentPath);
    assertThat(ready.getEndpoint()).isEqualTo(attachmentPath);
    // The bootstrap ports are broker ports, one per zone: a port-mapping NEG holds one endpoint per VM and port.
    assertThat(ready.getBootstrapPorts()).isEqualTo("9093,9094,9095");
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getPort, BrokerStatus::getZone, BrokerStatus::getTarget,
        BrokerStatus::getHealth).containsExactly(
            tuple(9093, "us-west1-a", "10.61.1.10:39092", "mapped"),
            tuple(9094, "us-west1-b", "10.61.2.10:39092", "mapped"),
            tuple(9095, "us-west1-c", "10.61.3.10:39092", "mapped"));

    // Each resource exactly once, with the fields the reference asks for.
    assertThat(gcp.subnets("psc-nat-a")).singleElement().satisfies(s -> {
      assertThat(s.getPurpose()).isEqualTo("PRIVATE_SERVICE_CONNECT");
      assertThat(s.getIpCidrRange()).isEqualTo("10.128.0.0/24");
      assertThat(s.getDescription()).contains("\"uid\":\"" + kpe.getMetadata().getUid() + "\"").contains("\"cluster\":\"it-gcp\"");
    });
    NetworkEndpointGroup neg = gcp.negs(base).stream().collect(single());
    assertThat(neg.getNetworkEndpointType()).isEqualTo("GCE_VM_IP_PORTMAP");
    assertThat(neg.getSubnetwork()).endsWith("/subnetworks/brokers");
    assertThat(gcp.endpoints(base)).isEqualTo(Map.of(
        9093, "gke-node-1 10.61.1.10:39092",
        9094, "gke-node-2 10.61.2.10:39092",
        9095, "gke-node-3 10.61.3.10:39092"));
    BackendService service = gcp.backendServices(base).stream().collect(single());
    assertThat(service.getLoadBalancingScheme()).isEqualTo("INTERNAL");
    assertThat(service.getProtocol()).isEqualTo("TCP");
    assertThat(service.getBackendsList()).singleElement().satisfies(b -> assertThat(b.getGroup()).endsWith("/networkEndpointGroups/" + base));
    ForwardingRule rule = gcp.forwardingRules(base).stream().collect(single());
    assertThat(rule.getAllPorts()).isTrue();
    assertThat(rule.getPortsList()).isEmpty();
    assertThat(rule.getLoadBalancingScheme()).isEqualTo("INTERNAL");
    assertThat(rule.getBackendService()).endsWith("/backendServices/" + base);
    assertThat(rule.getLabelsMap()).containsEntry("kpe-owner-uid", kpe.getMetadata().getUid()).containsEntry("kpe-cluster", "it-gcp");
    ServiceAttachment attachment = gcp.attachments(base).stream().collect(single());
    assertThat(attachment.getConnectionPreference()).isEqualTo("ACCEPT_MANUAL");
    assertThat(attachment.getTargetService()).endsWith("/forwardingRules/" + base);
    assertThat(attachment.getNatSubnetsList()).singleElement().satisfies(s -> assertThat(s).endsWith("/subnetworks/psc-nat-a"));
    assertThat(attachment.getConsumerAcceptListsList()).extracting(ServiceAttachmentConsumerProjectLimit::getProjectIdOrNum,
        ServiceAttachmentConsumerProjectLimit::getConnectionLimit).containsExactly(tuple("tidbcloud-prod-000", 10));
    Firewall firewall = gcp.firewalls(base).stream().collect(single());
    assertThat(firewall.getDirection()).isEqualTo("INGRESS");
    assertThat(firewall.getSourceRangesList()).containsExactly("10.128.0.0/24");
    assertThat(firewall.getAllowedList()).extracting(Allowed::getIPProtocol, Allowed::getPortsList)
        .containsExactly(tuple("tcp", List.of("39092")));

    // Economy: one mutating call per resource (the endpoints in one attach).
    Map<String, Long> created = count(fake.mutatingCallsSince(start));
    assertThat(created).isEqualTo(Map.of(
        "Subnetworks.Insert", 1L, "RegionNetworkEndpointGroups.Insert", 1L,
        "RegionNetworkEndpointGroups.AttachNetworkEndpoints", 1L, "RegionBackendServices.Insert", 1L,
        "ForwardingRules.Insert", 1L, "ServiceAttachments.Insert", 1L, "Firewalls.Insert", 1L));

    // Each creation told once: one Normal "Created" event per resource the fake holds, one for the endpoints attached.
    String negPath = "projects/" + PROJECT + "/regions/us-west1/networkEndpointGroups/" + base;
    List<Event> told = changeEvents("tidb");
    assertThat(told).extracting(Event::getType).containsOnly("Normal");
    assertThat(told).extracting(Event::getReason).containsOnly("Created");
    int held = gcp.subnets("psc-nat-a").size() + gcp.negs(base).size() + gcp.backendServices(base).size()
        + gcp.forwardingRules(base).size() + gcp.attachments(base).size() + gcp.firewalls(base).size();
    assertThat(told).filteredOn(e -> !e.getMessage().startsWith("Created network endpoints ")).hasSize(held).hasSize(6);
    assertThat(told).extracting(Event::getMessage).contains("Created network endpoints " + negPath + ": port 9093 (broker 0)"
        + " → gke-node-1 10.61.1.10:39092, port 9094 (broker 1) → gke-node-2 10.61.2.10:39092, port 9095 (broker 2) →"
        + " gke-node-3 10.61.3.10:39092");
    assertThat(told).hasSize(held + 1);

    // Steady state: resyncs read and write nothing, and tell nothing.
    Map<String, Long> threeBrokers = steadyPass();
    assertThat(changeEvents("tidb")).hasSize(told.size());

    // A consumer makes a PSC endpoint from an accepted project, another from one not yet accepted.
    String consumer = gcp.consumerEndpoint("tidbcloud-prod-000", "tidb-psc", attachmentPath);
    String pending = gcp.consumerEndpoint("tidbcloud-prod-001", "tidb-psc", attachmentPath);
    Endpoints.awaitStatus(operator, "tidb", s -> s.getConnections().size() == 2);
    assertThat(operator.get(KafkaPrivateEndpoint.class, "tidb").getStatus().getConnections())
        .extracting(ConnectionStatus::getOwner, ConnectionStatus::getState)
        .containsExactlyInAnyOrder(tuple("tidbcloud-prod-000", "ACCEPTED"), tuple("tidbcloud-prod-001", "PENDING"));

    // The accept list changes in place: one patch, the pending consumer becomes accepted.
    int accept = fake.mark();
    KafkaPrivateEndpoint edit = operator.get(KafkaPrivateEndpoint.class, "tidb");
    ConsumerProject second = new ConsumerProject();
    second.setProject("tidbcloud-prod-001");
    second.setConnectionLimit(5);
    edit.getSpec().getGcp().getConsumerProjects().add(second);
    operator.replace(edit);
    Endpoints.awaitStatus(operator, "tidb", s -> s.getConnections().stream().allMatch(c -> "ACCEPTED".equals(c.getState())));
    assertThat(count(fake.mutatingCallsSince(accept))).isEqualTo(Map.of("ServiceAttachments.Patch", 1L));
    // A spec change, not drift: one Normal "Changed".
    assertThat(newEvents("tidb", told)).containsExactly("Changed: Changed service attachment " + attachmentPath
        + ": accept list tidbcloud-prod-000=10 → tidbcloud-prod-000=10, tidbcloud-prod-001=5");
    told = changeEvents("tidb");
    assertThat(gcp.attachments(base).get(0).getConsumerAcceptListsList()).hasSize(2);

    // Scale 3 -> 5: two endpoints attached in one call; nothing else changes.
    int scaleUp = fake.mark();
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkag").scale(5);
    cluster.pod(cluster.get("kafkag"), 3, "gke-node-4", "10.61.4.11");
    cluster.pod(cluster.get("kafkag"), 4, "gke-node-5", "10.61.5.11");
    cluster.rolledOut("kafkag");
    await().atMost(Duration.ofSeconds(30)).until(() -> gcp.endpoints(base).size() == 5);
    assertThat(gcp.endpoints(base)).containsEntry(9096, "gke-node-4 10.61.4.11:39092").containsEntry(9097, "gke-node-5 10.61.5.11:39092");
    Endpoints.awaitStatus(operator, "tidb", s -> s.getBrokers().size() == 5
        && "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()));
    assertThat(fake.mutatingCallsSince(scaleUp)).extracting(ComputeFake.Call::rpc)
        .containsOnly("RegionNetworkEndpointGroups.AttachNetworkEndpoints");
    assertThat(newEvents("tidb", told)).containsExactly("Created: Created network endpoints " + negPath
        + ": port 9096 (broker 3) → gke-node-4 10.61.4.11:39092, port 9097 (broker 4) → gke-node-5 10.61.5.11:39092");
    told = changeEvents("tidb");

    // Economy: a steady pass reads as much with 5 brokers as with 3.
    Map<String, Long> fiveBrokers = steadyPass();
    // hack/bench.sh collects the BENCH lines.
    long threeReads = threeBrokers.values().stream().mapToLong(Long::longValue).sum();
    long fiveReads = fiveBrokers.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("BENCH gcp creation: %d mutating calls for 3 brokers (%s)%n", created.values().stream()
        .mapToLong(Long::longValue).sum(), created);
    System.out.printf("BENCH gcp steady-state pass: 3 brokers %d calls, 5 brokers %d calls (ratio %.2f), 0 mutating (%s)%n",
        threeReads, fiveReads, (double) fiveReads / threeReads, threeBrokers);
    assertThat(fiveBrokers).isEqualTo(threeBrokers);
    assertThat(newEvents("tidb", told)).isEmpty();

    // 5 -> 4: broker 4's endpoint is detached; its port stays reserved.
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkag").scale(4);
    operator.getKubernetesClient().pods().inNamespace(operator.getNamespace()).withName("kafkag-4").delete();
    cluster.rolledOut("kafkag");
    await().atMost(Duration.ofSeconds(30)).until(() -> !gcp.endpoints(base).containsKey(9097));
    List<Event> before = told;
    await().atMost(Duration.ofSeconds(10)).until(() -> !newEvents("tidb", before).isEmpty());
    assertThat(newEvents("tidb", told)).containsExactly("Deleted: Deleted network endpoints " + negPath
        + ": port 9097 (broker 4) removed");
    told = changeEvents("tidb");
    assertThat(gcp.endpoints(base)).hasSize(4);
    assertThat(operator.get(KafkaPrivateEndpoint.class, "tidb").getStatus().getPorts())
        .anySatisfy(p -> assertThat(p.getNodeId()).isEqualTo(4));

    // A pod IP change moves exactly its endpoint: one detach, one attach.
    int ipChange = fake.mark();
    cluster.podIp("kafkag-1", "10.61.2.99");
    await().atMost(Duration.ofSeconds(30)).until(() -> "gke-node-2 10.61.2.99:39092".equals(gcp.endpoints(base).get(9094)));
    assertThat(count(fake.mutatingCallsSince(ipChange))).isEqualTo(Map.of(
        "RegionNetworkEndpointGroups.DetachNetworkEndpoints", 1L, "RegionNetworkEndpointGroups.AttachNetworkEndpoints", 1L));
    List<Event> beforeMove = told;
    await().atMost(Duration.ofSeconds(10)).until(() -> newEvents("tidb", beforeMove).size() == 2);
    // One pass, the same second: in either order.
    assertThat(newEvents("tidb", told)).containsExactlyInAnyOrder(
        "Deleted: Deleted network endpoints " + negPath + ": port 9094 (broker 1) moves",
        "Created: Created network endpoints " + negPath + ": port 9094 (broker 1) moved to gke-node-2 10.61.2.99:39092");

    // Out of band: an endpoint detached, the firewall opened to every port, the accept list emptied
    // of the second project; the next resyncs put each back.
    gcp.detach(base, 9093);
    gcp.firewalls.patchAsync(PROJECT, GcpNames.of(kpe).firewall(), Firewall.newBuilder()
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("1-65535")).build()).get();
    assertThat(gcp.firewalls.get(PROJECT, GcpNames.of(kpe).firewall()).getAllowed(0).getPortsList()).containsExactly("1-65535");
    gcp.attachments.patchAsync(PROJECT, GcpProject.REGION, base, ServiceAttachment.newBuilder()
        .addConsumerAcceptLists(ServiceAttachmentConsumerProjectLimit.newBuilder().setProjectIdOrNum("tidbcloud-prod-000")
            .setConnectionLimit(10)).build()).get();
    assertThat(gcp.attachments(base).get(0).getConsumerAcceptListsList()).hasSize(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> gcp.endpoints(base).containsKey(9093));
    await().atMost(Duration.ofSeconds(30)).until(() -> gcp.attachments(base).get(0).getConsumerAcceptListsCount() == 2);
    await().atMost(Duration.ofSeconds(30)).until(() -> gcp.firewalls(base).get(0).getAllowedList().equals(List.of(
        Allowed.newBuilder().setIPProtocol("tcp").addPorts("39092").build())));
    // Drift: each put back is a repair, told as such.
    Endpoints.awaitEvent(operator, "tidb", "Repaired", "network endpoints " + negPath + ": was changed out of band: attached"
        + " again: port 9093 (broker 0) → gke-node-1 10.61.1.10:39092", Duration.ofSeconds(10), () -> "");
    Endpoints.awaitEvent(operator, "tidb", "Repaired", "firewall rule projects/" + PROJECT + "/global/firewalls/"
        + GcpNames.of(kpe).firewall() + ": was changed out of band", Duration.ofSeconds(10), () -> "");
    Endpoints.awaitEvent(operator, "tidb", "Repaired", "service attachment " + attachmentPath + ": was changed out of band:"
        + " accept list tidbcloud-prod-000=10 → tidbcloud-prod-000=10, tidbcloud-prod-001=5", Duration.ofSeconds(10), () -> "");

    // Delete: everything of ours, in dependency order; the consumers' rules and the seeded network stay.
    int delete = fake.mark();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "tidb"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "tidb") == null);
    assertThat(gcp.attachments(base)).isEmpty();
    assertThat(gcp.forwardingRules(base)).isEmpty();
    assertThat(gcp.backendServices(base)).isEmpty();
    assertThat(gcp.negs(base)).isEmpty();
    assertThat(gcp.subnets("psc-nat-a")).isEmpty();
    assertThat(gcp.firewalls(base)).isEmpty();
    assertThat(gcp.subnets(GcpProject.SUBNET)).hasSize(1);
    assertThat(gcp.forwardingRules("tidb-psc")).hasSize(2);
    List<String> deletes = fake.mutatingCallsSince(delete).stream().map(ComputeFake.Call::rpc).toList();
    assertThat(deletes).containsSubsequence("ServiceAttachments.Delete", "ForwardingRules.Delete",
        "RegionBackendServices.Delete", "RegionNetworkEndpointGroups.Delete", "Subnetworks.Delete", "Firewalls.Delete");
    gcp.deleteConsumerEndpoint("tidbcloud-prod-000", consumer);
    gcp.deleteConsumerEndpoint("tidbcloud-prod-001", pending);
  }

  @Test
  void strimziBackedEndpointGoesReadyAndLeavesNothingBehind() {
    StrimziCluster strimzi = new StrimziCluster(operator.getKubernetesClient(), operator.getNamespace());
    strimzi.createKafka("gke-cluster");
    // Node id n runs on gke-node-(n % 3 + 1) with pod IP 10.61.(n % 3 + 1).(10 + n): an alias IP of that node.
    strimzi.brokerPool("gke-cluster", "brokers", List.of(0, 1, 2), "10.61", "gke-node-");
    KafkaPrivateEndpoint kpe = operator.create(Endpoints.gcp("viastrimzi", "{strimzi: {cluster: gke-cluster}}", PROJECT,
        "psc-nat-s", "10.128.2.0/24"));
    Endpoints.awaitReason(operator, "viastrimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");
    strimzi.ready("gke-cluster", "plain", "tls", "tidb");

    KafkaPrivateEndpointStatus ready = awaitReady("viastrimzi");
    String base = base(kpe);
    assertThat(ready.getServiceAttachment()).isEqualTo("projects/" + PROJECT + "/regions/us-west1/serviceAttachments/" + base);
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getZone, BrokerStatus::getTarget)
        .containsExactly(
            tuple(0, "us-west1-a", "10.61.1.10:39092"),
            tuple(1, "us-west1-b", "10.61.2.11:39092"),
            tuple(2, "us-west1-c", "10.61.3.12:39092"));
    assertThat(gcp.endpoints(base)).isEqualTo(Map.of(
        9093, "gke-node-1 10.61.1.10:39092",
        9094, "gke-node-2 10.61.2.11:39092",
        9095, "gke-node-3 10.61.3.12:39092"));
    assertThat(gcp.negs(base)).hasSize(1);
    assertThat(gcp.backendServices(base)).hasSize(1);
    assertThat(gcp.forwardingRules(base)).hasSize(1);
    assertThat(gcp.attachments(base)).hasSize(1);
    assertThat(gcp.firewalls(base)).hasSize(1);
    assertThat(gcp.subnets("psc-nat-s")).hasSize(1);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "viastrimzi"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "viastrimzi") == null);
    assertThat(gcp.negs(base)).isEmpty();
    assertThat(gcp.backendServices(base)).isEmpty();
    assertThat(gcp.forwardingRules(base)).isEmpty();
    assertThat(gcp.attachments(base)).isEmpty();
    assertThat(gcp.firewalls(base)).isEmpty();
    assertThat(gcp.subnets("psc-nat-s")).isEmpty();
    assertThat(StrimziCluster.listener(strimzi.kafka("gke-cluster"), "tidb")).isNull();
  }

  @Test
  void aForeignSubnetWithTheSameNameIsNeverTouched() throws Exception {
    gcp.subnetworks.insertAsync(PROJECT, GcpProject.REGION, Subnetwork.newBuilder().setName("someone-elses-psc")
        .setIpCidrRange("10.128.6.0/24").setNetwork(gcp.networkUrl()).setPurpose("PRIVATE_SERVICE_CONNECT")
        .setDescription("made by hand for another service").build()).get();
    int start = fake.mark();
    // The access check reads the NAT subnet the spec names: nothing is built, no broker is restarted.
    StatefulSet sts = cluster.statefulSet("kafkaf", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gke-node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    cluster.rolledOut("kafkaf");
    String version = cluster.get("kafkaf").getMetadata().getResourceVersion();
    KafkaPrivateEndpoint kpe = Endpoints.gcp("collides", "{statefulSet: {name: kafkaf, configVolume: kafka-config}}",
        PROJECT, "someone-elses-psc", "10.128.6.0/24");
    kpe.getMetadata().setNamespace(operator.getNamespace());
    kpe = operator.create(kpe);
    var condition = Endpoints.awaitReason(operator, "collides", ConditionType.CLOUD_ACCESS, "SpecMismatch");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "gcp-nat-subnet-not-owned", "collides", ConditionType.CLOUD_ACCESS, "SpecMismatch", "Degraded");
    assertThat(condition.getMessage()).startsWith("spec.gcp.pscNatSubnet.name: subnetwork someone-elses-psc exists and was"
        + " not made by this endpoint");
    // Nothing is built on a subnet that is not ours, and the Kafka side is not touched.
    assertThat(fake.mutatingCallsSince(start)).isEmpty();
    assertThat(gcp.negs(base(kpe))).isEmpty();
    assertThat(cluster.get("kafkaf").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace()).withName("kpe-collides").get())
        .isNull();

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "collides"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "collides") == null);
    assertThat(gcp.subnets("someone-elses-psc")).singleElement()
        .satisfies(s -> assertThat(s.getDescription()).isEqualTo("made by hand for another service"));
    assertThat(fake.mutatingCallsSince(start)).isEmpty();
  }

  /**
   * Two brokers on one node: a port-mapping NEG holds one endpoint per VM and port, so the endpoint is
   * refused before anything is attached — no NEG, nothing mutated in Compute, no broker touched — and
   * the condition names both brokers and the fix. Moving the broker to its own node unblocks it.
   */
  @Test
  void brokersSharingANodeAreRefusedBeforeAnythingIsAttached() {
    StatefulSet sts = cluster.statefulSet("kafkan", 3);
    cluster.pod(sts, 0, "gke-node-1", "10.61.1.20");
    cluster.pod(sts, 1, "gke-node-2", "10.61.2.20");
    cluster.pod(sts, 2, "gke-node-2", "10.61.2.21");
    int start = fake.mark();
    KafkaPrivateEndpoint kpe = operator.create(Endpoints.gcp("sharing", "{statefulSet: {name: kafkan, configVolume: kafka-config}}",
        PROJECT, "psc-nat-n", "10.128.8.0/24"));
    var listener = Endpoints.awaitReason(operator, "sharing", ConditionType.LISTENER_CONFIGURED, "BrokersShareNode");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "gcp-brokers-share-node", "sharing", ConditionType.LISTENER_CONFIGURED, "BrokersShareNode", "Degraded");
    assertThat(listener.getMessage()).contains("brokers 1 (pod kafkan-1) and 2 (pod kafkan-2) run on node gke-node-2")
        .contains("pod anti-affinity");
    KafkaPrivateEndpointStatus status = operator.get(KafkaPrivateEndpoint.class, "sharing").getStatus();
    for (String type : List.of(ConditionType.LOAD_BALANCER_READY, ConditionType.ENDPOINT_SERVICE_READY, ConditionType.VERIFIED)) {
      assertThat(Endpoints.condition(status, type)).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo("Unknown");
        assertThat(c.getReason()).isEqualTo("Blocked");
        assertThat(c.getMessage()).isEqualTo("waits for ListenerConfigured (BrokersShareNode)");
      });
    }
    assertThat(fake.mutatingCallsSince(start)).isEmpty();
    assertThat(gcp.negs(base(kpe))).isEmpty();
    assertThat(cluster.get("kafkan").getSpec().getTemplate().getSpec().getInitContainers()).extracting(c -> c.getName())
        .containsExactly("prepare-config");
    assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace()).withName("kpe-sharing").get())
        .isNull();

    // The fix: the broker moves to a node of its own; the endpoint goes on.
    var pods = operator.getKubernetesClient().pods().inNamespace(operator.getNamespace());
    pods.withName("kafkan-2").withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> pods.withName("kafkan-2").get() == null);
    cluster.pod(sts, 2, "gke-node-3", "10.61.3.20");
    Endpoints.awaitReason(operator, "sharing", ConditionType.LISTENER_CONFIGURED, "RollingRestart");
    cluster.rolledOut("kafkan");
    Endpoints.awaitReady(operator, "sharing");
    assertThat(gcp.endpoints(base(kpe))).hasSize(3);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "sharing"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "sharing") == null);
    assertThat(gcp.negs(base(kpe))).isEmpty();
  }

  /** A StatefulSet of three brokers on gke-node-1..3 with pod IPs 10.61.n.10, an endpoint on it, past the rolling restart. */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String natSubnet, String natCidr) {
    StatefulSet sts = cluster.statefulSet(statefulSet, 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gke-node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    return Endpoints.createPastRoll(operator, cluster, Endpoints.gcp(name,
        "{statefulSet: {name: " + statefulSet + ", configVolume: kafka-config}}", PROJECT, natSubnet, natCidr), statefulSet);
  }

  private static KafkaPrivateEndpointStatus awaitReady(String name) {
    return Endpoints.awaitReady(operator, name);
  }

  private static String base(KafkaPrivateEndpoint kpe) {
    return GcpNames.of(kpe).base();
  }

  /** Waits out about three resyncs: no mutating call, and the reads of one pass (the first complete one). */
  private static Map<String, Long> steadyPass() {
    int mark = fake.mark();
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(fake.mutatingCallsSince(mark)).isEmpty();
    List<ComputeFake.Call> calls = fake.callsSince(mark).stream().filter(c -> c.path().contains("/projects/" + PROJECT + "/")).toList();
    // A pass starts with the access check's network read; take the calls between the first two starts.
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).rpc().equals("Networks.Get")) {
        starts.add(i);
      }
    }
    assertThat(starts).as("at least two passes in 8 s").hasSizeGreaterThanOrEqualTo(2);
    return count(calls.subList(starts.get(0), starts.get(1)));
  }

  /** The endpoint's events that tell a change to its cloud resources, oldest first. */
  private static List<Event> changeEvents(String name) {
    return Endpoints.events(operator, name).stream()
        .filter(e -> List.of("Created", "Changed", "Deleted", "Recreated", "Repaired").contains(e.getReason()))
        .filter(e -> !Endpoints.kafkaSide(e))
        .sorted(Comparator.comparing((Event e) -> e.getMetadata().getCreationTimestamp())
            .thenComparing(e -> e.getMetadata().getName()))
        .toList();
  }

  /** "reason: message" of the change events not in {@code before}, oldest first. */
  private static List<String> newEvents(String name, List<Event> before) {
    Set<String> seen = before.stream().map(e -> e.getMetadata().getUid()).collect(Collectors.toSet());
    return changeEvents(name).stream().filter(e -> !seen.contains(e.getMetadata().getUid()))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  private static Map<String, Long> count(List<ComputeFake.Call> calls) {
    return calls.stream().collect(Collectors.groupingBy(ComputeFake.Call::rpc, TreeMap::new, Collectors.counting()));
  }

  private static <T> Collector<T, ?, T> single() {
    return Collectors.collectingAndThen(Collectors.toList(), list -> {
      assertThat(list).hasSize(1);
      return list.get(0);
    });
  }
}
