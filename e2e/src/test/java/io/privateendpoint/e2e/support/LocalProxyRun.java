package io.privateendpoint.e2e.support;

import static io.privateendpoint.e2e.support.LocalRun.say;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.kafka.KafkaBrokers;
import io.privateendpoint.e2e.kafka.KafkaRoundTrip;
import io.privateendpoint.e2e.kafka.NetworkNamespaces;
import io.privateendpoint.e2e.kafka.ProxyKubelet;
import io.privateendpoint.e2e.kafka.TcpPortMapper;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ProxyUpstream;
import io.privateendpoint.operator.proxy.ProxyResources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;

/**
 * The Proxy half of hack/run-local.sh (spec.mode Proxy, AWS against moto): three real KRaft brokers and
 * the proxy's replicas, each in a network namespace of its own (10.234.0.0/24: brokers .10-.12, proxy
 * pods .13-.14); the operator jar discovers the brokers with the Admin API and writes the proxy's
 * ConfigMap, Deployment and budget, which ProxyKubelet runs as real Kroxylicious JVMs; then a consumer
 * reaches Kafka through exactly what moto holds (each NLB listener's port → its target group's targets,
 * carried by a TcpPortMapper on 127.0.234.1), and after the delete nothing of the endpoint may be left,
 * in moto or in the cluster.
 */
final class LocalProxyRun {

  private static final String TAG = "kpl";
  private static final int OCTET = 234;
  private static final int BROKERS = 3;
  private static final List<Integer> PROXY_HOSTS = List.of(3, 4);
  private static final List<String> PROXY_NODES = List.of("proxy-node-1", "proxy-node-2");
  /** The consumer's side of the "load balancer": a loopback address of this run's own, so ports do not collide. */
  private static final String LB_ADDRESS = "127.0.234.1";

  private LocalProxyRun() {}

  static void run(BinaryApiServerCluster cluster, KubernetesClient client, KafkaPrivateEndpoint endpoint, Path jar,
      Path sample, Path work) throws Exception {
    List<String> racks = List.of("usw2-az1", "usw2-az2", "usw2-az3");
    try (NetworkNamespaces hosts = NetworkNamespaces.create(TAG, OCTET, BROKERS + PROXY_HOSTS.size())) {
      say("network namespaces " + TAG + "-b0.." + TAG + "-b4 on 10." + OCTET + ".0.0/24: brokers " + hosts.address(0) + "-"
          + hosts.address(BROKERS - 1) + ", proxy pods " + hosts.address(3) + " and " + hosts.address(4));
      try (KafkaBrokers brokers = KafkaBrokers.start(hosts, BROKERS, racks, work.resolve("kafka"))) {
        String upstream = java.util.stream.IntStream.range(0, BROKERS)
            .mapToObj(i -> hosts.address(i) + ":" + KafkaBrokers.INTERNAL_PORT).collect(Collectors.joining(","));
        say("3 KRaft brokers (Apache Kafka jars) up, racks " + String.join(", ", racks) + "; logs in " + work.resolve("kafka"));
        replaceUpstream(endpoint, upstream);
        provision(cluster, client, endpoint, jar, sample, work, hosts, upstream);
      }
    }
  }

  /** The sample names brokers of another cluster; here they are the three local ones. */
  private static void replaceUpstream(KafkaPrivateEndpoint endpoint, String upstream) {
    ProxyUpstream override = endpoint.getSpec().getProxy() == null ? null : endpoint.getSpec().getProxy().getUpstream();
    if (override != null && override.getBootstrapServers() != null) {
      say("spec.proxy.upstream.bootstrapServers " + override.getBootstrapServers()
          + " does not resolve here: replaced by the three local brokers, " + upstream);
      override.setBootstrapServers(upstream);
    }
    if (endpoint.getSpec().getKafka().getBootstrapServers() != null) {
      say("spec.kafka.bootstrapServers " + endpoint.getSpec().getKafka().getBootstrapServers()
          + " does not resolve here: replaced by the three local brokers, " + upstream);
      endpoint.getSpec().getKafka().setBootstrapServers(upstream);
    }
  }

