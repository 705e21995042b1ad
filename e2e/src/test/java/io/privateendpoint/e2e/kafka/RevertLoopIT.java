package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerReverts;
import io.privateendpoint.operator.status.ConditionType;
import io.strimzi.api.kafka.Crds;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Argo CD's self-heal against the operator, on the real API server: a second writer, field manager
 * {@code argocd-controller}, removes the operator's listener every time it appears (polling every
 * 200 ms, as a JSON Patch of its own). The operator writes the first revert back at once and then
 * backs off (base 2 s here, doubling), so over a 20 s window it writes the listener back at most
 * 1 + log2(window/base + 1) times (+1 for timing) instead of once per revert; it names the other
 * writer from managedFields and says how to end the fight. Every write is counted from outside, by
 * watching the resource and counting the times the operator's entry reappears. Strimzi and StatefulSet.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class RevertLoopIT {

  static {
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  private static final Duration BASE = Duration.ofSeconds(2);
  private static final Duration WINDOW = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String ARGO = "argocd-controller";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it",
      "--revert-backoff", BASE.toSeconds() + "s");

  private static KubernetesClient argo;
  private static StrimziCluster strimzi;
  private static KafkaCluster cluster;

  private static KafkaCluster gitOps;
  private static StrimziCluster gitOpsStrimzi;

  @BeforeAll
  static void clusterAndSecondWriter() {
    // Argo CD's client: its user agent makes every write of it field manager argocd-controller.
    argo = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.fromKubeconfig(
        KubernetesApiServerExtension.cluster().kubeConfigYaml())).withUserAgent(ARGO + "/test").build()).build();
    KubernetesClient client = operator.getKubernetesClient();
    cluster = new KafkaCluster(client, operator.getNamespace());
    strimzi = new StrimziCluster(client, operator.getNamespace());
    // What Argo syncs from git: the Kafka CR and the StatefulSet (pods, nodes and statuses are the cluster's).
    gitOps = new KafkaCluster(argo, operator.getNamespace());
    gitOpsStrimzi = new StrimziCluster(argo, operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @AfterAll
  static void close() {
    argo.close();
  }

  /** Write-backs a back-off from {@link #BASE} allows in {@link #WINDOW}: at 0, b, 3b, 7b … (2^k − 1)·b, plus one for timing. */
  static int bound() {
    int writes = 1 + (int) Math.floor(Math.log((double) WINDOW.toMillis() / BASE.toMillis() + 1) / Math.log(2));
    return writes + 1;
  }

  @Test
  void strimziSelfHealIsNotFought() throws Exception {
    gitOpsStrimzi.createKafka("fought");
    strimzi.brokerPool("fought", "brokers", List.of(0, 1, 2), "10.9");
    operator.create(Endpoints.aws("fought", "{strimzi: {cluster: fought}}", "vendor", 39092, 9092, 9093));
    await().atMost(Duration.ofSeconds(30)).until(() -> StrimziCluster.listener(strimzi.kafka("fought"), "vendor") != null);
    strimzi.ready("fought", "plain", "tls", "vendor");
    Endpoints.awaitReason(operator, "fought", ConditionType.LISTENER_CONFIGURED, "Configured");

    var kafkas = Crds.kafkaOperation(argo).inNamespace(operator.getNamespace());
    Fight fight = fight(kafkas.withName("fought")::get, kafkas.withName("fought")::watch,
        k -> StrimziCluster.listener(k, "vendor") != null,
        k -> "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + k.getMetadata().getResourceVersion() + "\"},"
            + "{\"op\":\"remove\",\"path\":\"/spec/kafka/listeners/" + k.getSpec().getKafka().getListeners()
                .indexOf(StrimziCluster.listener(k, "vendor")) + "\"}]",
        patch -> kafkas.withName("fought").patch(argoPatch(), patch));

    assertBounded(fight);
    EndpointCondition fought = Endpoints.awaitReason(operator, "fought", ConditionType.LISTENER_CONFIGURED, "ListenerFought");
    assertThat(fought.getStatus()).isEqualTo("False");
    assertThat(fought.getReason()).isEqualTo("ListenerFought");
    assertThat(fought.getMessage())
        .contains("listener vendor of Kafka fought was removed by " + ARGO + " again")
        .contains("it is written back at ")
        .contains("spec.listener.management: External")
        .contains("{group: kafka.strimzi.io, kind: Kafka, name: fought, jqPathExpressions: "
            + "['.spec.kafka.listeners[] | select(.name == \"vendor\")'], managedFieldsManagers: [kafka-private-endpoint-operator]}")
        .contains("RespectIgnoreDifferences=true");
    assertFightRecorded("fought", fight);
    // The operator's own writes carry its field manager: that is how it tells itself apart.
    assertThat(strimzi.kafka("fought").getMetadata().getManagedFields())
        .anyMatch(m -> "kafka-private-endpoint-operator".equals(m.getManager()));

    // The self-heal stops (ignoreDifferences): the listener comes back when the back-off says, and stays.
    await().atMost(WINDOW.plusSeconds(15)).until(() -> StrimziCluster.listener(strimzi.kafka("fought"), "vendor") != null);
  }

  @Test
  void statefulSetSelfHealIsNotFought() throws Exception {
    StatefulSet sts = gitOps.statefulSet("fought-sts", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "node-" + (i + 1), "10.7." + (i + 1) + ".10");
    }
    operator.create(Endpoints.aws("fought-sts", "{statefulSet: {name: fought-sts, configVolume: kafka-config}}", "vendor", 39092, 9092, 9093));
    await().atMost(Duration.ofSeconds(30)).until(() -> initContainer(cluster.get("fought-sts")) != null);
    cluster.rolledOut("fought-sts");
    Endpoints.awaitReason(operator, "fought-sts", ConditionType.LISTENER_CONFIGURED, "Configured");

    var statefulSets = argo.apps().statefulSets().inNamespace(operator.getNamespace());
    // Argo puts the pod template back as git has it: no init container, volume or config hash of ours.
    Fight fight = fight(statefulSets.withName("fought-sts")::get, statefulSets.withName("fought-sts")::watch,
        s -> initContainer(s) != null,
        s -> {
          var spec = s.getSpec().getTemplate().getSpec();
          StringBuilder ops = new StringBuilder("[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
              + s.getMetadata().getResourceVersion() + "\"}");
          ops.append(",{\"op\":\"remove\",\"path\":\"/spec/template/spec/initContainers/")
              .append(spec.getInitContainers().indexOf(initContainer(s))).append("\"}");
          spec.getVolumes().stream().filter(v -> "kpe-vendor".equals(v.getName())).findFirst().map(spec.getVolumes()::indexOf)
              .ifPresent(i -> ops.append(",{\"op\":\"remove\",\"path\":\"/spec/template/spec/volumes/").append(i).append("\"}"));
          if (s.getSpec().getTemplate().getMetadata().getAnnotations() != null
              && s.getSpec().getTemplate().getMetadata().getAnnotations().containsKey("kafka.privateendpoint.io/vendor-config-hash")) {
            ops.append(",{\"op\":\"remove\",\"path\":\"/spec/template/metadata/annotations/kafka.privateendpoint.io~1vendor-config-hash\"}");
          }
          return ops.append("]").toString();
        },
        patch -> statefulSets.withName("fought-sts").patch(argoPatch(), patch));

    assertBounded(fight);
    EndpointCondition fought = Endpoints.awaitReason(operator, "fought-sts", ConditionType.LISTENER_CONFIGURED, "ListenerFought");
    assertThat(fought.getReason()).isEqualTo("ListenerFought");
    assertThat(fought.getMessage())
        .contains("init container kpe-vendor was removed from StatefulSet fought-sts by " + ARGO + " again")
        .contains("spec.listener.management: External")
        .contains("{group: apps, kind: StatefulSet, name: fought-sts, jqPathExpressions: "
            + "['.spec.template.spec.initContainers[] | select(.name == \"kpe-vendor\")'")
        .contains("'.spec.template.metadata.annotations[\"kafka.privateendpoint.io/vendor-config-hash\"]'")
        .contains("managedFieldsManagers: [kafka-private-endpoint-operator]")
        .contains("RespectIgnoreDifferences=true");
    assertFightRecorded("fought-sts", fight);

    await().atMost(WINDOW.plusSeconds(15)).until(() -> initContainer(cluster.get("fought-sts")) != null);
    assertThat(cluster.get("fought-sts").getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName).contains("kpe-vendor");
  }

  /** What happened over the window: the operator's write-backs, the second writer's removals, and the first cycle's length. */
  record Fight(int writes, int removals, long firstCycleMillis) {}

  /**
   * Plays the self-heal for {@link #WINDOW}: every {@link #POLL}, {@code patch} removes what {@code present}
   * finds, as {@link #ARGO}. Meanwhile a watch counts each time it reappears: each is a write of the operator.
   */
  private static <T extends HasMetadata> Fight fight(java.util.function.Supplier<T> get,
      Function<Watcher<T>, Watch> watch, Predicate<T> present, Function<T, String> removal,
      java.util.function.Consumer<String> patch) throws InterruptedException {
    AtomicInteger writes = new AtomicInteger();
    AtomicBoolean wasPresent = new AtomicBoolean(true);
    AtomicLong firstRemoval = new AtomicLong();
    AtomicLong firstWriteBack = new AtomicLong();
    Watch watching = watch.apply(new Watcher<>() {
      @Override
      public void eventReceived(Action action, T resource) {
        boolean now = action != Action.DELETED && present.test(resource);
        if (now && !wasPresent.getAndSet(true)) {
          writes.incrementAndGet();
          firstWriteBack.compareAndSet(0, System.nanoTime());
        } else if (!now) {
          wasPresent.set(false);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
    int removals = 0;
    try {
      long end = System.nanoTime() + WINDOW.toNanos();
      while (System.nanoTime() < end) {
        T current = get.get();
        if (present.test(current)) {
          try {
            patch.accept(removal.apply(current));
            removals++;
            firstRemoval.compareAndSet(0, System.nanoTime());
          } catch (KubernetesClientException e) {
            // The operator wrote in between: look again at the next poll.
          }
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      watching.close();
    }
    long cycle = firstWriteBack.get() == 0 ? WINDOW.toMillis() : Duration.ofNanos(firstWriteBack.get() - firstRemoval.get()).toMillis();
    Fight fight = new Fight(writes.get(), removals, cycle);
    System.out.printf("RevertLoopIT: %s over %s with back-off base %s (bound %d)%n", fight, WINDOW, BASE, bound());
    return fight;
  }

  private static void assertBounded(Fight fight) {
    // The first revert is written back at once, as before; the next ones only as the back-off allows.
    assertThat(fight.writes()).as("write-backs of the operator in %s", WINDOW).isBetween(2, bound());
    // Without the back-off every removal would be written back one cycle later: one roll per cycle.
    long unbounded = WINDOW.toMillis() / (fight.firstCycleMillis() + POLL.toMillis());
    assertThat(unbounded).as("write-backs a fight without back-off would make (first cycle %d ms)", fight.firstCycleMillis())
        .isGreaterThan(3L * bound());
    // Each write-back is removed again (the last one, unless the window ended first).
    assertThat(fight.removals()).isBetween(fight.writes(), fight.writes() + 1);
  }

  private static void assertFightRecorded(String name, Fight fight) {
    Endpoints.awaitReason(operator, name, ConditionType.LISTENER_CONFIGURED, "ListenerFought");
    ListenerReverts reverts = operator.get(KafkaPrivateEndpoint.class, name).getStatus().getListenerReverts();
    assertThat(reverts).isNotNull();
    assertThat(reverts.getBy()).isEqualTo(ARGO);
    assertThat(reverts.getCount()).isEqualTo(fight.writes());
    assertThat(reverts.getNextWriteBackAt()).isNotNull();
    // One Warning per back-off step, not one per reconcile: the first write-back, then one per wait.
    var warnings = Endpoints.events(operator, name).stream().filter(e -> "Warning".equals(e.getType())).toList();
    assertThat(warnings).filteredOn(e -> "ListenerReverted".equals(e.getReason())).hasSize(1);
    assertThat(warnings).filteredOn(e -> "ListenerFought".equals(e.getReason())).hasSize(fight.removals() - 1)
        .allSatisfy(e -> assertThat(e.getMessage()).contains(ARGO).contains("spec.listener.management: External"));
  }

  private static PatchContext argoPatch() {
    return new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(ARGO).build();
  }

  private static Container initContainer(StatefulSet sts) {
    return sts.getSpec().getTemplate().getSpec().getInitContainers().stream().filter(c -> "kpe-vendor".equals(c.getName()))
        .findFirst().orElse(null);
  }
}
