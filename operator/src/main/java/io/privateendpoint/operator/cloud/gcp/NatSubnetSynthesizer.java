package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import io.privateendpoint.operator.model.GcpSpec;

/**
 * The PSC NAT subnet named in spec.gcp.pscNatSubnet: created (purpose PRIVATE_SERVICE_CONNECT) when
 * absent, reused when this endpoint made it, refused when it is anyone else's — one NAT subnet
 * serves one service attachment, so sharing a foreign one would break its owner.
 */
final class NatSubnetSynthesizer {

  static final String PURPOSE = "PRIVATE_SERVICE_CONNECT";
  /** How changes name it. */
  static final String KIND = "PSC NAT subnet";

  private final SubnetworksClient subnetworks;
  private final GcpSpec gcp;
  private final GcpOwner owner;

  NatSubnetSynthesizer(SubnetworksClient subnetworks, GcpSpec gcp, GcpOwner owner) {
    this.subnetworks = subnetworks;
    this.gcp = gcp;
    this.owner = owner;
  }

  /**
   * Creates the subnet when absent (recorded: a first creation, or drift once the endpoint was built);
   * previewing, only records it and goes on with the subnet it would create.
   */
  Subnetwork sync(Changes changes) {
    String name = gcp.getPscNatSubnet().getName();
    Subnetwork subnet = find();
    if (subnet == null) {
      Subnetwork desired = Subnetwork.newBuilder()
          .setName(name).setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork()))
          .setIpCidrRange(gcp.getPscNatSubnet().getCidr()).setPurpose(PURPOSE)
          .setDescription(owner.description()).build();
      if (changes.previewing()) {
        subnet = desired.toBuilder()
            .setSelfLink(ComputeOps.regionalSelfLink(gcp.getProject(), gcp.getRegion(), "subnetworks", name)).build();
        changes.recreated(KIND, ComputeOps.path(subnet.getSelfLink()));
        return subnet;
      }
      ComputeOps.insert(() -> subnetworks.insertAsync(gcp.getProject(), gcp.getRegion(), desired));
      subnet = find();
      if (owner.ownsDescription(subnet.getDescription())) {
        changes.recreated(KIND, ComputeOps.path(subnet.getSelfLink()));
      }
    }
    if (!owner.ownsDescription(subnet.getDescription())) {
      throw GcpProblem.notOurs("subnetwork", name, "spec.gcp.pscNatSubnet.name");
    }
    if (!gcp.getPscNatSubnet().getCidr().equals(subnet.getIpCidrRange())) {
      throw new GcpProblem("NatSubnetMismatch", "spec.gcp.pscNatSubnet.cidr is " + gcp.getPscNatSubnet().getCidr()
          + " but subnetwork " + name + " (made by this endpoint) has " + subnet.getIpCidrRange()
          + "; a NAT subnet's range cannot change while the service attachment uses it: restore the cidr or name a new subnet");
    }
    return subnet;
  }

  Subnetwork find() {
    return ComputeOps.getOrNull(() -> subnetworks.get(gcp.getProject(), gcp.getRegion(), gcp.getPscNatSubnet().getName()));
  }

  /** Deleted only if ours (recorded once made); true once it is gone or was never ours. */
  boolean delete(Changes changes) {
    Subnetwork subnet = find();
    if (subnet == null || !owner.ownsDescription(subnet.getDescription())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> subnetworks.deleteAsync(gcp.getProject(), gcp.getRegion(), subnet.getName()));
    if (gone) {
      changes.deleted(KIND, ComputeOps.path(subnet.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }
}
