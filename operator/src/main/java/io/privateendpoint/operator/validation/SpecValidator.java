package io.privateendpoint.operator.validation;

import io.privateendpoint.operator.model.AwsSpec;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import io.privateendpoint.operator.model.SecurityProtocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import io.privateendpoint.operator.plan.ProxyPorts;

/**
 * Checks what the CRD schema cannot: rules that relate fields to each other or to the provider.
 * Runs before anything else in a reconcile, so a bad spec never reaches Kafka or a cloud.
 * The schema has already enforced shapes, so this class may assume them (non-null required fields).
 */
public final class SpecValidator {

  // AWS AZ IDs (usw2-az1, use1-az6, usw2-lax1-az1) end in -az<N>; AZ names (us-west-2a) do not.
  private static final Pattern AWS_AZ_ID = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*-az[0-9]+$");
  private static final Pattern GCP_ZONE = Pattern.compile("^[a-z]$");
  // Google Cloud subnets take IPv4 prefixes from /8 to /29.
  private static final int GCP_MIN_PREFIX = 8;
  private static final int GCP_MAX_PREFIX = 29;
  static final int AWS_INBOUND_RULES_PER_GROUP = 60;

  public List<SpecProblem> validate(KafkaPrivateEndpointSpec spec) {
    List<SpecProblem> problems = new ArrayList<>();
    if (spec.getAws() != null) {
      validateAws(spec, spec.getAws(), problems);
    }
    if (spec.getGcp() != null) {
      validateGcp(spec, spec.getGcp(), problems);
    }
    if (spec.getMode() == EndpointMode.Proxy) {
      validateProxy(spec, problems);
    }
    AdvertisedHosts.check(spec, problems);
    return List.copyOf(problems);
  }

  /**
   * A proxy pod binds the bootstrap port (spec.listener.containerPort), one port per broker equal to
   * its load-balancer port (spec.ports' broker range), and its management port: none may collide.
   */
  private static void validateProxy(KafkaPrivateEndpointSpec spec, List<SpecProblem> problems) {
    int containerPort = spec.getListener().getContainerPort();
    int start = spec.getPorts().getBrokerStart();
    int end = start + spec.getPorts().getBrokerCount() - 1;
    if (containerPort >= start && containerPort <= end) {
      problems.add(new SpecProblem("spec.listener.containerPort", "mode Proxy: the proxy's bootstrap port " + containerPort
          + " lies in the broker port range " + start + ".." + end + " (spec.ports), which the proxy binds one port per broker"));
    }
    int management = ProxyPorts.MANAGEMENT;
    if (containerPort == management) {
      problems.add(new SpecProblem("spec.listener.containerPort", "mode Proxy: port " + management
          + " is the proxy's management port (probes and metrics)"));
    }
    if (management >= start && management <= end) {
      problems.add(new SpecProblem("spec.ports.brokerStart", "mode Proxy: the broker port range " + start + ".." + end
          + " includes " + management + ", the proxy's management port (probes and metrics)"));
    }
    var upstream = spec.proxyOrDefault().getUpstream();
    // The proxy passes the consumer's SASL through: both sides use SASL, or neither does.
    boolean saslUpstream = upstream != null && upstream.getSecurityProtocol().name().startsWith("SASL_");
    boolean saslListener = spec.getListener().getSecurityProtocol() == SecurityProtocol.SASL_PLAINTEXT;
    if (saslUpstream != saslListener) {
      problems.add(new SpecProblem("spec.listener.securityProtocol", "mode Proxy passes the consumer's SASL through to the"
          + " brokers: with spec.proxy.upstream.securityProtocol " + upstream.getSecurityProtocol() + " the listener must be "
          + (saslUpstream ? "SASL_PLAINTEXT" : "PLAINTEXT")));
    }
    if (upstream != null && upstream.getSaslMechanism() != null && upstream.getSecretRef() == null) {
      problems.add(new SpecProblem("spec.proxy.upstream.secretRef", "saslMechanism " + upstream.getSaslMechanism().kafkaName()
          + " needs a Secret with username and password for the operator's broker discovery"));
    }
  }

