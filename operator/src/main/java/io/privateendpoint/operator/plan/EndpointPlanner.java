package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import io.privateendpoint.operator.model.PortsSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns a validated spec, what was observed, and the ports handed out before into an
 * {@link EndpointPlan}. Static and deterministic, with no client in sight, so it is tested with
 * golden files alone.
 */
public final class EndpointPlanner {

  // RFC 1035: a name is at most 253 characters, each label at most 63.
  private static final int MAX_HOST = 253;
  private static final int MAX_LABEL = 63;

  private EndpointPlanner() {}

  public static EndpointPlan plan(KafkaPrivateEndpointSpec spec, Observation observed, Map<Integer, Integer> previousPorts) {
    Provider provider = Provider.of(spec);
    ListenerSpec listener = spec.getListener();
    PortsSpec ports = spec.getPorts();
    List<PlanProblem> problems = new ArrayList<>(observed.problems());
    List<Broker> brokers = observed.brokers().stream().sorted(Comparator.comparingInt(Broker::nodeId)).toList();

    var allocation = PortAllocator.allocate(brokers.stream().map(Broker::nodeId).toList(), previousPorts,
        observed.advertisedNodeIds(), ports.getBrokerStart(), ports.getBrokerCount());
    if (!allocation.unassigned().isEmpty()) {
      problems.add(new PlanProblem(PlanProblem.PORT_RANGE_EXHAUSTED, "no port left in "
          + ports.getBrokerStart() + ".." + (ports.getBrokerStart() + ports.getBrokerCount() - 1)
          + " (spec.ports) for broker(s) " + allocation.unassigned().stream().map(String::valueOf)
          .collect(Collectors.joining(", ")) + "; widen spec.ports.brokerCount"));
    }

    List<PlannedBroker> planned = new ArrayList<>();
    for (Broker broker : brokers) {
      String zone = provider == Provider.AWS ? broker.azId() : broker.zone();
      String where = "broker " + broker.nodeId() + " (pod " + broker.podName() + ")";
      if (broker.nodeName() == null) {
        problems.add(new PlanProblem(PlanProblem.BROKER_NOT_READY, where + " is not scheduled to a node yet"));
        continue;
      }
      if (zone == null) {
        problems.add(new PlanProblem(PlanProblem.BROKER_NOT_READY, where + " runs on node " + broker.nodeName()
            + " which has no " + (provider == Provider.AWS ? "topology.k8s.aws/zone-id" : "topology.kubernetes.io/zone")
            + " label"));
        continue;
      }
      if (!spec.getZones().contains(zone)) {
        problems.add(new PlanProblem(PlanProblem.ZONE_NOT_SERVED, where + " runs in zone " + zone
            + ", which spec.zones does not list"));
        continue;
      }
      if (provider == Provider.GCP && broker.instanceId() == null) {
        problems.add(new PlanProblem(PlanProblem.BROKER_NOT_READY, where + " runs on node " + broker.nodeName()
            + " whose spec.providerID names no Compute Engine instance (gce://project/zone/instance)"));
        continue;
      }
      if (broker.podIp() == null) {
        problems.add(new PlanProblem(PlanProblem.BROKER_NOT_READY, where + " has no IP yet"));
      }
      Integer port = allocation.ports().get(broker.nodeId());
      if (port == null) {
        continue; // reported as PortRangeExhausted above
      }
      String host = advertisedHost(listener.getAdvertisedPattern(), broker.nodeId(), zone);
      String tooLong = nameProblem(host);
      if (tooLong != null) {
        problems.add(new PlanProblem(PlanProblem.ADDRESS_TOO_LONG, where + ": advertised host " + host + " " + tooLong));
        continue;
      }
      planned.add(new PlannedBroker(broker.nodeId(), broker.podName(), zone, port, host, broker.podIp(),
          broker.nodeName(), broker.instanceId(), broker.nodePort(), target(spec, broker)));
    }
    List<Integer> bootstrap = ports.getBootstrap().stream().sorted().toList();
    if (provider == Provider.AWS) {
      return new EndpointPlan(provider, listener.getName(), listener.getContainerPort(), listener.getSecurityProtocol(),
          bootstrap, Map.of(), planned, allocation.ports(), problems);
    }
    Map<Integer, Integer> pins = pinBootstrap(bootstrap, planned, spec.getZones());
    return new EndpointPlan(provider, listener.getName(), listener.getContainerPort(), listener.getSecurityProtocol(),
        handedOut(pins, planned, spec.getZones()), pins, planned, allocation.ports(), problems);
  }

