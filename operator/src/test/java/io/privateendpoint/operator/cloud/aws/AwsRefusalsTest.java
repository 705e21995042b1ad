package io.privateendpoint.operator.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

class AwsRefusalsTest {

  @Test
  void aQuotaReachedIsItsOwnReasonAndSaysWhatToDo() {
    AwsServiceException rules = refusal(400, "RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");
    assertThat(AwsRefusals.reason(rules)).isEqualTo(AwsRefusals.QUOTA);
    assertThat(AwsRefusals.message(rules, AwsRefusals.QUOTA, "adding a rule to sg-1"))
        .startsWith("adding a rule to sg-1 failed: RulesPerSecurityGroupLimitExceeded: The maximum number")
        .contains("Service Quotas").contains("spec.aws.manageTargetSecurityGroups false");
    AwsServiceException lbs = refusal(400, "TooManyLoadBalancers", "too many");
    assertThat(AwsRefusals.reason(lbs)).isEqualTo(AwsRefusals.QUOTA);
    assertThat(AwsRefusals.message(lbs, AwsRefusals.QUOTA, "creating NLB")).contains("raise it in Service Quotas")
        .doesNotContain("manageTargetSecurityGroups");
  }

  @Test
  void otherRefusalsKeepTheirReasons() {
    assertThat(AwsRefusals.reason(refusal(400, "InvalidParameterValue", "bad"))).isEqualTo(AwsRefusals.REFUSED);
    assertThat(AwsRefusals.reason(refusal(403, "UnauthorizedOperation", "no"))).isEqualTo(AwsRefusals.ACCESS_DENIED);
    assertThat(AwsRefusals.reason(refusal(503, "ServiceUnavailable", "later"))).isNull();
  }

  private static AwsServiceException refusal(int status, String code, String message) {
    return AwsServiceException.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
  }
}
