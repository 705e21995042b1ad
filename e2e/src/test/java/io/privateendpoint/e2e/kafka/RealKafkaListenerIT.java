package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.NetworkEndpoint;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.cloud.gcp.GcpEndpointProvisioner;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.kafka.StatefulSetListenerConfig;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.StepOutcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guides' own check on real brokers: three KRaft brokers from the Apache Kafka jars, each
 * configured by the operator's StatefulSet path (the plan, the ConfigMap entries and the init
 * script — the operator's code, not a copy), a TCP port mapper in front standing in for the NLB or
 * PSC, and a client that resolves the advertised names to the mapper. Through the mapped ports
 * only, the metadata lists every broker under its advertised name and port, and 10 messages on a
 * topic of 3 partitions and replication factor 3 are produced and consumed back.
 */
class RealKafkaListenerIT {

  private static final int BROKERS = 3;
  private static final String STATEFUL_SET = "kafka";

  @TempDir
  Path work;
  private NetworkNamespaces hosts;
  private KafkaBrokers brokers;
  private TcpPortMapper mapper;

  @BeforeEach
  void hosts() {
    hosts = NetworkNamespaces.create(BROKERS);
    mapper = new TcpPortMapper();
  }

  @AfterEach
  void stop() {
    if (mapper != null) {
      mapper.close();
    }
    if (brokers != null) {
      brokers.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void oneConsumerReachesEveryBrokerThroughItsOwnPort() throws Exception {
    EndpointPlan tidb = plan("tidb", "tidb", 39092, 19092, 19093);
    brokers = KafkaBrokers.start(hosts, BROKERS, STATEFUL_SET, List.of(entries(tidb)), script(), work);

    assertThat(brokers.config(1)).contains("advertised.listeners=INTERNAL://" + hosts.address(1) + ":9092,TIDB://"
        + "b1.usw2-az2.abc.us-west-2.aws.3199015.tidbcloud.com:19094");
    exposeAndCheck(tidb, "tidb-check");
  }

  @Test
  void twoConsumersListenersSideBySide() throws Exception {
    EndpointPlan tidb = plan("tidb", "tidb", 39092, 19092, 19093);
    EndpointPlan other = plan("other", "vendor2", 39192, 29092, 29093);
    brokers = KafkaBrokers.start(hosts, BROKERS, STATEFUL_SET, List.of(entries(tidb), entries(other)), script(), work);

    assertThat(brokers.config(0)).contains("TIDB://0.0.0.0:39092").contains("VENDOR2://0.0.0.0:39192");
    exposeAndCheck(tidb, "tidb-check");
    exposeAndCheck(other, "vendor2-check");
  }

  /**
   * GCP: the operator's own provisioner builds the port-mapping NEG in the Compute fake, and the
   * mapper carries exactly what the NEG lists (one client port → one ip:port, as PSC does). The
   * client bootstraps from a port status hands out — broker ports, one per zone, since the NEG holds
   * one endpoint per VM and port — so those are shown to exist and to reach Kafka.
   */
  @Test
  void gcpPortMappingCarriesEveryBrokerAndTheHandedOutBootstrapPorts() throws Exception {
    KafkaPrivateEndpoint resource = Endpoints.gcp("psc", "{statefulSet: {name: kafka, configVolume: config}}",
        "kpe-kafka-it", "psc-nat-kafka", "10.128.8.0/24");
    resource.getMetadata().setNamespace("kafka");
    resource.getMetadata().setUid("7a3f5c2e-1d4b-4e6f-9a8b-0c1d2e3f4a5b");
    GcpProject project = new GcpProject("kpe-kafka-it", "kafka-vpc", "brokers");
    List<Broker> observed = new ArrayList<>();
    for (int i = 0; i < BROKERS; i++) {
      String zone = "us-west1-" + (char) ('a' + i);
      project.node("gke-kafka-" + i, zone, "10.60.1." + (i + 1), hosts.address(i) + "/32");
      observed.add(new Broker(i, STATEFUL_SET + "-" + i, zone, null, hosts.address(i), "gke-kafka-" + i, "gke-kafka-" + i));
    }
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(observed), Map.of());
    assertThat(plan.problems()).isEmpty();
    brokers = KafkaBrokers.start(hosts, BROKERS, STATEFUL_SET, List.of(entries(plan)), script(), work);

    try (GcpClients clients = new GcpClients(LocalCompute.get().endpoint())) {
      GcpEndpointProvisioner provisioner = new GcpEndpointProvisioner(clients, "it-kafka");
      StepOutcome outcome = provisioner.apply(resource, plan);
      assertThat(outcome.conditions()).allSatisfy(c -> assertThat(c.status()).as(c.message()).isEqualTo("True"));
      List<NetworkEndpoint> endpoints = project.networkEndpoints(GcpNames.of(resource).neg());
      assertThat(endpoints).hasSize(BROKERS);
      for (NetworkEndpoint e : endpoints) {
        mapper.map(e.getClientDestinationPort(), List.of(new InetSocketAddress(e.getIpAddress(), e.getPort())));
      }
      // Every port handed out is a broker's own and exists in the NEG; the client bootstraps from the
      // last one (broker 2's), so it reaches the cluster through a broker other than the first.
      assertThat(plan.bootstrapPortList()).isEqualTo("9093,9094,9095");
      assertThat(endpoints).extracting(NetworkEndpoint::getClientDestinationPort).containsAll(plan.bootstrapPorts());
      check(plan, "psc-check", "127.0.0.1:9095");
      assertThat(mapper.connectionsTo(9095)).isPositive();
      assertThat(provisioner.cleanup(resource)).isTrue();
    }
    assertThat(project.networkEndpointGroupsNamed(GcpNames.of(resource).neg())).isZero();
  }

  /** Maps the plan's ports as an NLB does (bootstrap to every broker), then runs the consumer-side check. */
  private void exposeAndCheck(EndpointPlan plan, String topic) throws Exception {
    List<InetSocketAddress> all = new ArrayList<>();
    for (PlannedBroker broker : plan.brokers()) {
      InetSocketAddress target = new InetSocketAddress(broker.podIp(), plan.containerPort());
      mapper.map(broker.port(), List.of(target));
      all.add(target);
    }
    int bootstrap = plan.bootstrapPorts().get(0);
    mapper.map(bootstrap, all);
    check(plan, topic, "127.0.0.1:" + bootstrap);
  }

  /** The consumer-side check through the mapper, bootstrapping from {@code bootstrap}; asserts what it saw. */
  private void check(EndpointPlan plan, String topic, String bootstrap) throws Exception {
    Path hostsFile = work.resolve(topic + ".hosts");
    Files.writeString(hostsFile, "127.0.0.1 localhost\n" + plan.brokers().stream()
        .map(b -> "127.0.0.1 " + b.advertisedHost()).collect(Collectors.joining("\n")) + "\n");
    List<String> command = KafkaBrokers.java(KafkaRoundTrip.class.getName(), bootstrap, topic);
    command.add(1, "-Djdk.net.hosts.file=" + hostsFile);
    Process client = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(3, TimeUnit.MINUTES)).isTrue();

    String advertised = plan.brokers().stream().map(PlannedBroker::advertised).sorted().collect(Collectors.joining(","));
    assertThat(output).as(output).contains("NODES " + advertised).contains("PRODUCED 10 CONSUMED 10");
    assertThat(client.exitValue()).as(output).isZero();
    for (PlannedBroker broker : plan.brokers()) {
      assertThat(mapper.connectionsTo(broker.port())).as("connections through port %d (broker %d)", broker.port(),
          broker.nodeId()).isPositive();
    }
  }

  private EndpointPlan plan(String name, String listener, int containerPort, int bootstrap, int brokerStart) {
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: kafka, configVolume: config}}", listener,
        containerPort, bootstrap, brokerStart);
    List<Broker> observed = IntStream.range(0, BROKERS).mapToObj(i -> new Broker(i, STATEFUL_SET + "-" + i,
        "us-west-2" + (char) ('a' + i), "usw2-az" + (i + 1), hosts.address(i), "node-" + i, "i-" + i)).toList();
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(observed), Map.of());
    assertThat(plan.problems()).isEmpty();
    return plan;
  }

  /** The ConfigMap's data as the init container sees it mounted: one file per key. */
  private Path entries(EndpointPlan plan) throws IOException {
    Path dir = Files.createDirectories(work.resolve("entries-" + plan.listenerName()));
    for (var entry : StatefulSetListenerConfig.entries(plan).entrySet()) {
      Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
    }
    return dir;
  }

  private Path script() throws IOException {
    Path script = work.resolve(StatefulSetListenerConfig.SCRIPT_RESOURCE);
    Files.writeString(script, StatefulSetListenerConfig.script());
    return script;
  }
}
