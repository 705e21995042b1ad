package io.privateendpoint.e2e.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.KafkaCluster;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.OperatorUnderTest;
import io.privateendpoint.operator.kafka.StatefulSetListenerConfig;
import io.privateendpoint.operator.model.BrokerStatus;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator, end to end, with its listener check on: three real KRaft brokers (network namespaces
 * as pod IPs, behind GKE-like nodes in the Compute fake) started from the ConfigMap the operator
 * wrote — broker 1's entry edited to a wrong port, as a chart overriding advertised.listeners would.
 * The NEG maps every port (the cloud's Verified part is True), yet the endpoint is not Ready: Verified
 * names broker 1, what it advertises and what was planned. After broker 1 restarts right, it is Ready.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class VerifiedEndpointIT {

  private static final String PROJECT = "kpe-verify-it";

  @RegisterExtension
  static final LocallyRunOperatorExtension operator = OperatorUnderTest.extension("--cluster-name", "it-verified",
      "--resync-period", "3s", "--verify-listeners", "true");

  @TempDir
  Path work;
  private NetworkNamespaces hosts;
  private KafkaBrokers brokers;

  @AfterEach
  void stop() {
    if (brokers != null) {
      brokers.close();
    }
    if (hosts != null) {
      hosts.close();
    }
  }

  @Test
  void readyOnlyWhenEveryBrokerAdvertisesItsPlannedAddress() throws Exception {
    hosts = NetworkNamespaces.create("kpw", 238, 3);
    GcpProject gcp = new GcpProject(PROJECT);
    KafkaCluster cluster = new KafkaCluster(operator.getKubernetesClient(), operator.getNamespace());
    StatefulSet sts = cluster.statefulSet("kafkav", 3);
    for (int i = 0; i < 3; i++) {
      String zone = "us-west1-" + (char) ('a' + i);
      gcp.node("gke-v-" + i, zone, "10.60.0." + (i + 1), hosts.address(i) + "/32");
      cluster.gcpNode("gke-v-" + i, PROJECT, zone);
      cluster.pod(sts, i, "gke-v-" + i, hosts.address(i));
    }
    KafkaPrivateEndpoint kpe = Endpoints.gcp("checked", "{statefulSet: {name: kafkav, configVolume: kafka-config}}",
        PROJECT, "psc-nat-v", "10.128.9.0/24");
    kpe.getMetadata().setNamespace(operator.getNamespace());
    Endpoints.createPastRoll(operator, cluster, kpe, "kafkav");

    // The brokers start from what the operator wrote, broker 1's entry edited to advertise port +100.
    KafkaPrivateEndpointStatus rolled = Endpoints.awaitStatus(operator, "checked",
        s -> s.getBrokers().size() == 3, Duration.ofSeconds(60));
    BrokerStatus one = rolled.getBrokers().get(1);
    String wrong = one.getAdvertised().replace(":" + one.getPort(), ":" + (one.getPort() + 100));
    ConfigMap written = operator.get(ConfigMap.class, "kpe-checked");
    Path entries = Files.createDirectories(work.resolve("entries"));
    for (var entry : written.getData().entrySet()) {
      if (StatefulSetListenerConfig.nodeIdOf(entry.getKey()) != null) {
        String value = entry.getKey().equals(StatefulSetListenerConfig.entryKey(1))
            ? entry.getValue().replace(one.getAdvertised(), wrong) : entry.getValue();
        Files.writeString(entries.resolve(entry.getKey()), value);
      }
    }
    Path script = work.resolve(StatefulSetListenerConfig.SCRIPT_RESOURCE);
    Files.writeString(script, written.getData().get(StatefulSetListenerConfig.SCRIPT_RESOURCE));
    brokers = KafkaBrokers.start(hosts, 3, "kafkav", List.of(entries), script, work);
    assertThat(brokers.config(1)).contains("TIDB://" + wrong);

    // Until the brokers listen the check says ListenerUnreachable; a finding that is not True is renewed within 20 s.
    EndpointCondition mismatch = Endpoints.condition(Endpoints.awaitStatus(operator, "checked", s -> "AdvertisedMismatch"
        .equals(Endpoints.condition(s, ConditionType.VERIFIED).getReason()), Duration.ofSeconds(90)), ConditionType.VERIFIED);
    assertThat(mismatch.getStatus()).isEqualTo("False");
    assertThat(mismatch.getMessage()).contains("broker 1 advertises " + wrong + ", planned " + one.getAdvertised());
    KafkaPrivateEndpointStatus notReady = operator.get(KafkaPrivateEndpoint.class, "checked").getStatus();
    assertThat(Endpoints.condition(notReady, ConditionType.READY).getStatus()).isEqualTo("False");
    assertThat(Endpoints.condition(notReady, ConditionType.LOAD_BALANCER_READY).getStatus()).isEqualTo("True");

    brokers.restart(1, config -> config.replace("TIDB://" + wrong, "TIDB://" + one.getAdvertised()));
    KafkaPrivateEndpointStatus ready = Endpoints.awaitReady(operator, "checked", Duration.ofSeconds(90));
    EndpointCondition verified = Endpoints.condition(ready, ConditionType.VERIFIED);
    assertThat(verified.getReason()).isEqualTo("EndpointsMapped");
    assertThat(verified.getMessage()).contains("lists the 3 brokers at their planned names and ports");

    operator.delete(operator.get(KafkaPrivateEndpoint.class, "checked"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> operator.get(KafkaPrivateEndpoint.class, "checked") == null);
  }
}
