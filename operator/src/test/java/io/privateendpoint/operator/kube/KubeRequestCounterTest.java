package io.privateendpoint.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.kube.KubeRequestCounter.Request;
import org.junit.jupiter.api.Test;

class KubeRequestCounterTest {

  @Test
  void coreAndGroupResourcesByVerb() {
    assertThat(KubeRequestCounter.classify("GET", "/api/v1/namespaces/kafka/pods/kafka-0", null))
        .isEqualTo(new Request("get", "pods"));
    assertThat(KubeRequestCounter.classify("GET", "/api/v1/namespaces/kafka/pods", "labelSelector=app%3Dkafka"))
        .isEqualTo(new Request("list", "pods"));
    assertThat(KubeRequestCounter.classify("GET", "/api/v1/nodes", "resourceVersion=12&watch=true"))
        .isEqualTo(new Request("watch", "nodes"));
    assertThat(KubeRequestCounter.classify("PATCH", "/apis/apps/v1/namespaces/kafka/statefulsets/kafka", null))
        .isEqualTo(new Request("patch", "statefulsets"));
    assertThat(KubeRequestCounter.classify("PUT",
        "/apis/privateendpoint.io/v1alpha1/namespaces/kafka/kafkaprivateendpoints/e/status", null))
        .isEqualTo(new Request("update", "kafkaprivateendpoints/status"));
    assertThat(KubeRequestCounter.classify("POST", "/apis/events.k8s.io/v1/namespaces/kafka/events", null))
        .isEqualTo(new Request("create", "events"));
    assertThat(KubeRequestCounter.classify("DELETE", "/api/v1/namespaces/kafka/configmaps/c", null))
        .isEqualTo(new Request("delete", "configmaps"));
  }

  @Test
  void namespacesThemselvesAndDiscovery() {
    assertThat(KubeRequestCounter.classify("GET", "/api/v1/namespaces/kafka", null)).isEqualTo(new Request("get", "namespaces"));
    assertThat(KubeRequestCounter.classify("GET", "/api/v1/namespaces", null)).isEqualTo(new Request("list", "namespaces"));
    assertThat(KubeRequestCounter.classify("GET", "/apis/apps/v1", null)).isEqualTo(new Request("list", "other"));
    assertThat(KubeRequestCounter.classify("GET", "/version", null)).isEqualTo(new Request("list", "other"));
  }
}
