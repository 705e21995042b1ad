package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.apply.ApplyStep;
import io.privateendpoint.operator.apply.StepPreview;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.time.Clock;

/**
 * The Kafka side of a reconcile: observe the brokers, then give them the listener (PortMapping) or
 * run the proxy in front of them (Proxy). Which side serves an endpoint is decided in one place,
 * {@link #side}.
 */
public final class KafkaSide implements BrokerDiscovery, ApplyStep {

  /** One way of reaching brokers: how they are observed, and what is applied and cleaned up for them. */
  public record Side(BrokerDiscovery discovery, ApplyStep step) {}

  private final Side statefulSet;
  private final Side strimzi;
  private final Side proxy;

  private final ListenerRevertGuard reverts;

  /** @param proxy Proxy mode's side (the proxy package), whatever the source */
  public KafkaSide(KubernetesClient client, EventRecorder events, Side proxy) {
    this(client, events, proxy, new ListenerRevertGuard(Clock.systemUTC(), ListenerRevertGuard.DEFAULT_BASE, events));
  }

  /** @param reverts how the listener appliers back off from whoever keeps reverting what they wrote */
  public KafkaSide(KubernetesClient client, EventRecorder events, Side proxy, ListenerRevertGuard reverts) {
    this(client, KubeView.direct(client), events, proxy, reverts);
  }

  /** @param view what discovery and the appliers read (the informers' caches); {@code client} only writes */
  public KafkaSide(KubernetesClient client, KubeView view, EventRecorder events, Side proxy, ListenerRevertGuard reverts) {
    this.reverts = reverts;
    StatefulSetListenerApplier statefulSetListener = new StatefulSetListenerApplier(client, view, events, reverts);
    StrimziListenerApplier strimziListener = new StrimziListenerApplier(client, view, events, reverts);
    this.statefulSet = new Side(new StatefulSetBrokerDiscovery(view)::observe, statefulSetListener);
    this.strimzi = new Side(new StrimziBrokerDiscovery(view)::observe, strimziListener);
    this.proxy = proxy;
  }

  private Side side(KafkaPrivateEndpoint resource) {
    KafkaSource source = resource.getSpec().getKafka();
    if (resource.getSpec().getMode() == EndpointMode.Proxy) {
      return proxy;
    }
    // bootstrapServers needs mode Proxy (the schema says so).
    return source.getStrimzi() != null ? strimzi : statefulSet;
  }

  @Override
  public Observation observe(KafkaPrivateEndpoint resource) {
    return side(resource).discovery().observe(resource);
  }

  @Override
  public StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    Side side = side(resource);
    StepOutcome outcome = side.step().apply(resource, plan);
    // The listener appliers' fight state (status.listenerReverts); Proxy mode writes no listener.
    return side == proxy ? outcome : reverts.report(resource, outcome);
  }

  @Override
  public StepPreview preview(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    return side(resource).step().preview(resource, plan);
  }

  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    boolean done = side(resource).step().cleanup(resource);
    if (done) {
      reverts.forget(resource);
    }
    return done;
  }
}
