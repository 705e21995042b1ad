package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The preview on Google Cloud, as an endpoint held at preview ({@code spec.paused}) shows it in
 * status.plannedChanges: before anything exists (everything is to create), once Ready (nothing), and
 * with a broker added (its port's network endpoint). Each preview makes only reads in Compute (the
 * fake's call log), and writes nothing. Each change a pass then makes is one INFO line and one event:
 * the events after unpausing are the preview's changes, one for one; a steady resync tells nothing.
 * Golden change lines in e2e/src/test/resources/golden/plan/gcp-*.txt ({@code -Dkpe.golden.update=true}
 * rewrites them).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class GcpPlanPreviewIT {

  static {
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  static final String PROJECT = "kpe-it-plan";
  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");
  private static final Path GOLDEN = KubernetesApiServerExtension.projectRoot().resolve("e2e/src/test/resources/golden/plan");
  /** The kinds of the Google Cloud side's changes (the Kafka side's are ConfigMap and StatefulSet). */
  private static final Set<String> GCP_KINDS = Set.of("PSC NAT subnet", "network endpoint group", "network endpoints",
      "backend service", "forwarding rule", "service attachment", "firewall rule");
  private static final Set<String> CHANGE_REASONS = Set.of("Created", "Changed", "Deleted", "Recreated", "Repaired");

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-gcp-plan",
      "--resync-period", "2s");

  private static GcpProject gcp;
  private static KafkaCluster cluster;
  private static ComputeFake fake;

  @BeforeAll
  static void project() {
    gcp = new GcpProject(PROJECT);
    fake = gcp.fake;
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int n = 1; n <= 4; n++) {
      String zone = "us-west1-" + (char) ('a' + (n - 1) % 3);
      gcp.node("gplan-node-" + n, zone, n);
      cluster.gcpNode("gplan-node-" + n, PROJECT, zone);
    }
  }

  @Test
  void previewsCreateNoChangeAndScaleOutReadingOnlyAndEveryChangeMadeIsOneEvent() throws Exception {
    StatefulSet sts = cluster.statefulSet("kafkap", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gplan-node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint endpoint = Endpoints.gcp("planned", "{statefulSet: {name: kafkap, configVolume: kafka-config}}",
        PROJECT, "psc-nat-plan", "10.130.0.0/24");
    endpoint.getMetadata().setNamespace(operator.getNamespace());
    endpoint.getSpec().setPaused(true);

    // 1. Create, held at preview: every resource is to create; Compute is only read, nothing is made.
    int created = fake.mark();
    KafkaPrivateEndpoint kpe = operator.create(endpoint);
    String base = GcpNames.of(kpe).base();
    KafkaPrivateEndpointStatus paused = awaitPlanned(lines -> lines.stream().anyMatch(l -> l.startsWith("create firewall rule")));
    List<String> create = paused.getPlannedChanges();
    passes(2);
    assertReadOnly(created);
    assertThat(gcp.negs(base)).isEmpty();
    assertThat(gcp.subnets("psc-nat-plan")).isEmpty();
    assertThat(cluster.get("kafkap").getSpec().getTemplate().getSpec().getInitContainers()).extracting(c -> c.getName())
        .containsExactly("prepare-config");
    assertThat(changeEvents()).isEmpty();
    golden("create", create, base);
    List<String> gcpCreate = gcpLines(create);
    assertThat(gcpCreate).allMatch(l -> l.startsWith("create ")).extracting(GcpPlanPreviewIT::kind).containsExactly(
        "PSC NAT subnet", "network endpoint group", "network endpoints", "backend service", "forwarding rule",
        "service attachment", "firewall rule");
    assertThat(gcpCreate).contains("create network endpoints projects/" + PROJECT + "/regions/us-west1/networkEndpointGroups/"
        + base + ": port 9093 (broker 0) → gplan-node-1 10.61.1.10:39092, port 9094 (broker 1) → gplan-node-2"
        + " 10.61.2.10:39092, port 9095 (broker 2) → gplan-node-3 10.61.3.10:39092");

    // Unpaused, the pass makes what the preview said: one Normal event per change, one per resource the fake holds.
    setPaused(false);
    Endpoints.awaitStatus(operator, "planned", s -> "RollingRestart".equals(
        Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()), Duration.ofSeconds(60));
    cluster.rolledOut("kafkap");
    Endpoints.awaitReady(operator, "planned");
    List<Event> made = changeEvents();
    assertThat(made).allSatisfy(e -> {
      assertThat(e.getType()).isEqualTo("Normal");
      assertThat(e.getReason()).isEqualTo("Created");
    });
    assertThat(made).hasSameSizeAs(gcpCreate);
    for (String line : gcpCreate) {
      String made0 = "Created " + line.substring("create ".length(), line.indexOf(':'));
      assertThat(made).as(line).filteredOn(e -> e.getMessage().startsWith(made0)).hasSize(1);
    }
    int held = gcp.subnets("psc-nat-plan").size() + gcp.negs(base).size() + gcp.backendServices(base).size()
        + gcp.forwardingRules(base).size() + gcp.attachments(base).size() + gcp.firewalls(base).size();
    assertThat(held).isEqualTo(6);
    assertThat(made).filteredOn(e -> !e.getMessage().startsWith("Created network endpoints ")).hasSize(held);
    assertThat(gcp.endpoints(base)).hasSize(3);

    // Steady state: resyncs make no mutating call and tell nothing.
    assertSteady(made.size());

    // 2. No change, held at preview: nothing to do, and still only reads.
    int same = fake.mark();
    setPaused(true);
    List<String> noChange = awaitPlanned(lines -> true).getPlannedChanges();
    passes(2);
    assertThat(noChange).containsExactly("no changes");
    assertThat(operator.get(KafkaPrivateEndpoint.class, "planned").getStatus().getPlannedChanges()).containsExactly("no changes");
    assertReadOnly(same);
    golden("no-change", noChange, base);
    assertThat(changeEvents()).hasSize(made.size());

    // 3. Scale-out while held: broker 3 on gplan-node-4 gets port 9096; the preview shows its endpoint, nothing is attached.
    int scale = fake.mark();
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkap").scale(4);
    cluster.pod(cluster.get("kafkap"), 3, "gplan-node-4", "10.61.4.11");
    cluster.rolledOut("kafkap");
    List<String> scaleOut = awaitPlanned(lines -> lines.stream().anyMatch(l -> l.contains("networkEndpointGroups"))).getPlannedChanges();
    passes(2);
    assertReadOnly(scale);
    assertThat(gcp.endpoints(base)).hasSize(3);
    golden("scale-out", scaleOut, base);
    List<String> gcpScaleOut = gcpLines(scaleOut);
    assertThat(gcpScaleOut).containsExactly("create network endpoints projects/" + PROJECT
        + "/regions/us-west1/networkEndpointGroups/" + base + ": port 9096 (broker 3) → gplan-node-4 10.61.4.11:39092");

    // Unpaused: the one change is made, and told once.
    setPaused(false);
    await().atMost(Duration.ofSeconds(30)).until(() -> gcp.endpoints(base).size() == 4);
    Endpoints.awaitStatus(operator, "planned", s -> s.getBrokers().size() == 4
        && "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()));
    List<Event> scaled = changeEvents();
    List<String> told = scaled.stream().filter(e -> made.stream().noneMatch(m -> m.getMetadata().getUid()
        .equals(e.getMetadata().getUid()))).map(e -> e.getReason() + " " + e.getMessage()).toList();
    assertThat(told).containsExactlyElementsOf(gcpScaleOut.stream().map(GcpPlanPreviewIT::asEvent).toList());
    assertSteady(scaled.size());

    // 4. Drift while held: the firewall rule deleted out of band is shown as made again, and made only once unpaused.
    setPaused(true);
    awaitPlanned(lines -> lines.equals(List.of("no changes")));
    gcp.firewalls.deleteAsync(PROJECT, GcpNames.of(kpe).firewall()).get();
    int drift = fake.mark(); // after the out-of-band delete, which the fake's log holds too
    String firewall = "firewall rule projects/" + PROJECT + "/global/firewalls/" + GcpNames.of(kpe).firewall();
    List<String> repair = awaitPlanned(lines -> !lines.equals(List.of("no changes"))).getPlannedChanges();
    assertThat(repair).containsExactly("create " + firewall + ": was missing (deleted out of band)");
    passes(1);
    assertReadOnly(drift);
    assertThat(gcp.firewalls(base)).isEmpty();
    assertThat(changeEvents()).hasSize(scaled.size());
    setPaused(false);
    Event recreated = Endpoints.awaitEvent(operator, "planned", "Recreated", firewall, Duration.ofSeconds(20), () -> "");
    assertThat(recreated.getType()).isEqualTo("Warning");
    assertThat(gcp.firewalls(base)).hasSize(1);
    assertSteady(scaled.size() + 1);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "planned"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "planned") == null);
    assertThat(gcp.negs(base)).isEmpty();
    assertThat(gcp.attachments(base)).isEmpty();
    assertThat(gcp.firewalls(base)).isEmpty();
    assertThat(gcp.subnets("psc-nat-plan")).isEmpty();
  }

  /**
   * A name the endpoint would use taken by someone else's resource: the preview goes as far as a pass
   * would, and stops where the pass would, saying why (reads only, as always).
   */
  @Test
  void aNameTakenBySomeoneElseStopsThePreviewWhereThePassWouldStop() throws Exception {
    StatefulSet sts = cluster.statefulSet("kafkaq", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gplan-node-" + (i + 1), "10.61." + (i + 1) + ".20");
    }
    KafkaPrivateEndpoint endpoint = Endpoints.gcp("taken", "{statefulSet: {name: kafkaq, configVolume: kafka-config}}",
        PROJECT, "psc-nat-taken", "10.130.1.0/24");
    endpoint.getMetadata().setNamespace(operator.getNamespace());
    endpoint.getSpec().setPaused(true);
    KafkaPrivateEndpoint kpe = operator.create(endpoint);
    String base = GcpNames.of(kpe).base();
    // Someone's NEG with the name this endpoint's would get.
    gcp.negs.insertAsync(PROJECT, GcpProject.REGION, com.google.cloud.compute.v1.NetworkEndpointGroup.newBuilder().setName(base)
        .setNetworkEndpointType("GCE_VM_IP_PORTMAP").setNetwork(gcp.networkUrl())
        .setSubnetwork("projects/" + PROJECT + "/regions/" + GcpProject.REGION + "/subnetworks/" + GcpProject.SUBNET)
        .setDescription("someone else's").build()).get();
    int mark = fake.mark();
    List<String> lines = Endpoints.awaitStatus(operator, "taken", s -> s.getPlannedChanges() != null
        && s.getPlannedChanges().stream().anyMatch(l -> l.startsWith("stops at")), Duration.ofSeconds(30)).getPlannedChanges();
    passes(1);
    assertReadOnly(mark);
    assertThat(gcpLines(lines)).containsExactly("create PSC NAT subnet projects/" + PROJECT
        + "/regions/us-west1/subnetworks/psc-nat-taken: planned");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("stops at LoadBalancerReady (ResourceNotOwned): network endpoint group "
        + base + " already exists and was not created by this endpoint (its owner record is not ours); it is left untouched");
    assertThat(gcp.subnets("psc-nat-taken")).isEmpty();

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "taken"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "taken") == null);
    assertThat(gcp.negs(base)).singleElement().satisfies(n -> assertThat(n.getDescription()).isEqualTo("someone else's"));
  }

  /** "create network endpoints X: why" → "Created Created network endpoints X: why" (reason, then message). */
  private static String asEvent(String line) {
    String verb = line.substring(0, line.indexOf(' '));
    String reason = switch (verb) {
      case "create" -> "Created";
      case "change" -> "Changed";
      default -> "Deleted";
    };
    return reason + " " + reason + line.substring(verb.length());
  }

  private static String kind(String line) {
    String rest = line.substring(line.indexOf(' ') + 1);
    return GCP_KINDS.stream().filter(k -> rest.startsWith(k + " ")).findFirst().orElse(rest);
  }

  private static List<String> gcpLines(List<String> lines) {
    return lines.stream().filter(l -> GCP_KINDS.contains(kind(l))).toList();
  }

  private static void setPaused(boolean paused) {
    operator.getKubernetesClient().resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace())
        .withName("planned").edit(r -> {
          r.getSpec().setPaused(paused);
          return r;
        });
  }

  /** Waits for a Paused status (of the current generation) whose planned changes satisfy {@code lines}. */
  private static KafkaPrivateEndpointStatus awaitPlanned(Predicate<List<String>> lines) {
    return Endpoints.awaitStatus(operator, "planned", s -> "Paused".equals(Endpoints.condition(s, ConditionType.READY).getReason())
        && s.getPlannedChanges() != null && !s.getPlannedChanges().isEmpty() && lines.test(s.getPlannedChanges())
        && operator.get(KafkaPrivateEndpoint.class, "planned").getSpec().paused(), Duration.ofSeconds(60));
  }

  /** Since {@code mark}, the operator only read this project (get, list, aggregatedList, listNetworkEndpoints). */
  private static void assertReadOnly(int mark) {
    List<ComputeFake.Call> calls = fake.callsSince(mark).stream().filter(c -> c.path().contains("/projects/" + PROJECT + "/"))
        .toList();
    assertThat(calls).as("the preview reads Compute").isNotEmpty();
    assertThat(fake.mutatingCallsSince(mark)).isEmpty();
    assertThat(calls).extracting(ComputeFake.Call::rpc).allSatisfy(rpc ->
        assertThat(rpc.substring(rpc.indexOf('.') + 1)).matches("(Get|List|AggregatedList).*"));
  }

  /** Three resyncs: no mutating call, no event. */
  private static void assertSteady(int events) {
    int mark = fake.mark();
    passes(3);
    assertThat(fake.mutatingCallsSince(mark)).isEmpty();
    assertThat(changeEvents()).hasSize(events);
  }

  private static void passes(int n) {
    await().pollDelay(Duration.ofSeconds(2L * n + 1)).atMost(Duration.ofSeconds(2L * n + 3)).until(() -> true);
  }

  private static List<Event> changeEvents() {
    return Endpoints.events(operator, "planned").stream().filter(e -> CHANGE_REASONS.contains(e.getReason()))
        .filter(e -> !Endpoints.kafkaSide(e))
        .sorted(java.util.Comparator.comparing((Event e) -> e.getMetadata().getCreationTimestamp())
            .thenComparing(e -> e.getMetadata().getName()))
        .toList();
  }

  private static void golden(String name, List<String> lines, String base) throws IOException {
    Path file = GOLDEN.resolve("gcp-" + name + ".txt");
    String text = lines.stream().map(l -> l.replace(operator.getNamespace(), "<ns>").replace(base, "kpe-<uid>"))
        .collect(Collectors.joining("\n", "", "\n"));
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, text);
    }
    assertThat(file).as("missing %s (run with -Dkpe.golden.update=true)", file).exists();
    assertThat(text).isEqualTo(Files.readString(file));
  }
}
