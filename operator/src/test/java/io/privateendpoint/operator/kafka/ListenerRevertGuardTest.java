package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerReverts;
import io.privateendpoint.operator.status.EventRecorder;
import io.privateendpoint.operator.status.StepOutcome;
import io.privateendpoint.operator.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerRevertGuardTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final List<String> LISTENERS = List.of("f:spec", "f:kafka", "f:listeners");
  private static final ListenerRevertGuard.Target STRIMZI = StrimziListenerApplier.revertTarget("my-cluster", "tidb");

  @Test
  void backoffDoublesFromTheBaseUpToAnHour() {
    assertThat(ListenerRevertGuard.backoff(MINUTE, 0)).isEqualTo(Duration.ZERO);
    assertThat(ListenerRevertGuard.backoff(MINUTE, 1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(ListenerRevertGuard.backoff(MINUTE, 2)).isEqualTo(Duration.ofMinutes(2));
    assertThat(ListenerRevertGuard.backoff(MINUTE, 3)).isEqualTo(Duration.ofMinutes(4));
    assertThat(ListenerRevertGuard.backoff(MINUTE, 6)).isEqualTo(Duration.ofMinutes(32));
    assertThat(ListenerRevertGuard.backoff(MINUTE, 7)).isEqualTo(Duration.ofHours(1)); // 64m, capped
    assertThat(ListenerRevertGuard.backoff(MINUTE, 40)).isEqualTo(Duration.ofHours(1));
    assertThat(ListenerRevertGuard.backoff(MINUTE, Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(1));
    assertThat(ListenerRevertGuard.backoff(Duration.ofSeconds(2), 4)).isEqualTo(Duration.ofSeconds(16));
    // A base above the cap is the wait itself.
    assertThat(ListenerRevertGuard.backoff(Duration.ofHours(2), 3)).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void writesBackWithinAWindowStayLogarithmic() {
    // Write-backs at 0, b, 3b, 7b …: in a window w at most 1 + log2(w/b + 1) of them.
    Duration base = Duration.ofSeconds(2);
    Duration at = Duration.ZERO;
    int writes = 0;
    for (int count = 0; at.compareTo(Duration.ofSeconds(20)) <= 0; count++) {
      writes++;
      at = at.plus(ListenerRevertGuard.backoff(base, count + 1));
    }
    assertThat(writes).isEqualTo(4);
  }

  @Test
  void theOwnerOfTheRevertedFieldIsNamedNotTheOperatorNorAStatusWriter() {
    List<ManagedFieldsEntry> entries = List.of(
        entry("argocd-controller", "Update", null, "2026-01-01T10:00:00Z", fields(LISTENERS)),
        entry("kafka-private-endpoint-operator", "Update", null, "2026-01-01T10:05:00Z", fields(List.of("f:metadata", "f:annotations"))),
        entry("strimzi-cluster-operator", "Update", "status", "2026-01-01T10:06:00Z", fields(List.of("f:status"))),
        entry("kubectl-edit", "Update", null, "2026-01-01T10:07:00Z", fields(List.of("f:spec", "f:kafka", "f:replicas"))));
    assertThat(ListenerRevertGuard.otherWriter(entries, STRIMZI.ownedPaths(), STRIMZI.scope())).contains("argocd-controller");
  }

  @Test
  void theMostRecentOwnerWins() {
    List<ManagedFieldsEntry> entries = List.of(
        entry("helm", "Update", null, "2026-01-01T09:00:00Z", fields(LISTENERS)),
        entry("argocd-controller", "Apply", null, "2026-01-01T10:00:00Z", fields(LISTENERS)));
    assertThat(ListenerRevertGuard.otherWriter(entries, STRIMZI.ownedPaths(), STRIMZI.scope())).contains("argocd-controller");
  }

  @Test
  void aRemovedInitContainerHasNoOwnerSoTheWriterOfTheTemplateIsNamed() {
    ListenerRevertGuard.Target sts = StatefulSetListenerApplier.revertTarget("kafka", "tidb");
    List<ManagedFieldsEntry> entries = List.of(
        entry("argocd-controller", "Update", null, "2026-01-01T10:00:00Z",
            fields(List.of("f:spec", "f:template", "f:spec", "f:initContainers", "k:{\"name\":\"prepare-config\"}"))),
        entry("kubectl-scale", "Update", null, "2026-01-01T10:09:00Z", fields(List.of("f:spec", "f:replicas"))),
        entry("kube-controller-manager", "Update", "status", "2026-01-01T10:10:00Z", fields(List.of("f:status"))));
    assertThat(ListenerRevertGuard.otherWriter(entries, sts.ownedPaths(), sts.scope())).contains("argocd-controller");

    // An edited (not removed) init container is owned by whoever edited it.
    List<ManagedFieldsEntry> edited = new ArrayList<>(entries);
    edited.add(entry("helm", "Update", null, "2026-01-01T09:00:00Z",
        fields(List.of("f:spec", "f:template", "f:spec", "f:initContainers", "k:{\"name\":\"kpe-tidb\"}", "f:image"))));
    assertThat(ListenerRevertGuard.otherWriter(edited, sts.ownedPaths(), sts.scope())).contains("helm");

    // Nobody wrote the template: the most recent writer at all; nobody but us: nobody.
    assertThat(ListenerRevertGuard.otherWriter(entries.subList(1, 3), sts.ownedPaths(), sts.scope())).contains("kubectl-scale");
    assertThat(ListenerRevertGuard.otherWriter(List.of(entry("kafka-private-endpoint-operator", "Update", null,
        "2026-01-01T10:00:00Z", fields(LISTENERS))), sts.ownedPaths(), sts.scope())).isEqualTo(Optional.empty());
    assertThat(ListenerRevertGuard.otherWriter(null, sts.ownedPaths(), sts.scope())).isEmpty();
  }

  @Test
  void firstRevertIsWrittenBackAtOnceThenEachWaitsTwiceAsLong() {
    MutableClock clock = new MutableClock();
    Events events = new Events();
    ListenerRevertGuard guard = new ListenerRevertGuard(clock, MINUTE, events);
    KafkaPrivateEndpoint resource = endpoint();
    HasMetadata kafka = revertedBy("argocd-controller");

    // First revert: written back at once, as always; one Warning.
    ListenerRevertGuard.Decision first = guard.onRevert(resource, kafka, STRIMZI, "listener tidb of Kafka my-cluster was removed");
    assertThat(first.waits()).isFalse();
    assertThat(first.message()).isEqualTo("listener tidb of Kafka my-cluster was removed by argocd-controller; writing it back");
    first.written();
    ListenerReverts afterFirst = guard.report(resource, StepOutcome.of()).listenerReverts();
    assertThat(afterFirst).isEqualTo(new ListenerReverts(1, "2026-01-01T10:00:00Z", "argocd-controller", null));
    assertThat(events.reasons).containsExactly("Warning ListenerReverted");

    // Reverted again 300 ms later: wait a minute, say so once, however often it reconciles meanwhile.
    clock.advance(Duration.ofMillis(300));
    ListenerRevertGuard.Decision second = guard.onRevert(resource, kafka, STRIMZI, "listener tidb of Kafka my-cluster was removed");
    assertThat(second.waits()).isTrue();
    var condition = second.waiting().conditions().get(0);
    assertThat(condition.status()).isEqualTo("False");
    assertThat(condition.reason()).isEqualTo("ListenerFought");
    assertThat(condition.message()).contains("by argocd-controller again after the operator wrote it back once")
        .contains("written back at 2026-01-01T10:01:00Z (in 59s").contains("spec.listener.management: External")
        .contains("jqPathExpressions: ['.spec.kafka.listeners[] | select(.name == \"tidb\")']")
        .contains("managedFieldsManagers: [kafka-private-endpoint-operator]").contains("RespectIgnoreDifferences=true");
    assertThat(second.waiting().listenerReverts()).isEqualTo(
        new ListenerReverts(1, "2026-01-01T10:00:00Z", "argocd-controller", "2026-01-01T10:01:00Z"));
    clock.advance(Duration.ofSeconds(30));
    assertThat(guard.onRevert(resource, kafka, STRIMZI, "removed").waits()).isTrue();
    assertThat(events.reasons).containsExactly("Warning ListenerReverted", "Warning ListenerFought");

    // The minute is over: written back (a Normal event), and the next revert waits two minutes.
    clock.set(Instant.parse("2026-01-01T10:01:00Z"));
    ListenerRevertGuard.Decision third = guard.onRevert(resource, kafka, STRIMZI, "removed");
    assertThat(third.waits()).isFalse();
    assertThat(third.message()).contains("write-back 2 since the fight began").contains("the next waits 2m");
    third.written();
    guard.report(resource, StepOutcome.of());
    clock.advance(Duration.ofSeconds(1));
    ListenerRevertGuard.Decision fourth = guard.onRevert(resource, kafka, STRIMZI, "removed");
    assertThat(fourth.waiting().listenerReverts().getNextWriteBackAt()).isEqualTo("2026-01-01T10:03:00Z");
    assertThat(events.reasons).containsExactly("Warning ListenerReverted", "Warning ListenerFought", "Normal ListenerWrittenBack",
        "Warning ListenerFought");
  }

  @Test
  void aListenerThatStaysAFullPeriodEndsTheFight() {
    MutableClock clock = new MutableClock();
    ListenerRevertGuard guard = new ListenerRevertGuard(clock, MINUTE, new Events());
    KafkaPrivateEndpoint resource = endpoint();
    HasMetadata kafka = revertedBy("argocd-controller");
    guard.onRevert(resource, kafka, STRIMZI, "removed").written();
    guard.report(resource, StepOutcome.of());

    // In place for 30 s: the fight goes on.
    clock.advance(Duration.ofSeconds(30));
    assertThat(guard.report(resource, StepOutcome.of()).listenerReverts().getCount()).isEqualTo(1);
    // In place for the full minute: over, status.listenerReverts goes; the next revert is a first one again.
    clock.advance(Duration.ofSeconds(30));
    assertThat(guard.report(resource, StepOutcome.of()).listenerReverts()).isSameAs(StepOutcome.NO_REVERTS);
    clock.advance(Duration.ofHours(2));
    assertThat(guard.onRevert(resource, kafka, STRIMZI, "removed").waits()).isFalse();

    // A revert the pass noticed late (no reconcile in between) after the listener stayed a full period: first again.
    ListenerRevertGuard late = new ListenerRevertGuard(clock, MINUTE, new Events());
    late.onRevert(resource, kafka, STRIMZI, "removed").written();
    late.report(resource, StepOutcome.of());
    clock.advance(Duration.ofMinutes(5));
    assertThat(late.onRevert(resource, kafka, STRIMZI, "removed").waits()).isFalse();
  }

  @Test
  void theBackoffSurvivesARestartAndASpecChangeEndsIt() {
    MutableClock clock = new MutableClock();
    KafkaPrivateEndpoint resource = endpoint();
    HasMetadata kafka = revertedBy("argocd-controller");
    // What the status says after two write-backs, the last 10 s ago; a new operator process reads it.
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(resource.getMetadata().getGeneration());
    status.setListenerReverts(new ListenerReverts(2, "2026-01-01T09:59:50Z", "argocd-controller", null));
    resource.setStatus(status);

    ListenerRevertGuard restarted = new ListenerRevertGuard(clock, MINUTE, new Events());
    ListenerRevertGuard.Decision decision = restarted.onRevert(resource, kafka, STRIMZI, "removed");
    assertThat(decision.waits()).isTrue();
    assertThat(decision.waiting().listenerReverts().getNextWriteBackAt()).isEqualTo("2026-01-01T10:01:50Z");

    // The spec changes (generation 2, status still of 1): written back at once.
    resource.getMetadata().setGeneration(2L);
    assertThat(restarted.onRevert(resource, kafka, STRIMZI, "removed").waits()).isFalse();
    assertThat(new ListenerRevertGuard(clock, MINUTE, new Events()).onRevert(resource, kafka, STRIMZI, "removed").waits()).isFalse();
  }

  @Test
  void aFailedWriteBackDoesNotCount() {
    MutableClock clock = new MutableClock();
    ListenerRevertGuard guard = new ListenerRevertGuard(clock, MINUTE, new Events());
    KafkaPrivateEndpoint resource = endpoint();
    HasMetadata kafka = revertedBy("argocd-controller");
    guard.onRevert(resource, kafka, STRIMZI, "removed"); // the patch then failed (409): written() never ran
    clock.advance(Duration.ofMillis(200));
    assertThat(guard.onRevert(resource, kafka, STRIMZI, "removed").waits()).isFalse();
  }

  private static KafkaPrivateEndpoint endpoint() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getMetadata().setUid("uid-1");
    resource.getMetadata().setGeneration(1L);
    return resource;
  }

  private static HasMetadata revertedBy(String manager) {
    StatefulSet shared = new StatefulSetBuilder().withNewMetadata().withName("my-cluster").endMetadata().build();
    shared.getMetadata().setManagedFields(List.of(entry(manager, "Update", null, "2026-01-01T09:59:59Z", fields(LISTENERS))));
    return shared;
  }

  private static ManagedFieldsEntry entry(String manager, String operation, String subresource, String time, FieldsV1 fields) {
    return new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation).withSubresource(subresource)
        .withTime(time).withFieldsType("FieldsV1").withFieldsV1(fields).build();
  }

  /** A fieldsV1 tree owning {@code path}. */
  private static FieldsV1 fields(List<String> path) {
    Map<String, Object> leaf = new LinkedHashMap<>();
    Map<String, Object> root = leaf;
    for (String key : path) {
      Map<String, Object> child = new LinkedHashMap<>();
      leaf.put(key, child);
      leaf = child;
    }
    FieldsV1 fields = new FieldsV1();
    root.forEach(fields::setAdditionalProperty);
    return fields;
  }

  private static final class Events extends EventRecorder {
    final List<String> reasons = new ArrayList<>();

    Events() {
      super(null, Clock.systemUTC());
    }

    @Override
    public void warning(KafkaPrivateEndpoint resource, String reason, String message) {
      reasons.add("Warning " + reason);
    }

    @Override
    public void normal(KafkaPrivateEndpoint resource, String reason, String message) {
      reasons.add("Normal " + reason);
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
