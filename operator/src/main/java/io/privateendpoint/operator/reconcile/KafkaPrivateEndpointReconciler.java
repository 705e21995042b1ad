package io.privateendpoint.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.kafka.KafkaWatches;
import io.privateendpoint.operator.kube.CachedKubeView;
import io.privateendpoint.operator.metrics.ReconcileMetrics;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin controller: hands the resource to the {@link ReconcilePipeline} and writes the status only
 * when it changed, so a steady-state resync makes no write; the written status goes to the primary
 * cache at once ({@link StatusWrite}).
 */
@ControllerConfiguration(name = KafkaPrivateEndpointReconciler.NAME)
public class KafkaPrivateEndpointReconciler implements Reconciler<KafkaPrivateEndpoint>, Cleaner<KafkaPrivateEndpoint> {

  public static final String NAME = "kafkaprivateendpoint";
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPrivateEndpointReconciler.class);

  static final Duration IN_PROGRESS_RECHECK = Duration.ofSeconds(15);
  static final Duration DELETION_BLOCKED_RECHECK = Duration.ofSeconds(30);

  private final ReconcilePipeline pipeline;
  private final ReconcileMetrics metrics;
  private final Function<EventSourceContext<KafkaPrivateEndpoint>, List<EventSource<?, KafkaPrivateEndpoint>>> extraSources;
  private final CachedKubeView view;
  /** The resync period every Ready endpoint is rescheduled around, jittered; null: JOSDK's max interval alone. */
  private Duration resyncPeriod;
  /** Uniform in [0, 1): spreads resyncs and throttled retries. */
  private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

  public KafkaPrivateEndpointReconciler(ReconcilePipeline pipeline) {
    this(pipeline, ReconcileMetrics.unread());
  }

  public KafkaPrivateEndpointReconciler(ReconcilePipeline pipeline, ReconcileMetrics metrics) {
    this(pipeline, metrics, context -> List.of());
  }

  /** @param extraSources event sources beyond the Kubernetes watches (Proxy mode's upstream polling) */
  public KafkaPrivateEndpointReconciler(ReconcilePipeline pipeline, ReconcileMetrics metrics,
      Function<EventSourceContext<KafkaPrivateEndpoint>, List<EventSource<?, KafkaPrivateEndpoint>>> extraSources) {
    this(pipeline, metrics, extraSources, null);
  }

  /**
   * @param view the pipeline's view of the cluster, served from this controller's informers (and its
   *     primary cache, for the endpoints) once they exist; null when the pipeline reads directly
   */
  public KafkaPrivateEndpointReconciler(ReconcilePipeline pipeline, ReconcileMetrics metrics,
      Function<EventSourceContext<KafkaPrivateEndpoint>, List<EventSource<?, KafkaPrivateEndpoint>>> extraSources,
      CachedKubeView view) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.extraSources = extraSources;
    this.view = view;
  }

  /**
   * Reschedules each settled endpoint after the resync period times a random factor in [0.9, 1.1], so
   * endpoints created (or an operator restarted) together do not all read the cloud in the same second
   * ever after: 100 endpoints at a 10m period spread over two minutes.
   */
  public KafkaPrivateEndpointReconciler withResyncPeriod(Duration period) {
    this.resyncPeriod = period;
    return this;
  }

  /** For the tests: the source of randomness in [0, 1). */
  KafkaPrivateEndpointReconciler withRandom(DoubleSupplier random) {
    this.random = random;
    return this;
  }

  @Override
  public UpdateControl<KafkaPrivateEndpoint> reconcile(KafkaPrivateEndpoint resource, Context<KafkaPrivateEndpoint> context) {
    KafkaPrivateEndpointStatus status = metrics.timeApply(() -> pipeline.run(resource));
    recordReady(resource, status);
    if (!Objects.equals(resource.getStatus(), status)) {
      StatusWrite.apply(resource, status, context);
    }
    return rescheduled(status);
  }

  /** Behind the finalizer: removes what the endpoint created; the finalizer goes only when nothing is left. */
  @Override
  public DeleteControl cleanup(KafkaPrivateEndpoint resource, Context<KafkaPrivateEndpoint> context) {
    ReconcilePipeline.Cleanup cleanup = metrics.timeCleanup(() -> pipeline.cleanup(resource));
    if (cleanup.done()) {
      metrics.deleted(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
      return DeleteControl.defaultDelete();
    }
    if (cleanup.blocked() != null) {
      // JOSDK's DeleteControl carries no status: say it on the resource directly, so `kubectl get`
      // shows why the delete waits and what to do.
      KafkaPrivateEndpointStatus status = pipeline.statusFactory().deletionBlocked(resource, cleanup.blocked());
      recordReady(resource, status);
      if (!Objects.equals(resource.getStatus(), status)) {
        try {
          StatusWrite.apply(resource, status, context);
        } catch (RuntimeException e) {
          LOG.debug("could not record why the delete of {}/{} waits", resource.getMetadata().getNamespace(),
              resource.getMetadata().getName(), e);
        }
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(DELETION_BLOCKED_RECHECK);
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(Duration.ofSeconds(15));
  }

  @Override
  public List<EventSource<?, KafkaPrivateEndpoint>> prepareEventSources(EventSourceContext<KafkaPrivateEndpoint> context) {
    List<EventSource<?, KafkaPrivateEndpoint>> sources = new ArrayList<>(KafkaWatches.eventSources(context));
    sources.addAll(extraSources.apply(context));
    if (view != null) {
      // JOSDK starts these, and fills them, before the first reconcile.
      view.serve(KafkaPrivateEndpoint.class, context.getPrimaryCache());
      view.serve(sources);
    }
    return sources;
  }

  @Override
  public ErrorStatusUpdateControl<KafkaPrivateEndpoint> updateErrorStatus(KafkaPrivateEndpoint resource,
      Context<KafkaPrivateEndpoint> context, Exception error) {
    // A 409 means the resource or something we patch changed under us (optimistic locking did its
    // job); the retry that follows reads the new state, so it is not an error worth a status.
    if (error instanceof KubernetesClientException k && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      LOG.debug("reconcile of {}/{} met a concurrent change; retrying", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName());
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    LOG.warn("reconcile of {}/{} failed", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), error);
    KafkaPrivateEndpointStatus failed = pipeline.statusFactory().failed(resource, error);
    recordReady(resource, failed);
    try {
      StatusWrite.apply(resource, failed, context);
    } catch (RuntimeException e) {
      LOG.debug("could not record why the reconcile of {}/{} failed", resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), e);
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** kpe_endpoints counts each endpoint by the Ready condition of the status this pass ends with. */
  private void recordReady(KafkaPrivateEndpoint resource, KafkaPrivateEndpointStatus status) {
    String ready = status == null ? null : status.getConditions().stream().filter(c -> "Ready".equals(c.getType()))
        .map(c -> c.getStatus()).findFirst().orElse(null);
    metrics.ready(resource.getMetadata().getNamespace(), resource.getMetadata().getName(), ready);
    metrics.throttled(resource.getMetadata().getNamespace(), resource.getMetadata().getName(),
        CloudPushback.pushedBack(status));
  }

  /** When to look again after a pass that ended with {@code status} (already written). */
  UpdateControl<KafkaPrivateEndpoint> rescheduled(KafkaPrivateEndpointStatus status) {
    UpdateControl<KafkaPrivateEndpoint> control = UpdateControl.noUpdate();
    // A cloud that kept throttling through the SDK's retries: the condition says so; come back after
    // a jittered pause rather than at once, so throttled endpoints do not return in step.
    if (CloudPushback.pushedBack(status)) {
      return control.rescheduleAfter(jittered(CloudPushback.RETRY_AFTER, 1.0, 1.3, random.getAsDouble()));
    }
    // Clouds converge on their own time (an NLB provisioning, targets turning healthy) without a
    // Kubernetes event to wake us: look again soon while not Ready. A bad spec waits for an edit.
    if (inProgress(status)) {
      return control.rescheduleAfter(recheck(status, Instant.now()));
    }
    return resyncPeriod == null ? control : control.rescheduleAfter(jittered(resyncPeriod, 0.9, 1.1, random.getAsDouble()));
  }

  /** {@code base} times a factor spread evenly over [low, high) by {@code uniform} in [0, 1). */
  static Duration jittered(Duration base, double low, double high, double uniform) {
    long from = Math.round(base.toMillis() * low);
    long to = Math.round(base.toMillis() * high);
    return Duration.ofMillis(from + (long) ((to - from) * uniform));
  }

  /** While backing off from a fight over the listener, come back when it is written back next. */
  static Duration recheck(KafkaPrivateEndpointStatus status, Instant now) {
    String next = status.getListenerReverts() == null ? null : status.getListenerReverts().getNextWriteBackAt();
    if (next == null) {
      return IN_PROGRESS_RECHECK;
    }
    try {
      Duration until = Duration.between(now, Instant.parse(next)).plusMillis(50);
      return until.isNegative() ? Duration.ofMillis(50) : until.compareTo(IN_PROGRESS_RECHECK) < 0 ? until : IN_PROGRESS_RECHECK;
    } catch (DateTimeParseException e) {
      return IN_PROGRESS_RECHECK;
    }
  }

  static boolean inProgress(KafkaPrivateEndpointStatus status) {
    // A bad spec waits for an edit; a paused endpoint's preview is refreshed at the resync period, not polled.
    return status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus())
        && !"InvalidSpec".equals(c.getReason()) && !"Paused".equals(c.getReason()));
  }
}
