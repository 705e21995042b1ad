package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** A real Kubernetes API server the tests talk to. */
public interface TestCluster extends AutoCloseable {

  /** A kubeconfig for the cluster's admin user. */
  String kubeConfigYaml();

  /** What serves the API, for logs: "kube-api-test 1.34.1 (binaries)" or "k3s …". */
  String description();

  /** A new client each time: JOSDK's test extension closes the clients it is given. */
  default KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeConfigYaml())).build();
  }

  @Override
  void close();
}
