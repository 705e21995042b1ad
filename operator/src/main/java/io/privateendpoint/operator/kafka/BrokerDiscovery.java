package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Observation;

/** The observe step: which brokers the endpoint's Kafka has right now, and where they run. */
@FunctionalInterface
public interface BrokerDiscovery {

  Observation observe(KafkaPrivateEndpoint resource);
}
