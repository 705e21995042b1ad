package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.httpjson.ApiMethodDescriptor;
import com.google.api.gax.httpjson.ForwardingHttpJsonClientCall;
import com.google.api.gax.httpjson.HttpJsonCallOptions;
import com.google.api.gax.httpjson.HttpJsonChannel;
import com.google.api.gax.httpjson.HttpJsonClientCall;
import com.google.api.gax.httpjson.HttpJsonClientInterceptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.privateendpoint.operator.cloud.CallRateLimiter;
import io.privateendpoint.operator.cloud.CloudCallRates;

/**
 * The client-side rate limit of every Compute request, as a channel interceptor of every client
 * {@link GcpClients} makes — each HTTP attempt, reads, writes, operation polls and gax's retries alike
 * pass through it. One token bucket per project and Compute quota group: reads (get, list), operation
 * reads (the polls of a long-running operation) and writes (https://cloud.google.com/compute/api-quota
 * counts them apart). The token is taken when the request is sent, which is when its project is known.
 */
final class GcpCallLimits implements HttpJsonClientInterceptor {

  private final CallRateLimiter limiter;
  private final CloudCallRates rates;

  GcpCallLimits(CallRateLimiter limiter, CloudCallRates rates) {
    this.limiter = limiter;
    this.rates = rates;
  }

  @Override
  public <Q, R> HttpJsonClientCall<Q, R> interceptCall(ApiMethodDescriptor<Q, R> method, HttpJsonCallOptions options,
      HttpJsonChannel next) {
    HttpJsonClientCall<Q, R> call = next.newCall(method, options);
    String operation = GcpCallMetrics.operationName(method.getFullMethodName());
    String group = group(operation);
    return new ForwardingHttpJsonClientCall<>() {
      @Override
      protected HttpJsonClientCall<Q, R> delegate() {
        return call;
      }

      @Override
      public void sendMessage(Q request) {
        limiter.acquireUninterruptibly("gcp/" + project(request) + "/" + group, "write".equals(group) ? rates.writes() : rates.reads());
        super.sendMessage(request);
      }
    };
  }

  /** "RegionOperations.Get" → operation-read, "Subnetworks.List" → read, "Subnetworks.Insert" → write. */
  static String group(String operation) {
    String service = operation.substring(0, operation.indexOf('.'));
    String method = operation.substring(operation.indexOf('.') + 1);
    if (service.endsWith("Operations")) {
      return "operation-read";
    }
    return method.equals("Get") || method.startsWith("List") || method.equals("AggregatedList") ? "read" : "write";
  }

  /** Every Compute request names its project in a field "project". */
  private static String project(Object request) {
    if (request instanceof Message message) {
      FieldDescriptor field = message.getDescriptorForType().findFieldByName("project");
      if (field != null) {
        return String.valueOf(message.getField(field));
      }
    }
    return "-";
  }
}
