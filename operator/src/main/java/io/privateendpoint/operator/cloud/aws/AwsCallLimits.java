package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.cloud.CallRateLimiter;
import io.privateendpoint.operator.cloud.CloudCallRates;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The client-side rate limit of every AWS request, as an interceptor every client of {@link AwsClients}
 * carries, so no call bypasses it. One token bucket per region, API and kind of action — reads
 * (Describe*, List*, Get*) apart from mutations, as EC2 and ELB meter them — taken before each HTTP
 * attempt (beforeTransmission runs inside the SDK's retry loop), so retries pay too.
 *
 * <p>It also remembers, per thread, the last operation that failed: the SDK's exception does not name
 * its operation, and a throttled pass's condition should (the provisioners call AWS synchronously on
 * the reconcile thread).
 */
final class AwsCallLimits implements ExecutionInterceptor {

  private static final ThreadLocal<String> LAST_FAILED = new ThreadLocal<>();

  private final CallRateLimiter limiter;
  private final CloudCallRates rates;

  AwsCallLimits(CallRateLimiter limiter, CloudCallRates rates) {
    this.limiter = limiter;
    this.rates = rates;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    boolean read = isRead(operation);
    String key = "aws/" + attributes.getAttribute(AwsExecutionAttribute.AWS_REGION) + "/"
        + attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "/" + (read ? "read" : "write");
    limiter.acquireUninterruptibly(key, read ? rates.reads() : rates.writes());
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    LAST_FAILED.set(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  /** EC2's and ELB's non-mutating actions, which they meter apart from the mutating ones. */
  static boolean isRead(String operation) {
    return operation != null && (operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get"));
  }

  /** The operation whose failure this thread saw last, e.g. Ec2.CreateSecurityGroup; "an AWS call" when none. */
  static String lastFailedOperation() {
    String operation = LAST_FAILED.get();
    return operation == null ? "an AWS call" : operation;
  }
}
