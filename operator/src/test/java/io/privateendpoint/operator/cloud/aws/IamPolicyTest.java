package io.privateendpoint.operator.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * config/aws/iam-policy.json against the code of this package. Statically: every EC2/ELBv2 call the
 * code makes is allowed, and nothing else is, but the tag-on-create actions. Structurally, because
 * the e2e tests' moto checks actions only (it evaluates no Condition, and no Resource for EC2 and
 * ELBv2): creation needs the owner tag on the request wherever AWS can check it, tagging is allowed
 * only while creating, and changes and deletes need the owner tag on the resource.
 *
 * <p>Which resources each action is authorized against, and which condition keys apply to each, is
 * the Service Authorization Reference:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html and
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
 */
class IamPolicyTest {

  static final Path SOURCES = Path.of("src/main/java/io/privateendpoint/operator/cloud/aws");
  static final Path POLICY = Path.of(System.getProperty("kpe.iam.policy", "../config/aws/iam-policy.json"));
  static final String REQUEST_TAG = "aws:RequestTag/" + AwsTags.OWNER;
  static final String RESOURCE_TAG = "aws:ResourceTag/" + AwsTags.OWNER;

  static final String VPC = "arn:aws:ec2:us-west-2:123456789012:vpc/vpc-0a1b2c3d";
  static final String SECURITY_GROUP = "arn:aws:ec2:us-west-2:123456789012:security-group/sg-0a1b2c3d";
  static final String SECURITY_GROUP_RULE = "arn:aws:ec2:us-west-2:123456789012:security-group-rule/sgr-0a1b2c3d";
  static final String ENDPOINT_SERVICE = "arn:aws:ec2:us-west-2:123456789012:vpc-endpoint-service/vpce-svc-0a1b2c3d";
  static final String INSTANCE = "arn:aws:ec2:us-west-2:123456789012:instance/i-0a1b2c3d";
  static final String NLB = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/net/kpe-0a1b2c3d4e5f/50dc6c495c0c9188";
  static final String TARGET_GROUP = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/kpe-0a1b2c3d4e5f-9092/73e2d6bc24d8a067";

  /**
   * Tag-on-create: a create carrying TagSpecifications / Tags is also authorized as ec2:CreateTags /
   * elasticloadbalancing:AddTags, which the code never calls itself; the key names the creating call.
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/tagging-resources-during-creation.html
   */
  static final Map<String, String> TAG_ON_CREATE = Map.of("ec2:CreateTags", "ec2:CreateAction",
      "elasticloadbalancing:AddTags", "elasticloadbalancing:CreateAction");

  /** A resource type an action is authorized against, a sample ARN, and whether aws:RequestTag applies to it. */
  record Authorized(String type, String arn, boolean requestTags) {}

  /**
   * The creating actions (a new resource that carries our owner tag from birth) and every resource
   * type the SAR authorizes each against. EC2 lists aws:RequestTag per resource type: not for the VPC
   * a security group is made in, nor for the group an ingress rule is added to — so a statement
   * requiring the request tag can never authorize those, and AWS denies the call unless another
   * statement allows that resource without it (the pattern of
   * https://aws.amazon.com/premiumsupport/knowledge-center/iam-policy-tags-restrict/). ELBv2 lists
   * aws:RequestTag for the action as a whole, so CreateListener's load balancer has it. The ingress
   * rule resource is authorized only when the call carries TagSpecifications (SAR, AuthorizeSecurityGroupIngress).
   */
  static final Map<String, List<Authorized>> CREATING = Map.of(
      "ec2:CreateSecurityGroup", List.of(new Authorized("security-group", SECURITY_GROUP, true), new Authorized("vpc", VPC, false)),
      "ec2:CreateVpcEndpointServiceConfiguration", List.of(new Authorized("vpc-endpoint-service", ENDPOINT_SERVICE, true)),
      "ec2:AuthorizeSecurityGroupIngress", List.of(new Authorized("security-group-rule", SECURITY_GROUP_RULE, true),
          new Authorized("security-group", SECURITY_GROUP, false)),
      "elasticloadbalancing:CreateLoadBalancer", List.of(new Authorized("loadbalancer/net", NLB, true)),
      "elasticloadbalancing:CreateTargetGroup", List.of(new Authorized("targetgroup", TARGET_GROUP, true)),
      "elasticloadbalancing:CreateListener", List.of(new Authorized("loadbalancer/net", NLB, true)));

  /**
   * Changes that cannot require our owner tag, and the only resource they may then name: the ingress
   * rule the operator adds to the targets' (EKS node or pod) security groups and later revokes. The
   * SAR authorizes AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress against the group
   * itself (keys: aws:ResourceTag, ec2:SecurityGroupID, ec2:Vpc), which is not ours; Revoke has no
   * security-group-rule resource at all, so which rule goes is the code's promise (by
   * SecurityGroupRuleIds found by our tag), not IAM's.
   */
  static final Map<String, String> ON_FOREIGN_GROUPS = Map.of("ec2:AuthorizeSecurityGroupIngress", SECURITY_GROUP,
      "ec2:RevokeSecurityGroupIngress", SECURITY_GROUP);

  static final IamPolicy policy = IamPolicy.read(POLICY);
  static final Set<String> called = SdkCalls.in(SOURCES);

