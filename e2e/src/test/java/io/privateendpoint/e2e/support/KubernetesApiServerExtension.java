package io.privateendpoint.e2e.support;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way integration tests get Kubernetes: a real API server, one per test JVM, shared by
 * every test class and stopped when the run ends. k3s through Testcontainers where a Docker engine
 * answers; otherwise kube-apiserver + etcd through kube-api-test from locally built binaries.
 * fabric8's mock server is never used: it is not a cluster.
 *
 * <p>Use {@code @ExtendWith(KubernetesApiServerExtension.class)} and take a {@link TestCluster}
 * parameter, or call {@link #cluster()} where a client is needed before callbacks run (a static
 * {@code @RegisterExtension} field, as JOSDK's LocallyRunOperatorExtension needs).
 */
public final class KubernetesApiServerExtension implements BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesApiServerExtension.class);
  private static final String K8S_VERSION = System.getProperty("kpe.kubernetes.version", "1.34.1");
  private static TestCluster shared;

  /** The JVM's cluster, started on first use. */
  public static synchronized TestCluster cluster() {
    if (shared == null) {
      long start = System.nanoTime();
      boolean k3s = !"binary".equals(System.getProperty("kpe.cluster")) && K3sCluster.dockerAvailable();
      shared = k3s ? K3sCluster.start(K8S_VERSION) : BinaryApiServerCluster.start(projectRoot(), K8S_VERSION);
      LOG.info("started {} in {} ms", shared.description(), (System.nanoTime() - start) / 1_000_000);
      // Backstop for runs that end without JUnit's root store closing (e.g. a killed fork).
      Runtime.getRuntime().addShutdownHook(new Thread(KubernetesApiServerExtension::stop, "stop-test-cluster"));
    }
    return shared;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster();
    // The root store closes its values when the whole run ends, not after this class.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KubernetesApiServerExtension.class, k -> new Stopper(), Stopper.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster();
  }

  public static Path projectRoot() {
    return Path.of(System.getProperty("kpe.root", "..")).toAbsolutePath().normalize();
  }

  private static synchronized void stop() {
    if (shared != null) {
      shared.close();
      shared = null;
    }
  }

  private static final class Stopper implements AutoCloseable {
    @Override
    public void close() {
      stop();
    }
  }
}
