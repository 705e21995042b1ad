package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.httpjson.ApiMethodDescriptor;
import com.google.api.gax.httpjson.ForwardingHttpJsonClientCall;
import com.google.api.gax.httpjson.ForwardingHttpJsonClientCallListener;
import com.google.api.gax.httpjson.HttpJsonCallOptions;
import com.google.api.gax.httpjson.HttpJsonChannel;
import com.google.api.gax.httpjson.HttpJsonClientCall;
import com.google.api.gax.httpjson.HttpJsonClientInterceptor;
import com.google.api.gax.httpjson.HttpJsonMetadata;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.tracing.ApiTracer;
import com.google.api.gax.tracing.ApiTracerFactory;
import com.google.api.gax.tracing.BaseApiTracer;
import com.google.api.gax.tracing.SpanName;
import io.privateendpoint.operator.metrics.CloudCallMetrics;
import io.privateendpoint.operator.metrics.CloudCallMetrics.Cloud;
import io.privateendpoint.operator.metrics.CloudCallMetrics.Outcome;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every Compute call into {@code kpe_cloud_calls_total} as "Service.Method", compute.proto's
 * names (Networks.Get, RegionNetworkEndpointGroups.Insert, RegionOperations.Get) — the names the e2e
 * Compute fake gives the RPCs it routes. gax names each call from its REST method descriptor,
 * {@code google.cloud.compute.v1.<Service>/<Method>}. It takes two of gax's hooks, because each sees
 * calls the other does not:
 *
 * <ul>
 *   <li>as the clients' ApiTracerFactory, the unary calls — reads, and each poll of an operation —
 *       one tracer per call with its retries inside: the call's outcome when it ends, one
 *       {@code retried} per failed attempt gax repeats;
 *   <li>as a channel interceptor, the calls that start a long-running operation (every insert,
 *       delete, patch, attach): gax sends them through a callable it does not trace. Each HTTP call is
 *       counted by its status — so a first call that {@link GcpRetries} repeats after a 429 or 503
 *       counts as one throttled or error call per attempt. The wait that follows is polls, counted as
 *       unary calls above.
 * </ul>
 */
public final class GcpCallMetrics implements ApiTracerFactory, HttpJsonClientInterceptor {

  private final CloudCallMetrics metrics;

  public GcpCallMetrics(CloudCallMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public ApiTracer newTracer(ApiTracer parent, SpanName spanName, OperationType operationType) {
    if (operationType != OperationType.Unary) {
      return BaseApiTracer.getInstance();
    }
    return new CallTracer(spanName.getClientName() + "." + spanName.getMethodName());
  }

  @Override
  public <Q, R> HttpJsonClientCall<Q, R> interceptCall(ApiMethodDescriptor<Q, R> method, HttpJsonCallOptions options,
      HttpJsonChannel next) {
    HttpJsonClientCall<Q, R> call = next.newCall(method, options);
    String operation = operationName(method.getFullMethodName());
    // The operations services' Get and Wait answer an Operation too, but start none: they are polls, traced.
    if (method.getOperationSnapshotFactory() == null || operation.substring(0, operation.indexOf('.')).endsWith("Operations")) {
      return call; // traced: counted by its CallTracer
    }
    return new ForwardingHttpJsonClientCall<>() {
      @Override
      protected HttpJsonClientCall<Q, R> delegate() {
        return call;
      }

      @Override
      public void start(Listener<R> listener, HttpJsonMetadata headers) {
        super.start(new ForwardingHttpJsonClientCallListener<>() {
          @Override
          protected Listener<R> delegate() {
            return listener;
          }

          @Override
          public void onClose(int status, HttpJsonMetadata trailers) {
            metrics.record(Cloud.gcp, operation, outcome(status));
            super.onClose(status, trailers);
          }
        }, headers);
      }
    };
  }

  /** "google.cloud.compute.v1.Subnetworks/Insert" → "Subnetworks.Insert", as gax's SpanName reads it. */
  static String operationName(String fullMethodName) {
    String service = fullMethodName.substring(0, fullMethodName.indexOf('/'));
    return service.substring(service.lastIndexOf('.') + 1) + "." + fullMethodName.substring(fullMethodName.indexOf('/') + 1);
  }

  /**
   * HTTP 429 (RESOURCE_EXHAUSTED: Compute's rate and quota limits) as throttled, any other 4xx as
   * refused, the rest (5xx, I/O) as error. gax maps Compute's HTTP status to a code one to one.
   */
  static Outcome outcome(Throwable failure) {
    if (failure instanceof ApiException api) {
      StatusCode.Code code = api.getStatusCode().getCode();
      return code == StatusCode.Code.RESOURCE_EXHAUSTED ? Outcome.throttled : outcome(code.getHttpStatusCode());
    }
    return Outcome.error;
  }

  static Outcome outcome(int httpStatus) {
    if (httpStatus >= 200 && httpStatus < 300) {
      return Outcome.success;
    }
    if (httpStatus == 429) {
      return Outcome.throttled;
    }
    return httpStatus >= 400 && httpStatus < 500 ? Outcome.refused : Outcome.error;
  }

  private final class CallTracer extends BaseApiTracer {

    private final String operation;
    private final AtomicBoolean ended = new AtomicBoolean();

    CallTracer(String operation) {
      this.operation = operation;
    }

    /**
     * gax calls this when an attempt failed and another follows after the delay (exhausted retries
     * and permanent failures have their own callbacks); its java.time variant delegates here.
     */
    @Override
    @SuppressWarnings("deprecation")
    public void attemptFailed(Throwable error, org.threeten.bp.Duration delay) {
      metrics.record(Cloud.gcp, operation, Outcome.retried);
    }

    @Override
    public void operationSucceeded() {
      end(Outcome.success);
    }

    @Override
    public void operationCancelled() {
      end(Outcome.error);
    }

    @Override
    public void operationFailed(Throwable error) {
      end(outcome(error));
    }

    private void end(Outcome outcome) {
      if (ended.compareAndSet(false, true)) {
        metrics.record(Cloud.gcp, operation, outcome);
      }
    }
  }
}