  private void validateAws(KafkaPrivateEndpointSpec spec, AwsSpec aws, List<SpecProblem> problems) {
    List<String> zones = spec.getZones();
    for (int i = 0; i < zones.size(); i++) {
      if (!AWS_AZ_ID.matcher(zones.get(i)).matches()) {
        problems.add(new SpecProblem("spec.zones[" + i + "]", "\"" + zones.get(i)
            + "\" is not an AZ ID; AWS needs AZ IDs such as usw2-az1, which name the same zone in every account"));
      }
    }
    AwsRegions.checkZones(aws.getRegion(), zones, AWS_AZ_ID, problems);
    Map<String, String> zoneOfSubnet = new LinkedHashMap<>();
    aws.getSubnets().forEach((zone, subnet) -> {
      String other = zoneOfSubnet.putIfAbsent(subnet, zone);
      if (other != null) {
        // A subnet lives in exactly one AZ (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html).
        problems.add(new SpecProblem("spec.aws.subnets[" + zone + "]", subnet + " is also listed for " + other
            + "; a subnet is in one AZ only, so it cannot serve both"));
      }
    });
    AwsRegions.checkPrincipals(aws.getRegion(), aws.getAllowedPrincipals(), problems);
    aws.getSubnets().keySet().stream()
        .filter(zone -> !zones.contains(zone))
        .forEach(zone -> problems.add(new SpecProblem("spec.aws.subnets[" + zone + "]",
            "zone \"" + zone + "\" is not listed in spec.zones")));
    List<String> cidrs = aws.getConsumerCidrs();
    List<Cidr> parsed = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (int i = 0; i < cidrs.size(); i++) {
      String field = "spec.aws.consumerCidrs[" + i + "]";
      checkCidr(field, cidrs.get(i), problems).ifPresent(cidr -> {
        String key = cidr.network();
        String earlier = seen.putIfAbsent(key, field);
        if (earlier != null) {
          // The same rule twice: AuthorizeSecurityGroupIngress answers InvalidPermission.Duplicate.
          problems.add(new SpecProblem(field, key + " is the same block as " + earlier
              + "; each CIDR becomes one security-group rule per port range"));
        } else {
          parsed.add(cidr);
        }
      });
    }
    int ranges = spec.getPorts().reservedRanges().size();
    checkRuleQuota(ranges, parsed.stream().filter(Cidr::isIpv4).count(), "IPv4", problems);
    checkRuleQuota(ranges, parsed.stream().filter(c -> !c.isIpv4()).count(), "IPv6", problems);
  }

  /**
   * The NLB's security group holds one inbound rule per reserved port range and CIDR. AWS allows 60
   * inbound rules per security group by default, counted separately for IPv4 and IPv6
   * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups);
   * beyond that AuthorizeSecurityGroupIngress fails with RulesPerSecurityGroupLimitExceeded, so it
   * is refused here, before any call.
   */
  private static void checkRuleQuota(int ranges, long cidrs, String family, List<SpecProblem> problems) {
    long rules = ranges * cidrs;
    if (rules > AWS_INBOUND_RULES_PER_GROUP) {
      problems.add(new SpecProblem("spec.aws.consumerCidrs", "needs " + rules + " " + family + " inbound rules in the"
          + " NLB's security group (" + ranges + " port ranges × " + cidrs + " " + family + " CIDRs); AWS allows "
          + AWS_INBOUND_RULES_PER_GROUP + " per group by default: use fewer, wider CIDRs, or put the bootstrap ports"
          + " next to the broker range (spec.ports) so they share a range"));
    }
  }

