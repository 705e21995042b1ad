package io.privateendpoint.e2e.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a container, where a Docker engine answers. k3s runs the controllers the binary API
 * server lacks; tests must depend on neither behaviour.
 */
final class K3sCluster implements TestCluster {

  private final K3sContainer container;

  private K3sCluster(K3sContainer container) {
    this.container = container;
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  static K3sCluster start(String version) {
    K3sContainer container = new K3sContainer(DockerImageName.parse("rancher/k3s:v" + version + "-k3s1"));
    container.start();
    return new K3sCluster(container);
  }

  @Override
  public String kubeConfigYaml() {
    return container.getKubeConfigYaml();
  }

  @Override
  public String description() {
    return "k3s " + container.getDockerImageName() + " (Testcontainers)";
  }

  @Override
  public void close() {
    container.stop();
  }
}
