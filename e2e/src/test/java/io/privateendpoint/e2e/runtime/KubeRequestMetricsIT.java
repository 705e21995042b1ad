package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.PrometheusText;
import io.privateendpoint.operator.kube.KubeRequestCounter;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kpe_kube_requests_total as Main wires it (KubeRequestCounter's client reporting into
 * OperatorMetrics): requests sent to the real API server show up once each, by verb and resource,
 * informers' list and watch included.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class KubeRequestMetricsIT {

  @Test
  void everyRequestCountedByVerbAndResource() {
    OperatorMetrics metrics = new OperatorMetrics();
    Config config = Config.fromKubeconfig(KubernetesApiServerExtension.cluster().kubeConfigYaml());
    try (KubernetesClient client = KubeRequestCounter.client(config, metrics.kubeRequests()::record)) {
      String ns = "kube-requests";
      client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      client.resource(new ConfigMapBuilder().withNewMetadata().withName("c").withNamespace(ns).endMetadata()
          .withData(Map.of("a", "1")).build()).create();
      client.configMaps().inNamespace(ns).withName("c").get();
      client.configMaps().inNamespace(ns).withName("missing").get();
      client.configMaps().inNamespace(ns).list();
      client.configMaps().inNamespace(ns).withName("c").edit(c -> new ConfigMapBuilder(c).addToData("b", "2").build());
      SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(ns).inform();
      await().atMost(Duration.ofSeconds(30)).until(informer::hasSynced);
      client.configMaps().inNamespace(ns).withName("c").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> informer.getStore().list().isEmpty());
      informer.close();

      PrometheusText scraped = PrometheusText.parse(metrics.scrape());
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "create", "resource", "namespaces")).isEqualTo(1);
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "create", "resource", "configmaps")).isEqualTo(1);
      // Two by name (one found, one not), and the edit's read before its write.
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "get", "resource", "configmaps")).isEqualTo(3);
      // Ours, and the informer's initial list.
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "list", "resource", "configmaps")).isEqualTo(2);
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "watch", "resource", "configmaps")).isGreaterThanOrEqualTo(1);
      assertThat(scraped.sum("kpe_kube_requests_total", "resource", "configmaps")
          - scraped.sum("kpe_kube_requests_total", "verb", "get", "resource", "configmaps")
          - scraped.sum("kpe_kube_requests_total", "verb", "list", "resource", "configmaps")
          - scraped.sum("kpe_kube_requests_total", "verb", "watch", "resource", "configmaps")
          - scraped.sum("kpe_kube_requests_total", "verb", "create", "resource", "configmaps"))
          .as("the edit's write and the delete").isEqualTo(2);
      assertThat(scraped.sum("kpe_kube_requests_total", "verb", "delete", "resource", "configmaps")).isEqualTo(1);
    }
  }
}
