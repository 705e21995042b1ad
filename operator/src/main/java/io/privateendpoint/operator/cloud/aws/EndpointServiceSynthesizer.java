package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.apply.Changes;
import io.privateendpoint.operator.model.ConnectionStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AllowedPrincipal;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ServiceConfiguration;
import software.amazon.awssdk.services.ec2.model.VpcEndpointConnection;

/**
 * The VPC endpoint service on the NLB: acceptance as the spec says, spec.aws.allowedPrincipals as
 * the only allowed principals, and the consumer's endpoint connections — accepted automatically
 * only when asked, and only from the allowed principals' accounts.
 */
final class EndpointServiceSynthesizer {

  private static final String CONNECTIONS = "DescribeVpcEndpointConnections";

  private final Ec2Client ec2;
  /** Remembers an emulator without DescribeVpcEndpointConnections, so it is not asked (and retried) every pass. */
  private final AwsClients clients;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;

  EndpointServiceSynthesizer(AwsClients clients, KafkaPrivateEndpoint resource, String clusterName) {
    this.clients = clients;
    this.ec2 = clients.ec2(resource.getSpec().getAws().getRegion());
    this.resource = resource;
    this.clusterName = clusterName;
  }

  /**
   * @param replacedFrom the endpoint service name the last status published when this pass found (or
   *                     made) a service of another name: ours was deleted out of band and made again,
   *                     so consumers must connect to the new name; null otherwise
   */
  record Result(ServiceConfiguration service, List<ConnectionStatus> connections, boolean connectionsSupported,
      String replacedFrom) {

    Result(ServiceConfiguration service, List<ConnectionStatus> connections, boolean connectionsSupported) {
      this(service, connections, connectionsSupported, null);
    }

    Result replacing(String old) {
      return new Result(service, connections, connectionsSupported, old);
    }
  }

  /**
   * The endpoint service on the NLB, as the spec says, each change recorded in {@code changes}. A deleted service is made again, necessarily under a new name
   * (AWS names it from its id): the replacement is told by name, old and new, in the result. It is
   * found by comparing with the name the last status published, not by having created it, so a
   * crash between the create and the status write still reports it. The re-create uses a client
   * token of its own (the first one would answer with the deleted service, within AWS's idempotency
   * window), derived from the old name, so a retried re-create does not make a twin either.
   */
  Result sync(String loadBalancerArn, Changes changes) {
    var aws = resource.getSpec().getAws();
    String published = resource.getStatus() == null ? null : resource.getStatus().getEndpointServiceName();
    ServiceConfiguration service = find();
    boolean planned = false;
    if (service == null) {
      String token = published == null ? AwsNames.of(resource).clientToken()
          : AwsNames.of(resource).clientToken() + "-" + Integer.toHexString(published.hashCode());
      if (changes.previewing()) {
        // AWS names a service from its id: a preview can only say that it is new.
        planned = true;
        service = ServiceConfiguration.builder().serviceId("(new)").acceptanceRequired(aws.getAcceptanceRequired())
            .networkLoadBalancerArns(loadBalancerArn).build();
      } else {
        // The client token makes a retried create return the first one instead of a twin (on AWS).
        service = ec2.createVpcEndpointServiceConfiguration(b -> b.networkLoadBalancerArns(loadBalancerArn)
            .acceptanceRequired(aws.getAcceptanceRequired()).clientToken(token)
            .tagSpecifications(AwsTags.ec2Spec(resource, clusterName, ResourceType.VPC_ENDPOINT_SERVICE))).serviceConfiguration();
      }
      String id = planned ? "on NLB " + AwsNames.of(resource).loadBalancer()
          : service.serviceId() + " (" + service.serviceName() + ")";
      if (published != null) {
        changes.recreated("endpoint service", id + (planned ? "" : ", was " + published), "a new name, to give consumers");
      } else {
        changes.created("endpoint service", id, (aws.getAcceptanceRequired() ? "acceptance required" : "no acceptance")
            + ", principals " + aws.getAllowedPrincipals());
      }
    } else {
      String id = service.serviceId();
      if (!aws.getAcceptanceRequired().equals(service.acceptanceRequired())) {
        if (!changes.previewing()) {
          ec2.modifyVpcEndpointServiceConfiguration(b -> b.serviceId(id).acceptanceRequired(aws.getAcceptanceRequired()));
        }
        changes.repaired("endpoint service", id, "acceptance required set to " + aws.getAcceptanceRequired());
      }
      if (!service.networkLoadBalancerArns().equals(List.of(loadBalancerArn))) {
        // The NLB was deleted (and made again) or swapped out of band: the service fronts ours again.
        List<String> stale = service.networkLoadBalancerArns().stream().filter(a -> !a.equals(loadBalancerArn)).toList();
        boolean missing = !service.networkLoadBalancerArns().contains(loadBalancerArn);
        if (!changes.previewing()) {
          ec2.modifyVpcEndpointServiceConfiguration(b -> b.serviceId(id)
              .addNetworkLoadBalancerArns(missing ? List.of(loadBalancerArn) : null)
              .removeNetworkLoadBalancerArns(stale.isEmpty() ? null : stale));
          service = find();
        }
        changes.repaired("endpoint service", id, "fronts NLB " + loadBalancerArn + " again (was " + stale + ")");
      }
    }
    if (planned) {
      return new Result(service, List.of(), true);
    }
    syncPrincipals(service.serviceId(), changes);
    Result result = connections(service, changes);
    return published != null && !published.equals(service.serviceName()) ? result.replacing(published) : result;
  }