  @Test
  void theScanFindsCallsOnClientsAccessorsAndPaginators() {
    String source = """
        class X {
          void f(Ec2Client ec2, AwsClients clients) {
            ec2.createSecurityGroup(b -> b.groupName("n"));
            var elb = clients.elb("us-west-2");
            elb.describeTargetGroupsPaginator(b -> b.pageSize(400)).targetGroups();
            clients.ec2("us-west-2").describeVpcEndpointConnectionsPaginator(b -> {}).stream();
            Runnable r = ec2::close;
          }
        }
        """;
    assertThat(SdkCalls.inSource(source)).containsExactly("ec2:CreateSecurityGroup", "ec2:DescribeVpcEndpointConnections",
        "elasticloadbalancing:DescribeTargetGroups");
    assertThatThrownBy(() -> SdkCalls.action(Ec2Client.class, "waiter")).hasMessageContaining("Ec2Client.waiter");
    // The code of this package, as a sanity floor for the scan itself.
    assertThat(called).contains("ec2:CreateSecurityGroup", "ec2:DescribeVpcEndpointConnections",
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DeleteLoadBalancer");
  }

  @Test
  void thePolicyIsPlainAllowStatements() {
    // Exact action names, no Deny, no NotAction/NotResource: what the other checks read is what IAM reads.
    assertThat(policy.statements()).isNotEmpty().allSatisfy(s -> {
      assertThat(s.allow()).as("%s is an Allow", s).isTrue();
      assertThat(s.negated()).as("%s uses no NotAction/NotResource", s).isFalse();
      assertThat(s.resources()).as("%s names its resources", s).isNotEmpty();
      assertThat(s.actions()).as("%s names exact actions", s).isNotEmpty().noneMatch(a -> a.contains("*") || a.contains("?"));
    });
  }

  @Test
  void everyCallTheCodeMakesIsAllowed() {
    Set<String> missing = new TreeSet<>(called);
    missing.removeAll(policy.allowedActions());
    assertThat(missing).as("called by %s but not allowed by %s", SOURCES, POLICY).isEmpty();
  }

  @Test
  void thePolicyAllowsNothingTheCodeDoesNotCall() {
    Set<String> extra = new TreeSet<>(policy.allowedActions());
    extra.removeAll(called);
    extra.removeAll(TAG_ON_CREATE.keySet());
    assertThat(extra).as("allowed by %s but never called by %s", POLICY, SOURCES).isEmpty();
  }

  @Test
  void taggingIsAllowedOnlyWhileCreatingAndForEveryCreate() {
    TAG_ON_CREATE.forEach((tagAction, key) -> {
      String prefix = tagAction.substring(0, tagAction.indexOf(':') + 1);
      Set<String> creates = CREATING.keySet().stream().filter(a -> a.startsWith(prefix) && policy.allowedActions().contains(a))
          .map(a -> a.substring(prefix.length())).collect(Collectors.toCollection(TreeSet::new));
      assertThat(policy.granting(tagAction)).as(tagAction).isNotEmpty().allSatisfy(s -> {
        assertThat(s.actions()).as("%s grants %s alone", s, tagAction).containsExactly(tagAction);
        // Without the key the operator could stamp its owner tag on anyone's resource; with it, every
        // tagged create is also authorized to tag (AWS denies a create whose tags it may not add).
        assertThat(new TreeSet<>(s.values("StringEquals", key))).as("%s: StringEquals %s", s, key).isEqualTo(creates);
      });
    });
  }

  @Test
  void creatingNeedsTheOwnerRequestTagWhereverItCanCarryOne() {
    Set<String> creating = new TreeSet<>(called);
    creating.addAll(policy.allowedActions());
    creating.removeIf(a -> !a.contains(":Create") || TAG_ON_CREATE.containsKey(a));
    assertThat(CREATING.keySet()).as("creating actions looked up in the SAR").containsAll(creating);

    CREATING.forEach((action, resources) -> {
      if (!policy.allowedActions().contains(action)) {
        return;
      }
      for (Authorized r : resources) {
        List<IamPolicy.Statement> granting = policy.granting(action, r.arn());
        assertThat(granting).as("%s is authorized against its %s too; some statement must allow it", action, r.type()).isNotEmpty();
        if (r.requestTags()) {
          assertThat(granting).as("%s on a new %s only with %s", action, r.type(), REQUEST_TAG)
              .allMatch(s -> s.tests(REQUEST_TAG));
        } else {
          assertThat(granting).as("%s on its %s, which cannot carry request tags: a statement without %s", action,
              r.type(), REQUEST_TAG).anyMatch(s -> !s.tests(REQUEST_TAG));
        }
      }
    });
  }

  @Test
  void changesAndDeletesNeedTheOwnerTagOnTheResource() {
    Set<String> changes = new TreeSet<>(called);
    changes.addAll(policy.allowedActions());
    changes.removeIf(a -> a.matches(".*:(Describe|List|Get).*") || CREATING.containsKey(a) || TAG_ON_CREATE.containsKey(a));
    assertThat(changes).isNotEmpty();
    for (String action : changes) {
      assertThat(policy.granting(action)).as(action).isNotEmpty().allSatisfy(s -> {
        if (!s.tests(RESOURCE_TAG)) {
          assertThat(ON_FOREIGN_GROUPS).as("%s allows %s without %s", s, action, RESOURCE_TAG).containsKey(action);
          assertThat(s.covers(ON_FOREIGN_GROUPS.get(action))).as("%s: on security groups", s).isTrue();
          assertThat(List.of(SECURITY_GROUP_RULE, VPC, INSTANCE, ENDPOINT_SERVICE, NLB, TARGET_GROUP))
              .as("%s allows %s without %s on security groups only", s, action, RESOURCE_TAG).noneMatch(s::covers);
        }
      });
    }
  }
}
