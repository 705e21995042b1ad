package io.privateendpoint.operator.cloud.aws;

/** Something in the account that stops provisioning, said as a condition reason and message. */
final class AwsProblem extends RuntimeException {

  final String reason;

  AwsProblem(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }
}
