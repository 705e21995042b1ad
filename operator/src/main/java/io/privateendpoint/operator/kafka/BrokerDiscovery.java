package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Observation;
import java.util.List;

/** The observe step: which brokers the endpoint's Kafka has right now, and where they run. */
@FunctionalInterface
public interface BrokerDiscovery {

  Observation observe(KafkaPrivateEndpoint resource);

  /**
   * Discovers nothing. The foundation release reconciles the resource without looking at Kafka;
   * Strimzi and StatefulSet discovery replace this.
   */
  static BrokerDiscovery none() {
    return resource -> Observation.of(List.of());
  }
}
