package io.privateendpoint.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.privateendpoint.e2e.support.compute.ComputeFake;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Crash at every write: each lifecycle phase arms a crash after each write it expects (the cloud did
 * the call, the operator never learned it), makes its change, waits until the planned resources are
 * there, and then proves that every crash happened and that every write the phase made had a crash
 * armed after it. A write a future change adds without a crash case fails the phase that makes it.
 */
public final class CrashMatrix {

  /** A cloud's record of the operator's calls and its crash hook, by operation name ("Service.Operation"). */
  public interface Writes {
    void crashOnceAfter(String operation);

    Set<String> pendingCrashes();

    int mark();

    /** The operator's mutating calls since the mark, one entry per call. */
    List<String> mutatingSince(int mark);
  }

  /** AWS: the SDK interceptor's record and crash. */
  public static Writes of(AwsCalls calls) {
    return new Writes() {
      public void crashOnceAfter(String operation) {
        calls.crashOnceAfter(operation);
      }

      public Set<String> pendingCrashes() {
        return calls.pendingCrashes();
      }

      public int mark() {
        return calls.mark();
      }

      public List<String> mutatingSince(int mark) {
        return calls.mutatingSince(mark);
      }
    };
  }

  /** Google Cloud: the Compute fake's call log, and its answer of 503 to a call it has carried out. */
  public static Writes of(ComputeFake fake) {
    return new Writes() {
      public void crashOnceAfter(String operation) {
        fake.failOnceAfter(operation);
      }

      public Set<String> pendingCrashes() {
        return fake.pendingFailures();
      }

      public int mark() {
        return fake.mark();
      }

      public List<String> mutatingSince(int mark) {
        return fake.mutatingCallsSince(mark).stream().map(ComputeFake.Call::rpc).toList();
      }
    };
  }

  private final Writes writes;
  private final Duration atMost;
  private final Map<String, Set<String>> crashedByPhase = new LinkedHashMap<>();

  public CrashMatrix(Writes writes, Duration atMost) {
    this.writes = writes;
    this.atMost = atMost;
  }

  /**
   * Runs one phase: arms a crash after each of {@code crashAfter}, runs {@code change}, waits until
   * every crash happened and {@code differs} says nothing (it names what is not yet as planned, null
   * once all is), then checks that the phase's writes are
   * exactly covered and that a resync later nothing more is written (converged means settled).
   */
  public void phase(String name, List<String> crashAfter, Runnable change, Supplier<String> differs) {
    phase(name, crashAfter, change, differs, atMost);
  }

  /** As above, waiting at most {@code atMost} for convergence. */
  public void phase(String name, List<String> crashAfter, Runnable change, Supplier<String> differs, Duration atMost) {
    long started = System.nanoTime();
    assertThat(writes.pendingCrashes()).as("%s: no crash left over from an earlier phase", name).isEmpty();
    int mark = writes.mark();
    crashAfter.forEach(writes::crashOnceAfter);
    change.run();
    AtomicReference<String> last = new AtomicReference<>();
    try {
      await().atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> {
        last.set(writes.pendingCrashes().isEmpty() ? differs.get() : "crashes not yet happened: " + writes.pendingCrashes());
        return last.get() == null;
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(name + ": not converged within " + atMost + ": " + last.get()
          + "; writes: " + writes.mutatingSince(mark), e);
    }
    Set<String> made = new TreeSet<>(writes.mutatingSince(mark));
    assertThat(made).as("%s: the writes the phase made", name).isNotEmpty();
    assertThat(crashAfter).as("%s: a crash was injected after every kind of write the phase made (%s)", name, made)
        .containsAll(made);
    // Settled: a few resyncs later nothing more is written and the planned state still holds.
    int settled = writes.mark();
    await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(9)).until(() -> true);
    assertThat(writes.mutatingSince(settled)).as("%s: writes after convergence", name).isEmpty();
    assertThat(differs.get()).as("%s: still as planned a few resyncs later", name).isNull();
    crashedByPhase.put(name, new TreeSet<>(crashAfter));
    System.out.printf("CRASH %s: %d crash points %s, converged in %d s%n", name, crashAfter.size(), crashAfter,
        Duration.ofNanos(System.nanoTime() - started).toSeconds());
  }

  /** Every operation crashed in some phase. */
  public Set<String> crashed() {
    Set<String> all = new TreeSet<>();
    crashedByPhase.values().forEach(all::addAll);
    return all;
  }

  /** The first difference any check reports (a phase's checks of each resource kind), or null when none does. */
  @SafeVarargs
  public static String firstOf(java.util.function.Supplier<String>... checks) {
    for (java.util.function.Supplier<String> check : checks) {
      String difference = check.get();
      if (difference != null) {
        return difference;
      }
    }
    return null;
  }
}
