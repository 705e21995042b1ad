package io.privateendpoint.e2e.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.EndpointMode;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.KafkaSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * hack/run-local.sh, on this machine only: a local API server, three brokers simulated as in the
 * tests (Nodes in three zones, and a StatefulSet and its Pods or a Strimzi Kafka and its node pool:
 * {@link LocalKafka}) — or, for a mode: Proxy sample, real brokers
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
    // The run's own lines and the operator's log are what the user reads: not fabric8's note that
    // kafkaprivateendpoints is v1alpha1, nor the progress of generating Strimzi's CRDs.
    ((Logger) LoggerFactory.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")).setLevel(Level.ERROR);
    ((Logger) LoggerFactory.getLogger("io.fabric8.crdv2.generator")).setLevel(Level.WARN);
    try {
      run(args);
    } catch (RefusedSample e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
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
    KafkaPrivateEndpoint endpoint = sample(sample);
    boolean proxy = endpoint.getSpec().getMode() == EndpointMode.Proxy;
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
      List<String> podIps = LocalKafka.podIps("10.0");
      for (int az = 1; az <= 3; az++) {
        String subnet = subnetIds[az - 1];
        String ip = podIps.get(az - 1);
        ec2.createNetworkInterface(b -> b.subnetId(subnet).privateIpAddress(ip).groups(nodeGroup));
      }
      say("moto: " + vpc + " with a subnet in usw2-az1, usw2-az2, usw2-az3 and node group " + nodeGroup);

      String ns = endpoint.getMetadata().getNamespace();
      LocalKafka.prepare(client, endpoint);
      KafkaCluster nodes = new KafkaCluster(client, ns);
      for (int az = 1; az <= 3; az++) {
        nodes.awsNode("node-" + az, az);
      }
      LocalKafka kafka = LocalKafka.simulate(client, endpoint, "node-", "10.0");
      say("simulated brokers: " + kafka.describe() + " (usw2-az1..3)");

      // The operator as moto's IAM user holding config/aws/iam-policy.json, as its role would be.
      var keys = moto.operatorCredentials().resolveCredentials();
      Process operator = startOperator(cluster, jar, work, Map.of("AWS_ENDPOINT_URL", moto.endpoint(),
          "AWS_ACCESS_KEY_ID", keys.accessKeyId(), "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey()));
      say("operator: java -jar " + jar.getFileName() + " (AWS_ENDPOINT_URL=" + moto.endpoint()
          + ", IAM user with config/aws/iam-policy.json)");
      try {
        endpoint.getSpec().getAws().setVpcId(vpc);
        String replaced = "vpcId " + vpc;
        if (endpoint.getSpec().getAws().getSubnets() != null && !endpoint.getSpec().getAws().getSubnets().isEmpty()) {
          // The sample names subnets of its own VPC; here they are moto's, one per AZ ID as in the sample.
          Map<String, String> subnets = new java.util.TreeMap<>();
          for (int az = 1; az <= 3; az++) {
            subnets.put("usw2-az" + az, subnetIds[az - 1]);
          }
          endpoint.getSpec().getAws().setSubnets(subnets);
          replaced += ", subnets " + subnets;
        }
        client.resource(endpoint).create();
        String name = endpoint.getMetadata().getName();
        say("applied " + sample + " (" + replaced + ")");
        KafkaPrivateEndpointStatus status = readyAfterRoll(client, kafka, ns, name);
        showTable(cluster, ns);
        System.out.println("For the consumer's console:");
        System.out.println("  endpoint service name: " + status.getEndpointServiceName());
        System.out.println("  bootstrap ports:       " + status.getBootstrapPorts());
        System.out.println();
        deleteAndWait(client, ns, name, work, kafka);
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

  /** Waits for the listener roll, simulates it, waits for Ready and prints conditions and brokers. */
  static KafkaPrivateEndpointStatus readyAfterRoll(KubernetesClient client, LocalKafka kafka, String ns, String name)
      throws InterruptedException {
    await(client, ns, name, s -> reason(s, "ListenerConfigured", kafka.rollReason()));
    kafka.rollOut();
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

  /** What {@code kubectl get kpe} shows, when kubectl is installed. */
  static void showTable(TestCluster cluster, String ns) {
    try {
      System.out.println("kubectl get kpe -n " + ns + ":");
      new Kubectl(cluster).run("get", "kpe", "-n", ns).lines().forEach(l -> System.out.println("  " + l));
      System.out.println();
    } catch (java.io.UncheckedIOException e) {
      System.out.println("  (kubectl not found: " + e.getCause().getMessage() + ")");
    }
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

  /** As above, then checks that the Kafka side holds nothing of the endpoint either. */
  static void deleteAndWait(KubernetesClient client, String ns, String name, Path work, LocalKafka kafka)
      throws InterruptedException {
    deleteAndWait(client, ns, name, work);
    String left = kafka.leftover();
    if (!left.isEmpty()) {
      throw new IllegalStateException("the endpoint is deleted but " + left);
    }
    kafka.cleanedUp().ifPresent(LocalRun::say);
  }

  /** Thrown for a sample the local run cannot play; said in one line, without a stack trace. */
  static final class RefusedSample extends IllegalArgumentException {
    RefusedSample(Path sample, String why) {
      super(sample + ": " + why);
    }
  }

  /**
   * The sample, if the local run can play it: a StatefulSet or Strimzi source on AWS or GCP, or mode: Proxy
   * on AWS (real brokers and proxies; hack/run-local.sh refuses the same before it builds anything).
   */
  static KafkaPrivateEndpoint sample(Path sample) throws IOException {
    if (!Files.isRegularFile(sample)) {
      throw new RefusedSample(sample, "no such file");
    }
    KafkaPrivateEndpoint endpoint;
    try {
      endpoint = Serialization.unmarshal(Files.readString(sample), KafkaPrivateEndpoint.class);
    } catch (RuntimeException e) {
      throw new RefusedSample(sample, "not a KafkaPrivateEndpoint: " + e.getMessage());
    }
    if (endpoint == null || endpoint.getSpec() == null || endpoint.getSpec().getKafka() == null) {
      throw new RefusedSample(sample, "not a KafkaPrivateEndpoint with spec.kafka");
    }
    boolean proxy = endpoint.getSpec().getMode() == EndpointMode.Proxy;
    boolean aws = endpoint.getSpec().getAws() != null;
    if (!aws && endpoint.getSpec().getGcp() == null) {
      throw new RefusedSample(sample, "names no cloud: spec.aws or spec.gcp");
    }
    if (proxy && !aws) {
      throw new RefusedSample(sample, "the local run of mode: Proxy emulates AWS only (moto's load balancer);"
          + " use an AWS sample such as config/samples/proxy-bootstrapservers.yaml");
    }
    KafkaSource source = endpoint.getSpec().getKafka();
    if (!proxy && source.getStatefulSet() == null && source.getStrimzi() == null) {
      throw new RefusedSample(sample, "the local run simulates brokers of a spec.kafka.statefulSet or spec.kafka.strimzi;"
          + " spec.kafka.bootstrapServers needs mode: Proxy");
    }
    if (endpoint.getMetadata() == null || endpoint.getMetadata().getNamespace() == null) {
      throw new RefusedSample(sample, "metadata.namespace is not set");
    }
    return endpoint;
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
