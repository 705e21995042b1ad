package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.privateendpoint.operator.kafka.KafkaSide;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
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

  public static KafkaPrivateEndpointReconciler reconciler(KubernetesClient client, OperatorSettings settings, Clock clock) {
    EventRecorder events = new EventRecorder(client, clock);
    KafkaSide kafka = new KafkaSide(client, events);
    EndpointPeers peers = namespace -> client.resources(KafkaPrivateEndpoint.class).inNamespace(namespace).list().getItems();
    var pipeline = new ReconcilePipeline(new SpecValidator(), peers, kafka, List.of(kafka),
        new KafkaPrivateEndpointStatusFactory(clock));
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
    operator.register(reconciler(client, settings, clock), controller -> configure(controller, settings));
    return operator;
  }
}
