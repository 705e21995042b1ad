package io.privateendpoint.e2e.aws;

import io.privateendpoint.e2e.support.MotoServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/** The test's view of the moto account: a VPC with a subnet per AZ ID, and counts of what exists. */
final class MotoAccount {

  static final String REGION = "us-west-2";
  final Ec2Client ec2;
  final ElasticLoadBalancingV2Client elb;

  MotoAccount() {
    MotoServer.get();
    ec2 = Ec2Client.builder().region(Region.of(REGION)).build();
    elb = ElasticLoadBalancingV2Client.builder().region(Region.of(REGION)).build();
  }

  /** A VPC with one subnet in each of usw2-az1..3. */
  String vpcWithSubnets(String cidrPrefix) {
    String vpc = ec2.createVpc(b -> b.cidrBlock(cidrPrefix + ".0.0/16")).vpc().vpcId();
    for (int az = 1; az <= 3; az++) {
      int n = az;
      ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock(cidrPrefix + "." + n + ".0/24").availabilityZoneId("usw2-az" + n));
    }
    return vpc;
  }

  List<LoadBalancer> loadBalancers(String name) {
    return elb.describeLoadBalancers().loadBalancers().stream().filter(l -> l.loadBalancerName().equals(name)).toList();
  }

  List<TargetGroup> targetGroups(String prefix) {
    return elb.describeTargetGroups().targetGroups().stream().filter(g -> g.targetGroupName().startsWith(prefix)).toList();
  }

  Map<String, String> tags(String arn) {
    return elb.describeTags(b -> b.resourceArns(arn)).tagDescriptions().get(0).tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  long securityGroups(String vpc, String name) {
    return ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("group-name").values(name).build())).securityGroups().size();
  }

  long endpointServices(String owner) {
    return ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals("kafka.privateendpoint.io/owner") && t.value().equals(owner)))
        .count();
  }
}
