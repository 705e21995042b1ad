package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Backend;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import com.google.cloud.compute.v1.Subnetwork;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Compute's rules for the Private Service Connect producer chain and its consumers: a port-mapping
 * NEG on an existing network; backend services on existing NEGs of their region, balanced by
 * CONNECTION when INTERNAL; forwarding rules with at most 5 ports, allPorts alone, a backend service
 * of their region and scheme, or a service attachment as a consumer's target; service attachments
 * publishing one INTERNAL rule through PRIVATE_SERVICE_CONNECT NAT subnets no other attachment uses.
 */
final class LoadBalancingRules {

  private final ResourceStore store;
  private final References refs;
  private final VpcRules vpc;

  LoadBalancingRules(ResourceStore store, References refs, VpcRules vpc) {
    this.store = store;
    this.refs = refs;
    this.vpc = vpc;
  }

  NetworkEndpointGroup networkEndpointGroup(ResourcePath path, NetworkEndpointGroup g) {
    if (g.getNetworkEndpointType().isEmpty()) {
      throw ComputeError.required("resource.networkEndpointType");
    }
    if (g.getNetworkEndpointType().equals(NetworkEndpoints.PORTMAP)) {
      ResourcePath network = refs.require("resource.network", g.getNetwork(), path, "networks");
      if (!g.getSubnetwork().isEmpty()) {
        ResourcePath subnetPath = refs.require("resource.subnetwork", g.getSubnetwork(), path, "subnetworks");
        References.requireSameRegion("resource.subnetwork", g.getSubnetwork(), subnetPath, path);
        vpc.networkOf("resource", network.path(), subnetPath, (Subnetwork) store.require(subnetPath), path);
      }
    }
    return g.toBuilder().setSize(0).build();
  }

  BackendService backendService(ResourcePath path, BackendService service) {
    Set<ResourcePath> groups = new HashSet<>();
    for (int i = 0; i < service.getBackendsCount(); i++) {
      String at = "resource.backends[" + i + "]";
      Backend backend = service.getBackends(i);
      ResourcePath group = refs.require(at + ".group", backend.getGroup(), path, "networkEndpointGroups", "instanceGroups");
      if (path.region() != null) {
        References.requireSameRegion(at + ".group", backend.getGroup(), group, path);
      }
      if (!groups.add(group)) {
        throw ComputeError.invalidField(at + ".group", backend.getGroup(), "Duplicate backend group.");
      }
      if (service.getLoadBalancingScheme().equals("INTERNAL") && !backend.getBalancingMode().isEmpty()
          && !backend.getBalancingMode().equals("CONNECTION")) {
        throw ComputeError.invalidField(at + ".balancingMode", backend.getBalancingMode(),
            "Backends of an INTERNAL (passthrough) backend service balance by CONNECTION.");
      }
    }
    return service;
  }

  ForwardingRule forwardingRule(ResourcePath path, ForwardingRule rule, boolean inserting) {
    if (!rule.getBackendService().isEmpty() && !rule.getTarget().isEmpty()) {
      throw ComputeError.invalid("Invalid value for field 'resource.target': '" + rule.getTarget()
          + "'. A forwarding rule has a target or a backendService, not both.");
    }
    if (rule.getPortsCount() > 5) {
      throw ComputeError.invalidField("resource.ports", rule.getPortsList(),
          "A forwarding rule lists at most 5 ports; use portRange or allPorts for more.");
    }
    if (rule.getAllPorts() && (rule.getPortsCount() > 0 || !rule.getPortRange().isEmpty())) {
      throw ComputeError.invalid("Invalid value for field 'resource.allPorts': 'true'. allPorts cannot be combined with ports or portRange.");
    }
    if (rule.getPortsCount() > 0 && !rule.getPortRange().isEmpty()) {
      throw ComputeError.invalid("Invalid value for field 'resource.portRange': '" + rule.getPortRange() + "'. Give ports or portRange, not both.");
    }
    for (int i = 0; i < rule.getPortsCount(); i++) {
      FirewallRules.requirePort("resource.ports[" + i + "]", rule.getPorts(i));
    }
    ForwardingRule.Builder b = rule.toBuilder();
    Optional<ResourcePath> attachment = ServiceAttachmentConnections.attachmentOf(path, rule);
    boolean internal = rule.getLoadBalancingScheme().startsWith("INTERNAL");
    ResourcePath subnetPath = rule.getSubnetwork().isEmpty() ? null : refs.require("resource.subnetwork", rule.getSubnetwork(), path, "subnetworks");
    Subnetwork subnet = subnetPath == null ? null : (Subnetwork) store.require(subnetPath);
    if (subnetPath != null) {
      References.requireSameRegion("resource.subnetwork", rule.getSubnetwork(), subnetPath, path);
    }
    if (internal || attachment.isPresent() || !rule.getNetwork().isEmpty() || subnet != null) {
      b.setNetwork(vpc.networkOf("resource", rule.getNetwork(), subnetPath, subnet, path).selfLink());
    }
    if (!rule.getBackendService().isEmpty()) {
      ResourcePath servicePath = refs.require("resource.backendService", rule.getBackendService(), path, "backendServices");
      References.requireSameRegion("resource.backendService", rule.getBackendService(), servicePath, path);
      BackendService service = (BackendService) store.require(servicePath);
      if (!service.getLoadBalancingScheme().equals(rule.getLoadBalancingScheme())) {
        throw ComputeError.invalidField("resource.loadBalancingScheme", rule.getLoadBalancingScheme(),
            "It must match the backend service's loadBalancingScheme " + service.getLoadBalancingScheme() + ".");
      }
      if (!rule.getIPProtocol().isEmpty() && Set.of("TCP", "UDP").contains(service.getProtocol())
          && !service.getProtocol().equals(rule.getIPProtocol())) {
        throw ComputeError.invalidField("resource.IPProtocol", rule.getIPProtocol(),
            "It must match the backend service's protocol " + service.getProtocol() + ".");
      }
    } else if (rule.getLoadBalancingScheme().equals("INTERNAL") && rule.getTarget().isEmpty()) {
      throw ComputeError.required("resource.backendService");
    }
    if (attachment.isPresent() && inserting) {
      refs.require("resource.target", rule.getTarget(), path, "serviceAttachments");
      References.requireSameRegion("resource.target", rule.getTarget(), attachment.get(), path);
      if (!rule.getLoadBalancingScheme().isEmpty()) {
        throw ComputeError.invalidField("resource.loadBalancingScheme", rule.getLoadBalancingScheme(),
            "A Private Service Connect endpoint has no load balancing scheme.");
      }
    }
    if (rule.getIPAddress().isEmpty() && subnet != null) {
      b.setIPAddress(vpc.freeAddress(subnetPath, subnet));
    }
    return b.build();
  }

