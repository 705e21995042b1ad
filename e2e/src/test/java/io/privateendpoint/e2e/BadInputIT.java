package io.privateendpoint.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworksSettings;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.aws.MotoAccount;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.AwsCalls;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Semantic bad input that needs a cloud read, applied to the real API server with the operator
 * running against moto and the Compute fake: each case ends with a condition naming the spec field,
 * and between the first and the last case there is no mutating AWS or Compute call and no write to
 * the Kafka side (each case's StatefulSet, with brokers on nodes, keeps its resourceVersion and no
 * ConfigMap kpe-&lt;name&gt; appears). Spec-only cases are the operator module's BadInputCorpusTest.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class BadInputIT {

  private static final String PROJECT = "kpe-badinput";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-badinput",
      "--resync-period", "3s");

  private static MotoAccount aws;
  private static AwsCalls calls;
  private static ComputeFake fake;
  private static KafkaCluster cluster;
  private static String vpc;
  private static Map<Integer, String> subnetByAz;
  private static Map<Integer, String> otherSubnetByAz;
  private static String tinySubnet;

  /** One case: a resource, the condition type and the text its message starts with. */
  record Case(String name, KafkaPrivateEndpoint resource, String type, String reason, List<String> expected) {}

  @BeforeAll
  static void accounts() throws Exception {
    aws = new MotoAccount();
    calls = MotoServer.get().calls();
    vpc = aws.vpcWithSubnets("10.90");
    String other = aws.vpcWithSubnets("10.91");
    subnetByAz = subnets(vpc);
    String tiny = aws.ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.90.9.0/28").availabilityZoneId("usw2-az1")).subnet().subnetId();
    tinySubnet = tiny;
    otherSubnetByAz = subnets(other);
    new GcpProject(PROJECT, "kafka-vpc", "brokers");
    new GcpProject(PROJECT, "other-vpc", "other-subnet");
    fake = LocalCompute.get();
    try (SubnetworksClient subnetworks = SubnetworksClient.create(SubnetworksSettings.newBuilder()
        .setEndpoint(fake.ownerEndpoint()).setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      // Someone else's PSC NAT subnet in the brokers' network.
      subnetworks.insertAsync(PROJECT, "us-west1", Subnetwork.newBuilder().setName("someones-nat")
          .setNetwork("projects/" + PROJECT + "/global/networks/kafka-vpc").setIpCidrRange("10.129.0.0/24")
          .setPurpose("PRIVATE_SERVICE_CONNECT").setDescription("made by hand").build()).get();
    }
    cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    for (int az = 1; az <= 3; az++) {
      cluster.awsNode("bad-aws-" + az, az);
      String zone = "us-west1-" + (char) ('a' + az - 1);
      cluster.gcpNode("bad-gcp-" + az, PROJECT, zone);
    }
  }

  private static Map<Integer, String> subnets(String vpcId) {
    Map<Integer, String> byAz = new java.util.TreeMap<>();
    aws.ec2.describeSubnets().subnets().stream().filter(s -> s.vpcId().equals(vpcId))
        .forEach(s -> byAz.put(Integer.parseInt(s.availabilityZoneId().substring("usw2-az".length())), s.subnetId()));
    return byAz;
  }

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(awsCase("aws-unknown-vpc", a -> a.getSpec().getAws().setVpcId("vpc-0000000000badbad0"), "VpcNotFound",
        "spec.aws.vpcId: vpc-0000000000badbad0 is not a VPC in us-west-2"));
    cases.add(awsCase("aws-subnet-other-vpc", a -> a.getSpec().getAws().setSubnets(Map.of("usw2-az1", otherSubnetByAz.get(1))),
        "SpecMismatch", "spec.aws.subnets[usw2-az1]: " + otherSubnetByAz.get(1) + " is in "));
    cases.add(awsCase("aws-subnet-other-az", a -> a.getSpec().getAws().setSubnets(Map.of("usw2-az1", subnetByAz.get(2))),
        "SpecMismatch", "spec.aws.subnets[usw2-az1]: " + subnetByAz.get(2) + " is in usw2-az2, not usw2-az1"));
    cases.add(awsCase("aws-subnet-unknown", a -> a.getSpec().getAws().setSubnets(Map.of("usw2-az3", "subnet-0123456789abcdef0")),
        "SpecMismatch", "spec.aws.subnets[usw2-az3]: subnet-0123456789abcdef0 does not exist in us-west-2"));
    cases.add(awsCase("aws-subnet-az3-under-az2", a -> a.getSpec().getAws().setSubnets(new java.util.LinkedHashMap<>(Map.of(
        "usw2-az2", subnetByAz.get(3)))), "SpecMismatch",
        "spec.aws.subnets[usw2-az2]: " + subnetByAz.get(3) + " is in usw2-az3, not usw2-az2"));
    cases.add(awsCase("aws-subnet-too-small", a -> a.getSpec().getAws().setSubnets(Map.of("usw2-az1", tinySubnet)),
        "SpecMismatch", "spec.aws.subnets[usw2-az1]: " + tinySubnet + " (10.90.9.0/28, "));
    cases.add(gcpCase("gcp-subnetwork-is-a-psc-subnet", g -> g.getSpec().getGcp().setSubnetwork("someones-nat"),
        "SpecMismatch", "spec.gcp.subnetwork: someones-nat has purpose PRIVATE_SERVICE_CONNECT"));
    cases.add(gcpCase("gcp-unknown-network", g -> g.getSpec().getGcp().setNetwork("no-such-vpc"), "NetworkNotFound",
        "spec.gcp.network: network projects/" + PROJECT + "/global/networks/no-such-vpc does not exist"));
    cases.add(gcpCase("gcp-unknown-subnetwork", g -> g.getSpec().getGcp().setSubnetwork("no-such-subnet"), "SpecMismatch",
        "spec.gcp.subnetwork: projects/" + PROJECT + "/regions/us-west1/subnetworks/no-such-subnet does not exist"));
    cases.add(gcpCase("gcp-subnetwork-other-network", g -> g.getSpec().getGcp().setSubnetwork("other-subnet"), "SpecMismatch",
        "spec.gcp.subnetwork: other-subnet is in projects/" + PROJECT + "/global/networks/other-vpc, not in"));
    cases.add(gcpCase("gcp-nat-someone-elses", g -> g.getSpec().getGcp().getPscNatSubnet().setName("someones-nat"),
        "SpecMismatch", "spec.gcp.pscNatSubnet.name: subnetwork someones-nat exists and was not made by this endpoint"));
    cases.add(gcpCase("gcp-nat-is-a-plain-subnetwork", g -> g.getSpec().getGcp().getPscNatSubnet().setName("other-subnet"),
        "SpecMismatch", "spec.gcp.pscNatSubnet.name: subnetwork other-subnet exists and was not made by this endpoint"));
    // Spec-only rules stop the pass before any read, end to end as well.
    cases.add(new Case("aws-pattern-hyphen", aws("aws-pattern-hyphen", a -> a.getSpec().getListener()
        .setAdvertisedPattern("<broker_id>-.<az_id>.kafka.example.com:<port>")), ConditionType.READY, "InvalidSpec",
        List.of("invalid spec: spec.listener.advertisedPattern: host b0-.usw2-az1.kafka.example.com has the label \"b0-\"")));
    cases.add(new Case("gcp-consumer-project", gcp("gcp-consumer-project", g -> g.getSpec().getGcp().getConsumerProjects()
        .get(0).setProject("abcde")), ConditionType.READY, "InvalidSpec",
        List.of("invalid spec: spec.gcp.consumerProjects[0].project: \"abcde\" is not a project ID")));
    return cases;
  }

  private static Case awsCase(String name, Consumer<KafkaPrivateEndpoint> bad, String reason, String expected) {
    return new Case(name, aws(name, bad), ConditionType.CLOUD_ACCESS, reason, List.of(expected));
  }

  private static Case gcpCase(String name, Consumer<KafkaPrivateEndpoint> bad, String reason, String expected) {
    return new Case(name, gcp(name, bad), ConditionType.CLOUD_ACCESS, reason, List.of(expected));
  }

  private static KafkaPrivateEndpoint aws(String name, Consumer<KafkaPrivateEndpoint> bad) {
    brokers(name, "bad-aws-");
    KafkaPrivateEndpoint resource = Endpoints.aws(name, "{statefulSet: {name: " + name + ", configVolume: kafka-config}}",
        "tidb", 39092, 9092, 9093);
    resource.getSpec().getAws().setVpcId(vpc);
    bad.accept(resource);
    return resource;
  }

  private static KafkaPrivateEndpoint gcp(String name, Consumer<KafkaPrivateEndpoint> bad) {
    brokers(name, "bad-gcp-");
    KafkaPrivateEndpoint resource = Endpoints.gcp(name, "{statefulSet: {name: " + name + ", configVolume: kafka-config}}",
        PROJECT, "kpe-nat-" + Math.abs(name.hashCode() % 1000), "10.130.0.0/24");
    bad.accept(resource);
    return resource;
  }

  /** A StatefulSet of three running brokers, one per zone, rolled out: without the check it would be patched. */
  private static void brokers(String name, String nodePrefix) {
    StatefulSet sts = cluster.statefulSet(name, 3);
    for (int i = 0; i < 3; i++) {
      cluster.pod(sts, i, nodePrefix + (i + 1), "10.90." + (i + 1) + "." + (10 + Math.abs(name.hashCode() % 200)));
    }
    cluster.rolledOut(name);
  }

  @Test
  void everyCaseNamesItsFieldAndNothingIsWritten() {
    int awsMark = calls.mark();
    int computeMark = fake.mark();
    List<Case> cases = cases();
    Map<String, String> versions = new java.util.HashMap<>();
    for (Case c : cases) {
      versions.put(c.name(), cluster.get(c.name()).getMetadata().getResourceVersion());
      c.resource().getMetadata().setNamespace(operator.getNamespace());
      operator.create(c.resource());
    }
    for (Case c : cases) {
      KafkaPrivateEndpointStatus status = Endpoints.awaitStatus(operator, c.name(),
          s -> s.getConditions() != null && s.getConditions().stream()
              .anyMatch(k -> k.getType().equals(c.type()) && c.reason().equals(k.getReason())));
      String message = Endpoints.condition(status, c.type()).getMessage();
      for (String expected : c.expected()) {
        assertThat(message).as(c.name()).startsWith(expected);
      }
      if (c.type().equals(ConditionType.CLOUD_ACCESS)) {
        assertThat(Endpoints.condition(status, ConditionType.CLOUD_ACCESS).getStatus()).as(c.name()).isEqualTo("False");
      }
    }
    // A few resyncs later: still nothing written anywhere.
    sleep(4000);
    assertThat(calls.mutatingSince(awsMark)).as("mutating AWS calls").isEmpty();
    assertThat(fake.mutatingCallsSince(computeMark)).as("mutating Compute calls").isEmpty();
    for (Case c : cases) {
      assertThat(cluster.get(c.name()).getMetadata().getResourceVersion()).as("StatefulSet of %s", c.name())
          .isEqualTo(versions.get(c.name()));
      assertThat(operator.getKubernetesClient().configMaps().inNamespace(operator.getNamespace())
          .withName("kpe-" + c.name()).get()).as("ConfigMap of %s", c.name()).isNull();
    }
    System.out.println("BadInputIT: " + cases.size() + " cloud-read and end-to-end bad-input cases, no write");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
