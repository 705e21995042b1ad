package io.privateendpoint.operator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Annotation ops on an object's metadata: RFC 6902 cannot add a key to a map that is not there. */
class JsonPatchesTest {

  @Test
  void annotationsGoInAsOneMapWhereThereIsNone() {
    ArrayNode ops = JsonPatches.JSON.createArrayNode();
    JsonPatches.addAnnotations(ops, new ObjectMeta(), Map.of("b/x", "2", "a", "1"));
    assertThat(ops.toString()).isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"1\",\"b/x\":\"2\"}}]");
  }

  @Test
  void annotationsGoInOneByOneBesideOthers() {
    ArrayNode ops = JsonPatches.JSON.createArrayNode();
    JsonPatches.addAnnotations(ops, new ObjectMetaBuilder().withAnnotations(Map.of("theirs", "v")).build(),
        Map.of("javaoperatorsdk.io/previous", "id,7"));
    assertThat(ops.toString()).isEqualTo(
        "[{\"op\":\"add\",\"path\":\"/metadata/annotations/javaoperatorsdk.io~1previous\",\"value\":\"id,7\"}]");
  }

  @Test
  void nothingToAddOrRemoveIsNoOp() {
    ArrayNode ops = JsonPatches.JSON.createArrayNode();
    JsonPatches.addAnnotations(ops, new ObjectMeta(), Map.of());
    JsonPatches.removeAnnotation(ops, new ObjectMeta(), "javaoperatorsdk.io/previous");
    JsonPatches.removeAnnotation(ops, new ObjectMetaBuilder().withAnnotations(Map.of("theirs", "v")).build(),
        "javaoperatorsdk.io/previous");
    assertThat(ops).isEmpty();
    JsonPatches.removeAnnotation(ops, new ObjectMetaBuilder().withAnnotations(Map.of("javaoperatorsdk.io/previous", "id")).build(),
        "javaoperatorsdk.io/previous");
    assertThat(ops.toString()).isEqualTo("[{\"op\":\"remove\",\"path\":\"/metadata/annotations/javaoperatorsdk.io~1previous\"}]");
  }
}
