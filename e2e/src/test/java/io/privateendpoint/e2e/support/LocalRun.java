package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * hack/run-local.sh, on this machine only: a local API server, three brokers simulated as in the
 * tests (Nodes in three zones, a StatefulSet, its Pods) — or, for a mode: Proxy sample, real brokers
 * behind real proxy replicas (LocalProxyRun) — the cloud of the sample emulated (moto for
 * AWS, the Compute fake for GCP), the operator jar run as a process pointed at it, the sample
 * applied; it prints what the consumer's console needs, then deletes the endpoint and checks that
 * nothing is left in the cloud.
 *
 * <p>Arguments: the operator jar, the sample, a work directory.
 */
public final class LocalRun {

  private LocalRun() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      // Clients' and servers' threads may outlive main: exit explicitly so that a failure is an exit code.
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path sample = Path.of(args[1]);
    Path work = Path.of(args[2]);
    String version = System.getProperty("kpe.kubernetes.version", "1.34.1");
    KafkaPrivateEndpoint endpoint = Serialization.unmarshal(Files.readString(sample), KafkaPrivateEndpoint.class);
    boolean proxy = endpoint.getSpec().getMode() == EndpointMode.Proxy;
    if (proxy && endpoint.getSpec().getAws() == null) {
      throw new IllegalArgumentException(sample + ": the local run of Proxy mode emulates AWS only; use an aws sample");
    }
    if (!proxy && endpoint.getSpec().getKafka().getStatefulSet() == null) {
      throw new IllegalArgumentException(sample + ": the local run simulates a StatefulSet of brokers, or runs real brokers"
          + " behind the proxy; use a statefulSet or a mode: Proxy sample");
    }
    try (BinaryApiServerCluster cluster = BinaryApiServerCluster.start(KubernetesApiServerExtension.projectRoot(), version);
        KubernetesClient client = cluster.newClient()) {
      if (proxy) {
        LocalProxyRun.run(cluster, client, endpoint, jar, sample, work);
      } else if (endpoint.getSpec().getGcp() != null) {
        LocalGcpRun.run(cluster, client, endpoint, jar, sample, work);
      } else {
        runAws(cluster, client, endpoint, jar, sample, work);
      }
    }
  }

  private static void runAws(BinaryApiServerCluster cluster, KubernetesClient client, KafkaPrivateEndpoint endpoint,
      Path jar, Path sample, Path work) throws Exception {
    {
      say("local API server up; starting moto");
      MotoServer moto = MotoServer.get();
      Ec2Client ec2 = Ec2Client.builder().region(Region.US_WEST_2).build();
      ElasticLoadBalancingV2Client elb = ElasticLoadBalancingV2Client.builder().region(Region.US_WEST_2).build();
      String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
      for (int az = 1; az <= 3; az++) {
        int n = az;
        ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.0." + n + ".0/24").availabilityZoneId("usw2-az" + n));
      }
      // The pods' IPs live on network interfaces in an EKS-like node group, as the VPC CNI makes them:
      // the operator admits the NLB's security group there.
      String nodeGroup = ec2.createSecurityGroup(b -> b.groupName("eks-nodes").description("EKS nodes").vpcId(vpc)).groupId();
      String[] subnetIds = ec2.describeSubnets(b -> b.filters(f -> f.name("vpc-id").values(vpc))).subnets().stream()
          .sorted(java.util.Comparator.comparing(sn -> sn.cidrBlock())).map(sn -> sn.subnetId()).toArray(String[]::new);
      for (int az = 1; az <= 3; az++) {
        String subnet = subnetIds[az - 1];
        String ip = "10.0." + az + ".10";
        ec2.createNetworkInterface(b -> b.subnetId(subnet).privateIpAddress(ip).groups(nodeGroup));
      }
      say("moto: " + vpc + " with a subnet in usw2-az1, usw2-az2, usw2-az3 and node group " + nodeGroup);

      String ns = endpoint.getMetadata().getNamespace();
      String stsName = endpoint.getSpec().getKafka().getStatefulSet().getName();
      KafkaCluster nodes = new KafkaCluster(client, ns);
      for (int az = 1; az <= 3; az++) {
        nodes.awsNode("node-" + az, az);
      }
      KafkaCluster kafka = brokers(client, endpoint, List.of("node-1", "node-2", "node-3"),
          List.of("10.0.1.10", "10.0.2.10", "10.0.3.10"));
      say("simulated brokers: StatefulSet " + stsName + " with 3 pods on nodes in usw2-az1..3");

      // The operator as moto's IAM user holding config/aws/iam-policy.json, as its role would be.
      var keys = moto.operatorCredentials().resolveCredentials();
      Process operator = startOperator(cluster, jar, work, Map.of("AWS_ENDPOINT_URL", moto.endpoint(),
          "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey()));
      say("operator: java -jar " + jar.getFileName() + " (AWS_ENDPOINT_URL=" + moto.endpoint()
          + ", IAM user with config/aws/iam-policy.json)");
      try {
        endpoint.getSpec().getAws().setVpcId(vpc);
        client.resource(endpoint).create();
        String name = endpoint.getMetadata().getName();
        say("applied " + sample + " (vpcId " + vpc + ")");
        KafkaPrivateEndpointStatus status = readyAfterRoll(client, kafka, ns, name, stsName);
        System.out.println("For the consumer's console:");
        System.out.println("  endpoint service name: " + status.getEndpointServiceName());
        System.out.println("  bootstrap ports:       " + status.getBootstrapPorts());
        System.out.println();
        deleteAndWait(client, ns, name, work);
        long left = elb.describeLoadBalancers().loadBalancers().size() + elb.describeTargetGroups().targetGroups().size()
            + ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().size()
            + ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(nodeGroup))).securityGroupRules()
                .stream().filter(r -> !r.isEgress()).count();
        say("deleted the endpoint: " + left + " load balancers, target groups, endpoint services or node-group rules left in moto");
        if (left != 0) {
          throw new IllegalStateException("cleanup left " + left + " AWS resources");
        }
      } finally {
        operator.destroy();
        operator.waitFor(15, TimeUnit.SECONDS);
      }
    }
  }

  /** The operator jar as a process, as in a container: KUBECONFIG for the local API server, plus {@code env}. */
  static Process startOperator(BinaryApiServerCluster cluster, Path jar, Path work, Map<String, String> env) throws IOException {
    Path kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, cluster.kubeConfigYaml());
    ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jar.toString(), "--cluster-name", "local", "--resync-period", "30s")
        .redirectErrorStream(true).redirectOutput(work.resolve("operator.log").toFile());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    // Free ports rather than 8081/8080, which something on a developer's machine may hold.
    int health = freePort();
    int metrics = freePort();
    builder.environment().put("KPE_HEALTH_PORT", String.valueOf(health));
    builder.environment().put("KPE_METRICS_PORT", String.valueOf(metrics));
    // The simulated brokers' pod IPs lead nowhere: Verified follows the load balancer's health alone.
    builder.environment().put("KPE_VERIFY_LISTENERS", "false");
    builder.environment().putAll(env);
    say("operator probes: http://127.0.0.1:" + health + "/healthz and /readyz; metrics: http://127.0.0.1:" + metrics + "/metrics");
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The sample's namespace, the CRD, and a StatefulSet of three brokers, pod i on {@code nodes[i]} with {@code ips[i]}. */
  static KafkaCluster brokers(KubernetesClient client, KafkaPrivateEndpoint endpoint, List<String> nodes, List<String> ips) {
    ProjectCrds.install(client);
    String ns = endpoint.getMetadata().getNamespace();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
    KafkaCluster kafka = new KafkaCluster(client, ns);
    String stsName = endpoint.getSpec().getKafka().getStatefulSet().getName();
    StatefulSet sts = kafka.statefulSet(stsName, 3);
    for (int i = 0; i < 3; i++) {
      kafka.pod(sts, i, nodes.get(i), ips.get(i));
    }
    return kafka;
  }

  /** Waits for the listener roll, simulates it, waits for Ready and prints conditions and brokers. */
  static KafkaPrivateEndpointStatus readyAfterRoll(KubernetesClient client, KafkaCluster kafka, String ns, String name,
      String stsName) throws InterruptedException {
    await(client, ns, name, s -> reason(s, "ListenerConfigured", "RollingRestart"));
    kafka.rolledOut(stsName);
    say("brokers restarted with the listener (simulated roll)");
    KafkaPrivateEndpointStatus status = await(client, ns, name, s -> reason(s, "Ready", "Ready"));
    System.out.println();
    status.getConditions().forEach(c -> System.out.println("  " + c.getType() + "=" + c.getStatus() + " (" + c.getReason()
        + "): " + c.getMessage()));
    status.getBrokers().forEach(b -> System.out.println("  broker " + b.getNodeId() + " " + b.getAdvertised() + " -> "
        + b.getTarget() + " " + b.getHealth()));
    System.out.println();
    return status;
  }

  static void deleteAndWait(KubernetesClient client, String ns, String name, Path work) throws InterruptedException {
    client.resources(KafkaPrivateEndpoint.class).inNamespace(ns).withName(name).delete();
    Instant deadline = Instant.now().plusSeconds(60);
    while (client.resources(KafkaPrivateEndpoint.class).inNamespace(ns).withName(name).get() != null) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the endpoint was not deleted within 60 s; see " + work.resolve("operator.log"));
      }
      Thread.sleep(500);
    }
  }

  static KafkaPrivateEndpointStatus await(KubernetesClient client, String ns, String name,
      Predicate<KafkaPrivateEndpointStatus> until) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    KafkaPrivateEndpointStatus status = null;
    while (Instant.now().isBefore(deadline)) {
      KafkaPrivateEndpoint r = client.resources(KafkaPrivateEndpoint.class).inNamespace(ns).withName(name).get();
      status = r == null ? null : r.getStatus();
      if (status != null && until.test(status)) {
        return status;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("timed out; last status: " + Serialization.asJson(status));
  }

  static boolean reason(KafkaPrivateEndpointStatus status, String type, String reason) {
    return status.getConditions().stream().anyMatch(c -> type.equals(c.getType()) && reason.equals(c.getReason()));
  }

  static void say(String line) {
    System.out.println("==> " + line);
  }
}
