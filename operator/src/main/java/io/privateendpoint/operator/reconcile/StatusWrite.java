package io.privateendpoint.operator.reconcile;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;

/**
 * Writes an endpoint's status and puts the API server's answer in JOSDK's primary cache, so the next
 * pass starts from the status this one wrote.
 *
 * <p>Why not {@code UpdateControl.patchStatus}: JOSDK 5.2 discards the answer of that patch (only a
 * resource patch is cached), so a pass that an event starts before the informer has our write reads
 * the previous status and resourceVersion; its own status patch then fails optimistic locking (409)
 * and JOSDK retries the whole pass, every cloud read again. JOSDK's reconciler guide ("Making sure the
 * primary resource is up to date for the next reconciliation") names this case, a status holding allocated
 * values, and this answer:
 * {@link PrimaryUpdateAndCacheUtils#ssaPatchStatusAndCacheResource}, which applies with the
 * resourceVersion the pass started from and, on a conflict (the spec or metadata changed meanwhile),
 * waits for the cache to move and applies again. The write stays locked because the status holds allocated
 * ports that a stale writer must not lose.
 */
final class StatusWrite {

  private StatusWrite() {
  }

  /** Applies {@code status} to {@code current}'s status subresource; the cached copy follows. */
  static void apply(KafkaPrivateEndpoint current, KafkaPrivateEndpointStatus status, Context<KafkaPrivateEndpoint> context) {
    KafkaPrivateEndpoint written = PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(current,
        statusOnly(current, status), context);
    current.setStatus(written.getStatus());
    current.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
  }

  /**
   * What is applied: the name and the status, nothing else, so the operator's field manager owns the
   * status alone (JOSDK's guide builds the same "fresh copy").
   */
  static KafkaPrivateEndpoint statusOnly(KafkaPrivateEndpoint current, KafkaPrivateEndpointStatus status) {
    KafkaPrivateEndpoint copy = new KafkaPrivateEndpoint();
    copy.setMetadata(new ObjectMetaBuilder().withName(current.getMetadata().getName())
        .withNamespace(current.getMetadata().getNamespace()).build());
    copy.setSpec(null);
    copy.setStatus(status);
    return copy;
  }
}
