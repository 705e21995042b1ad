package io.privateendpoint.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;

/**
 * The cluster as a reconcile reads it. In the running operator the reads come from the informers'
 * caches ({@link CachedKubeView}), so a pass that changes nothing sends no request; where no informer
 * runs they go to the API server ({@link #direct}).
 *
 * <p>Read-your-writes: a cache lags behind the operator's own writes by a watch event. Every write
 * the domain code makes is reported with {@link #created} or {@link #updated}; the view keeps the
 * written object until the informer has caught up with it, so the next pass never acts on the state
 * from before its own write.
 */
public interface KubeView {

  /** The annotation {@link #ownWriteMark} puts on what the operator writes (JOSDK's); removed with the rest at clean-up. */
  String OWN_WRITE_MARK = InformerEventSource.PREVIOUS_ANNOTATION_KEY;

  /** The object, or null. {@code namespace} null for cluster-scoped kinds (Nodes). */
  <T extends HasMetadata> T get(Class<T> kind, String namespace, String name);

  /**
   * As {@link #get}, but straight from the API server: for the rare read a cache cannot answer, e.g.
   * whether a namesake that is not ours (and so outside a label-filtered cache) holds a name.
   */
  <T extends HasMetadata> T getDirect(Class<T> kind, String namespace, String name);

  /** The objects of {@code kind} in {@code namespace} (null: all) that carry every one of {@code labels}. */
  <T extends HasMetadata> List<T> list(Class<T> kind, String namespace, Map<String, String> labels);

  /** The operator created this object (as the API server returned it). */
  <T extends HasMetadata> void created(T created);

  /** The operator replaced or patched {@code previous} (as read through this view) with {@code updated}. */
  <T extends HasMetadata> void updated(T updated, T previous);

  /**
   * The annotation that marks a write about to be made — a create when {@code previousVersion} is
   * null, else a change of that resourceVersion — as this operator's own, so that the watch event of
   * that write starts no pass: the pass that wrote has already acted on it. {@link #updated} alone comes
   * too late when the watch event beats the write's answer, which it mostly does: every endpoint's
   * ConfigMap create and StatefulSet patch used to cost one more pass of every cloud read. Empty where
   * no informer watches {@code kind}. Another writer's change, or the controller's status update that
   * follows ours, names another previous version, so its event still starts a pass.
   */
  Map<String, String> ownWriteMark(Class<? extends HasMetadata> kind, String previousVersion);

  /** Every read a request to the API server: for tests and wherever no informer runs. */
  static KubeView direct(KubernetesClient client) {
    return new DirectKubeView(client);
  }
}
