package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Broker;
import java.util.List;

/** The observe step: which brokers the endpoint's Kafka has right now, and where they run. */
@FunctionalInterface
public interface BrokerDiscovery {

  List<Broker> discover(KafkaPrivateEndpoint resource);

  /**
   * Discovers nothing. The foundation release reconciles the resource without looking at Kafka;
   * Strimzi and StatefulSet discovery replace this.
   */
  static BrokerDiscovery none() {
    return resource -> List.of();
  }
}
