package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Denied;
import com.google.cloud.compute.v1.Firewall;
import java.util.List;
import java.util.Set;

/**
 * Compute's rules for VPC firewall rules: the network defaults to "default" and must exist; either
 * allowed or denied entries, each naming its IPProtocol (the JSON name of proto field I_p_protocol),
 * ports only for tcp/udp/sctp; an INGRESS rule needs source ranges, tags or service accounts; ranges
 * are CIDRs; priority defaults to 1000.
 */
final class FirewallRules {

  private static final Set<String> PORT_PROTOCOLS = Set.of("tcp", "udp", "sctp", "6", "17", "132");

  private final References refs;

  FirewallRules(References refs) {
    this.refs = refs;
  }

  Firewall firewall(ResourcePath path, Firewall f) {
    Firewall.Builder b = f.toBuilder();
    String network = f.getNetwork().isEmpty() ? "projects/" + path.project() + "/global/networks/default" : f.getNetwork();
    b.setNetwork(refs.require("resource.network", network, path, "networks").selfLink());
    if (f.getDirection().isEmpty()) {
      b.setDirection("INGRESS");
    }
    if (!f.hasPriority()) {
      b.setPriority(1000);
    } else if (f.getPriority() < 0 || f.getPriority() > 65535) {
      throw ComputeError.invalidField("resource.priority", f.getPriority(), "Must be between 0 and 65535.");
    }
    if (f.getAllowedCount() > 0 == f.getDeniedCount() > 0) {
      throw ComputeError.invalid("Invalid value for field 'resource.allowed': a firewall rule has either allowed or denied entries, exactly one of them.");
    }
    for (int i = 0; i < f.getAllowedCount(); i++) {
      Allowed a = f.getAllowed(i);
      protocolAndPorts("resource.allowed[" + i + "]", a.getIPProtocol(), a.getPortsList());
    }
    for (int i = 0; i < f.getDeniedCount(); i++) {
      Denied d = f.getDenied(i);
      protocolAndPorts("resource.denied[" + i + "]", d.getIPProtocol(), d.getPortsList());
    }
    boolean ingress = b.getDirection().equals("INGRESS");
    if (ingress && f.getSourceRangesCount() == 0 && f.getSourceTagsCount() == 0 && f.getSourceServiceAccountsCount() == 0) {
      throw ComputeError.invalid("Invalid value for field 'resource.sourceRanges': ''. An INGRESS firewall rule needs"
          + " sourceRanges, sourceTags or sourceServiceAccounts.");
    }
    if (!ingress && (f.getSourceTagsCount() > 0 || f.getSourceServiceAccountsCount() > 0)) {
      throw ComputeError.invalid("Invalid value for field 'resource.sourceTags': an EGRESS firewall rule takes no source tags or service accounts.");
    }
    if (f.getTargetTagsCount() > 0 && f.getTargetServiceAccountsCount() > 0) {
      throw ComputeError.invalid("Invalid value for field 'resource.targetTags': give targetTags or targetServiceAccounts, not both.");
    }
    if (f.getSourceTagsCount() > 0 && f.getSourceServiceAccountsCount() > 0) {
      throw ComputeError.invalid("Invalid value for field 'resource.sourceTags': give sourceTags or sourceServiceAccounts, not both.");
    }
    for (int i = 0; i < f.getSourceRangesCount(); i++) {
      requireRange("resource.sourceRanges[" + i + "]", f.getSourceRanges(i));
    }
    for (int i = 0; i < f.getDestinationRangesCount(); i++) {
      requireRange("resource.destinationRanges[" + i + "]", f.getDestinationRanges(i));
    }
    return b.build();
  }

  private static void protocolAndPorts(String at, String protocol, List<String> ports) {
    if (protocol.isEmpty()) {
      throw ComputeError.required(at + ".IPProtocol");
    }
    if (!ports.isEmpty() && !PORT_PROTOCOLS.contains(protocol.toLowerCase())) {
      throw ComputeError.invalidField(at + ".ports", ports, "Ports are only allowed for tcp, udp and sctp, not " + protocol + ".");
    }
    for (int i = 0; i < ports.size(); i++) {
      String port = ports.get(i);
      String[] range = port.split("-", -1);
      if (range.length > 2) {
        throw ComputeError.invalidField(at + ".ports[" + i + "]", port, "Must be a port or a range like 9000-9010.");
      }
      int low = requirePort(at + ".ports[" + i + "]", range[0]);
      if (range.length == 2 && requirePort(at + ".ports[" + i + "]", range[1]) < low) {
        throw ComputeError.invalidField(at + ".ports[" + i + "]", port, "The range is empty.");
      }
    }
  }

  static int requirePort(String field, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw ComputeError.invalidField(field, text, "Must be a port number between 1 and 65535.");
  }

  private static void requireRange(String field, String text) {
    if (Cidr.parse(text).isEmpty()) {
      throw ComputeError.invalidField(field, text, "Must be an IP address or range in CIDR notation.");
    }
  }
}
