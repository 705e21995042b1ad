package io.privateendpoint.operator.cloud.aws;

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

  private final Ec2Client ec2;
  private final KafkaPrivateEndpoint resource;
  private final String clusterName;

  EndpointServiceSynthesizer(Ec2Client ec2, KafkaPrivateEndpoint resource, String clusterName) {
    this.ec2 = ec2;
    this.resource = resource;
    this.clusterName = clusterName;
  }

  record Result(ServiceConfiguration service, List<ConnectionStatus> connections, boolean connectionsSupported) {}

  Result sync(String loadBalancerArn) {
    var aws = resource.getSpec().getAws();
    ServiceConfiguration service = find();
    if (service == null) {
      // The client token makes a retried create return the first one instead of a twin (on AWS).
      service = ec2.createVpcEndpointServiceConfiguration(b -> b.networkLoadBalancerArns(loadBalancerArn)
          .acceptanceRequired(aws.getAcceptanceRequired()).clientToken(AwsNames.of(resource).clientToken())
          .tagSpecifications(AwsTags.ec2Spec(resource, clusterName, ResourceType.VPC_ENDPOINT_SERVICE))).serviceConfiguration();
    } else if (!aws.getAcceptanceRequired().equals(service.acceptanceRequired())) {
      String id = service.serviceId();
      ec2.modifyVpcEndpointServiceConfiguration(b -> b.serviceId(id).acceptanceRequired(aws.getAcceptanceRequired()));
    }
    syncPrincipals(service.serviceId());
    return connections(service);
  }

  /** Our endpoint service: by owner tag (moto ignores the tag filter, so the tags are checked here too). */
  ServiceConfiguration find() {
    String owner = AwsTags.of(resource, clusterName).get(AwsTags.OWNER);
    return ec2.describeVpcEndpointServiceConfigurationsPaginator(b -> b.filters(NlbSynthesizer.filter("tag:" + AwsTags.OWNER, owner)))
        .serviceConfigurations().stream()
        .filter(s -> AwsTags.ours(AwsTags.ec2Map(s.tags()), resource, clusterName))
        .findFirst().orElse(null);
  }

  private void syncPrincipals(String serviceId) {
    Set<String> want = new TreeSet<>(resource.getSpec().getAws().getAllowedPrincipals());
    Set<String> have = ec2.describeVpcEndpointServicePermissions(b -> b.serviceId(serviceId)).allowedPrincipals().stream()
        .map(AllowedPrincipal::principal).collect(Collectors.toCollection(TreeSet::new));
    List<String> add = want.stream().filter(p -> !have.contains(p)).toList();
    List<String> remove = have.stream().filter(p -> !want.contains(p)).toList();
    if (!add.isEmpty() || !remove.isEmpty()) {
      ec2.modifyVpcEndpointServicePermissions(b -> b.serviceId(serviceId)
          .addAllowedPrincipals(add.isEmpty() ? null : add).removeAllowedPrincipals(remove.isEmpty() ? null : remove));
    }
  }

  Result connections(ServiceConfiguration service) {
    List<VpcEndpointConnection> connections;
    try {
      connections = ec2.describeVpcEndpointConnectionsPaginator(b -> b.filters(NlbSynthesizer.filter("service-id",
          service.serviceId()))).vpcEndpointConnections().stream().toList();
    } catch (AwsServiceException | SdkClientException e) {
      if (!unsupported(e)) {
        throw e;
      }
      return new Result(service, List.of(), false);
    }
    if (Boolean.TRUE.equals(resource.getSpec().getAws().getAutoAcceptConnections())) {
      List<String> accept = acceptable(connections, resource.getSpec().getAws().getAllowedPrincipals());
      if (!accept.isEmpty()) {
        ec2.acceptVpcEndpointConnections(b -> b.serviceId(service.serviceId()).vpcEndpointIds(accept));
      }
    }
    return new Result(service, connections.stream().map(c -> new ConnectionStatus(c.vpcEndpointId(),
        c.vpcEndpointOwner(), c.vpcEndpointStateAsString())).toList(), true);
  }

  /** Rejects every connection still open on the service, before it is deleted; nothing to do where unsupported. */
  void rejectConnections(String serviceId) {
    List<String> open;
    try {
      open = ec2.describeVpcEndpointConnectionsPaginator(b -> b.filters(NlbSynthesizer.filter("service-id", serviceId)))
          .vpcEndpointConnections().stream()
          .filter(c -> !List.of("rejected", "deleted", "deleting", "failed").contains(c.vpcEndpointStateAsString().toLowerCase()))
          .map(VpcEndpointConnection::vpcEndpointId).toList();
    } catch (AwsServiceException | SdkClientException e) {
      if (!unsupported(e)) {
        throw e;
      }
      return;
    }
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
