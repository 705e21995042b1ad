package io.privateendpoint.operator.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.cloud.CallRateLimiter.Rate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token buckets on a clock moved by hand: what a call waits is computed, never measured. */
class CallRateLimiterTest {

  private static final long SECOND = 1_000_000_000L;

  /** A clock that only moves when a caller sleeps (or the test says so), recording each sleep. */
  private static final class ManualClock implements CallRateLimiter.Clock {
    long now = 42 * SECOND;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final CallRateLimiter limiter = new CallRateLimiter(clock);

  @Test
  void aFullBucketLetsTheBurstThroughThenPacesAtTheRate() throws InterruptedException {
    Rate rate = new Rate(4, 8); // 4 per second, 8 back to back
    for (int i = 0; i < 8; i++) {
      limiter.acquire("aws/eu-west-1/Ec2/read", rate);
    }
    assertThat(clock.sleeps).isEmpty();
    for (int i = 0; i < 4; i++) {
      limiter.acquire("aws/eu-west-1/Ec2/read", rate);
    }
    // Each further call waits one refill interval: four calls in the next second, not twelve.
    assertThat(clock.sleeps).containsExactly(SECOND / 4, SECOND / 4, SECOND / 4, SECOND / 4);
  }

  @Test
  void anIdleBucketRefillsUpToItsBurstOnly() throws InterruptedException {
    Rate rate = new Rate(2, 2);
    limiter.acquire("k", rate);
    limiter.acquire("k", rate);
    clock.now += 3600 * SECOND; // an hour idle refills two tokens, not 7200
    limiter.acquire("k", rate);
    limiter.acquire("k", rate);
    assertThat(clock.sleeps).isEmpty();
    limiter.acquire("k", rate);
    assertThat(clock.sleeps).containsExactly(SECOND / 2);
  }

  @Test
  void bucketsAreIndependentPerKey() throws InterruptedException {
    Rate rate = new Rate(1, 1);
    limiter.acquire("gcp/project-a/write", rate);
    limiter.acquire("gcp/project-b/write", rate);
    limiter.acquire("gcp/project-a/read", rate);
    assertThat(clock.sleeps).isEmpty();
    limiter.acquire("gcp/project-a/write", rate);
    assertThat(clock.sleeps).containsExactly(SECOND);
  }

  @Test
  void waitersQueueBehindEachOtherInsteadOfAllWakingTogether() {
    Rate rate = new Rate(10, 1);
    CallRateLimiter.Clock frozen = new CallRateLimiter.Clock() {
      @Override
      public long nanoTime() {
        return clock.now;
      }

      @Override
      public void sleepNanos(long nanos) {
        clock.sleeps.add(nanos); // time does not move: five callers arrive in the same instant
      }
    };
    CallRateLimiter sameInstant = new CallRateLimiter(frozen);
    for (int i = 0; i < 5; i++) {
      sameInstant.acquireUninterruptibly("k", rate);
    }
    long tenth = SECOND / 10;
    assertThat(clock.sleeps).containsExactly(tenth, 2 * tenth, 3 * tenth, 4 * tenth);
  }

  @Test
  void zeroMeansUnlimited() throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      limiter.acquire("k", Rate.UNLIMITED);
      limiter.acquire("k", CloudCallRates.UNLIMITED.writes());
    }
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void defaultsStayBelowWhatTheCloudsDocument() {
    // EC2 non-mutating APIs refill at 20/s, ELB's Describe* at 10/s; Compute grants 1,500 a minute (25/s) per group.
    assertThat(CloudCallRates.AWS_DEFAULT.readsPerSecond()).isLessThan(10);
    assertThat(CloudCallRates.AWS_DEFAULT.writesPerSecond()).isLessThan(CloudCallRates.AWS_DEFAULT.readsPerSecond());
    assertThat(CloudCallRates.GCP_DEFAULT.readsPerSecond()).isLessThan(25);
    assertThat(CloudCallRates.GCP_DEFAULT.writesPerSecond()).isLessThan(25);
  }
}
