package io.privateendpoint.e2e.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.kafka.KafkaBrokers;
import io.privateendpoint.e2e.kafka.KafkaProxyClient;
import io.privateendpoint.e2e.kafka.KafkaRoundTrip;
import io.privateendpoint.e2e.kafka.NetworkNamespaces;
import io.privateendpoint.e2e.kafka.ProxyKubelet;
import io.privateendpoint.e2e.kafka.TcpPortMapper;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorPolicy;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.gcp.GcpNames;
import io.privateendpoint.operator.model.BrokerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ProxySpec;
import io.privateendpoint.operator.model.SaslMechanism;
import io.privateendpoint.operator.model.SecurityProtocol;
import io.privateendpoint.operator.proxy.ProxyResources;
import io.privateendpoint.operator.proxy.ProxySide;
import io.privateendpoint.operator.status.ConditionType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;

/**
 * Proxy mode end to end, every part real but the pods' scheduling: KRaft brokers from the Apache
 * Kafka jars that nobody reconfigures, the operator (discovering them with the Admin API), the
 * proxy Deployment it writes run as real Kroxylicious replicas in their own network namespaces
 * (ProxyKubelet), the cloud emulated (moto enforcing the IAM policy; the Compute fake), and a TCP
 * port mapper fed with exactly the targets the emulator holds, standing in for the NLB or PSC. A
 * Kafka 4 client bootstraps through the mapper, sees the pattern's names, and produces and
 * consumes through every broker port; a proxy pod dies mid-stream; a broker joins upstream.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class ProxyModeIT {

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-proxy",
      "--resync-period", "3s");

  @TempDir
  Path work;
  /** The consumer's client settings (e.g. SASL), when the test sets them. */
  private Path clientConfig;
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = closing.size() - 1; i >= 0; i--) {
      try {
        closing.get(i).close();
      } catch (Exception e) {
        // the rest still closes
      }
    }
  }

  @AfterAll
  static void everyAwsCallWasAllowedByThePolicy() {
    OperatorPolicy.assertAllowed(MotoServer.get().calls());
  }

  /**
   * AWS: every proxy pod serves every port (each target group holds both pods), so a pod killed
   * mid-stream costs the producer nothing; a broker added upstream gets the next port and rolls the
   * proxy; delete leaves nothing in the cloud and no proxy object in the cluster.
   */
  @Test
  void awsEveryProxyPodServesEveryPort() throws Exception {
    NetworkNamespaces hosts = closeLater(NetworkNamespaces.create("pxa", 236, 6)); // 0-3 brokers, 4-5 proxies
    KafkaBrokers brokers = closeLater(KafkaBrokers.start(hosts, 3, List.of("usw2-az1", "usw2-az2", "usw2-az3"),
        work.resolve("brokers")));
    MotoAccount aws = new MotoAccount();
    String vpc = aws.vpcWithSubnets("10.236");
    // The namespaces' /24 is the pods' subnet (a VPC CNI hands pods addresses of the VPC).
    aws.ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.236.0.0/24").availabilityZoneId("usw2-az1"));
    String nodeGroup = aws.podInterfaces(vpc, hosts.address(4), hosts.address(5));
    List<String> nodeRulesBefore = aws.ingressRules(nodeGroup);
    KafkaCluster cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    cluster.awsNode("proxy-node-1", 1);
    cluster.awsNode("proxy-node-2", 2);

    KafkaPrivateEndpoint kpe = Endpoints.aws("proxied", "{bootstrapServers: \"" + hosts.address(0) + ":9092,"
        + hosts.address(1) + ":9092\"}", "tidb", 39092, 9092, 9093);
    kpe.getSpec().setMode(EndpointMode.Proxy);
    kpe.getSpec().getAws().setVpcId(vpc);
    kpe.getSpec().getAws().setSubnets(subnetsByZone(aws, vpc));
    // Someone else's PodDisruptionBudget of the proxy's name: nothing is written, in the cluster or the cloud.
    var client = operator.getKubernetesClient();
    String proxyName = "kpe-proxy-proxied";
    client.resource(new PodDisruptionBudgetBuilder().withNewMetadata().withName(proxyName)
        .withNamespace(operator.getNamespace()).endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(1))
        .withNewSelector().addToMatchLabels("app", "theirs").endSelector().endSpec().build()).create();
    int start = MotoServer.get().calls().mark();
    // Held at preview first: the preview stops where the pass would, at the namesake.
    kpe.getSpec().setPaused(true);
    kpe = operator.create(kpe);
    KafkaPrivateEndpointStatus held = Endpoints.awaitStatus(operator, "proxied",
        s -> "Paused".equals(Endpoints.condition(s, ConditionType.READY).getReason()));
    assertThat(held.getPlannedChanges()).last().asString()
        .startsWith("stops at ListenerConfigured (" + ProxySide.REASON_CONFLICT + "): PodDisruptionBudget " + proxyName);
    kpe = client.resources(KafkaPrivateEndpoint.class).inNamespace(operator.getNamespace()).withName("proxied")
        .edit(r -> {
          r.getSpec().setPaused(false);
          return r;
        });
    assertThat(Endpoints.awaitReason(operator, "proxied", ConditionType.LISTENER_CONFIGURED, ProxySide.REASON_CONFLICT)
        .getMessage()).contains("PodDisruptionBudget " + proxyName + " exists and was not made by this endpoint");
    assertThat(client.configMaps().inNamespace(operator.getNamespace()).withName(proxyName).get()).isNull();
    assertThat(client.apps().deployments().inNamespace(operator.getNamespace()).withName(proxyName).get()).isNull();
    assertThat(MotoServer.get().calls().mutatingSince(start)).isEmpty();
    client.policy().v1().podDisruptionBudget().inNamespace(operator.getNamespace()).withName(proxyName).delete();

    ProxyKubelet kubelet = closeLater(new ProxyKubelet(operator.getKubernetesClient(), kpe, hosts, List.of(4, 5),
        List.of("proxy-node-1", "proxy-node-2"), work.resolve("proxy"))).start(Duration.ofSeconds(60));

    KafkaPrivateEndpointStatus ready = awaitReady("proxied");
    assertThat(Endpoints.condition(ready, ConditionType.LISTENER_CONFIGURED).getReason()).isEqualTo(ProxySide.REASON_RUNNING);
    String pods = hosts.address(4) + ":%d," + hosts.address(5) + ":%d";
    // Zones from the brokers' racks; both pods behind every broker port.
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getZone, BrokerStatus::getPort,
        BrokerStatus::getTarget).containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "usw2-az1", 9093, pods.formatted(9093, 9093)),
            org.assertj.core.groups.Tuple.tuple(1, "usw2-az2", 9094, pods.formatted(9094, 9094)),
            org.assertj.core.groups.Tuple.tuple(2, "usw2-az3", 9095, pods.formatted(9095, 9095)));
    // The brokers were never touched: their configuration is as they started.
    assertThat(brokers.config(0)).doesNotContain("TIDB").doesNotContain("39092");

    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "proxied"));
    LoadBalancer lb = aws.loadBalancers(names.loadBalancer()).get(0);
    // The pods' group admits the NLB on the ports the pods serve, consecutive ports as one rule.
    assertThat(aws.ingressRules(nodeGroup).stream().filter(r -> !nodeRulesBefore.contains(r)).toList())
        .hasSize(2).anySatisfy(r -> assertThat(r).contains("tcp 9093-9095 from"))
        .anySatisfy(r -> assertThat(r).contains("tcp 39092-39092 from"));
    TcpPortMapper mapper = closeLater(new TcpPortMapper());
    Map<Integer, List<InetSocketAddress>> targets = awsTargets(aws, lb);
    assertThat(targets.keySet()).containsExactly(9092, 9093, 9094, 9095);
    assertThat(targets.get(9092)).containsExactlyInAnyOrder(new InetSocketAddress(hosts.address(4), 39092),
        new InetSocketAddress(hosts.address(5), 39092));
    for (var e : targets.entrySet()) {
      assertThat(e.getValue()).as("port %d targets every proxy pod", e.getKey()).hasSize(2);
      mapper.map(e.getKey(), e.getValue());
    }
    List<String> advertised = ready.getBrokers().stream().map(BrokerStatus::getAdvertised).toList();
    assertThat(advertised).containsExactly(
        "b0.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com:9093",
        "b1.usw2-az2.abc.us-west-2.aws.3199015.tidbcloud.com:9094",
        "b2.usw2-az3.abc.us-west-2.aws.3199015.tidbcloud.com:9095");
    String out = roundTrip("aws-check", advertised, "127.0.0.1:9092");
    assertThat(out).contains("NODES " + String.join(",", advertised)).contains("PRODUCED 10 CONSUMED 10");
    for (int port : List.of(9093, 9094, 9095)) {
      assertThat(mapper.connectionsTo(port)).as("connections through broker port %d", port).isPositive();
    }

    // A proxy pod dies mid-stream: the producer loses nothing (the other pod serves every port).
    Process producer = client(advertised, "produce", "127.0.0.1:9092", "aws-failover", "200", "20");
    Thread.sleep(1_500);
    kubelet.kill(0);
    String produced = finish(producer);
    assertThat(produced).as(produced).contains("ACKED 200 FAILED 0");
    String consumed = finish(client(advertised, "consume", "127.0.0.1:9092", "aws-failover", "200", "assign"));
    assertThat(consumed).as(consumed).contains("DISTINCT 200");

    // A broker joins upstream: the poll finds it, it takes the next port, the others keep theirs,
    // and the proxy rolls (one pod at a time) to serve it.
    kubelet.revive(0);
    brokers.addBroker(3, "usw2-az1");
    KafkaPrivateEndpointStatus four = Endpoints.awaitStatus(operator, "proxied", s -> s.getBrokers().size() == 4,
        Duration.ofSeconds(60));
    assertThat(four.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 9093), org.assertj.core.groups.Tuple.tuple(1, 9094),
            org.assertj.core.groups.Tuple.tuple(2, 9095), org.assertj.core.groups.Tuple.tuple(3, 9096));
    kubelet.rollWhenChanged(Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(60)).until(() -> awsTargets(aws, lb).containsKey(9096)
        && awsTargets(aws, lb).get(9096).size() == 2);
    mapper.map(9096, awsTargets(aws, lb).get(9096));
    awaitReady("proxied");
    List<String> advertised4 = new ArrayList<>(advertised);
    advertised4.add("b3.usw2-az1.abc.us-west-2.aws.3199015.tidbcloud.com:9096");
    String described = finish(client(advertised4, "describe", "127.0.0.1:9092", "-"));
    assertThat(described).contains("NODES " + String.join(",", advertised4));

    // Delete: nothing in the cloud, and the proxy's objects are gone from the cluster.
    String owner = operator.getNamespace() + "/proxied/" + kpe.getMetadata().getUid();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "proxied"));
    await().atMost(Duration.ofSeconds(90)).until(() -> operator.get(KafkaPrivateEndpoint.class, "proxied") == null);
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(aws.targetGroups(names.base() + "-")).isEmpty();
    assertThat(aws.endpointServices(owner)).isZero();
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isZero();
    assertProxyObjectsGone(kpe);
  }

  /**
   * GCP: a port-mapping NEG maps each client port to one VM and port, so each broker port points at
   * one ready proxy pod; when that pod dies (its readiness fails), the operator re-points the port at
   * the other pod. The window is measured: from the pod turning unready to the NEG's new endpoint.
   * The brokers here take SASL (PLAIN): the operator discovers them with the credentials of the
   * endpoint's Secret, and the proxy passes the consumer's own SASL through.
   */
  @Test
  void gcpEachPortIsRepointedWhenItsProxyPodDies() throws Exception {
    // 10.61.0.0/24: inside the pods' secondary range of GcpProject's subnetwork, so the NEG takes the pod IPs.
    NetworkNamespaces hosts = closeLater(NetworkNamespaces.create("pxg", 61, 5)); // 0-2 brokers, 3-4 proxies
    closeLater(KafkaBrokers.startWithSasl(hosts, 3, List.of("us-west1-a", "us-west1-b", "us-west1-c"), work.resolve("brokers")));
    String project = "kpe-proxy-it";
    GcpProject gcp = new GcpProject(project);
    KafkaCluster cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    gcp.node("gke-proxy-a", "us-west1-a", "10.60.0.31", hosts.address(3) + "/32");
    gcp.node("gke-proxy-b", "us-west1-b", "10.60.0.32", hosts.address(4) + "/32");
    cluster.gcpNode("gke-proxy-a", project, "us-west1-a");
    cluster.gcpNode("gke-proxy-b", project, "us-west1-b");

    // A wrong password first: the endpoint says why it cannot see the brokers, and nothing is built.
    secret("upstream-creds", "discovery", "not-the-password");
    KafkaPrivateEndpoint kpe = Endpoints.gcp("psc-proxied", "{bootstrapServers: \"" + hosts.address(0) + ":"
        + KafkaBrokers.SASL_PORT + "\"}", project, "psc-nat-proxy", "10.128.16.0/24");
    kpe.getSpec().setMode(EndpointMode.Proxy);
    kpe.getSpec().getListener().setSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
    ProxySpec proxy = new ProxySpec();
    proxy.getUpstream().setSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
    proxy.getUpstream().setSaslMechanism(SaslMechanism.PLAIN);
    proxy.getUpstream().setSecretRef("upstream-creds");
    kpe.getSpec().setProxy(proxy);
    kpe = operator.create(kpe);
    var refused = Endpoints.awaitReason(operator, "psc-proxied", ConditionType.LISTENER_CONFIGURED, "UpstreamUnreachable");
    assertThat(refused.getMessage())
        .contains(hosts.address(0) + ":" + KafkaBrokers.SASL_PORT).containsIgnoringCase("authentication");
    assertThat(operator.getKubernetesClient().apps().deployments().inNamespace(operator.getNamespace())
        .withName(ProxyResources.name(kpe)).get()).isNull();
    // The right one: the next poll (every 5 s) sees the brokers, and the endpoint is built.
    secret("upstream-creds", "discovery", KafkaBrokers.SASL_USERS.get("discovery"));

    ProxyKubelet kubelet = closeLater(new ProxyKubelet(operator.getKubernetesClient(), kpe, hosts, List.of(3, 4),
        List.of("gke-proxy-a", "gke-proxy-b"), work.resolve("proxy"))).start(Duration.ofSeconds(60));
    KafkaPrivateEndpointStatus ready = awaitReady("psc-proxied");
    String neg = GcpNames.of(operator.get(KafkaPrivateEndpoint.class, "psc-proxied")).neg();
    // Brokers in zone a and b go to the pod of their zone; c has no pod, so its broker goes to one of them.
    Map<Integer, String> endpoints = gcp.endpoints(neg);
    assertThat(endpoints).containsEntry(9093, "gke-proxy-a " + hosts.address(3) + ":9093")
        .containsEntry(9094, "gke-proxy-b " + hosts.address(4) + ":9094").containsKey(9095).hasSize(3);
    assertThat(ready.getBootstrapPorts()).isEqualTo("9093,9094,9095");
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getAdvertised).containsExactly(
        "b0.abc.us-west1.gcp.3199745.tidbcloud.com:9093", "b1.abc.us-west1.gcp.3199745.tidbcloud.com:9094",
        "b2.abc.us-west1.gcp.3199745.tidbcloud.com:9095");
    // The consumer authenticates as itself, through the proxy, to the brokers.
    clientConfig = work.resolve("alice.properties");
    Files.writeString(clientConfig, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\""
        + KafkaBrokers.SASL_USERS.get("alice") + "\";\n");

    TcpPortMapper mapper = closeLater(new TcpPortMapper());
    Map<Integer, InetSocketAddress> mapped = gcpTargets(gcp, neg);
    for (var e : mapped.entrySet()) {
      mapper.map(e.getKey(), List.of(e.getValue()));
    }
    List<String> advertised = ready.getBrokers().stream().map(BrokerStatus::getAdvertised).toList();
    String out = roundTrip("gcp-check", advertised, "127.0.0.1:9095");
    assertThat(out).contains("NODES " + String.join(",", advertised)).contains("PRODUCED 10 CONSUMED 10");
    for (int port : List.of(9093, 9094, 9095)) {
      assertThat(mapper.connectionsTo(port)).as("connections through broker port %d", port).isPositive();
    }

    // Pod a dies mid-stream; its ports move to pod b. The mapper follows what the NEG holds.
    Process producer = client(advertised, "produce", "127.0.0.1:9094", "gcp-failover", "300", "20");
    Thread.sleep(1_500);
    long killed = System.nanoTime();
    kubelet.kill(0);
    await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(30))
        .until(() -> {
          // Every port mapped again (a port is detached before it is attached elsewhere), all to pod b.
          Map<Integer, InetSocketAddress> now = gcpTargets(gcp, neg);
          return now.size() == 3 && now.values().stream().allMatch(t -> t.getHostString().equals(hosts.address(4)));
        });
    double repointed = (System.nanoTime() - killed) / 1e9;
    gcpTargets(gcp, neg).forEach((port, target) -> mapper.retarget(port, List.of(target)));
    String produced = finish(producer);
    assertThat(produced).as(produced).contains("ACKED 300 FAILED 0");
    String gap = produced.lines().filter(l -> l.startsWith("ACKED")).findFirst().orElse("");
    System.out.printf("BENCH gcp proxy failover: NEG re-pointed %.2f s after the pod turned unready; producer %s%n",
        repointed, gap);
    assertThat(repointed).as("seconds from an unready proxy pod to its ports re-pointed").isLessThan(15);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "psc-proxied"));
    await().atMost(Duration.ofSeconds(90)).until(() -> operator.get(KafkaPrivateEndpoint.class, "psc-proxied") == null);
    assertThat(gcp.networkEndpointGroupsNamed(neg)).isZero();
    assertThat(gcp.subnetsNamed("psc-nat-proxy")).isZero();
    assertProxyObjectsGone(kpe);
  }

  /** Ready within 90 s; otherwise the conditions it ended with say why (Endpoints.awaitStatus). */
  private static KafkaPrivateEndpointStatus awaitReady(String name) {
    return Endpoints.awaitReady(operator, name, Duration.ofSeconds(90));
  }

  /** A Secret in the test's namespace with the upstream's SASL username and password (created or replaced). */
  private static void secret(String name, String username, String password) {
    operator.getKubernetesClient().resource(new SecretBuilder().withNewMetadata().withName(name)
        .withNamespace(operator.getNamespace()).endMetadata().addToStringData("username", username)
        .addToStringData("password", password).build()).createOr(r -> r.update());
  }

  private void assertProxyObjectsGone(KafkaPrivateEndpoint kpe) {
    var client = operator.getKubernetesClient();
    String name = ProxyResources.name(kpe);
    String ns = operator.getNamespace();
    assertThat(client.apps().deployments().inNamespace(ns).withName(name).get()).isNull();
    assertThat(client.configMaps().inNamespace(ns).withName(name).get()).isNull();
    assertThat(client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(name).get()).isNull();
  }

  private static Map<String, String> subnetsByZone(MotoAccount aws, String vpc) {
    Map<String, String> out = new TreeMap<>();
    aws.ec2.describeSubnets(b -> b.filters(f -> f.name("vpc-id").values(vpc))).subnets().stream()
        .filter(s -> !s.cidrBlock().endsWith(".0.0/24"))
        .forEach(s -> out.put(s.availabilityZoneId(), s.subnetId()));
    return out;
  }

  /** NLB listener port → the targets its target group holds, as moto lists them. */
  private static Map<Integer, List<InetSocketAddress>> awsTargets(MotoAccount aws, LoadBalancer lb) {
    Map<Integer, List<InetSocketAddress>> out = new TreeMap<>();
    for (Listener l : aws.elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners()) {
      String group = l.defaultActions().get(0).targetGroupArn();
      out.put(l.port(), aws.elb.describeTargetHealth(b -> b.targetGroupArn(group)).targetHealthDescriptions().stream()
          .map(t -> new InetSocketAddress(t.target().id(), t.target().port())).toList());
    }
    return out;
  }

  /** Client port → the one ip:port the NEG maps it to, as Compute lists it. */
  private static Map<Integer, InetSocketAddress> gcpTargets(GcpProject gcp, String neg) {
    return gcp.networkEndpoints(neg).stream().collect(Collectors.toMap(e -> e.getClientDestinationPort(),
        e -> new InetSocketAddress(e.getIpAddress(), e.getPort()), (a, b) -> a, TreeMap::new));
  }

  private String roundTrip(String topic, List<String> advertised, String bootstrap) throws Exception {
    List<String> command = java(KafkaRoundTrip.class.getName(), hostsFile(topic, advertised), bootstrap, topic);
    return finish(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  private Process client(List<String> advertised, String... args) throws IOException {
    List<String> command = java(KafkaProxyClient.class.getName(), hostsFile(args[0] + "-" + args[2], advertised), args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** The advertised names resolve to the mapper, as the consumer's private DNS resolves them to its endpoint. */
  private String hostsFile(String name, List<String> advertised) throws IOException {
    Path file = work.resolve(name + ".hosts");
    Files.writeString(file, "127.0.0.1 localhost\n" + advertised.stream().map(a -> "127.0.0.1 " + a.substring(0, a.lastIndexOf(':')))
        .collect(Collectors.joining("\n")) + "\n");
    return file.toString();
  }

  private List<String> java(String mainClass, String hostsFile, String... args) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-Djdk.net.hosts.file=" + hostsFile));
    if (clientConfig != null) {
      command.add("-Dkpe.client.config=" + clientConfig);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    return command;
  }

  private static String finish(Process process) throws Exception {
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closing.add(closeable);
    return closeable;
  }
}
