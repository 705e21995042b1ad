package io.privateendpoint.operator.cloud.gcp;

import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.StubSettings;
import com.google.api.gax.rpc.UnaryCallSettings;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * gax retry settings for every Compute method the operator calls: RESOURCE_EXHAUSTED (429, Compute's
 * rate limits) and UNAVAILABLE (503, "backend busy") are retried with exponential backoff — gax
 * jitters every delay — within a bounded total time, after which the pass ends with a Throttled
 * condition and comes back later. Compute's generated defaults retry only reads, and only on
 * UNAVAILABLE and DEADLINE_EXCEEDED, for up to 10 minutes.
 *
 * <p>Mutations are retried too, which Compute's defaults do not do because a 503 may come after the
 * change was made: the retried insert then meets 409 alreadyExists, which {@link ComputeOps#insert}
 * takes as "made before" (the caller reads it back and checks it is ours), and a retried delete meets
 * 404, which {@link ComputeOps#delete} takes as gone.
 */
final class GcpRetries {

  static final Set<StatusCode.Code> RETRIED = EnumSet.of(StatusCode.Code.RESOURCE_EXHAUSTED, StatusCode.Code.UNAVAILABLE);
  static final Duration FIRST_DELAY = Duration.ofMillis(500);
  static final Duration MAX_DELAY = Duration.ofSeconds(8);
  static final Duration TOTAL = Duration.ofSeconds(45);
  /**
   * As for AWS (AwsClients.MAX_ATTEMPTS): a call given up ends the pass and the next pass reads
   * everything again, so at 30% refusals 6 attempts (one call in 1,400 lost) still cost ThrottlingIT
   * an extra pass in about one run of ten; 8 lose one in 15,000. Their delays (0.5 s doubling to 8 s,
   * jittered) add up to at most 31.5 s, inside {@link #TOTAL}.
   */
  static final int MAX_ATTEMPTS = 8;

  private GcpRetries() {}

  /**
   * Applies to every unary method of a generated Compute stub settings builder, and to the first call
   * of every long-running one (insert, delete, patch…), which gax sends with its own settings. The
   * generated builders have no common type for these; their public accessors are found by type.
   */
  static void apply(StubSettings.Builder<?, ?> stub) {
    for (Method m : stub.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class) {
        continue;
      }
      try {
        if (UnaryCallSettings.Builder.class.isAssignableFrom(m.getReturnType())) {
          retrying((UnaryCallSettings.Builder<?, ?>) m.invoke(stub));
        } else if (OperationCallSettings.Builder.class.isAssignableFrom(m.getReturnType())) {
          retryingInitialCall((OperationCallSettings.Builder<?, ?, ?>) m.invoke(stub));
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot set the retries of " + m, e);
      }
    }
  }

  static void retrying(UnaryCallSettings.Builder<?, ?> method) {
    Set<StatusCode.Code> codes = EnumSet.copyOf(RETRIED);
    codes.addAll(method.getRetryableCodes());
    method.setRetryableCodes(codes).setRetrySettings(settings(method.getRetrySettings()));
  }

  private static <Q> void retryingInitialCall(OperationCallSettings.Builder<Q, ?, ?> operation) {
    UnaryCallSettings<Q, com.google.api.gax.longrunning.OperationSnapshot> initial = operation.getInitialCallSettings();
    if (initial == null) {
      return;
    }
    UnaryCallSettings.Builder<Q, com.google.api.gax.longrunning.OperationSnapshot> builder = initial.toBuilder();
    retrying(builder);
    operation.setInitialCallSettings(builder.build());
  }

  /** Backoff and bounds; the per-attempt timeouts stay Compute's. */
  static RetrySettings settings(RetrySettings base) {
    RetrySettings.Builder b = (base == null ? RetrySettings.newBuilder() : base.toBuilder())
        .setInitialRetryDelayDuration(FIRST_DELAY).setRetryDelayMultiplier(2.0).setMaxRetryDelayDuration(MAX_DELAY)
        .setTotalTimeoutDuration(TOTAL).setMaxAttempts(MAX_ATTEMPTS);
    if (base == null || base.getInitialRpcTimeoutDuration().isZero()) {
      b.setInitialRpcTimeoutDuration(TOTAL).setMaxRpcTimeoutDuration(TOTAL).setRpcTimeoutMultiplier(1.0);
    }
    return b.build();
  }
}
