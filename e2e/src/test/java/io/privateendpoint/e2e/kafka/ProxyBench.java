package io.privateendpoint.e2e.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * hack/bench.sh's proxy figures: what Proxy mode costs a producer, measured side by side in one run on
 * one machine. Three real KRaft brokers and one proxy replica (Kroxylicious through ProxyMain, as
 * ProxyReplicas runs it) each in a network namespace of its own (10.235.0.0/24, named kpb-*); the
 * producer, a JVM of its own in this machine's namespace, writes to one topic (3 partitions,
 * replication factor 3) either directly to the brokers or through the proxy, in alternating rounds
 * (direct first in even rounds, the proxy first in odd ones, so neither path always runs on a warmer
 * or a busier machine), and the medians are printed as BENCH lines.
 *
 * <p>Both paths are client → pod IP over the same bridge, without the TcpPortMapper: the mapper is a
 * userspace copier of its own (a thread per direction, a flush per read) whose cost would be added
 * to both paths and blur the proxy's, while an NLB forwards in the network. So the direct path is
 * client → broker, the proxy path client → proxy → broker, and the ratio is the proxy's own cost.
 *
 * <p>Per round and path: a throughput run (unpaced, acks=all, linger.ms 5, 64 KiB batches: msg/s,
 * MB/s, and each record's send→ack p99 under that load) and a latency run (paced far below
 * capacity, acks=all, linger.ms 0: p50/p99 of send→ack). Not an IT: it takes about two minutes, too
 * long for ./hack/test.sh. Needs root and iproute2 (network namespaces).
 *
 * <p>Argument: a work directory. Properties: kpe.bench.rounds (5), kpe.bench.messages (100000),
 * kpe.bench.bytes (512), kpe.bench.latency.messages (2000), kpe.bench.latency.rate (500).
 */
public final class ProxyBench {

  private static final int BROKERS = 3;
  private static final int PROXY_HOST = 3;
  private static final int BOOTSTRAP_PORT = 39092;
  private static final int FIRST_BROKER_PORT = 9093;
  private static final String TOPIC = "bench";
  private static final Pattern PERF = Pattern.compile("PERF .*: ([\\d.]+) msg/s, ([\\d.]+) MB/s, p50 ([\\d.]+) ms, p99 ([\\d.]+) ms");
  private static final Pattern LATENCY = Pattern.compile("LATENCY .*: p50 ([\\d.]+) ms, p99 ([\\d.]+) ms, max ([\\d.]+) ms");

  private ProxyBench() {}

