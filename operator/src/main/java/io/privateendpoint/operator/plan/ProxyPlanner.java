package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import io.privateendpoint.operator.model.PortsSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Proxy mode's plan: the brokers the Admin API describes, each with a load-balancer port kept for
 * life (the same allocator as PortMapping) and an advertised name from the pattern; the proxy binds
 * every broker's port and advertises that name, so the load balancer's ports target proxy pods.
 */
final class ProxyPlanner {

  private ProxyPlanner() {}

  static EndpointPlan plan(KafkaPrivateEndpointSpec spec, Observation observed, Map<Integer, Integer> previousPorts) {
    Provider provider = Provider.of(spec);
    ListenerSpec listener = spec.getListener();
    PortsSpec ports = spec.getPorts();
    List<PlanProblem> problems = new ArrayList<>(observed.problems());
    List<UpstreamBroker> upstream = observed.upstream().stream().sorted(Comparator.comparingInt(UpstreamBroker::nodeId)).toList();

    // A broker that left is no longer in the metadata the proxy serves, so its port is not advertised.
    var allocation = PortAllocator.allocate(upstream.stream().map(UpstreamBroker::nodeId).toList(), previousPorts,
        Set.of(), ports.getBrokerStart(), ports.getBrokerCount());
    if (!allocation.unassigned().isEmpty()) {
      problems.add(EndpointPlanner.exhausted(ports, allocation.unassigned()));
    }
    List<ProxyPod> pods = observed.proxyPods().stream().filter(p -> p.ip() != null)
        .sorted(Comparator.comparing(ProxyPod::name)).toList();

    List<PlannedBroker> planned = new ArrayList<>();
    for (UpstreamBroker broker : upstream) {
      Integer port = allocation.ports().get(broker.nodeId());
      if (port == null) {
        continue; // reported as PortRangeExhausted above
      }
      String zone = zoneOf(broker, spec.getZones());
      String host = EndpointPlanner.advertisedHost(listener.getAdvertisedPattern(), broker.nodeId(), zone);
      String tooLong = EndpointPlanner.nameProblem(host);
      if (tooLong != null) {
        problems.add(new PlanProblem(PlanProblem.ADDRESS_TOO_LONG, "broker " + broker.nodeId() + ": advertised host "
            + host + " " + tooLong));
        continue;
      }
      planned.add(new PlannedBroker(broker.nodeId(), null, zone, port, host, null, null, null, null, null,
          broker.address()));
    }
    if (upstream.isEmpty() && observed.problems().isEmpty()) {
      problems.add(new PlanProblem(PlanProblem.NO_BROKERS, "the Kafka behind " + EndpointPlanner.sourceName(spec)
          + " describes no broker; nothing is created until there is one"));
    }

    List<Integer> bootstrapPorts = provider == Provider.AWS
        ? ports.getBootstrap().stream().sorted().toList()
        : EndpointPlanner.zoneBootstrapPorts(planned, spec.getZones());
    Map<Integer, List<PortTarget>> targets = provider == Provider.AWS
        ? everyPodServesEveryPort(planned, bootstrapPorts, listener.getContainerPort(), pods)
        : onePodPerPort(planned, pods);
    List<PlannedBroker> withTargets = planned.stream().map(b -> withTarget(b, targets.get(b.port()))).toList();
    return new EndpointPlan(provider, listener.getName(), listener.getContainerPort(), listener.getSecurityProtocol(),
        bootstrapPorts, withTargets, allocation.ports(), targets, problems,
        new ProxyPlan(observed.upstreamBootstrap(), spec.proxyOrDefault().getReplicas()));
  }

  /**
   * A broker's zone: its rack when the rack names one of spec.zones (brokers set broker.rack to their
   * zone), else one of spec.zones by node id — stable for the broker, and even over consecutive ids.
   */
  static String zoneOf(UpstreamBroker broker, List<String> zones) {
    if (broker.rack() != null && zones.contains(broker.rack())) {
      return broker.rack();
    }
    return zones.get(Math.floorMod(broker.nodeId(), zones.size()));
  }

  /**
   * AWS: each target group holds every proxy pod, so losing one leaves every port served (the NLB's
   * health checks take the lost pod out). Pods without an IP yet are left out.
   */
  private static Map<Integer, List<PortTarget>> everyPodServesEveryPort(List<PlannedBroker> brokers,
      List<Integer> bootstrapPorts, int bootstrapTargetPort, List<ProxyPod> pods) {
    Map<Integer, List<PortTarget>> targets = new TreeMap<>();
    for (PlannedBroker b : brokers) {
      targets.put(b.port(), pods.stream().map(p -> target(p, b.port(), p.azId())).toList());
    }
    for (int port : bootstrapPorts) {
      targets.put(port, pods.stream().map(p -> target(p, bootstrapTargetPort, p.azId())).toList());
    }
    return targets;
  }

  /**
   * GCP: a port-mapping NEG maps each client port to exactly one VM and port, so each broker port
   * points at one ready proxy pod — one in the broker's zone when there is one, spread by broker —
   * and is re-pointed at another when that pod stops being ready. No ready pod: no endpoint.
   */
  private static Map<Integer, List<PortTarget>> onePodPerPort(List<PlannedBroker> brokers, List<ProxyPod> pods) {
    List<ProxyPod> ready = pods.stream().filter(p -> p.ready() && p.instanceId() != null && p.zone() != null).toList();
    Map<Integer, List<PortTarget>> targets = new TreeMap<>();
    Map<String, Integer> turns = new TreeMap<>(); // round robin within each candidate set, brokers by node id
    for (PlannedBroker b : brokers) {
      List<ProxyPod> local = ready.stream().filter(p -> p.zone().equals(b.zone())).toList();
      List<ProxyPod> candidates = local.isEmpty() ? ready : local;
      if (candidates.isEmpty()) {
        targets.put(b.port(), List.of());
        continue;
      }
      int turn = turns.merge(local.isEmpty() ? "" : b.zone(), 1, Integer::sum) - 1;
      targets.put(b.port(), List.of(target(candidates.get(turn % candidates.size()), b.port(), null)));
    }
    return targets;
  }

  private static PortTarget target(ProxyPod pod, int port, String azId) {
    return new PortTarget(pod.ip(), port, pod.instanceId(), azId != null ? azId : pod.zone(), "proxy pod " + pod.name());
  }

  private static PlannedBroker withTarget(PlannedBroker b, List<PortTarget> targets) {
    String target = targets == null || targets.isEmpty() ? null
        : targets.stream().map(PortTarget::key).collect(Collectors.joining(","));
    return new PlannedBroker(b.nodeId(), b.podName(), b.zone(), b.port(), b.advertisedHost(), b.podIp(), b.nodeName(),
        b.instanceId(), b.nodePort(), target, b.upstream());
  }
}
