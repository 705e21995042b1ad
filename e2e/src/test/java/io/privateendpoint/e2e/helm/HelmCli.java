package io.privateendpoint.e2e.helm;

import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real helm CLI (built by e2e/kube-binaries/build-helm.sh from the Go module proxy) and the
 * machine's kubectl, run as processes the way a user runs them; against the test API server
 * through a kubeconfig file written from its kubeconfig YAML.
 */
final class HelmCli {

  static final Path CHART = KubernetesApiServerExtension.projectRoot().resolve("helm/kafka-private-endpoint-operator");
  static final String HELM3 = System.getProperty("kpe.helm.version", "3.22.0");
  static final String HELM4 = System.getProperty("kpe.helm4.version", "4.3.1");

  /** What a process said and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    Result orFail(String what) {
      if (!ok()) {
        throw new AssertionError(what + " exited " + exitCode + ":\n" + stderr + stdout);
      }
      return this;
    }
  }

  private final Path kubeconfig;
  private final String version;

  private HelmCli(Path kubeconfig, String version) {
    this.kubeconfig = kubeconfig;
    this.version = version;
  }

  /** For commands that need no cluster (lint, template). */
  static HelmCli offline() {
    return new HelmCli(null, HELM3);
  }

  /** The same with Helm 4, which must render the chart as Helm 3 does. */
  static HelmCli offlineHelm4() {
    return new HelmCli(null, HELM4);
  }

  static HelmCli against(TestCluster cluster) {
    return against(cluster, HELM3);
  }

  /** Helm 4 against the cluster: the chart must install, upgrade and uninstall with it too. */
  static HelmCli againstHelm4(TestCluster cluster) {
    return against(cluster, HELM4);
  }

  private static HelmCli against(TestCluster cluster, String version) {
    try {
      Path file = Files.createTempFile("kpe-helm-kubeconfig", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, cluster.kubeConfigYaml());
      return new HelmCli(file, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Result helm(String... args) {
    List<String> command = new ArrayList<>(List.of(binary(version).toString()));
    command.addAll(List.of(args));
    return run(command, null);
  }

  Result kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl"));
    command.addAll(List.of(args));
    return run(command, stdin);
  }

  /** helm template of the chart (or another chart directory) with a release name and namespace. */
  Result template(Path chart, String release, String namespace, String... extra) {
    List<String> args = new ArrayList<>(List.of("template", release, chart.toString(), "--namespace", namespace));
    args.addAll(List.of(extra));
    return helm(args.toArray(String[]::new));
  }

  private Result run(List<String> command, String stdin) {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    // Helm keeps its own state per user: keep it out of the user's home and off any real cluster.
    Path home = Path.of(System.getProperty("java.io.tmpdir"), "kpe-helm-home");
    env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
    env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
    env.put("HELM_DATA_HOME", home.resolve("data").toString());
    if (kubeconfig != null) {
      env.put("KUBECONFIG", kubeconfig.toString());
    } else {
      env.put("KUBECONFIG", home.resolve("no-cluster").toString());
    }
    try {
      Process process = builder.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!process.waitFor(3, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 3 minutes");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The built helm; built now when missing (a test started from an IDE: the test command builds it up front). */
  static synchronized Path binary(String version) {
    String dir = System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR);
    Path testDir = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), KubeAPIServerConfigBuilder.DIRECTORY_NAME);
    Path helm = testDir.resolve("helm").resolve(version).resolve("helm");
    if (Files.isExecutable(helm)) {
      return helm;
    }
    Path script = KubernetesApiServerExtension.projectRoot().resolve("e2e/kube-binaries/build-helm.sh");
    try {
      ProcessBuilder build = new ProcessBuilder("bash", script.toString()).inheritIO();
      build.environment().put("KPE_HELM_VERSION", version);
      Process process = build.start();
      if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0 || !Files.isExecutable(helm)) {
        throw new IllegalStateException(script + " failed; the chart's tests need helm " + version + " in " + helm);
      }
      return helm;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
