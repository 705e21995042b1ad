package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.List;

/** The endpoints of one namespace, to find two that claim the same listener of one Kafka. */
@FunctionalInterface
public interface EndpointPeers {

  List<KafkaPrivateEndpoint> inNamespace(String namespace);
}
