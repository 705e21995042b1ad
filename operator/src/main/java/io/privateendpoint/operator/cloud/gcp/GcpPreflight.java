package io.privateendpoint.operator.cloud.gcp;

import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.Subnetwork;
import io.privateendpoint.operator.model.GcpSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads, before anything is applied, what spec.gcp names besides the network (compute.subnetworks.get
 * only, which the role grants): the brokers' subnetwork exists in spec.gcp.region and belongs to
 * spec.gcp.network (the port-mapping NEG and the forwarding rule are made on it); a subnetwork already
 * named spec.gcp.pscNatSubnet.name is a PSC NAT subnet of this endpoint, in the network, with the
 * spec's range (the NAT step would otherwise refuse it after the brokers were restarted).
 */
final class GcpPreflight {

  private GcpPreflight() {}

  static List<String> problems(GcpClients clients, GcpSpec gcp, Network network, GcpOwner owner) {
    List<String> problems = new ArrayList<>();
    String networkPath = ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork());
    Subnetwork brokers = ComputeOps.getOrNull(() -> clients.subnetworks().get(gcp.getProject(), gcp.getRegion(),
        gcp.getSubnetwork()));
    if (brokers == null) {
      problems.add("spec.gcp.subnetwork: " + ComputeOps.subnetworkPath(gcp.getProject(), gcp.getRegion(), gcp.getSubnetwork())
          + " does not exist (a subnetwork is regional: is it in spec.gcp.region " + gcp.getRegion() + "?)");
    } else if (!ComputeOps.same(brokers.getNetwork(), networkPath)) {
      problems.add("spec.gcp.subnetwork: " + gcp.getSubnetwork() + " is in " + ComputeOps.path(brokers.getNetwork())
          + ", not in " + networkPath + " (spec.gcp.network)");
    } else if (!brokers.getPurpose().isEmpty() && !"PRIVATE".equals(brokers.getPurpose())) {
      // Only a regular (purpose PRIVATE) subnetwork holds VMs, so the brokers' nodes and the NEG
      // (https://cloud.google.com/vpc/docs/subnets#purpose).
      problems.add("spec.gcp.subnetwork: " + gcp.getSubnetwork() + " has purpose " + brokers.getPurpose()
          + "; the brokers' nodes are in a regular (PRIVATE) subnetwork");
    }
    String natName = gcp.getPscNatSubnet().getName();
    Subnetwork nat = ComputeOps.getOrNull(() -> clients.subnetworks().get(gcp.getProject(), gcp.getRegion(), natName));
    if (nat != null) {
      if (!owner.ownsDescription(nat.getDescription())) {
        problems.add("spec.gcp.pscNatSubnet.name: subnetwork " + natName + " exists and was not made by this endpoint"
            + (NatSubnetSynthesizer.PURPOSE.equals(nat.getPurpose()) ? "" : " (purpose " + nat.getPurpose() + ")")
            + "; one NAT subnet serves one service attachment: name a new one");
      } else if (!gcp.getPscNatSubnet().getCidr().equals(nat.getIpCidrRange())) {
        problems.add("spec.gcp.pscNatSubnet.cidr: " + gcp.getPscNatSubnet().getCidr() + " but subnetwork " + natName
            + " (made by this endpoint) has " + nat.getIpCidrRange() + "; a NAT subnet's range cannot change: restore it"
            + " or name a new subnet");
      }
    }
    return problems;
  }
}
