package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.NetworkEndpointWithHealthStatus;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsAttachEndpointsRequest;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsClient;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsDetachEndpointsRequest;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PortTarget;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The regional GCE_VM_IP_PORTMAP network endpoint group on the brokers' subnetwork: one endpoint
 * per broker (its node's instance, the container port, its own client port, its pod IP — an alias
 * IP of the node on VPC-native GKE). Exactly one per broker: the NEG holds one endpoint per VM and
 * port, so the bootstrap ports are broker ports (the plan hands them out) and brokers sharing a
 * node are refused by the plan before anything is attached.
 * Endpoints cannot be edited, so a changed one is detached and attached again: at most one
 * detach and one attach call per pass, none when nothing changed.
 */
final class PortMapNegSynthesizer {

  static final String TYPE = "GCE_VM_IP_PORTMAP";

  private final RegionNetworkEndpointGroupsClient negs;
  private final GcpSpec gcp;
  private final GcpOwner owner;
  private final String name;

  PortMapNegSynthesizer(RegionNetworkEndpointGroupsClient negs, GcpSpec gcp, GcpOwner owner, String name) {
    this.negs = negs;
    this.gcp = gcp;
    this.owner = owner;
    this.name = name;
  }

  /** @param attached client port → endpoint now in the NEG */
  record Result(NetworkEndpointGroup neg, Map<Integer, NetworkEndpoint> attached) {}

