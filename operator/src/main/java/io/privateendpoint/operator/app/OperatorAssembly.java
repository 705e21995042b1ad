package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.privateendpoint.operator.cloud.aws.AwsCallMetrics;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.aws.AwsEndpointProvisioner;
import io.privateendpoint.operator.cloud.gcp.GcpCallMetrics;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.cloud.gcp.GcpEndpointProvisioner;
import io.privateendpoint.operator.kafka.KafkaSide;
import io.privateendpoint.operator.kafka.ListenerRevertGuard;
import io.privateendpoint.operator.kafka.ListenerVerifier;
import io.privateendpoint.operator.kube.CachedKubeView;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.proxy.ProxySide;
import io.privateendpoint.operator.proxy.UpstreamClients;
import io.privateendpoint.operator.proxy.UpstreamPolling;
import io.privateendpoint.operator.apply.ApplyStep;
import io.privateendpoint.operator.apply.Verification;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import io.privateendpoint.operator.metrics.ReconcileMetrics;
import io.privateendpoint.operator.reconcile.EndpointPeers;
import io.privateendpoint.operator.reconcile.KafkaPrivateEndpointReconciler;
import io.privateendpoint.operator.reconcile.ReconcilePipeline;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.validation.SpecValidator;
import java.time.Clock;
import java.util.List;

/** Wires the operator from its settings; shared by {@link Main} and the tests that run it locally. */
public final class OperatorAssembly {

  private OperatorAssembly() {}

  /**
   * @param aws AWS clients; endpoint, credentials and retries come from the SDK's standard settings
   * @param gcp Compute clients; endpoint from the settings, credentials from Google's default chain
   */
  public static KafkaPrivateEndpointReconciler reconciler(KubernetesClient client, OperatorSettings settings, Clock clock,
      AwsClients aws, GcpClients gcp) {
    return reconciler(client, settings, clock, aws, gcp, ReconcileMetrics.unread());
  }

  /** As above, reporting kpe_endpoints and kpe_reconcile_duration_seconds into {@code metrics}. */
  public static KafkaPrivateEndpointReconciler reconciler(KubernetesClient client, OperatorSettings settings, Clock clock,
      AwsClients aws, GcpClients gcp, ReconcileMetrics metrics) {
    EventRecorder events = new EventRecorder(client, clock);
    // Every read of a reconcile from the informers' caches once the controller has started them.
    CachedKubeView view = new CachedKubeView(client);
    // Verified at the Kafka protocol: checks run on their own threads and wake the endpoint when they find something new.
    var checked = ListenerVerifier.wakeUps();
    Verification verification = settings.verifyListeners()
        ? new ListenerVerifier(client, clock, settings.resyncPeriod(), checked::propagateEvent) : (resource, plan) -> null;
    Wired wired = wire(client, view, settings, clock, aws, gcp, events, verification);
    return new KafkaPrivateEndpointReconciler(wired.pipeline(), metrics,
        context -> List.of(UpstreamPolling.eventSource(context, wired.proxy()), checked), view)
        .withResyncPeriod(settings.resyncPeriod());
  }

  /** The pipeline, and the proxy side whose upstream polling the controller also runs. */
  record Wired(ReconcilePipeline pipeline, ProxySide proxy) {}

  /**
   * One reconcile's parts, shared by the operator and by {@code plan}: the Kafka side first (the load
   * balancer points at listeners that must exist; cleanup runs in reverse), then each cloud.
   *
   * @param view what the pass reads: the informers' caches in the operator, the API server in {@code plan}
   */
  static Wired wire(KubernetesClient client, KubeView view, OperatorSettings settings, Clock clock, AwsClients aws,
      GcpClients gcp, EventRecorder events, Verification verification) {
    ProxySide proxy = new ProxySide(client, view, events, new UpstreamClients(), settings.proxyImage());
    KafkaSide kafka = new KafkaSide(client, view, events, new KafkaSide.Side(proxy::observe, proxy),
        new ListenerRevertGuard(clock, settings.revertBackoff(), events));
    EndpointPeers peers = namespace -> view.list(KafkaPrivateEndpoint.class, namespace, java.util.Map.of());
    // Every endpoint of every watched namespace: those in one VPC share the AWS backend security group.
    List<ApplyStep> steps = List.of(kafka, new AwsEndpointProvisioner(aws, settings.clusterName(), events,
            () -> view.list(KafkaPrivateEndpoint.class, null, java.util.Map.of())),
        new GcpEndpointProvisioner(gcp, settings.clusterName(), events));
    var pipeline = new ReconcilePipeline(new SpecValidator(), peers, kafka, steps, new KafkaPrivateEndpointStatusFactory(clock),
        events, verification);
    return new Wired(pipeline, proxy);
  }

  /** Watched namespaces and resync period, applied to the controller's configuration. */
  public static void configure(ControllerConfigurationOverrider<KafkaPrivateEndpoint> controller, OperatorSettings settings) {
    if (settings.watchesAllNamespaces()) {
      controller.watchingAllNamespaces();
    } else {
      controller.settingNamespaces(settings.namespaces());
    }
    controller.withReconciliationMaxInterval(settings.resyncPeriod());
  }

  /** What the operator sets in JOSDK's configuration service beyond its client and metrics. */
  public static void configureService(ConfigurationServiceOverrider service) {
    // Numeric resourceVersions let JOSDK keep the status a pass wrote (StatusWrite) in its primary cache
    // until the informer has that version or a newer one; without them JOSDK 5.2's TemporaryResourceCache
    // drops it at the first event of the resource, even an older one. An API server on etcd gives numbers.
    service.withParseResourceVersions(true);
  }

  /**
   * The operator as it runs in a pod: JOSDK's metrics and the operator's own in {@code metrics}, every
   * cloud call counted through the SDKs' hooks, and leader election when the settings turn it on.
   */
  static Operator operator(KubernetesClient client, OperatorSettings settings, Clock clock, OperatorMetrics metrics,
      Leadership leadership) {
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client).withMetrics(metrics.josdk());
      configureService(o);
      leadership.configuration().ifPresent(o::withLeaderElectionConfiguration);
    });
    AwsClients aws = new AwsClients(List.of(new AwsCallMetrics(metrics.cloudCalls())), null, settings.awsCallRates());
    GcpClients gcp = new GcpClients(settings.gcpComputeEndpoint(), new GcpCallMetrics(metrics.cloudCalls()),
        settings.gcpCallRates());
    operator.register(reconciler(client, settings, clock, aws, gcp, metrics.reconcile()),
        controller -> configure(controller, settings));
    return operator;
  }
}
