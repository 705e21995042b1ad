package io.privateendpoint.operator.cloud;

import io.privateendpoint.operator.cloud.CallRateLimiter.Rate;

/**
 * The operator's own ceiling on one cloud's API calls, per second, for each bucket it keeps (a region
 * and API on AWS, a project on Google Cloud): reads and writes apart, as both clouds meter them apart.
 * 0 means unlimited.
 */
public record CloudCallRates(double readsPerSecond, double writesPerSecond) {

  /**
   * Below what AWS grants an account per region, which the operator shares with everything else in
   * it. EC2 meters each API with its own token bucket; a non-mutating API such as DescribeHosts
   * refills at 20 per second, mutating APIs more slowly
   * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html); ELB's non-mutating
   * Describe* refill at 10 per second for the whole API, mutating ones more slowly
   * (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html).
   */
  public static final CloudCallRates AWS_DEFAULT = new CloudCallRates(8, 4);

  /**
   * Below Compute's per-project rate quotas, counted per minute per group: 1,500 reads (get, list) a
   * minute — 25 per second — and as many for the default group of mutations and for operation reads
   * (https://cloud.google.com/compute/api-quota).
   */
  public static final CloudCallRates GCP_DEFAULT = new CloudCallRates(10, 5);

  public static final CloudCallRates UNLIMITED = new CloudCallRates(0, 0);

  public Rate reads() {
    return Rate.perSecond(readsPerSecond);
  }

  public Rate writes() {
    return Rate.perSecond(writesPerSecond);
  }
}
