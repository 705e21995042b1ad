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

  // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and the ELB API's common errors.
  private static final Set<String> DENIED = Set.of("UnauthorizedOperation", "AccessDenied", "AccessDeniedException",
      "UnauthorizedAccess", "OptInRequired");
  private static final Set<String> BAD_CREDENTIALS = Set.of("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "UnrecognizedClientException", "ExpiredToken", "InvalidAccessKeyId");

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

  /** What AWS said, with what to do for a reason the user can fix by configuration. */
  static String message(SdkException e, String reason, String what) {
    String said = e instanceof AwsServiceException a && a.awsErrorDetails() != null
        ? a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
    String fix = switch (reason) {
      case NO_CREDENTIALS -> "; the operator found no AWS credentials in the default chain: on EKS annotate its"
          + " ServiceAccount with eks.amazonaws.com/role-arn (IRSA) or use EKS Pod Identity";
      case INVALID_CREDENTIALS -> "; the operator's AWS credentials were refused (expired, or for another partition)";
      case ACCESS_DENIED -> "; attach config/aws/iam-policy.json to the operator's IAM role";
      default -> "";
    };
    return what + " failed: " + said + fix;
  }
}
