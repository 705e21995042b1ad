package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerReverts;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the operator from fighting whoever keeps reverting the listener it wrote (Argo CD's
 * self-heal, a helm upgrade on a schedule): each write-back rolls every broker, so a fight would
 * roll them forever. The first revert is written back at once; each further one waits twice as long
 * as the last (base, 2×base, 4×base … capped at an hour) before the next write-back, so a revert
 * never costs more than one extra roll per back-off period. While it waits, ListenerConfigured is
 * False with reason {@code ListenerFought}, naming the other writer (from the resource's
 * managedFields), when the listener is written back next and how to end the fight; one Warning event
 * says the same for each back-off step.
 *
 * <p>The state lives in status.listenerReverts, so it survives a restart, and in memory, so a pass
 * that reads a status not yet updated by the previous pass does not write back early. It is cleared
 * once the listener has stayed in place for a full back-off period, and when the spec changes.
 */
public final class ListenerRevertGuard {

  /** The field manager of every write of the operator to a resource it shares (Kafka CR, StatefulSet). */
  public static final String FIELD_MANAGER = OwnedMarks.MANAGED_BY;
  public static final Duration DEFAULT_BASE = Duration.ofMinutes(1);
  public static final Duration MAX_BACKOFF = Duration.ofHours(1);
  static final String REVERTED = "ListenerReverted";
  static final String FOUGHT = "ListenerFought";
  static final String WRITTEN_BACK = "ListenerWrittenBack";

  /**
   * What is fought over, for the messages and the writer lookup.
   *
   * @param ownedPaths managedFields paths (f:spec, f:kafka, f:listeners …) whose owner is the other writer
   * @param scope where a writer that removed them would own something: a removed field has no owner
   *              left, but whoever puts a pod template back as git has it owns the rest of that template
   * @param ignoreDifferences the Argo CD ignoreDifferences entry that leaves the operator's part alone
   */
  public record Target(List<List<String>> ownedPaths, List<String> scope, String ignoreDifferences) {}

  /**
   * What a revert leads to: write back now (then {@link #written} once the write went through), or
   * wait and report {@code waiting}.
   */
  public final class Decision {
    private final KafkaPrivateEndpoint resource;
    private final ListenerReverts next;
    private final String message;
    private final StepOutcome waiting;

    private Decision(KafkaPrivateEndpoint resource, ListenerReverts next, String message, StepOutcome waiting) {
      this.resource = resource;
      this.next = next;
      this.message = message;
      this.waiting = waiting;
    }

    public boolean waits() {
      return waiting != null;
    }

    /** While backing off: ListenerConfigured False, ListenerFought. */
    public StepOutcome waiting() {
      return waiting;
    }

    /** For a write-back: what ListenerConfigured says (ListenerReverted). */
    public String message() {
      return message;
    }

    /** The write-back went through: it counts, and an event says so (a Warning the first time). */
    public void written() {
      remember(resource, next);
      if (next.getCount() == 1) {
        events.warning(resource, REVERTED, message);
      } else {
        events.normal(resource, WRITTEN_BACK, message);
      }
    }
  }

  private record Memory(Long generation, ListenerReverts reverts) {}

  private final Clock clock;
  private final Duration base;
  private final EventRecorder events;
  /** By endpoint uid: what this process last decided; null reverts = no fight. */
  private final Map<String, Memory> memory = new ConcurrentHashMap<>();
  /** Endpoints whose current pass found the listener reverted. */
  private final Set<String> revertedThisPass = ConcurrentHashMap.newKeySet();

  public ListenerRevertGuard(Clock clock, Duration base, EventRecorder events) {
    this.clock = clock;
    this.base = base;
    this.events = events;
  }