  private static void provision(BinaryApiServerCluster cluster, KubernetesClient client, KafkaPrivateEndpoint endpoint,
      Path jar, Path sample, Path work, NetworkNamespaces hosts, String upstream) throws Exception {
    say("starting moto");
    MotoServer moto = MotoServer.get();
    MotoAccount aws = new MotoAccount();
    // The NLB's subnets, one per AZ ID, named in spec.aws.subnets; the pods' subnet (where the network
    // namespaces' addresses live) is a fourth one in usw2-az1, which is why the NLB's must be named.
    String vpc = aws.vpcWithSubnets("10." + OCTET);
    aws.ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10." + OCTET + ".0.0/24").availabilityZoneId("usw2-az1"));
    Map<String, String> subnets = new TreeMap<>();
    aws.ec2.describeSubnets(b -> b.filters(Filter.builder().name("vpc-id").values(vpc).build())).subnets().stream()
        .filter(s -> !s.cidrBlock().equals("10." + OCTET + ".0.0/24"))
        .forEach(s -> subnets.put(s.availabilityZoneId(), s.subnetId()));
    String nodeGroup = aws.podInterfaces(vpc, hosts.address(PROXY_HOSTS.get(0)), hosts.address(PROXY_HOSTS.get(1)));
    List<String> rulesBefore = aws.ingressRules(nodeGroup);
    say("moto: " + vpc + " (10." + OCTET + ".0.0/16), NLB subnets " + subnets + ", pod subnet 10." + OCTET
        + ".0.0/24 with the proxy pods' network interfaces in node group " + nodeGroup);

    String ns = endpoint.getMetadata().getNamespace();
    String name = endpoint.getMetadata().getName();
    ProjectCrds.install(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
    KafkaCluster nodes = new KafkaCluster(client, ns);
    for (int i = 0; i < PROXY_NODES.size(); i++) {
      nodes.awsNode(PROXY_NODES.get(i), i + 1);
    }
    say("Nodes " + String.join(", ", PROXY_NODES) + " in usw2-az1, usw2-az2 for the proxy pods");

    var keys = moto.operatorCredentials().resolveCredentials();
    Process operator = LocalRun.startOperator(cluster, jar, work, Map.of("AWS_ENDPOINT_URL", moto.endpoint(),
        "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey()));
    say("operator: java -jar " + jar.getFileName() + " (AWS_ENDPOINT_URL=" + moto.endpoint()
        + ", IAM user with config/aws/iam-policy.json)");
    try (ProxyKubelet kubelet = new ProxyKubelet(client, endpoint, hosts, PROXY_HOSTS, PROXY_NODES, work.resolve("proxy"));
        TcpPortMapper mapper = new TcpPortMapper(InetAddress.getByName(LB_ADDRESS))) {
      endpoint.getSpec().getAws().setVpcId(vpc);
      endpoint.getSpec().getAws().setSubnets(new LinkedHashMap<>(subnets));
      client.resource(endpoint).create();
      say("applied " + sample + " (vpcId " + vpc + ", subnets " + subnets + ")");
      kubelet.start(Duration.ofSeconds(120));
      say("proxy " + ProxyResources.name(endpoint) + ": " + PROXY_HOSTS.size() + " Kroxylicious replicas running from the"
          + " operator's ConfigMap on " + hosts.address(3) + ", " + hosts.address(4) + " (logs in " + work.resolve("proxy") + ")");
      KafkaPrivateEndpointStatus status = LocalRun.await(client, ns, name, s -> LocalRun.reason(s, "Ready", "Ready"));

      Map<Integer, List<InetSocketAddress>> targets = loadBalancerTargets(aws, vpc);
      Map<Integer, String> upstreams = upstreamBrokers(upstream);
      System.out.println();
      status.getConditions().forEach(c -> System.out.println("  " + c.getType() + "=" + c.getStatus() + " (" + c.getReason()
          + "): " + c.getMessage()));
      System.out.println();
      System.out.printf("  %-7s %-20s %-6s %-58s %s%n", "node", "upstream", "port", "advertised", "targets (moto)");
      for (BrokerStatus b : status.getBrokers()) {
        System.out.printf("  %-7s %-20s %-6s %-58s %s %s%n", b.getNodeId(), upstreams.get(b.getNodeId()), b.getPort(),
            b.getAdvertised(), targets.getOrDefault(b.getPort(), List.of()).stream().map(LocalProxyRun::text)
                .collect(Collectors.joining(",")), b.getHealth());
      }
      for (String port : status.getBootstrapPorts().split(",")) {
        int p = Integer.parseInt(port.trim());
        System.out.printf("  %-7s %-20s %-6s %-58s %s%n", "-", "(bootstrap)", p, "-", targets.getOrDefault(p, List.of()).stream()
            .map(LocalProxyRun::text).collect(Collectors.joining(",")));
      }
      System.out.println();
      System.out.println("For the consumer's console:");
      System.out.println("  endpoint service name: " + status.getEndpointServiceName());
      System.out.println("  bootstrap ports:       " + status.getBootstrapPorts());
      System.out.println();

      consumerCheck(mapper, targets, status, work);

      LocalRun.deleteAndWait(client, ns, name, work);
      long left = aws.elb.describeLoadBalancers().loadBalancers().size() + aws.elb.describeTargetGroups().targetGroups().size()
          + aws.ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().size();
      List<String> rulesAfter = aws.ingressRules(nodeGroup);
      long rulesLeft = rulesAfter.stream().filter(r -> !rulesBefore.contains(r)).count();
      String proxyName = ProxyResources.name(endpoint);
      List<String> proxyLeft = new ArrayList<>();
      if (client.apps().deployments().inNamespace(ns).withName(proxyName).get() != null) {
        proxyLeft.add("Deployment");
      }
      if (client.configMaps().inNamespace(ns).withName(proxyName).get() != null) {
        proxyLeft.add("ConfigMap");
      }
      if (client.policy().v1().podDisruptionBudget().inNamespace(ns).withName(proxyName).get() != null) {
        proxyLeft.add("PodDisruptionBudget");
      }
      say("deleted the endpoint: " + (left + rulesLeft) + " load balancers, target groups, endpoint services or node-group"
          + " rules left in moto; proxy objects left: " + (proxyLeft.isEmpty() ? "none" : String.join(", ", proxyLeft)));
      if (left + rulesLeft != 0 || !proxyLeft.isEmpty()) {
        throw new IllegalStateException("cleanup left " + (left + rulesLeft) + " AWS resources and " + proxyLeft);
      }
    } finally {
      operator.destroy();
      operator.waitFor(15, TimeUnit.SECONDS);
    }
  }

  /** NLB listener port → the targets (ip:port) its target group holds in moto, for every NLB of the VPC. */
  private static Map<Integer, List<InetSocketAddress>> loadBalancerTargets(MotoAccount aws, String vpc) {
    Map<Integer, List<InetSocketAddress>> byPort = new TreeMap<>();
    for (LoadBalancer lb : aws.elb.describeLoadBalancers().loadBalancers()) {
      if (!vpc.equals(lb.vpcId())) {
        continue;
      }
      for (Listener listener : aws.elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners()) {
        String group = listener.defaultActions().get(0).targetGroupArn();
        byPort.put(listener.port(), aws.elb.describeTargetHealth(b -> b.targetGroupArn(group)).targetHealthDescriptions()
            .stream().map(t -> new InetSocketAddress(t.target().id(), t.target().port())).toList());
      }
    }
    return byPort;
  }

  /** Node id → the broker's own address, as the Admin API describes the upstream cluster. */
  private static Map<Integer, String> upstreamBrokers(String bootstrap) throws Exception {
    // The Admin client prints its whole configuration at INFO: noise in the run's output.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      Map<Integer, String> byId = new TreeMap<>();
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).forEach(n -> byId.put(n.id(), n.host() + ":" + n.port()));
      return byId;
    }
  }

  /**
   * The consumer's side: every load-balancer port carried to the targets moto holds, the advertised names
   * resolving to the mapper, and KafkaRoundTrip bootstrapping through the first bootstrap port.
   */
  private static void consumerCheck(TcpPortMapper mapper, Map<Integer, List<InetSocketAddress>> targets,
      KafkaPrivateEndpointStatus status, Path work) throws IOException, InterruptedException {
    for (var entry : targets.entrySet()) {
      if (entry.getValue().isEmpty()) {
        throw new IllegalStateException("moto holds no target behind load-balancer port " + entry.getKey());
      }
      mapper.map(entry.getKey(), entry.getValue());
    }
    say("consumer check: " + LB_ADDRESS + " ports " + targets.keySet() + " forwarded to the targets moto holds");
    Path hostsFile = work.resolve("consumer.hosts");
    Files.writeString(hostsFile, "127.0.0.1 localhost\n" + status.getBrokers().stream()
        .map(b -> LB_ADDRESS + " " + b.getAdvertised().substring(0, b.getAdvertised().lastIndexOf(':')))
        .collect(Collectors.joining("\n")) + "\n");
    String bootstrap = LB_ADDRESS + ":" + status.getBootstrapPorts().split(",")[0].trim();
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Djdk.net.hosts.file=" + hostsFile, "-cp", System.getProperty("java.class.path"),
        KafkaRoundTrip.class.getName(), bootstrap, "kpe-local-check"));
    Process client = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("consumer.log").toFile())
        .start();
    if (!client.waitFor(3, TimeUnit.MINUTES)) {
      client.destroyForcibly();
      throw new IllegalStateException("the consumer check did not finish within 3 minutes; see " + work.resolve("consumer.log"));
    }
    String output = Files.readString(work.resolve("consumer.log"), StandardCharsets.UTF_8);
    output.lines().filter(l -> l.startsWith("NODES ") || l.startsWith("LEADERS ") || l.startsWith("PRODUCED "))
        .forEach(l -> System.out.println("  " + l));
    String advertised = status.getBrokers().stream().map(BrokerStatus::getAdvertised)
        .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
    List<Integer> unused = status.getBrokers().stream().map(BrokerStatus::getPort).filter(p -> mapper.connectionsTo(p) == 0)
        .toList();
    if (client.exitValue() != 0 || !output.contains("NODES " + advertised + "\n") || !output.contains("PRODUCED 10 CONSUMED 10")
        || !unused.isEmpty()) {
      throw new IllegalStateException("consumer check failed (exit " + client.exitValue() + ", expected NODES " + advertised
          + ", broker ports never used: " + unused + "):\n" + output);
    }
    say("consumer check passed: every broker reached through its own load-balancer port");
    System.out.println();
  }

  private static String text(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
