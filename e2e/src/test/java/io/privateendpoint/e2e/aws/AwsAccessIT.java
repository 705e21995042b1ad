package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.model.DeletionPolicy;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * An operator that has no AWS credentials, as in a pod whose ServiceAccount lacks its IRSA
 * annotation: the SDK's default chain throws "Unable to load credentials". It must say so before
 * touching any broker — no StatefulSet patch (in production, a rolling restart of every broker), no
 * ConfigMap — and a delete must say what may be left and how to let go, rather than hang silently.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class AwsAccessIT {

  /** What the default chain throws when it finds nothing (same message, same type). */
  private static final AwsCredentialsProvider NO_CREDENTIALS = () -> {
    throw SdkClientException.create("Unable to load credentials from any of the providers in the chain"
        + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
        + " EnvironmentVariableCredentialsProvider(), WebIdentityTokenFileCredentialsProvider(), ...])");
  };

  private static final AwsCalls calls = new AwsCalls();

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension(
      new AwsClients(List.of(calls), NO_CREDENTIALS), "--cluster-name", "it-access", "--resync-period", "3s");

  @Test
  void withoutCredentialsNoBrokerIsTouchedAndDeleteSaysHowToLetGo() {
    MotoServer.get();
    KafkaCluster cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("anode-" + az, az);
    }
    StatefulSet sts = cluster.statefulSet("kafka", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "anode-" + (i + 1), "10.90." + (i + 1) + ".10");
    }
    operator.create(Endpoints.aws("nocreds", "{statefulSet: {name: kafka, configVolume: kafka-config}}", "tidb",
        39092, 9092, 9093));

    EndpointCondition access = Endpoints.awaitReason(operator, "nocreds", ConditionType.CLOUD_ACCESS, "NoCredentials");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-no-credentials", "nocreds", ConditionType.CLOUD_ACCESS, "NoCredentials", "Degraded");
    assertThat(access.getStatus()).isEqualTo("False");
    assertThat(access.getMessage()).contains("ec2:DescribeVpcs").contains("Unable to load credentials")
        .contains("eks.amazonaws.com/role-arn");
    var status = operator.get(KafkaPrivateEndpoint.class, "nocreds").getStatus();
    for (String type : List.of(ConditionType.LISTENER_CONFIGURED, ConditionType.LOAD_BALANCER_READY,
        ConditionType.ENDPOINT_SERVICE_READY, ConditionType.VERIFIED)) {
      assertThat(Endpoints.condition(status, type)).as(type).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo("Unknown");
        assertThat(c.getReason()).isEqualTo("Blocked");
        assertThat(c.getMessage()).isEqualTo("waits for CloudAccess (NoCredentials)");
      });
    }
    // The plan is kept (ports handed out are remembered), but nothing was applied anywhere.
    assertThat(status.getPorts()).hasSize(3);
    // A few resyncs later still nothing: no broker restarted, only the access check was attempted.
    await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(8)).until(() -> true);
    StatefulSet after = cluster.get("kafka");
    assertThat(after.getSpec().getTemplate().getSpec().getInitContainers()).extracting(c -> c.getName())
        .containsExactly("prepare-config");
    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace()).withName("kpe-nocreds").get())
        .isNull();
    // Not even a read reached AWS beyond the access check (the SDK resolves credentials before sending).
    assertThat(calls.all()).allMatch(c -> c.equals("Ec2.DescribeVpcs"));

    // Delete: the cloud cannot be reached, so the finalizer stays and the endpoint says why and how to let go.
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "nocreds"));
    EndpointCondition blocked = Endpoints.awaitReason(operator, "nocreds", ConditionType.READY, "DeletionBlocked");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-deletion-blocked", "nocreds", ConditionType.READY, "DeletionBlocked", "Degraded");
    assertThat(blocked.getMessage()).contains("Unable to load credentials").contains("NLB kpe-")
        .contains("security group kpe-").contains("spec.deletionPolicy: Orphan");
    assertThat(Endpoints.events(operator, "nocreds")).extracting(Event::getReason).contains("DeletionBlocked");
    assertThat(operator.get(KafkaPrivateEndpoint.class, "nocreds")).isNotNull();

    // The documented way out: Orphan lets go at once, recording what may be left.
    KafkaPrivateEndpoint deleting = operator.get(KafkaPrivateEndpoint.class, "nocreds");
    deleting.getSpec().setDeletionPolicy(DeletionPolicy.Orphan);
    operator.replace(deleting);
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "nocreds") == null);
    assertThat(Endpoints.events(operator, "nocreds")).filteredOn(e -> "Orphaned".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("NLB kpe-").contains("endpoint service"));
  }
}
