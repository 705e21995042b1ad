package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.NetworkEndpointWithHealthStatus;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsAttachEndpointsRequest;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsClient;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsDetachEndpointsRequest;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PortTarget;
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

  Result sync(EndpointPlan plan) {
    return sync(plan, Changes.untold());
  }

  Result sync(EndpointPlan plan, Changes repairs) {
    NetworkEndpointGroup neg = find();
    if (neg == null) {
      ComputeOps.insert(() -> negs.insertAsync(gcp.getProject(), gcp.getRegion(), NetworkEndpointGroup.newBuilder()
          .setName(name).setNetworkEndpointType(TYPE)
          .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork()))
          .setSubnetwork(ComputeOps.subnetworkPath(gcp.getProject(), gcp.getRegion(), gcp.getSubnetwork()))
          .setDescription(owner.description()).build()));
      neg = find();
      if (owner.ownsDescription(neg.getDescription())) {
        repairs.recreated("network endpoint group", ComputeOps.path(neg.getSelfLink()));
      }
    }
    if (!owner.ownsDescription(neg.getDescription())) {
      throw GcpProblem.notOurs("network endpoint group", name, null);
    }
    if (!TYPE.equals(neg.getNetworkEndpointType())) {
      throw new GcpProblem("NegTypeMismatch", "network endpoint group " + name + " is " + neg.getNetworkEndpointType()
          + ", not " + TYPE + ", and a NEG's type cannot change");
    }
    Map<Integer, NetworkEndpoint> wanted = wanted(plan);
    List<NetworkEndpoint> have = attached();
    Set<String> wantedKeys = wanted.values().stream().map(PortMapNegSynthesizer::key).collect(Collectors.toSet());
    Set<String> haveKeys = have.stream().map(PortMapNegSynthesizer::key).collect(Collectors.toSet());
    List<NetworkEndpoint> detach = have.stream().filter(e -> !wantedKeys.contains(key(e))).toList();
    List<NetworkEndpoint> attach = wanted.values().stream().filter(e -> !haveKeys.contains(key(e))).toList();
    // Detach first: a client port maps to one endpoint, so a moved broker's port must be free again.
    if (!detach.isEmpty()) {
      ComputeOps.change(() -> negs.detachNetworkEndpointsAsync(gcp.getProject(), gcp.getRegion(), name,
          RegionNetworkEndpointGroupsDetachEndpointsRequest.newBuilder().addAllNetworkEndpoints(detach).build()),
          () -> attachedKeys().stream().noneMatch(k -> detach.stream().map(PortMapNegSynthesizer::key).toList().contains(k)));
    }
    if (!attach.isEmpty()) {
      ComputeOps.change(() -> negs.attachNetworkEndpointsAsync(gcp.getProject(), gcp.getRegion(), name,
          RegionNetworkEndpointGroupsAttachEndpointsRequest.newBuilder().addAllNetworkEndpoints(attach).build()),
          () -> attachedKeys().containsAll(attach.stream().map(PortMapNegSynthesizer::key).toList()));
    }
    Map<Integer, NetworkEndpoint> now = new TreeMap<>();
    have.stream().filter(e -> wantedKeys.contains(key(e))).forEach(e -> now.put(e.getClientDestinationPort(), e));
    attach.forEach(e -> now.put(e.getClientDestinationPort(), e));
    return new Result(neg, now);
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

  boolean delete() {
    NetworkEndpointGroup neg = find();
    if (neg == null || !owner.ownsDescription(neg.getDescription())) {
      return true;
    }
    return ComputeOps.delete(() -> negs.deleteAsync(gcp.getProject(), gcp.getRegion(), name));
  }
}
