package io.privateendpoint.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the same local API server the tests use and keeps it up for hack/run-local.sh:
 * {@code LocalApiServer <kubeconfig-path>} writes a kubeconfig there once the server answers and
 * runs until it is terminated.
 */
public final class LocalApiServer {

  private LocalApiServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LocalApiServer <kubeconfig-path>");
      System.exit(2);
    }
    String version = System.getProperty("kpe.kubernetes.version", "1.34.1");
    BinaryApiServerCluster cluster = BinaryApiServerCluster.start(KubernetesApiServerExtension.projectRoot(), version);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.close();
      stopped.countDown();
    }, "stop-local-api-server"));
    Path kubeconfig = Path.of(args[0]);
    Path partial = kubeconfig.resolveSibling(kubeconfig.getFileName() + ".tmp");
    Files.writeString(partial, cluster.kubeConfigYaml());
    Files.move(partial, kubeconfig, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    System.out.println("local API server up: " + cluster.description() + "; kubeconfig " + kubeconfig);
    stopped.await();
  }
}
