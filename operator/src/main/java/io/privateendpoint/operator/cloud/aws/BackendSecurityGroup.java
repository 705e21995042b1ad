package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.cloud.UidNames;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The cluster's backend security group in one VPC, shared by every NLB this operator makes there
 * (beside each NLB's own group, which admits the consumers). The targets' security groups admit this
 * one group, so a node or pod group that carries the brokers of a hundred endpoints holds one rule per
 * target port, not one per endpoint: AWS allows 60 inbound rules per security group by default
 * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups),
 * and an NLB up to 5 security groups
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
 * This is the AWS Load Balancer Controller's "backend security group". The group has no inbound rule
 * of its own (it is only ever a source) and AWS's default egress, which NLB health checks need.
 *
 * <p>Its name follows from the operator's cluster name, so every endpoint, and a retry after a crash,
 * finds the same group (a name is unique per VPC: a second create is InvalidGroup.Duplicate). It
 * carries the cluster's tags, with an owner tag naming the cluster rather than one endpoint (the IAM
 * policy lets the operator create and delete only groups carrying an owner tag). It is deleted with the
 * last endpoint of the cluster in its VPC.
 */
public final class BackendSecurityGroup {

  private static final String WHY = "the cluster's NLBs reach their targets through it";

  private final Ec2Client ec2;
  private final String vpcId;
  private final String clusterName;

  BackendSecurityGroup(Ec2Client ec2, String vpcId, String clusterName) {
    this.ec2 = ec2;
    this.vpcId = vpcId;
    this.clusterName = clusterName;
  }

  /** "kpe-backend-" and a hash of the cluster name: valid as a group name whatever the cluster is called. */
  public static String name(String clusterName) {
    return "kpe-backend-" + UidNames.hash(clusterName);
  }

  String name() {
    return name(clusterName);
  }

  /** The owner tag value of the group and of the rules admitting it: the cluster, not one endpoint. */
  public static String owner(String clusterName) {
    return "cluster/" + clusterName;
  }

  static Map<String, String> tags(String clusterName) {
    return Map.of(AwsTags.OWNER, owner(clusterName), AwsTags.CLUSTER, clusterName, "Name", name(clusterName));
  }

  static TagSpecification ec2Spec(String clusterName, ResourceType type) {
    return TagSpecification.builder().resourceType(type).tags(tags(clusterName).entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build();
  }

  static boolean ours(Map<String, String> tags, String clusterName) {
    return owner(clusterName).equals(tags.get(AwsTags.OWNER)) && clusterName.equals(tags.get(AwsTags.CLUSTER));
  }

  /**
   * The group's id, made if missing (told in {@code changes}). Previewing, a group to create is known
   * by its name, which stands for its id in what follows.
   *
   * @param found the group of our name in the VPC, as already read; null when there is none
   */
  String sync(SecurityGroup found, Changes changes) {
    if (found != null) {
      requireOurs(found);
      return found.groupId();
    }
    if (changes.previewing()) {
      changes.created("security group", name(), WHY);
      return name();
    }
    SecurityGroupCreate.Made made = SecurityGroupCreate.createOrReadBack(ec2, b -> b.groupName(name()).vpcId(vpcId)
        .description("Kafka private endpoints of cluster " + clusterName + ": their NLBs reach the brokers through this group")
        .tagSpecifications(ec2Spec(clusterName, ResourceType.SECURITY_GROUP)), this::find);
    if (made.now()) {
      changes.created("security group", name() + " (" + made.group().groupId() + ")", WHY);
    } else {
      // Most often a peer endpoint's pass made it a moment before (endpoints created together all
      // reach this step at once), which tells the creation itself; else the SDK retried our own create.
      requireOurs(made.group());
    }
    return made.group().groupId();
  }

  private void requireOurs(SecurityGroup group) {
    if (!ours(AwsTags.ec2Map(group.tags()), clusterName)) {
      throw new AwsProblem("ForeignResource", "security group " + name() + " (" + group.groupId() + ") exists in " + vpcId
          + " without the tags of cluster " + clusterName + "; it is left untouched");
    }
  }

  /** The group of our name in the VPC (ours or a look-alike); null when there is none. */
  SecurityGroup find() {
    return ec2.describeSecurityGroups(b -> b.filters(NlbSynthesizer.filter("vpc-id", vpcId),
        NlbSynthesizer.filter("group-name", name()))).securityGroups().stream().findFirst().orElse(null);
  }

  /**
   * Deletes the group once no endpoint of the cluster is left in the VPC; the caller has revoked the
   * rules admitting it. False while AWS still holds it in use (a deleted NLB's interfaces go
   * asynchronously: DependencyViolation), so the delete is tried again.
   */
  boolean delete(Changes changes) {
    SecurityGroup group = find();
    if (group == null || !ours(AwsTags.ec2Map(group.tags()), clusterName)) {
      return true; // a look-alike without our tags is never deleted
    }
    AlreadyDone.Deletion deletion = AlreadyDone.delete(AlreadyDone.GROUP_GONE,
        () -> ec2.deleteSecurityGroup(b -> b.groupId(group.groupId())));
    // Told only by the pass whose call deleted it: the last two endpoints of a VPC deleted together
    // both reach this delete, and the second meets InvalidGroup.NotFound. (An SDK retry whose lost first
    // attempt deleted it goes untold too; that is the rarer of the two.)
    if (deletion == AlreadyDone.Deletion.DELETED) {
      changes.deleted("security group", name() + " (" + group.groupId() + ")", "no endpoint of cluster " + clusterName
          + " is left in " + vpcId);
    }
    return deletion.gone();
  }
}
