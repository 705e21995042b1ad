package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Provider;
import io.privateendpoint.operator.reconcile.ApplyStep;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerStateEnum;

/**
 * AWS PrivateLink for one endpoint: the NLB side ({@link NlbSynthesizer}) then the endpoint service
 * ({@link EndpointServiceSynthesizer}), in dependency order; teardown in the order real AWS
 * enforces (moto accepts any, the tests check this one).
 */
public final class AwsEndpointProvisioner implements ApplyStep {

  private final AwsClients clients;
  private final String clusterName;
  /** Passes per endpoint, to rotate the drift checks of broker target groups. */
  private final Map<String, AtomicLong> passes = new ConcurrentHashMap<>();

  public AwsEndpointProvisioner(AwsClients clients, String clusterName) {
    this.clients = clients;
    this.clusterName = clusterName;
  }

  @Override
  public StepOutcome apply(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    if (plan.provider() != Provider.AWS) {
      return StepOutcome.of();
    }
    String region = resource.getSpec().getAws().getRegion();
    NlbSynthesizer nlb = new NlbSynthesizer(clients.ec2(region), clients.elb(region), resource, clusterName);
    NlbSynthesizer.Result lb;
    try {
      lb = nlb.sync(plan, passes.computeIfAbsent(resource.getMetadata().getUid(), k -> new AtomicLong()).getAndIncrement());
    } catch (AwsProblem p) {
      return StepOutcome.of(ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, p.reason, p.getMessage()));
    }
    var service = new EndpointServiceSynthesizer(clients.ec2(region), resource, clusterName)
        .sync(lb.loadBalancer().loadBalancerArn());
    return outcome(lb, service);
  }

  private static StepOutcome outcome(NlbSynthesizer.Result lb, EndpointServiceSynthesizer.Result service) {
    LoadBalancer balancer = lb.loadBalancer();
    boolean active = balancer.state() == null || balancer.state().code() == LoadBalancerStateEnum.ACTIVE;
    ConditionReport lbReady = active
        ? ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Active", "internal NLB " + balancer.loadBalancerName()
            + " (" + balancer.dnsName() + ") with one listener per port")
        : ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, "Provisioning", "NLB " + balancer.loadBalancerName()
            + " is " + balancer.state().codeAsString());
    String state = service.service().serviceStateAsString();
    ConditionReport svcReady = "Available".equalsIgnoreCase(state)
        ? ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, "Available", "endpoint service "
            + service.service().serviceName() + (service.connectionsSupported() ? ""
            : " (this endpoint API does not answer DescribeVpcEndpointConnections: connections are not shown)"))
        : ConditionReport.isFalse(ConditionType.ENDPOINT_SERVICE_READY, "Pending", "endpoint service is " + state);
    List<String> unhealthy = lb.brokerHealth().entrySet().stream().filter(e -> !"healthy".equals(e.getValue()))
        .map(e -> "broker " + e.getKey() + " " + e.getValue()).toList();
    ConditionReport verified = unhealthy.isEmpty()
        ? ConditionReport.isTrue(ConditionType.VERIFIED, "TargetsHealthy", "every broker port reaches its broker")
        : ConditionReport.isFalse(ConditionType.VERIFIED, "TargetsNotHealthy", String.join(", ", unhealthy));
    return new StepOutcome(List.of(lbReady, svcReady, verified), service.service().serviceName(), null,
        service.connections(), lb.brokerHealth());
  }

  /**
   * Reverse dependency order, as real AWS requires: endpoint connections, the endpoint service,
   * deletion protection off, the NLB (still attached to a service it is ResourceInUse), its target
   * groups, then the security group (DependencyViolation until the NLB's interfaces are gone, so
   * that is retried). True once nothing of ours is left.
   */
  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (resource.getSpec().getAws() == null) {
      return true;
    }
    passes.remove(resource.getMetadata().getUid());
    String region = resource.getSpec().getAws().getRegion();
    Ec2Client ec2 = clients.ec2(region);
    ElasticLoadBalancingV2Client elb = clients.elb(region);
    NlbSynthesizer nlb = new NlbSynthesizer(ec2, elb, resource, clusterName);
    var services = new EndpointServiceSynthesizer(ec2, resource, clusterName);

    var service = services.find();
    if (service != null) {
      services.rejectConnections(service.serviceId());
      ec2.deleteVpcEndpointServiceConfigurations(b -> b.serviceIds(service.serviceId()));
    }
    LoadBalancer lb = ownedOrNull(nlb);
    if (lb != null) {
      boolean protectedLb = elb.describeLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())).attributes()
          .stream().anyMatch(a -> NlbSynthesizer.DELETION_PROTECTION.equals(a.key()) && "true".equals(a.value()));
      if (protectedLb) {
        elb.modifyLoadBalancerAttributes(b -> b.loadBalancerArn(lb.loadBalancerArn())
            .attributes(LoadBalancerAttribute.builder().key(NlbSynthesizer.DELETION_PROTECTION).value("false").build()));
      }
      elb.deleteLoadBalancer(b -> b.loadBalancerArn(lb.loadBalancerArn()));
    }
    boolean done = true;
    for (var group : nlb.ownedTargetGroups().values()) {
      done &= retryLater(() -> elb.deleteTargetGroup(b -> b.targetGroupArn(group.targetGroupArn())));
    }
    SecurityGroup sg = ec2.describeSecurityGroups(b -> b.filters(NlbSynthesizer.filter("vpc-id", resource.getSpec().getAws().getVpcId()),
        NlbSynthesizer.filter("group-name", AwsNames.of(resource).loadBalancer()))).securityGroups().stream()
        .filter(g -> AwsTags.ours(AwsTags.ec2Map(g.tags()), resource, clusterName)).findFirst().orElse(null);
    if (sg != null) {
      done &= retryLater(() -> ec2.deleteSecurityGroup(b -> b.groupId(sg.groupId())));
    }
    return done;
  }

  private static LoadBalancer ownedOrNull(NlbSynthesizer nlb) {
    try {
      return nlb.findLoadBalancer();
    } catch (AwsProblem foreign) {
      return null; // a load balancer with our name but not our tags is never deleted
    }
  }

  /** Runs a delete; "still in use" (AWS releases NLB interfaces and listeners asynchronously) means try again later. */
  private static boolean retryLater(Runnable delete) {
    try {
      delete.run();
      return true;
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
      if (code.contains("InUse") || code.contains("DependencyViolation")) {
        return false;
      }
      throw e;
    }
  }
}
