package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PortTarget;
import io.privateendpoint.operator.validation.Cidr;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * The one rule this endpoint adds to security groups it does not own. An NLB with a security group
 * reaches only targets whose own groups admit it: "You must ensure that your targets accept traffic
 * from the load balancer on both the target port and the health check port"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html,
 * "target security groups"). On EKS the node and pod groups do not admit a new NLB's group, so health
 * checks time out and consumer traffic is dropped. As the AWS Load Balancer Controller does with its
 * backend security group, each group on a target's network interface (found by the target's IP, or
 * by its instance for instance targets) gets one ingress rule admitting the NLB's group on the
 * target port, tagged at creation with this endpoint's owner tags (an interface's groups admit the
 * union of their rules, so one rule, in its first group, is enough); an interface already admitting
 * the NLB gets nothing. Nothing else in those groups is ever touched, and delete revokes exactly the rules
 * carrying our tags, by rule id. With spec.aws.manageTargetSecurityGroups false nothing is added and
 * what is missing is reported.
 */
final class TargetSecurityGroupRules {

  private final Ec2Client ec2;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;

  TargetSecurityGroupRules(Ec2Client ec2, KafkaPrivateEndpoint resource, String clusterName) {
    this.ec2 = ec2;
    this.resource = resource;
    this.clusterName = clusterName;
  }

  /** A target's network interface (its security groups) and the port on which it must admit the NLB. */
  private record Need(List<String> groupIds, int port, String why) {}

  /**
   * Adds the missing rules (or, unmanaged, reports them) and revokes ours no target needs any more.
   *
   * @param nlbGroup    the NLB's security group
   * @param subnetCidrs the NLB's subnets: a rule admitting a CIDR that covers them all admits the NLB too
   * @param changes     each rule added or revoked is recorded there (previewing, only recorded)
   * @return what still keeps a target from being reached, one phrase each; empty when all is admitted
   */
  List<String> sync(EndpointPlan plan, String nlbGroup, List<String> subnetCidrs, Changes changes) {
    List<Cidr> subnets = subnetCidrs.stream().map(Cidr::parse).flatMap(Optional::stream).toList();
    List<String> problems = new ArrayList<>();
    List<Need> needs = needs(plan, problems);
    Set<String> groups = needs.stream().flatMap(n -> n.groupIds().stream()).collect(Collectors.toCollection(TreeSet::new));
    List<SecurityGroupRule> rules = groups.isEmpty() ? List.of()
        : ec2.describeSecurityGroupRulesPaginator(b -> b.filters(NlbSynthesizer.filter("group-id", groups.toArray(String[]::new))))
            .securityGroupRules().stream().toList();
    List<SecurityGroupRule> ours = owned();
    boolean managed = !Boolean.FALSE.equals(resource.getSpec().getAws().getManageTargetSecurityGroups());
    Map<String, Set<Integer>> add = new TreeMap<>();
    for (Need need : needs) {
      String first = need.groupIds().get(0);
      boolean admitted = rules.stream().anyMatch(r -> admits(r, need, nlbGroup, subnets));
      if (admitted || add.getOrDefault(first, Set.of()).contains(need.port())) {
        continue;
      }
      if (managed) {
        add.computeIfAbsent(first, g -> new TreeSet<>()).add(need.port());
      } else {
        problems.add("no security group of " + need.why() + " " + need.groupIds() + " admits tcp:" + need.port()
            + " from the NLB's security group " + nlbGroup + " (spec.aws.manageTargetSecurityGroups is false; add it:"
            + " aws ec2 authorize-security-group-ingress --group-id " + first + " --protocol tcp --port "
            + need.port() + " --source-group " + nlbGroup + ")");
      }
    }
    // Consecutive ports as one rule (Proxy mode's pods serve every broker port): a group holds 60
    // inbound rules by default, and a rule per broker port would spend them fast.
    add.forEach((group, ports) -> {
      if (!changes.previewing()) {
        AlreadyDone.unless(AlreadyDone.DUPLICATE_RULE, () -> ec2.authorizeSecurityGroupIngress(b -> b
            .groupId(group).ipPermissions(ranges(ports).stream().map(r -> IpPermission.builder().ipProtocol("tcp").fromPort(r[0])
                .toPort(r[1]).userIdGroupPairs(UserIdGroupPair.builder().groupId(nlbGroup).description(description()).build())
                .build()).toList())
            .tagSpecifications(AwsTags.ec2Spec(resource, clusterName, ResourceType.SECURITY_GROUP_RULE))));
      }
      String what = "admits tcp:" + ports.stream().map(String::valueOf).collect(Collectors.joining(",")) + " from " + nlbGroup;
      // With no rule of ours left in the group while the same targets need one, ours was revoked out
      // of band (once the cloud side was built); else the rule is new (a first pass, a target added).
      if (ours.stream().noneMatch(r -> group.equals(r.groupId())) && targetsAsShown(plan)) {
        changes.recreated("security group rule", "in " + group, what);
      } else {
        changes.created("security group rule", "in " + group, what);
      }
    });
    Map<String, List<String>> stale = new TreeMap<>();
    for (SecurityGroupRule rule : ours) {
      boolean needed = needs.stream().anyMatch(n -> admits(rule, n, nlbGroup, List.of()));
      if (!needed) {
        stale.computeIfAbsent(rule.groupId(), g -> new ArrayList<>()).add(rule.securityGroupRuleId());
      }
    }
    stale.forEach((group, ids) -> {
      if (!changes.previewing()) {
        revoke(group, ids);
      }
      changes.deleted("security group rule", String.join(", ", ids) + " in " + group, "no target needs it");
    });
    return problems;
  }

