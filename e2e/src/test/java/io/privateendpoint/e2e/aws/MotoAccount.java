package io.privateendpoint.e2e.aws;

import io.privateendpoint.e2e.support.MotoServer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/** The test's view of the moto account: a VPC with a subnet per AZ ID, and counts of what exists. */
public final class MotoAccount {

  public static final String REGION = "us-west-2";
  public final Ec2Client ec2;
  public final ElasticLoadBalancingV2Client elb;

  public MotoAccount() {
    MotoServer.get();
    ec2 = Ec2Client.builder().region(Region.of(REGION)).build();
    elb = ElasticLoadBalancingV2Client.builder().region(Region.of(REGION)).build();
  }

  /** A VPC with one subnet in each of usw2-az1..3. */
  public String vpcWithSubnets(String cidrPrefix) {
    String vpc = ec2.createVpc(b -> b.cidrBlock(cidrPrefix + ".0.0/16")).vpc().vpcId();
    for (int az = 1; az <= 3; az++) {
      int n = az;
      ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock(cidrPrefix + "." + n + ".0/24").availabilityZoneId("usw2-az" + n));
    }
    return vpc;
  }

  /**
   * The VPC's EKS-like node security group (made once per VPC), and a network interface carrying each
   * IP in the subnet that holds it, in that group — what the VPC CNI gives pods: secondary IPs of the
   * nodes' interfaces. Returns the group's id.
   */
  public String podInterfaces(String vpc, String... ips) {
    String group = nodeGroup(vpc);
    List<Subnet> subnets = ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build())).subnets();
    for (String ip : ips) {
      String subnet = subnets.stream().filter(s -> s.cidrBlock().equals(ip.substring(0, ip.lastIndexOf('.')) + ".0/24"))
          .findFirst().orElseThrow(() -> new IllegalArgumentException("no /24 subnet of " + vpc + " holds " + ip)).subnetId();
      ec2.createNetworkInterface(b -> b.subnetId(subnet).privateIpAddress(ip).groups(group).description("pod " + ip));
    }
    return group;
  }

  /** The VPC's node security group, with one rule of its own (SSH from the VPC) that must never be touched. */
  public String nodeGroup(String vpc) {
    var existing = ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("group-name").values("eks-nodes").build())).securityGroups();
    if (!existing.isEmpty()) {
      return existing.get(0).groupId();
    }
    String group = ec2.createSecurityGroup(b -> b.groupName("eks-nodes").description("EKS node group").vpcId(vpc)).groupId();
    ec2.authorizeSecurityGroupIngress(b -> b.groupId(group).ipPermissions(p -> p.ipProtocol("tcp").fromPort(22).toPort(22)
        .ipRanges(r -> r.cidrIp("10.0.0.0/8"))));
    return group;
  }

  /** A node VM in the subnet of AZ usw2-az{@code az}, in the VPC's node group; returns its instance id. */
  public String nodeInstance(String vpc, int az) {
    String subnet = ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("availability-zone-id").values("usw2-az" + az).build())).subnets().get(0).subnetId();
    String group = nodeGroup(vpc);
    return ec2.runInstances(b -> b.imageId("ami-12c6146b").minCount(1).maxCount(1).subnetId(subnet).securityGroupIds(group))
        .instances().get(0).instanceId();
  }

  /** The ingress rules of a security group, as comparable strings (rule id, protocol, ports, source, tags). */
  public List<String> ingressRules(String group) {
    return ec2.describeSecurityGroupRules(b -> b.filters(Filter.builder().name("group-id").values(group).build()))
        .securityGroupRules().stream().filter(r -> !r.isEgress())
        .map(r -> r.securityGroupRuleId() + " " + r.ipProtocol() + " " + r.fromPort() + "-" + r.toPort() + " from "
            + (r.referencedGroupInfo() != null ? r.referencedGroupInfo().groupId() : r.cidrIpv4()) + " " + r.tags().stream()
            .map(t -> t.key() + "=" + t.value()).sorted().toList())
        .sorted().toList();
  }

  public List<LoadBalancer> loadBalancers(String name) {
    return elb.describeLoadBalancers().loadBalancers().stream().filter(l -> l.loadBalancerName().equals(name)).toList();
  }

  public List<TargetGroup> targetGroups(String prefix) {
    return elb.describeTargetGroups().targetGroups().stream().filter(g -> g.targetGroupName().startsWith(prefix)).toList();
  }

  public Map<String, String> tags(String arn) {
    return elb.describeTags(b -> b.resourceArns(arn)).tagDescriptions().get(0).tags().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  public long securityGroups(String vpc, String name) {
    return ec2.describeSecurityGroups(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build(),
        Filter.builder().name("group-name").values(name).build())).securityGroups().size();
  }

  public long endpointServices(String owner) {
    return ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.key().equals("kafka.privateendpoint.io/owner") && t.value().equals(owner)))
        .count();
  }
}
