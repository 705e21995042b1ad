package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.aws.AwsEndpointProvisioner;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.cloud.gcp.GcpEndpointProvisioner;
import io.privateendpoint.operator.kafka.KafkaSide;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.apply.ApplyStep;
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
    EventRecorder events = new EventRecorder(client, clock);
    KafkaSide kafka = new KafkaSide(client, events);
    EndpointPeers peers = namespace -> client.resources(KafkaPrivateEndpoint.class).inNamespace(namespace).list().getItems();
    // Kafka side first: the load balancer points at listeners that must exist; cleanup runs in reverse.
    List<ApplyStep> steps = List.of(kafka, new AwsEndpointProvisioner(aws, settings.clusterName()),
        new GcpEndpointProvisioner(gcp, settings.clusterName()));
    var pipeline = new ReconcilePipeline(new SpecValidator(), peers, kafka, steps, new KafkaPrivateEndpointStatusFactory(clock),
        events);
    return new KafkaPrivateEndpointReconciler(pipeline);
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

  public static Operator operator(KubernetesClient client, OperatorSettings settings, Clock clock) {
    Operator operator = new Operator(o -> o.withKubernetesClient(client));
    operator.register(reconciler(client, settings, clock, new AwsClients(List.of()),
        new GcpClients(settings.gcpComputeEndpoint())), controller -> configure(controller, settings));
    return operator;
  }
}
