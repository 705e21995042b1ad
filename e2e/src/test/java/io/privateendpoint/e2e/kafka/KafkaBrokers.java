package io.privateendpoint.e2e.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * Real KRaft brokers from the Apache Kafka jars, one JVM each, each in its own network namespace
 * as a pod would be. Each starts from a plain base configuration (INTERNAL and CONTROLLER
 * listeners, as a chart writes), which the operator's init script then extends with each
 * endpoint's listener, from the operator's own ConfigMap entries — as the init container does.
 */
public final class KafkaBrokers implements AutoCloseable {

  public static final int INTERNAL_PORT = 9092;
  /** With {@link #startWithSasl}: a SASL_PLAINTEXT listener (PLAIN) beside INTERNAL. */
  public static final int SASL_PORT = 9094;
  /** The PLAIN users of the SASL listener: user → password. */
  public static final Map<String, String> SASL_USERS = Map.of("discovery", "discovery-secret", "alice", "alice-secret");
  private static final int CONTROLLER_PORT = 29092;

  private final List<Process> processes = new ArrayList<>();
  private final Path work;
  private NetworkNamespaces hosts;
  private String voters;
  private String clusterId;

  private KafkaBrokers(Path work) {
    this.work = work;
  }

  /**
   * @param entryDirs one directory per endpoint, holding the ConfigMap's entries as files
   * @param script    the operator's merge-listener.sh
   */
  public static KafkaBrokers start(NetworkNamespaces hosts, int count, String statefulSetName, List<Path> entryDirs,
      Path script, Path work) throws IOException, InterruptedException {
    return start(hosts, count, statefulSetName, entryDirs, script, List.of(), work);
  }

  /**
   * Brokers as they run behind a proxy: nothing added to their configuration; broker {@code i} gets
   * {@code broker.rack=racks[i]} where given (brokers set their zone there).
   */
  public static KafkaBrokers start(NetworkNamespaces hosts, int count, List<String> racks, Path work)
      throws IOException, InterruptedException {
    return start(hosts, count, "kafka", List.of(), null, racks, work);
  }

