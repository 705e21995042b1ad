package io.privateendpoint.e2e.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.e2e.support.TestCluster;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The operator as a real install runs it: the chart installed with watchNamespaces [brokers-sa], and
 * the operator jar given only that release's ServiceAccount token (no admin, no client certificate)
 * — through an AWS endpoint to Ready and through its delete, with leader election as the chart sets
 * it. Whatever the code needs beyond the chart's RBAC would show here as a 403 and a stuck endpoint.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class ChartServiceAccountIT {

  private static final String RELEASE_NS = "kpe-sa";
  private static final String BROKERS = "brokers-sa";
  private static final String SERVICE_ACCOUNT = "sa-kafka-private-endpoint-operator";

  @Test
  void theOperatorRunsAnEndpointToReadyAndDeleteWithOnlyTheChartsServiceAccount(TestCluster cluster) throws Exception {
    HelmCli helm = HelmCli.against(cluster);
    MotoAccount aws = new MotoAccount();
    try (KubernetesClient admin = cluster.newClient()) {
      ProjectCrds.install(admin);
      StrimziCrds.install(admin);
      for (String ns : new String[] {RELEASE_NS, BROKERS}) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
      }
      // The CRD is this test run's (installed above); the release brings the RBAC and the ServiceAccount.
      helm.helm("install", "sa", HelmCli.CHART.toString(), "--namespace", RELEASE_NS, "--set", "watchNamespaces={" + BROKERS + "}",
          "--set", "crds.install=false", "--set", "clusterName=it-sa").orFail("helm install");
      String kubeconfig = serviceAccountKubeconfig(admin, cluster);
      try (KubernetesClient asOperator = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
        // Not an admin: it reads no Secret, not even where it works.
        assertThatThrownBy(() -> asOperator.secrets().inNamespace(BROKERS).list())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      }

      // The brokers, as the other tests simulate them, and a VPC whose network interfaces carry their IPs.
      String vpc = aws.vpcWithSubnets("10.95");
      KafkaCluster kafka = new KafkaCluster(admin, BROKERS);
      StatefulSet sts = kafka.statefulSet("kafka", 3);
      for (int i = 1; i <= 3; i++) {
        kafka.awsNode("sanode-" + i, i);
        aws.podInterfaces(vpc, "10.95." + i + ".10");
        kafka.pod(sts, i - 1, "sanode-" + i, "10.95." + i + ".10");
      }

      AwsCredentials keys = MotoServer.get().operatorCredentials().resolveCredentials();
      try (OperatorProcess operator = OperatorProcess.start("chart-sa", kubeconfig, Map.of(
          "KPE_WATCH_NAMESPACES", BROKERS, "KPE_CLUSTER_NAME", "it-sa", "KPE_RESYNC_PERIOD", "5s",
          "KPE_LEADER_ELECTION", "true", "KPE_LEADER_ELECTION_NAMESPACE", RELEASE_NS,
          "AWS_ENDPOINT_URL", MotoServer.get().endpoint(), "AWS_ACCESS_KEY_ID", keys.accessKeyId(),
          "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey()))) {
        KafkaPrivateEndpoint endpoint = Endpoints.aws("viasa", "{statefulSet: {name: kafka, configVolume: kafka-config}}",
            "tidb", 39092, 9092, 9093);
        endpoint.getMetadata().setNamespace(BROKERS);
        endpoint.getSpec().getAws().setVpcId(vpc);
        admin.resource(endpoint).create();
        awaitStatus(admin, s -> "RollingRestart".equals(Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()),
            Duration.ofSeconds(120), operator);
        kafka.rolledOut("kafka");
        KafkaPrivateEndpointStatus ready = awaitStatus(admin,
            s -> "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()), Duration.ofSeconds(90), operator);
        assertThat(ready.getEndpointServiceName()).startsWith("com.amazonaws.vpce.us-west-2.vpce-svc-");
        assertThat(ready.getBrokers()).hasSize(3).allSatisfy(b -> assertThat(b.getHealth()).isEqualTo("healthy"));
        AwsNames names = AwsNames.of(admin.resources(KafkaPrivateEndpoint.class).inNamespace(BROKERS).withName("viasa").get());

        admin.resources(KafkaPrivateEndpoint.class).inNamespace(BROKERS).withName("viasa").delete();
        await().atMost(Duration.ofSeconds(90)).until(() ->
            admin.resources(KafkaPrivateEndpoint.class).inNamespace(BROKERS).withName("viasa").get() == null);
        assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
        assertThat(admin.configMaps().inNamespace(BROKERS).withName("kpe-viasa").get()).isNull();
        assertThat(Files.readString(operator.log())).as("the operator's log").doesNotContain("Forbidden")
            .doesNotContain("is forbidden");
      }
    } finally {
      helm.helm("uninstall", "sa", "--namespace", RELEASE_NS).orFail("helm uninstall");
    }
  }

  /** A kubeconfig holding only a token the API server issued for the release's ServiceAccount. */
  private static String serviceAccountKubeconfig(KubernetesClient admin, TestCluster cluster) {
    String token = admin.serviceAccounts().inNamespace(RELEASE_NS).withName(SERVICE_ACCOUNT)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build())
        .getStatus().getToken();
    Config adminConfig = Config.fromKubeconfig(cluster.kubeConfigYaml());
    String ca = adminConfig.getCaCertData() != null ? adminConfig.getCaCertData()
        : Base64.getEncoder().encodeToString(readFile(adminConfig.getCaCertFile()));
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
        - name: operator
          user: {token: "%s"}
        contexts:
        - name: operator
          context: {cluster: test, user: operator}
        current-context: operator
        """.formatted(adminConfig.getMasterUrl(), ca, token);
  }

  private static byte[] readFile(String path) {
    try {
      return Files.readAllBytes(java.nio.file.Path.of(path));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read the API server's CA " + path, e);
    }
  }

  private static KafkaPrivateEndpointStatus awaitStatus(KubernetesClient admin, Predicate<KafkaPrivateEndpointStatus> until,
      Duration atMost, OperatorProcess operator) {
    try {
      return await().atMost(atMost).until(() -> {
        KafkaPrivateEndpoint r = admin.resources(KafkaPrivateEndpoint.class).inNamespace(BROKERS).withName("viasa").get();
        return r == null ? null : r.getStatus();
      }, s -> s != null && until.test(s));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("timed out; the operator's log is " + operator.log(), e);
    }
  }
}
