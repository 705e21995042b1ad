package io.privateendpoint.operator.validation;

import io.privateendpoint.operator.model.AwsSpec;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import io.privateendpoint.operator.model.SecurityProtocol;
import java.util.ArrayList;
import java.util.List;
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
    aws.getSubnets().keySet().stream()
        .filter(zone -> !zones.contains(zone))
        .forEach(zone -> problems.add(new SpecProblem("spec.aws.subnets[" + zone + "]",
            "zone \"" + zone + "\" is not listed in spec.zones")));
    List<String> cidrs = aws.getConsumerCidrs();
    List<Cidr> parsed = new ArrayList<>();
    for (int i = 0; i < cidrs.size(); i++) {
      checkCidr("spec.aws.consumerCidrs[" + i + "]", cidrs.get(i), problems).ifPresent(parsed::add);
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
      }
    }
    String field = "spec.gcp.pscNatSubnet.cidr";
    checkCidr(field, gcp.getPscNatSubnet().getCidr(), problems).ifPresent(cidr -> {
      if (!cidr.isIpv4() || cidr.prefix() < GCP_MIN_PREFIX || cidr.prefix() > GCP_MAX_PREFIX) {
        problems.add(new SpecProblem(field, "a PSC NAT subnet is an IPv4 range from /"
            + GCP_MIN_PREFIX + " to /" + GCP_MAX_PREFIX));
      }
    });
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
