package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.cloud.UidNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;

/**
 * Deterministic names from the resource's uid, within AWS's 32-character limit for load balancers
 * and target groups: a retry after a crash computes the same name, so it finds what the crashed
 * attempt created instead of making a twin (AWS rejects a second load balancer or target group of
 * the same name; moto does not, which the tests check).
 */
public record AwsNames(String base) {

  public static AwsNames of(KafkaPrivateEndpoint resource) {
    return new AwsNames(UidNames.base(resource));
  }

  /** The NLB and its security group. */
  public String loadBalancer() {
    return base;
  }

  /** The target group behind load-balancer port {@code port} (at most 4 + 12 + 1 + 5 = 22 characters). */
  public String targetGroup(int port) {
    return base + "-" + port;
  }

  public boolean isTargetGroup(String name) {
    return name.startsWith(base + "-");
  }

  /** Idempotency token of CreateVpcEndpointServiceConfiguration. */
  public String clientToken() {
    return base + "-svc";
  }
}
