package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * The NLB's own security group: made before the NLB (a security group can be attached to an NLB only
 * at creation), admitting the reserved load-balancer ports from spec.aws.consumerCidrs and nothing
 * else. One rule per port range and CIDR — the broker range is contiguous, so 16 broker ports and 4
 * CIDRs are 4 rules, not 64 — with IPv6 CIDRs as IPv6 ranges. The rule count is checked against
 * AWS's quota by the spec validator before any call. Egress stays AWS's default (all): NLB health
 * checks are subject to the outbound rules.
 */
final class LoadBalancerSecurityGroup {

  private final Ec2Client ec2;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;
  private final AwsNames names;

  LoadBalancerSecurityGroup(Ec2Client ec2, KafkaPrivateEndpoint resource, String clusterName) {
    this.ec2 = ec2;
    this.resource = resource;
    this.clusterName = clusterName;
    this.names = AwsNames.of(resource);
  }

  /**
   * Creates the group if missing, brings its inbound rules to the spec and returns its id, recording
   * each change in {@code changes}: the group made (first or again), its
   * rules brought back to the spec. Previewing, nothing is written: a group to create is known by its
   * name, which stands for its id in what follows.
   *
   * @param found the group of our name in the VPC, as already read; null when there is none
   */
  String sync(SecurityGroup found, Changes changes) {
    var aws = resource.getSpec().getAws();
    SecurityGroup group = found;
    boolean created = group == null;
    Set<String> want = new TreeSet<>();
    for (PortRange range : resource.getSpec().getPorts().reservedRanges()) {
      aws.getConsumerCidrs().forEach(cidr -> want.add(rule(range.from(), range.to(), cidr)));
    }
    if (group == null) {
      group = changes.previewing() ? SecurityGroup.builder().groupId(names.loadBalancer()).ipPermissions(List.of()).build()
          : create();
      changes.recreated("security group", label(group.groupId()), "admits " + ranges(want));
    } else {
      requireOurs(group);
    }
    Set<String> have = new TreeSet<>();
    for (IpPermission perm : group.ipPermissions()) {
      if ("tcp".equals(perm.ipProtocol()) && perm.fromPort() != null) {
        perm.ipRanges().forEach(r -> have.add(rule(perm.fromPort(), perm.toPort(), r.cidrIp())));
        perm.ipv6Ranges().forEach(r -> have.add(rule(perm.fromPort(), perm.toPort(), r.cidrIpv6())));
      }
    }
    String groupId = group.groupId();
    List<IpPermission> add = permissions(want.stream().filter(r -> !have.contains(r)).toList());
    List<IpPermission> revoke = permissions(have.stream().filter(r -> !want.contains(r)).toList());
    if (!changes.previewing()) {
      // Revoke first: a group at its rule quota has room for the new rules only once the old ones are gone.
      if (!revoke.isEmpty()) {
        AlreadyDone.unless(AlreadyDone.RULE_GONE, () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(revoke)));
      }
      if (!add.isEmpty()) {
        AlreadyDone.unless(AlreadyDone.DUPLICATE_RULE, () -> ec2.authorizeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(add)));
      }
    }
    if (!created && (!add.isEmpty() || !revoke.isEmpty())) {
      changes.repaired("security group", label(groupId), "inbound rules set to " + ranges(want)
          + (add.isEmpty() ? "" : " (added " + ranges(want.stream().filter(r -> !have.contains(r)).toList()) + ")")
          + (revoke.isEmpty() ? "" : " (revoked " + ranges(have.stream().filter(r -> !want.contains(r)).toList()) + ")"));
    }
    return groupId;
  }

  /** "kpe-1a2b (sg-0123)", or the name alone for a group a preview would create. */
  private String label(String groupId) {
    return groupId.equals(names.loadBalancer()) ? groupId : names.loadBalancer() + " (" + groupId + ")";
  }

  /** Rules as users read them: "tcp:9092-9095 from 10.0.0.0/16". */
  private static String ranges(java.util.Collection<String> rules) {
    return rules.stream().map(r -> {
      String[] p = r.split(" ");
      return "tcp:" + (p[0].equals(p[1]) ? p[0] : p[0] + "-" + p[1]) + " from " + p[2];
    }).collect(java.util.stream.Collectors.joining(", "));
  }

  /** Creates the group, or reads back a lost first attempt's, whose tags are then checked as for any group found. */
  private SecurityGroup create() {
    var aws = resource.getSpec().getAws();
    SecurityGroupCreate.Made made = SecurityGroupCreate.createOrReadBack(ec2, b -> b.groupName(names.loadBalancer())
        .vpcId(aws.getVpcId())
        .description("Kafka private endpoint " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName())
        .tagSpecifications(AwsTags.ec2Spec(resource, clusterName, ResourceType.SECURITY_GROUP)), this::find);
    if (!made.now()) {
      requireOurs(made.group());
    }
    return made.group();
  }

  private void requireOurs(SecurityGroup group) {
    if (!AwsTags.ours(AwsTags.ec2Map(group.tags()), resource, clusterName)) {
      throw new AwsProblem("ForeignResource", "security group " + names.loadBalancer() + " (" + group.groupId()
          + ") exists in " + resource.getSpec().getAws().getVpcId() + " without this endpoint's tags; it is left untouched");
    }
  }

  /** Our group, or a look-alike of our name (checked by the caller); null when there is none. */
  SecurityGroup find() {
    return ec2.describeSecurityGroups(b -> b.filters(NlbSynthesizer.filter("vpc-id", resource.getSpec().getAws().getVpcId()),
        NlbSynthesizer.filter("group-name", names.loadBalancer()))).securityGroups().stream().findFirst().orElse(null);
  }

  /** Our group only; null when absent or not ours. */
  SecurityGroup findOwned() {
    SecurityGroup group = find();
    return group != null && AwsTags.ours(AwsTags.ec2Map(group.tags()), resource, clusterName) ? group : null;
  }

  private static String rule(int from, int to, String cidr) {
    return from + " " + to + " " + cidr;
  }

  /** One permission per port range, its CIDRs split into IPv4 and IPv6 ranges (an IPv6 CIDR in IpRanges is refused). */
  private static List<IpPermission> permissions(List<String> rules) {
    Map<String, List<String>> byRange = new TreeMap<>();
    for (String rule : rules) {
      String[] parts = rule.split(" ");
      byRange.computeIfAbsent(parts[0] + " " + parts[1], k -> new ArrayList<>()).add(parts[2]);
    }
    List<IpPermission> permissions = new ArrayList<>();
    byRange.forEach((range, cidrs) -> {
      String[] ports = range.split(" ");
      permissions.add(IpPermission.builder().ipProtocol("tcp").fromPort(Integer.valueOf(ports[0])).toPort(Integer.valueOf(ports[1]))
          .ipRanges(cidrs.stream().filter(c -> !c.contains(":")).map(c -> IpRange.builder().cidrIp(c).build()).toList())
          .ipv6Ranges(cidrs.stream().filter(c -> c.contains(":")).map(c -> Ipv6Range.builder().cidrIpv6(c).build()).toList())
          .build());
    });
    return permissions;
  }
}
