package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.apply.ChangeRecordingStep;
import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.Provider;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerStateEnum;

/**
 * AWS PrivateLink for one endpoint: the NLB side ({@link NlbSynthesizer}) then the endpoint service
 * ({@link EndpointServiceSynthesizer}), in dependency order; teardown in the order real AWS
 * enforces (moto accepts any, the tests check this one).
 */
public final class AwsEndpointProvisioner implements ChangeRecordingStep {

  private final AwsClients clients;
  private final String clusterName;
  /** Passes per endpoint, to rotate the drift checks of broker target groups. */
  private final Map<String, AtomicLong> passes = new ConcurrentHashMap<>();

  /** Reason of EndpointServiceReady (True) and of the Warning event when a deleted endpoint service was made again under a new name. */
  public static final String REPLACED = "EndpointServiceReplaced";

  private final EventRecorder events;
  /** Who needs the rules admitting the cluster's backend security group, so none is revoked while needed. */
  private final SharedRuleUsers ruleUsers;

  /** For one endpoint on its own (no other endpoint shares its VPC's backend group), telling no events. */
  public AwsEndpointProvisioner(AwsClients clients, String clusterName) {
    this(clients, clusterName, null, List::of);
  }

  /**
   * @param events    where each change is told (one event per change); null for none
   * @param endpoints every endpoint the operator reconciles (its cache): those in the same VPC share the
   *                  backend security group and its rules, which go only when none of them needs them
   */
  public AwsEndpointProvisioner(AwsClients clients, String clusterName, EventRecorder events,
      Supplier<List<KafkaPrivateEndpoint>> endpoints) {
    this.clients = clients;
    this.clusterName = clusterName;
    this.events = events;
    this.ruleUsers = new SharedRuleUsers(endpoints);
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  /** One pass, applying or previewing (every read, no write; where apply would halt, the preview stops). */
  @Override
  public StepOutcome pass(KafkaPrivateEndpoint resource, EndpointPlan plan, Changes changes) {
    if (plan.provider() != Provider.AWS) {
      return StepOutcome.of();
    }
    AtomicLong counter = passes.computeIfAbsent(resource.getMetadata().getUid(), k -> new AtomicLong());
    // A preview looks at the broker groups the next pass would check, and does not move the rotation.
    long round = changes.previewing() ? counter.get() : counter.getAndIncrement();
    String region = resource.getSpec().getAws().getRegion();
    NlbSynthesizer nlb = new NlbSynthesizer(clients.ec2(region), clients.elb(region), resource, clusterName, ruleUsers);
    NlbSynthesizer.Result lb;
    try {
      lb = nlb.sync(plan, round, changes);
    } catch (AwsProblem p) {
      return StepOutcome.halt(ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, p.reason, p.getMessage()));
    } catch (SdkException e) {
      return StepOutcome.halt(refused(e, ConditionType.LOAD_BALANCER_READY, "building load balancer " + AwsNames.of(resource).loadBalancer()));
    }
    EndpointServiceSynthesizer.Result service;
    try {
      service = new EndpointServiceSynthesizer(clients, resource, clusterName)
          .sync(lb.loadBalancer().loadBalancerArn(), changes);
    } catch (SdkException e) {
      return StepOutcome.halt(refused(e, ConditionType.ENDPOINT_SERVICE_READY, "publishing the endpoint service"));
    }
    ConditionReport replaced = replaced(resource, service);
    if (service.replacedFrom() != null) {
      changes.warning(REPLACED, replaced.message());
    }
    return outcome(lb, service, replaced);
  }