  /**
   * How long to wait, after the {@code count}-th write-back, before the next one: nothing before the
   * first, then base, 2×base, 4×base … at most an hour (or base, if that is longer).
   */
  public static Duration backoff(Duration base, int count) {
    if (count <= 0) {
      return Duration.ZERO;
    }
    Duration cap = base.compareTo(MAX_BACKOFF) > 0 ? base : MAX_BACKOFF;
    if (count - 1 >= 31) {
      return cap;
    }
    Duration delay = base.multipliedBy(1L << (count - 1));
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  /**
   * The other writer of a field: among the managers other than the operator (status writes aside),
   * the most recent one owning one of {@code paths}; else, as a removed field has no owner left, the
   * most recent one owning something under {@code scope}; else the most recent one that wrote the
   * resource at all. Empty if there is none.
   */
  public static Optional<String> otherWriter(List<ManagedFieldsEntry> entries, List<List<String>> paths, List<String> scope) {
    if (entries == null) {
      return Optional.empty();
    }
    List<ManagedFieldsEntry> others = entries.stream()
        .filter(e -> e.getManager() != null && !FIELD_MANAGER.equals(e.getManager()))
        .filter(e -> e.getSubresource() == null || e.getSubresource().isEmpty())
        .toList();
    Comparator<ManagedFieldsEntry> byTime = Comparator.comparing(e -> time(e.getTime()));
    Optional<ManagedFieldsEntry> owner = others.stream()
        .filter(e -> paths.stream().anyMatch(path -> owns(e, path)))
        .max(byTime);
    return owner.or(() -> others.stream().filter(e -> owns(e, scope)).max(byTime))
        .or(() -> others.stream().max(byTime)).map(ManagedFieldsEntry::getManager);
  }

  @SuppressWarnings("unchecked")
  static boolean owns(ManagedFieldsEntry entry, List<String> path) {
    Object node = entry.getFieldsV1() == null ? null : entry.getFieldsV1().getAdditionalProperties();
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
        return false;
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return true;
  }

  /**
   * An applier found its listener reverted in {@code reverted} ("listener x of Kafka y was removed"):
   * write it back now, or wait for the back-off.
   */
  public Decision onRevert(KafkaPrivateEndpoint resource, HasMetadata shared, Target target, String reverted) {
    revertedThisPass.add(uid(resource));
    Instant now = now();
    String by = otherWriter(shared.getMetadata().getManagedFields(), target.ownedPaths(), target.scope()).orElse("an unknown writer");
    ListenerReverts state = settled(current(resource), now) ? null : current(resource);
    int count = state == null ? 0 : state.getCount();
    Instant due = state == null ? now : time(state.getLastWrittenBackAt()).plus(backoff(base, count));
    if (!now.isBefore(due)) {
      int n = count + 1;
      String message = reverted + " by " + by + "; writing it back" + (n == 1 ? ""
          : " (write-back " + n + " since the fight began; if it is reverted again, the next waits "
              + human(backoff(base, n)) + ")");
      return new Decision(resource, new ListenerReverts(n, format(now), by, null), message, null);
    }
    String message = reverted + " by " + by + " again after the operator wrote it back " + (count == 1 ? "once" : count + " times")
        + ". Not fighting over it (each write-back rolls the brokers): it is written back at " + format(due)
        + " (in " + human(Duration.between(now, due)) + "; the wait doubles with each revert, up to "
        + human(backoff(base, Integer.MAX_VALUE)) + "). To end this, let one side own the listener: set"
        + " spec.listener.management: External and manage it yourself, or make " + by + " leave the operator's part"
        + " alone — for Argo CD add to the Application's spec.ignoreDifferences " + target.ignoreDifferences()
        + " and to spec.syncPolicy.syncOptions RespectIgnoreDifferences=true";
    boolean newStep = state.getNextWriteBackAt() == null;
    ListenerReverts waiting = new ListenerReverts(count, state.getLastWrittenBackAt(), by, format(due));
    remember(resource, waiting);
    if (newStep) {
      events.warning(resource, FOUGHT, message);
    }
    return new Decision(resource, waiting, message, StepOutcome.of(
        new ConditionReport(ConditionType.LISTENER_CONFIGURED, "False", FOUGHT, message)).withListenerReverts(waiting));
  }

  /** The outcome of a pass of a listener applier, carrying the fight's state for the status. */
  public StepOutcome report(KafkaPrivateEndpoint resource, StepOutcome outcome) {
    boolean reverted = revertedThisPass.remove(uid(resource));
    ListenerReverts state = current(resource);
    if (!reverted && state != null) {
      // Not reverted in this pass: the listener is in place. Once it stayed a full period, the fight is over.
      if (settled(state, now())) {
        state = null;
      } else if (state.getNextWriteBackAt() != null) {
        state = new ListenerReverts(state.getCount(), state.getLastWrittenBackAt(), state.getBy(), null);
      }
      remember(resource, state);
    }
    if (outcome.listenerReverts() != null) {
      return outcome;
    }
    return outcome.withListenerReverts(state == null ? StepOutcome.NO_REVERTS : state);
  }

  /** The endpoint is gone: nothing to remember. */
  public void forget(KafkaPrivateEndpoint resource) {
    memory.remove(uid(resource));
    revertedThisPass.remove(uid(resource));
  }

  /** True when the listener stayed in place a full back-off period after the last write-back. */
  private boolean settled(ListenerReverts state, Instant now) {
    return state == null || state.getCount() == null || (state.getNextWriteBackAt() == null
        && !now.isBefore(time(state.getLastWrittenBackAt()).plus(backoff(base, state.getCount()))));
  }

  /** This process's memory, else the status; nothing once the spec changed since either was written. */
  private ListenerReverts current(KafkaPrivateEndpoint resource) {
    Long generation = resource.getMetadata().getGeneration();
    Memory remembered = memory.get(uid(resource));
    if (remembered != null) {
      return Objects.equals(remembered.generation(), generation) ? remembered.reverts() : null;
    }
    var status = resource.getStatus();
    if (status == null || status.getListenerReverts() == null || status.getListenerReverts().getCount() == null
        || !Objects.equals(status.getObservedGeneration(), generation)) {
      return null;
    }
    return status.getListenerReverts();
  }

  private void remember(KafkaPrivateEndpoint resource, ListenerReverts state) {
    memory.put(uid(resource), new Memory(resource.getMetadata().getGeneration(), state));
  }

  private Instant now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
  }

  private static String uid(KafkaPrivateEndpoint resource) {
    return resource.getMetadata().getUid() != null ? resource.getMetadata().getUid() : OwnedMarks.owner(resource);
  }

  static String format(Instant instant) {
    return instant.toString();
  }

  private static Instant time(String value) {
    if (value == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  /** 90s → "1m30s", 2h → "2h", 1500ms → "1.5s". */
  static String human(Duration d) {
    if (d.compareTo(Duration.ofSeconds(10)) < 0 && d.toMillisPart() != 0) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    StringBuilder s = new StringBuilder();
    if (d.toHours() > 0) {
      s.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      s.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || s.isEmpty()) {
      s.append(d.toSecondsPart()).append('s');
    }
    return s.toString();
  }
}