  /** As above, each broker also listening SASL_PLAINTEXT (mechanism PLAIN, users {@link #SASL_USERS}) on {@link #SASL_PORT}. */
  public static KafkaBrokers startWithSasl(NetworkNamespaces hosts, int count, List<String> racks, Path work)
      throws IOException, InterruptedException {
    String users = SASL_USERS.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> "user_" + e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(" "));
    List<String> extras = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      extras.add(String.join("\n",
          "listeners=INTERNAL://0.0.0.0:" + INTERNAL_PORT + ",CONTROLLER://0.0.0.0:" + CONTROLLER_PORT + ",SASL://0.0.0.0:" + SASL_PORT,
          "advertised.listeners=INTERNAL://" + hosts.address(i) + ":" + INTERNAL_PORT + ",SASL://" + hosts.address(i) + ":" + SASL_PORT,
          "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT",
          "sasl.enabled.mechanisms=PLAIN",
          "listener.name.sasl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required " + users + ";",
          ""));
    }
    return start(hosts, count, "kafka", List.of(), null, racks, extras, work);
  }

  private static KafkaBrokers start(NetworkNamespaces hosts, int count, String statefulSetName, List<Path> entryDirs,
      Path script, List<String> racks, Path work) throws IOException, InterruptedException {
    return start(hosts, count, statefulSetName, entryDirs, script, racks, List.of(), work);
  }

  /** @param extras per broker, properties appended last (a later key wins in a properties file) */
  private static KafkaBrokers start(NetworkNamespaces hosts, int count, String statefulSetName, List<Path> entryDirs,
      Path script, List<String> racks, List<String> extras, Path work) throws IOException, InterruptedException {
    KafkaBrokers brokers = new KafkaBrokers(work);
    String voters = IntStream.range(0, count)
        .mapToObj(i -> i + "@" + hosts.address(i) + ":" + CONTROLLER_PORT).collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    brokers.hosts = hosts;
    brokers.voters = voters;
    brokers.clusterId = clusterId;
    try {
      for (int i = 0; i < count; i++) {
        Path dir = Files.createDirectories(work.resolve("broker-" + i));
        Path config = dir.resolve("server.properties");
        Files.writeString(config, baseConfig(i, hosts.address(i), voters, dir.resolve("data"))
            + (i < racks.size() ? "broker.rack=" + racks.get(i) + "\n" : "") + (i < extras.size() ? extras.get(i) : ""));
        for (Path entries : entryDirs) {
          brokers.run(List.of("sh", script.toString()), Map.of("HOSTNAME", statefulSetName + "-" + i,
              "KPE_ENTRY_DIR", entries.toString(), "KPE_CONFIG", config.toString(), "KPE_NODE_ID_OFFSET", "0",
              "KPE_WAIT_SECONDS", "4"), dir.resolve("init.log"));
        }
        brokers.run(java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()), Map.of(),
            dir.resolve("format.log"));
      }
      for (int i = 0; i < count; i++) {
        Path dir = work.resolve("broker-" + i);
        List<String> command = new ArrayList<>(hosts.exec(i));
        command.addAll(java("kafka.Kafka", dir.resolve("server.properties").toString()));
        brokers.processes.add(new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("kafka.log").toFile()).start());
      }
      for (int i = 0; i < count; i++) {
        brokers.awaitListening(i, i, new InetSocketAddress(hosts.address(i), INTERNAL_PORT), Duration.ofSeconds(120));
      }
      return brokers;
    } catch (IOException | InterruptedException | RuntimeException e) {
      brokers.close();
      throw e;
    }
  }

  /**
   * Adds a broker to the running cluster, as a scale-out does: node {@code nodeId}, broker role only,
   * on host {@code nodeId} of the network namespaces, with the cluster's controllers.
   */
  public void addBroker(int nodeId, String rack) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve("broker-" + nodeId));
    Path config = dir.resolve("server.properties");
    String address = hosts.address(nodeId);
    Files.writeString(config, String.join("\n",
        "process.roles=broker",
        "node.id=" + nodeId,
        "controller.quorum.voters=" + voters,
        "listeners=INTERNAL://0.0.0.0:" + INTERNAL_PORT,
        "advertised.listeners=INTERNAL://" + address + ":" + INTERNAL_PORT,
        "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=INTERNAL",
        "controller.listener.names=CONTROLLER",
        "log.dirs=" + dir.resolve("data"),
        rack == null ? "" : "broker.rack=" + rack,
        ""));
    run(java("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()), Map.of(),
        dir.resolve("format.log"));
    List<String> command = new ArrayList<>(hosts.exec(nodeId));
    command.addAll(java("kafka.Kafka", config.toString()));
    processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("kafka.log").toFile()).start());
    awaitListening(processes.size() - 1, nodeId, new InetSocketAddress(address, INTERNAL_PORT), Duration.ofSeconds(120));
  }

  /**
   * Stops broker {@code i} (one of those started together), edits its properties file with {@code edit}
   * and starts it again: a pod restarted with a corrected configuration.
   */
  public void restart(int i, java.util.function.UnaryOperator<String> edit) throws IOException, InterruptedException {
    Process old = processes.get(i);
    old.destroy();
    if (!old.waitFor(30, TimeUnit.SECONDS)) {
      old.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Path dir = work.resolve("broker-" + i);
    Path config = dir.resolve("server.properties");
    Files.writeString(config, edit.apply(Files.readString(config)));
    List<String> command = new ArrayList<>(hosts.exec(i));
    command.addAll(java("kafka.Kafka", config.toString()));
    processes.set(i, new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start());
    awaitListening(i, i, new InetSocketAddress(hosts.address(i), INTERNAL_PORT), Duration.ofSeconds(120));
  }

  /** What the merged properties file of broker {@code i} says, for assertions. */
  public String config(int i) throws IOException {
    return Files.readString(work.resolve("broker-" + i).resolve("server.properties"));
  }

  public Path log(int i) {
    return work.resolve("broker-" + i).resolve("kafka.log");
  }

  @Override
  public void close() {
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String baseConfig(int nodeId, String address, String voters, Path data) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=" + nodeId,
        "controller.quorum.voters=" + voters,
        "listeners=INTERNAL://0.0.0.0:" + INTERNAL_PORT + ",CONTROLLER://0.0.0.0:" + CONTROLLER_PORT,
        "advertised.listeners=INTERNAL://" + address + ":" + INTERNAL_PORT,
        "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=INTERNAL",
        "controller.listener.names=CONTROLLER",
        "log.dirs=" + data,
        "num.partitions=3",
        "default.replication.factor=3",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "group.initial.rebalance.delay.ms=0",
        "") ;
  }

  /** A JVM on the test's own classpath, which holds the Kafka jars. */
  static List<String> java(String mainClass, String... args) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx384m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return command;
  }

  private void run(List<String> command, Map<String, String> env, Path log) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private void awaitListening(int process, int i, InetSocketAddress address, Duration timeout)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!processes.get(process).isAlive()) {
        throw new IllegalStateException("broker " + i + " exited:\n" + tail(log(i)));
      }
      try (Socket socket = new Socket()) {
        socket.connect(address, 1_000);
        return;
      } catch (IOException notYet) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("broker " + i + " did not listen on " + address + " within " + timeout + ":\n" + tail(log(i)));
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
