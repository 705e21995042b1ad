package io.privateendpoint.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the status write applies: the name and the status, so the operator's field manager owns nothing else. */
class StatusWriteTest {

  @Test
  void theAppliedObjectCarriesTheNameAndTheStatusOnly() {
    KafkaPrivateEndpoint current = new KafkaPrivateEndpoint();
    current.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("kafka").withResourceVersion("41")
        .withGeneration(3L).withLabels(Map.of("team", "a")).withFinalizers("kafkaprivateendpoints.kafka.privateendpoint.io/finalizer")
        .build());
    current.setSpec(new KafkaPrivateEndpointSpec());
    KafkaPrivateEndpointStatus status = new KafkaPrivateEndpointStatus();
    status.setEndpoint("com.amazonaws.vpce.us-west-2.vpce-svc-0abc");

    JsonNode applied = Serialization.jsonMapper().valueToTree(StatusWrite.statusOnly(current, status));

    List<String> fields = new ArrayList<>();
    applied.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("apiVersion", "kind", "metadata", "status");
    assertThat(applied.get("apiVersion").asText()).isEqualTo("kafka.privateendpoint.io/v1alpha1");
    List<String> metadata = new ArrayList<>();
    applied.get("metadata").fieldNames().forEachRemaining(metadata::add);
    assertThat(metadata).containsExactlyInAnyOrder("name", "namespace");
    assertThat(applied.get("status").get("endpoint").asText()).isEqualTo("com.amazonaws.vpce.us-west-2.vpce-svc-0abc");
    assertThat(current.getSpec()).as("the resource the pass read is left as it was").isNotNull();
  }
}
