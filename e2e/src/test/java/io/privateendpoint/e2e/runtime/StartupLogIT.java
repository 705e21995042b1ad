package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.Kubectl;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a user sees of the operator jar (java -jar, as the image runs it): --version and --help answer
 * and exit 0 without touching a cluster; a real run — start-up against the tests' API server, one AWS
 * and one GCP endpoint to Ready and deleted — logs no WARN or ERROR line and no JVM warning (e.g.
 * sun.misc.Unsafe from a library, which the JVM prints as "WARNING:" on stderr, in the same log), and
 * {@code kubectl get} shows the endpoints' bootstrap ports and broker counts.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class StartupLogIT {

  private static final String NAMESPACE = "kpe-startup";
  private static final String PROJECT = "kpe-startup-project";
  /** logback's level as LogSetup's text pattern puts it after the timestamp, and the JVM's own warnings. */
  private static final Pattern NOISE = Pattern.compile("^\\S+ (WARN|ERROR) .*|^WARNING: .*");

  private static KubernetesClient client;
  private static MotoAccount aws;
  private static GcpProject gcp;
  private static KafkaCluster cluster;
  private static String vpc;
  private static OperatorProcess operator;

  @BeforeAll
  static void start() {
    client = KubernetesApiServerExtension.cluster().newClient();
    ProjectCrds.install(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).createOr(r -> r.update());
    aws = new MotoAccount();
    vpc = aws.vpcWithSubnets("10.71");
    gcp = new GcpProject(PROJECT);
    cluster = new KafkaCluster(client, NAMESPACE);
    for (int n = 1; n <= 3; n++) {
      cluster.awsNode("node-" + n, n);
      String zone = "us-west1-" + (char) ('a' + n - 1);
      gcp.node("gke-startup-" + n, zone, n);
      cluster.gcpNode("gke-startup-" + n, PROJECT, zone);
    }
    var keys = MotoServer.get().operatorCredentials().resolveCredentials();
    operator = OperatorProcess.start("kpe-startup", Map.of("AWS_ENDPOINT_URL", MotoServer.get().endpoint(),
        "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(),
        "KPE_GCP_COMPUTE_ENDPOINT", LocalCompute.get().endpoint()),
        "--cluster-name", "it-startup", "--namespaces", NAMESPACE);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void versionAndHelpAnswerAndExitZero() throws Exception {
    String version;
    try (JarFile jar = new JarFile(OperatorProcess.jar().toFile())) {
      version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
    assertThat(version).isNotBlank();
    assertThat(runJar("--version")).isEqualTo("kafka-private-endpoint-operator " + version + "\n");
    assertThat(runJar("--help")).contains("--resync-period").contains("KPE_RESYNC_PERIOD").contains("(default: 10m)")
        .contains("(default: kafka-private-endpoint-operator:" + version.replace("-SNAPSHOT", "") + ")");
  }

  @Test
  void aRealRunLogsNoWarningNorError() throws IOException {
    await().atMost(Duration.ofSeconds(180)).until(() -> operator.health("/readyz").startsWith("200 "));

    StatefulSet awsBrokers = cluster.statefulSet("kafka-aws", 3);
    StatefulSet gcpBrokers = cluster.statefulSet("kafka-gcp", 3);
    for (int i = 0; i < 3; i++) {
      String ip = "10.71." + (i + 1) + ".10";
      aws.podInterfaces(vpc, ip);
      cluster.pod(awsBrokers, i, "node-" + (i + 1), ip);
      cluster.pod(gcpBrokers, i, "gke-startup-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint onAws = Endpoints.aws("on-aws", "{statefulSet: {name: kafka-aws, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    onAws.getSpec().getAws().setVpcId(vpc);
    KafkaPrivateEndpoint onGcp = Endpoints.gcp("on-gcp", "{statefulSet: {name: kafka-gcp, configVolume: kafka-config}}",
        PROJECT, "psc-nat-startup", "10.129.0.0/24");
    for (KafkaPrivateEndpoint kpe : List.of(onAws, onGcp)) {
      kpe.getMetadata().setNamespace(NAMESPACE);
      client.resource(kpe).create();
    }
    for (String name : List.of("on-aws", "on-gcp")) {
      String sts = "on-aws".equals(name) ? "kafka-aws" : "kafka-gcp";
      awaitStatus(name, s -> "RollingRestart".equals(Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()));
      cluster.rolledOut(sts);
    }
    for (String name : List.of("on-aws", "on-gcp")) {
      KafkaPrivateEndpointStatus ready = awaitStatus(name, s -> "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()));
      assertThat(ready.getBrokerCount()).isEqualTo(3);
    }
    // kubectl get shows what to give the consumer and how many brokers are behind it.
    String table = new Kubectl(KubernetesApiServerExtension.cluster()).run("get", "kpe", "-n", NAMESPACE);
    assertThat(column(table, "on-aws", "BOOTSTRAP PORTS")).isEqualTo("9092");
    assertThat(column(table, "on-aws", "BROKERS")).isEqualTo("3");
    assertThat(column(table, "on-gcp", "BOOTSTRAP PORTS")).isEqualTo("9093,9094,9095");
    assertThat(column(table, "on-gcp", "BROKERS")).isEqualTo("3");
    client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE).delete();
    await().atMost(Duration.ofSeconds(180)).until(() -> client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE)
        .list().getItems().isEmpty());

    List<String> log = Files.readAllLines(operator.log(), StandardCharsets.UTF_8);
    // The log is the operator's: it started, and it did its work (a test that reads an empty file proves nothing).
    assertThat(log).anyMatch(l -> l.contains(" INFO ") && l.contains("starting: cluster name it-startup"));
    assertThat(log).as("WARN/ERROR lines in %s", operator.log()).noneMatch(l -> NOISE.matcher(l).matches());
  }

  private static KafkaPrivateEndpointStatus awaitStatus(String name, Predicate<KafkaPrivateEndpointStatus> until) {
    return await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> {
      KafkaPrivateEndpoint r = client.resources(KafkaPrivateEndpoint.class).inNamespace(NAMESPACE).withName(name).get();
      return r == null ? null : r.getStatus();
    }, s -> s != null && until.test(s));
  }

  /** The value in {@code kubectl get}'s table under {@code header}, on the row of {@code name}. */
  private static String column(String table, String name, String header) {
    String head = table.lines().findFirst().orElseThrow();
    int at = head.indexOf(header);
    assertThat(at).as("column %s in %s", header, head).isNotNegative();
    String row = table.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow();
    return row.substring(at).split("\\s+")[0];
  }

  /** The jar with {@code flag} and no cluster at all: stdout and stderr together; fails unless it exits 0. */
  private static String runJar(String flag) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        OperatorProcess.jar().toString(), flag));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("KUBECONFIG", "/nonexistent");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit of java -jar … %s: %s", flag, output).isZero();
    return output;
  }
}
