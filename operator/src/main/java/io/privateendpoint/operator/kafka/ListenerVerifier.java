package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.privateendpoint.operator.apply.Verification;
import io.privateendpoint.operator.kafka.AdvertisedListenerCheck.Answer;
import io.privateendpoint.operator.kafka.MetadataProbe.Advertised;
import io.privateendpoint.operator.kafka.MetadataProbe.ProbeFailure;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.ListenerVerification;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified at the Kafka protocol: asks each broker, on the endpoint's listener at its pod IP and
 * container port, which brokers it advertises there ({@link MetadataProbe}), and compares that with
 * the plan ({@link AdvertisedListenerCheck}). The load balancer's TCP health checks pass for a broker
 * that advertises the wrong name or port; this is what catches it.
 *
 * <p>The check never holds up a reconcile: it runs on its own threads, one at a time per endpoint,
 * and a pass reports what the last check of the same plan found (pending until there is one). A check
 * starts when the plan's brokers, addresses or listener change, after a roll (the pipeline forgets the
 * finding while the listener is not configured), and again once the last finding is half a resync
 * period old; when a finding changes, the endpoint is reconciled at once through {@link #wakeUps}.
 */
public final class ListenerVerifier implements Verification, AutoCloseable {

  public static final String REASON_PENDING = "MetadataCheckPending";
  public static final String REASON_NOT_CHECKED = "MetadataNotChecked";
  public static final String REASON_SECRET = "VerificationSecretUnavailable";
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
  static final Duration RECHECK_NOT_TRUE = Duration.ofSeconds(20);

  private static final Logger LOG = LoggerFactory.getLogger(ListenerVerifier.class);

  /** Asks one broker; {@link MetadataProbe#advertised} outside the tests. */
  @FunctionalInterface
  public interface Probe {
    List<Advertised> advertised(String host, int port, Map<String, Object> security, Duration timeout) throws ProbeFailure;
  }

  private record Finding(String fingerprint, Instant at, ConditionReport report) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration recheck;
  private final Probe probe;
  private final ExecutorService threads;
  private final Consumer<ResourceID> wake;
  private final Map<String, Finding> findings = new ConcurrentHashMap<>();
  /** uid → the fingerprint being checked right now. */
  private final Map<String, String> running = new ConcurrentHashMap<>();

  /**
   * @param client reads the Secret a check logs in with (get only)
   * @param resync the operator's resync period: a finding is renewed once half of it old
   * @param wake   reconciles an endpoint whose finding changed (the controller's {@link #wakeUps} source)
   */
  public ListenerVerifier(KubernetesClient client, Clock clock, Duration resync, Consumer<ResourceID> wake, Probe probe,
      int threads) {
    this.client = client;
    this.wake = wake;
    this.clock = clock;
    this.recheck = resync.dividedBy(2);
    this.probe = probe;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "listener-check-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public ListenerVerifier(KubernetesClient client, Clock clock, Duration resync, Consumer<ResourceID> wake) {
    this(client, clock, resync, wake, MetadataProbe::advertised, 2);
  }

  /** The event source through which a changed finding reconciles its endpoint: register it with the controller. */
  public static SimpleInboundEventSource<KafkaPrivateEndpoint> wakeUps() {
    return new SimpleInboundEventSource<>("listener-checks");
  }

  @Override
  public ConditionReport verify(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    if (resource.getSpec().getMode() == EndpointMode.Proxy || plan.brokers().isEmpty()) {
      // Proxy mode: the proxy advertises the plan's own addresses, and the brokers keep theirs.
      return null;
    }
    ListenerVerification settings = resource.getSpec().getListener().verificationOrDefault();
    if (!settings.enabledOrDefault()) {
      return null;
    }
    SecurityProtocol protocol = plan.protocol();
    if (protocol != SecurityProtocol.PLAINTEXT && settings.getSecretRef() == null) {
      String needs = switch (protocol) {
        case SSL -> "ca.crt";
        case SASL_PLAINTEXT -> "username and password";
        default -> "username, password and ca.crt";
      };
      return ConditionReport.isTrue(ConditionType.VERIFIED, REASON_NOT_CHECKED, "what the brokers advertise on listener "
          + plan.listenerName() + " is not checked: a " + protocol + " listener needs spec.listener.verification.secretRef"
          + " (a Secret with " + needs + ")");
    }
    String uid = uid(resource);
    String fingerprint = fingerprint(resource, plan);
    Finding last = findings.get(uid);
    boolean current = last != null && last.fingerprint().equals(fingerprint);
    // A finding that is not True is looked at again soon: the fix is usually a broker restart that
    // leaves the plan (and so the fingerprint) as it was.
    Duration age = current && "True".equals(last.report().status()) ? recheck : RECHECK_NOT_TRUE;
    if (!current || !last.at().plus(age).isAfter(clock.instant())) {
      start(resource, plan, fingerprint);
    }
    return current ? last.report() : ConditionReport.unknown(ConditionType.VERIFIED, REASON_PENDING,
        "checking what each broker advertises on listener " + plan.listenerName());
  }

  @Override
  public void forget(KafkaPrivateEndpoint resource) {
    findings.remove(uid(resource));
    running.remove(uid(resource));
  }

  private void start(KafkaPrivateEndpoint resource, EndpointPlan plan, String fingerprint) {
    String uid = uid(resource);
    if (running.putIfAbsent(uid, fingerprint) != null) {
      return;
    }
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    ListenerVerification settings = resource.getSpec().getListener().verificationOrDefault();
    threads.execute(() -> {
      ConditionReport report;
      try {
        report = check(namespace, settings, plan);
      } catch (RuntimeException e) {
        report = ConditionReport.isFalse(ConditionType.VERIFIED, AdvertisedListenerCheck.REASON_UNREACHABLE,
            "the check of listener " + plan.listenerName() + " failed: " + e.getMessage());
      }
      // Forgotten meanwhile (deleted, or rolling again): this finding describes nothing any more.
      if (!running.remove(uid, fingerprint)) {
        return;
      }
      Finding old = findings.put(uid, new Finding(fingerprint, clock.instant(), report));
      if (old == null || !old.fingerprint().equals(fingerprint) || !old.report().equals(report)) {
        LOG.info("listener check of {}/{}: Verified {} ({}): {}", namespace, name, report.status(), report.reason(),
            report.message());
        wake.accept(new ResourceID(name, namespace));
      }
    });
  }

  private ConditionReport check(String namespace, ListenerVerification settings, EndpointPlan plan) {
    ReferencedSecret credentials = ReferencedSecret.read(client, namespace, settings.getSecretRef(),
        "spec.listener.verification.secretRef");
    if (credentials.problem() != null) {
      return ConditionReport.isFalse(ConditionType.VERIFIED, REASON_SECRET, credentials.problem());
    }
    Secret secret = credentials.secret();
    Map<String, Object> security = KafkaClientSecurity.settings(plan.protocol(),
        KafkaClientSecurity.sasl(plan.protocol()) ? settings.getSaslMechanism() : null, secret);
    Map<Integer, Answer> answers = new TreeMap<>();
    for (PlannedBroker broker : plan.brokers()) {
      if (broker.podIp() == null) {
        answers.put(broker.nodeId(), Answer.failed("no pod IP yet"));
        continue;
      }
      try {
        answers.put(broker.nodeId(), Answer.of(probe.advertised(broker.podIp(), plan.containerPort(), security, PROBE_TIMEOUT)));
      } catch (ProbeFailure e) {
        answers.put(broker.nodeId(), Answer.failed(e.getMessage()));
      }
    }
    return AdvertisedListenerCheck.report(plan, answers);
  }

  /** What a finding is about: the listener, how it is reached and what each broker should advertise. */
  static String fingerprint(KafkaPrivateEndpoint resource, EndpointPlan plan) {
    ListenerVerification settings = resource.getSpec().getListener().verificationOrDefault();
    return plan.listenerName() + "|" + plan.protocol() + "|" + plan.containerPort() + "|" + settings.getSecretRef() + "|"
        + settings.getSaslMechanism() + "|" + plan.brokers().stream()
            .map(b -> b.nodeId() + "@" + b.podIp() + "=" + b.advertised()).collect(Collectors.joining(","));
  }

  private static String uid(KafkaPrivateEndpoint resource) {
    return resource.getMetadata().getUid() != null ? resource.getMetadata().getUid()
        : resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
