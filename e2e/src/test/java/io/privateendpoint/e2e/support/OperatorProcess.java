package io.privateendpoint.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator jar (operator/target/kafka-private-endpoint-operator.jar, built in the operator's
 * package phase) run as its own JVM, as in a pod: KUBECONFIG for the tests' API server, settings
 * from environment variables as the Helm chart sets them, its health and metrics ports free ports
 * of this machine. Its log goes to e2e/target/operator-&lt;name&gt;.log. The JVM runs with the image's
 * flags (config/jvm/operator-flags) and, as a container would, sees the chart's default memory limit
 * as its RAM (-XX:MaxRAM, the value of resources.limits.memory in the chart's values.yaml): heap and
 * RSS here are what a pod of the chart's defaults gets.
 */
public final class OperatorProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final Process process;
  private final int healthPort;
  private final int metricsPort;
  private final Path log;

  private OperatorProcess(String name, Process process, int healthPort, int metricsPort, Path log) {
    this.name = name;
    this.process = process;
    this.healthPort = healthPort;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  public static Path jar() {
    Path jar = KubernetesApiServerExtension.projectRoot().resolve("operator/target/kafka-private-endpoint-operator.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the operator module's package phase builds it (mvn verify does)");
    }
    return jar;
  }

  /**
   * @param name this replica's pod name (POD_NAME, its identity in the Lease) and log file name
   * @param env  settings and cloud environment (KPE_*, AWS_*), added to KUBECONFIG, POD_NAME and the ports
   */
  public static OperatorProcess start(String name, Map<String, String> env, String... flags) {
    return start(name, KubernetesApiServerExtension.cluster().kubeConfigYaml(), env, flags);
  }

  /** As above, reaching the API server with {@code kubeconfigYaml} (e.g. a ServiceAccount's token). */
  public static OperatorProcess start(String name, String kubeconfigYaml, Map<String, String> env, String... flags) {
    try {
      Path work = Path.of("target").toAbsolutePath();
      Files.createDirectories(work);
      Path kubeconfig = work.resolve("kubeconfig-" + name);
      Files.writeString(kubeconfig, kubeconfigYaml);
      int health = freePort();
      int metrics = freePort();
      Path log = work.resolve("operator-" + name + ".log");
      // kpe.operator.java: another JVM's command, e.g. the image's own runtime (hack/bench.sh --scale runs that).
      String java = System.getProperty("kpe.operator.java", ProcessHandle.current().info().command().orElse("java"));
      List<String> command = new ArrayList<>(List.of(java.strip().split("\\s+")));
      command.addAll(jvmFlags());
      command.add("-XX:MaxRAM=" + chartMemoryLimit());
      command.addAll(List.of("-jar", jar().toString()));
      command.addAll(List.of(flags));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      // Nothing of the test JVM's AWS settings leaks in: the operator gets exactly what env says.
      builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KPE_"));
      builder.environment().putAll(jvmEnvironment());
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      builder.environment().put("POD_NAME", name);
      builder.environment().put("KPE_HEALTH_PORT", String.valueOf(health));
      builder.environment().put("KPE_METRICS_PORT", String.valueOf(metrics));
      // The suite's brokers are simulated (their pod IPs lead nowhere): no listener check unless env asks.
      builder.environment().put("KPE_VERIFY_LISTENERS", "false");
      builder.environment().putAll(env);
      return new OperatorProcess(name, builder.start(), health, metrics, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the operator jar", e);
    }
  }

  /** The image's JVM flags, from config/jvm/operator-flags (hack/build-image.sh reads the same file). */
  public static List<String> jvmFlags() {
    return jvmSettings().stream().filter(l -> l.startsWith("-")).toList();
  }

  /** The environment the image sets for the JVM (NAME=value lines of config/jvm/operator-flags, e.g. MALLOC_ARENA_MAX). */
  public static Map<String, String> jvmEnvironment() {
    return jvmSettings().stream().filter(l -> !l.startsWith("-"))
        .collect(java.util.stream.Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  private static List<String> jvmSettings() {
    Path file = KubernetesApiServerExtension.projectRoot().resolve("config/jvm/operator-flags");
    try {
      return Files.readAllLines(file).stream().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The chart's default resources.limits.memory as a JVM size (512Mi → 512m). */
  public static String chartMemoryLimit() {
    Path values = KubernetesApiServerExtension.projectRoot().resolve("helm/kafka-private-endpoint-operator/values.yaml");
    try {
      Matcher m = Pattern.compile("(?ms)^resources:.*?^  limits:.*?^    memory: *(\\d+)(Mi|Gi)\\s*$").matcher(Files.readString(values));
      if (!m.find()) {
        throw new IllegalStateException(values + " has no resources.limits.memory in Mi or Gi");
      }
      return m.group(1) + (m.group(2).equals("Gi") ? "g" : "m");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + values, e);
    }
  }

  public String name() {
    return name;
  }

  public Path log() {
    return log;
  }

  /** The JVM's process id, for /proc/&lt;pid&gt;/status. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** GET on the health port: "status body", or "down: …" when nothing answers. */
  public String health(String path) {
    return get(healthPort, path);
  }

  /** One scrape of /metrics; fails when it does not answer 200. */
  public PrometheusText metrics() {
    String reply = get(metricsPort, "/metrics");
    if (!reply.startsWith("200 ")) {
      throw new IllegalStateException(name + " /metrics answered " + reply.lines().findFirst().orElse(""));
    }
    return PrometheusText.parse(reply.substring(4));
  }

  private static String get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "down: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "down: interrupted";
    }
  }

  /** SIGKILL: the JVM gets no chance to release anything, as when a node dies. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
