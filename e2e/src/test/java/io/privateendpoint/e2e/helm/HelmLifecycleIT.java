package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * helm install, upgrade (--reuse-values from an older chart, then a changed value) and uninstall on
 * the test API server. No controller runs there, so a Deployment makes no pods: the test asserts
 * the objects the release holds, and that the CRD outlives the release.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class HelmLifecycleIT {

  private static final String NAMESPACE = "kpe-lifecycle";
  private static final String RELEASE = "kpe";
  private static final String FULLNAME = "kpe-kafka-private-endpoint-operator";
  private static final String CRD = "kafkaprivateendpoints.kafka.privateendpoint.io";
  /** Keys the "older" chart's values.yaml lacks: nested keys a newer chart added. */
  private static final List<List<String>> ADDED_SINCE = List.of(List.of("leaderElection"), List.of("podDisruptionBudget"),
      List.of("topologySpread"), List.of("health"), List.of("crds"), List.of("metrics", "serviceMonitor"),
      List.of("metrics", "port"), List.of("serviceAccount", "gcp"), List.of("serviceAccount", "aws"), List.of("log", "format"));

  @Test
  void installUpgradeWithReusedValuesFromAnOlderChartAndUninstallKeepingTheCrd(TestCluster cluster) throws IOException {
    HelmCli helm = HelmCli.against(cluster);
    try (KubernetesClient client = cluster.newClient()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .serverSideApply();
      adoptCrdIfAppliedByHand(client);
      Path older = olderChart();
      try {
        // 1. An older chart: version 0.0.9, values.yaml without the keys added since, a CRD without the short name.
        String notes = helm.helm("install", RELEASE, older.toString(), "--namespace", NAMESPACE, "--set", "clusterName=lifecycle")
            .orFail("helm install").stdout();
        assertThat(notes).contains("It watches " + NAMESPACE + "; cluster name \"lifecycle\"")
            .contains("system:serviceaccount:" + NAMESPACE + ":" + FULLNAME)
            .contains("<project>.svc.id.goog[" + NAMESPACE + "/" + FULLNAME + "]")
            .contains("kubectl get kpe -A")
            .contains("{.status.endpoint}{\"\\n\"}{.status.bootstrapPorts}");
        Deployment installed = deployment(client);
        assertThat(installed.getMetadata().getLabels()).containsEntry("helm.sh/chart", "kafka-private-endpoint-operator-0.0.9");
        assertThat(installed.getSpec().getReplicas()).isEqualTo(2);
        assertThat(env(installed)).containsEntry("KPE_CLUSTER_NAME", "lifecycle")
            .containsEntry("KPE_WATCH_NAMESPACES", NAMESPACE)
            .containsEntry("KPE_LEADER_ELECTION", "true")
            .containsEntry("KPE_LEADER_ELECTION_NAMESPACE", NAMESPACE)
            .containsEntry("KPE_LEADER_ELECTION_LEASE", "kafka-private-endpoint-operator");
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNotNull();
        assertThat(client.serviceAccounts().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNotNull();
        assertThat(client.services().inNamespace(NAMESPACE).withName(FULLNAME + "-metrics").get()).isNotNull();
        assertThat(client.rbac().roles().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNotNull();
        assertThat(client.rbac().roles().inNamespace(NAMESPACE).withName(FULLNAME + "-leader-election").get()).isNotNull();
        assertThat(client.rbac().clusterRoles().withName(FULLNAME + "-nodes").get()).isNotNull();
        CustomResourceDefinition crd = crd(client);
        assertThat(crd.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep")
            .containsEntry("meta.helm.sh/release-name", RELEASE);
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("kpeold");

        // 2. This chart with --reuse-values: Helm renders it with the older chart's values, where the
        //    nested keys added since are missing; the templates' defaults fill them in.
        helm.helm("upgrade", RELEASE, HelmCli.CHART.toString(), "--namespace", NAMESPACE, "--reuse-values",
            "--set", "log.level=debug").orFail("helm upgrade --reuse-values");
        Map<String, Object> computed = Serialization.unmarshal(helm.helm("get", "values", RELEASE, "--namespace", NAMESPACE,
            "--all", "--output", "json").orFail("helm get values").stdout(), Map.class);
        assertThat(computed).as("the upgrade ran on the older chart's values").doesNotContainKeys("leaderElection", "health");
        Deployment upgraded = deployment(client);
        assertThat(upgraded.getMetadata().getLabels()).containsEntry("helm.sh/chart", "kafka-private-endpoint-operator-0.1.0");
        assertThat(env(upgraded)).containsEntry("KPE_CLUSTER_NAME", "lifecycle")
            .containsEntry("KPE_LOG_LEVEL", "debug")
            .containsEntry("KPE_LOG_FORMAT", "text")
            .containsEntry("KPE_LEADER_ELECTION_LEASE", "kafka-private-endpoint-operator")
            .containsEntry("KPE_HEALTH_PORT", "8081")
            .containsEntry("KPE_METRICS_PORT", "8080");
        assertThat(upgraded.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).hasSize(2);
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNotNull();
        assertThat(crd(client).getSpec().getNames().getShortNames()).as("the upgrade updated the CRD").containsExactly("kpe");

        // 3. A changed value: one replica, so no PodDisruptionBudget.
        helm.helm("upgrade", RELEASE, HelmCli.CHART.toString(), "--namespace", NAMESPACE, "--reuse-values",
            "--set", "replicaCount=1").orFail("helm upgrade replicaCount=1");
        assertThat(deployment(client).getSpec().getReplicas()).isEqualTo(1);
        assertThat(env(deployment(client))).containsEntry("KPE_LOG_LEVEL", "debug");
        assertThat(client.policy().v1().podDisruptionBudget().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNull();

        // 4. Uninstall: everything goes but the CRD.
        helm.helm("uninstall", RELEASE, "--namespace", NAMESPACE).orFail("helm uninstall");
        assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNull();
        assertThat(client.serviceAccounts().inNamespace(NAMESPACE).withName(FULLNAME).get()).isNull();
        assertThat(client.services().inNamespace(NAMESPACE).withName(FULLNAME + "-metrics").get()).isNull();
        assertThat(client.rbac().roles().inNamespace(NAMESPACE).list().getItems()).isEmpty();
        assertThat(client.rbac().clusterRoles().withName(FULLNAME + "-nodes").get()).isNull();
        assertThat(client.rbac().clusterRoleBindings().withName(FULLNAME + "-nodes").get()).isNull();
        assertThat(crd(client)).as("the CRD outlives the release").isNotNull();
        assertThat(crd(client).getMetadata().getDeletionTimestamp()).isNull();
      } finally {
        HelmRenderIT.ChartCopies.delete(older);
        ProjectCrds.install(client); // crds/ as the other tests expect it, whatever happened above
      }
    }
  }

  /**
   * Helm 4 installs, upgrades and uninstalls the chart as Helm 3 does. The CRD stays with the Helm 3
   * release of the test above (crds.install=false here), so this is about the rest of the chart.
   */
  @Test
  void helm4InstallsUpgradesAndUninstalls(TestCluster cluster) {
    HelmCli helm4 = HelmCli.againstHelm4(cluster);
    String namespace = "kpe-helm4";
    String fullname = "kpe4-kafka-private-endpoint-operator";
    try (KubernetesClient client = cluster.newClient()) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .serverSideApply();
      assertThat(helm4.helm("version", "--short").orFail("helm version").stdout()).startsWith("v4.");
      helm4.helm("install", "kpe4", HelmCli.CHART.toString(), "--namespace", namespace, "--set", "crds.install=false",
          "--set", "clusterName=helm4").orFail("helm 4 install");
      Deployment installed = client.apps().deployments().inNamespace(namespace).withName(fullname).get();
      assertThat(env(installed)).containsEntry("KPE_CLUSTER_NAME", "helm4").containsEntry("KPE_LEADER_ELECTION", "true");
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(fullname).get()).isNotNull();

      helm4.helm("upgrade", "kpe4", HelmCli.CHART.toString(), "--namespace", namespace, "--reuse-values",
          "--set", "replicaCount=1").orFail("helm 4 upgrade");
      assertThat(client.apps().deployments().inNamespace(namespace).withName(fullname).get().getSpec().getReplicas()).isEqualTo(1);
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(fullname).get()).isNull();

      helm4.helm("uninstall", "kpe4", "--namespace", namespace).orFail("helm 4 uninstall");
      assertThat(client.apps().deployments().inNamespace(namespace).withName(fullname).get()).isNull();
      assertThat(client.rbac().roles().inNamespace(namespace).list().getItems()).isEmpty();
      assertThat(client.rbac().clusterRoles().withName(fullname + "-nodes").get()).isNull();
    }
  }

  /** What the chart README tells users coming from `kubectl apply -f crds/` (as the other tests install it). */
  private static void adoptCrdIfAppliedByHand(KubernetesClient client) {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
    if (crd != null) {
      client.apiextensions().v1().customResourceDefinitions().withName(CRD).edit(c -> {
        Map<String, String> labels = new LinkedHashMap<>(c.getMetadata().getLabels() == null ? Map.of() : c.getMetadata().getLabels());
        Map<String, String> annotations = new LinkedHashMap<>(
            c.getMetadata().getAnnotations() == null ? Map.of() : c.getMetadata().getAnnotations());
        labels.put("app.kubernetes.io/managed-by", "Helm");
        annotations.put("meta.helm.sh/release-name", RELEASE);
        annotations.put("meta.helm.sh/release-namespace", NAMESPACE);
        c.getMetadata().setLabels(labels);
        c.getMetadata().setAnnotations(annotations);
        return c;
      });
    }
  }

  /** The chart as an older version would have been: nested keys added since are missing from its values.yaml. */
  @SuppressWarnings("unchecked")
  private static Path olderChart() throws IOException {
    Map<String, Object> values = Serialization.unmarshal(Files.readString(HelmCli.CHART.resolve("values.yaml")), Map.class);
    for (List<String> path : ADDED_SINCE) {
      Map<String, Object> parent = values;
      for (String key : path.subList(0, path.size() - 1)) {
        parent = (Map<String, Object>) parent.get(key);
      }
      assertThat(parent.remove(path.getLast())).as("values.yaml has %s", path).isNotNull();
    }
    String chartYaml = Files.readString(HelmCli.CHART.resolve("Chart.yaml")).replace("\nversion: 0.1.0\n", "\nversion: 0.0.9\n");
    String crdFile = "files/crds/kafkaprivateendpoints.kafka.privateendpoint.io-v1.yml";
    String crd = Files.readString(HelmCli.CHART.resolve(crdFile)).replace("    - \"kpe\"\n", "    - \"kpeold\"\n");
    return HelmRenderIT.ChartCopies.copy(Map.of("values.yaml", Serialization.asYaml(values), "Chart.yaml", chartYaml,
        crdFile, crd));
  }

  private static Deployment deployment(KubernetesClient client) {
    Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(FULLNAME).get();
    assertThat(deployment).as("deployment %s/%s", NAMESPACE, FULLNAME).isNotNull();
    return deployment;
  }

  private static CustomResourceDefinition crd(KubernetesClient client) {
    return client.apiextensions().v1().customResourceDefinitions().withName(CRD).get();
  }

  private static Map<String, String> env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b, LinkedHashMap::new));
  }
}