  /**
   * GCP: a port-mapping NEG maps a client port to exactly one endpoint, so no port reaches "any
   * broker" as AWS's bootstrap target group does. The i-th bootstrap port is pinned to the broker
   * with the lowest node id in the i-th served zone that has brokers (spreading the ports over
   * zones), preferring a broker no other bootstrap port uses. Lowest id keeps a pin where it is
   * while the cluster grows or shrinks above it; only its broker leaving moves it.
   */
  static Map<Integer, Integer> pinBootstrap(List<Integer> bootstrap, List<PlannedBroker> brokers, List<String> zones) {
    List<String> served = zones.stream().filter(z -> brokers.stream().anyMatch(b -> b.zone().equals(z))).toList();
    Map<Integer, Integer> pins = new TreeMap<>();
    if (served.isEmpty()) {
      return pins;
    }
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < bootstrap.size(); i++) {
      String zone = served.get(i % served.size());
      List<PlannedBroker> inZone = brokers.stream().filter(b -> b.zone().equals(zone)).toList();
      PlannedBroker pick = inZone.stream().filter(b -> !used.contains(b.nodeId())).findFirst()
          .orElseGet(() -> brokers.stream().filter(b -> !used.contains(b.nodeId())).findFirst().orElse(inZone.get(0)));
      used.add(pick.nodeId());
      pins.put(bootstrap.get(i), pick.nodeId());
    }
    return pins;
  }

  /**
   * GCP: the ports worth handing out for bootstrapping, all of which really exist: the pinned
   * bootstrap ports, then for every served zone none of them reaches, its first broker's own port
   * (a broker port reaches exactly that broker, which is all a bootstrap needs), so losing one zone
   * never leaves the consumer without a way in.
   */
  private static List<Integer> handedOut(Map<Integer, Integer> pins, List<PlannedBroker> brokers, List<String> zones) {
    List<Integer> out = new ArrayList<>(pins.keySet());
    Set<String> covered = new HashSet<>();
    for (int nodeId : pins.values()) {
      brokers.stream().filter(b -> b.nodeId() == nodeId).forEach(b -> covered.add(b.zone()));
    }
    List<Integer> extra = new ArrayList<>();
    for (String zone : zones) {
      if (!covered.contains(zone)) {
        brokers.stream().filter(b -> b.zone().equals(zone)).findFirst().ifPresent(b -> extra.add(b.port()));
      }
    }
    extra.sort(Comparator.naturalOrder());
    out.addAll(extra);
    return out;
  }

  /** The pattern with {@code <broker_id>} = b + node id and {@code <az_id>} filled, without {@code :<port>}. */
  public static String advertisedHost(String pattern, int nodeId, String zone) {
    String host = pattern.substring(0, pattern.length() - (":" + ListenerSpec.PORT).length());
    return host.replace(ListenerSpec.BROKER_ID, "b" + nodeId).replace(ListenerSpec.AZ_ID, zone == null ? "" : zone);
  }

  private static String nameProblem(String host) {
    if (host.length() > MAX_HOST) {
      return "is longer than " + MAX_HOST + " characters";
    }
    for (String label : host.split("\\.")) {
      if (label.length() > MAX_LABEL) {
        return "has a label longer than " + MAX_LABEL + " characters";
      }
    }
    return null;
  }

  /** Where the load balancer sends the broker's port, as status shows it. */
  private static String target(KafkaPrivateEndpointSpec spec, Broker broker) {
    if (spec.getAws() != null && spec.getAws().getTargetType() == AwsTargetType.instance) {
      // The NodePort is known once a Service exposes the broker; until then only the instance.
      return broker.nodePort() == null ? broker.instanceId() : broker.instanceId() + ":" + broker.nodePort();
    }
    return broker.podIp() == null ? null : broker.podIp() + ":" + spec.getListener().getContainerPort();
  }
}
