package io.privateendpoint.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.List;
import java.util.Map;

/** Every read a request to the API server; writes need no bookkeeping. */
final class DirectKubeView implements KubeView {

  private final KubernetesClient client;

  DirectKubeView(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public <T extends HasMetadata> T get(Class<T> kind, String namespace, String name) {
    return getDirect(kind, namespace, name);
  }

  @Override
  public <T extends HasMetadata> T getDirect(Class<T> kind, String namespace, String name) {
    var resources = client.resources(kind);
    return namespace == null ? resources.withName(name).get() : resources.inNamespace(namespace).withName(name).get();
  }

  @Override
  public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace, Map<String, String> labels) {
    var resources = client.resources(kind);
    FilterWatchListDeletable<T, ? extends KubernetesResourceList<T>, Resource<T>> scoped =
        namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace);
    return (labels.isEmpty() ? scoped : scoped.withLabels(labels)).list().getItems();
  }

  @Override
  public <T extends HasMetadata> void created(T created) {}

  @Override
  public <T extends HasMetadata> void updated(T updated, T previous) {}

  @Override
  public Map<String, String> ownWriteMark(Class<? extends HasMetadata> kind, String previousVersion) {
    return Map.of(); // no informer: no event to tell apart
  }
}
