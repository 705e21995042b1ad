package io.privateendpoint.operator.cloud.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * A write whose refusal means it already happened: the SDK retried a call whose first attempt AWS
 * carried out but whose answer was lost, and the retry meets that attempt — a rule already there
 * (InvalidPermission.Duplicate), a rule, group, listener or target group already gone (….NotFound).
 * Error codes: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html and
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html#API_DeleteTargetGroup_Errors
 * (and each ELBv2 action's Errors section).
 */
final class AlreadyDone {

  /** Authorizing a rule that exists. */
  static final Set<String> DUPLICATE_RULE = Set.of("InvalidPermission.Duplicate");
  /** Revoking a rule, by its fields or its id, that is gone. */
  static final Set<String> RULE_GONE = Set.of("InvalidPermission.NotFound", "InvalidSecurityGroupRuleId.NotFound");
  static final Set<String> GROUP_GONE = Set.of("InvalidGroup.NotFound");
  static final Set<String> TARGET_GROUP_GONE = Set.of("TargetGroupNotFound");
  static final Set<String> LISTENER_GONE = Set.of("ListenerNotFound");

  private AlreadyDone() {}

  /** What a delete met. */
  enum Deletion {
    /** This call deleted it. */
    DELETED,
    /** It was gone already: an earlier attempt of ours whose answer was lost, or a peer's delete. */
    ALREADY_GONE,
    /**
     * AWS still holds it in use (it releases a deleted NLB's interfaces and listeners asynchronously:
     * ResourceInUse, DependencyViolation): tried again on a later pass.
     */
    IN_USE;

    boolean gone() {
      return this != IN_USE;
    }
  }

  /** Runs a delete whose refusal with one of {@code gone} means it is done. */
  static Deletion delete(Set<String> gone, Runnable delete) {
    try {
      delete.run();
      return Deletion.DELETED;
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
      if (gone.contains(code)) {
        return Deletion.ALREADY_GONE;
      }
      if (code.contains("InUse") || code.contains("DependencyViolation")) {
        return Deletion.IN_USE;
      }
      throw e;
    }
  }

  /** Runs the write; an error with one of {@code codes} counts as done. */
  static void unless(Set<String> codes, Runnable write) {
    try {
      write.run();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if (code == null || !codes.contains(code)) {
        throw e;
      }
    }
  }
}
