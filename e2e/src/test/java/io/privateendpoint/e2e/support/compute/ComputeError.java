package io.privateendpoint.e2e.support.compute;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * A failed call, answered the way Compute answers: an HTTP status and
 * {@code {"error":{"code":..,"message":..,"errors":[{"domain":"global","reason":..,"message":..}]}}}.
 * gax-httpjson maps the status alone to the exception type (400 InvalidArgument, 403 PermissionDenied,
 * 404 NotFound, 409 Aborted — not AlreadyExists —, 412 FailedPrecondition, 501 Unimplemented, 503 Unavailable);
 * the body is what a person reads, in the cause's HttpResponseException.
 */
final class ComputeError extends RuntimeException {

  private final int status;
  private final String reason;

  ComputeError(int status, String reason, String message) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }

  static ComputeError invalid(String message) {
    return new ComputeError(400, "invalid", message);
  }

  static ComputeError badRequest(String message) {
    return new ComputeError(400, "badRequest", message);
  }

  /** "Invalid value for field 'resource.x': 'v'. why" — Compute's wording for a bad field. */
  static ComputeError invalidField(String field, Object value, String why) {
    return invalid("Invalid value for field '" + field + "': '" + value + "'. " + why);
  }

  static ComputeError required(String field) {
    return new ComputeError(400, "required", "Required field '" + field + "' not specified");
  }

  static ComputeError notFound(String path) {
    return new ComputeError(404, "notFound", "The resource '" + path + "' was not found");
  }

  static ComputeError alreadyExists(String path) {
    return new ComputeError(409, "alreadyExists", "The resource '" + path + "' already exists");
  }

  static ComputeError inUse(String kind, String path, String user) {
    return new ComputeError(400, "resourceInUseByAnotherResource",
        "The " + kind + " resource '" + path + "' is already being used by '" + user + "'");
  }

  /**
   * A permission the caller lacks, as Compute words it (HTTP 403, reason "forbidden"), e.g.
   * "Required 'compute.networks.create' permission for 'projects/p/global/networks/n'" — see the bodies
   * quoted in https://github.com/hashicorp/terraform/issues/18873 and
   * https://github.com/hashicorp/terraform-provider-google/issues/8262 (newer answers prefix
   * "Google Compute Engine: "). gax maps 403 to PermissionDeniedException.
   */
  static ComputeError forbidden(String permission, String resource) {
    return new ComputeError(403, "forbidden", "Required '" + permission + "' permission for '" + resource + "'");
  }

  static ComputeError conditionNotMet(String message) {
    return new ComputeError(412, "conditionNotMet", message);
  }

  static ComputeError notImplemented(String rpc, String why) {
    return new ComputeError(501, "notImplemented", rpc + " is not implemented by the Compute fake" + (why.isEmpty() ? "" : ": " + why));
  }

  static ComputeError noRoute(String method, String path) {
    return new ComputeError(404, "notFound", "The requested URL " + method + " " + path + " was not found on this server.");
  }

  /** What failOnceAfter answers: the call was carried out, the answer is lost. */
  static ComputeError crashedAfter(String rpc) {
    return new ComputeError(503, "backendError", rpc + " was carried out, but the Compute fake answers 503 (failOnceAfter)");
  }

  String toJson() {
    JsonObject detail = new JsonObject();
    detail.addProperty("domain", "global");
    detail.addProperty("reason", reason);
    detail.addProperty("message", getMessage());
    JsonArray errors = new JsonArray();
    errors.add(detail);
    JsonObject error = new JsonObject();
    error.addProperty("code", status);
    error.addProperty("message", getMessage());
    error.add("errors", errors);
    JsonObject body = new JsonObject();
    body.add("error", error);
    return body.toString();
  }
}
