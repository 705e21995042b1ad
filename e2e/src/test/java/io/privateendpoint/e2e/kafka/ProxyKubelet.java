package io.privateendpoint.e2e.kafka;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.proxy.ProxyResources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the Deployment controller and the kubelet do for an endpoint's proxy, on this machine: the
 * Deployment the operator wrote is run as real Kroxylicious JVMs (ProxyReplicas), one per host of a
 * network namespace, from the ConfigMap the operator wrote, and reported back as Pods (IP, node,
 * Ready) and as the Deployment's status. A changed configuration (a new broker) rolls the replicas
 * one at a time, as maxUnavailable 0 / maxSurge 1 does.
 */
public final class ProxyKubelet implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final NetworkNamespaces hosts;
  private final List<Integer> hostIndexes;
  private final List<String> nodes;
  private final Path work;
  private ProxyReplicas replicas;
  private String runningHash;

  /**
   * @param hostIndexes the network-namespace hosts the replicas run on (their addresses are the pod IPs)
   * @param nodes       the Kubernetes Node of each replica, in the same order
   */
  public ProxyKubelet(KubernetesClient client, KafkaPrivateEndpoint endpoint, NetworkNamespaces hosts,
      List<Integer> hostIndexes, List<String> nodes, Path work) {
    this.client = client;
    this.namespace = endpoint.getMetadata().getNamespace();
    this.name = ProxyResources.name(endpoint);
    this.hosts = hosts;
    this.hostIndexes = List.copyOf(hostIndexes);
    this.nodes = List.copyOf(nodes);
    this.work = work;
  }

  /** Waits for the operator's Deployment and ConfigMap, starts every replica from them, reports pods and status. */
  public ProxyKubelet start(Duration timeout) throws IOException, InterruptedException {
    Deployment deployment = awaitDeployment(timeout);
    String config = config();
    replicas = ProxyReplicas.start(hosts, hostIndexes, config, work);
    runningHash = hash(deployment);
    for (int r = 0; r < hostIndexes.size(); r++) {
      pod(r, true);
    }
    reportRolledOut();
    return this;
  }

  public ProxyReplicas replicas() {
    return replicas;
  }

  /** The pod name of replica {@code r}. */
  public String podName(int r) {
    return name + "-" + r;
  }

  /** The hash of the configuration the replicas run (the pod template's annotation when they started). */
  public String runningHash() {
    return runningHash;
  }

  /**
   * Once the operator's pod template carries another configuration hash, restarts the replicas one
   * at a time with the ConfigMap's new content, each ready before the next goes (maxUnavailable 0).
   */
  public void rollWhenChanged(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    while (hash(deployment).equals(runningHash)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the proxy's configuration did not change within " + timeout);
      }
      Thread.sleep(200);
      deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    }
    String config = config();
    for (int r = 0; r < hostIndexes.size(); r++) {
      pod(r, false);
      replicas.restart(r, config);
      pod(r, true);
    }
    runningHash = hash(deployment);
    reportRolledOut();
  }

  /** The pod dies (SIGKILL) and the kubelet reports it not ready, as its failing probes would. */
  public void kill(int r) throws InterruptedException {
    replicas.kill(r);
    pod(r, false);
  }

  /** The kubelet restarts a dead pod: replica {@code r} runs the current configuration again and is ready. */
  public void revive(int r) throws IOException, InterruptedException {
    replicas.restart(r, config());
    pod(r, true);
  }

  private Deployment awaitDeployment(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      if (d != null && cm != null) {
        return d;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the operator made no proxy Deployment " + namespace + "/" + name + " within " + timeout);
  }

  private String config() {
    return client.configMaps().inNamespace(namespace).withName(name).get().getData().get(ProxyResources.CONFIG_KEY);
  }

  private static String hash(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getAnnotations().get(ProxyResources.CONFIG_HASH_ANNOTATION);
  }

  /** Creates or updates replica {@code r}'s Pod with its IP, node and readiness. */
  private void pod(int r, boolean ready) {
    Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
    Pod pod = client.resource(new PodBuilder().withNewMetadata().withName(podName(r)).withNamespace(namespace)
        .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
        .withAnnotations(d.getSpec().getTemplate().getMetadata().getAnnotations()).endMetadata()
        .withNewSpec().withNodeName(nodes.get(r)).addNewContainer().withName("proxy").withImage("kpe-proxy:test").endContainer()
        .endSpec().build()).createOr(p -> p.update());
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(p -> new PodBuilder(p)
        .editOrNewStatus().withPodIP(hosts.address(hostIndexes.get(r))).withPhase("Running")
        .withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus(ready ? "True" : "False").build()).endStatus().build());
  }

  /** The Deployment controller's report: every replica updated and ready for the current generation. */
  private void reportRolledOut() {
    int n = hostIndexes.size();
    client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> new DeploymentBuilder(d)
        .editOrNewStatus().withObservedGeneration(d.getMetadata().getGeneration()).withReplicas(n).withReadyReplicas(n)
        .withUpdatedReplicas(n).withAvailableReplicas(n).endStatus().build());
  }

  @Override
  public void close() {
    if (replicas != null) {
      replicas.close();
    }
  }
}
