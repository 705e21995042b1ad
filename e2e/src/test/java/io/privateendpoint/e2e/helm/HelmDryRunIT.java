package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.TestCluster;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object of every golden scenario passes the real API server's validation: `helm template |
 * kubectl apply --server-side --dry-run=server --validate=strict` (`helm install --dry-run=server` validates
 * nothing, helm/helm#12510). Strict field validation refuses an unknown or misplaced field, which a
 * client-side check would let through. The ServiceMonitor's CRD is a minimal stand-in
 * (resources/helm/servicemonitor-crd-minimal.yaml).
 */
@ExtendWith(KubernetesApiServerExtension.class)
class HelmDryRunIT {

  private static HelmCli helm;
  private static KubernetesClient client;

  @BeforeAll
  static void serviceMonitorCrd(TestCluster cluster) throws URISyntaxException {
    helm = HelmCli.against(cluster);
    client = cluster.newClient();
    Path crd = Path.of(HelmDryRunIT.class.getResource("/helm/servicemonitor-crd-minimal.yaml").toURI());
    helm.kubectl(null, "apply", "--server-side", "-f", crd.toString()).orFail("kubectl apply ServiceMonitor CRD");
    helm.kubectl(null, "wait", "--for=condition=Established", "--timeout=60s",
        "crd/servicemonitors.monitoring.coreos.com").orFail("kubectl wait");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.privateendpoint.e2e.helm.HelmRenderIT#scenarios")
  @SuppressWarnings("unchecked")
  void everyRenderedObjectPassesServerSideValidation(Path scenario) {
    String render = helm.template(HelmCli.CHART, HelmRenderIT.RELEASE, HelmRenderIT.NAMESPACE,
        "--values", scenario.resolve("in-values.yaml").toString()).orFail("helm template").stdout();
    List<Map<String, Object>> objects = HelmRenderIT.documents(render).stream()
        .map(doc -> (Map<String, Object>) Serialization.unmarshal(doc, Map.class)).filter(Objects::nonNull).toList();
    // Namespaced objects need their namespace, as on a real cluster (the chart does not create them).
    objects.stream().map(o -> (String) ((Map<String, Object>) o.get("metadata")).get("namespace"))
        .filter(Objects::nonNull).distinct()
        .forEach(ns -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
            .build()).serverSideApply());

    // Server-side apply: no last-applied annotation warnings on objects other tests made, and the
    // CRD's other field managers are taken over (nothing is persisted).
    HelmCli.Result apply = helm.kubectl(render, "apply", "--server-side", "--force-conflicts", "--dry-run=server",
        "--validate=strict", "-f", "-");

    assertThat(apply.exitCode()).as("kubectl apply --dry-run=server:\n%s%s", apply.stderr(), apply.stdout()).isZero();
    assertThat(apply.stderr()).as("warnings").isEmpty();
    assertThat(apply.stdout().lines().filter(l -> l.endsWith("(server dry run)")).count()).isEqualTo(objects.size());
  }
}