  private void validateGcp(KafkaPrivateEndpointSpec spec, GcpSpec gcp, List<SpecProblem> problems) {
    if (spec.getListener().getAdvertisedPattern().contains(ListenerSpec.AZ_ID)) {
      problems.add(new SpecProblem("spec.listener.advertisedPattern",
          ListenerSpec.AZ_ID + " is an AWS availability-zone ID and has no meaning on GCP"));
    }
    List<String> zones = spec.getZones();
    for (int i = 0; i < zones.size(); i++) {
      if (!zones.get(i).startsWith(gcp.getRegion() + "-")) {
        problems.add(new SpecProblem("spec.zones[" + i + "]",
            "zone \"" + zones.get(i) + "\" is not in region " + gcp.getRegion() + " (spec.gcp.region)"));
      } else if (!GCP_ZONE.matcher(zones.get(i).substring(gcp.getRegion().length() + 1)).matches()) {
        // Compute zones are the region and one letter: us-west1-a (https://cloud.google.com/compute/docs/regions-zones).
        problems.add(new SpecProblem("spec.zones[" + i + "]", "\"" + zones.get(i) + "\" is not a zone name; zones of "
            + gcp.getRegion() + " are " + gcp.getRegion() + "-a, " + gcp.getRegion() + "-b, …"));
      }
    }
    String field = "spec.gcp.pscNatSubnet.cidr";
    checkCidr(field, gcp.getPscNatSubnet().getCidr(), problems).ifPresent(cidr -> {
      if (!cidr.isIpv4() || cidr.prefix() < GCP_MIN_PREFIX || cidr.prefix() > GCP_MAX_PREFIX) {
        problems.add(new SpecProblem(field, "a PSC NAT subnet is an IPv4 range from /"
            + GCP_MIN_PREFIX + " to /" + GCP_MAX_PREFIX));
      } else {
        checkGcpNatRange(field, cidr, problems);
      }
    });
    if (gcp.getPscNatSubnet().getName().equals(gcp.getSubnetwork())) {
      problems.add(new SpecProblem("spec.gcp.pscNatSubnet.name", "\"" + gcp.getSubnetwork() + "\" is also"
          + " spec.gcp.subnetwork, the brokers' subnetwork; a PSC NAT subnet (purpose PRIVATE_SERVICE_CONNECT) is a"
          + " subnetwork of its own"));
    }
    checkConsumerProjects(gcp, problems);
  }

  /**
   * Ranges Google Cloud refuses for any subnet's primary range
   * (https://cloud.google.com/vpc/docs/subnets#prohibited-ranges).
   */
  private static final List<String> GCP_PROHIBITED = List.of("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16",
      "224.0.0.0/4", "255.255.255.255/32");

  private static void checkGcpNatRange(String field, Cidr cidr, List<SpecProblem> problems) {
    for (String text : GCP_PROHIBITED) {
      Cidr prohibited = Cidr.parse(text).orElseThrow();
      if (prohibited.contains(cidr) || cidr.contains(prohibited)) {
        problems.add(new SpecProblem(field, cidr.network() + " overlaps " + text
            + ", which Google Cloud does not allow in a subnet"));
      }
    }
  }

  /**
   * A consumer project is a project ID (6 to 30 lowercase letters, digits and hyphens, starting with a
   * letter, not ending with a hyphen:
   * https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin) or a
   * project number (a positive decimal number).
   */
  private static void checkConsumerProjects(GcpSpec gcp, List<SpecProblem> problems) {
    var projects = gcp.getConsumerProjects();
    for (int i = 0; i < projects.size(); i++) {
      String project = projects.get(i).getProject();
      String field = "spec.gcp.consumerProjects[" + i + "].project";
      if (project.chars().allMatch(Character::isDigit)) {
        if (project.startsWith("0")) {
          problems.add(new SpecProblem(field, "\"" + project + "\" is not a project number (no leading zero)"));
        }
      } else if (project.length() < 6) {
        problems.add(new SpecProblem(field, "\"" + project + "\" is not a project ID: project IDs have 6 to 30 characters"));
      }
    }
  }

  private static Optional<Cidr> checkCidr(String field, String text, List<SpecProblem> problems) {
    var cidr = Cidr.parse(text);
    if (cidr.isEmpty()) {
      problems.add(new SpecProblem(field, "\"" + text + "\" is not a valid CIDR block"));
      return cidr;
    }
    if (cidr.get().hasHostBits()) {
      problems.add(new SpecProblem(field, "\"" + text + "\" has host bits set; did you mean "
          + cidr.get().network() + "?"));
      return Optional.empty();
    }
    return cidr;
  }
}
