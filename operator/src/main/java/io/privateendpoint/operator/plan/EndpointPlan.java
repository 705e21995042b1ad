package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.SecurityProtocol;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * @param targets        every load-balancer port → where it delivers (see {@link PortTarget}); a port
 *                       whose targets do not exist yet (proxy pods not started) maps to an empty list
 * @param problems       what keeps the plan from being applied; empty when it can be
 * @param proxy          Proxy mode: what the proxy Deployment runs; null in PortMapping mode
 */
public record EndpointPlan(Provider provider, String listenerName, int containerPort, SecurityProtocol protocol,
    List<Integer> bootstrapPorts, List<PlannedBroker> brokers,
    Map<Integer, Integer> ports, Map<Integer, List<PortTarget>> targets, List<PlanProblem> problems, ProxyPlan proxy) {

  public EndpointPlan {
    bootstrapPorts = List.copyOf(bootstrapPorts);
    brokers = List.copyOf(brokers);
    ports = Collections.unmodifiableMap(new TreeMap<>(ports));
    Map<Integer, List<PortTarget>> sorted = new TreeMap<>();
    targets.forEach((port, list) -> sorted.put(port, List.copyOf(list)));
    targets = Collections.unmodifiableMap(sorted);
    problems = List.copyOf(problems);
  }

  public boolean applicable() {
    return problems.isEmpty();
  }

  /** The targets behind one load-balancer port; empty when there are none (yet). */
  public List<PortTarget> targetsOf(int port) {
    return targets.getOrDefault(port, List.of());
  }

  /** Every distinct port the targets listen on: what firewalls and security groups must admit. */
  public SortedSet<Integer> targetPorts() {
    SortedSet<Integer> out = new TreeSet<>();
    targets.values().forEach(list -> list.forEach(t -> out.add(t.port())));
    return out;
  }

  /** The bootstrap ports as the consumer's console takes them: comma-separated. */
  public String bootstrapPortList() {
    return bootstrapPorts.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
