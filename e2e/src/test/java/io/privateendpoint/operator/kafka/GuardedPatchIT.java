package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JsonPatches.send against the real API server (in the operator's package, which it is private to):
 * a guarded patch that lost the race comes back 422 from the server, and leaves as the 409 Conflict
 * that JOSDK and the reconciler retry quietly; a patch wrong in itself keeps its 422.
 */
@ExtendWith(KubernetesApiServerExtension.class)
class GuardedPatchIT {

  private static final String NAMESPACE = "kpe-guarded-patch";

  @Test
  void aLostRaceIsAConflictAndABadPatchStaysInvalid() {
    KubernetesClient client = KubernetesApiServerExtension.cluster().newClient();
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).createOr(r -> r.update());
    Resource<ConfigMap> target = client.configMaps().inNamespace(NAMESPACE).withName("shared");
    ConfigMap read = client.resource(new ConfigMapBuilder().withNewMetadata().withName("shared").withNamespace(NAMESPACE)
        .endMetadata().addToData("listener", "theirs").build()).create();

    // Someone else writes after our read: the server refuses the guarded patch with 422, send says 409.
    target.edit(cm -> new ConfigMapBuilder(cm).addToData("other", "x").build());
    ArrayNode stale = JsonPatches.guardedBy(read.getMetadata().getResourceVersion());
    stale.add(JsonPatches.op("replace", "/data/listener", JsonPatches.JSON.getNodeFactory().textNode("ours")));
    assertThat(catchThrowableOfType(KubernetesClientException.class, () -> target.patch(JsonPatches.context(), stale.toString()))
        .getCode()).as("what the API server itself answers").isEqualTo(422);
    KubernetesClientException conflict = catchThrowableOfType(KubernetesClientException.class, () -> JsonPatches.send(target, stale));
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getMessage()).contains("changed since it was read at resourceVersion " + read.getMetadata().getResourceVersion());
    assertThat(target.get().getData()).containsEntry("listener", "theirs").containsEntry("other", "x");

    // Read again: the same change goes through.
    ArrayNode fresh = JsonPatches.guardedBy(target.get().getMetadata().getResourceVersion());
    fresh.add(JsonPatches.op("replace", "/data/listener", JsonPatches.JSON.getNodeFactory().textNode("ours")));
    assertThat(JsonPatches.send(target, fresh).getData()).containsEntry("listener", "ours");

    // A patch wrong in itself, on an unchanged resource, is not a race: its 422 is kept.
    ArrayNode wrong = JsonPatches.guardedBy(target.get().getMetadata().getResourceVersion());
    wrong.add(JsonPatches.op("replace", "/data/missing/key", JsonPatches.JSON.getNodeFactory().textNode("x")));
    assertThat(catchThrowableOfType(KubernetesClientException.class, () -> JsonPatches.send(target, wrong)).getCode())
        .isEqualTo(422);
  }
}
