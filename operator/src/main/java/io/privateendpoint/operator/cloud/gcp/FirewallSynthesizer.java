package io.privateendpoint.operator.cloud.gcp;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import io.privateendpoint.operator.model.GcpSpec;

/**
 * The ingress rule that lets consumer traffic reach the brokers: from the PSC NAT subnet only (PSC
 * sources every consumer connection from it, and it serves only this attachment) to the brokers'
 * listener port only — the port-mapping NEG delivers to the container port, whatever the client
 * port was. Never "allow all", which is what the manual guide does.
 */
final class FirewallSynthesizer {

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

  Firewall sync(int containerPort) {
    Firewall desired = Firewall.newBuilder().setName(name)
        .setNetwork(ComputeOps.networkPath(gcp.getProject(), gcp.getNetwork())).setDirection("INGRESS")
        .addSourceRanges(gcp.getPscNatSubnet().getCidr())
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts(String.valueOf(containerPort)))
        .setDescription(owner.description()).build();
    Firewall rule = find();
    if (rule == null) {
      ComputeOps.insert(() -> firewalls.insertAsync(gcp.getProject(), desired));
      rule = find();
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
      ComputeOps.await(firewalls.updateAsync(gcp.getProject(), name, desired));
      rule = find();
    }
    return rule;
  }

  Firewall find() {
    return ComputeOps.getOrNull(() -> firewalls.get(gcp.getProject(), name));
  }

  boolean delete() {
    Firewall rule = find();
    if (rule == null || !owner.ownsDescription(rule.getDescription())) {
      return true;
    }
    return ComputeOps.delete(() -> firewalls.deleteAsync(gcp.getProject(), name));
  }
}
