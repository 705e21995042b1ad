package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.SecurityProtocol;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one endpoint should look like, as pure data: the apply steps only read it. Built once per
 * reconcile by {@link EndpointPlanner}; equal inputs give an equal plan.
 *
 * @param provider       the cloud that carries the endpoint
 * @param listenerName   the Kafka listener this endpoint owns
 * @param containerPort  the port brokers listen on for it
 * @param protocol       its security protocol
 * @param bootstrapPorts load-balancer ports handed to the consumer for bootstrapping: on AWS the spec's,
 *                       each reaching every broker; on GCP the spec's that are pinned to a broker, then
 *                       one broker port for each served zone no bootstrap port covers
 * @param bootstrapPins  GCP only: bootstrap port → the node id it is mapped to (a port-mapping NEG
 *                       sends each client port to exactly one endpoint); empty on AWS
 * @param brokers        the brokers as exposed, ordered by node id
 * @param ports          node id → load-balancer port, including departed nodes whose port is kept
 * @param problems       what keeps the plan from being applied; empty when it can be
 */
public record EndpointPlan(Provider provider, String listenerName, int containerPort, SecurityProtocol protocol,
    List<Integer> bootstrapPorts, Map<Integer, Integer> bootstrapPins, List<PlannedBroker> brokers,
    Map<Integer, Integer> ports, List<PlanProblem> problems) {

  public EndpointPlan {
    bootstrapPorts = List.copyOf(bootstrapPorts);
    bootstrapPins = Collections.unmodifiableMap(new TreeMap<>(bootstrapPins));
    brokers = List.copyOf(brokers);
    ports = Collections.unmodifiableMap(new TreeMap<>(ports));
    problems = List.copyOf(problems);
  }

  public boolean applicable() {
    return problems.isEmpty();
  }

  /** GCP: bootstrap port → the planned broker it is pinned to (pins always name a planned broker). */
  public Map<Integer, PlannedBroker> pinnedBrokers() {
    Map<Integer, PlannedBroker> pinned = new TreeMap<>();
    bootstrapPins.forEach((port, nodeId) -> brokers.stream().filter(b -> b.nodeId() == nodeId).findFirst()
        .ifPresent(b -> pinned.put(port, b)));
    return pinned;
  }

  /** The bootstrap ports as the consumer's console takes them: comma-separated. */
  public String bootstrapPortList() {
    return bootstrapPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
