package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorPolicy;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.aws.AwsEndpointProvisioner;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;

/**
 * Resources that carry exactly the names the operator would use, but not its tags, are reported
 * and never modified or deleted — neither by provisioning nor by cleanup. The provisioner runs
 * directly against moto here, with the call recorder, so every call it makes is checked; as the
 * operator's IAM user, so each was allowed by config/aws/iam-policy.json.
 */
class AwsOwnershipIT {

  private final MotoAccount aws = new MotoAccount();
  private final AwsCalls calls = new AwsCalls();
  private final AwsEndpointProvisioner provisioner = new AwsEndpointProvisioner(
      new AwsClients(List.of(calls), MotoServer.get().operatorCredentials()), "it");

  @AfterEach
  void everyCallWasAllowedByThePolicy() {
    OperatorPolicy.assertAllowed(calls);
  }

  @Test
  void aForeignLoadBalancerAndTargetGroupWithOurNamesAreLeftAlone() {
    String vpc = aws.vpcWithSubnets("10.60");
    KafkaPrivateEndpoint resource = endpoint(vpc);
    AwsNames names = AwsNames.of(resource);
    String subnet = aws.ec2.describeSubnets().subnets().stream().filter(s -> s.vpcId().equals(vpc)).findFirst().orElseThrow().subnetId();
    aws.elb.createLoadBalancer(b -> b.name(names.loadBalancer()).type(LoadBalancerTypeEnum.NETWORK)
        .scheme(LoadBalancerSchemeEnum.INTERNAL).subnets(subnet));
    aws.elb.createTargetGroup(b -> b.name(names.targetGroup(9093)).protocol(ProtocolEnum.TCP).port(1).vpcId(vpc));

    StepOutcome outcome = provisioner.apply(resource, plan(resource));

    assertThat(outcome.conditions()).extracting(ConditionReport::type, ConditionReport::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ConditionType.LOAD_BALANCER_READY, "ForeignResource"));
    assertThat(outcome.conditions().get(0).message()).contains("load balancer named " + names.loadBalancer());
    assertThat(calls.all()).noneMatch(c -> c.startsWith("ElasticLoadBalancingV2.") && !c.contains(".Describe"));

    assertThat(provisioner.cleanup(resource)).isTrue();
    assertThat(aws.loadBalancers(names.loadBalancer())).hasSize(1);
    assertThat(aws.targetGroups(names.targetGroup(9093))).hasSize(1);
    assertThat(calls.all()).noneMatch(c -> c.equals("ElasticLoadBalancingV2.DeleteLoadBalancer")
        || c.equals("ElasticLoadBalancingV2.DeleteTargetGroup") || c.equals("ElasticLoadBalancingV2.ModifyLoadBalancerAttributes"));
  }

  @Test
  void aForeignSecurityGroupWithOurNameStopsEverything() {
    String vpc = aws.vpcWithSubnets("10.61");
    KafkaPrivateEndpoint resource = endpoint(vpc);
    AwsNames names = AwsNames.of(resource);
    String foreign = aws.ec2.createSecurityGroup(b -> b.groupName(names.loadBalancer()).description("not ours").vpcId(vpc)).groupId();

    StepOutcome outcome = provisioner.apply(resource, plan(resource));

    assertThat(outcome.conditions().get(0).reason()).isEqualTo("ForeignResource");
    assertThat(outcome.conditions().get(0).message()).contains("security group " + names.loadBalancer()).contains(foreign);
    assertThat(calls.mutatingSince(0)).isEmpty();
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(provisioner.cleanup(resource)).isTrue();
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isEqualTo(1);
    assertThat(calls.mutatingSince(0)).isEmpty();
  }

  @Test
  void aSubnetNamedUnderTheWrongAzIdIsReportedBeforeAnythingIsMade() {
    String vpc = aws.vpcWithSubnets("10.62");
    KafkaPrivateEndpoint resource = endpoint(vpc);
    var subnets = aws.ec2.describeSubnets().subnets().stream().filter(s -> s.vpcId().equals(vpc)).toList();
    String inAz2 = subnets.stream().filter(s -> s.availabilityZoneId().equals("usw2-az2")).findFirst().orElseThrow().subnetId();
    resource.getSpec().getAws().setSubnets(Map.of("usw2-az1", inAz2));

    StepOutcome outcome = provisioner.apply(resource, plan(resource));

    assertThat(outcome.conditions().get(0).reason()).isEqualTo("SubnetMismatch");
    assertThat(outcome.conditions().get(0).message()).isEqualTo("spec.aws.subnets[usw2-az1]: " + inAz2 + " is in usw2-az2, not usw2-az1");
    assertThat(calls.mutatingSince(0)).isEmpty();
  }

  private static KafkaPrivateEndpoint endpoint(String vpc) {
    KafkaPrivateEndpoint resource = Endpoints.aws("owned", "{statefulSet: {name: kafka, configVolume: kafka-config}}", "tidb",
        39092, 9092, 9093);
    resource.getMetadata().setNamespace("kafka");
    resource.getMetadata().setUid(UUID.randomUUID().toString());
    resource.getSpec().getAws().setVpcId(vpc);
    return resource;
  }

  private static EndpointPlan plan(KafkaPrivateEndpoint resource) {
    List<Broker> brokers = List.of(
        new Broker(0, "kafka-0", "us-west-2b", "usw2-az1", "10.60.1.10", "node-1", "i-1"),
        new Broker(1, "kafka-1", "us-west-2a", "usw2-az2", "10.60.2.10", "node-2", "i-2"),
        new Broker(2, "kafka-2", "us-west-2c", "usw2-az3", "10.60.3.10", "node-3", "i-3"));
    return EndpointPlanner.plan(resource.getSpec(), Observation.of(brokers), Map.of());
  }
}
