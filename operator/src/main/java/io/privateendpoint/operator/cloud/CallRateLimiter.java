package io.privateendpoint.operator.cloud;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Client-side token buckets, one per key (a cloud account's API and category of operation, such as
 * "aws/eu-west-1/ec2/mutating"): a call takes one token, waiting until the bucket has refilled enough.
 * The clouds meter their APIs the same way (EC2 documents its throttling as token buckets per
 * category of action), so keeping below their refill rate means the operator's own bursts — 100
 * endpoints resyncing, a restart rebuilding every status — are smoothed here instead of being
 * answered with throttling errors that also count against every other user of the account.
 *
 * <p>Time comes from a {@link Clock}, so the tests run it on a clock they move by hand.
 */
public final class CallRateLimiter {

  /** Nanosecond time and the wait, as one seam the tests replace. */
  public interface Clock {
    long nanoTime();

    void sleepNanos(long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleepNanos(long nanos) throws InterruptedException {
        java.util.concurrent.TimeUnit.NANOSECONDS.sleep(nanos);
      }
    };
  }

  /**
   * @param perSecond tokens added per second; 0 or less: unlimited
   * @param burst     most tokens the bucket holds (calls allowed back to back after a quiet spell)
   */
  public record Rate(double perSecond, int burst) {
    public static final Rate UNLIMITED = new Rate(0, 1);

    public Rate {
      burst = Math.max(1, burst);
    }

    /** perSecond, with a burst of two seconds' worth (at least one call). */
    public static Rate perSecond(double perSecond) {
      return new Rate(perSecond, (int) Math.ceil(perSecond * 2));
    }

    boolean unlimited() {
      return perSecond <= 0;
    }
  }

  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public CallRateLimiter() {
    this(Clock.SYSTEM);
  }

  public CallRateLimiter(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes one token of {@code key}'s bucket, waiting for it if the bucket is empty; the bucket is made
   * full, at {@code rate}, on first use. Waiters are served in turn: a token promised to a waiter is
   * not handed to a later caller.
   */
  public void acquire(String key, Rate rate) throws InterruptedException {
    if (rate.unlimited()) {
      return;
    }
    long wait = buckets.computeIfAbsent(key, k -> new Bucket(rate, clock.nanoTime())).reserve(clock.nanoTime());
    if (wait > 0) {
      clock.sleepNanos(wait);
    }
  }

  /** {@link #acquire} for hooks that cannot throw InterruptedException: the interrupt is kept on the thread. */
  public void acquireUninterruptibly(String key, Rate rate) {
    try {
      acquire(key, rate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the rate limit of " + key, e);
    }
  }

  /**
   * A bucket kept as the instant it will be full again (a debt): a reservation is one synchronized
   * arithmetic step and the caller sleeps outside the lock. A call may go once the debt is no more
   * than the burst.
   */
  private static final class Bucket {
    private final long nanosPerToken;
    private final long burstNanos;
    /** When every token handed out so far will have been refilled; at or before now: the bucket is full. */
    private long fullAt;

    Bucket(Rate rate, long now) {
      this.nanosPerToken = (long) (1_000_000_000L / rate.perSecond());
      this.burstNanos = nanosPerToken * rate.burst();
      this.fullAt = now;
    }

    synchronized long reserve(long now) {
      // An idle bucket holds at most burst tokens: the debt starts from now, not from the past.
      fullAt = Math.max(fullAt, now) + nanosPerToken;
      return Math.max(0, fullAt - burstNanos - now);
    }
  }
}
