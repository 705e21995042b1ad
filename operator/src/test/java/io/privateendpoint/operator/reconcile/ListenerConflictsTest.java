package io.privateendpoint.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.PortAssignment;
import io.privateendpoint.operator.plan.PlanProblem;
import io.privateendpoint.operator.testing.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerConflictsTest {

  @Test
  void laterEndpointWithTheSameListenerNameIsRefusedNamingTheFirst() {
    KafkaPrivateEndpoint first = endpoint("first", "2026-11-22T08:00:00Z", "tidb", 39092, 9093);
    KafkaPrivateEndpoint later = endpoint("later", "2026-11-22T08:00:05Z", "TIDB", 39192, 19093);
    assertThat(ListenerConflicts.find(later, List.of(first, later))).get()
        .extracting(PlanProblem::reason, PlanProblem::message)
        .containsExactly(PlanProblem.LISTENER_CONFLICT,
            "spec.listener.name TIDB is already used by KafkaPrivateEndpoint kafka/first; nothing was changed");
    assertThat(ListenerConflicts.find(first, List.of(first, later))).isEmpty();
  }

  @Test
  void containerPortAndPortRangeClashesToo() {
    KafkaPrivateEndpoint first = endpoint("first", "2026-11-22T08:00:00Z", "tidb", 39092, 9093);
    assertThat(ListenerConflicts.find(endpoint("b", "2026-11-22T08:01:00Z", "other", 39092, 19093), List.of(first)))
        .get().extracting(PlanProblem::message).asString().startsWith("spec.listener.containerPort 39092");
    assertThat(ListenerConflicts.find(endpoint("c", "2026-11-22T08:01:00Z", "other", 39192, 9100), List.of(first)))
        .get().extracting(PlanProblem::message).asString().startsWith("spec.ports overlap KafkaPrivateEndpoint kafka/first on port(s) 9099..9108");
    assertThat(ListenerConflicts.find(endpoint("d", "2026-11-22T08:01:00Z", "other", 39192, 19093), List.of(first))).isEmpty();
  }

  @Test
  void anEndpointHoldingPortsKeepsItsClaimOverAnOlderNewcomer() {
    KafkaPrivateEndpoint working = endpoint("zeta", "2026-11-22T08:00:00Z", "tidb", 39092, 9093);
    working.setStatus(new KafkaPrivateEndpointStatus());
    working.getStatus().getPorts().add(new PortAssignment(0, 9093));
    KafkaPrivateEndpoint sameSecond = endpoint("alpha", "2026-11-22T08:00:00Z", "tidb", 39192, 19093);
    assertThat(ListenerConflicts.find(working, List.of(working, sameSecond))).isEmpty();
    assertThat(ListenerConflicts.find(sameSecond, List.of(working, sameSecond))).isPresent();
  }

  @Test
  void otherKafkaClustersNeverClash() {
    KafkaPrivateEndpoint first = endpoint("first", "2026-11-22T08:00:00Z", "tidb", 39092, 9093);
    KafkaPrivateEndpoint elsewhere = endpoint("elsewhere", "2026-11-22T08:01:00Z", "tidb", 39092, 9093);
    elsewhere.getSpec().getKafka().getStrimzi().setCluster("other-cluster");
    assertThat(ListenerConflicts.find(elsewhere, List.of(first))).isEmpty();
  }

  private static KafkaPrivateEndpoint endpoint(String name, String created, String listener, int containerPort, int brokerStart) {
    KafkaPrivateEndpoint r = Samples.resource("aws.yaml");
    r.getMetadata().setName(name);
    r.getMetadata().setUid(name + "-uid");
    r.getMetadata().setCreationTimestamp(created);
    r.getSpec().getListener().setName(listener);
    r.getSpec().getListener().setContainerPort(containerPort);
    r.getSpec().getPorts().setBrokerStart(brokerStart);
    r.getSpec().getPorts().setBootstrap(List.of(brokerStart - 1));
    return r;
  }
}
