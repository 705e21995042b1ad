package io.privateendpoint.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/** Building KafkaPrivateEndpoints for tests and waiting on what the operator reports about them. */
public final class Endpoints {

  public static final String PATTERN = "<broker_id>.<az_id>.abc.us-west-2.aws.3199015.tidbcloud.com:<port>";

  private Endpoints() {}

  /**
   * An AWS endpoint with the guides' pattern and zones usw2-az1..3.
   *
   * @param kafka the spec.kafka source in flow YAML, e.g. {@code {strimzi: {cluster: my-cluster}}}
   */
  public static KafkaPrivateEndpoint aws(String name, String kafka, String listener, int containerPort, int bootstrap,
      int brokerStart) {
    return Serialization.unmarshal("""
        apiVersion: kafka.privateendpoint.io/v1alpha1
        kind: KafkaPrivateEndpoint
        metadata: {name: %s}
        spec:
          kafka: %s
          listener: {name: %s, containerPort: %d, advertisedPattern: "%s"}
          ports: {bootstrap: [%d], brokerStart: %d, brokerCount: 16}
          zones: [usw2-az1, usw2-az2, usw2-az3]
          aws:
            region: us-west-2
            vpcId: %s
            allowedPrincipals: ["arn:aws:iam::123456789012:root"]
            consumerCidrs: ["10.250.0.0/16"]
        """.formatted(name, kafka, listener, containerPort, PATTERN, bootstrap, brokerStart, MotoVpcs.bare()),
        KafkaPrivateEndpoint.class);
  }

  /** The GCP guide's pattern: zones us-west1-a..c, one consumer project, the given PSC NAT subnet. */
  public static KafkaPrivateEndpoint gcp(String name, String kafka, String project, String natSubnet, String natCidr) {
    return Serialization.unmarshal("""
        apiVersion: kafka.privateendpoint.io/v1alpha1
        kind: KafkaPrivateEndpoint
        metadata: {name: %s}
        spec:
          kafka: %s
          listener: {name: tidb, containerPort: 39092, advertisedPattern: "<broker_id>.abc.us-west1.gcp.3199745.tidbcloud.com:<port>"}
          ports: {brokerStart: 9093, brokerCount: 16}
          zones: [us-west1-a, us-west1-b, us-west1-c]
          gcp:
            project: %s
            region: us-west1
            network: kafka-vpc
            subnetwork: brokers
            pscNatSubnet: {name: %s, cidr: "%s"}
            consumerProjects:
            - {project: tidbcloud-prod-000, connectionLimit: 10}
        """.formatted(name, kafka, project, natSubnet, natCidr), KafkaPrivateEndpoint.class);
  }

  public static KafkaPrivateEndpointStatus awaitStatus(LocallyRunOperatorExtension operator, String name,
      Predicate<KafkaPrivateEndpointStatus> until) {
    return awaitStatus(operator, name, until, Duration.ofSeconds(30));
  }

  public static KafkaPrivateEndpointStatus awaitStatus(LocallyRunOperatorExtension operator, String name,
      Predicate<KafkaPrivateEndpointStatus> until, Duration atMost) {
    try {
      return await().atMost(atMost).until(() -> {
        KafkaPrivateEndpoint r = operator.get(KafkaPrivateEndpoint.class, name);
        return r == null ? null : r.getStatus();
      }, s -> s != null && until.test(s));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Say where the endpoint stood: its conditions, as `kubectl describe` would show them.
      KafkaPrivateEndpoint r = operator.get(KafkaPrivateEndpoint.class, name);
      throw new AssertionError("endpoint " + name + " did not reach the awaited status within " + atMost + "; conditions: "
          + (r == null || r.getStatus() == null ? "(none)" : r.getStatus().getConditions().stream()
              .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).toList()), e);
    }
  }

  public static KafkaPrivateEndpointStatus awaitReady(LocallyRunOperatorExtension operator, String name) {
    return awaitReady(operator, name, Duration.ofSeconds(30));
  }

  public static KafkaPrivateEndpointStatus awaitReady(LocallyRunOperatorExtension operator, String name, Duration atMost) {
    return awaitStatus(operator, name, s -> "True".equals(condition(s, ConditionType.READY).getStatus()), atMost);
  }

  /**
   * Creates an endpoint on the StatefulSet {@code statefulSet} of {@code cluster} and plays the
   * rolling restart it asks for, as the StatefulSet controller would report it.
   */
  public static KafkaPrivateEndpoint createPastRoll(LocallyRunOperatorExtension operator, KafkaCluster cluster,
      KafkaPrivateEndpoint resource, String statefulSet) {
    KafkaPrivateEndpoint created = operator.create(resource);
    // Generous: with injected crashes, the first pass that gets to write this status comes after several retries.
    awaitStatus(operator, resource.getMetadata().getName(), s -> "RollingRestart".equals(
        condition(s, ConditionType.LISTENER_CONFIGURED).getReason()), Duration.ofSeconds(120));
    cluster.rolledOut(statefulSet);
    return created;
  }

  /** Waits until condition {@code type} has {@code reason}, and returns that condition. */
  public static EndpointCondition awaitReason(LocallyRunOperatorExtension operator, String name, String type, String reason) {
    return condition(awaitStatus(operator, name, s -> reason.equals(condition(s, type).getReason())), type);
  }

  public static EndpointCondition condition(KafkaPrivateEndpointStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElse(new EndpointCondition(type, null, null, null, null, null));
  }

  /** A change event about the Kafka side (the brokers' workload, the proxy's objects), not about a cloud resource. */
  public static boolean kafkaSide(Event event) {
    return event.getMessage() != null && event.getMessage()
        .matches("(Created|Changed|Deleted) (ConfigMap|StatefulSet|Kafka|Service|PodDisruptionBudget|Deployment) .*");
  }

  public static List<Event> events(LocallyRunOperatorExtension operator, String name) {
    return operator.getKubernetesClient().v1().events().inNamespace(operator.getNamespace()).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }

  /**
   * Waits up to {@code atMost} for an event on the endpoint with this reason whose message contains
   * {@code text}, and returns it; on timeout fails with the endpoint's events, its conditions and
   * {@code more} (what else the test wants said, e.g. the cloud's calls).
   */
  public static Event awaitEvent(LocallyRunOperatorExtension operator, String name, String reason, String text,
      Duration atMost, Supplier<String> more) {
    Supplier<Optional<Event>> found = () -> events(operator, name).stream()
        .filter(e -> reason.equals(e.getReason()) && e.getMessage() != null && e.getMessage().contains(text)).findFirst();
    try {
      await().atMost(atMost).until(() -> found.get().isPresent());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no " + reason + " event containing '" + text + "'; events: "
          + events(operator, name).stream().map(ev -> ev.getReason() + ": " + ev.getMessage()).toList()
          + "; conditions: " + operator.get(KafkaPrivateEndpoint.class, name).getStatus().getConditions().stream()
          .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).toList()
          + more.get(), e);
    }
    return found.get().orElseThrow();
  }
}
