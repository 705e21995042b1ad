package io.privateendpoint.operator.status;

/**
 * What one apply step says about one condition; the status factory turns it into a Kubernetes
 * condition with observedGeneration and a stable lastTransitionTime.
 *
 * @param status "True", "False" or "Unknown"
 * @param reason UpperCamelCase, machine-readable
 */
public record ConditionReport(String type, String status, String reason, String message) {

  public static ConditionReport isTrue(String type, String reason, String message) {
    return new ConditionReport(type, "True", reason, message);
  }

  public static ConditionReport isFalse(String type, String reason, String message) {
    return new ConditionReport(type, "False", reason, message);
  }

  public static ConditionReport unknown(String type, String reason, String message) {
    return new ConditionReport(type, "Unknown", reason, message);
  }
}
