package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.cloud.CloudPushback;
import io.privateendpoint.operator.status.ConditionReport;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Tells an AWS error that will repeat until someone changes something (no credentials, a missing
 * permission, a value AWS refuses) from a transient one (throttling, 5xx, a timeout), and names it
 * as a condition reason. Transient errors are the SDK's standard retry strategy's business; the
 * others become conditions, so the user reads what to fix instead of an error loop.
 */
final class AwsRefusals {

  static final String NO_CREDENTIALS = "NoCredentials";
  static final String INVALID_CREDENTIALS = "InvalidCredentials";
  static final String ACCESS_DENIED = "AccessDenied";
  static final String REFUSED = "AwsRefused";
  static final String QUOTA = "QuotaExceeded";

  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and the ELB API's common errors.
  private static final Set<String> DENIED = Set.of("UnauthorizedOperation", "AccessDenied", "AccessDeniedException",
      "UnauthorizedAccess", "OptInRequired");
  private static final Set<String> BAD_CREDENTIALS = Set.of("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "UnrecognizedClientException", "ExpiredToken", "InvalidAccessKeyId");

  /**
   * An account or resource quota reached: lasting until the quota is raised or fewer resources are
   * asked for. EC2: "RulesPerSecurityGroupLimitExceeded" (60 inbound rules per group by default),
   * "SecurityGroupLimitExceeded" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
   * ELB: "TooManyLoadBalancers", "TooManyTargetGroups", "TooManyListeners", "TooManyTargets",
   * "TooManyRegistrationsForTargetId" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html
   * and each action's Errors section); quotas: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html,
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-limits.html.
   */
  private static final Set<String> QUOTAS = Set.of("RulesPerSecurityGroupLimitExceeded", "SecurityGroupLimitExceeded",
      "TooManyLoadBalancers", "TooManyTargetGroups", "TooManyListeners", "TooManyTargets", "TooManyRegistrationsForTargetId");

  private AwsRefusals() {}

  /** The condition reason for a lasting refusal, or null for a transient error worth retrying. */
  static String reason(SdkException e) {
    if (e instanceof AwsServiceException a) {
      String code = a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorCode();
      if (code != null && DENIED.contains(code) || a.statusCode() == 403 && !BAD_CREDENTIALS.contains(code)) {
        return ACCESS_DENIED;
      }
      if (code != null && BAD_CREDENTIALS.contains(code) || a.statusCode() == 401) {
        return INVALID_CREDENTIALS;
      }
      if (code != null && QUOTAS.contains(code)) {
        return QUOTA;
      }
      return a.statusCode() >= 400 && a.statusCode() < 500 && !a.isThrottlingException() ? REFUSED : null;
    }
    if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
      return NO_CREDENTIALS;
    }
    return null;
  }

  /**
   * Whether AWS pushed back — throttled (Throttling, RequestLimitExceeded, 429) or failed on its side
   * (5xx) — and kept doing so through the SDK's retries: a Throttled condition, not an error loop.
   */
  static CloudPushback.Kind pushback(SdkException e) {
    if (e instanceof SdkServiceException s) {
      if (s.isThrottlingException()) {
        return CloudPushback.Kind.throttled;
      }
      if (s.statusCode() >= 500) {
        return CloudPushback.Kind.unavailable;
      }
    }
    return null;
  }

  /** The condition for a call AWS kept pushing back on, naming the call. */
  static ConditionReport pushedBack(SdkException e, CloudPushback.Kind kind, String type) {
    String said = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        ? a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    return CloudPushback.condition(type, "AWS", kind, AwsCallLimits.lastFailedOperation(), said);
  }

  /** What to do about a quota: raise it, or ask for less; for security-group rules, what each endpoint adds. */
  private static String quotaFix(SdkException e) {
    String code = e instanceof AwsServiceException a && a.awsErrorDetails() != null ? a.awsErrorDetails().errorCode() : "";
    if ("RulesPerSecurityGroupLimitExceeded".equals(code)) {
      return "; every endpoint adds one inbound rule per target port to each security group of its targets' network"
          + " interfaces, and a group holds 60 inbound rules unless raised: raise \"Inbound or outbound rules per security"
          + " group\" in Service Quotas, or set spec.aws.manageTargetSecurityGroups false and admit the load balancers"
          + " with one rule of your own (the Verified condition says whether targets are reachable)";
    }
    return "; an AWS quota of this account or region was reached: raise it in Service Quotas or remove unused resources";
  }

  /** What AWS said, with what to do for a reason the user can fix by configuration. */
  static String message(SdkException e, String reason, String what) {
    String said = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        ? a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    String fix = switch (reason) {
      case NO_CREDENTIALS -> "; the operator found no AWS credentials in the default chain: on EKS annotate its"
          + " ServiceAccount with eks.amazonaws.com/role-arn (IRSA) or use EKS Pod Identity";
      case INVALID_CREDENTIALS -> "; the operator's AWS credentials were refused (expired, or for another partition)";
      case ACCESS_DENIED -> "; attach config/aws/iam-policy.json to the operator's IAM role";
      case QUOTA -> quotaFix(e);
      default -> "";
    };
    return what + " failed: " + said + fix;
  }
}