  public static void main(String[] args) {
    try {
      run(Path.of(args[0]));
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(Path work) throws Exception {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    int rounds = Integer.getInteger("kpe.bench.rounds", 5);
    int messages = Integer.getInteger("kpe.bench.messages", 100_000);
    int bytes = Integer.getInteger("kpe.bench.bytes", 512);
    int latencyMessages = Integer.getInteger("kpe.bench.latency.messages", 2_000);
    int rate = Integer.getInteger("kpe.bench.latency.rate", 500);
    try (NetworkNamespaces hosts = NetworkNamespaces.create("kpb", 235, BROKERS + 1);
        KafkaBrokers brokers = KafkaBrokers.start(hosts, BROKERS, List.of("usw2-az1", "usw2-az2", "usw2-az3"),
            work.resolve("kafka"));
        ProxyReplicas proxy = ProxyReplicas.start(hosts, List.of(PROXY_HOST), config(hosts), work.resolve("proxy"))) {
      String direct = IntStream.range(0, BROKERS).mapToObj(i -> hosts.address(i) + ":" + KafkaBrokers.INTERNAL_PORT)
          .collect(Collectors.joining(","));
      String proxied = hosts.address(PROXY_HOST) + ":" + BOOTSTRAP_PORT;
      Path hostsFile = work.resolve("client.hosts");
      Files.writeString(hostsFile, "127.0.0.1 localhost\n" + IntStream.range(0, BROKERS)
          .mapToObj(id -> hosts.address(PROXY_HOST) + " " + advertisedHost(id)).collect(Collectors.joining("\n")) + "\n");
      createTopic(direct);
      log("3 brokers and a proxy replica up; topic " + TOPIC + " (3 partitions, RF 3); " + rounds + " rounds of " + messages
          + " x " + bytes + " B unpaced and " + latencyMessages + " at " + rate + "/s, per path");

      // Warm-up, not counted: the brokers' and the proxy's JITs, the topic's segments.
      client(hostsFile, "perf", direct, TOPIC, String.valueOf(messages / 4), String.valueOf(bytes));
      client(hostsFile, "perf", proxied, TOPIC, String.valueOf(messages / 4), String.valueOf(bytes));

      List<double[]> directRuns = new ArrayList<>();
      List<double[]> proxyRuns = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean directFirst = round % 2 == 0;
        for (int leg = 0; leg < 2; leg++) {
          boolean isDirect = (leg == 0) == directFirst;
          String bootstrap = isDirect ? direct : proxied;
          Matcher perf = match(PERF, client(hostsFile, "perf", bootstrap, TOPIC, String.valueOf(messages), String.valueOf(bytes)));
          Matcher latency = match(LATENCY, client(hostsFile, "latency", bootstrap, TOPIC, String.valueOf(latencyMessages),
              String.valueOf(bytes), String.valueOf(rate)));
          double[] run = {Double.parseDouble(perf.group(1)), Double.parseDouble(perf.group(2)), Double.parseDouble(perf.group(4)),
              Double.parseDouble(latency.group(1)), Double.parseDouble(latency.group(2))};
          (isDirect ? directRuns : proxyRuns).add(run);
          log(String.format("round %d %-6s %8.0f msg/s %6.1f MB/s  p99 under load %7.1f ms  paced p50 %5.2f ms p99 %5.2f ms",
              round + 1, isDirect ? "direct" : "proxy", run[0], run[1], run[2], run[3], run[4]));
        }
      }
      double[] d = medians(directRuns);
      double[] p = medians(proxyRuns);
      String what = String.format("median of %d alternating rounds, %d B, acks=all, 3 partitions RF 3, 1 proxy replica, same"
          + " machine (%d CPUs)", rounds, bytes, Runtime.getRuntime().availableProcessors());
      System.out.printf("BENCH proxy produce throughput: direct %.0f msg/s (%.1f MB/s), through the proxy %.0f msg/s (%.1f MB/s),"
          + " ratio %.2f (%s)%n", d[0], d[1], p[0], p[1], p[0] / d[0], what);
      System.out.printf("BENCH proxy produce p99 latency under that load (send→ack): direct %.1f ms, through the proxy %.1f ms%n",
          d[2], p[2]);
      System.out.printf("BENCH proxy produce latency paced at %d/s (send→ack, linger 0): p50 direct %.2f ms, proxy %.2f ms;"
          + " p99 direct %.2f ms, proxy %.2f ms (%+.2f ms)%n", rate, d[3], p[3], d[4], p[4], p[4] - d[4]);
    }
  }

  /** The proxy's configuration as the operator renders it (PlannedPorts), the advertised ports the bound ones. */
  private static String config(NetworkNamespaces hosts) {
    String upstream = IntStream.range(0, BROKERS).mapToObj(i -> hosts.address(i) + ":" + KafkaBrokers.INTERNAL_PORT)
        .collect(Collectors.joining(","));
    String brokerLines = IntStream.range(0, BROKERS).mapToObj(id -> "          - {nodeId: " + id + ", port: "
        + (FIRST_BROKER_PORT + id) + ", advertisedHost: " + advertisedHost(id) + ", advertisedPort: " + (FIRST_BROKER_PORT + id)
        + "}").collect(Collectors.joining("\n"));
    return """
        management:
          bindAddress: ${POD_IP}
          port: 9190
          endpoints:
            prometheus: {}
        virtualClusters:
          - name: bench
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
    return "b" + id + ".bench.kpe.test";
  }

  private static void createTopic(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3))).all().get(60, TimeUnit.SECONDS);
      for (int i = 0; i < 120; i++) {
        var description = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        if (description.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3)) {
          return;
        }
        Thread.sleep(500);
      }
      throw new IllegalStateException("topic " + TOPIC + " has no leaders with full ISR after 60 s");
    }
  }

  /** KafkaProxyClient in a JVM of its own; its output, or an exception when it fails. */
  private static String client(Path hostsFile, String... args) throws IOException, InterruptedException {
    List<String> command = KafkaBrokers.java(KafkaProxyClient.class.getName(), args);
    command.add(1, "-Djdk.net.hosts.file=" + hostsFile);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("KafkaProxyClient " + String.join(" ", args) + " failed:\n" + output);
    }
    return output;
  }

  private static Matcher match(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in:\n" + output);
    }
    return m;
  }

  private static double[] medians(List<double[]> runs) {
    double[] medians = new double[runs.get(0).length];
    for (int k = 0; k < medians.length; k++) {
      int column = k;
      double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
      int n = values.length;
      medians[k] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
    return medians;
  }

  private static void log(String line) {
    System.out.println("--> " + line);
  }
}
