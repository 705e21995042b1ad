package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.metrics.CloudCallMetrics;
import io.privateendpoint.operator.metrics.CloudCallMetrics.Cloud;
import io.privateendpoint.operator.metrics.CloudCallMetrics.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every AWS call into {@code kpe_cloud_calls_total} as "Service.Operation" (Ec2.DescribeVpcs,
 * ElasticLoadBalancingV2.CreateListener), the names the SDK gives its execution. An execution is one
 * call: it ends once, in afterExecution or onExecutionFailure. Retries are observed as the SDK makes
 * them: it runs beforeTransmission once per attempt (inside its retry loop), so every attempt after
 * the first counts one {@code retried}.
 */
public final class AwsCallMetrics implements ExecutionInterceptor {

  private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("kpe.metrics.attempts");
  private static final ExecutionAttribute<AtomicBoolean> ENDED = new ExecutionAttribute<>("kpe.metrics.ended");

  private final CloudCallMetrics metrics;

  public AwsCallMetrics(CloudCallMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(ATTEMPTS, new AtomicInteger());
    attributes.putAttribute(ENDED, new AtomicBoolean());
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
    if (attempts != null && attempts.incrementAndGet() > 1) {
      metrics.record(Cloud.aws, operation(attributes), Outcome.retried);
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    end(attributes, Outcome.success);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    end(attributes, outcome(context.exception()));
  }

  /**
   * Once per execution: an interceptor after this one may still fail a call this one saw succeed,
   * and the SDK then reports the failure too; the first ending counts.
   */
  private void end(ExecutionAttributes attributes, Outcome outcome) {
    AtomicBoolean ended = attributes.getAttribute(ENDED);
    if (ended == null || ended.compareAndSet(false, true)) {
      metrics.record(Cloud.aws, operation(attributes), outcome);
    }
  }

  /**
   * AWS's own notion of throttling (HTTP 429 or a throttling error code such as EC2's
   * RequestLimitExceeded or ELB's Throttling), any other 4xx as refused, the rest as error.
   */
  static Outcome outcome(Throwable failure) {
    if (failure instanceof SdkServiceException service) {
      if (service.isThrottlingException()) {
        return Outcome.throttled;
      }
      if (service.statusCode() >= 400 && service.statusCode() < 500) {
        return Outcome.refused;
      }
    }
    return Outcome.error;
  }

  private static String operation(ExecutionAttributes attributes) {
    return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }
}
