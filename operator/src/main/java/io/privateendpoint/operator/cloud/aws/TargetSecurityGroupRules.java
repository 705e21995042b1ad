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
 * The rules admitting the NLBs in security groups the operator does not own. An NLB with security
 * groups reaches only targets whose own groups admit it: "You must ensure that your targets accept
 * traffic from the load balancer on both the target port and the health check port"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html,
 * "target security groups"). On EKS the node and pod groups do not admit a new NLB, so health checks
 * time out and consumer traffic is dropped. As the AWS Load Balancer Controller does, every NLB of the
 * cluster also carries the cluster's {@link BackendSecurityGroup}, and each group on a target's network
 * interface (found by the target's IP, or by its instance for instance targets) gets one ingress rule
 * admitting that group on the target port (an interface's groups admit the union of their rules, so
 * one rule, in its first group, is enough); an interface already admitting the backend group, the NLB's
 * own group or the NLB's subnets gets nothing. Endpoints whose brokers share a node or pod group and a
 * port therefore share one rule: the group's 60-rule quota bounds ports, not endpoints.
 *
 * <p>The rules carry the cluster's tags ({@link BackendSecurityGroup#tags}); nothing else in those
 * groups is ever touched. A rule is revoked, exactly and by id, once no endpoint of the VPC needs it
 * ({@link SharedRuleUsers}). Rules an earlier version added per endpoint (admitting the NLB's own group,
 * tagged with the endpoint as owner) are revoked once the shared rule is in place. With
 * spec.aws.manageTargetSecurityGroups false nothing is added and what is missing is reported.
 */
final class TargetSecurityGroupRules {

  private final Ec2Client ec2;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;
  private final SharedRuleUsers users;

  TargetSecurityGroupRules(Ec2Client ec2, KafkaPrivateEndpoint resource, String clusterName, SharedRuleUsers users) {
    this.ec2 = ec2;
    this.resource = resource;
    this.clusterName = clusterName;
    this.users = users;
  }

  /** A target's network interface (its security groups) and the port on which it must admit the NLB. */
  private record Need(List<String> groupIds, int port, String why) {
    SharedRuleUsers.Need shared() {
      return new SharedRuleUsers.Need(groupIds, port);
    }
  }

  /**
   * Adds the missing rules (or, unmanaged, reports them) and revokes those no endpoint needs any more.
   *
   * @param nlbGroup     the NLB's own security group
   * @param backendGroup the cluster's backend group, which the NLB also carries: the source of the rules
   * @param subnetCidrs  the NLB's subnets: a rule admitting a CIDR that covers them all admits the NLB too
   * @param changes      each rule added or revoked is recorded there (previewing, only recorded)
   * @return what still keeps a target from being reached, one phrase each; empty when all is admitted
   */
  List<String> sync(EndpointPlan plan, String nlbGroup, String backendGroup, List<String> subnetCidrs, Changes changes) {
    List<Cidr> subnets = subnetCidrs.stream().map(Cidr::parse).flatMap(Optional::stream).toList();
    List<String> problems = new ArrayList<>();
    List<Need> needs = needs(plan, problems);
    boolean managed = !Boolean.FALSE.equals(resource.getSpec().getAws().getManageTargetSecurityGroups());
    Set<String> groups = needs.stream().flatMap(n -> n.groupIds().stream()).collect(Collectors.toCollection(TreeSet::new));
    // Told before the rules are read: a peer revoking a shared rule either sees this endpoint's needs,
    // or has revoked before the read below, which then finds the rule missing and adds it again.
    List<SecurityGroupRule> rules = users.tell(resource, managed ? needs.stream().map(Need::shared).toList() : List.of(),
        () -> groups.isEmpty() ? List.<SecurityGroupRule>of()
            : ec2.describeSecurityGroupRulesPaginator(b -> b.filters(NlbSynthesizer.filter("group-id", groups.toArray(String[]::new))))
                .securityGroupRules().stream().toList());
    Tagged tagged = tagged(backendGroup);
    Set<String> legacyIds = tagged.legacy().stream().map(SecurityGroupRule::securityGroupRuleId).collect(Collectors.toSet());
    // A rule of ours from before the shared group does not count as admitting: it is to be replaced.
    List<SecurityGroupRule> admitting = managed
        ? rules.stream().filter(r -> !legacyIds.contains(r.securityGroupRuleId())).toList() : rules;
    Set<String> sources = Set.of(nlbGroup, backendGroup);
    Map<String, Set<Integer>> add = new TreeMap<>();
    for (Need need : needs) {
      String first = need.groupIds().get(0);
      boolean admitted = admitting.stream().anyMatch(r -> admits(r, need.groupIds(), need.port(), sources, subnets));
      if (admitted || add.getOrDefault(first, Set.of()).contains(need.port())) {
        continue;
      }
      if (managed) {
        add.computeIfAbsent(first, g -> new TreeSet<>()).add(need.port());
      } else {
        problems.add("no security group of " + need.why() + " " + need.groupIds() + " admits tcp:" + need.port()
            + " from the cluster's backend security group " + backendGroup + " (spec.aws.manageTargetSecurityGroups is false;"
            + " add it, once for every endpoint of the cluster on this port: aws ec2 authorize-security-group-ingress --group-id "
            + first + " --protocol tcp --port " + need.port() + " --source-group " + backendGroup + ")");
      }
    }
    // Consecutive ports as one rule (Proxy mode's pods serve every broker port): a group holds 60
    // inbound rules by default, and a rule per broker port would spend them fast.
    add.forEach((group, ports) -> {
      if (!changes.previewing()) {
        AlreadyDone.unless(AlreadyDone.DUPLICATE_RULE, () -> ec2.authorizeSecurityGroupIngress(b -> b
            .groupId(group).ipPermissions(ranges(ports).stream().map(r -> IpPermission.builder().ipProtocol("tcp").fromPort(r[0])
                .toPort(r[1]).userIdGroupPairs(UserIdGroupPair.builder().groupId(backendGroup).description(description()).build())
                .build()).toList())
            .tagSpecifications(BackendSecurityGroup.ec2Spec(clusterName, ResourceType.SECURITY_GROUP_RULE))));
      }
      String what = "admits tcp:" + ports.stream().map(String::valueOf).collect(Collectors.joining(",")) + " from "
          + BackendSecurityGroup.name(clusterName);
      // With the same targets as the last status showed, nothing new needed admitting: the rule was
      // revoked out of band (once the cloud side was built). Else it is new (a first pass, a target added).
      if (tagged.legacy().stream().noneMatch(r -> group.equals(r.groupId())) && targetsAsShown(plan)) {
        changes.recreated("security group rule", "in " + group, what);
      } else {
        changes.created("security group rule", "in " + group, what);
      }
    });
    Map<String, List<String>> legacy = new TreeMap<>();
    for (SecurityGroupRule rule : tagged.legacy()) {
      boolean needed = !managed && needs.stream().anyMatch(n -> admits(rule, n.groupIds(), n.port(), Set.of(nlbGroup), List.of()));
      if (!needed) {
        legacy.computeIfAbsent(rule.groupId(), g -> new ArrayList<>()).add(rule.securityGroupRuleId());
      }
    }
    revoke(legacy, managed ? "replaced by the cluster's shared rule" : "no target needs it", changes);
    List<SharedRuleUsers.Need> own = managed ? needs.stream().map(Need::shared).toList() : List.of();
    List<SecurityGroupRule> unneeded = tagged.shared().stream().filter(r -> !neededBy(r, own)).toList();
    if (!unneeded.isEmpty()) {
      users.withPeerNeeds(resource, peers -> revoke(byGroup(unneeded.stream().filter(r -> !neededBy(r, peers)).toList()),
          "no endpoint of the cluster needs it", changes));
    }
    return problems;
  }

  /** Rules found by our tags: this endpoint's from before the shared group, and the cluster's admitting the backend group. */
  private record Tagged(List<SecurityGroupRule> legacy, List<SecurityGroupRule> shared) {}

  private Tagged tagged(String backendGroup) {
    String owner = AwsTags.of(resource, clusterName).get(AwsTags.OWNER);
    List<SecurityGroupRule> found = ec2.describeSecurityGroupRulesPaginator(b -> b.filters(
            NlbSynthesizer.filter("tag:" + AwsTags.OWNER, owner, BackendSecurityGroup.owner(clusterName))))
        .securityGroupRules().stream().filter(r -> !Boolean.TRUE.equals(r.isEgress())).toList();
    return new Tagged(
        found.stream().filter(r -> AwsTags.ours(AwsTags.ec2Map(r.tags()), resource, clusterName)).toList(),
        found.stream().filter(r -> BackendSecurityGroup.ours(AwsTags.ec2Map(r.tags()), clusterName))
            .filter(r -> r.referencedGroupInfo() != null && backendGroup.equals(r.referencedGroupInfo().groupId())).toList());
  }

  /**
   * The endpoint is deleted: its rules from before the shared group go, and the shared rules no other
   * endpoint of the VPC needs (all of them when it was the last; else only once every other endpoint has
   * told its needs — until then they stay, for the others' passes to revoke).
   *
   * @param backendGroup the backend group's id, null when there is none
   * @return whether no endpoint of the cluster is left in the VPC and every shared rule is revoked:
   *     the backend group may go
   */
  boolean delete(String backendGroup, Changes changes) {
    users.forget(resource);
    String why = "the endpoint is deleted";
    Tagged tagged = tagged(backendGroup == null ? "" : backendGroup);
    revoke(byGroup(tagged.legacy()), why, changes);
    if (users.livePeers(resource).isEmpty()) {
      revoke(byGroup(tagged.shared()), "no endpoint of cluster " + clusterName + " is left in "
          + resource.getSpec().getAws().getVpcId(), changes);
      return true;
    }
    users.withPeerNeeds(resource, peers -> revoke(byGroup(tagged.shared().stream().filter(r -> !neededBy(r, peers)).toList()),
        "no endpoint of the cluster needs it", changes));
    return false;
  }

  private static Map<String, List<String>> byGroup(List<SecurityGroupRule> rules) {
    Map<String, List<String>> byGroup = new TreeMap<>();
    rules.forEach(r -> byGroup.computeIfAbsent(r.groupId(), g -> new ArrayList<>()).add(r.securityGroupRuleId()));
    return byGroup;
  }

  private void revoke(Map<String, List<String>> byGroup, String why, Changes changes) {
    byGroup.forEach((group, ids) -> {
      if (!changes.previewing()) {
        AlreadyDone.unless(AlreadyDone.RULE_GONE, () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(group).securityGroupRuleIds(ids)));
      }
      changes.deleted("security group rule", String.join(", ", ids) + " in " + group, why);
    });
  }

  private static boolean neededBy(SecurityGroupRule rule, List<SharedRuleUsers.Need> needs) {
    return needs.stream().anyMatch(n -> admits(rule, n.groupIds(), n.port(), null, List.of()));
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

  /**
   * An inbound TCP (or all-traffic) rule in one of {@code groupIds} covering {@code port}, from one of
   * {@code sources} (any source when null) or from a CIDR covering all of {@code subnets}.
   */
  private static boolean admits(SecurityGroupRule rule, List<String> groupIds, int port, Set<String> sources,
      List<Cidr> subnets) {
    if (Boolean.TRUE.equals(rule.isEgress()) || !groupIds.contains(rule.groupId())) {
      return false;
    }
    boolean allTraffic = "-1".equals(rule.ipProtocol());
    if (!allTraffic && !("tcp".equals(rule.ipProtocol()) && rule.fromPort() != null && rule.fromPort() <= port
        && port <= rule.toPort())) {
      return false;
    }
    if (rule.referencedGroupInfo() != null && (sources == null || sources.contains(rule.referencedGroupInfo().groupId()))) {
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
    return "kafka private endpoints of cluster " + clusterName;
  }
}
