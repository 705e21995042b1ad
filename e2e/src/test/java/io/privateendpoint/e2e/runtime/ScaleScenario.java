package io.privateendpoint.e2e.runtime;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorProcess;
import io.privateendpoint.e2e.support.ProjectCrds;
import io.privateendpoint.e2e.support.PrometheusText;
import io.privateendpoint.e2e.support.TestCluster;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One run of hack/bench.sh --scale: one operator JVM (OperatorProcess: the image's flags, the
 * chart's memory limit) against the shared API server and moto, watching a namespace of its own
 * with a VPC of its own, so that runs in one bench do not see each other. It brings one endpoint
 * to Ready alone, then N at once (each on a StatefulSet of six brokers spread over usw2-az1..3 and
 * twelve shared Nodes, the listener roll played as the StatefulSet controller would), waits out
 * one resync of every endpoint, and moves one broker to a new pod IP. Counts come from the
 * operator's own /metrics (kpe_cloud_calls_total, kpe_kube_requests_total,
 * kpe_reconcile_duration_seconds_count): no timing enters them.
 */
final class ScaleScenario {

  static final int BROKERS = 6;
  private static final int NODES_PER_ZONE = 4;
  /**
   * Endpoints whose brokers share one EKS-like node security group: all of them. A security group
   * holds at most 60 inbound rules
   * (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups;
   * moto enforces it); the node group admits the cluster's backend security group by one rule per
   * target port, whatever the number of endpoints (before the shared group, one rule per endpoint
   * made the 60th fail with RulesPerSecurityGroupLimitExceeded).
   */
  private static final int ENDPOINTS_PER_NODE_GROUP = Integer.MAX_VALUE;
  private static final AtomicInteger NEXT_VPC = new AtomicInteger(100);

  /** Deltas of the operator's counters over a window. {@code cloudCalls}: calls as they ended (success, throttled, refused, error). */
  record Counts(double cloudCalls, double cloudRetries, double cloudThrottled, double kubeRequests, double kubeWatches,
      Map<String, Double> cloudByOperation, Map<String, Double> kubeByRequest) {

    static Counts between(PrometheusText from, PrometheusText to) {
      double retried = delta(from, to, "kpe_cloud_calls_total", "outcome", "retried");
      double watches = delta(from, to, "kpe_kube_requests_total", "verb", "watch");
      Map<String, Double> cloud = new TreeMap<>();
      for (String outcome : List.of("success", "throttled", "refused", "error")) {
        to.sumBy("kpe_cloud_calls_total", "operation", "outcome", outcome).forEach((op, v) -> cloud.merge(op, v, Double::sum));
        from.sumBy("kpe_cloud_calls_total", "operation", "outcome", outcome).forEach((op, v) -> cloud.merge(op, -v, Double::sum));
      }
      cloud.values().removeIf(v -> v == 0);
      Map<String, Double> kube = new TreeMap<>();
      for (String verb : List.of("get", "list", "create", "update", "patch", "delete", "deletecollection")) {
        to.sumBy("kpe_kube_requests_total", "resource", "verb", verb).forEach((r, v) -> kube.merge(verb + " " + r, v, Double::sum));
        from.sumBy("kpe_kube_requests_total", "resource", "verb", verb).forEach((r, v) -> kube.merge(verb + " " + r, -v, Double::sum));
      }
      kube.values().removeIf(v -> v == 0);
      return new Counts(cloud.values().stream().mapToDouble(Double::doubleValue).sum(), retried,
          delta(from, to, "kpe_cloud_calls_total", "outcome", "throttled"),
          kube.values().stream().mapToDouble(Double::doubleValue).sum(), watches, cloud, kube);
    }

    private static double delta(PrometheusText from, PrometheusText to, String name, String... labels) {
      return to.sum(name, labels) - from.sum(name, labels);
    }
  }

  /**
   * What one run measured, and the operator's JVM flags ({@code -XX:MaxRAM} the chart's memory limit). Creation counts cover the N endpoints created at once (the lone first one
   * aside), steady counts every pass of every endpoint (N + 1) over one resync period.
   */
  record Figures(String label, int endpoints, double readyOneSeconds, double readyAllSeconds, long peakRssKiB,
      long maxSampledRssKiB, long steadyRssKiB, Counts creation, Counts steady, double steadyPasses, double ipChangeSeconds,
      List<String> jvmFlags) {

    double ratio() {
      return readyAllSeconds / readyOneSeconds;
    }

    double perEndpoint(double creationCount) {
      return creationCount / endpoints;
    }

    double perPass(double steadyCount) {
      return steadyPasses == 0 ? Double.NaN : steadyCount / steadyPasses;
    }
  }

