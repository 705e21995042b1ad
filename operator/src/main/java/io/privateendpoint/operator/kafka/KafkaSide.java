package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaSource;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.apply.ApplyStep;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;

/** The Kafka side of a reconcile, by source of brokers: observe them, then give them the listener. */
public final class KafkaSide implements BrokerDiscovery, ApplyStep {

  private final StatefulSetBrokerDiscovery statefulSets;
  private final StatefulSetListenerApplier statefulSetListener;
  private final StrimziBrokerDiscovery strimzi;
  private final StrimziListenerApplier strimziListener;

  public KafkaSide(KubernetesClient client, EventRecorder events) {
    this.statefulSets = new StatefulSetBrokerDiscovery(client);
    this.statefulSetListener = new StatefulSetListenerApplier(client, events);
    this.strimzi = new StrimziBrokerDiscovery(client);
    this.strimziListener = new StrimziListenerApplier(client, events);
  }

  @Override
  public Observation observe(KafkaPrivateEndpoint resource) {
    KafkaSource source = resource.getSpec().getKafka();
    if (resource.getSpec().getMode() == EndpointMode.Proxy) {
      // A problem, not an empty broker list: nothing is planned, so nothing is created anywhere.
      return Observation.problem(new PlanProblem(PlanProblem.NOT_IMPLEMENTED, "spec.mode Proxy is not implemented in"
          + " this operator version: the brokers are left untouched and no cloud resource is created"));
    }
    if (source.getStatefulSet() != null) {
      return statefulSets.observe(resource);
    }
    if (source.getStrimzi() != null) {
      return strimzi.observe(resource);
    }
    return Observation.of(List.of()); // bootstrapServers: only in Proxy mode (the schema says so)
  }

  @Override
  public StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    return resource.getSpec().getKafka().getStrimzi() != null
        ? strimziListener.apply(resource, plan) : statefulSetListener.apply(resource, plan);
  }

  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (resource.getSpec().getMode() != EndpointMode.PortMapping) {
      return true;
    }
    if (resource.getSpec().getKafka().getStrimzi() != null) {
      return strimziListener.cleanup(resource);
    }
    return resource.getSpec().getKafka().getStatefulSet() == null || statefulSetListener.cleanup(resource);
  }
}
