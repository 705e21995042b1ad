package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorPolicy;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.aws.BackendSecurityGroup;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.ServiceConfiguration;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * The drift matrix on AWS: each resource the operator owns for one endpoint is deleted (and, where
 * it can be, changed) out of band, one after the other; each must be back on a following resync
 * with its fields right, and an event naming its kind and id must say so. A deleted endpoint
 * service comes back under a new name, which the status (EndpointServiceReady, reason
 * EndpointServiceReplaced) and a Warning event tell with the old and the new name.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class AwsDriftIT {

  static {
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  private static final String CLUSTER = "it-aws-drift";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", CLUSTER,
      "--resync-period", "2s");

  private static final Duration REPAIR = Duration.ofSeconds(30);

  private static MotoAccount aws;
  private static KafkaCluster cluster;
  private static AwsCalls calls;

  @BeforeAll
  static void account() {
    aws = new MotoAccount();
    calls = MotoServer.get().calls();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("dnode-" + az, az);
    }
  }

  @AfterAll
  static void everyCallWasAllowedByThePolicy() {
    OperatorPolicy.assertAllowed(calls);
  }

  @Test
  void everyOwnedResourceDeletedOrChangedOutOfBandIsRestoredWithAnEvent() {
    String vpc = aws.vpcWithSubnets("10.44");
    String nodeGroup = aws.nodeGroup(vpc);
    StatefulSet sts = cluster.statefulSet("kafkad", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.44." + (i + 1) + ".10");
      cluster.pod(sts, i, "dnode-" + (i + 1), "10.44." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws("drift", "{statefulSet: {name: kafkad, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    KafkaPrivateEndpoint kpe = Endpoints.createPastRoll(operator, cluster, resource, "kafkad");
    Endpoints.awaitReady(operator, "drift");
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "drift"));
    String owner = operator.getNamespace() + "/drift/" + kpe.getMetadata().getUid();
    // A first build is a creation, not a repair: no event says otherwise.
    assertThat(driftEvents()).isEmpty();

    // 1. A listener deleted.
    aws.elb.deleteListener(b -> b.listenerArn(listeners().get(9093).listenerArn()));
    awaitEvent("Recreated", "listener TCP:9093");
    assertThat(forwardsTo(9093)).isEqualTo(names.targetGroup(9093));

    // 2. A listener changed: it forwards to another broker's group.
    String other = group(names.targetGroup(9095)).targetGroupArn();
    aws.elb.modifyListener(b -> b.listenerArn(listeners().get(9094).listenerArn())
        .defaultActions(Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(other).build()));
    awaitEvent("Repaired", "listener TCP:9094");
    assertThat(forwardsTo(9094)).isEqualTo(names.targetGroup(9094));

    // 3. A target group deleted (its listener first: AWS refuses to delete a group a listener uses).
    aws.elb.deleteListener(b -> b.listenerArn(listeners().get(9095).listenerArn()));
    aws.elb.deleteTargetGroup(b -> b.targetGroupArn(group(names.targetGroup(9095)).targetGroupArn()));
    awaitEvent("Recreated", "target group " + names.targetGroup(9095));
    awaitEvent("Recreated", "listener TCP:9095");
    await().atMost(REPAIR).until(() -> targets(names.targetGroup(9095)).equals(List.of("10.44.3.10:39092")));
    assertThat(forwardsTo(9095)).isEqualTo(names.targetGroup(9095));

    // 4. The NLB's security group loses its inbound rule.
    SecurityGroup nlbGroup = nlbGroup(vpc, names.loadBalancer());
    IpPermission consumers = nlbGroup.ipPermissions().get(0);
    aws.ec2.revokeSecurityGroupIngress(b -> b.groupId(nlbGroup.groupId()).ipPermissions(consumers));
    awaitEvent("Repaired", "security group " + names.loadBalancer() + " (" + nlbGroup.groupId() + "): was changed out of band");
    assertThat(ingressRanges(vpc, names.loadBalancer())).containsExactly("9092-9108 10.250.0.0/16");

    // 5. The cluster's rule in the targets' (node) group, admitting the backend group, is revoked.
    String backend = nlbGroup(vpc, BackendSecurityGroup.name(CLUSTER)).groupId();
    String ours = ownedRule(nodeGroup);
    aws.ec2.revokeSecurityGroupIngress(b -> b.groupId(nodeGroup).securityGroupRuleIds(ours));
    awaitEvent("Recreated", "security group rule in " + nodeGroup + ": was missing");
    assertThat(aws.ingressRules(nodeGroup)).anyMatch(r -> r.contains("tcp 39092-39092 from " + backend)
        && r.contains("kafka.privateendpoint.io/owner=" + BackendSecurityGroup.owner(CLUSTER)));

    // 6. The NLB deleted: it takes its listeners with it; the endpoint service still points at the old ARN.
    String oldLb = loadBalancer(names).loadBalancerArn();
    aws.elb.deleteLoadBalancer(b -> b.loadBalancerArn(oldLb));
    awaitEvent("Recreated", "NLB " + names.loadBalancer());
    await().atMost(REPAIR).until(() -> aws.loadBalancers(names.loadBalancer()).size() == 1
        && listeners().keySet().containsAll(List.of(9092, 9093, 9094, 9095)));
    String newLb = loadBalancer(names).loadBalancerArn();
    assertThat(newLb).isNotEqualTo(oldLb);
    assertThat(loadBalancer(names).securityGroups()).containsExactlyInAnyOrder(nlbGroup.groupId(), backend);
    awaitEvent("Repaired", "fronts NLB " + newLb);
    await().atMost(REPAIR).until(() -> service(owner).networkLoadBalancerArns().equals(List.of(newLb)));
    assertThat(forwardsTo(9092)).isEqualTo(names.targetGroup(9092));

    // 7. The NLB's security group deleted (nothing references it: the node group admits the backend group).
    aws.ec2.deleteSecurityGroup(b -> b.groupId(nlbGroup.groupId()));
    awaitEvent("Recreated", "security group " + names.loadBalancer());
    await().atMost(REPAIR).until(() -> aws.securityGroups(vpc, names.loadBalancer()) == 1
        && loadBalancer(names).securityGroups().equals(List.of(nlbGroup(vpc, names.loadBalancer()).groupId(), backend)));
    String newGroup = nlbGroup(vpc, names.loadBalancer()).groupId();
    assertThat(newGroup).isNotEqualTo(nlbGroup.groupId());
    awaitEvent("Repaired", "set back to [" + newGroup + ", " + backend + "]");
    assertThat(ingressRanges(vpc, names.loadBalancer())).containsExactly("9092-9108 10.250.0.0/16");

    // 7b. The backend group deleted: taken off the NLB and its rule revoked first, as AWS requires of a
    // group in use. A new one is made, the NLB carries it again, and the node group admits it.
    aws.elb.setSecurityGroups(b -> b.loadBalancerArn(loadBalancer(names).loadBalancerArn()).securityGroups(newGroup));
    aws.ec2.revokeSecurityGroupIngress(b -> b.groupId(nodeGroup).securityGroupRuleIds(ownedRule(nodeGroup)));
    aws.ec2.deleteSecurityGroup(b -> b.groupId(backend));
    await().atMost(REPAIR).until(() -> aws.securityGroups(vpc, BackendSecurityGroup.name(CLUSTER)) == 1);
    String newBackend = nlbGroup(vpc, BackendSecurityGroup.name(CLUSTER)).groupId();
    assertThat(newBackend).isNotEqualTo(backend);
    awaitEvent("Created", "security group " + BackendSecurityGroup.name(CLUSTER) + " (" + newBackend + ")");
    await().atMost(REPAIR).until(() -> loadBalancer(names).securityGroups().equals(List.of(newGroup, newBackend))
        && aws.ingressRules(nodeGroup).stream().anyMatch(r -> r.contains("tcp 39092-39092 from " + newBackend)));
    awaitEvent("Changed", "with the cluster's backend group " + BackendSecurityGroup.name(CLUSTER));

    // 8. The endpoint service deleted: a new one, under a new name, which the status and an event tell.
    ServiceConfiguration before = service(owner);
    String oldName = operator.get(KafkaPrivateEndpoint.class, "drift").getStatus().getEndpointServiceName();
    assertThat(oldName).isEqualTo(before.serviceName());
    aws.ec2.deleteVpcEndpointServiceConfigurations(b -> b.serviceIds(before.serviceId()));
    EndpointCondition replaced = Endpoints.awaitReason(operator, "drift", ConditionType.ENDPOINT_SERVICE_READY,
        "EndpointServiceReplaced");
    ServiceConfiguration after = service(owner);
    assertThat(after.serviceName()).isNotEqualTo(oldName);
    assertThat(replaced.getStatus()).isEqualTo("True");
    assertThat(replaced.getMessage()).contains(oldName).contains(after.serviceName());
    assertThat(operator.get(KafkaPrivateEndpoint.class, "drift").getStatus().getEndpointServiceName())
        .isEqualTo(after.serviceName());
    Event warning = awaitEvent("EndpointServiceReplaced", oldName);
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getMessage()).contains(after.serviceName());
    awaitEvent("Recreated", "endpoint service " + after.serviceId());
    assertThat(after.networkLoadBalancerArns()).containsExactly(newLb);
    await().atMost(REPAIR).until(() -> aws.ec2.describeVpcEndpointServicePermissions(b -> b.serviceId(after.serviceId()))
        .allowedPrincipals().stream().map(p -> p.principal()).toList().equals(List.of("arn:aws:iam::123456789012:root")));
    assertThat(aws.endpointServices(owner)).isEqualTo(1);
    // The notice stays on later passes (no consumer has connected to the new service yet).
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, "drift").getStatus(),
        ConditionType.ENDPOINT_SERVICE_READY).getReason()).isEqualTo("EndpointServiceReplaced");
    assertThat(Endpoints.condition(operator.get(KafkaPrivateEndpoint.class, "drift").getStatus(), ConditionType.READY)
        .getStatus()).isEqualTo("True");

    // Steady passes after the repairs tell nothing more.
    int told = driftEvents().size();
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> true);
    assertThat(driftEvents()).hasSize(told);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "drift"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "drift") == null);
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(aws.endpointServices(owner)).isZero();
    assertThat(aws.securityGroups(vpc, BackendSecurityGroup.name(CLUSTER))).isZero();
    assertThat(aws.ingressRules(nodeGroup)).noneMatch(r -> r.contains("kafka.privateendpoint.io/owner"));
  }

  private static List<Event> driftEvents() {
    return Endpoints.events(operator, "drift").stream()
        .filter(e -> List.of("Recreated", "Repaired", "EndpointServiceReplaced").contains(e.getReason())).toList();
  }

  private static Event awaitEvent(String reason, String text) {
    return Endpoints.awaitEvent(operator, "drift", reason, text, REPAIR, () -> "; denied: " + calls.denied() + "; mutating calls: " + calls.mutatingSince(0) + "; groups: "
        + aws.ec2.describeSecurityGroups().securityGroups().stream().map(g -> g.groupId() + "/" + g.groupName()).toList());
  }

  private static LoadBalancer loadBalancer(AwsNames names) {
    return aws.loadBalancers(names.loadBalancer()).get(0);
  }

  private static Map<Integer, Listener> listeners() {
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "drift"));
    List<LoadBalancer> lbs = aws.loadBalancers(names.loadBalancer());
    if (lbs.isEmpty()) {
      return Map.of();
    }
    return aws.elb.describeListeners(b -> b.loadBalancerArn(lbs.get(0).loadBalancerArn())).listeners().stream()
        .collect(Collectors.toMap(Listener::port, Function.identity()));
  }

  /** The name of the target group the listener on {@code port} forwards to. */
  private static String forwardsTo(int port) {
    String arn = listeners().get(port).defaultActions().get(0).targetGroupArn();
    return aws.elb.describeTargetGroups(b -> b.targetGroupArns(arn)).targetGroups().get(0).targetGroupName();
  }

  private static TargetGroup group(String name) {
    return aws.targetGroups(name).stream().filter(g -> g.targetGroupName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> targets(String name) {
    List<TargetGroup> groups = aws.targetGroups(name).stream().filter(g -> g.targetGroupName().equals(name)).toList();
    if (groups.size() != 1) {
      return List.of();
    }
    return aws.elb.describeTargetHealth(b -> b.targetGroupArn(groups.get(0).targetGroupArn())).targetHealthDescriptions()
        .stream().map(t -> t.target().id() + ":" + t.target().port()).sorted().toList();
  }

  private static SecurityGroup nlbGroup(String vpc, String name) {
    return aws.ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("group-name").values(name).build())).securityGroups().get(0);
  }

  private static List<String> ingressRanges(String vpc, String group) {
    return nlbGroup(vpc, group).ipPermissions().stream()
        .flatMap(p -> p.ipRanges().stream().map(r -> p.fromPort() + "-" + p.toPort() + " " + r.cidrIp()))
        .sorted().toList();
  }

  /** The id of the one ingress rule in {@code group} carrying our owner tag. */
  private static String ownedRule(String group) {
    return aws.ec2.describeSecurityGroupRules(b -> b.filters(Filter.builder().name("group-id").values(group).build()))
        .securityGroupRules().stream().filter(r -> !r.isEgress())
        .filter(r -> r.tags().stream().anyMatch(t -> t.key().equals("kafka.privateendpoint.io/owner")))
        .map(r -> r.securityGroupRuleId()).findFirst().orElseThrow();
  }

  private static ServiceConfiguration service(String owner) {
    return aws.ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals("kafka.privateendpoint.io/owner") && t.value().equals(owner)))
        .findFirst().orElseThrow();
  }
}