  ServiceAttachment serviceAttachment(ResourcePath path, ServiceAttachment a) {
    ResourcePath target = refs.require("resource.targetService", a.getTargetService(), path, "forwardingRules");
    References.requireSameRegion("resource.targetService", a.getTargetService(), target, path);
    ForwardingRule producer = (ForwardingRule) store.require(target);
    if (!producer.getLoadBalancingScheme().startsWith("INTERNAL")) {
      throw ComputeError.invalidField("resource.targetService", a.getTargetService(),
          "A service attachment publishes an INTERNAL or INTERNAL_MANAGED forwarding rule, not " + producer.getLoadBalancingScheme() + ".");
    }
    if (a.getConnectionPreference().isEmpty()) {
      throw ComputeError.required("resource.connectionPreference");
    }
    if (a.getNatSubnetsCount() == 0) {
      throw ComputeError.required("resource.natSubnets");
    }
    Set<ResourcePath> nat = new HashSet<>();
    for (int i = 0; i < a.getNatSubnetsCount(); i++) {
      String at = "resource.natSubnets[" + i + "]";
      ResourcePath subnetPath = refs.require(at, a.getNatSubnets(i), path, "subnetworks");
      References.requireSameRegion(at, a.getNatSubnets(i), subnetPath, path);
      Subnetwork subnet = (Subnetwork) store.require(subnetPath);
      if (!subnet.getPurpose().equals("PRIVATE_SERVICE_CONNECT")) {
        throw ComputeError.invalidField(at, a.getNatSubnets(i), "A service attachment's NAT subnetwork must have purpose"
            + " PRIVATE_SERVICE_CONNECT; " + subnetPath.path() + " has purpose " + subnet.getPurpose() + ".");
      }
      if (!nat.add(subnetPath)) {
        throw ComputeError.invalidField(at, a.getNatSubnets(i), "Duplicate NAT subnetwork.");
      }
    }
    for (ResourceStore.Stored other : store.all("serviceAttachments")) {
      if (other.path().equals(path)) {
        continue;
      }
      ServiceAttachment o = (ServiceAttachment) other.resource();
      if (References.names(o.getTargetService(), other.path(), target)) {
        throw ComputeError.invalidField("resource.targetService", a.getTargetService(),
            "The forwarding rule is already published by service attachment " + other.path().path() + ".");
      }
      for (String s : o.getNatSubnetsList()) {
        ResourcePath theirs = ResourcePath.parse(s, other.path().project()).orElse(null);
        if (nat.contains(theirs)) {
          throw ComputeError.invalid("Invalid value for field 'resource.natSubnets': '" + theirs.path()
              + "'. The PRIVATE_SERVICE_CONNECT subnetwork is already used by service attachment " + other.path().path()
              + "; a NAT subnetwork serves one service attachment.");
        }
      }
    }
    for (int i = 0; i < a.getConsumerAcceptListsCount(); i++) {
      ServiceAttachmentConsumerProjectLimit limit = a.getConsumerAcceptLists(i);
      int given = (limit.getProjectIdOrNum().isEmpty() ? 0 : 1) + (limit.getNetworkUrl().isEmpty() ? 0 : 1)
          + (limit.getEndpointUrl().isEmpty() ? 0 : 1);
      if (given != 1) {
        throw ComputeError.invalid("Invalid value for field 'resource.consumerAcceptLists[" + i
            + "]'. Give exactly one of projectIdOrNum, networkUrl and endpointUrl.");
      }
    }
    return a;
  }
}