  /** Our endpoint service: by owner tag (moto ignores the tag filter, so the tags are checked here too). */
  ServiceConfiguration find() {
    String owner = AwsTags.of(resource, clusterName).get(AwsTags.OWNER);
    return ec2.describeVpcEndpointServiceConfigurationsPaginator(b -> b.filters(NlbSynthesizer.filter("tag:" + AwsTags.OWNER, owner)))
        .serviceConfigurations().stream()
        .filter(s -> AwsTags.ours(AwsTags.ec2Map(s.tags()), resource, clusterName))
        .findFirst().orElse(null);
  }

  private void syncPrincipals(String serviceId, Changes changes) {
    Set<String> want = new TreeSet<>(resource.getSpec().getAws().getAllowedPrincipals());
    Set<String> have = ec2.describeVpcEndpointServicePermissions(b -> b.serviceId(serviceId)).allowedPrincipals().stream()
        .map(AllowedPrincipal::principal).collect(Collectors.toCollection(TreeSet::new));
    List<String> add = want.stream().filter(p -> !have.contains(p)).toList();
    List<String> remove = have.stream().filter(p -> !want.contains(p)).toList();
    if (!add.isEmpty() || !remove.isEmpty()) {
      if (!changes.previewing()) {
        ec2.modifyVpcEndpointServicePermissions(b -> b.serviceId(serviceId)
            .addAllowedPrincipals(add.isEmpty() ? null : add).removeAllowedPrincipals(remove.isEmpty() ? null : remove));
      }
      // Set at creation: the principals of a new service are part of it, not a change of their own.
      if (!have.isEmpty() || changes.builtBefore()) {
        changes.repaired("endpoint service permissions", serviceId, (add.isEmpty() ? "" : "allows " + add)
            + (!add.isEmpty() && !remove.isEmpty() ? "; " : "") + (remove.isEmpty() ? "" : "no longer allows " + remove));
      }
    }
  }

  Result connections(ServiceConfiguration service) {
    return connections(service, Changes.untold());
  }

  private Result connections(ServiceConfiguration service, Changes changes) {
    List<VpcEndpointConnection> connections = describeConnections(service.serviceId());
    if (connections == null) {
      return new Result(service, List.of(), false);
    }
    if (Boolean.TRUE.equals(resource.getSpec().getAws().getAutoAcceptConnections())) {
      List<String> accept = acceptable(connections, resource.getSpec().getAws().getAllowedPrincipals());
      if (!accept.isEmpty()) {
        if (!changes.previewing()) {
          ec2.acceptVpcEndpointConnections(b -> b.serviceId(service.serviceId()).vpcEndpointIds(accept));
        }
        changes.changed("endpoint connections", String.join(", ", accept), "accepted (an allowed principal's account,"
            + " spec.aws.autoAcceptConnections)");
      }
    }
    return new Result(service, connections.stream().map(c -> new ConnectionStatus(c.vpcEndpointId(),
        c.vpcEndpointOwner(), c.vpcEndpointStateAsString())).toList(), true);
  }

  /** Rejects every connection still open on the service, before it is deleted; nothing to do where unsupported. */
  void rejectConnections(String serviceId) {
    List<VpcEndpointConnection> connections = describeConnections(serviceId);
    if (connections == null) {
      return;
    }
    List<String> open = connections.stream()
        .filter(c -> !List.of("rejected", "deleted", "deleting", "failed").contains(c.vpcEndpointStateAsString().toLowerCase()))
        .map(VpcEndpointConnection::vpcEndpointId).toList();
    if (!open.isEmpty()) {
      ec2.rejectVpcEndpointConnections(b -> b.serviceId(serviceId).vpcEndpointIds(open));
    }
  }

  /** Pending connections whose owning account is the account of one of the allowed principals. */
  static List<String> acceptable(List<VpcEndpointConnection> connections, List<String> allowedPrincipals) {
    Set<String> accounts = allowedPrincipals.stream().map(EndpointServiceSynthesizer::account).collect(Collectors.toSet());
    return connections.stream().filter(c -> "pendingAcceptance".equalsIgnoreCase(c.vpcEndpointStateAsString()))
        .filter(c -> accounts.contains(c.vpcEndpointOwner())).map(VpcEndpointConnection::vpcEndpointId).toList();
  }

  /** arn:aws:iam::123456789012:root → 123456789012 */
  static String account(String arn) {
    String[] parts = arn.split(":");
    return parts.length > 4 ? parts[4] : arn;
  }

  /** The service's endpoint connections; null where the endpoint does not implement the call (asked again after AwsClients.ASK_AGAIN). */
  private List<VpcEndpointConnection> describeConnections(String serviceId) {
    if (!clients.implemented(CONNECTIONS)) {
      return null;
    }
    try {
      return ec2.describeVpcEndpointConnectionsPaginator(b -> b.filters(NlbSynthesizer.filter("service-id", serviceId)))
          .vpcEndpointConnections().stream().toList();
    } catch (AwsServiceException | SdkClientException e) {
      if (!unsupported(e)) {
        throw e;
      }
      clients.markNotImplemented(CONNECTIONS);
      return null;
    }
  }

  /**
   * An emulator without the operation (moto answers DescribeVpcEndpointConnections with an HTML 500)
   * is "unsupported", not a failed reconcile; real AWS errors are rethrown.
   */
  static boolean unsupported(RuntimeException e) {
    if (e instanceof AwsServiceException a) {
      return a.statusCode() == 501 || "NotImplemented".equals(a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorCode())
          || a.statusCode() == 500 && (a.awsErrorDetails() == null || a.awsErrorDetails().errorCode() == null);
    }
    return e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to unmarshall");
  }
}
