package io.privateendpoint.e2e.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.ChangeRecords;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorPolicy;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.StrimziCluster;
import io.privateendpoint.e2e.support.StrimziCrds;
import io.privateendpoint.operator.cloud.aws.AwsNames;
import io.privateendpoint.operator.cloud.aws.BackendSecurityGroup;
import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;

/**
 * AWS PrivateLink against moto's server behind the real AWS SDK, for a StatefulSet of brokers on
 * EKS-like nodes in three AZs. moto is lenient where AWS is not (twins, any delete order), so the
 * test counts resources and asserts the order of the recorded calls. The operator runs as moto's IAM
 * user holding config/aws/iam-policy.json: every call it made must have been allowed.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class AwsPrivateLinkIT {

  static {
    // Before the operator starts, so that it watches kafka.strimzi.io too.
    StrimziCrds.install(KubernetesApiServerExtension.cluster().newClient());
  }

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-aws",
      "--resync-period", "3s");

  private static MotoAccount aws;
  private static KafkaCluster cluster;
  private static AwsCalls calls;

  /** The AWS resources one endpoint owns, as its events and log lines name them. */
  private static final ChangeRecords told = new ChangeRecords(List.of("security group rule", "security group", "NLB",
      "target group", "listener", "endpoint service permissions", "endpoint service", "endpoint connections"));

  @BeforeAll
  static void account() {
    aws = new MotoAccount();
    calls = MotoServer.get().calls();
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("node-" + az, az);
    }
  }

  /** After every flow of this class (create, scale, repair, crash, delete): nothing was denied or outside the policy. */
  @AfterAll
  static void everyCallWasAllowedByThePolicy() {
    OperatorPolicy.assertAllowed(calls);
  }

  @Test
  void provisionsKeepsTrueAndRemovesEverything() {
    String vpc = aws.vpcWithSubnets("10.20");
    // Look-alikes that are not ours: an NLB with our naming pattern, made by someone else.
    aws.elb.createLoadBalancer(b -> b.name("kpe-000000000000").type(LoadBalancerTypeEnum.NETWORK)
        .scheme(LoadBalancerSchemeEnum.INTERNAL).subnets(aws.ec2.describeSubnets().subnets().get(0).subnetId()));
    String nodeGroup = aws.nodeGroup(vpc);
    List<String> nodeRulesBefore = aws.ingressRules(nodeGroup);
    int start = calls.mark();
    KafkaPrivateEndpoint kpe = statefulSetEndpoint("tidb", "kafka", vpc, "10.20");
    KafkaPrivateEndpointStatus ready = awaitReady("tidb");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-ready", "tidb", ConditionType.READY, "Ready", "Healthy");
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "tidb"));
    assertThat(ready.getEndpointServiceName()).startsWith("com.amazonaws.vpce.us-west-2.vpce-svc-");
    assertThat(ready.getEndpoint()).isEqualTo(ready.getEndpointServiceName());
    assertThat(ready.getBootstrapPorts()).isEqualTo("9092");
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getPort, BrokerStatus::getTarget, BrokerStatus::getHealth)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(9093, "10.20.1.10:39092", "healthy"),
            org.assertj.core.groups.Tuple.tuple(9094, "10.20.2.10:39092", "healthy"),
            org.assertj.core.groups.Tuple.tuple(9095, "10.20.3.10:39092", "healthy"));

    // Every resource exists exactly once, internal, tagged, with the right ports and targets.
    List<LoadBalancer> lbs = aws.loadBalancers(names.loadBalancer());
    assertThat(lbs).hasSize(1);
    LoadBalancer lb = lbs.get(0);
    assertThat(lb.scheme()).isEqualTo(LoadBalancerSchemeEnum.INTERNAL);
    assertThat(lb.availabilityZones()).hasSize(3);
    assertThat(aws.tags(lb.loadBalancerArn())).containsEntry("kafka.privateendpoint.io/owner",
        operator.getNamespace() + "/tidb/" + kpe.getMetadata().getUid()).containsEntry("kafka.privateendpoint.io/cluster", "it-aws");
    assertThat(listeners(lb).keySet()).containsExactly(9092, 9093, 9094, 9095);
    assertThat(targets(names.targetGroup(9092))).containsExactlyInAnyOrder("10.20.1.10:39092", "10.20.2.10:39092", "10.20.3.10:39092");
    assertThat(targets(names.targetGroup(9094))).containsExactly("10.20.2.10:39092");
    assertThat(aws.targetGroups(names.base() + "-")).hasSize(4);
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isEqualTo(1);
    String owner = operator.getNamespace() + "/tidb/" + kpe.getMetadata().getUid();
    assertThat(aws.endpointServices(owner)).isEqualTo(1);
    // The NLB's group admits the reserved ports as ranges: 9092-9108 is one rule, not 17.
    assertThat(ingressRanges(vpc, names.loadBalancer())).containsExactly("9092-9108 10.250.0.0/16");
    // The NLB carries its own group and the cluster's backend group; the pods' (node) group admits the
    // backend group on the target port, by one rule tagged as the cluster's; its own rules are untouched
    // (a rule referencing another group is the only way to admit an NLB's traffic).
    String nlbGroup = nlbGroup(vpc, names.loadBalancer());
    String backendGroup = nlbGroup(vpc, BackendSecurityGroup.name("it-aws"));
    assertThat(lb.securityGroups()).containsExactlyInAnyOrder(nlbGroup, backendGroup);
    List<String> added = aws.ingressRules(nodeGroup).stream().filter(r -> !nodeRulesBefore.contains(r)).toList();
    assertThat(added).singleElement().asString().contains("tcp 39092-39092 from " + backendGroup)
        .contains("kafka.privateendpoint.io/owner=" + BackendSecurityGroup.owner("it-aws"));
    assertThat(aws.ingressRules(nodeGroup)).containsAll(nodeRulesBefore);

    // Economy: one mutating call per resource on a healthy cloud.
    Map<String, Long> created = count(calls.mutatingSince(start));
    assertThat(created).containsEntry("ElasticLoadBalancingV2.CreateLoadBalancer", 1L)
        .containsEntry("ElasticLoadBalancingV2.CreateTargetGroup", 4L)
        .containsEntry("ElasticLoadBalancingV2.CreateListener", 4L)
        .containsEntry("ElasticLoadBalancingV2.RegisterTargets", 4L)
        .containsEntry("ElasticLoadBalancingV2.SetSecurityGroups", 1L)
        // The NLB's group and the cluster's backend group (the first endpoint in this VPC).
        .containsEntry("Ec2.CreateSecurityGroup", 2L)
        // One for the NLB's group, one for the pods' group.
        .containsEntry("Ec2.AuthorizeSecurityGroupIngress", 2L)
        .containsEntry("Ec2.CreateVpcEndpointServiceConfiguration", 1L)
        .containsEntry("Ec2.ModifyVpcEndpointServicePermissions", 1L);

    // Each resource made is told once: one Normal Created event and one INFO line each, alike.
    List<String> events = told.events(operator, "tidb");
    assertThat(told.count(events, "Created")).containsExactlyInAnyOrderEntriesOf(Map.of("security group", 2L, "NLB", 1L,
        "target group", 4L, "listener", 4L, "security group rule", 1L, "endpoint service", 1L));
    assertThat(events).hasSize(13);
    // The Kafka side is told the same way: which object, and which brokers restart.
    assertThat(Endpoints.events(operator, "tidb")).filteredOn(Endpoints::kafkaSide).extracting(e -> e.getMessage())
        .contains("Created ConfigMap " + operator.getNamespace() + "/kpe-tidb: listener entries for 5 key(s)",
            "Changed StatefulSet " + operator.getNamespace() + "/kafka: listener TIDB; brokers 0, 1, 2 restart one at a time"
                + " (the StatefulSet rolls them)");
    assertThat(told.logged(operator.getNamespace(), "tidb")).map(AwsPrivateLinkIT::capitalised)
        .containsExactlyInAnyOrderElementsOf(events);

    // PrivateLink traffic is filtered by the NLB's group, set explicitly rather than left to AWS's default.
    assertThat(calls.privateLinkEnforcement()).last().isEqualTo("on");

    // Steady state: resyncs (every 3 s here) read but write nothing.
    List<List<String>> threeBrokers = steadyPasses();

    // Scale 3 -> 5: two new ports with their listener, group and target; bootstrap gains two targets.
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafka").scale(5);
    aws.podInterfaces(vpc, "10.20.1.11", "10.20.2.11");
    cluster.pod(cluster.get("kafka"), 3, "node-1", "10.20.1.11");
    cluster.pod(cluster.get("kafka"), 4, "node-2", "10.20.2.11");
    cluster.rolledOut("kafka");
    await().atMost(Duration.ofSeconds(30)).until(() -> listeners(lb).keySet().containsAll(List.of(9096, 9097)));
    await().atMost(Duration.ofSeconds(30)).until(() -> targets(names.targetGroup(9092)).size() == 5);
    assertThat(targets(names.targetGroup(9097))).containsExactly("10.20.2.11:39092");
    Endpoints.awaitStatus(operator, "tidb", s -> s.getBrokers().size() == 5
        && "True".equals(Endpoints.condition(s, ConditionType.READY).getStatus()));

    // Told: two groups and listeners made, the bootstrap group's two new targets; steady passes tell nothing.
    List<String> scaled = told.events(operator, "tidb");
    List<String> scaleOut = scaled.subList(events.size(), scaled.size());
    assertThat(told.count(scaleOut, "Created")).containsExactlyInAnyOrderEntriesOf(Map.of("target group", 2L, "listener", 2L));
    assertThat(scaleOut).filteredOn(m -> m.startsWith("Changed")).singleElement().asString()
        .startsWith("Changed target group " + names.targetGroup(9092) + ": registers ")
        .contains("10.20.1.11:39092", "10.20.2.11:39092");

    // Economy: a steady pass makes the same reads with 5 brokers as with 3 (none grows per broker).
    List<List<String>> fiveBrokers = steadyPasses();
    assertThat(told.events(operator, "tidb")).hasSize(scaled.size());
    // hack/bench.sh collects the BENCH lines.
    System.out.printf("BENCH aws creation: %d mutating calls for 3 brokers (%s)%n", created.values().stream()
        .mapToLong(Long::longValue).sum(), created);
    System.out.printf("BENCH aws steady-state pass: 3 brokers %d calls, 5 brokers %d calls (ratio %.2f), 0 mutating (%s)%n",
        threeBrokers.get(0).size(), fiveBrokers.get(0).size(), (double) fiveBrokers.get(0).size() / threeBrokers.get(0).size(),
        count(threeBrokers.get(0)));
    assertThat(count(fiveBrokers.get(0))).isEqualTo(count(threeBrokers.get(0)));
    assertThat(count(threeBrokers.get(0))).containsEntry("ElasticLoadBalancingV2.DescribeTargetHealth", 4L);

    // 5 -> 4: broker 4 leaves; its listener and group go, its port stays reserved in status.
    operator.getKubernetesClient().apps().statefulSets().inNamespace(operator.getNamespace()).withName("kafka").scale(4);
    operator.getKubernetesClient().pods().inNamespace(operator.getNamespace()).withName("kafka-4").delete();
    cluster.rolledOut("kafka");
    await().atMost(Duration.ofSeconds(30)).until(() -> !listeners(lb).containsKey(9097));
    await().atMost(Duration.ofSeconds(30)).until(() -> targets(names.targetGroup(9092)).size() == 4);
    assertThat(aws.targetGroups(names.targetGroup(9097))).isEmpty();
    assertThat(operator.get(KafkaPrivateEndpoint.class, "tidb").getStatus().getPorts())
        .anySatisfy(p -> assertThat(p.getNodeId()).isEqualTo(4));

    // A pod IP change moves exactly its targets.
    aws.podInterfaces(vpc, "10.20.2.99");
    int ipChange = calls.mark();
    cluster.podIp("kafka-1", "10.20.2.99");
    await().atMost(Duration.ofSeconds(30)).until(() -> targets(names.targetGroup(9094)).equals(List.of("10.20.2.99:39092")));
    await().atMost(Duration.ofSeconds(30)).until(() -> targets(names.targetGroup(9092)).contains("10.20.2.99:39092"));
    assertThat(calls.mutatingSince(ipChange)).allMatch(c -> c.endsWith("RegisterTargets") || c.endsWith("DeregisterTargets"));

    // Out of band: someone deletes a listener; the next resync puts it back.
    aws.elb.deleteListener(b -> b.listenerArn(listeners(lb).get(9093).listenerArn()));
    await().atMost(Duration.ofSeconds(30)).until(() -> listeners(lb).containsKey(9093));

    // Delete: everything of ours goes, in the order AWS requires; the look-alike stays.
    int delete = calls.mark();
    int beforeDelete = told.events(operator, "tidb").size();
    operator.delete(operator.get(KafkaPrivateEndpoint.class, "tidb"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "tidb") == null);
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(aws.targetGroups(names.base() + "-")).isEmpty();
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isZero();
    // The last endpoint of the cluster in the VPC: the backend group goes with it.
    assertThat(aws.securityGroups(vpc, BackendSecurityGroup.name("it-aws"))).isZero();
    assertThat(aws.endpointServices(owner)).isZero();
    assertThat(aws.loadBalancers("kpe-000000000000")).hasSize(1);
    // Exactly our rule is gone from the pods' group; everything else in it is as it was.
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(nodeRulesBefore);
    List<String> deletes = calls.mutatingSince(delete);
    List<String> all = told.events(operator, "tidb");
    assertThat(told.count(all.subList(beforeDelete, all.size()), "Deleted")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "endpoint service", 1L, "NLB", 1L, "target group", 5L, "security group rule", 1L, "security group", 2L));
    assertThat(told.logged(operator.getNamespace(), "tidb")).map(AwsPrivateLinkIT::capitalised)
        .containsExactlyInAnyOrderElementsOf(all);
    // Our rule in the pods' group references the NLB's group, which AWS will not delete while it does.
    assertThat(deletes).containsSubsequence("Ec2.DeleteVpcEndpointServiceConfigurations",
        "ElasticLoadBalancingV2.DeleteLoadBalancer", "ElasticLoadBalancingV2.DeleteTargetGroup",
        "Ec2.RevokeSecurityGroupIngress", "Ec2.DeleteSecurityGroup");
    assertThat(deletes.lastIndexOf("ElasticLoadBalancingV2.DeleteLoadBalancer"))
        .isLessThan(deletes.indexOf("ElasticLoadBalancingV2.DeleteTargetGroup"));
  }

  /** Crashes after each write are AwsCrashIT's; here the settings that change in place, and drift repair. */
  @Test
  void settingsChangeInPlaceAndDriftIsRepaired() {
    String vpc = aws.vpcWithSubnets("10.30");
    KafkaPrivateEndpoint kpe = statefulSetEndpoint("inplace", "kafkab", vpc, "10.30");
    awaitReady("inplace");
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "inplace"));
    String owner = operator.getNamespace() + "/inplace/" + kpe.getMetadata().getUid();
    assertThat(aws.loadBalancers(names.loadBalancer())).hasSize(1);
    assertThat(aws.targetGroups(names.base() + "-")).hasSize(4);
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isEqualTo(1);
    assertThat(aws.endpointServices(owner)).isEqualTo(1);
    LoadBalancer lb = aws.loadBalancers(names.loadBalancer()).get(0);
    assertThat(listeners(lb)).hasSize(4);
    assertThat(lb.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic()).isEqualTo("on");

    // Principals, CIDRs and acceptance change in place: modifications, nothing recreated.
    int change = calls.mark();
    KafkaPrivateEndpoint edit = operator.get(KafkaPrivateEndpoint.class, "inplace");
    edit.getSpec().getAws().setAllowedPrincipals(List.of("arn:aws:iam::210987654321:root"));
    edit.getSpec().getAws().setConsumerCidrs(List.of("10.251.0.0/16", "2600:1f14:abcd::/56"));
    edit.getSpec().getAws().setAcceptanceRequired(false);
    edit.getSpec().getAws().setEnforceInboundRulesOnPrivateLinkTraffic(false);
    operator.replace(edit);
    String serviceId = aws.ec2.describeVpcEndpointServiceConfigurations().serviceConfigurations().stream()
        .filter(s -> s.tags().stream().anyMatch(t -> t.value().equals(owner))).findFirst().orElseThrow().serviceId();
    await().atMost(Duration.ofSeconds(30)).until(() -> principals(serviceId).equals(List.of("arn:aws:iam::210987654321:root")));
    await().atMost(Duration.ofSeconds(30)).until(() -> !aws.ec2.describeVpcEndpointServiceConfigurations(b -> b.serviceIds(serviceId))
        .serviceConfigurations().get(0).acceptanceRequired());
    // An IPv6 CIDR goes to Ipv6Ranges (AWS refuses it in IpRanges), one rule per port range as for IPv4.
    await().atMost(Duration.ofSeconds(30)).until(() -> ingressRanges(vpc, names.loadBalancer())
        .equals(List.of("9092-9108 10.251.0.0/16", "9092-9108 2600:1f14:abcd::/56")));
    // PrivateLink filtering turned off in place (SetSecurityGroups), as DescribeLoadBalancers then reports.
    await().atMost(Duration.ofSeconds(30)).until(() -> "off".equals(
        aws.loadBalancers(names.loadBalancer()).get(0).enforceSecurityGroupInboundRulesOnPrivateLinkTraffic()));
    assertThat(calls.mutatingSince(change)).noneMatch(c -> c.contains(".Create") || c.contains(".Delete"));

    // Out of band: a broker's target is deregistered by hand; the rotating drift check restores it.
    TargetGroup broker0 = aws.targetGroups(names.targetGroup(9093)).get(0);
    aws.elb.deregisterTargets(b -> b.targetGroupArn(broker0.targetGroupArn()).targets(t -> t.id("10.30.1.10").port(39092)));
    await().atMost(Duration.ofSeconds(30)).until(() -> targets(names.targetGroup(9093)).equals(List.of("10.30.1.10:39092")));

    // Out of band: the allowed principal is removed by hand; the next resync restores it.
    aws.ec2.modifyVpcEndpointServicePermissions(b -> b.serviceId(serviceId).removeAllowedPrincipals("arn:aws:iam::210987654321:root"));
    await().atMost(Duration.ofSeconds(30)).until(() -> principals(serviceId).equals(List.of("arn:aws:iam::210987654321:root")));

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "inplace"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "inplace") == null);
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(aws.targetGroups(names.base() + "-")).isEmpty();
    assertThat(aws.endpointServices(owner)).isZero();
  }

  @Test
  void instanceTargetsReachBrokersThroughTheirNodesAndNodePorts() {
    String vpc = aws.vpcWithSubnets("10.50");
    // Real (moto) node instances: the NLB's traffic arrives on their primary network interfaces.
    Map<String, String> instanceOf = new java.util.HashMap<>();
    for (int az = 1; az <= 3; az++) {
      String instance = aws.nodeInstance(vpc, az);
      cluster.awsNode("inode-" + az, az, instance);
      instanceOf.put("inode-" + az, instance);
    }
    KafkaPrivateEndpoint kpe = statefulSetEndpoint("instances", "kafkai", vpc, "10.50", "inode-",
        r -> r.getSpec().getAws().setTargetType(AwsTargetType.instance));
    KafkaPrivateEndpointStatus ready = awaitReady("instances");

    // One NodePort Service per broker, selecting its pod, with externalTrafficPolicy Local.
    var services = operator.getKubernetesClient().services().inNamespace(operator.getNamespace())
        .withLabel("kafka.privateendpoint.io/endpoint", "instances").list().getItems();
    assertThat(services).hasSize(3).allSatisfy(svc -> {
      assertThat(svc.getSpec().getType()).isEqualTo("NodePort");
      assertThat(svc.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
      assertThat(svc.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767);
    });
    Map<String, Integer> nodePortByPod = services.stream().collect(Collectors.toMap(
        svc -> svc.getSpec().getSelector().get("statefulset.kubernetes.io/pod-name"), svc -> svc.getSpec().getPorts().get(0).getNodePort()));
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getTarget).containsExactly(
        org.assertj.core.groups.Tuple.tuple(0, instanceOf.get("inode-1") + ":" + nodePortByPod.get("kafkai-0")),
        org.assertj.core.groups.Tuple.tuple(1, instanceOf.get("inode-2") + ":" + nodePortByPod.get("kafkai-1")),
        org.assertj.core.groups.Tuple.tuple(2, instanceOf.get("inode-3") + ":" + nodePortByPod.get("kafkai-2")));

    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "instances"));
    assertThat(aws.targetGroups(names.base() + "-")).hasSize(4)
        .allSatisfy(g -> assertThat(g.targetTypeAsString()).isEqualTo("instance"));
    assertThat(targets(names.targetGroup(9094))).containsExactly(instanceOf.get("inode-2") + ":" + nodePortByPod.get("kafkai-1"));
    // The nodes' group admits the cluster's backend group on each broker's NodePort (consecutive
    // NodePorts, which the API server may hand out, share one rule).
    String backendGroup = nlbGroup(vpc, BackendSecurityGroup.name("it-aws"));
    List<Integer> nodePorts = nodePortByPod.values().stream().sorted().toList();
    List<String> expectedRanges = new java.util.ArrayList<>();
    for (int i = 0; i < nodePorts.size(); i++) {
      int from = nodePorts.get(i);
      while (i + 1 < nodePorts.size() && nodePorts.get(i + 1).intValue() == nodePorts.get(i) + 1) {
        i++;
      }
      expectedRanges.add(from + "-" + nodePorts.get(i));
    }
    assertThat(aws.ingressRules(aws.nodeGroup(vpc))).filteredOn(r -> r.contains("from " + backendGroup))
        .extracting(r -> r.split(" ")[2]).containsExactlyInAnyOrderElementsOf(expectedRanges);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "instances"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "instances") == null);
    assertThat(operator.getKubernetesClient().services().inNamespace(operator.getNamespace())
        .withLabel("kafka.privateendpoint.io/endpoint", "instances").list().getItems()).isEmpty();
    assertThat(aws.targetGroups(names.base() + "-")).isEmpty();
    assertThat(aws.endpointServices(operator.getNamespace() + "/instances/" + kpe.getMetadata().getUid())).isZero();
  }

  @Test
  void strimziBackedEndpointGoesReadyAndLeavesNothingBehind() {
    String vpc = aws.vpcWithSubnets("10.40");
    StrimziCluster strimzi = new StrimziCluster(operator.getKubernetesClient(), operator.getNamespace());
    strimzi.createKafka("my-cluster");
    strimzi.brokerPool("my-cluster", "brokers", List.of(0, 1, 2), "10.40");
    aws.podInterfaces(vpc, "10.40.1.10", "10.40.2.11", "10.40.3.12");
    KafkaPrivateEndpoint resource = Endpoints.aws("viastrimzi", "{strimzi: {cluster: my-cluster}}", "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    KafkaPrivateEndpoint kpe = operator.create(resource);
    Endpoints.awaitReason(operator, "viastrimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-strimzi-rolling-update", "viastrimzi", ConditionType.LISTENER_CONFIGURED, "RollingUpdate", "Progressing");
    strimzi.ready("my-cluster", "plain", "tls", "tidb");

    KafkaPrivateEndpointStatus ready = awaitReady("viastrimzi");
    assertThat(ready.getEndpointServiceName()).startsWith("com.amazonaws.vpce.us-west-2.vpce-svc-");
    assertThat(ready.getBrokers()).extracting(BrokerStatus::getNodeId, BrokerStatus::getZone, BrokerStatus::getTarget)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "usw2-az1", "10.40.1.10:39092"),
            org.assertj.core.groups.Tuple.tuple(1, "usw2-az2", "10.40.2.11:39092"),
            org.assertj.core.groups.Tuple.tuple(2, "usw2-az3", "10.40.3.12:39092"));
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "viastrimzi"));
    String owner = operator.getNamespace() + "/viastrimzi/" + kpe.getMetadata().getUid();
    assertThat(aws.loadBalancers(names.loadBalancer())).hasSize(1);
    assertThat(listeners(aws.loadBalancers(names.loadBalancer()).get(0)).keySet()).containsExactly(9092, 9093, 9094, 9095);
    assertThat(aws.endpointServices(owner)).isEqualTo(1);

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "viastrimzi"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "viastrimzi") == null);
    assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
    assertThat(aws.targetGroups(names.base() + "-")).isEmpty();
    assertThat(aws.securityGroups(vpc, names.loadBalancer())).isZero();
    assertThat(aws.endpointServices(owner)).isZero();
    assertThat(StrimziCluster.listener(strimzi.kafka("my-cluster"), "tidb")).isNull();
  }

  /**
   * With spec.aws.manageTargetSecurityGroups false the pods' groups are never touched, and Verified
   * names the rule that is missing — group, port, the cluster's backend group and the command that adds
   * it. Once someone adds it by hand the endpoint is Ready, and delete leaves that rule (not ours) in place.
   */
  @Test
  void targetSecurityGroupsLeftToTheUserAreNamedUntilTheyAdmitTheNlb() {
    String vpc = aws.vpcWithSubnets("10.70");
    String nodeGroup = aws.nodeGroup(vpc);
    List<String> before = aws.ingressRules(nodeGroup);
    statefulSetEndpoint("byhand", "kafkah", vpc, "10.70", r -> r.getSpec().getAws().setManageTargetSecurityGroups(false));
    var verified = Endpoints.awaitReason(operator, "byhand", ConditionType.VERIFIED, "TargetSecurityGroupRuleMissing");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-target-sg-rule-missing", "byhand", ConditionType.VERIFIED, "TargetSecurityGroupRuleMissing", "Degraded");
    String backendGroup = nlbGroup(vpc, BackendSecurityGroup.name("it-aws"));
    assertThat(verified.getMessage()).contains("[" + nodeGroup + "] admits tcp:39092 from the cluster's backend security group "
            + backendGroup)
        .contains("10.70.1.10").contains("aws ec2 authorize-security-group-ingress --group-id " + nodeGroup);
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(before);

    aws.ec2.authorizeSecurityGroupIngress(b -> b.groupId(nodeGroup).ipPermissions(p -> p.ipProtocol("tcp").fromPort(39092)
        .toPort(39092).userIdGroupPairs(g -> g.groupId(backendGroup))));
    List<String> byHand = aws.ingressRules(nodeGroup);
    awaitReady("byhand");

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "byhand"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "byhand") == null);
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(byHand);
  }

  /**
   * An endpoint built by a version before the backend security group (its NLB with its own group only,
   * and a rule of its own in the pods' group admitting that group) moves to the shared group on its
   * next pass: the preview of a paused endpoint says so, and applying it gives the NLB the backend
   * group, adds the cluster's rule and revokes the endpoint's own — each told as one event.
   */
  @Test
  void anEndpointBuiltBeforeTheSharedGroupMovesToItOnItsNextPass() {
    String vpc = aws.vpcWithSubnets("10.71");
    String nodeGroup = aws.nodeGroup(vpc);
    List<String> theirs = aws.ingressRules(nodeGroup);
    KafkaPrivateEndpoint kpe = statefulSetEndpoint("upgrade", "kafkau", vpc, "10.71");
    awaitReady("upgrade");
    AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, "upgrade"));
    String own = nlbGroup(vpc, names.loadBalancer());
    String backendGroup = nlbGroup(vpc, BackendSecurityGroup.name("it-aws"));
    String owner = operator.getNamespace() + "/upgrade/" + kpe.getMetadata().getUid();

    // Paused (previews only), then AWS put back as the earlier version left it.
    KafkaPrivateEndpoint pause = operator.get(KafkaPrivateEndpoint.class, "upgrade");
    pause.getSpec().setPaused(true);
    operator.replace(pause);
    Endpoints.awaitReason(operator, "upgrade", ConditionType.READY, "Paused");
    String lbArn = aws.loadBalancers(names.loadBalancer()).get(0).loadBalancerArn();
    aws.elb.setSecurityGroups(b -> b.loadBalancerArn(lbArn).securityGroups(own));
    aws.ingressRules(nodeGroup).stream().filter(r -> !theirs.contains(r)).map(r -> r.split(" ")[0])
        .forEach(id -> aws.ec2.revokeSecurityGroupIngress(b -> b.groupId(nodeGroup).securityGroupRuleIds(id)));
    aws.ec2.authorizeSecurityGroupIngress(b -> b.groupId(nodeGroup).ipPermissions(p -> p.ipProtocol("tcp").fromPort(39092)
            .toPort(39092).userIdGroupPairs(g -> g.groupId(own)))
        .tagSpecifications(t -> t.resourceType("security-group-rule").tags(
            software.amazon.awssdk.services.ec2.model.Tag.builder().key("kafka.privateendpoint.io/owner").value(owner).build(),
            software.amazon.awssdk.services.ec2.model.Tag.builder().key("kafka.privateendpoint.io/cluster").value("it-aws").build())));
    String legacy = aws.ingressRules(nodeGroup).stream().filter(r -> !theirs.contains(r)).findFirst().orElseThrow().split(" ")[0];

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
            operator.get(KafkaPrivateEndpoint.class, "upgrade").getStatus().getPlannedChanges())
        .anySatisfy(c -> assertThat(c).contains("change NLB " + names.loadBalancer()).contains(backendGroup))
        .anySatisfy(c -> assertThat(c).contains("create security group rule in " + nodeGroup))
        .anySatisfy(c -> assertThat(c).contains("delete security group rule " + legacy)
            .contains("replaced by the cluster's shared rule")));
    assertThat(aws.loadBalancers(names.loadBalancer()).get(0).securityGroups()).containsExactly(own);

    KafkaPrivateEndpoint resume = operator.get(KafkaPrivateEndpoint.class, "upgrade");
    resume.getSpec().setPaused(false);
    operator.replace(resume);
    Endpoints.awaitEvent(operator, "upgrade", "Deleted", "security group rule " + legacy + " in " + nodeGroup
        + ": replaced by the cluster's shared rule", Duration.ofSeconds(30), () -> "");
    Endpoints.awaitEvent(operator, "upgrade", "Changed", "with the cluster's backend group", Duration.ofSeconds(5), () -> "");
    awaitReady("upgrade");
    assertThat(aws.loadBalancers(names.loadBalancer()).get(0).securityGroups()).containsExactlyInAnyOrder(own, backendGroup);
    assertThat(aws.ingressRules(nodeGroup).stream().filter(r -> !theirs.contains(r)).toList()).singleElement().asString()
        .contains("tcp 39092-39092 from " + backendGroup).contains("owner=" + BackendSecurityGroup.owner("it-aws"));

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "upgrade"));
    await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, "upgrade") == null);
    assertThat(aws.ingressRules(nodeGroup)).isEqualTo(theirs);
  }

  /**
   * An endpoint that cannot go on builds nothing and touches no broker, and every condition says
   * what it waits for: a StatefulSet at 0 replicas (NoBrokers), the Proxy sample (its brokers'
   * names resolve nowhere here: UpstreamUnreachable, and no proxy is run), and a second endpoint clashing with the first on the same Kafka (ListenerConflict).
   */
  @Test
  void nothingIsBuiltOrPatchedWhileAnEndpointWaits() throws Exception {
    String vpc = aws.vpcWithSubnets("10.80");
    cluster.statefulSet("kafkaz", 0);
    int start = calls.mark();
    KafkaPrivateEndpoint empty = Endpoints.aws("empty", "{statefulSet: {name: kafkaz, configVolume: kafka-config}}", "tidb",
        39092, 9092, 9093);
    empty.getSpec().getAws().setVpcId(vpc);
    operator.create(empty);
    KafkaPrivateEndpoint proxy = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        java.nio.file.Files.readString(java.nio.file.Path.of("../config/samples/proxy-bootstrapservers.yaml")),
        KafkaPrivateEndpoint.class);
    proxy.getMetadata().setNamespace(operator.getNamespace());
    proxy.getSpec().getAws().setVpcId(vpc);
    operator.create(proxy);
    Endpoints.awaitReason(operator, "empty", ConditionType.LISTENER_CONFIGURED, "NoBrokers");
    // Named after "empty", so it is the newcomer even when both are created within the same second.
    KafkaPrivateEndpoint clash = Endpoints.aws("second", "{statefulSet: {name: kafkaz, configVolume: kafka-config}}", "tidb",
        39092, 9192, 9193);
    clash.getSpec().getAws().setVpcId(vpc);
    operator.create(clash);

    assertWaits("empty", "NoBrokers", "StatefulSet kafkaz (spec.kafka.statefulSet) has no broker yet");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-no-brokers", "empty", ConditionType.LISTENER_CONFIGURED, "NoBrokers", "Progressing");
    assertWaits("tidb-proxy", "UpstreamUnreachable", "kafka-0.kafka.other:9092,kafka-1.kafka.other:9092");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-proxy-upstream-unreachable", "tidb-proxy", ConditionType.LISTENER_CONFIGURED, "UpstreamUnreachable", "Progressing");
    assertThat(operator.getKubernetesClient().apps().deployments().inNamespace(operator.getNamespace())
        .withName("kpe-proxy-tidb-proxy").get()).isNull();
    assertWaits("second", "ListenerConflict", "spec.listener.name tidb is already used by KafkaPrivateEndpoint "
        + operator.getNamespace() + "/empty");
    io.privateendpoint.e2e.support.ArgoCdCapture.capture(operator, "aws-listener-conflict", "second", ConditionType.LISTENER_CONFIGURED, "ListenerConflict", "Degraded");
    // Nothing in AWS but reads, nothing on the Kafka side.
    assertThat(calls.mutatingSince(start)).isEmpty();
    for (String name : List.of("empty", "tidb-proxy", "second")) {
      AwsNames names = AwsNames.of(operator.get(KafkaPrivateEndpoint.class, name));
      assertThat(aws.loadBalancers(names.loadBalancer())).isEmpty();
      assertThat(aws.securityGroups(vpc, names.loadBalancer())).isZero();
      assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace()).withName("kpe-" + name).get())
          .isNull();
    }
    StatefulSet untouched = cluster.get("kafkaz");
    assertThat(untouched.getSpec().getTemplate().getSpec().getInitContainers()).extracting(c -> c.getName())
        .containsExactly("prepare-config");
    assertThat(untouched.getSpec().getTemplate().getMetadata().getAnnotations()).isNullOrEmpty();

    for (String name : List.of("second", "tidb-proxy", "empty")) {
      operator.delete(operator.get(KafkaPrivateEndpoint.class, name));
      await().atMost(Duration.ofSeconds(60)).until(() -> operator.get(KafkaPrivateEndpoint.class, name) == null);
    }
    assertThat(calls.mutatingSince(start)).isEmpty();
  }

  /** The Kafka side says why it waits; cloud access is granted; every other condition is Blocked on the Kafka side. */
  private static void assertWaits(String name, String reason, String message) {
    KafkaPrivateEndpointStatus status = Endpoints.awaitStatus(operator, name,
        s -> reason.equals(Endpoints.condition(s, ConditionType.LISTENER_CONFIGURED).getReason()));
    assertThat(Endpoints.condition(status, ConditionType.LISTENER_CONFIGURED).getMessage()).contains(message);
    assertThat(Endpoints.condition(status, ConditionType.CLOUD_ACCESS).getStatus()).isEqualTo("True");
    for (String type : List.of(ConditionType.LOAD_BALANCER_READY, ConditionType.ENDPOINT_SERVICE_READY, ConditionType.VERIFIED)) {
      assertThat(Endpoints.condition(status, type)).as("%s of %s", type, name).satisfies(c -> {
        assertThat(c.getStatus()).isEqualTo("Unknown");
        assertThat(c.getReason()).isEqualTo("Blocked");
        assertThat(c.getMessage()).isEqualTo("waits for ListenerConfigured (" + reason + ")");
      });
    }
    assertThat(Endpoints.condition(status, ConditionType.READY).getStatus()).isEqualTo("False");
  }

  /**
   * A StatefulSet of three brokers on node-1..3 with IPs {@code <ipPrefix>.<n>.10}, and an endpoint on
   * it in {@code vpc}, past the simulated rolling restart.
   */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String vpc, String ipPrefix) {
    return statefulSetEndpoint(name, statefulSet, vpc, ipPrefix, "node-", r -> { });
  }

  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String vpc, String ipPrefix,
      Consumer<KafkaPrivateEndpoint> customize) {
    return statefulSetEndpoint(name, statefulSet, vpc, ipPrefix, "node-", customize);
  }

  /** As above, the pods on nodes {@code <nodePrefix>1..3}, each pod IP carried by a network interface in the VPC's node group. */
  private static KafkaPrivateEndpoint statefulSetEndpoint(String name, String statefulSet, String vpc, String ipPrefix,
      String nodePrefix, Consumer<KafkaPrivateEndpoint> customize) {
    StatefulSet sts = cluster.statefulSet(statefulSet, 3);
    for (int i = 0; i < 3; i++) {
      aws.podInterfaces(vpc, ipPrefix + "." + (i + 1) + ".10");
      cluster.pod(sts, i, nodePrefix + (i + 1), ipPrefix + "." + (i + 1) + ".10");
    }
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: " + statefulSet + ", configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    customize.accept(resource);
    return Endpoints.createPastRoll(operator, cluster, resource, statefulSet);
  }

  private static String capitalised(String line) {
    return Character.toUpperCase(line.charAt(0)) + line.substring(1);
  }

  private static KafkaPrivateEndpointStatus awaitReady(String name) {
    return Endpoints.awaitReady(operator, name);
  }

  /** Waits out about three resyncs and returns the complete passes seen: reads only, at least one. */
  private static List<List<String>> steadyPasses() {
    int mark = calls.mark();
    await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(() -> true);
    assertThat(calls.mutatingSince(mark)).isEmpty();
    List<List<String>> passes = calls.passesSince(mark, "Ec2.DescribeSecurityGroups");
    assertThat(passes).isNotEmpty();
    return passes;
  }

  /** The NLB's security group's inbound rules as "from-to cidr". */
  private static List<String> ingressRanges(String vpc, String group) {
    return aws.ec2.describeSecurityGroups(b -> b.filters(
            software.amazon.awssdk.services.ec2.model.Filter.builder().name("vpc-id").values(vpc).build(),
            software.amazon.awssdk.services.ec2.model.Filter.builder().name("group-name").values(group).build()))
        .securityGroups().get(0).ipPermissions().stream()
        .flatMap(p -> java.util.stream.Stream.concat(p.ipRanges().stream().map(r -> r.cidrIp()), p.ipv6Ranges().stream()
            .map(r -> r.cidrIpv6())).map(c -> p.fromPort() + "-" + p.toPort() + " " + c))
        .sorted().toList();
  }

  private static String nlbGroup(String vpc, String name) {
    return aws.ec2.describeSecurityGroups(b -> b.filters(
            software.amazon.awssdk.services.ec2.model.Filter.builder().name("vpc-id").values(vpc).build(),
            software.amazon.awssdk.services.ec2.model.Filter.builder().name("group-name").values(name).build()))
        .securityGroups().get(0).groupId();
  }

  private static List<String> principals(String serviceId) {
    return aws.ec2.describeVpcEndpointServicePermissions(b -> b.serviceId(serviceId)).allowedPrincipals().stream()
        .map(p -> p.principal()).sorted().toList();
  }

  private static Map<Integer, Listener> listeners(LoadBalancer lb) {
    return aws.elb.describeListeners(b -> b.loadBalancerArn(lb.loadBalancerArn())).listeners().stream()
        .collect(Collectors.toMap(Listener::port, Function.identity()));
  }

  private static List<String> targets(String groupName) {
    List<TargetGroup> groups = aws.targetGroups(groupName).stream().filter(g -> g.targetGroupName().equals(groupName)).toList();
    assertThat(groups).as("target group %s", groupName).hasSize(1);
    return aws.elb.describeTargetHealth(b -> b.targetGroupArn(groups.get(0).targetGroupArn())).targetHealthDescriptions().stream()
        .map(t -> t.target().id() + ":" + t.target().port()).sorted().toList();
  }

  private static Map<String, Long> count(List<String> calls) {
    return calls.stream().collect(Collectors.groupingBy(c -> c, Collectors.counting()));
  }
}