  /** Whether every broker port has the targets the last status showed: nothing new needs admitting. */
  private boolean targetsAsShown(EndpointPlan plan) {
    if (resource.getStatus() == null) {
      return false;
    }
    Map<Integer, String> shown = new TreeMap<>();
    resource.getStatus().getBrokers().forEach(b -> {
      if (b.getPort() != null && b.getTarget() != null) {
        shown.put(b.getPort(), b.getTarget());
      }
    });
    return plan.brokers().stream().allMatch(b -> plan.targetsOf(b.port()).stream().map(PortTarget::key)
        .collect(Collectors.joining(",")).equals(shown.get(b.port())));
  }

  /** Revokes every rule carrying our tags, exactly those and by id, recording each group's; true once none is left. */
  boolean delete(Changes changes) {
    Map<String, List<String>> byGroup = new LinkedHashMap<>();
    owned().forEach(r -> byGroup.computeIfAbsent(r.groupId(), g -> new ArrayList<>()).add(r.securityGroupRuleId()));
    byGroup.forEach((group, ids) -> {
      revoke(group, ids);
      changes.deleted("security group rule", String.join(", ", ids) + " in " + group, "the endpoint is deleted");
    });
    return true;
  }

  private void revoke(String group, List<String> ruleIds) {
    AlreadyDone.unless(AlreadyDone.RULE_GONE, () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(group).securityGroupRuleIds(ruleIds)));
  }

  /** Our ingress rules, wherever they are: found by owner tag, the cluster tag checked too. */
  private List<SecurityGroupRule> owned() {
    String owner = AwsTags.of(resource, clusterName).get(AwsTags.OWNER);
    return ec2.describeSecurityGroupRulesPaginator(b -> b.filters(NlbSynthesizer.filter("tag:" + AwsTags.OWNER, owner)))
        .securityGroupRules().stream()
        .filter(r -> !Boolean.TRUE.equals(r.isEgress()))
        .filter(r -> AwsTags.ours(AwsTags.ec2Map(r.tags()), resource, clusterName))
        .toList();
  }

  /** Every (group, port) the targets need, from the network interfaces carrying them; a target without one is a problem. */
  private List<Need> needs(EndpointPlan plan, List<String> problems) {
    Map<String, PortTarget> targets = new LinkedHashMap<>();
    plan.targets().values().forEach(list -> list.forEach(t -> targets.putIfAbsent(t.key(), t)));
    if (targets.isEmpty()) {
      return List.of();
    }
    boolean instances = targets.values().stream().anyMatch(t -> t.ip() == null);
    String vpc = resource.getSpec().getAws().getVpcId();
    String[] keys = targets.values().stream().map(t -> instances ? t.instanceId() : t.ip()).filter(Objects::nonNull)
        .distinct().toArray(String[]::new);
    List<NetworkInterface> interfaces = ec2.describeNetworkInterfacesPaginator(b -> b.filters(NlbSynthesizer.filter("vpc-id", vpc),
        NlbSynthesizer.filter(instances ? "attachment.instance-id" : "addresses.private-ip-address", keys)))
        .networkInterfaces().stream().toList();
    List<Need> needs = new ArrayList<>();
    for (PortTarget t : targets.values()) {
      String target = instances ? t.instanceId() : t.ip();
      NetworkInterface eni = instances ? primaryOf(interfaces, t.instanceId()) : carrying(interfaces, t.ip());
      if (eni == null) {
        problems.add("no network interface in " + vpc + " carries the target " + target + " of " + t.description()
            + (instances ? "" : " (ip targets need VPC pod IPs, as the EKS VPC CNI gives)"));
        continue;
      }
      List<String> groupIds = eni.groups().stream().map(GroupIdentifier::groupId).toList();
      if (groupIds.isEmpty()) {
        continue; // an interface without security groups filters nothing
      }
      needs.add(new Need(groupIds, t.port(), "network interface " + eni.networkInterfaceId() + " (" + t.description()
          + ", " + target + ")"));
    }
    return needs;
  }

  private static NetworkInterface carrying(List<NetworkInterface> interfaces, String ip) {
    return interfaces.stream().filter(n -> ip.equals(n.privateIpAddress())
        || n.privateIpAddresses().stream().anyMatch(a -> ip.equals(a.privateIpAddress()))).findFirst().orElse(null);
  }

  /** An instance target is reached on its primary network interface (device index 0). */
  private static NetworkInterface primaryOf(List<NetworkInterface> interfaces, String instanceId) {
    return interfaces.stream().filter(n -> n.attachment() != null && instanceId.equals(n.attachment().instanceId()))
        .min(Comparator.comparing(n -> n.attachment().deviceIndex() == null ? 0 : n.attachment().deviceIndex()))
        .orElse(null);
  }

  /** An inbound TCP (or all-traffic) rule of the need's group covering its port, from the NLB's group or its subnets. */
  private static boolean admits(SecurityGroupRule rule, Need need, String nlbGroup, List<Cidr> subnets) {
    if (Boolean.TRUE.equals(rule.isEgress()) || !need.groupIds().contains(rule.groupId())) {
      return false;
    }
    boolean allTraffic = "-1".equals(rule.ipProtocol());
    if (!allTraffic && !("tcp".equals(rule.ipProtocol()) && rule.fromPort() != null && rule.fromPort() <= need.port()
        && need.port() <= rule.toPort())) {
      return false;
    }
    if (rule.referencedGroupInfo() != null && nlbGroup.equals(rule.referencedGroupInfo().groupId())) {
      return true;
    }
    Optional<Cidr> source = rule.cidrIpv4() == null ? Optional.empty() : Cidr.parse(rule.cidrIpv4());
    return source.isPresent() && !subnets.isEmpty() && subnets.stream().allMatch(c -> source.get().contains(c));
  }

  /** Sorted ports as [from, to] runs of consecutive ports. */
  static List<int[]> ranges(Set<Integer> ports) {
    List<int[]> out = new ArrayList<>();
    for (int port : new TreeSet<>(ports)) {
      int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && port == last[1] + 1) {
        last[1] = port;
      } else {
        out.add(new int[] {port, port});
      }
    }
    return out;
  }

  private String description() {
    return "kafka private endpoint " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
