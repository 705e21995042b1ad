package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.e2e.support.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Least privilege, asked of the API server's own authorizer: after `helm install` with
 * watchNamespaces [brokers], `kubectl auth can-i --as=system:serviceaccount:…` for what the operator
 * must and must not do. Writes only where brokers live; no Secrets anywhere (rbac.readSecrets is off by default).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class HelmRbacIT {

  private static final String NAMESPACE = "kpe-rbac";
  private static final String RELEASE = "rbac";
  private static final String SERVICE_ACCOUNT = "system:serviceaccount:" + NAMESPACE + ":rbac-kafka-private-endpoint-operator";
  private static HelmCli helm;

  @BeforeAll
  static void install(TestCluster cluster) {
    helm = HelmCli.against(cluster);
    try (KubernetesClient client = cluster.newClient()) {
      // kubectl auth can-i resolves a resource by discovery: the kinds must be served.
      ProjectCrds.install(client);
      StrimziCrds.install(client);
      for (String ns : List.of(NAMESPACE, "brokers", "elsewhere")) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .serverSideApply();
      }
    }
    // The CRD belongs to whichever release installed it; this one only needs the RBAC.
    helm.helm("install", RELEASE, HelmCli.CHART.toString(), "--namespace", NAMESPACE,
        "--set", "watchNamespaces={brokers}", "--set", "crds.install=false").orFail("helm install");
  }

  @AfterAll
  static void uninstall() {
    helm.helm("uninstall", RELEASE, "--namespace", NAMESPACE).orFail("helm uninstall");
  }

  @ParameterizedTest(name = "can-i {0} {1} in {2}: {3}")
  @CsvSource(delimiter = '|', value = {
      // Nothing reads a Secret.
      "get     | secrets                                    | *           | no",
      "list    | secrets                                    | *           | no",
      "watch   | secrets                                    | brokers     | no",
      "get     | secrets                                    | brokers     | no",
      "list    | secrets                                    | kpe-rbac    | no",
      // ConfigMaps are written where brokers live, nowhere else.
      "create  | configmaps                                 | brokers     | yes",
      "update  | configmaps                                 | brokers     | yes",
      "delete  | configmaps                                 | brokers     | yes",
      "patch   | configmaps                                 | brokers     | no",
      "create  | configmaps                                 | kube-system | no",
      "update  | configmaps                                 | kube-system | no",
      "patch   | configmaps                                 | kube-system | no",
      "delete  | configmaps                                 | kube-system | no",
      "create  | configmaps                                 | elsewhere   | no",
      "update  | configmaps                                 | elsewhere   | no",
      "patch   | configmaps                                 | elsewhere   | no",
      "delete  | configmaps                                 | elsewhere   | no",
      "create  | configmaps                                 | *           | no",
      // Proxy mode: the proxy's Deployment and PodDisruptionBudget, where brokers live only; never patched.
      "create  | deployments.apps                           | brokers     | yes",
      "update  | deployments.apps                           | brokers     | yes",
      "delete  | deployments.apps                           | brokers     | yes",
      "create  | deployments.apps                           | elsewhere   | no",
      "update  | deployments.apps                           | kube-system | no",
      "create  | poddisruptionbudgets.policy                | brokers     | yes",
      "create  | poddisruptionbudgets.policy                | elsewhere   | no",
      // StatefulSets are patched in brokers only; Deployments never.
      "patch   | statefulsets.apps                          | brokers     | yes",
      "update  | statefulsets.apps                          | brokers     | no",
      "patch   | statefulsets.apps                          | elsewhere   | no",
      "patch   | statefulsets.apps                          | kube-system | no",
      "patch   | statefulsets.apps                          | *           | no",
      "patch   | deployments.apps                           | brokers     | no",
      "patch   | deployments.apps                           | kpe-rbac    | no",
      "patch   | deployments.apps                           | *           | no",
      // Services for AWS instance targets, in brokers.
      "create  | services                                   | brokers     | yes",
      "watch   | services                                   | brokers     | yes",
      "watch   | services                                   | elsewhere   | no",
      "watch   | poddisruptionbudgets.policy                | brokers     | yes",
      "delete  | services                                   | brokers     | yes",
      "patch   | services                                   | brokers     | no",
      "create  | services                                   | elsewhere   | no",
      // Strimzi's Kafka CR: one listener entry, patched.
      "patch   | kafkas.kafka.strimzi.io                    | brokers     | yes",
      "patch   | kafkas.kafka.strimzi.io                    | elsewhere   | no",
      "patch   | kafkanodepools.kafka.strimzi.io            | brokers     | no",
      "list    | kafkanodepools.kafka.strimzi.io            | brokers     | yes",
      // Its own resource, where it watches.
      "watch   | kafkaprivateendpoints.kafka.privateendpoint.io | brokers | yes",
      "patch   | kafkaprivateendpoints.kafka.privateendpoint.io | brokers | yes",
      "delete  | kafkaprivateendpoints.kafka.privateendpoint.io | brokers | no",
      "list    | kafkaprivateendpoints.kafka.privateendpoint.io | elsewhere | no",
      "list    | kafkaprivateendpoints.kafka.privateendpoint.io | *       | no",
      "create  | events                                     | brokers     | yes",
      "create  | events                                     | elsewhere   | no",
      "list    | pods                                       | brokers     | yes",
      "get     | pods                                       | brokers     | no",
      "list    | pods                                       | elsewhere   | no",
      // Nodes, read-only, cluster-wide.
      "get     | nodes                                      | -           | no",
      "list    | nodes                                      | -           | yes",
      "watch   | nodes                                      | -           | yes",
      "patch   | nodes                                      | -           | no",
      // Its Lease, in its own namespace.
      "create  | leases.coordination.k8s.io                 | kpe-rbac    | yes",
      "get     | leases.coordination.k8s.io/kafka-private-endpoint-operator | kpe-rbac | yes",
      "update  | leases.coordination.k8s.io/kafka-private-endpoint-operator | kpe-rbac | yes",
      "patch   | leases.coordination.k8s.io/kafka-private-endpoint-operator | kpe-rbac | yes",
      "update  | leases.coordination.k8s.io/someone-elses-lease | kpe-rbac | no",
      "update  | leases.coordination.k8s.io/kafka-private-endpoint-operator | brokers | no",
      "delete  | leases.coordination.k8s.io/kafka-private-endpoint-operator | kpe-rbac | no",
  })
  void serviceAccountMay(String verb, String resource, String namespace, String expected) {
    List<String> args = new ArrayList<>(List.of("auth", "can-i", verb, resource, "--as=" + SERVICE_ACCOUNT));
    switch (namespace) {
      case "*" -> args.add("--all-namespaces");
      case "-" -> { } // cluster-scoped
      default -> args.addAll(List.of("--namespace", namespace));
    }
    HelmCli.Result answer = helm.kubectl(null, args.toArray(String[]::new));
    // kubectl auth can-i: "yes" and exit 0, or "no" and exit 1.
    assertThat(answer.stdout().strip()).as("kubectl %s\n%s", String.join(" ", args), answer.stderr()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "can-i patch kafkaprivateendpoints/status in {0}: {1}")
  @CsvSource({"brokers, yes", "elsewhere, no"})
  void statusIsPatchedWhereEndpointsAreWatched(String namespace, String expected) {
    HelmCli.Result answer = helm.kubectl(null, "auth", "can-i", "patch", "kafkaprivateendpoints.kafka.privateendpoint.io",
        "--subresource=status", "--namespace", namespace, "--as=" + SERVICE_ACCOUNT);
    assertThat(answer.stdout().strip()).isEqualTo(expected);
  }
}
