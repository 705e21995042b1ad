package io.privateendpoint.e2e.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.cloud.UidNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plan preview as a user meets it: {@code kubectl kpe plan} (bin/kubectl-kpe, running the operator
 * jar's {@code plan} command as its own process) against the real API server and moto, and an endpoint
 * held at preview with {@code spec.paused}. Golden outputs for create, no change and scale-out; during
 * each {@code plan} nothing in the cluster or the cloud changes (every object's resourceVersion, every
 * AWS resource), and the calls it reports making are reads only. While paused the operator makes no
 * mutating AWS call and does not touch the StatefulSet, and its status lists the same changes as the
 * command.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class PlanCommandIT {

  private static final boolean UPDATE = Boolean.getBoolean("kpe.golden.update");
  private static final Path GOLDEN = KubernetesApiServerExtension.projectRoot().resolve("e2e/src/test/resources/golden/plan");

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-plan",
      "--resync-period", "3s");

  private static MotoAccount aws;
  private static KafkaCluster cluster;
  private static AwsCalls calls;

  @BeforeAll
  static void account() {
    aws = new MotoAccount();
    calls = MotoServer.get().calls();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  @Test
  void previewsHoldsAtPreviewAndAppliesOnlyWhenUnpaused() throws Exception {
    String vpc = aws.vpcWithSubnets("10.61");
    aws.nodeGroup(vpc);
    StatefulSet sts = cluster.statefulSet("kafka", 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, "10.61." + (i + 1) + ".10");
      cluster.pod(sts, i, "node-" + (i + 1), "10.61." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint endpoint = Endpoints.aws("held", "{statefulSet: {name: kafka, configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    endpoint.getSpec().getAws().setVpcId(vpc);
    endpoint.getMetadata().setNamespace(operator.getNamespace());
    Path manifest = Files.createTempFile("kpe-plan", ".yaml");
    Files.writeString(manifest, Serialization.asYaml(endpoint));

    // 1. A new endpoint, from its manifest: everything is to create, and the brokers restart.
    Snapshot before = Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws);
    Run create = plan("plan", "-f", manifest.toString());
    assertThat(create.exit()).as(create.output()).isZero();
    assertThat(Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws)).isEqualTo(before);
    assertReadOnly(create);
    golden("aws-create", create.output());
    assertThat(create.output()).contains("(new)").contains("+ create ConfigMap")
        .contains("~ change StatefulSet " + operator.getNamespace() + "/kafka: listener TIDB; brokers 0, 1, 2 restart one at a time");

    // 2. Held at preview: the status lists the same changes; nothing is applied, in the cluster or in AWS.
    int mark = calls.mark();
    endpoint.getSpec().setPaused(true);
    KafkaPrivateEndpoint held = operator.create(endpoint);
    KafkaPrivateEndpointStatus paused = Endpoints.awaitStatus(operator, "held",
        s -> "Paused".equals(Endpoints.condition(s, ConditionType.READY).getReason()));
    assertThat(paused.getPlannedChanges()).isNotEmpty();
    assertThat(normalised(String.join("\n", paused.getPlannedChanges()), UidNames.base(held)))
        .isEqualTo(normalised(changeLines(create.output()), "kpe-<uid>"));
    // A few resyncs later (3 s each) still nothing written.
    Thread.sleep(7_000);
    assertThat(calls.mutatingSince(mark)).isEmpty();
    assertThat(calls.since(mark)).as("the paused endpoint's preview reads the cloud").isNotEmpty();
    assertThat(cluster.get("kafka").getMetadata().getResourceVersion()).isEqualTo(sts.getMetadata().getResourceVersion());
    assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace())
        .withLabel("kafka.privateendpoint.io/endpoint", "held").list().getItems()).isEmpty();

    // 3. The same preview for the endpoint in the cluster, by name: its own uid names the resources.
    Run live = plan("plan", "held", "-n", operator.getNamespace());
    assertThat(live.exit()).as(live.output()).isZero();
    assertThat(live.output()).contains("(exists)").contains(UidNames.base(held));
    assertThat(changeLines(live.output())).isEqualTo(String.join("\n", paused.getPlannedChanges()));

    // 4. Unpaused: applied, then Ready; a preview now has nothing to do.
    operator.getKubernetesClient().resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace()).withName("held")
        .edit(r -> {
          r.getSpec().setPaused(null);
          return r;
        });
    Endpoints.awaitStatus(operator, "held", s -> "RollingRestart".equals(
        Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()), Duration.ofSeconds(120));
    cluster.rolledOut("kafka");
    KafkaPrivateEndpointStatus ready = Endpoints.awaitReady(operator, "held");
    assertThat(ready.getPlannedChanges()).isNull();
    Snapshot built = Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws);
    Run same = plan("plan", "held", "-n", operator.getNamespace());
    assertThat(same.exit()).as(same.output()).isZero();
    assertThat(same.output()).contains("(none)").contains("nothing would change");
    assertReadOnly(same);
    golden("aws-no-change", same.output());

    // 5. Scale-out, while held: a fourth broker is to be added (its entry, its port, its targets); nobody restarts.
    operator.getKubernetesClient().resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace()).withName("held")
        .edit(r -> {
          r.getSpec().setPaused(true);
          return r;
        });
    Endpoints.awaitStatus(operator, "held", s -> "Paused".equals(Endpoints.condition(s, ConditionType.READY).getReason()));
    aws.podInterfaces(vpc, "10.61.1.11");
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafka").scale(4);
    cluster.pod(cluster.get("kafka"), 3, "node-1", "10.61.1.11");
    KafkaPrivateEndpointStatus pausedAgain = Endpoints.awaitStatus(operator, "held",
        s -> s.getPlannedChanges() != null && s.getPlannedChanges().stream().anyMatch(l -> l.startsWith("change ConfigMap")));
    Snapshot scaled = Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws);
    Run scaleOut = plan("plan", "held", "-n", operator.getNamespace());
    assertThat(scaleOut.exit()).as(scaleOut.output()).isZero();
    assertThat(Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws)).isEqualTo(scaled);
    assertReadOnly(scaleOut);
    golden("aws-scale-out", scaleOut.output());
    assertThat(scaleOut.output()).contains("broker 3").doesNotContain("restart one at a time");
    assertThat(changeLines(scaleOut.output())).isEqualTo(String.join("\n", pausedAgain.getPlannedChanges()));
    assertThat(built.aws()).isEqualTo(scaled.aws());

    // Deleted while held: the delete is not held, everything the endpoint made goes (and no later
    // test's operator meets a paused endpoint left behind).
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "held"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> operator.get(KafkaPrivateEndpoint.class, "held") == null);
    assertThat(aws.elb.describeLoadBalancers().loadBalancers()).noneMatch(lb -> lb.loadBalancerName().equals(UidNames.base(held)));
  }

  /**
   * The same command for a Google Cloud endpoint, against the Compute fake: everything is to create,
   * and the fake saw reads only (Get, List, AggregatedList), as the command's own count says.
   */
  @Test
  void previewsAGcpEndpointFromItsManifestReadingComputeOnly() throws Exception {
    String project = "kpe-it-cli";
    GcpProject gcp = new GcpProject(project);
    ComputeFake fake = LocalCompute.get();
    for (int n = 1; n <= 3; n++) {
      String zone = "us-west1-" + (char) ('a' + n - 1);
      gcp.node("gcli-node-" + n, zone, n);
      cluster.gcpNode("gcli-node-" + n, project, zone);
    }
    StatefulSet sts = cluster.statefulSet("kafkag", 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, "gcli-node-" + (i + 1), "10.62." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint endpoint = Endpoints.gcp("gheld", "{statefulSet: {name: kafkag, configVolume: kafka-config}}",
        project, "psc-nat-cli", "10.131.0.0/24");
    endpoint.getMetadata().setNamespace(operator.getNamespace());
    Path manifest = Files.createTempFile("kpe-plan-gcp", ".yaml");
    Files.writeString(manifest, Serialization.asYaml(endpoint));

    Snapshot before = Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws);
    int mark = fake.mark();
    Run create = plan("plan", "-f", manifest.toString(), "--gcp-compute-endpoint", fake.endpoint());
    assertThat(create.exit()).as(create.output()).isZero();
    assertThat(Snapshot.take(operator.getKubernetesClient(), operator.getNamespace(), aws)).isEqualTo(before);
    assertReadOnly(create);
    assertThat(fake.mutatingCallsSince(mark)).isEmpty();
    assertThat(fake.callsSince(mark)).extracting(ComputeFake.Call::rpc).isNotEmpty().allSatisfy(rpc ->
        assertThat(rpc.substring(rpc.indexOf('.') + 1)).matches("(Get|List|AggregatedList).*"));
    assertThat(gcp.negs("kpe-")).noneMatch(n -> n.getSelfLink().contains("/projects/" + project + "/"));
    golden("gcp-cli-create", create.output());
    assertThat(create.output()).contains("+ create service attachment ").contains("+ create firewall rule ")
        .contains("brokers 0, 1, 2 restart one at a time");
  }

  /** Every cloud operation the command says it called is a read, and it wrote nothing to Kubernetes. */
  private static void assertReadOnly(Run run) {
    Matcher summary = Pattern.compile("read-only: (\\d+) Kubernetes read\\(s\\), (\\d+) cloud call\\(s\\)(?: \\((.*)\\))?; nothing was written")
        .matcher(run.output());
    assertThat(summary.find()).as(run.output()).isTrue();
    assertThat(Integer.parseInt(summary.group(1))).isPositive();
    assertThat(Integer.parseInt(summary.group(2))).as("the preview reads the cloud").isPositive();
    for (String call : summary.group(3).split(", ")) {
      String operation = call.replaceAll(" ×\\d+$", "");
      assertThat(operation.substring(operation.indexOf('.') + 1)).as(run.output()).matches("(Describe|Get|List|AggregatedList).*");
    }
  }

  /** The "changes:" block of the command's output, as the status's plannedChanges would list it. */
  private static String changeLines(String output) {
    List<String> lines = new ArrayList<>();
    boolean in = false;
    for (String line : output.split("\n")) {
      if (line.equals("changes:")) {
        in = true;
      } else if (in && line.isBlank()) {
        break;
      } else if (in && !line.equals("  (none)")) {
        lines.add(line.substring(4));
      }
    }
    return String.join("\n", lines);
  }

  /** What differs between runs (moto's ids and ARNs, the test namespace, uid-derived names) made stable. */
  private static String normalised(String text, String base) {
    String uidNamed = base.startsWith("kpe-<") ? text : text.replace(base, "kpe-<uid>").replace(base.substring(0, 14), "kpe-<uid>");
    return uidNamed
        .replace(operator.getNamespace(), "<ns>")
        .replaceAll("arn:aws:[^\\s,;)\\]]+", "arn:*")
        .replaceAll("\\b(vpc|subnet|sg|sgr|eni|vpce-svc|vpce|i)-[0-9a-f]{8,17}\\b", "$1-*")
        .replaceAll("read-only: .*", "read-only: (calls)");
  }

  private static void golden(String name, String output) throws IOException {
    Path file = GOLDEN.resolve(name + ".txt");
    String text = normalised(output, "kpe-<uid>").replaceAll("kpe-[0-9a-f]{12}", "kpe-<uid>").replaceAll("kpe-[0-9a-f]{10}-b", "kpe-<uid>-b");
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, text);
    }
    assertThat(file).as("missing %s (run with -Dkpe.golden.update=true)", file).exists();
    assertThat(text).isEqualTo(Files.readString(file));
  }

  private record Run(int exit, String output) {}

  /** bin/kubectl-kpe as a user runs it: its own process, the operator jar, KUBECONFIG and AWS_* of its own. */
  private static Run plan(String... args) throws Exception {
    Path work = Path.of("target").toAbsolutePath();
    Path kubeconfig = work.resolve("kubeconfig-plan");
    Files.writeString(kubeconfig, KubernetesApiServerExtension.cluster().kubeConfigYaml());
    List<String> command = new ArrayList<>(List.of("bash", KubernetesApiServerExtension.projectRoot().resolve("bin/kubectl-kpe").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--cluster-name", "it-plan"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("KPE_"));
    var keys = MotoServer.get().operatorCredentials().resolveCredentials();
    builder.environment().putAll(Map.of("KUBECONFIG", kubeconfig.toString(), "AWS_ENDPOINT_URL", MotoServer.get().endpoint(),
        "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(),
        "KPE_OPERATOR_JAR", OperatorProcess.jar().toString(), "JAVA_HOME", System.getProperty("java.home")));
    // kubectl for "plan NAME": the one on PATH (hack/lib.sh provides it).
    Path err = Files.createTempFile("kpe-plan", ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err);
    return new Run(process.exitValue(), out + (stderr.isBlank() ? "" : "\n[stderr]\n" + stderr));
  }

  /** Everything a preview must leave alone: each object's resourceVersion in the namespace, and AWS's resources. */
  private record Snapshot(Map<String, String> kube, List<String> aws) {

    static Snapshot take(KubernetesClient client, String namespace, MotoAccount aws) {
      Map<String, String> versions = new TreeMap<>();
      Stream.of(client.apps().statefulSets().inNamespace(namespace).list().getItems(),
              client.configMaps().inNamespace(namespace).list().getItems(),
              client.services().inNamespace(namespace).list().getItems(),
              client.pods().inNamespace(namespace).list().getItems(),
              client.resources(KafkaPrivateEndpoint.class).inNamespace(namespace).list().getItems())
          .flatMap(List::stream)
          .forEach((HasMetadata o) -> versions.put(o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
      List<String> cloud = new ArrayList<>();
      aws.elb.describeLoadBalancers().loadBalancers().forEach(lb -> cloud.add(lb.loadBalancerArn() + " " + lb.securityGroups()));
      aws.elb.describeTargetGroups().targetGroups().forEach(g -> cloud.add(g.targetGroupArn()
          + " " + aws.elb.describeTargetHealth(b -> b.targetGroupArn(g.targetGroupArn())).targetHealthDescriptions().size()));
      aws.ec2.describeSecurityGroupRules(b -> { }).securityGroupRules().forEach(r -> cloud.add(r.securityGroupRuleId()));
      aws.ec2.describeVpcEndpointServiceConfigurations(b -> { }).serviceConfigurations().forEach(s -> cloud.add(s.serviceId()));
      cloud.sort(null);
      return new Snapshot(versions, cloud);
    }
  }
}
