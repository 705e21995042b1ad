package io.privateendpoint.operator.plan;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What one endpoint should look like, as pure data: the apply steps only read it. Built once per
 * reconcile by {@link EndpointPlanner}; equal inputs give an equal plan.
 *
 * @param provider       the cloud that carries the endpoint
 * @param listenerName   the Kafka listener this endpoint owns
 * @param bootstrapPorts load-balancer ports that reach the cluster for bootstrapping
 * @param brokers        the brokers observed, ordered by node id
 */
public record EndpointPlan(Provider provider, String listenerName, List<Integer> bootstrapPorts, List<Broker> brokers) {

  public EndpointPlan {
    bootstrapPorts = List.copyOf(bootstrapPorts);
    brokers = List.copyOf(brokers);
  }

  /** The bootstrap ports as the consumer's console takes them: comma-separated. */
  public String bootstrapPortList() {
    return bootstrapPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
