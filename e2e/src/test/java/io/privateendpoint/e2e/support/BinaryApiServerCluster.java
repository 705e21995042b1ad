package io.privateendpoint.e2e.support;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * kube-apiserver + etcd as local processes through fabric8 kube-api-test, in offline mode: the
 * binaries come from e2e/kube-binaries/build.sh (built with Go from the module proxy), never
 * from a download. Only the API server runs — no controller-manager, scheduler or kubelet —
 * so tests create Nodes and Pods themselves and namespaces never finish terminating.
 */
final class BinaryApiServerCluster implements TestCluster {

  private final KubeAPIServer server;
  private final String version;
  private final String kubeConfigYaml;

  private BinaryApiServerCluster(KubeAPIServer server, String version) {
    this.server = server;
    this.version = version;
    this.kubeConfigYaml = server.getKubeConfigYaml();
  }

  static BinaryApiServerCluster start(Path projectRoot, String version) {
    Path testDir = testDir();
    ensureBinaries(projectRoot, testDir, version);
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(testDir.toString())
        .withApiServerVersion(version)
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .build());
    server.start();
    return new BinaryApiServerCluster(server, version);
  }

  @Override
  public String kubeConfigYaml() {
    return kubeConfigYaml;
  }

  @Override
  public String description() {
    return "kube-apiserver " + version + " + etcd (kube-api-test, local binaries)";
  }

  @Override
  public void close() {
    server.stop();
  }

  private static Path testDir() {
    String dir = System.getenv(KubeAPIServerConfigBuilder.KUBE_API_TEST_DIR);
    return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), KubeAPIServerConfigBuilder.DIRECTORY_NAME);
  }

  /** The test command builds the binaries up front; this covers a test started from an IDE. */
  private static void ensureBinaries(Path projectRoot, Path testDir, String version) {
    Path dir = testDir.resolve("k8s").resolve(version + "-linux-amd64");
    if (Files.isExecutable(dir.resolve("kube-apiserver")) && Files.isExecutable(dir.resolve("etcd"))
        && Files.exists(dir.resolve("kubectl"))) {
      return;
    }
    Path script = projectRoot.resolve("e2e/kube-binaries/build.sh");
    try {
      Process build = new ProcessBuilder("bash", script.toString()).inheritIO()
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      if (!build.waitFor(30, TimeUnit.MINUTES) || build.exitValue() != 0) {
        throw new IllegalStateException(script + " failed; the tests need kube-apiserver and etcd " + version + " in " + dir);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building kube binaries", e);
    }
  }
}
