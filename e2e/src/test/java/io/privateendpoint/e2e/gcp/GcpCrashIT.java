package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.CrashMatrix;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.model.ConsumerProject;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash safety at every write on Google Cloud: through one endpoint's whole life — creation, the
 * accept list changed in place, scale-out 3→5, a broker's new pod IP, scale-in 5→4, deletion — the
 * Compute fake carries out each mutating call of the operator and then answers 503 once
 * ({@link ComputeFake#failOnceAfter}), as if the operator died before it learned the answer; the
 * next passes must converge to exactly the planned resources (one of each kind, the NEG's endpoints
 * exactly the planned ones, firewall and accept list exactly ours), and after the delete nothing of
 * ours is left and nothing else in the project changed. The crash is an error in a live operator,
 * which is faithful to a restart: the Google Cloud side keeps nothing between passes (each pass
 * builds its synthesizers afresh and reads Compute by name and owner description or labels), and a
 * failed pass writes a status that keeps every field of the last one.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class GcpCrashIT {

  static final String PROJECT = "kpe-crash-project";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-gcp-crash",
      "--resync-period", "3s");

  private static GcpProject gcp;
  private static KafkaCluster cluster;
  private static ComputeFake fake;

  @BeforeAll
  static void project() {
    gcp = new GcpProject(PROJECT);
    fake = gcp.fake;
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    // A port-mapping NEG holds one endpoint per VM and port: one broker per node.
    for (int n = 1; n <= 5; n++) {
      String zone = "us-west1-" + (char) ('a' + (n - 1) % 3);
      gcp.node("gke-crash-" + n, zone, n);
      cluster.gcpNode("gke-crash-" + n, PROJECT, zone);
    }
  }

  /** What the endpoint should have in Compute after a phase. */
  private static final class Plan {
    /** Client port → "node ip:39092". */
    final Map<Integer, String> endpoints = new TreeMap<>();
    final Map<String, Integer> acceptList = new TreeMap<>(Map.of("tidbcloud-prod-000", 10));

    void brokers(String... ips) {
      endpoints.clear();
      for (int i = 0; i < ips.length; i++) {
        endpoints.put(9093 + i, "gke-crash-" + (i + 1) + " " + ips[i] + ":39092");
      }
    }
  }

  @Test
  void everyWriteSurvivesACrashRightAfterIt() {
    int resourcesBefore = fake.totalResources();
    int start = fake.mark();
    CrashMatrix matrix = new CrashMatrix(CrashMatrix.of(fake), Duration.ofSeconds(150));
    Plan plan = new Plan();
    plan.brokers("10.61.1.10", "10.61.2.10", "10.61.3.10");
    KafkaPrivateEndpoint[] created = new KafkaPrivateEndpoint[1];

    matrix.phase("create", List.of("Subnetworks.Insert", "RegionNetworkEndpointGroups.Insert",
            "RegionNetworkEndpointGroups.AttachNetworkEndpoints", "RegionBackendServices.Insert", "ForwardingRules.Insert",
            "ServiceAttachments.Insert", "Firewalls.Insert"),
        () -> created[0] = statefulSetEndpoint("crashy", "kafkac"),
        () -> differs("crashy", "psc-nat-crash", "10.128.9.0/24", plan));
    String base = GcpNames.of(created[0]).base();

    matrix.phase("change in place", List.of("ServiceAttachments.Patch"),
        () -> {
          KafkaPrivateEndpoint edit = operator.get(KafkaPrivateEndpoint.class, "crashy");
          ConsumerProject second = new ConsumerProject();
          second.setProject("tidbcloud-prod-001");
          second.setConnectionLimit(5);
          edit.getSpec().getGcp().getConsumerProjects().add(second);
          edit.getSpec().getGcp().getConsumerProjects().get(0).setConnectionLimit(20);
          operator.replace(edit);
          plan.acceptList.put("tidbcloud-prod-001", 5);
          plan.acceptList.put("tidbcloud-prod-000", 20);
        },
        () -> differs("crashy", "psc-nat-crash", "10.128.9.0/24", plan));

    matrix.phase("scale out 3 to 5", List.of("RegionNetworkEndpointGroups.AttachNetworkEndpoints"),
        () -> {
          operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkac").scale(5);
          cluster.pod(cluster.get("kafkac"), 3, "gke-crash-4", "10.61.4.11");
          cluster.pod(cluster.get("kafkac"), 4, "gke-crash-5", "10.61.5.11");
          cluster.rolledOut("kafkac");
          plan.brokers("10.61.1.10", "10.61.2.10", "10.61.3.10", "10.61.4.11", "10.61.5.11");
        },
        () -> differs("crashy", "psc-nat-crash", "10.128.9.0/24", plan));

    // Detach first (the port must be free), then attach: a crash after either must not leave the port unmapped or doubled.
    matrix.phase("broker gets a new pod IP", List.of("RegionNetworkEndpointGroups.DetachNetworkEndpoints",
            "RegionNetworkEndpointGroups.AttachNetworkEndpoints"),
        () -> {
          cluster.podIp("kafkac-1", "10.61.2.99");
          plan.brokers("10.61.1.10", "10.61.2.99", "10.61.3.10", "10.61.4.11", "10.61.5.11");
        },
        () -> differs("crashy", "psc-nat-crash", "10.128.9.0/24", plan));

    matrix.phase("scale in 5 to 4", List.of("RegionNetworkEndpointGroups.DetachNetworkEndpoints"),
        () -> {
          operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkac").scale(4);
          operator.getKubernetesClient().pods().inNamespace(operator.getNamespace()).withName("kafkac-4").delete();
          cluster.rolledOut("kafkac");
          plan.brokers("10.61.1.10", "10.61.2.99", "10.61.3.10", "10.61.4.11");
        },
        () -> differs("crashy", "psc-nat-crash", "10.128.9.0/24", plan));

    matrix.phase("delete", List.of("ServiceAttachments.Delete", "ForwardingRules.Delete", "RegionBackendServices.Delete",
            "RegionNetworkEndpointGroups.Delete", "Subnetworks.Delete", "Firewalls.Delete"),
        () -> operator.delete(operator.get(KafkaPrivateEndpoint.class, "crashy")),
        () -> {
          // The finalizer goes only once nothing is left: checked when the endpoint is gone.
          if (operator.get(KafkaPrivateEndpoint.class, "crashy") != null) {
            return "the endpoint still exists";
          }
          return CrashMatrix.firstOf(
              () -> gcp.attachments(base).isEmpty() ? null : "a service attachment is left",
              () -> gcp.forwardingRules(base).isEmpty() ? null : "a forwarding rule is left",
              () -> gcp.backendServices(base).isEmpty() ? null : "a backend service is left",
              () -> gcp.negs(base).isEmpty() ? null : "a NEG is left",
              () -> gcp.subnets("psc-nat-crash").isEmpty() ? null : "the NAT subnet is left",
              () -> gcp.firewalls(base).isEmpty() ? null : "the firewall rule is left",
              // Nothing else in the project changed: exactly as many resources as before the endpoint.
              () -> fake.totalResources() == resourcesBefore ? null
                  : fake.totalResources() + " resources in the fake, " + resourcesBefore + " before");
        },
        // A failed delete pass is told as DeletionBlocked and looked at again DELETION_BLOCKED_RECHECK (30 s) later.
        Duration.ofSeconds(300));

    // Complete: every kind of write the whole life made had a crash right after it in some phase.
    List<String> made = fake.mutatingCallsSince(start).stream().map(ComputeFake.Call::rpc).distinct().sorted().toList();
    assertThat(matrix.crashed()).as("crash points vs every write made (%s)", made).containsAll(made);
    System.out.printf("CRASH gcp: %d kinds of write, each crashed after: %s%n", made.size(), made);
  }

  /**
   * A client that retries a call whose answer was lost meets its own first attempt: an insert 409,
   * a delete 404, an attach or detach 400, a fingerprinted patch 412 (the fake carries the call out
   * twice and answers the second: {@link ComputeFake#repeatOnce}). Each counts as done in the same
   * pass — never a ComputeRefused condition — and the planned resources are built, changed and removed.
   */
  @Test
  void aRetryThatMeetsItsOwnFirstAttemptCountsAsDone() {
    java.util.Set<String> reasons = java.util.concurrent.ConcurrentHashMap.newKeySet();
    var watch = operator.getKubernetesClient().resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace())
        .withName("retried").watch(new io.fabric8.kubernetes.client.Watcher<>() {
          public void eventReceived(Action action, KafkaPrivateEndpoint resource) {
            if (resource.getStatus() != null) {
              resource.getStatus().getConditions().forEach(c -> reasons.add(c.getType() + "=" + c.getReason()));
            }
          }

          public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
          }
        });
    try {
      Plan plan = new Plan();
      plan.brokers("10.61.1.20", "10.61.2.20", "10.61.3.20");
      List.of("Subnetworks.Insert", "RegionNetworkEndpointGroups.Insert", "RegionNetworkEndpointGroups.AttachNetworkEndpoints",
          "RegionBackendServices.Insert", "ForwardingRules.Insert", "ServiceAttachments.Insert", "Firewalls.Insert")
          .forEach(fake::repeatOnce);
      StatefulSet sts = cluster.statefulSet("kafkar", 3);
      for (int i = 0; i < 3; i++) {
        cluster.pod(sts, i, "gke-crash-" + (i + 1), "10.61." + (i + 1) + ".20");
      }
      KafkaPrivateEndpoint kpe = Endpoints.createPastRoll(operator, cluster, Endpoints.gcp("retried",
          "{statefulSet: {name: kafkar, configVolume: kafka-config}}", PROJECT, "psc-nat-retry", "10.128.10.0/24"), "kafkar");
      awaitPlanned("retried", "psc-nat-retry", "10.128.10.0/24", plan);

      fake.repeatOnce("ServiceAttachments.Patch");
      fake.repeatOnce("RegionNetworkEndpointGroups.DetachNetworkEndpoints");
      fake.repeatOnce("RegionNetworkEndpointGroups.AttachNetworkEndpoints");
      KafkaPrivateEndpoint edit = operator.get(KafkaPrivateEndpoint.class, "retried");
      edit.getSpec().getGcp().getConsumerProjects().get(0).setConnectionLimit(30);
      operator.replace(edit);
      plan.acceptList.put("tidbcloud-prod-000", 30);
      cluster.podIp("kafkar-2", "10.61.3.99");
      plan.brokers("10.61.1.20", "10.61.2.20", "10.61.3.99");
      awaitPlanned("retried", "psc-nat-retry", "10.128.10.0/24", plan);
      assertThat(fake.pendingRepeats()).as("every repeat happened").isEmpty();
      assertThat(reasons).as("conditions seen").noneMatch(r -> r.endsWith("=ComputeRefused"));

      String base = GcpNames.of(kpe).base();
      List.of("ServiceAttachments.Delete", "ForwardingRules.Delete", "RegionBackendServices.Delete",
          "RegionNetworkEndpointGroups.Delete", "Subnetworks.Delete", "Firewalls.Delete").forEach(fake::repeatOnce);
      operator.delete(operator.get(KafkaPrivateEndpoint.class, "retried"));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90))
          .until(() -> operator.get(KafkaPrivateEndpoint.class, "retried") == null);
      assertThat(fake.pendingRepeats()).as("every repeat happened").isEmpty();
      assertThat(gcp.attachments(base)).isEmpty();
      assertThat(gcp.forwardingRules(base)).isEmpty();
      assertThat(gcp.backendServices(base)).isEmpty();
      assertThat(gcp.negs(base)).isEmpty();
      assertThat(gcp.subnets("psc-nat-retry")).isEmpty();
      assertThat(gcp.firewalls(base)).isEmpty();
    } finally {
      watch.close();
    }
  }

  private static void awaitPlanned(String name, String natSubnet, String natCidr, Plan plan) {
    java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        last.set(differs(name, natSubnet, natCidr, plan));
        return last.get() == null;
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(name + " not as planned: " + last.get(), e);
    }
  }

  /** Null when Compute holds exactly the planned resources (and the endpoint is Ready at its generation); else the first difference. */
  private static String differs(String name, String natSubnet, String natCidr, Plan plan) {
    KafkaPrivateEndpoint kpe = operator.get(KafkaPrivateEndpoint.class, name);
    String base = GcpNames.of(kpe).base();
    return CrashMatrix.firstOf(
        () -> {
          KafkaPrivateEndpointStatus s = kpe.getStatus();
          return s == null || !"True".equals(Endpoints.condition(s, ConditionType.READY).getStatus())
              || !Objects.equals(s.getObservedGeneration(), kpe.getMetadata().getGeneration()) ? "not Ready at its generation" : null;
        },
        () -> gcp.subnets(natSubnet).size() == 1 ? null : gcp.subnets(natSubnet).size() + " NAT subnets",
        () -> gcp.negs(base).size() == 1 ? null : gcp.negs(base).size() + " NEGs",
        () -> gcp.endpoints(base).equals(plan.endpoints) ? null
            : "endpoints " + gcp.endpoints(base) + ", planned " + plan.endpoints,
        () -> {
          List<BackendService> services = gcp.backendServices(base);
          return services.size() == 1 && services.get(0).getBackendsCount() == 1
              && services.get(0).getBackends(0).getGroup().endsWith("/networkEndpointGroups/" + base) ? null
              : "backend services " + services;
        },
        () -> gcp.forwardingRules(base).size() == 1 ? null : gcp.forwardingRules(base).size() + " forwarding rules",
        () -> {
          List<ServiceAttachment> attachments = gcp.attachments(base);
          if (attachments.size() != 1) {
            return attachments.size() + " service attachments";
          }
          Map<String, Integer> accept = new TreeMap<>();
          attachments.get(0).getConsumerAcceptListsList().forEach(l -> accept.merge(l.getProjectIdOrNum(), l.getConnectionLimit(),
              (a, b) -> -1));
          return accept.equals(plan.acceptList) && attachments.get(0).getConsumerAcceptListsCount() == accept.size() ? null
              : "accept list " + attachments.get(0).getConsumerAcceptListsList().stream()
                  .map(ServiceAttachmentConsumerProjectLimit::getProjectIdOrNum).toList();
        },
        () -> {
          List<Firewall> firewalls = gcp.firewalls(base);
          return firewalls.size() == 1 && firewalls.get(0).getSourceRangesList().equals(List.of(natCidr))
              && firewalls.get(0).getAllowedList().equals(List.of(Allowed.newBuilder().setIPProtocol("tcp").addPorts("39092").build()))
              ? null : "firewall rules " + firewalls;
        });
  }

  /** Three brokers on gke-crash-1..3 with pod IPs 10.61.n.10, an endpoint on them, past the rolling restart. */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet) {
    StatefulSet sts = cluster.statefulSet(statefulSet, 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gke-crash-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    return Endpoints.createPastRoll(operator, cluster, Endpoints.gcp(name,
        "{statefulSet: {name: " + statefulSet + ", configVolume: kafka-config}}", PROJECT, "psc-nat-crash", "10.128.9.0/24"),
        statefulSet);
  }
}