  private final KubernetesClient client;
  private final TestCluster cluster;
  private final MotoAccount aws = new MotoAccount();

  ScaleScenario(TestCluster cluster, KubernetesClient client) {
    this.cluster = cluster;
    this.client = client;
  }

  /**
   * How long N endpoints may take to get Ready: 10 min + 3 s each, or kpe.bench.ready.minutes. A run
   * throttled by rate needs more: 100 endpoints of six brokers make ~2,300 ELB writes, at 2.5 granted
   * per second no less than ~15 min.
   */
  static Duration readyWithin(int n) {
    long minutes = Long.getLong("kpe.bench.ready.minutes", 0);
    return minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ofMinutes(10).plus(Duration.ofSeconds(3L * n));
  }

  /**
   * @param label          names the run: its namespace bench-&lt;label&gt;, the operator's cluster name and log
   * @param awsEndpointUrl where the operator sends its AWS calls (moto, or a proxy in front of it)
   * @param n              endpoints created at once after the first
   * @param resync         the operator's resync period: longer than the creation of N, so that creation
   *                       counts hold no resync pass
   */
  Figures run(String label, String awsEndpointUrl, int n, Duration resync) throws InterruptedException {
    String ns = "bench-" + label;
    ProjectCrds.install(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
    KafkaCluster kafka = new KafkaCluster(client, ns);
    for (int az = 1; az <= 3; az++) {
      for (int i = 0; i < NODES_PER_ZONE; i++) {
        kafka.awsNode(node(az, i), az);
      }
    }
    Vpc vpc = new Vpc(aws, NEXT_VPC.getAndIncrement());
    say(label + ": brokers for 1 + " + n + " endpoints in " + vpc.id);
    brokers(kafka, vpc, "kafka-solo", 0);
    for (int e = 0; e < n; e++) {
      brokers(kafka, vpc, sts(e), e + 1);
    }

    // As OperatorProcess starts the JVM (read here too, so that the figures name what ran).
    List<String> jvm = new ArrayList<>(OperatorProcess.jvmFlags());
    jvm.add("-XX:MaxRAM=" + OperatorProcess.chartMemoryLimit());
    OperatorProcess.jvmEnvironment().forEach((name, value) -> jvm.add(name + "=" + value));
    var keys = MotoServer.get().operatorCredentials().resolveCredentials();
    try (OperatorProcess operator = OperatorProcess.start("bench-" + label, cluster.kubeConfigYaml(), Map.of(
        "AWS_ENDPOINT_URL", awsEndpointUrl, "AWS_ACCESS_KEY_ID", keys.accessKeyId(),
        "AWS_SECRET_ACCESS_KEY", keys.secretAccessKey(), "AWS_REGION", MotoAccount.REGION,
        "KPE_CLUSTER_NAME", "bench-" + label, "KPE_WATCH_NAMESPACES", ns, "KPE_RESYNC_PERIOD", resync.toSeconds() + "s"));
        RssSampler rss = new RssSampler(operator.pid())) {
      awaitStarted(operator);
      say(label + ": operator up (pid " + operator.pid() + ", log " + operator.log() + ", JVM flags " + jvm + ")");

      long start = System.nanoTime();
      create(ns, vpc, "solo", "kafka-solo");
      awaitAllReady(operator, kafka, ns, Set.of("solo"), Duration.ofMinutes(5));
      double readyOne = seconds(start);
      say(label + ": 1 endpoint Ready in " + String.format("%.1f s", readyOne));

      PrometheusText before = quiet(operator);
      start = System.nanoTime();
      Set<String> names = new HashSet<>();
      for (int e = 0; e < n; e++) {
        create(ns, vpc, endpoint(e), sts(e));
        names.add(endpoint(e));
      }
      awaitAllReady(operator, kafka, ns, names, readyWithin(n));
      double readyAll = seconds(start);
      say(label + ": " + n + " endpoints Ready in " + String.format("%.1f s", readyAll));
      System.out.printf("BENCH %s: the node security group %s admits the %d endpoints' NLBs with %d rule(s) of the"
          + " operator's (AWS allows 60 inbound rules per group)%n", label, vpc.groups.get(0), n + 1, vpc.operatorRules(0));
      PrometheusText created = quiet(operator);

      // Every endpoint's resync pass: N + 1 apply passes after the creation.
      double passesBefore = passes(created);
      long deadline = System.nanoTime() + resync.plusMinutes(5).toNanos();
      while (passes(operator.metrics()) - passesBefore < n + 1) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(label + ": no resync of every endpoint within " + resync.plusMinutes(5)
              + "; see " + operator.log());
        }
        Thread.sleep(1000);
      }
      PrometheusText steady = quiet(operator);
      long steadyRss = rss.currentKiB();
      say(label + ": " + (long) (passes(steady) - passesBefore) + " steady-state passes");

      double ipChange = ipChange(kafka, vpc, ns, endpoint(0), sts(0));
      say(label + ": broker moved to a new pod IP, its target followed in " + String.format("%.1f s", ipChange));
      long peak = rss.peakKiB();
      return new Figures(label, n, readyOne, readyAll, peak, Math.max(rss.maxSampledKiB(), rss.currentKiB()), steadyRss,
          Counts.between(before, created), Counts.between(created, steady), passes(steady) - passesBefore, ipChange, jvm);
    }
  }

  private static String endpoint(int e) {
    return String.format("e-%03d", e);
  }

  private static String sts(int e) {
    return String.format("kafka-%03d", e);
  }

  private static String node(int az, int i) {
    return "bench-node-" + az + "-" + i;
  }

  /** Brokers 0..5 of StatefulSet {@code name}: broker b in usw2-az(b mod 3 + 1), on one of that zone's nodes. */
  private void brokers(KafkaCluster kafka, Vpc vpc, String name, int spread) {
    StatefulSet sts = kafka.statefulSet(name, BROKERS);
    for (int b = 0; b < BROKERS; b++) {
      int az = b % 3 + 1;
      kafka.pod(sts, b, node(az, (spread + b / 3) % NODES_PER_ZONE), vpc.podIp(az, spread / ENDPOINTS_PER_NODE_GROUP));
    }
  }

  private void create(String ns, Vpc vpc, String name, String sts) {
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: " + sts + ", configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getMetadata().setNamespace(ns);
    resource.getSpec().getAws().setVpcId(vpc.id);
    client.resource(resource).create();
  }

  private static void awaitStarted(OperatorProcess operator) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!operator.health("/readyz").startsWith("200")) {
      if (!operator.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the operator did not get ready; see " + operator.log());
      }
      Thread.sleep(500);
    }
  }

  /**
   * Polls the endpoints, plays each listener roll once it is asked for (as the StatefulSet controller
   * reports a finished rollout), until every one of {@code names} is Ready.
   */
  private void awaitAllReady(OperatorProcess operator, KafkaCluster kafka, String ns, Set<String> names, Duration atMost)
      throws InterruptedException {
    Set<String> rolled = new HashSet<>();
    long deadline = System.nanoTime() + atMost.toNanos();
    Map<String, String> waiting = new TreeMap<>();
    while (true) {
      waiting.clear();
      for (KafkaPrivateEndpoint r : client.resources(KafkaPrivateEndpoint.class).inNamespace(ns).list().getItems()) {
        String name = r.getMetadata().getName();
        if (!names.contains(name)) {
          continue;
        }
        KafkaPrivateEndpointStatus status = r.getStatus();
        if ("RollingRestart".equals(reason(status, ConditionType.LISTENER_CONFIGURED)) && rolled.add(name)) {
          kafka.rolledOut(r.getSpec().getKafka().getStatefulSet().getName());
        }
        if (!"True".equals(conditionStatus(status, ConditionType.READY))) {
          waiting.put(name, reason(status, ConditionType.READY));
        }
      }
      if (waiting.isEmpty() && rolled.size() == names.size()) {
        return;
      }
      if (!operator.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(waiting.size() + " endpoints not Ready within " + atMost + " (by reason: "
            + waiting.values().stream().collect(Collectors.groupingBy(String::valueOf, TreeMap::new, Collectors.counting()))
            + "); see " + operator.log());
      }
      Thread.sleep(250);
    }
  }

  /**
   * Recreates broker 0's pod with a new IP (as after a reschedule) and times until moto's target group
   * for that broker holds the new IP and not the old one. Read from moto directly, not through any proxy.
   */
  private double ipChange(KafkaCluster kafka, Vpc vpc, String ns, String name, String stsName) throws InterruptedException {
    KafkaPrivateEndpoint resource = client.resources(KafkaPrivateEndpoint.class).inNamespace(ns).withName(name).get();
    BrokerStatus broker = resource.getStatus().getBrokers().stream().filter(b -> b.getNodeId() == 0).findFirst().orElseThrow();
    String group = aws.elb.describeTargetGroups(b -> b.names(AwsNames.of(resource).targetGroup(broker.getPort())))
        .targetGroups().get(0).targetGroupArn();
    Pod old = client.pods().inNamespace(ns).withName(stsName + "-0").get();
    String oldIp = old.getStatus().getPodIP();
    String newIp = vpc.podIp(1, 0);
    client.pods().inNamespace(ns).withName(stsName + "-0").withGracePeriod(0).delete();
    long gone = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (client.pods().inNamespace(ns).withName(stsName + "-0").get() != null && System.nanoTime() < gone) {
      Thread.sleep(100);
    }
    long start = System.nanoTime();
    kafka.pod(kafka.get(stsName), 0, old.getSpec().getNodeName(), newIp);
    long deadline = start + Duration.ofMinutes(5).toNanos();
    while (true) {
      List<String> targets = aws.elb.describeTargetHealth(b -> b.targetGroupArn(group)).targetHealthDescriptions().stream()
          .map(t -> t.target().id()).toList();
      if (targets.contains(newIp) && !targets.contains(oldIp)) {
        return seconds(start);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("target group " + group + " still holds " + targets + " 5 minutes after the pod moved from "
            + oldIp + " to " + newIp);
      }
      Thread.sleep(100);
    }
  }

  /** A scrape once the operator's counters stopped moving (two scrapes 2 s apart agree), at most a minute on. */
  private static PrometheusText quiet(OperatorProcess operator) throws InterruptedException {
    PrometheusText last = operator.metrics();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Thread.sleep(2000);
      PrometheusText now = operator.metrics();
      if (Counts.between(last, now).equals(Counts.between(now, now)) || System.nanoTime() > deadline) {
        return now;
      }
      last = now;
    }
  }

  private static double passes(PrometheusText metrics) {
    return metrics.sum("kpe_reconcile_duration_seconds_count", "pass", "apply");
  }

  private static String reason(KafkaPrivateEndpointStatus status, String type) {
    EndpointCondition c = condition(status, type);
    return c == null ? "none" : c.getReason();
  }

  private static String conditionStatus(KafkaPrivateEndpointStatus status, String type) {
    EndpointCondition c = condition(status, type);
    return c == null ? null : c.getStatus();
  }

  private static EndpointCondition condition(KafkaPrivateEndpointStatus status, String type) {
    return status == null || status.getConditions() == null ? null
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static void say(String line) {
    System.out.println("==> " + line);
  }

  /**
   * A VPC 10.&lt;n&gt;.0.0/16 with a /18 subnet in each of usw2-az1..3 (room for the pods of hundreds of
   * endpoints), EKS-like node groups (security groups), and pod IPs handed out per zone, each on a
   * network interface in its node group as the VPC CNI makes them.
   */
  private static final class Vpc {
    final String id;
    private final MotoAccount aws;
    private final int second;
    private final Map<Integer, String> groups = new HashMap<>();
    private final Map<Integer, String> subnets = new HashMap<>();
    private final Map<Integer, Integer> used = new HashMap<>();

    Vpc(MotoAccount aws, int second) {
      this.aws = aws;
      this.second = second;
      this.id = aws.ec2.createVpc(b -> b.cidrBlock("10." + second + ".0.0/16")).vpc().vpcId();
      for (int az = 1; az <= 3; az++) {
        int n = az;
        subnets.put(az, aws.ec2.createSubnet(b -> b.vpcId(id).cidrBlock("10." + second + "." + 64 * (n - 1) + ".0/18")
            .availabilityZoneId("usw2-az" + n)).subnet().subnetId());
      }
    }

    /** Inbound rules the operator added to node group {@code nodeGroup} (they carry its owner tag). */
    long operatorRules(int nodeGroup) {
      return aws.ingressRules(groups.get(nodeGroup)).stream().filter(r -> r.contains("kafka.privateendpoint.io/owner=")).count();
    }

    String podIp(int az, int nodeGroup) {
      String group = groups.computeIfAbsent(nodeGroup, g -> aws.ec2.createSecurityGroup(b -> b.groupName("eks-nodes-" + g)
          .description("EKS node group " + g).vpcId(id)).groupId());
      int k = used.merge(az, 1, Integer::sum) - 1;
      String ip = "10." + second + "." + (64 * (az - 1) + k / 250) + "." + (k % 250 + 4);
      aws.ec2.createNetworkInterface(b -> b.subnetId(subnets.get(az)).privateIpAddress(ip).groups(group)
          .description("pod " + ip));
      return ip;
    }
  }

  static List<String> top(Map<String, Double> counts, double divisor, int limit) {
    List<String> lines = new ArrayList<>();
    counts.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
        .forEach(e -> lines.add(String.format("%s %.2f", e.getKey(), e.getValue() / divisor)));
    return lines;
  }
}
