package io.privateendpoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.Kubectl;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator, run in this JVM by JOSDK's LocallyRunOperatorExtension against the real API
 * server: it writes conditions with observedGeneration on a valid resource, InvalidSpec naming
 * the field on a schema-valid but semantically wrong one, and nothing on a steady-state resync.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class OperatorReconcileIT {

  private static final Duration RESYNC = Duration.ofSeconds(2);
  @RegisterExtension
  static final LocallyRunOperatorExtension operator =
      OperatorUnderTest.extension("--cluster-name", "it", "--resync-period", "2s");

  @Test
  void validResourceGetsConditionsWithObservedGeneration() {
    KafkaPrivateEndpoint created = operator.create(sample("valid-aws-strimzi.yaml", "aws-valid"));

    KafkaPrivateEndpointStatus status = awaitStatus(created.getMetadata().getName(), 1L);
    assertThat(status.getProvider()).isEqualTo("AWS");
    assertThat(status.getBootstrapPorts()).isEqualTo("9092");
    assertThat(status.getConditions()).extracting(EndpointCondition::getType).containsExactly(
        ConditionType.READY, ConditionType.CLOUD_ACCESS, ConditionType.LISTENER_CONFIGURED, ConditionType.LOAD_BALANCER_READY,
        ConditionType.ENDPOINT_SERVICE_READY, ConditionType.VERIFIED);
    assertThat(status.getConditions()).allSatisfy(c -> {
      assertThat(c.getObservedGeneration()).isEqualTo(1L);
      assertThat(c.getLastTransitionTime()).isNotBlank();
    });
    EndpointCondition ready = condition(status, ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("NotReady");
    assertThat(ready.getMessage()).contains("ListenerConfigured");
  }

  @Test
  void semanticallyWrongSpecIsReportedNamingTheFieldAndFixingItClearsIt() {
    KafkaPrivateEndpoint resource = sample("valid-aws-strimzi.yaml", "aws-bad-subnet");
    resource.getSpec().getAws().getSubnets().put("usw2-az9", "subnet-9"); // accepted by the schema
    KafkaPrivateEndpoint created = operator.create(resource);

    EndpointCondition ready = condition(awaitStatus(created.getMetadata().getName(), 1L), ConditionType.READY);
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "invalid-spec", "aws-bad-subnet", ConditionType.READY, "InvalidSpec", "Degraded");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.aws.subnets[usw2-az9]").contains("not listed in spec.zones");

    KafkaPrivateEndpoint fixed = operator.get(KafkaPrivateEndpoint.class, created.getMetadata().getName());
    fixed.getSpec().getAws().getSubnets().remove("usw2-az9");
    operator.replace(fixed);

    EndpointCondition afterFix = condition(awaitStatus(created.getMetadata().getName(), 2L), ConditionType.READY);
    assertThat(afterFix.getReason()).isEqualTo("NotReady");
    assertThat(afterFix.getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void gcpPatternWithAwsPlaceholderIsInvalidSpec() {
    KafkaPrivateEndpoint resource = sample("valid-gcp-statefulset.yaml", "gcp-az-id");
    resource.getSpec().getListener().setAdvertisedPattern("<broker_id>.<az_id>.abc.us-west1.gcp.3199745.tidbcloud.com:<port>");
    KafkaPrivateEndpoint created = operator.create(resource);

    KafkaPrivateEndpointStatus status = awaitStatus(created.getMetadata().getName(), 1L);
    assertThat(status.getProvider()).isEqualTo("GCP");
    EndpointCondition ready = condition(status, ConditionType.READY);
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.listener.advertisedPattern");
  }

  @Test
  void steadyStateResyncWritesNothing() throws InterruptedException {
    KafkaPrivateEndpoint created = operator.create(sample("valid-aws-strimzi.yaml", "aws-steady"));
    awaitStatus(created.getMetadata().getName(), 1L);
    String resourceVersion = operator.get(KafkaPrivateEndpoint.class, created.getMetadata().getName())
        .getMetadata().getResourceVersion();

    Thread.sleep(RESYNC.multipliedBy(3).toMillis()); // at least two resyncs

    assertThat(operator.get(KafkaPrivateEndpoint.class, created.getMetadata().getName())
        .getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void kubectlShowsTheColumnsAndExplainsTheFields() {
    KafkaPrivateEndpoint created = operator.create(sample("valid-aws-strimzi.yaml", "aws-kubectl"));
    awaitStatus(created.getMetadata().getName(), 1L);
    Kubectl kubectl = new Kubectl(KubernetesApiServerExtension.cluster());

    String table = kubectl.run("get", "kpe", created.getMetadata().getName(), "-n", operator.getNamespace());
    String header = table.lines().findFirst().orElseThrow();
    assertThat(header).containsSubsequence("NAME", "PROVIDER", "MODE", "ENDPOINT", "READY", "AGE");
    String row = table.lines().skip(1).findFirst().orElseThrow();
    assertThat(row).contains("aws-kubectl", "AWS", "PortMapping", "False");

    String explain = kubectl.run("explain", "kpe.spec.listener.advertisedPattern");
    assertThat(explain).contains("<broker_id> becomes b + node.id");
    assertThat(kubectl.run("explain", "kpe.status.conditions.observedGeneration")).contains("metadata.generation");
  }

  private static KafkaPrivateEndpoint sample(String file, String name) {
    try (InputStream in = OperatorReconcileIT.class.getResourceAsStream("/validation/" + file)) {
      KafkaPrivateEndpoint resource = Serialization.unmarshal(in, KafkaPrivateEndpoint.class);
      resource.getMetadata().setName(name);
      if (resource.getSpec().getAws() != null) {
        resource.getSpec().getAws().setVpcId(io.privateendpoint.e2e.support.MotoVpcs.bare());
      }
      return resource;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KafkaPrivateEndpointStatus awaitStatus(String name, long generation) {
    KubernetesClient client = operator.getKubernetesClient();
    return await().atMost(Duration.ofSeconds(30)).until(
        () -> client.resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace()).withName(name).get().getStatus(),
        s -> s != null && Long.valueOf(generation).equals(s.getObservedGeneration())
            && s.getConditions().stream().allMatch(c -> Long.valueOf(generation).equals(c.getObservedGeneration())
                || !ConditionType.READY.equals(c.getType())));
  }

  private static EndpointCondition condition(KafkaPrivateEndpointStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }
}
