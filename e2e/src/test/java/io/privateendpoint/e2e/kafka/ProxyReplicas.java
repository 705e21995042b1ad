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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Replicas of the proxy Deployment: each a JVM of its own on Java 17 (what Kroxylicious 0.12.0 is built
 * for) running {@code io.privateendpoint.proxy.ProxyMain} from the proxy module's jar and lib directory —
 * the classpath the image has, nothing of the test's — inside a network namespace of its own, with
 * {@code POD_IP} set to that namespace's address, so every replica binds the same ports on its own pod
 * IP as pods do. All start from one config text, as the ConfigMap mounts it.
 *
 * <p>The proxy module's build output is found through {@code -Dkpe.proxy.dir} (failsafe sets it to
 * proxy/target; e2e depends on the proxy module's pom so the reactor builds it first) and the JDK 17
 * through {@code -Dkpe.proxy.java}, else the first JDK 17 under /usr/lib/jvm, else /usr/bin/java if it is 17.
 */
public final class ProxyReplicas implements AutoCloseable {

  /** Ports in the config this harness waits on: the virtual cluster's bootstrap port. */
  private static final Pattern BOOTSTRAP_PORT = Pattern.compile("(?m)^\\s*bootstrapPort:\\s*(\\d+)\\s*$");

  private final NetworkNamespaces hosts;
  private final List<Integer> hostIndexes;
  private final Path work;
  private final Process[] processes;
  private final int[] bootstrapPorts;
  private final int[] starts;

  private ProxyReplicas(NetworkNamespaces hosts, List<Integer> hostIndexes, Path work) {
    this.hosts = hosts;
    this.hostIndexes = List.copyOf(hostIndexes);
    this.work = work;
    this.processes = new Process[hostIndexes.size()];
    this.bootstrapPorts = new int[hostIndexes.size()];
    this.starts = new int[hostIndexes.size()];
  }

  /** Starts one replica on each of the hosts, all from {@code configYaml}, and waits until each accepts on its bootstrap port. */
  public static ProxyReplicas start(NetworkNamespaces hosts, List<Integer> hostIndexes, String configYaml, Path work)
      throws IOException, InterruptedException {
    ProxyReplicas replicas = new ProxyReplicas(hosts, hostIndexes, work);
    try {
      for (int r = 0; r < hostIndexes.size(); r++) {
        replicas.launch(r, configYaml);
      }
      for (int r = 0; r < hostIndexes.size(); r++) {
        replicas.awaitReady(r);
      }
      return replicas;
    } catch (IOException | InterruptedException | RuntimeException e) {
      replicas.close();
      throw e;
    }
  }

  public int size() {
    return processes.length;
  }

  /** The replica's pod IP. */
  public String address(int replica) {
    return hosts.address(hostIndexes.get(replica));
  }

  /** The replica's address at {@code port}, as a load balancer targets it. */
  public InetSocketAddress target(int replica, int port) {
    return new InetSocketAddress(address(replica), port);
  }

  public boolean isAlive(int replica) {
    return processes[replica] != null && processes[replica].isAlive();
  }

  /** SIGKILL, as a node failure or an OOM kill would end the pod: no close, the kernel resets its connections. */
  public void kill(int replica) throws InterruptedException {
    Process process = processes[replica];
    if (process != null) {
      process.destroyForcibly();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("replica " + replica + " did not die");
      }
    }
  }

  /** SIGTERM, as the kubelet stops a pod; returns the exit code. */
  public int stop(int replica) throws InterruptedException {
    Process process = processes[replica];
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("replica " + replica + " did not stop on SIGTERM");
    }
    return process.exitValue();
  }

  /** Kills the replica if it runs and starts it again from {@code configYaml} (a rollout with a new ConfigMap), ready. */
  public void restart(int replica, String configYaml) throws IOException, InterruptedException {
    kill(replica);
    launch(replica, configYaml);
    awaitReady(replica);
  }

  /**
   * Waits until the replica accepts connections on its bootstrap port (the readiness probe's question) and
   * has logged its start line (the ports are bound a moment before it is written).
   */
  public void awaitReady(int replica) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    InetSocketAddress bootstrap = target(replica, bootstrapPorts[replica]);
    while (Instant.now().isBefore(deadline)) {
      if (!processes[replica].isAlive()) {
        throw new IllegalStateException("proxy replica " + replica + " exited " + processes[replica].exitValue() + ":\n"
            + log(replica));
      }
      try (Socket socket = new Socket()) {
        socket.connect(bootstrap, 1_000);
        if (log(replica).contains("proxy started")) {
          return;
        }
        Thread.sleep(100);
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("proxy replica " + replica + " did not accept on " + bootstrap + ":\n" + log(replica));
  }

  /** What the replica's current run printed. */
  public String log(int replica) throws IOException {
    Path log = logFile(replica);
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() {
    for (int r = 0; r < processes.length; r++) {
      try {
        kill(r);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // closing anyway
      }
    }
  }

  private void launch(int replica, String configYaml) throws IOException {
    Matcher port = BOOTSTRAP_PORT.matcher(configYaml);
    if (!port.find()) {
      throw new IllegalArgumentException("no bootstrapPort in the proxy config");
    }
    bootstrapPorts[replica] = Integer.parseInt(port.group(1));
    starts[replica]++;
    Path dir = Files.createDirectories(work.resolve("proxy-" + replica));
    Path config = dir.resolve("proxy.yaml");
    Files.writeString(config, configYaml);
    Path proxyDir = proxyBuild();
    List<String> command = new ArrayList<>(hosts.exec(hostIndexes.get(replica)));
    command.addAll(List.of(java17().toString(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        proxyDir.resolve("kpe-proxy.jar") + ":" + proxyDir.resolve("proxy-lib") + "/*",
        "io.privateendpoint.proxy.ProxyMain", config.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(logFile(replica).toFile());
    builder.environment().put("POD_IP", address(replica));
    processes[replica] = builder.start();
  }

  private Path logFile(int replica) {
    return work.resolve("proxy-" + replica).resolve("proxy-" + starts[replica] + ".log");
  }

  /** proxy/target of this build: kpe-proxy.jar and proxy-lib/. */
  static Path proxyBuild() {
    Path dir = Path.of(System.getProperty("kpe.proxy.dir",
        Path.of(System.getProperty("kpe.root", "..")).resolve("proxy/target").toString())).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("kpe-proxy.jar")) || !Files.isDirectory(dir.resolve("proxy-lib"))) {
      throw new IllegalStateException(dir + " has no kpe-proxy.jar and proxy-lib/: package the proxy module first");
    }
    return dir;
  }

  /** A Java 17 runtime: -Dkpe.proxy.java, else a JDK 17 under /usr/lib/jvm, else /usr/bin/java when it is 17. */
  static Path java17() throws IOException {
    String given = System.getProperty("kpe.proxy.java");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    Optional<Path> found = Optional.empty();
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        found = dirs.sorted().filter(dir -> isJava17(dir.resolve("release")))
            .map(dir -> dir.resolve("bin/java")).filter(Files::isExecutable).findFirst();
      }
    }
    if (found.isPresent()) {
      return found.get();
    }
    Path system = Path.of("/usr/bin/java").toRealPath();
    if (isJava17(system.getParent().getParent().resolve("release"))) {
      return system;
    }
    throw new IllegalStateException("no Java 17 found (set -Dkpe.proxy.java=<java binary>)");
  }

  private static boolean isJava17(Path release) {
    try {
      return Files.isRegularFile(release) && Files.readString(release).contains("JAVA_VERSION=\"17");
    } catch (IOException e) {
      return false;
    }
  }
}
