package io.privateendpoint.operator.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.status.ConditionType;
import io.privateendpoint.operator.status.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesTest {

  @Test
  void aFirstBuildCreatesItDoesNotRepair() {
    Changes changes = Changes.applying(endpoint(1L, null));
    changes.recreated("NLB", "arn:1");
    changes.repaired("listener TCP:9093", "arn:2", "forwards to its group again");
    assertThat(changes.drift()).isEmpty();
    assertThat(changes.changes()).extracting(Change::planned)
        .containsExactly("create NLB arn:1: planned", "change listener TCP:9093 arn:2: forwards to its group again");
  }

  @Test
  void onceBuiltAMissingResourceIsRecreatedAndAChangeRepaired() {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(3L);
    status.setEndpointServiceName("com.amazonaws.vpce.us-west-2.vpce-svc-1");
    Changes changes = Changes.applying(endpoint(3L, status));
    changes.recreated("NLB kpe-1", "arn:1");
    changes.repaired("listener TCP:9093", "arn:2", "forwards to its group again");
    List<String> told = new ArrayList<>();
    changes.emit(recorder(told), endpoint(3L, status));
    assertThat(told).containsExactly(
        "Warning Recreated Created NLB kpe-1 arn:1: was missing (deleted out of band)",
        "Normal Repaired Changed listener TCP:9093 arn:2: was changed out of band: forwards to its group again");
  }

  @Test
  void aSpecEditAppliedInPlaceIsNotDrift() {
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setObservedGeneration(3L);
    status.setConditions(List.of(new EndpointCondition(ConditionType.LOAD_BALANCER_READY, "True", "Active", "", 3L, null)));
    Changes changes = Changes.applying(endpoint(4L, status));
    changes.repaired("security group rules of", "sg-1", "inbound rules restored");
    changes.recreated("target group kpe-1-9093", "arn:3");
    assertThat(changes.drift()).extracting(Change::kind).containsExactly("target group kpe-1-9093");
  }

  @Test
  void everyChangeMadeIsOneEventAndAPreviewTellsNothing() {
    List<String> told = new ArrayList<>();
    Changes applying = Changes.applying(endpoint(1L, null));
    applying.created("target group", "kpe-1-9093", "port 9093 added");
    applying.deleted("listener", "arn:l", "port 9096 no longer planned");
    applying.warning("EndpointServiceReplaced", "svc-1 replaced by svc-2");
    applying.emit(recorder(told), endpoint(1L, null));
    assertThat(told).containsExactly("Normal Created Created target group kpe-1-9093: port 9093 added",
        "Normal Deleted Deleted listener arn:l: port 9096 no longer planned",
        "Warning EndpointServiceReplaced svc-1 replaced by svc-2");

    told.clear();
    Changes preview = Changes.previewing(endpoint(1L, null));
    preview.created("NLB", "kpe-1", "planned");
    preview.emit(recorder(told), endpoint(1L, null));
    assertThat(preview.previewing()).isTrue();
    assertThat(told).isEmpty();
    assertThat(preview.changes()).extracting(Change::planned).containsExactly("create NLB kpe-1: planned");
  }

  private static EventRecorder recorder(List<String> told) {
    return new EventRecorder(null, java.time.Clock.systemUTC()) {
      @Override
      public void warning(KafkaPrivateEndpoint resource, String reason, String message) {
        told.add("Warning " + reason + " " + message);
      }

      @Override
      public void normal(KafkaPrivateEndpoint resource, String reason, String message) {
        told.add("Normal " + reason + " " + message);
      }
    };
  }

  private static KafkaPrivateEndpoint endpoint(Long generation, KafkaPrivateEndpointStatus status) {
    KafkaPrivateEndpoint resource = new KafkaPrivateEndpoint();
    resource.setMetadata(new ObjectMetaBuilder().withName("e").withNamespace("n").withUid("u").withGeneration(generation).build());
    resource.setStatus(status);
    return resource;
  }
}
