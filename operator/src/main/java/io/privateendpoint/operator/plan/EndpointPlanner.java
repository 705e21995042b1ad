package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import io.privateendpoint.operator.model.PortsSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    if (spec.getMode() == EndpointMode.Proxy) {
      return ProxyPlanner.plan(spec, observed, previousPorts);
    }
    Provider provider = Provider.of(spec);
    ListenerSpec listener = spec.getListener();
    PortsSpec ports = spec.getPorts();
    List<PlanProblem> problems = new ArrayList<>(observed.problems());
    List<Broker> brokers = observed.brokers().stream().sorted(Comparator.comparingInt(Broker::nodeId)).toList();

    var allocation = PortAllocator.allocate(brokers.stream().map(Broker::nodeId).toList(), previousPorts,
        observed.advertisedNodeIds(), ports.getBrokerStart(), ports.getBrokerCount());
    if (!allocation.unassigned().isEmpty()) {
      problems.add(exhausted(ports, allocation.unassigned()));
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
    if (brokers.isEmpty() && observed.problems().isEmpty()) {
      problems.add(new PlanProblem(PlanProblem.NO_BROKERS, sourceName(spec) + " has no broker yet; nothing is created"
          + " until there is one to point the load balancer at"));
    }
    List<Integer> bootstrapPorts;
    if (provider == Provider.AWS) {
      bootstrapPorts = ports.getBootstrap().stream().sorted().toList();
    } else {
      sharedNodes(planned).ifPresent(problems::add);
      bootstrapPorts = zoneBootstrapPorts(planned, spec.getZones());
    }
    return new EndpointPlan(provider, listener.getName(), listener.getContainerPort(), listener.getSecurityProtocol(),
        bootstrapPorts, planned, allocation.ports(), brokerTargets(spec, provider, bootstrapPorts, planned), problems, null);
  }

  /**
   * PortMapping: a broker's own port reaches that broker's pod (ip targets, and always on GCP) or its
   * node and NodePort (AWS instance targets; none until the NodePort is known); on AWS a bootstrap
   * port reaches every broker. On GCP the bootstrap ports are broker ports, so they add nothing.
   */
  private static Map<Integer, List<PortTarget>> brokerTargets(KafkaPrivateEndpointSpec spec, Provider provider,
      List<Integer> bootstrapPorts, List<PlannedBroker> planned) {
    boolean instance = spec.getAws() != null && spec.getAws().getTargetType() == AwsTargetType.instance;
    Map<Integer, List<PortTarget>> targets = new TreeMap<>();
    List<PortTarget> all = new ArrayList<>();
    for (PlannedBroker b : planned) {
      String what = "broker " + b.nodeId() + " (pod " + b.podName() + ")";
      PortTarget target = instance
          ? (b.nodePort() == null ? null : new PortTarget(null, b.nodePort(), b.instanceId(), b.zone(), what))
          : new PortTarget(b.podIp(), spec.getListener().getContainerPort(), b.instanceId(), b.zone(), what);
      targets.put(b.port(), target == null ? List.of() : List.of(target));
      if (target != null) {
        all.add(target);
      }
    }
    if (provider == Provider.AWS) {
      bootstrapPorts.forEach(port -> targets.put(port, all));
    }
    return targets;
  }

  /** No port left in spec.ports for these brokers. */
  static PlanProblem exhausted(PortsSpec ports, Collection<Integer> unassigned) {
    return new PlanProblem(PlanProblem.PORT_RANGE_EXHAUSTED, "no port left in " + ports.getBrokerStart() + ".."
        + (ports.getBrokerStart() + ports.getBrokerCount() - 1) + " (spec.ports) for broker(s) "
        + unassigned.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "; widen spec.ports.brokerCount");
  }

  /**
   * GCP: a port-mapping NEG (GCE_VM_IP_PORTMAP) maps each client port to one endpoint — the client
   * destination port "acts as a unique identifier of the packet's intended destination VM and port"
   * (https://cloud.google.com/vpc/docs/about-private-service-connect-port-mapping), whose examples map
   * each VM and port from one client port. Whether two client ports may share a VM port is not
   * written down, so the strict reading holds here and in the Compute fake: at most one endpoint per
   * instance and port. Every broker listens on the same container port, so two brokers on one node cannot
   * both be mapped: that is refused before anything is attached, naming them, rather than leaving
   * one broker unreachable behind a half-built NEG.
   */
  private static Optional<PlanProblem> sharedNodes(List<PlannedBroker> planned) {
    Map<String, List<PlannedBroker>> byInstance = new TreeMap<>();
    planned.forEach(b -> byInstance.computeIfAbsent(b.zone() + "/" + b.instanceId(), k -> new ArrayList<>()).add(b));
    List<String> shared = byInstance.values().stream().filter(on -> on.size() > 1)
        .map(on -> "brokers " + on.stream().map(b -> b.nodeId() + " (pod " + b.podName() + ")")
            .collect(Collectors.joining(" and ")) + " run on node " + on.get(0).nodeName())
        .toList();
    if (shared.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PlanProblem(PlanProblem.BROKERS_SHARE_NODE, String.join("; ", shared)
        + ": a port-mapping NEG holds one endpoint per VM and port, so only one broker per node can be reached;"
        + " spread the brokers over nodes with pod anti-affinity (requiredDuringSchedulingIgnoredDuringExecution"
        + " on topologyKey kubernetes.io/hostname)"));
  }

  /**
   * GCP: the ports handed out for bootstrapping are broker ports, as in Google's guide — the first
   * broker's (lowest node id) of every served zone, so losing one zone never leaves the consumer
   * without a way in, and a port moves only when its broker leaves.
   */
  static List<Integer> zoneBootstrapPorts(List<PlannedBroker> brokers, List<String> zones) {
    List<Integer> out = new ArrayList<>();
    for (String zone : zones) {
      brokers.stream().filter(b -> b.zone().equals(zone)).findFirst().ifPresent(b -> out.add(b.port()));
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  static String sourceName(KafkaPrivateEndpointSpec spec) {
    var kafka = spec.getKafka();
    if (kafka.getStatefulSet() != null) {
      return "StatefulSet " + kafka.getStatefulSet().getName() + " (spec.kafka.statefulSet)";
    }
    if (kafka.getStrimzi() != null) {
      return "Strimzi Kafka " + kafka.getStrimzi().getCluster() + " (spec.kafka.strimzi)";
    }
    return "spec.kafka.bootstrapServers";
  }

  /** The pattern with {@code <broker_id>} = b + node id and {@code <az_id>} filled, without {@code :<port>}. */
  public static String advertisedHost(String pattern, int nodeId, String zone) {
    String host = pattern.substring(0, pattern.length() - (":" + ListenerSpec.PORT).length());
    return host.replace(ListenerSpec.BROKER_ID, "b" + nodeId).replace(ListenerSpec.AZ_ID, zone == null ? "" : zone);
  }

  static String nameProblem(String host) {
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
