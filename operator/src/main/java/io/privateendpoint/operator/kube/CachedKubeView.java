package io.privateendpoint.operator.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.api.reconciler.ResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Reads from the informers the controller runs (one per kind, see KafkaWatches) and from the primary
 * cache for the endpoints themselves; a kind without an informer (Services, PodDisruptionBudgets,
 * Secrets, Strimzi kinds where Strimzi is not installed) is read from the API server.
 *
 * <p>Read-your-writes uses JOSDK's own bookkeeping: a write reported through {@link #created} or
 * {@link #updated} goes into the informer's temporary cache (RecentOperationCacheFiller), which
 * {@code get} prefers until the informer delivers that version or a later one. An update is only
 * recorded when the informer still holds the version it replaced, so a newer change by someone
 * else is never hidden. Only {@code get} sees these entries, and only {@code get} is used for the
 * kinds the operator writes (ConfigMaps, StatefulSets, Kafka CRs, Deployments); {@code list} is used
 * for what it never writes (Pods, node pools, peer endpoints).
 */
public final class CachedKubeView implements KubeView {

  private final KubeView direct;
  private final Map<Class<?>, ResourceCache<?>> caches = new ConcurrentHashMap<>();

  public CachedKubeView(KubernetesClient client) {
    this.direct = KubeView.direct(client);
  }

  /** Serves {@code kind} from {@code cache} from now on (the controller's primary cache, say). */
  public <T extends HasMetadata> void serve(Class<T> kind, ResourceCache<T> cache) {
    caches.put(kind, cache);
  }

  /** Serves every kind an informer event source among {@code sources} watches. */
  public void serve(List<? extends EventSource<?, ?>> sources) {
    for (EventSource<?, ?> source : sources) {
      if (source instanceof ManagedInformerEventSource<?, ?, ?> informer) {
        caches.put(informer.resourceType(), informer);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> ResourceCache<T> cache(Class<T> kind) {
    return (ResourceCache<T>) caches.get(kind);
  }

  @Override
  public <T extends HasMetadata> T get(Class<T> kind, String namespace, String name) {
    ResourceCache<T> cache = cache(kind);
    return cache == null ? direct.get(kind, namespace, name) : cache.get(new ResourceID(name, namespace)).orElse(null);
  }

  @Override
  public <T extends HasMetadata> T getDirect(Class<T> kind, String namespace, String name) {
    return direct.getDirect(kind, namespace, name);
  }

  @Override
  public <T extends HasMetadata> List<T> list(Class<T> kind, String namespace, Map<String, String> labels) {
    ResourceCache<T> cache = cache(kind);
    if (cache == null) {
      return direct.list(kind, namespace, labels);
    }
    Predicate<T> selected = o -> labels.entrySet().stream().allMatch(e -> o.getMetadata().getLabels() != null
        && e.getValue().equals(o.getMetadata().getLabels().get(e.getKey())));
    return (namespace == null ? cache.list(selected) : cache.list(namespace, selected)).toList();
  }

  @Override
  public <T extends HasMetadata> void created(T created) {
    filler(created).ifPresent(f -> f.handleRecentResourceCreate(ResourceID.fromResource(created), created));
  }

  @Override
  public <T extends HasMetadata> void updated(T updated, T previous) {
    filler(updated).ifPresent(f -> {
      if (previous == null) {
        f.handleRecentResourceCreate(ResourceID.fromResource(updated), updated);
      } else {
        f.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, previous);
      }
    });
  }

  /**
   * JOSDK's own mark (InformerEventSource.addPreviousAnnotation: "&lt;informer id&gt;[,&lt;previous
   * resourceVersion&gt;]", the informer id random per process), which the informer compares with the
   * event's object and the version it replaced before it propagates the event.
   */
  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Map<String, String> ownWriteMark(Class<? extends HasMetadata> kind, String previousVersion) {
    if (!(caches.get(kind) instanceof InformerEventSource informer)) {
      return Map.of();
    }
    // The informer writes its mark into an object's annotations; any object carries them.
    ConfigMap carrier = new ConfigMapBuilder().withNewMetadata().withAnnotations(new HashMap<>()).endMetadata().build();
    informer.addPreviousAnnotation(previousVersion, carrier);
    return Map.copyOf(carrier.getMetadata().getAnnotations());
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> java.util.Optional<RecentOperationCacheFiller<T>> filler(T written) {
    return written != null && caches.get(written.getClass()) instanceof RecentOperationCacheFiller<?> f
        ? java.util.Optional.of((RecentOperationCacheFiller<T>) f) : java.util.Optional.empty();
  }
}
