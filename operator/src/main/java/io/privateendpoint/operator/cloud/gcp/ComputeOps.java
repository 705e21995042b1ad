package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.longrunning.OperationFuture;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.compute.v1.Operation;
import com.google.api.gax.rpc.StatusCode;
import io.privateendpoint.operator.cloud.CloudPushback;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The few rules every Compute call here follows: wait for operations, absent means null, URLs compared by path. */
final class ComputeOps {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ComputeOps() {}

  /**
   * Waits until the long-running operation is DONE (the client polls the regional or global
   * operation); a DONE operation with an error, or a refused call, throws its ApiException.
   */
  static Operation await(OperationFuture<Operation, Operation> operation) {
    try {
      return operation.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a Compute operation", e);
    }
  }

  /** The resource, or null when Compute answers 404. */
  static <T> T getOrNull(Supplier<T> get) {
    try {
      return get.get();
    } catch (NotFoundException absent) {
      return null;
    }
  }

  /**
   * Runs an insert; 409 means an earlier, interrupted attempt (or someone else) made it, which the
   * caller reads back and ownership-checks. gax maps HTTP status alone, so Compute's 409
   * alreadyExists arrives as AbortedException, not AlreadyExistsException.
   */
  static void insert(Supplier<OperationFuture<Operation, Operation>> insert) {
    try {
      await(insert.get());
    } catch (AlreadyExistsException | AbortedException madeBefore) {
      // Read back and ownership-checked by the caller.
    }
  }

  /**
   * Runs a change that a retry does not find idempotent: attaching or detaching endpoints (a second
   * attach of the same endpoint is refused, 400, as is detaching one no longer there) or a write
   * guarded by a fingerprint (the first attempt changed it: 412). When a client retries after the
   * answer to a carried-out call was lost, the retry meets that refusal; so on a refusal the state
   * is read again ({@code done}), and if it already is as wanted the change counts as made.
   */
  static void change(Supplier<OperationFuture<Operation, Operation>> change, BooleanSupplier done) {
    try {
      await(change.get());
    } catch (InvalidArgumentException | FailedPreconditionException | AbortedException refused) {
      if (!done.getAsBoolean()) {
        throw refused;
      }
    }
  }

  /** Deletes; true when gone (or already absent), false while another resource still uses it. */
  static boolean delete(Supplier<OperationFuture<Operation, Operation>> delete) {
    try {
      await(delete.get());
      return true;
    } catch (NotFoundException gone) {
      return true;
    } catch (InvalidArgumentException | FailedPreconditionException e) {
      String detail = detail(e);
      if (detail.contains("resourceInUseByAnotherResource") || detail.toLowerCase(Locale.ROOT).contains("in use")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * What Compute said: gax's message is only the HTTP reason phrase ("Bad Request"); Compute's own
   * error (message and reason codes) is the JSON body of the HTTP exception underneath.
   */
  static String detail(ApiException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException http && http.getContent() != null) {
        try {
          JsonNode error = JSON.readTree(http.getContent()).path("error");
          StringBuilder text = new StringBuilder(error.path("message").asText(http.getContent()));
          for (JsonNode item : error.path("errors")) {
            if (item.hasNonNull("reason")) {
              text.append(" [").append(item.get("reason").asText()).append(']');
            }
          }
          return text.toString();
        } catch (JsonProcessingException notJson) {
          return http.getContent();
        }
      }
    }
    return String.valueOf(e.getMessage());
  }

  /**
   * Whether Compute pushed back, through gax's retries: 429 (RESOURCE_EXHAUSTED) and the 403 with
   * reason rateLimitExceeded that Compute's per-minute rate quotas answer
   * (https://cloud.google.com/compute/api-quota) are throttling; 503 (UNAVAILABLE, "backend busy"),
   * 500 and timeouts are Compute unavailable. Null for anything else.
   */
  static CloudPushback.Kind pushback(ApiException e) {
    StatusCode.Code code = e.getStatusCode() == null ? null : e.getStatusCode().getCode();
    if (code == StatusCode.Code.RESOURCE_EXHAUSTED || code == StatusCode.Code.PERMISSION_DENIED
        // rateLimitExceeded, userRateLimitExceeded
        && detail(e).contains("ateLimitExceeded")) {
      return CloudPushback.Kind.throttled;
    }
    if (code == StatusCode.Code.UNAVAILABLE || code == StatusCode.Code.INTERNAL || code == StatusCode.Code.DEADLINE_EXCEEDED) {
      return CloudPushback.Kind.unavailable;
    }
    return null;
  }

  /** Compute refused the request itself (bad field, missing permission): worth a condition, not a retry storm. */
  static boolean refusal(ApiException e) {
    return e instanceof InvalidArgumentException || e instanceof PermissionDeniedException
        || e instanceof FailedPreconditionException || e instanceof NotFoundException;
  }

  /** projects/…/name from a full URL (https://www.googleapis.com/compute/v1/projects/…) or a partial one. */
  static String path(String url) {
    if (url == null) {
      return "";
    }
    int at = url.indexOf("projects/");
    return at < 0 ? url : url.substring(at);
  }

  static boolean same(String a, String b) {
    return path(a).equals(path(b));
  }

  static String networkPath(String project, String network) {
    return "projects/" + project + "/global/networks/" + network;
  }

  static String subnetworkPath(String project, String region, String subnetwork) {
    return "projects/" + project + "/regions/" + region + "/subnetworks/" + subnetwork;
  }

  /** Where Compute's self links start. */
  static final String API = "https://www.googleapis.com/compute/v1/";

  /**
   * The self link a regional resource gets (a preview's stand-in for one it would create; compared by
   * {@link #same}, shown by {@link #path}).
   */
  static String regionalSelfLink(String project, String region, String collection, String name) {
    return API + "projects/" + project + "/regions/" + region + "/" + collection + "/" + name;
  }

  /** The self link a global resource gets. */
  static String globalSelfLink(String project, String collection, String name) {
    return API + "projects/" + project + "/global/" + collection + "/" + name;
  }
}
