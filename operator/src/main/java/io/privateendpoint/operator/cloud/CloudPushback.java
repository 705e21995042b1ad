package io.privateendpoint.operator.cloud;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionReport;
import java.time.Duration;

/**
 * The one notion both clouds share for "not now": the API throttled the operator (AWS's Throttling
 * and RequestLimitExceeded, Compute's 429 rateLimitExceeded) or was briefly unavailable (5xx,
 * Compute's 503) and kept doing so through the SDK's own retries. That is neither the user's mistake
 * nor an error to loop on: the pass ends with the condition it was working on False, reason
 * {@value #REASON}, naming the call, and the reconciler comes back after {@link #RETRY_AFTER}
 * instead of at once. Each cloud package tells its SDK's exceptions apart (AwsRefusals, ComputeOps)
 * and reports through here, so both say it the same way.
 */
public final class CloudPushback {

  public static final String REASON = "Throttled";
  /** How long the reconciler waits before a pass that ended throttled is tried again. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  public enum Kind {
    /** the cloud said slow down */
    throttled,
    /** the cloud answered 5xx or did not answer */
    unavailable
  }

  private CloudPushback() {}

  /**
   * @param cloud     "AWS" or "Compute"
   * @param operation the call that stayed refused, e.g. Ec2.CreateSecurityGroup or "POST …/subnetworks"
   * @param said      the cloud's own error code and message
   */
  public static ConditionReport condition(String type, String cloud, Kind kind, String operation, String said) {
    String what = kind == Kind.throttled ? "throttled" : "unavailable for";
    return ConditionReport.isFalse(type, REASON, cloud + " " + what + " " + operation + " through the SDK's retries ("
        + said + "); the operator slows down and tries again in about " + RETRY_AFTER.toSeconds() + "s");
  }

  /** Whether the pass that wrote this status ended because a cloud pushed back. */
  public static boolean pushedBack(KafkaPrivateEndpointStatus status) {
    return status != null && status.getConditions().stream().map(EndpointCondition::getReason).anyMatch(REASON::equals);
  }
}
