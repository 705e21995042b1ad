package io.privateendpoint.e2e.support;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * A VPC in moto without subnets, one per test JVM, for the tests about the Kafka side: the operator's
 * access check (one read of spec.aws.vpcId) passes, as it must before any broker is touched, and the
 * cloud side then stops at "no subnet in the VPC" without building anything.
 */
public final class MotoVpcs {

  private static String bare;

  private MotoVpcs() {}

  public static synchronized String bare() {
    if (bare == null) {
      MotoServer.get();
      try (Ec2Client ec2 = Ec2Client.builder().region(Region.US_WEST_2).build()) {
        bare = ec2.createVpc(b -> b.cidrBlock("10.99.0.0/16")).vpc().vpcId();
      }
    }
    return bare;
  }
}
