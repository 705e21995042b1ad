package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.aws.BackendSecurityGroup;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A quota reached is said as such: a target security group already holding 60 inbound rules (AWS's
 * default "Inbound or outbound rules per security group",
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups;
 * moto enforces it) cannot take the rule the endpoint adds. The endpoint reports QuotaExceeded with
 * what to do rather than a generic refusal, recovers once there is room, and on delete removes its
 * rule and nothing else. And the quota bounds ports, not endpoints: endpoints whose brokers share a
 * node group and a target port share one rule, admitting the cluster's backend security group.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class AwsQuotaIT {

  private static final String CLUSTER = "it-quota";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", CLUSTER,
      "--resync-period", "3s");

  private static MotoAccount aws;
  private static KafkaCluster cluster;

  @BeforeAll
  static void account() {
    aws = new MotoAccount();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @Test
  void aFullTargetSecurityGroupIsAQuotaWithWhatToDo() {
    String vpc = aws.vpcWithSubnets("10.62");
    String nodeGroup = aws.nodeGroup(vpc);
    // Someone else's rules fill the group to the quota (it starts with one, for SSH).
    int room = 60 - aws.ingressRules(nodeGroup).size();
    for (int i = 0; i < room; i++) {
      int port = 20000 + i;
      aws.ec2.authorizeSecurityGroupIngress(b -> b.groupId(nodeGroup).ipPermissions(p -> p.ipProtocol("tcp")
          .fromPort(port).toPort(port).ipRanges(r -> r.cidrIp("10.0.0.0/8"))));
    }
    List<String> theirs = aws.ingressRules(nodeGroup);
    assertThat(theirs).hasSize(60);

    StatefulSet sts = cluster.statefulSet("kafka", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.62." + (i + 1) + ".10");
      cluster.pod(sts, i, "node-" + (i + 1), "10.62." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("full", "{statefulSet: {name: kafka, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    Endpoints.createPastRoll(operator, cluster, resource, "kafka");
    EndpointCondition quota = Endpoints.awaitReason(operator, "full", ConditionType.LOAD_BALANCER_READY, "QuotaExceeded");
    assertThat(quota.getMessage()).contains("RulesPerSecurityGroupLimitExceeded").contains("Service Quotas")
        .contains("spec.aws.manageTargetSecurityGroups false");
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(theirs);

    // Room made (one of theirs removed by its owner): the next pass adds the rule, and the endpoint gets Ready.
    aws.ec2.revokeSecurityGroupIngress(b -> b.groupId(nodeGroup).ipPermissions(p -> p.ipProtocol("tcp")
        .fromPort(20000).toPort(20000).ipRanges(r -> r.cidrIp("10.0.0.0/8"))));
    Endpoints.awaitReady(operator, "full");
    assertThat(aws.ingressRules(nodeGroup)).hasSize(60);

    // Deleted: exactly our rule goes.
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "full"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "full") == null);
    assertThat(aws.ingressRules(nodeGroup)).hasSize(59).allMatch(theirs::contains);
  }

  /**
   * A node group with room for one more rule carries the brokers of three endpoints on one port: all
   * three get Ready through one rule of the cluster's. Deleting two leaves it (the third still needs
   * it); deleting the last removes it and the backend group.
   */
  @Test
  void endpointsSharingANodeGroupAndPortShareOneRule() {
    String vpc = aws.vpcWithSubnets("10.63");
    String nodeGroup = aws.nodeGroup(vpc);
    int room = 59 - aws.ingressRules(nodeGroup).size();
    for (int i = 0; i < room; i++) {
      int port = 21000 + i;
      aws.ec2.authorizeSecurityGroupIngress(b -> b.groupId(nodeGroup).ipPermissions(p -> p.ipProtocol("tcp")
          .fromPort(port).toPort(port).ipRanges(r -> r.cidrIp("10.0.0.0/8"))));
    }
    List<String> theirs = aws.ingressRules(nodeGroup);
    assertThat(theirs).hasSize(59);

    List<String> names = List.of("share-a", "share-b", "share-c");
    for (int e = 0; e < names.size(); e++) {
      String sts = "kafka" + (char) ('a' + e);
      StatefulSet set = cluster.statefulSet(sts, 3);
      for (int i = 0; i < 3; i++) {
        String ip = "10.63." + (i + 1) + "." + (10 + e);
        aws.podInterfaces(vpc, ip);
        cluster.pod(set, i, "node-" + (i + 1), ip);
      }
      KafkaPrivateEndpoint resource = Endpoints.aws(names.get(e), "{statefulSet: {name: " + sts + ", configVolume: kafka-config}}",
          "tidb", 39092, 9092, 9093);
      resource.getSpec().getAws().setVpcId(vpc);
      Endpoints.createPastRoll(operator, cluster, resource, sts);
    }
    names.forEach(n -> Endpoints.awaitReady(operator, n));
    String backend = aws.ec2.describeSecurityGroups(b -> b.filters(f -> f.name("vpc-id").values(vpc),
        f -> f.name("group-name").values(BackendSecurityGroup.name(CLUSTER)))).securityGroups().get(0).groupId();
    List<String> shared = aws.ingressRules(nodeGroup).stream().filter(r -> !theirs.contains(r)).toList();
    assertThat(shared).singleElement().asString().contains("tcp 39092-39092 from " + backend)
        .contains("kafka.privateendpoint.io/owner=" + BackendSecurityGroup.owner(CLUSTER));
    // Every NLB carries the one backend group.
    names.forEach(n -> assertThat(aws.loadBalancers(AwsNames.of(operator.get(KafkaPrivateEndpoint.class, n)).loadBalancer())
        .get(0).securityGroups()).contains(backend));

    for (String name : names.subList(0, 2)) {
      operator.delete(operator.get(KafkaPrivateEndpoint.class, name));
      await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, name) == null);
      assertThat(aws.ingressRules(nodeGroup)).as("after deleting %s", name).containsAll(shared).hasSize(60);
    }
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "share-c"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "share-c") == null);
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(theirs);
    assertThat(aws.securityGroups(vpc, BackendSecurityGroup.name(CLUSTER))).isZero();
  }
}
