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
 *                       each reaching every broker; on GCP one broker's own port per served zone (a
 *                       port-mapping NEG holds one endpoint per VM and port, so no port can be added
 *                       that reaches a broker already mapped)
 * @param brokers        the brokers as exposed, ordered by node id
 * @param ports          node id → load-balancer port, including departed nodes whose port is kept
 * @param problems       what keeps the plan from being applied; empty when it can be
 */
public record EndpointPlan(Provider provider, String listenerName, int containerPort, SecurityProtocol protocol,
    List<Integer> bootstrapPorts, List<PlannedBroker> brokers,
    Map<Integer, Integer> ports, List<PlanProblem> problems) {

  public EndpointPlan {
    bootstrapPorts = List.copyOf(bootstrapPorts);
    brokers = List.copyOf(brokers);
    ports = Collections.unmodifiableMap(new TreeMap<>(ports));
    problems = List.copyOf(problems);
  }

  public boolean applicable() {
    return problems.isEmpty();
  }

  /**
   * Every load-balancer port and the brokers behind it: a broker's own port reaches that broker; on
   * AWS a bootstrap port reaches every broker. On GCP the bootstrap ports are broker ports, so they
   * add nothing here. The cloud synthesizers build their targets from this alone.
   */
  public Map<Integer, List<PlannedBroker>> portTargets() {
    Map<Integer, List<PlannedBroker>> targets = new TreeMap<>();
    if (provider == Provider.AWS) {
      bootstrapPorts.forEach(port -> targets.put(port, brokers));
    }
    brokers.forEach(b -> targets.put(b.port(), List.of(b)));
    return targets;
  }

  /** The bootstrap ports as the consumer's console takes them: comma-separated. */
  public String bootstrapPortList() {
    return bootstrapPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
