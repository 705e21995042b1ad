package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.privateendpoint.operator.kafka.BrokerDiscovery;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.reconcile.KafkaPrivateEndpointReconciler;
import io.privateendpoint.operator.reconcile.ReconcilePipeline;
import io.privateendpoint.operator.status.KafkaPrivateEndpointStatusFactory;
import io.privateendpoint.operator.validation.SpecValidator;
import java.time.Clock;
import java.util.List;

/** Wires the operator from its settings; shared by {@link Main} and the tests that run it locally. */
public final class OperatorAssembly {

  private OperatorAssembly() {}

  public static KafkaPrivateEndpointReconciler reconciler(OperatorSettings settings, Clock clock) {
    var pipeline = new ReconcilePipeline(new SpecValidator(), BrokerDiscovery.none(), List.of(),
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
    operator.register(reconciler(settings, clock), controller -> configure(controller, settings));
    return operator;
  }
}
