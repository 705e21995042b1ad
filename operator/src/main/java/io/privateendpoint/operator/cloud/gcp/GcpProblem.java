package io.privateendpoint.operator.cloud.gcp;

/** Something in the project that stops provisioning, said as a condition reason and message. */
final class GcpProblem extends RuntimeException {

  final String reason;

  GcpProblem(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  static GcpProblem notOurs(String what, String name, String field) {
    return new GcpProblem("ResourceNotOwned", what + " " + name + " already exists and was not created by this endpoint"
        + " (its owner record is not ours); it is left untouched" + (field == null ? "" : ": choose another " + field));
  }
}
