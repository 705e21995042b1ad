package io.privateendpoint.operator.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepairsTest {

  @Test
  void aFirstBuildCreatesItDoesNotRepair() {
    Repairs repairs = Repairs.of(endpoint(1L, null));
    repairs.recreated("NLB kpe-1", "arn:1");
    repairs.repaired("listener TCP:9093", "arn:2", "forwards to its group again");
    assertThat(repairs.done()).isEmpty();
  }

  @Test
  void onceBuiltAMissingResourceIsRecreatedAndAChangeRepaired() {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(3L);
    status.setEndpointServiceName("com.amazonaws.vpce.us-west-2.vpce-svc-1");
    Repairs repairs = Repairs.of(endpoint(3L, status));
    repairs.recreated("NLB kpe-1", "arn:1");
    repairs.repaired("listener TCP:9093", "arn:2", "forwards to its group again");
    assertThat(repairs.done()).extracting(Repairs.Repair::type, Repairs.Repair::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Warning", "Recreated"), org.assertj.core.groups.Tuple.tuple("Normal", "Repaired"));
    assertThat(repairs.done().get(0).message()).contains("NLB kpe-1 arn:1");
  }

  @Test
  void aSpecEditAppliedInPlaceIsNotDrift() {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(3L);
    status.setConditions(List.of(new EndpointCondition(ConditionType.LOAD_BALANCER_READY, "True", "Active", "", 3L, null)));
    Repairs repairs = Repairs.of(endpoint(4L, status));
    repairs.repaired("security group rules of", "sg-1", "inbound rules restored");
    repairs.recreated("target group kpe-1-9093", "arn:3");
    assertThat(repairs.done()).extracting(Repairs.Repair::reason).containsExactly("Recreated");
  }

  private static KafkaPrivateEndpoint endpoint(Long generation, KafkaPrivateEndpointStatus status) {
    KafkaPrivateEndpoint resource = new KafkaPrivateEndpoint();
    resource.setMetadata(new ObjectMetaBuilder().withName("e").withNamespace("n").withUid("u").withGeneration(generation).build());
    resource.setStatus(status);
    return resource;
  }
}
