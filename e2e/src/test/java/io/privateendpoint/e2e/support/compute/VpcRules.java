package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compute's rules for networks, subnetworks and instances: custom-mode networks only; subnet ranges
 * valid, without host bits, not overlapping any other range of the network; an instance's interface
 * on an existing subnetwork of its region, its network the subnetwork's, its IP inside the subnet (or
 * the next free one, as Compute assigns it).
 */
final class VpcRules {

  /** Subnet purposes without a gateway: they hold no VMs. */
  private static final Set<String> NO_GATEWAY = Set.of("PRIVATE_SERVICE_CONNECT", "REGIONAL_MANAGED_PROXY",
      "GLOBAL_MANAGED_PROXY", "INTERNAL_HTTPS_LOAD_BALANCER", "PRIVATE_NAT");

  private final ResourceStore store;
  private final References refs;

  VpcRules(ResourceStore store, References refs) {
    this.store = store;
    this.refs = refs;
  }

  static Network network(Network n) {
    if (n.getAutoCreateSubnetworks() || n.hasIPv4Range()) {
      throw ComputeError.notImplemented("Networks.Insert", "auto-mode and legacy networks (set autoCreateSubnetworks false)");
    }
    return n;
  }

  Subnetwork subnetwork(ResourcePath path, Subnetwork s) {
    ResourcePath network = refs.require("resource.network", s.getNetwork(), path, "networks");
    if (s.getIpCidrRange().isEmpty()) {
      throw ComputeError.required("resource.ipCidrRange");
    }
    Cidr primary = ipv4Range("resource.ipCidrRange", s.getIpCidrRange());
    List<Cidr> mine = new ArrayList<>(List.of(primary));
    for (int i = 0; i < s.getSecondaryIpRangesCount(); i++) {
      SubnetworkSecondaryRange r = s.getSecondaryIpRanges(i);
      if (r.getRangeName().isEmpty()) {
        throw ComputeError.required("resource.secondaryIpRanges[" + i + "].rangeName");
      }
      mine.add(ipv4Range("resource.secondaryIpRanges[" + i + "].ipCidrRange", r.getIpCidrRange()));
    }
    for (int i = 0; i < mine.size(); i++) {
      for (int j = i + 1; j < mine.size(); j++) {
        if (mine.get(i).overlaps(mine.get(j))) {
          throw ComputeError.invalid("Invalid IPCidrRange: " + mine.get(j).text() + " conflicts with " + mine.get(i).text() + " of the same subnetwork.");
        }
      }
    }
    for (ResourceStore.Stored other : store.all("subnetworks")) {
      Subnetwork o = (Subnetwork) other.resource();
      if (other.path().equals(path) || !ResourcePath.parse(o.getNetwork(), other.path().project()).equals(Optional.of(network))) {
        continue;
      }
      for (Cidr theirs : ranges(o)) {
        for (Cidr m : mine) {
          if (m.overlaps(theirs)) {
            throw ComputeError.invalid("Invalid IPCidrRange: " + m.text() + " conflicts with existing subnetwork '" + o.getName()
                + "' in region '" + other.path().region() + "'.");
          }
        }
      }
    }
    Subnetwork.Builder b = s.toBuilder();
    if (s.getPurpose().isEmpty()) {
      b.setPurpose("PRIVATE");
    }
    if (!NO_GATEWAY.contains(b.getPurpose())) {
      b.setGatewayAddress(primary.address(1));
    }
    return b.build();
  }

  private static List<Cidr> ranges(Subnetwork s) {
    List<Cidr> out = new ArrayList<>();
    Cidr.parse(s.getIpCidrRange()).ifPresent(out::add);
    s.getSecondaryIpRangesList().forEach(r -> Cidr.parse(r.getIpCidrRange()).ifPresent(out::add));
    return out;
  }

  private static Cidr ipv4Range(String field, String text) {
    Optional<Cidr> range = Cidr.parse(text).filter(c -> text.contains("/") && c.bits() == 32);
    if (range.isEmpty() || !Cidr.isNetwork(text)) {
      throw ComputeError.invalidField(field, text, "Must be an IPv4 range in CIDR notation without host bits, e.g. 10.0.0.0/24.");
    }
    int prefix = Integer.parseInt(text.substring(text.indexOf('/') + 1));
    if (prefix < 8 || prefix > 29) {
      throw ComputeError.invalidField(field, text, "The prefix length must be between /8 and /29.");
    }
    return range.get();
  }

