package io.privateendpoint.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The cached view answers from the cache it serves a kind from, by name and by label, namespaced or not. */
class CachedKubeViewTest {

  /** A cache over a fixed list, as an informer's would hold it. */
  private record ListCache<T extends HasMetadata>(List<T> items) implements ResourceCache<T> {
    @Override
    public Optional<T> get(ResourceID id) {
      return items.stream().filter(o -> ResourceID.fromResource(o).equals(id)).findFirst();
    }

    @Override
    public Stream<ResourceID> keys() {
      return items.stream().map(ResourceID::fromResource);
    }

    @Override
    public Stream<T> list(Predicate<T> predicate) {
      return items.stream().filter(predicate);
    }

    @Override
    public Stream<T> list(String namespace, Predicate<T> predicate) {
      return items.stream().filter(o -> namespace.equals(o.getMetadata().getNamespace())).filter(predicate);
    }
  }

  private static Pod pod(String namespace, String name, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata().build();
  }

  @Test
  void readsByNameAndLabelFromTheCacheOfTheKind() {
    // A client that cannot connect: any read not answered by a cache would fail.
    try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0)
            .build()).build()) {
      CachedKubeView view = new CachedKubeView(nowhere);
      view.serve(Pod.class, new ListCache<>(List.of(
          pod("a", "kafka-0", Map.of("app", "kafka")),
          pod("a", "kafka-1", Map.of("app", "kafka", "extra", "x")),
          pod("a", "other", Map.of("app", "web")),
          pod("b", "kafka-0", Map.of("app", "kafka")))));
      view.serve(Node.class, new ListCache<>(List.of(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())));

      assertThat(view.list(Pod.class, "a", Map.of("app", "kafka"))).extracting(p -> p.getMetadata().getName())
          .containsExactly("kafka-0", "kafka-1");
      assertThat(view.list(Pod.class, null, Map.of("app", "kafka"))).hasSize(3);
      assertThat(view.get(Pod.class, "b", "kafka-0")).isNotNull();
      assertThat(view.get(Pod.class, "b", "kafka-1")).isNull();
      assertThat(view.get(Node.class, null, "node-1")).isNotNull();
      assertThat(view.get(Node.class, null, "node-2")).isNull();
      // A cache that is not an informer's takes no writes: nothing to record, nothing thrown.
      view.created(pod("a", "new", Map.of()));
    }
  }
}
