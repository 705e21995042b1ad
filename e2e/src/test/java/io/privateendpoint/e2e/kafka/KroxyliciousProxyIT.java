package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxy mode on real brokers: three KRaft brokers with no listener of the operator's (the proxy is the
 * consumer's only way in), two replicas of the proxy Deployment — Kroxylicious 0.12.0 through ProxyMain
 * on Java 17, each in a network namespace of its own binding the same ports on its own pod IP — run from
 * the config the operator renders (PlannedPorts), a TCP port mapper in front standing in for the NLB
 * (every replica behind every port) or the PSC NEG (one replica per port), and consumer clients in
 * their own JVMs that resolve the advertised names to the mapper.
 *
 * <p>The load balancer's ports (2109x) differ from the ports the proxy binds (39092, 9093…) so the test
 * also shows that what is advertised is the plan's advertised port, not the bound one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KroxyliciousProxyIT {

  private static final int BROKERS = 3;
  /** Hosts 0..2 are the brokers, 3 and 4 the proxy replicas. */
  private static final List<Integer> PROXY_HOSTS = List.of(3, 4);
  /** What the proxy binds. */
  private static final int BOOTSTRAP_PORT = 39092;
  private static final int FIRST_BROKER_PORT = 9093;
  /**
   * What the load balancer listens on and the proxy advertises. Below Linux's ephemeral range (32768–60999 by
   * default): a CI run failed binding 41092 on 127.0.0.1, an ephemeral port some client's connection held then.
   */
  private static final int LB_BOOTSTRAP = 21092;
  private static final int LB_FIRST_BROKER = 21093;
  private static final List<String> ZONES = List.of("usw2-az1", "usw2-az2", "usw2-az4");

  @TempDir
  static Path work;
  private NetworkNamespaces hosts;
  private KafkaBrokers brokers;
  private ProxyReplicas proxies;
  private TcpPortMapper mapper;
  private Path hostsFile;

  @BeforeAll
  void start() throws Exception {
    hosts = NetworkNamespaces.create("kpx", 232, BROKERS + PROXY_HOSTS.size());
    brokers = KafkaBrokers.start(hosts, BROKERS, "kafka", List.of(), work.resolve("no-listener-script.sh"), work);
    proxies = ProxyReplicas.start(hosts, PROXY_HOSTS, config(0, 1, 2), work);
    mapper = new TcpPortMapper();
    mapper.map(LB_BOOTSTRAP, targets(BOOTSTRAP_PORT, 0, 1));
    for (int id = 0; id < BROKERS; id++) {
      mapper.map(lbPort(id), targets(FIRST_BROKER_PORT + id, 0, 1));
    }
    hostsFile = work.resolve("client.hosts");
    Files.writeString(hostsFile, "127.0.0.1 localhost\n" + IntStream.range(0, BROKERS)
        .mapToObj(id -> "127.0.0.1 " + advertisedHost(id)).collect(Collectors.joining("\n")) + "\n");
  }

  @AfterAll
  void stop() {
    if (mapper != null) {
      mapper.close();
    }
    if (proxies != null) {
      proxies.close();
    }
    if (brokers != null) {
      brokers.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  /** (a) and (b): metadata, DescribeCluster and FindCoordinator answer the plan; a round trip uses every port. */
  @Test
  @Order(1)
  void throughTheLoadBalancerEveryBrokerIsItsPlannedAddress() throws Exception {
    for (int r = 0; r < proxies.size(); r++) {
      assertThat(proxies.log(r)).contains("proxy started", "bootstrap " + proxies.address(r) + ":" + BOOTSTRAP_PORT,
          "broker ports {0=9093, 1=9094, 2=9095}", "management " + proxies.address(r) + ":9190");
    }

    List<String> command = KafkaBrokers.java(KafkaRoundTrip.class.getName(), bootstrap(), "proxied");
    command.add(1, "-Djdk.net.hosts.file=" + hostsFile);
    Client roundTrip = Client.start(command);
    String output = roundTrip.finish(Duration.ofMinutes(2));
    assertThat(output).contains("NODES " + advertised(0, 1, 2), "PRODUCED 10 CONSUMED 10");
    assertThat(roundTrip.exitCode()).as(output).isZero();
    for (int id = 0; id < BROKERS; id++) {
      assertThat(mapper.connectionsTo(lbPort(id))).as("connections through broker %d's port", id).isPositive();
    }

    // A consumer group of our own (KafkaRoundTrip's is random): joins and commits through the coordinator.
    assertThat(client("consume", bootstrap(), "proxied", "10", "group").expectSuccess(Duration.ofMinutes(1)))
        .contains("CONSUMED 10 DISTINCT 10");
    String described = client("describe", bootstrap(), "kpe-proxy-proxied").expectSuccess(Duration.ofMinutes(1));
    assertThat(described).contains("NODES " + advertised(0, 1, 2));
    assertThat(value(described, "COORDINATOR")).as("FindCoordinator's answer").isIn(
        IntStream.range(0, BROKERS).mapToObj(KroxyliciousProxyIT::advertisedAddress).toList());

    String perf = client("perf", bootstrap(), "proxied", "20000", "512").expectSuccess(Duration.ofMinutes(1));
    System.out.println("[proxy throughput, the machine's CPUs shared by 3 brokers, 2 proxies, the mapper and the client] "
        + value(perf, "PERF"));
  }

  /** (c) AWS: every replica behind every port; one is killed while a producer keeps sending; nothing is lost. */
  @Test
  @Order(2)
  void killingAReplicaMidStreamLosesNothing() throws Exception {
    client("create", bootstrap(), "aws-stream", "0=0,1,2;1=1,2,0;2=2,0,1").expectSuccess(Duration.ofMinutes(1));
    Client producer = client("produce", bootstrap(), "aws-stream", "200", "40");
    producer.awaitLine("PROGRESS 40", Duration.ofSeconds(60));

    int victim = mapper.openConnectionsTo(proxies.target(0, FIRST_BROKER_PORT)) + mapper.openConnectionsTo(
        proxies.target(0, FIRST_BROKER_PORT + 1)) + mapper.openConnectionsTo(proxies.target(0, FIRST_BROKER_PORT + 2))
        >= openBrokerConnections(1) ? 0 : 1;
    int open = openBrokerConnections(victim);
    assertThat(open).as("the producer's connections through replica %d", victim).isPositive();
    proxies.kill(victim);

    String produced = producer.finish(Duration.ofMinutes(3));
    System.out.println("[AWS, replica " + victim + " killed with " + open + " broker connections open] ACKED "
        + value(produced, "ACKED"));
    assertThat(produced).as(produced).contains("ACKED 200 FAILED 0");
    assertThat(producer.exitCode()).isZero();
    String consumed = client("consume", bootstrap(), "aws-stream", "200", "group").expectSuccess(Duration.ofMinutes(2));
    assertThat(consumed).contains("CONSUMED 200 DISTINCT 200");

    proxies.restart(victim, config(0, 1, 2));
  }

  /** (d) GCP: one replica per port; it dies; the ports are re-pointed to the survivor; the outage the client sees. */
  @Test
  @Order(3)
  void reRoutingEveryPortToTheSurvivorEndsTheOutage() throws Exception {
    mapper.retarget(LB_BOOTSTRAP, targets(BOOTSTRAP_PORT, 0));
    for (int id = 0; id < BROKERS; id++) {
      mapper.retarget(lbPort(id), targets(FIRST_BROKER_PORT + id, 0));
    }
    client("create", bootstrap(), "gcp-stream", "0=0,1,2;1=1,2,0;2=2,0,1").expectSuccess(Duration.ofMinutes(1));
    Client producer = client("produce", bootstrap(), "gcp-stream", "300", "30");
    producer.awaitLine("PROGRESS 40", Duration.ofSeconds(60));
    assertThat(openBrokerConnections(0)).as("the producer's connections through replica 0").isPositive();

    long killed = System.currentTimeMillis();
    proxies.kill(0);
    mapper.retarget(LB_BOOTSTRAP, targets(BOOTSTRAP_PORT, 1));
    for (int id = 0; id < BROKERS; id++) {
      mapper.retarget(lbPort(id), targets(FIRST_BROKER_PORT + id, 1));
    }
    long rerouted = System.currentTimeMillis();

    String produced = producer.finish(Duration.ofMinutes(3));
    assertThat(produced).as(produced).contains("ACKED 300 FAILED 0");
    Matcher gap = Pattern.compile("MAXGAPMS (\\d+) GAP (\\d+) (\\d+)").matcher(produced);
    assertThat(gap.find()).isTrue();
    long outageMs = Long.parseLong(gap.group(1));
    System.out.printf("[GCP outage] replica 0 killed, ports re-pointed %d ms later; the producer's longest wait for an"
        + " acknowledgement: %.2f s (from %d ms before the kill to %d ms after it)%n", rerouted - killed, outageMs / 1000.0,
        killed - Long.parseLong(gap.group(2)), Long.parseLong(gap.group(3)) - killed);
    assertThat(outageMs).as("the client recovers on the survivor").isLessThan(30_000);
    assertThat(client("consume", bootstrap(), "gcp-stream", "300", "group").expectSuccess(Duration.ofMinutes(2)))
        .contains("DISTINCT 300");

    proxies.restart(0, config(0, 1, 2));
  }

  /**
   * (e) A broker the plan does not list yet (node 2): the known brokers keep working; once the proxy rolls with
   * the new plan, broker 2 is reached, and brokers 0 and 1 keep their ports.
   */
  @Test
  @Order(4)
  void aBrokerThePlanDoesNotListYetDoesNotBreakTheOthers() throws Exception {
    proxies.restart(0, config(0, 1));
    mapper.retarget(LB_BOOTSTRAP, targets(BOOTSTRAP_PORT, 0));
    for (int id = 0; id < BROKERS; id++) {
      mapper.retarget(lbPort(id), targets(FIRST_BROKER_PORT + id, 0));
    }
    assertThat(proxies.log(0)).contains("broker ports {0=9093, 1=9094}");

    String described = client("describe", bootstrap(), "-").expectSuccess(Duration.ofMinutes(1));
    assertThat(described).contains("NODES " + advertisedAddress(0) + "," + advertisedAddress(1) + ",b2.unmapped.invalid:"
        + BOOTSTRAP_PORT);
    assertThat(client("create", bootstrap(), "known-brokers", "0=0,1;1=1,0").expectSuccess(Duration.ofMinutes(1)))
        .contains("LEADERS 0=" + advertisedAddress(0) + ",1=" + advertisedAddress(1));
    assertThat(client("produce", bootstrap(), "known-brokers", "20", "10").expectSuccess(Duration.ofMinutes(1)))
        .contains("ACKED 20 FAILED 0");
    assertThat(client("consume", bootstrap(), "known-brokers", "20", "assign").expectSuccess(Duration.ofMinutes(1)))
        .contains("DISTINCT 20");
    assertThat(proxies.log(0)).doesNotContain("ERROR");

    int throughBroker2 = mapper.connectionsTo(lbPort(2));
    proxies.restart(0, config(0, 1, 2));
    assertThat(client("describe", bootstrap(), "-").expectSuccess(Duration.ofMinutes(1)))
        .as("brokers 0 and 1 keep their addresses; broker 2 gets its own").contains("NODES " + advertised(0, 1, 2));
    assertThat(client("create", bootstrap(), "new-broker", "0=2").expectSuccess(Duration.ofMinutes(1)))
        .contains("LEADERS 0=" + advertisedAddress(2));
    assertThat(client("produce", bootstrap(), "new-broker", "10", "10").expectSuccess(Duration.ofMinutes(1)))
        .contains("ACKED 10 FAILED 0");
    assertThat(client("consume", bootstrap(), "new-broker", "10", "assign").expectSuccess(Duration.ofMinutes(1)))
        .contains("DISTINCT 10");
    assertThat(mapper.connectionsTo(lbPort(2))).as("connections through broker 2's port").isGreaterThan(throughBroker2);
  }

  // --- the plan -------------------------------------------------------------------------------------------

  /** The config the operator renders into the ConfigMap, listing the given node ids. */
  private String config(int... nodeIds) {
    String upstream = IntStream.range(0, BROKERS).mapToObj(i -> hosts.address(i) + ":" + KafkaBrokers.INTERNAL_PORT)
        .collect(Collectors.joining(","));
    String brokerLines = IntStream.of(nodeIds).mapToObj(id -> "          - {nodeId: " + id + ", port: "
        + (FIRST_BROKER_PORT + id) + ", advertisedHost: " + advertisedHost(id) + ", advertisedPort: " + lbPort(id) + "}")
        .collect(Collectors.joining("\n"));
    return """
        management:
          bindAddress: ${POD_IP}
          port: 9190
          endpoints:
            prometheus: {}
        virtualClusters:
          - name: kafka-tidb-proxy
            targetCluster:
              bootstrapServers: %s
            clusterNetworkAddressConfigProvider:
              type: PlannedPorts
              config:
                bindAddress: ${POD_IP}
                bootstrapPort: %d
                brokers:
        %s
        """.formatted(upstream, BOOTSTRAP_PORT, brokerLines);
  }

  private static String advertisedHost(int id) {
    return "b" + id + "." + ZONES.get(id) + ".abc.example.com";
  }

  private static String advertisedAddress(int id) {
    return advertisedHost(id) + ":" + lbPort(id);
  }

  private static String advertised(int... ids) {
    return IntStream.of(ids).mapToObj(KroxyliciousProxyIT::advertisedAddress).sorted().collect(Collectors.joining(","));
  }

  private static int lbPort(int id) {
    return LB_FIRST_BROKER + id;
  }

  private static String bootstrap() {
    return "127.0.0.1:" + LB_BOOTSTRAP;
  }

  private List<InetSocketAddress> targets(int port, int... replicas) {
    return IntStream.of(replicas).mapToObj(r -> proxies.target(r, port)).toList();
  }

  private int openBrokerConnections(int replica) {
    return IntStream.range(0, BROKERS).map(id -> mapper.openConnectionsTo(proxies.target(replica, FIRST_BROKER_PORT + id))).sum();
  }

  private static String value(String output, String prefix) {
    return output.lines().filter(l -> l.startsWith(prefix + " ")).map(l -> l.substring(prefix.length() + 1)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + prefix + " line in:\n" + output));
  }

  // --- clients --------------------------------------------------------------------------------------------

  private Client client(String... args) throws IOException {
    List<String> command = KafkaBrokers.java(KafkaProxyClient.class.getName(), args);
    command.add(1, "-Djdk.net.hosts.file=" + hostsFile);
    return Client.start(command);
  }

  /** A client JVM whose output is read as it comes. */
  private static final class Client {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private Client(Process process) {
      this.process = process;
      this.reader = Thread.ofVirtual().start(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // the process ended
        }
      });
    }

    static Client start(List<String> command) throws IOException {
      return new Client(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    void awaitLine(String line, Duration timeout) throws InterruptedException {
      Instant deadline = Instant.now().plus(timeout);
      while (!lines.contains(line)) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          throw new AssertionError("no line '" + line + "':\n" + output());
        }
        Thread.sleep(50);
      }
    }

    String finish(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the client did not finish within " + timeout + ":\n" + output());
      }
      reader.join(5_000);
      return output();
    }

    String expectSuccess(Duration timeout) throws InterruptedException {
      String output = finish(timeout);
      assertThat(process.exitValue()).as(output).isZero();
      return output;
    }

    int exitCode() {
      return process.exitValue();
    }

    String output() {
      return String.join("\n", new ArrayList<>(lines));
    }
  }
}
