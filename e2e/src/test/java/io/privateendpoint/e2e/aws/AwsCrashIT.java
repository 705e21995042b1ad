package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.CrashMatrix;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorPolicy;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.aws.BackendSecurityGroup;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.ServiceConfiguration;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * Crash safety at every write on AWS: through one endpoint's whole life — creation, in-place spec
 * changes, scale-out 3→5, a broker moving to a new IP on a node of another security group,
 * scale-in 5→4, deletion — the operator "dies" right after each of its mutating calls (AWS did it,
 * the operator never learned it: {@link AwsCalls#crashOnceAfter}), and the next passes must converge
 * to exactly the planned resources: one of each, targets and rules exactly the planned ones, and
 * after the delete nothing of ours, with every rule not ours untouched. The crashes are exceptions in
 * a live operator, which is faithful to a restart because the AWS side keeps nothing between passes
 * that a restart would lose: each pass builds its synthesizers afresh and reads AWS (by name and
 * owner tags) and the endpoint's status; the client token of the endpoint service is derived from
 * the endpoint's uid and its published status; a failed pass writes a status that keeps every field
 * of the last one (KafkaPrivateEndpointStatusFactory#failed), as a killed process would leave it.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class AwsCrashIT {

  private static final String CLUSTER = "it-aws-crash";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", CLUSTER,
      "--resync-period", "3s");

  private static final String OTHER_PRINCIPAL = "arn:aws:iam::210987654321:root";

  private static MotoAccount aws;
  private static KafkaCluster cluster;
  private static AwsCalls calls;

  @BeforeAll
  static void account() {
    aws = new MotoAccount();
    calls = MotoServer.get().calls();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @AfterAll
  static void everyCallWasAllowedByThePolicy() {
    OperatorPolicy.assertAllowed(calls);
  }

  /** What the endpoint should have in AWS after a phase. */
  private static final class Plan {
    final Map<Integer, List<String>> targets = new TreeMap<>();
    List<String> cidrs = List.of("10.250.0.0/16");
    List<String> principals = List.of("arn:aws:iam::123456789012:root");
    boolean acceptanceRequired = true;
    String enforcement = "off";
    boolean crossZone = false;
    /** Security groups of the targets' interfaces, each to hold exactly one rule of ours. */
    final List<String> targetGroups = new ArrayList<>();

    /** Bootstrap 9092 holds every broker, broker n's port 9093+n holds its own. */
    void brokers(List<String> brokerIps) {
      targets.clear();
      targets.put(9092, brokerIps.stream().filter(Objects::nonNull).map(ip -> ip + ":39092").sorted().toList());
      for (int i = 0; i < brokerIps.size(); i++) {
        if (brokerIps.get(i) != null) {
          targets.put(9093 + i, List.of(brokerIps.get(i) + ":39092"));
        }
      }
    }
  }

  @Test
  void everyWriteSurvivesACrashRightAfterIt() {
    String vpc = aws.vpcWithSubnets("10.91");
    String nodeGroup = aws.nodeGroup(vpc);
    List<String> nodeRulesBefore = aws.ingressRules(nodeGroup);
    // A second node group: a broker moves to a node in it, so its rule is added there too.
    String otherGroup = aws.ec2.createSecurityGroup(b -> b.groupName("eks-nodes-b").description("second node group")
        .vpcId(vpc)).groupId();
    List<String> otherRulesBefore = aws.ingressRules(otherGroup);
    CrashMatrix matrix = new CrashMatrix(CrashMatrix.of(calls), Duration.ofSeconds(150));
    Plan plan = new Plan();
    plan.targetGroups.add(nodeGroup);
    plan.brokers(List.of("10.91.1.10", "10.91.2.10", "10.91.3.10"));
    KafkaPrivateEndpoint[] created = new KafkaPrivateEndpoint[1];
    int start = calls.mark();

    // The second CreateSecurityGroup is the cluster's backend group (the first endpoint in the VPC makes it).
    matrix.phase("create", List.of("Ec2.CreateSecurityGroup", "Ec2.CreateSecurityGroup#2", "Ec2.AuthorizeSecurityGroupIngress",
            "ElasticLoadBalancingV2.CreateLoadBalancer", "ElasticLoadBalancingV2.SetSecurityGroups",
            "ElasticLoadBalancingV2.CreateTargetGroup", "ElasticLoadBalancingV2.CreateListener",
            "ElasticLoadBalancingV2.RegisterTargets", "Ec2.CreateVpcEndpointServiceConfiguration",
            "Ec2.ModifyVpcEndpointServicePermissions"),
        // Created with PrivateLink filtering off, so that a crash right after CreateLoadBalancer still leaves
        // SetSecurityGroups to do (AWS's default is on).
        () -> created[0] = statefulSetEndpoint("crashy", "kafkac", vpc, "10.91"),
        () -> differs(vpc, plan));
    KafkaPrivateEndpoint kpe = created[0];
    AwsNames names = AwsNames.of(kpe);
    String owner = owner(kpe);

    matrix.phase("change in place", List.of("Ec2.ModifyVpcEndpointServicePermissions",
            "Ec2.ModifyVpcEndpointServiceConfiguration", "Ec2.RevokeSecurityGroupIngress", "Ec2.AuthorizeSecurityGroupIngress",
            "ElasticLoadBalancingV2.SetSecurityGroups", "ElasticLoadBalancingV2.ModifyLoadBalancerAttributes"),
        () -> {
          KafkaPrivateEndpoint edit = operator.get(KafkaPrivateEndpoint.class, "crashy");
          edit.getSpec().getAws().setAllowedPrincipals(List.of(OTHER_PRINCIPAL));
          edit.getSpec().getAws().setConsumerCidrs(List.of("10.251.0.0/16", "2600:1f14:abcd::/56"));
          edit.getSpec().getAws().setAcceptanceRequired(false);
          edit.getSpec().getAws().setEnforceInboundRulesOnPrivateLinkTraffic(true);
          edit.getSpec().getAws().setCrossZoneLoadBalancing(true);
          operator.replace(edit);
          plan.principals = List.of(OTHER_PRINCIPAL);
          plan.cidrs = List.of("10.251.0.0/16", "2600:1f14:abcd::/56");
          plan.acceptanceRequired = false;
          plan.enforcement = "on";
          plan.crossZone = true;
        },
        () -> differs(vpc, plan));

    matrix.phase("scale out 3 to 5", List.of("ElasticLoadBalancingV2.CreateTargetGroup",
            "ElasticLoadBalancingV2.CreateListener", "ElasticLoadBalancingV2.RegisterTargets"),
        () -> {
          aws.podInterfaces(vpc, "10.91.1.11", "10.91.2.11");
          operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkac").scale(5);
          cluster.pod(cluster.get("kafkac"), 3, "node-1", "10.91.1.11");
          cluster.pod(cluster.get("kafkac"), 4, "node-2", "10.91.2.11");
          cluster.rolledOut("kafkac");
          plan.brokers(List.of("10.91.1.10", "10.91.2.10", "10.91.3.10", "10.91.1.11", "10.91.2.11"));
        },
        () -> differs(vpc, plan));

    matrix.phase("broker moves to a node of another security group", List.of("ElasticLoadBalancingV2.RegisterTargets",
            "ElasticLoadBalancingV2.DeregisterTargets", "Ec2.AuthorizeSecurityGroupIngress"),
        () -> {
          String subnet = aws.ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
              Filter.builder().name("cidr-block").values("10.91.2.0/24").build())).subnets().get(0).subnetId();
          aws.ec2.createNetworkInterface(b -> b.subnetId(subnet).privateIpAddress("10.91.2.99").groups(otherGroup)
              .description("pod 10.91.2.99"));
          cluster.podIp("kafkac-1", "10.91.2.99");
          plan.brokers(List.of("10.91.1.10", "10.91.2.99", "10.91.3.10", "10.91.1.11", "10.91.2.11"));
          plan.targetGroups.add(otherGroup);
        },
        () -> differs(vpc, plan));

    matrix.phase("scale in 5 to 4", List.of("ElasticLoadBalancingV2.DeleteListener", "ElasticLoadBalancingV2.DeleteTargetGroup",
            "ElasticLoadBalancingV2.DeregisterTargets"),
        () -> {
          operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafkac").scale(4);
          operator.getKubernetesClient().pods().inNamespace(operator.getNamespace()).withName("kafkac-4").delete();
          cluster.rolledOut("kafkac");
          plan.brokers(List.of("10.91.1.10", "10.91.2.99", "10.91.3.10", "10.91.1.11"));
        },
        () -> differs(vpc, plan));
    // Broker 4's port stays reserved in status for its return.
    assertThat(operator.get(KafkaPrivateEndpoint.class, "crashy").getStatus().getPorts())
        .anySatisfy(p -> assertThat(p.getNodeId()).isEqualTo(4));

    matrix.phase("delete", List.of("Ec2.DeleteVpcEndpointServiceConfigurations", "ElasticLoadBalancingV2.DeleteLoadBalancer",
            "ElasticLoadBalancingV2.DeleteTargetGroup", "Ec2.RevokeSecurityGroupIngress", "Ec2.DeleteSecurityGroup",
            // The NLB's own group goes first, then the backend group with the VPC's last endpoint.
            "Ec2.DeleteSecurityGroup#2"),
        () -> operator.delete(operator.get(KafkaPrivateEndpoint.class, "crashy")),
        () -> {
          // The finalizer goes only once nothing is left: checked when the endpoint is gone.
          if (operator.get(KafkaPrivateEndpoint.class, "crashy") != null) {
            return "the endpoint still exists";
          }
          return CrashMatrix.firstOf(
              () -> aws.loadBalancers(names.loadBalancer()).isEmpty() ? null : "an NLB is left",
              () -> aws.targetGroups(names.base() + "-").isEmpty() ? null : "target groups are left",
              () -> aws.securityGroups(vpc, names.loadBalancer()) == 0 ? null : "the NLB's security group is left",
              () -> aws.securityGroups(vpc, BackendSecurityGroup.name(CLUSTER)) == 0 ? null : "the backend security group is left",
              () -> aws.endpointServices(owner) == 0 ? null : "the endpoint service is left",
              () -> aws.ingressRules(nodeGroup).equals(nodeRulesBefore) ? null
                  : "node group rules " + aws.ingressRules(nodeGroup) + " are not as before " + nodeRulesBefore,
              () -> aws.ingressRules(otherGroup).equals(otherRulesBefore) ? null
                  : "second node group rules " + aws.ingressRules(otherGroup) + " are not as before");
        },
        // A failed delete pass is told as DeletionBlocked and looked at again DELETION_BLOCKED_RECHECK (30 s) later.
        Duration.ofSeconds(300));

    // Complete: every kind of write the whole life made had a crash right after it in some phase.
    List<String> made = calls.mutatingSince(start).stream().distinct().sorted().toList();
    assertThat(matrix.crashed()).as("crash points vs every write made (%s)", made).containsAll(made);
    System.out.printf("CRASH aws: %d kinds of write, each crashed after: %s%n", made.size(), made);
  }

  /** Null when AWS holds exactly the planned resources (and the endpoint is Ready at its generation); else the first difference. */
  private static String differs(String vpc, Plan plan) {
    KafkaPrivateEndpoint kpe = operator.get(KafkaPrivateEndpoint.class, "crashy");
    AwsNames names = AwsNames.of(kpe);
    String owner = owner(kpe);
    return CrashMatrix.firstOf(
        () -> {
          KafkaPrivateEndpointStatus s = kpe.getStatus();
          return (s == null || !"True".equals(Endpoints.condition(s, ConditionType.READY).getStatus())
              || !Objects.equals(s.getObservedGeneration(), kpe.getMetadata().getGeneration())) ? "not Ready at its generation" : null;
        },
        () -> aws.loadBalancers(names.loadBalancer()).size() == 1 ? null
            : aws.loadBalancers(names.loadBalancer()).size() + " NLBs",
        () -> {
          LoadBalancer lb = aws.loadBalancers(names.loadBalancer()).get(0);
          if (!plan.enforcement.equals(lb.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic())) {
            return "PrivateLink enforcement " + lb.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic();
          }
          String crossZone = aws.elb.describeLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())).attributes()
              .stream().filter(a -> a.key().equals("load_balancing.cross_zone.enabled")).map(a -> a.value()).findFirst()
              .orElse("false");
          if (!String.valueOf(plan.crossZone).equals(crossZone)) {
            return "cross-zone " + crossZone;
          }
          List<TargetGroup> groups = aws.targetGroups(names.base() + "-");
          List<String> groupNames = groups.stream().map(TargetGroup::targetGroupName).sorted().toList();
          List<String> wantNames = plan.targets.keySet().stream().map(names::targetGroup).sorted().toList();
          if (!groupNames.equals(wantNames)) {
            return "target groups " + groupNames + ", planned " + wantNames;
          }
          Map<String, String> groupArnByName = groups.stream()
              .collect(Collectors.toMap(TargetGroup::targetGroupName, TargetGroup::targetGroupArn));
          Map<Integer, String> listeners = aws.elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners()
              .stream().collect(Collectors.toMap(l -> l.port(), l -> l.defaultActions().get(0).targetGroupArn(), (a, b) -> "twin",
                  TreeMap::new));
          Map<Integer, String> wantListeners = new TreeMap<>();
          plan.targets.keySet().forEach(p -> wantListeners.put(p, groupArnByName.get(names.targetGroup(p))));
          if (!listeners.equals(wantListeners)) {
            return "listeners " + listeners.keySet() + ", planned " + wantListeners.keySet();
          }
          for (var entry : plan.targets.entrySet()) {
            String arn = groupArnByName.get(names.targetGroup(entry.getKey()));
            List<String> have = aws.elb.describeTargetHealth(b -> b.targetGroupArn(arn)).targetHealthDescriptions().stream()
                .map(t -> t.target().id() + ":" + t.target().port()).sorted().toList();
            if (!have.equals(entry.getValue())) {
              return "targets of " + entry.getKey() + " " + have + ", planned " + entry.getValue();
            }
          }
          return null;
        },
        () -> {
          List<SecurityGroup> sgs = lbGroups(vpc, names.loadBalancer());
          if (sgs.size() != 1) {
            return sgs.size() + " NLB security groups";
          }
          List<String> ranges = sgs.get(0).ipPermissions().stream()
              .flatMap(p -> Stream.concat(p.ipRanges().stream().map(r -> r.cidrIp()), p.ipv6Ranges().stream().map(r -> r.cidrIpv6()))
                  .map(c -> p.fromPort() + "-" + p.toPort() + " " + c)).sorted().toList();
          List<String> want = plan.cidrs.stream().map(c -> "9092-9108 " + c).sorted().toList();
          if (!ranges.equals(want)) {
            return "NLB group rules " + ranges + ", planned " + want;
          }
          // The NLB carries its group and the cluster's backend group, and each targets' group holds exactly
          // one rule of the cluster's, admitting the backend group on the target port (none of the endpoint's own).
          List<SecurityGroup> backend = lbGroups(vpc, BackendSecurityGroup.name(CLUSTER));
          if (backend.size() != 1) {
            return backend.size() + " backend security groups";
          }
          List<String> onLb = aws.loadBalancers(names.loadBalancer()).get(0).securityGroups().stream().sorted().toList();
          if (!onLb.equals(Stream.of(sgs.get(0).groupId(), backend.get(0).groupId()).sorted().toList())) {
            return "NLB security groups " + onLb;
          }
          for (String group : plan.targetGroups) {
            List<String> ours = aws.ingressRules(group).stream().filter(r -> r.contains("kafka.privateendpoint.io/owner="))
                .toList();
            if (ours.size() != 1 || !ours.get(0).contains("tcp 39092-39092 from " + backend.get(0).groupId())
                || !ours.get(0).contains("kafka.privateendpoint.io/owner=" + BackendSecurityGroup.owner(CLUSTER))) {
              return "our rules in " + group + ": " + ours;
            }
          }
          return null;
        },
        () -> {
          List<ServiceConfiguration> services = aws.ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().stream()
              .filter(s -> s.tags().stream().anyMatch(t -> t.value().equals(owner))).toList();
          if (services.size() != 1) {
            return services.size() + " endpoint services";
          }
          ServiceConfiguration service = services.get(0);
          if (service.acceptanceRequired() != plan.acceptanceRequired) {
            return "acceptance required " + service.acceptanceRequired();
          }
          List<String> principals = aws.ec2.describeVpcEndpointServicePermissions(b -> b.serviceId(service.serviceId()))
              .allowedPrincipals().stream().map(p -> p.principal()).sorted().toList();
          return principals.equals(plan.principals) ? null : "principals " + principals;
        });
  }

  private static List<SecurityGroup> lbGroups(String vpc, String name) {
    return aws.ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("group-name").values(name).build())).securityGroups();
  }

  private static String owner(KafkaPrivateEndpoint kpe) {
    return operator.getNamespace() + "/" + kpe.getMetadata().getName() + "/" + kpe.getMetadata().getUid();
  }

  /** Three brokers on node-1..3 with IPs {@code <ipPrefix>.<n>.10}, each on an interface in the node group, and an endpoint past the roll. */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String vpc, String ipPrefix) {
    StatefulSet sts = cluster.statefulSet(statefulSet, 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, ipPrefix + "." + (i + 1) + ".10");
      cluster.pod(sts, i, "node-" + (i + 1), ipPrefix + "." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: " + statefulSet + ", configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    resource.getSpec().getAws().setEnforceInboundRulesOnPrivateLinkTraffic(false);
    return Endpoints.createPastRoll(operator, cluster, resource, statefulSet);
  }
}