  Instance instance(ResourcePath path, Instance instance) {
    Instance.Builder b = instance.toBuilder();
    for (int i = 0; i < instance.getNetworkInterfacesCount(); i++) {
      String at = "resource.networkInterfaces[" + i + "]";
      NetworkInterface nic = instance.getNetworkInterfaces(i);
      NetworkInterface.Builder out = nic.toBuilder().setName("nic" + i);
      ResourcePath subnetPath = nic.getSubnetwork().isEmpty() ? null : refs.require(at + ".subnetwork", nic.getSubnetwork(), path, "subnetworks");
      Subnetwork subnet = subnetPath == null ? null : (Subnetwork) store.require(subnetPath);
      if (subnetPath != null && !subnetPath.region().equals(path.region())) {
        throw ComputeError.invalidField(at + ".subnetwork", nic.getSubnetwork(), "The subnetwork must be in region " + path.region() + ".");
      }
      ResourcePath network = networkOf(at, nic.getNetwork(), subnetPath, subnet, path);
      out.setNetwork(network.selfLink());
      if (subnet == null) {
        throw ComputeError.required(at + ".subnetwork");
      }
      if (nic.getNetworkIP().isEmpty()) {
        out.setNetworkIP(freeAddress(subnetPath, subnet));
      } else {
        requireAddressIn(at + ".networkIP", nic.getNetworkIP(), subnet);
      }
      for (int j = 0; j < nic.getAliasIpRangesCount(); j++) {
        String range = nic.getAliasIpRanges(j).getIpCidrRange();
        if (Cidr.parse(range).isEmpty()) {
          throw ComputeError.invalidField(at + ".aliasIpRanges[" + j + "].ipCidrRange", range, "Must be an IP range in CIDR notation.");
        }
      }
      b.setNetworkInterfaces(i, out);
    }
    return b.setStatus("RUNNING").build();
  }

  /** A network given, or the subnetwork's, or the project's "default"; it must match the subnetwork's. */
  ResourcePath networkOf(String at, String given, ResourcePath subnetPath, Subnetwork subnet, ResourcePath path) {
    ResourcePath network;
    if (!given.isEmpty()) {
      network = refs.require(at + ".network", given, path, "networks");
    } else if (subnet != null) {
      network = ResourcePath.parse(subnet.getNetwork(), subnetPath.project()).orElseThrow();
    } else {
      network = new ResourcePath(path.project(), "global", "networks", "default");
      if (!store.contains(network)) {
        throw ComputeError.notFound(network.path());
      }
    }
    if (subnet != null && !ResourcePath.parse(subnet.getNetwork(), subnetPath.project()).equals(Optional.of(network))) {
      throw ComputeError.invalid("Invalid value for field '" + at + ".subnetwork': '" + subnetPath.path()
          + "'. The subnetwork is in network " + subnet.getNetwork() + ", not " + network.path() + ".");
    }
    return network;
  }

  private static void requireAddressIn(String field, String ip, Subnetwork subnet) {
    Optional<Cidr> address = Cidr.parse(ip).filter(c -> !ip.contains("/") && c.bits() == 32);
    Cidr range = Cidr.parse(subnet.getIpCidrRange()).orElseThrow();
    if (address.isEmpty() || !range.contains(address.get())) {
      throw ComputeError.invalidField(field, ip, "The IP address must be in the subnetwork's range " + subnet.getIpCidrRange() + ".");
    }
  }

  /** The first address of the subnet (from .2; .1 is the gateway) no instance or forwarding rule holds. */
  String freeAddress(ResourcePath subnetPath, Subnetwork subnet) {
    Set<String> used = new HashSet<>();
    for (ResourceStore.Stored s : store.resources()) {
      if (s.resource() instanceof Instance i) {
        i.getNetworkInterfacesList().stream().filter(n -> References.names(n.getSubnetwork(), s.path(), subnetPath))
            .forEach(n -> used.add(n.getNetworkIP()));
      } else if (s.resource() instanceof ForwardingRule f && References.names(f.getSubnetwork(), s.path(), subnetPath)) {
        used.add(f.getIPAddress());
      }
    }
    Cidr range = Cidr.parse(subnet.getIpCidrRange()).orElseThrow();
    // .0 is the network, .1 the gateway, the last address the broadcast.
    for (long n = 2; range.address(n + 1) != null; n++) {
      if (!used.contains(range.address(n))) {
        return range.address(n);
      }
    }
    throw ComputeError.invalid("IP space of '" + subnetPath.path() + "' is exhausted.");
  }
}