  /**
   * EndpointServiceReady while the service in use is a replacement of the one consumers were given:
   * True (it is published) with reason {@value #REPLACED}, naming the old and the new name. It stays
   * until a consumer connects to the new service or the spec changes, so a consumer reading the status
   * later still learns it; null when there is nothing to tell.
   */
  private static ConditionReport replaced(KafkaPrivateEndpoint resource, EndpointServiceSynthesizer.Result service) {
    String name = service.service().serviceName();
    if (service.replacedFrom() != null) {
      return ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, REPLACED, "endpoint service "
          + service.replacedFrom() + " was deleted out of band and is replaced by " + name
          + ": its endpoint connections are gone; consumers must create a VPC endpoint to " + name);
    }
    EndpointCondition previous = Changes.previous(resource, ConditionType.ENDPOINT_SERVICE_READY);
    boolean sameSpec = resource.getStatus() != null
        && java.util.Objects.equals(resource.getStatus().getObservedGeneration(), resource.getMetadata().getGeneration());
    if (previous != null && REPLACED.equals(previous.getReason()) && previous.getMessage() != null
        && previous.getMessage().contains(name) && service.connections().isEmpty() && sameSpec) {
      return ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, REPLACED, previous.getMessage());
    }
    return null;
  }

  /**
   * One read of the spec's VPC with the operator's credentials, before anything is applied: no
   * credentials, a missing permission or a wrong VPC are said here, naming what is missing, and no
   * broker is restarted for an endpoint AWS would refuse.
   */
  @Override
  public ConditionReport checkAccess(KafkaPrivateEndpoint resource) {
    if (resource.getSpec().getAws() == null) {
      return null;
    }
    var aws = resource.getSpec().getAws();
    String region = aws.getRegion();
    try {
      Vpc vpc = clients.ec2(region).describeVpcs(b -> b.vpcIds(aws.getVpcId())).vpcs().stream().findFirst().orElse(null);
      if (vpc == null) {
        return vpcNotFound(aws.getVpcId(), region, "");
      }
      List<String> problems = AwsPreflight.problems(clients.ec2(region), resource, vpc);
      if (!problems.isEmpty()) {
        return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "SpecMismatch", String.join("; ", problems));
      }
      return ConditionReport.isTrue(ConditionType.CLOUD_ACCESS, "Granted", "read " + vpc.vpcId() + " (" + vpc.cidrBlock()
          + ") in " + aws.getRegion() + " with the operator's credentials");
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
      if (code.startsWith("InvalidVpcID")) {
        return vpcNotFound(aws.getVpcId(), region, " (" + code + ")");
      }
      return accessRefused(e, region);
    } catch (SdkException e) {
      return accessRefused(e, region);
    }
  }

  private static ConditionReport vpcNotFound(String vpcId, String region, String detail) {
    return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, "VpcNotFound", "spec.aws.vpcId: " + vpcId
        + " is not a VPC in " + region + " of the operator's account" + detail);
  }

  private static ConditionReport accessRefused(SdkException e, String region) {
    CloudPushback.Kind pushback = AwsRefusals.pushback(e);
    if (pushback != null) {
      return AwsRefusals.pushedBack(e, pushback, ConditionType.CLOUD_ACCESS);
    }
    String reason = AwsRefusals.reason(e);
    return ConditionReport.isFalse(ConditionType.CLOUD_ACCESS, reason != null ? reason : "Unreachable",
        AwsRefusals.message(e, reason != null ? reason : "", "ec2:DescribeVpcs in " + region));
  }

  /**
   * A lasting refusal becomes a condition naming it, and so does AWS pushing back (throttling, 5xx)
   * through the SDK's retries; anything else (a network failure) is thrown, so the pass is retried.
   */
  private static ConditionReport refused(SdkException e, String type, String what) {
    CloudPushback.Kind pushback = AwsRefusals.pushback(e);
    if (pushback != null) {
      return AwsRefusals.pushedBack(e, pushback, type);
    }
    String reason = AwsRefusals.reason(e);
    if (reason == null) {
      throw e;
    }
    return ConditionReport.isFalse(type, reason, AwsRefusals.message(e, reason, what));
  }


  private static StepOutcome outcome(NlbSynthesizer.Result lb, EndpointServiceSynthesizer.Result service,
      ConditionReport replaced) {
    LoadBalancer balancer = lb.loadBalancer();
    boolean active = balancer.state() == null || balancer.state().code() == LoadBalancerStateEnum.ACTIVE;
    ConditionReport lbReady = active
        ? ConditionReport.isTrue(ConditionType.LOAD_BALANCER_READY, "Active", "internal NLB " + balancer.loadBalancerName()
            + " (" + balancer.dnsName() + ") with one listener per port")
        : ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, "Provisioning", "NLB " + balancer.loadBalancerName()
            + " is " + balancer.state().codeAsString());
    String state = service.service().serviceStateAsString();
    ConditionReport svcReady = "Available".equalsIgnoreCase(state) && replaced != null ? replaced
        : "Available".equalsIgnoreCase(state)
        ? ConditionReport.isTrue(ConditionType.ENDPOINT_SERVICE_READY, "Available", "endpoint service "
            + service.service().serviceName() + (service.connectionsSupported() ? ""
            : " (this endpoint API does not answer DescribeVpcEndpointConnections: connections are not shown)"))
        : ConditionReport.isFalse(ConditionType.ENDPOINT_SERVICE_READY, "Pending", "endpoint service is " + state);
    List<String> unhealthy = lb.brokerHealth().entrySet().stream().filter(e -> !"healthy".equals(e.getValue()))
        .map(e -> "broker " + e.getKey() + " " + e.getValue()).toList();
    ConditionReport verified;
    if (!lb.unreachable().isEmpty()) {
      // Named first: a target whose security groups drop the NLB's traffic is the usual cause of unhealthy targets.
      verified = ConditionReport.isFalse(ConditionType.VERIFIED, "TargetSecurityGroupRuleMissing",
          String.join("; ", lb.unreachable()));
    } else if (unhealthy.isEmpty()) {
      verified = ConditionReport.isTrue(ConditionType.VERIFIED, "TargetsHealthy", "every broker port reaches its broker");
    } else {
      verified = ConditionReport.isFalse(ConditionType.VERIFIED, "TargetsNotHealthy", String.join(", ", unhealthy));
    }
    return new StepOutcome(List.of(lbReady, svcReady, verified), service.service().serviceName(), null,
        service.connections(), lb.brokerHealth());
  }

  /**
   * Reverse dependency order, as real AWS requires: endpoint connections, the endpoint service,
   * deletion protection off, the NLB (still attached to a service it is ResourceInUse), its target
   * groups, the rules in the targets' groups no other endpoint needs, then the security group
   * (DependencyViolation until the NLB's interfaces are gone, so that is retried), and with the last
   * endpoint of the cluster in the VPC the backend group. True once nothing of ours is left.
   */
  @Override
  public boolean cleanup(KafkaPrivateEndpoint resource) {
    if (resource.getSpec().getAws() == null) {
      return true;
    }
    Changes changes = Changes.applying(resource);
    try {
      return delete(resource, changes);
    } catch (SdkException e) {
      // Throttling, 5xx, a lost answer: not a blocked delete (that is for what AWS will keep refusing),
      // only one not finished yet; the next pass picks up where this one stopped.
      if (AwsRefusals.reason(e) != null) {
        throw e;
      }
      LoggerFactory.getLogger(AwsEndpointProvisioner.class).info("deleting the AWS side of {}/{} met a passing error,"
          + " trying again: {}", resource.getMetadata().getNamespace(), resource.getMetadata().getName(), e.getMessage());
      return false;
    } finally {
      changes.emit(events, resource);
    }
  }

  private boolean delete(KafkaPrivateEndpoint resource, Changes changes) {
    passes.remove(resource.getMetadata().getUid());
    String region = resource.getSpec().getAws().getRegion();
    Ec2Client ec2 = clients.ec2(region);
    ElasticLoadBalancingV2Client elb = clients.elb(region);
    NlbSynthesizer nlb = new NlbSynthesizer(ec2, elb, resource, clusterName, ruleUsers);
    var services = new EndpointServiceSynthesizer(clients, resource, clusterName);
    String why = "the endpoint is deleted";

    var service = services.find();
    if (service != null) {
      services.rejectConnections(service.serviceId());
      ec2.deleteVpcEndpointServiceConfigurations(b -> b.serviceIds(service.serviceId()));
      changes.deleted("endpoint service", service.serviceId() + " (" + service.serviceName() + ")", why);
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
      changes.deleted("NLB", lb.loadBalancerName() + " (" + lb.loadBalancerArn() + ")", why + " (with its listeners)");
    }
    boolean done = true;
    for (var group : nlb.ownedTargetGroups().values()) {
      // Gone already: only our own earlier attempt can have deleted an endpoint's own group, so it is told.
      boolean gone = AlreadyDone.delete(AlreadyDone.TARGET_GROUP_GONE,
          () -> elb.deleteTargetGroup(b -> b.targetGroupArn(group.targetGroupArn()))).gone();
      if (gone) {
        changes.deleted("target group", group.targetGroupName(), why);
      }
      done &= gone;
    }
    // Rules in the targets' groups: an earlier version's referencing the NLB's group (which cannot be
    // deleted while they do), and the shared rules no endpoint needs any more.
    var backend = new BackendSecurityGroup(ec2, resource.getSpec().getAws().getVpcId(), clusterName);
    SecurityGroup backendGroup = backend.find();
    boolean last = new TargetSecurityGroupRules(ec2, resource, clusterName, ruleUsers)
        .delete(backendGroup == null ? null : backendGroup.groupId(), changes);
    SecurityGroup sg = new LoadBalancerSecurityGroup(ec2, resource, clusterName).findOwned();
    if (sg != null) {
      boolean gone = AlreadyDone.delete(AlreadyDone.GROUP_GONE, () -> ec2.deleteSecurityGroup(b -> b.groupId(sg.groupId()))).gone();
      if (gone) {
        changes.deleted("security group", sg.groupName() + " (" + sg.groupId() + ")", why);
      }
      done &= gone;
    }
    if (last && backendGroup != null) {
      // The last endpoint of the cluster in this VPC: the backend group goes too, once no NLB holds it.
      done &= backend.delete(changes);
    }
    return done;
  }

  @Override
  public List<String> leftovers(KafkaPrivateEndpoint resource) {
    var aws = resource.getSpec().getAws();
    if (aws == null) {
      return List.of();
    }
    AwsNames names = AwsNames.of(resource);
    String service = resource.getStatus() == null ? null : resource.getStatus().getEndpointServiceName();
    return List.of("endpoint service " + (service != null ? service : "tagged " + AwsTags.OWNER + "="
            + AwsTags.of(resource, clusterName).get(AwsTags.OWNER)) + " in " + aws.getRegion(),
        "NLB " + names.loadBalancer() + " with its listeners", "target groups " + names.base() + "-<port>",
        "security group " + names.loadBalancer() + " in " + aws.getVpcId(),
        "ingress rules tagged " + AwsTags.OWNER + "=" + BackendSecurityGroup.owner(clusterName)
            + " in the targets' security groups that no other endpoint of the cluster in " + aws.getVpcId() + " needs",
        "security group " + BackendSecurityGroup.name(clusterName) + " in " + aws.getVpcId()
            + ", with the last endpoint of the cluster there");
  }

  private static LoadBalancer ownedOrNull(NlbSynthesizer nlb) {
    try {
      return nlb.findLoadBalancer();
    } catch (AwsProblem foreign) {
      return null; // a load balancer with our name but not our tags is never deleted
    }
  }
}