  /**
   * Creates the NEG when absent and attaches and detaches what differs from the plan, each call
   * recorded as one change; previewing, records them and goes on as if made (a NEG it would create
   * has no endpoints yet, so they are not listed). An endpoint attached again to the target the last
   * status showed mapped ({@code shown}) was detached out of band: a repair.
   */
  Result sync(EndpointPlan plan, Changes changes, List<BrokerStatus> shown) {
    NetworkEndpointGroup neg = find();
    boolean exists = neg != null;
    if (neg == null) {
      NetworkEndpointGroup desired = NetworkEndpointGroup.newBuilder()
          .setName(name).setNetworkEndpointType(TYPE)
          .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork()))
          .setSubnetwork(ComputeOps.subnetworkPath(gcp.getProject(), gcp.getRegion(), gcp.getSubnetwork()))
          .setDescription(owner.description()).build();
      if (changes.previewing()) {
        neg = desired.toBuilder()
            .setSelfLink(ComputeOps.regionalSelfLink(gcp.getProject(), gcp.getRegion(), "networkEndpointGroups", name)).build();
        changes.recreated(KIND, ComputeOps.path(neg.getSelfLink()));
      } else {
        ComputeOps.insert(() -> negs.insertAsync(gcp.getProject(), gcp.getRegion(), desired));
        neg = find();
        exists = true;
        if (owner.ownsDescription(neg.getDescription())) {
          changes.recreated(KIND, ComputeOps.path(neg.getSelfLink()));
        }
      }
    }
    if (!owner.ownsDescription(neg.getDescription())) {
      throw GcpProblem.notOurs("network endpoint group", name, null);
    }
    if (!TYPE.equals(neg.getNetworkEndpointType())) {
      throw new GcpProblem("NegTypeMismatch", "network endpoint group " + name + " is " + neg.getNetworkEndpointType()
          + ", not " + TYPE + ", and a NEG's type cannot change");
    }
    String id = ComputeOps.path(neg.getSelfLink());
    Map<Integer, NetworkEndpoint> wanted = wanted(plan);
    List<NetworkEndpoint> have = exists ? attached() : List.of();
    Set<String> wantedKeys = wanted.values().stream().map(PortMapNegSynthesizer::key).collect(Collectors.toSet());
    Set<String> haveKeys = have.stream().map(PortMapNegSynthesizer::key).collect(Collectors.toSet());
    List<NetworkEndpoint> detach = have.stream().filter(e -> !wantedKeys.contains(key(e))).toList();
    List<NetworkEndpoint> attach = wanted.values().stream().filter(e -> !haveKeys.contains(key(e))).toList();
    Set<Integer> detachedPorts = detach.stream().map(NetworkEndpoint::getClientDestinationPort).collect(Collectors.toSet());
    Set<Integer> attachedPorts = attach.stream().map(NetworkEndpoint::getClientDestinationPort).collect(Collectors.toSet());
    // Detach first: a client port maps to one endpoint, so a moved broker's port must be free again.
    if (!detach.isEmpty()) {
      if (!changes.previewing()) {
        ComputeOps.change(() -> negs.detachNetworkEndpointsAsync(gcp.getProject(), gcp.getRegion(), name,
            RegionNetworkEndpointGroupsDetachEndpointsRequest.newBuilder().addAllNetworkEndpoints(detach).build()),
            () -> attachedKeys().stream().noneMatch(k -> detach.stream().map(PortMapNegSynthesizer::key).toList().contains(k)));
      }
      changes.deleted(ENDPOINTS, id, detach.stream().sorted(BY_PORT)
          .map(e -> described(e, plan) + (attachedPorts.contains(e.getClientDestinationPort()) ? " moves" : " removed"))
          .collect(Collectors.joining(", ")));
    }
    if (!attach.isEmpty()) {
      if (!changes.previewing()) {
        ComputeOps.change(() -> negs.attachNetworkEndpointsAsync(gcp.getProject(), gcp.getRegion(), name,
            RegionNetworkEndpointGroupsAttachEndpointsRequest.newBuilder().addAllNetworkEndpoints(attach).build()),
            () -> attachedKeys().containsAll(attach.stream().map(PortMapNegSynthesizer::key).toList()));
      }
      String what = attach.stream().sorted(BY_PORT)
          .map(e -> described(e, plan) + (detachedPorts.contains(e.getClientDestinationPort()) ? " moved to " : " → ")
              + target(e))
          .collect(Collectors.joining(", "));
      if (exists && changes.builtBefore() && attach.stream().allMatch(e -> shownMapped(e, shown))) {
        // Every one of them was mapped so when the last status was written: detached out of band.
        changes.repaired(ENDPOINTS, id, "attached again: " + what);
      } else {
        changes.created(ENDPOINTS, id, what);
      }
    }
    Map<Integer, NetworkEndpoint> now = new TreeMap<>();
    have.stream().filter(e -> wantedKeys.contains(key(e))).forEach(e -> now.put(e.getClientDestinationPort(), e));
    attach.forEach(e -> now.put(e.getClientDestinationPort(), e));
    return new Result(neg, now);
  }

  /** How changes name the NEG, and its endpoints. */
  static final String KIND = "network endpoint group";
  static final String ENDPOINTS = "network endpoints";

  private static final Comparator<NetworkEndpoint> BY_PORT = Comparator.comparingInt(NetworkEndpoint::getClientDestinationPort);

  /** "port 9096 (broker 3)": the client port, and the broker the plan gives it. */
  static String described(NetworkEndpoint e, EndpointPlan plan) {
    int port = e.getClientDestinationPort();
    // The plan's ports hold departed brokers' too (a port is kept for life), so a removed one is named.
    String broker = plan.ports().entrySet().stream().filter(p -> p.getValue() == port).map(p -> "broker " + p.getKey())
        .findFirst().orElse(null);
    return "port " + port + (broker == null ? "" : " (" + broker + ")");
  }

  /** "gke-node-4 10.61.4.11:39092": the VM and the address an endpoint delivers to. */
  static String target(NetworkEndpoint e) {
    String instance = e.getInstance().substring(e.getInstance().lastIndexOf('/') + 1);
    return instance + " " + e.getIpAddress() + ":" + e.getPort();
  }

  /** The last status showed the endpoint's port mapped to this very target. */
  static boolean shownMapped(NetworkEndpoint e, List<BrokerStatus> shown) {
    return shown.stream().anyMatch(b -> b.getPort() != null && b.getPort() == e.getClientDestinationPort()
        && "mapped".equals(b.getHealth()) && (e.getIpAddress() + ":" + e.getPort()).equals(b.getTarget()));
  }

  /**
   * Client port → the endpoint it should reach: the one target the plan puts behind each port (a
   * port-mapping NEG maps a client port to exactly one VM and port). A port without a target yet
   * (proxy pods not started) is left unmapped.
   */
  Map<Integer, NetworkEndpoint> wanted(EndpointPlan plan) {
    Map<Integer, NetworkEndpoint> wanted = new LinkedHashMap<>();
    plan.targets().forEach((port, targets) -> {
      if (!targets.isEmpty()) {
        wanted.put(port, endpoint(targets.get(0), port));
      }
    });
    return wanted;
  }

  private NetworkEndpoint endpoint(PortTarget target, int clientPort) {
    NetworkEndpoint.Builder e = NetworkEndpoint.newBuilder()
        .setInstance("projects/" + gcp.getProject() + "/zones/" + target.zone() + "/instances/" + target.instanceId())
        .setPort(target.port()).setClientDestinationPort(clientPort);
    if (target.ip() != null) {
      // A VPC-native pod IP is an alias IP of its node; with host networking it is the node's own IP. Both belong to the VM.
      e.setIpAddress(target.ip());
    }
    return e.build();
  }

  /**
   * What makes two endpoints the same: instance (by zone and name), ports and IP. Every planned
   * broker has a pod IP (a broker without one blocks the plan), so the wanted side always names one;
   * Compute fills the VM's primary IP into an endpoint attached without, which would never match.
   */
  static String key(NetworkEndpoint e) {
    String instance = ComputeOps.path(e.getInstance());
    int zones = instance.indexOf("zones/");
    instance = zones >= 0 ? instance.substring(zones) : instance;
    return instance + "|" + e.getPort() + "|" + e.getClientDestinationPort() + "|" + e.getIpAddress();
  }

  private List<NetworkEndpoint> attached() {
    return StreamSupport.stream(negs.listNetworkEndpoints(gcp.getProject(), gcp.getRegion(), name).iterateAll().spliterator(), false)
        .map(NetworkEndpointWithHealthStatus::getNetworkEndpoint).toList();
  }

  private Set<String> attachedKeys() {
    return attached().stream().map(PortMapNegSynthesizer::key).collect(Collectors.toSet());
  }

  NetworkEndpointGroup find() {
    return ComputeOps.getOrNull(() -> negs.get(gcp.getProject(), gcp.getRegion(), name));
  }

  boolean delete(Changes changes) {
    NetworkEndpointGroup neg = find();
    if (neg == null || !owner.ownsDescription(neg.getDescription())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> negs.deleteAsync(gcp.getProject(), gcp.getRegion(), name));
    if (gone) {
      changes.deleted(KIND, ComputeOps.path(neg.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }
}
