package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.apply.Changes;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import io.privateendpoint.operator.model.GcpSpec;

/**
 * The ingress rule that lets consumer traffic reach the brokers: from the PSC NAT subnet only (PSC
 * sources every consumer connection from it, and it serves only this attachment) to the brokers'
 * listener port only — the port-mapping NEG delivers to the container port, whatever the client
 * port was. Never "allow all", which is what the manual guide does.
 */
final class FirewallSynthesizer {

  /** How changes name it. */
  static final String KIND = "firewall rule";

  private final FirewallsClient firewalls;
  private final GcpSpec gcp;
  private final GcpOwner owner;
  private final String name;

  FirewallSynthesizer(FirewallsClient firewalls, GcpSpec gcp, GcpOwner owner, String name) {
    this.firewalls = firewalls;
    this.gcp = gcp;
    this.owner = owner;
    this.name = name;
  }

  /**
   * @param ports   the ports the NEG's targets listen on (never empty: an empty list would allow every port)
   * @param changes the rule made or changed is recorded there (previewing, only recorded)
   */
  Firewall sync(SortedSet<Integer> ports, Changes changes) {
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("a firewall rule without ports would admit every port");
    }
    Firewall desired = Firewall.newBuilder().setName(name)
        .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork())).setDirection("INGRESS")
        .addSourceRanges(gcp.getPscNatSubnet().getCidr())
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addAllPorts(ranges(ports)))
        .setDescription(owner.description()).build();
    Firewall rule = find();
    if (rule == null) {
      if (changes.previewing()) {
        Firewall planned = desired.toBuilder()
            .setSelfLink(ComputeOps.globalSelfLink(gcp.getProject(), "firewalls", name)).build();
        changes.recreated(KIND, ComputeOps.path(planned.getSelfLink()));
        return planned;
      }
      ComputeOps.insert(() -> firewalls.insertAsync(gcp.getProject(), desired));
      rule = find();
      if (owner.ownsDescription(rule.getDescription())) {
        changes.recreated(KIND, ComputeOps.path(rule.getSelfLink()));
      }
    }
    if (!owner.ownsDescription(rule.getDescription())) {
      throw GcpProblem.notOurs("firewall rule", name, null);
    }
    boolean right = "INGRESS".equals(rule.getDirection()) && !rule.getDisabled()
        && rule.getSourceRangesList().equals(desired.getSourceRangesList())
        && rule.getAllowedList().equals(desired.getAllowedList())
        && rule.getDeniedCount() == 0 && rule.getSourceTagsCount() == 0 && rule.getSourceServiceAccountsCount() == 0
        && rule.getTargetTagsCount() == 0 && rule.getTargetServiceAccountsCount() == 0
        && rule.getDestinationRangesCount() == 0;
    if (!right) {
      // Widened, narrowed or disabled out of band (or the listener port changed). PUT, not PATCH: a
      // patch cannot clear a list someone added (an empty list is simply not sent), a PUT replaces the rule.
      String what = "ingress tcp:" + String.join(",", ranges(ports)) + " from "
          + gcp.getPscNatSubnet().getCidr() + " only";
      if (changes.previewing()) {
        changes.repaired(KIND, ComputeOps.path(rule.getSelfLink()), what);
        return desired.toBuilder().setSelfLink(rule.getSelfLink()).build();
      }
      ComputeOps.await(firewalls.updateAsync(gcp.getProject(), name, desired));
      changes.repaired(KIND, ComputeOps.path(rule.getSelfLink()), what);
      rule = find();
    }
    return rule;
  }

  /** Consecutive ports as one "from-to" range, as Compute's firewall syntax takes them. */
  static List<String> ranges(SortedSet<Integer> ports) {
    List<String> out = new ArrayList<>();
    Integer start = null;
    Integer last = null;
    for (int port : ports) {
      if (last != null && port == last + 1) {
        last = port;
        continue;
      }
      if (start != null) {
        out.add(start.equals(last) ? String.valueOf(start) : start + "-" + last);
      }
      start = port;
      last = port;
    }
    out.add(start.equals(last) ? String.valueOf(start) : start + "-" + last);
    return out;
  }

  Firewall find() {
    return ComputeOps.getOrNull(() -> firewalls.get(gcp.getProject(), name));
  }

  boolean delete(Changes changes) {
    Firewall rule = find();
    if (rule == null || !owner.ownsDescription(rule.getDescription())) {
      return true;
    }
    boolean gone = ComputeOps.delete(() -> firewalls.deleteAsync(gcp.getProject(), name));
    if (gone) {
      changes.deleted(KIND, ComputeOps.path(rule.getSelfLink()), "endpoint deleted");
    }
    return gone;
  }
}
