package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.model.AwsSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * Reads, before anything is applied, what the spec names in the account: each subnet of
 * spec.aws.subnets exists, is in spec.aws.vpcId and in the AZ ID it is listed under (a subnet in
 * another AZ would carry that zone's brokers' traffic across AZs). Only DescribeSubnets, which the NLB
 * step calls anyway: a wrong subnet stops the endpoint before a broker is restarted. A zone with no
 * subnet at all stays the NLB step's SubnetNotFound: the Kafka side may be prepared while subnets are
 * being added (the Kafka-side tests run against such a bare VPC).
 */
final class AwsPreflight {

  /**
   * A load balancer's subnet needs at least a /27 and 8 free addresses
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#availability-zones).
   */
  static final int NLB_MAX_PREFIX = 27;
  static final int NLB_MIN_FREE = 8;

  private AwsPreflight() {}

  private static int prefix(String cidr) {
    return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
  }

  /** What is wrong, each naming its spec field; empty when the subnets are fine. */
  static List<String> problems(Ec2Client ec2, KafkaPrivateEndpoint resource, Vpc vpc) {
    AwsSpec aws = resource.getSpec().getAws();
    List<String> zones = resource.getSpec().getZones();
    List<String> problems = new ArrayList<>();
    Map<String, String> named = aws.getSubnets();
    if (!named.isEmpty()) {
      // A filter, not SubnetIds: an unknown id is then missing from the answer rather than an error for all.
      List<Subnet> found = ec2.describeSubnets(b -> b.filters(NlbSynthesizer.filter("subnet-id",
          named.values().toArray(String[]::new)))).subnets();
      named.forEach((zone, id) -> {
        Subnet subnet = found.stream().filter(s -> s.subnetId().equals(id)).findFirst().orElse(null);
        String field = "spec.aws.subnets[" + zone + "]: " + id;
        if (subnet == null) {
          problems.add(field + " does not exist in " + aws.getRegion() + " of the operator's account");
        } else if (!subnet.vpcId().equals(vpc.vpcId())) {
          problems.add(field + " is in " + subnet.vpcId() + ", not in " + vpc.vpcId() + " (spec.aws.vpcId)");
        } else if (!zone.equals(subnet.availabilityZoneId())) {
          problems.add(field + " is in " + subnet.availabilityZoneId() + ", not " + zone);
        } else if (subnet.cidrBlock() == null || prefix(subnet.cidrBlock()) > NLB_MAX_PREFIX
            || subnet.availableIpAddressCount() != null && subnet.availableIpAddressCount() < NLB_MIN_FREE) {
          problems.add(field + " (" + (subnet.cidrBlock() == null ? "no IPv4 range" : subnet.cidrBlock()) + ", "
              + subnet.availableIpAddressCount() + " free addresses) is too small for a load balancer: it needs an IPv4"
              + " range of /" + NLB_MAX_PREFIX + " or larger with at least " + NLB_MIN_FREE + " free addresses");
        }
      });
    }
    return problems;
  }
}
