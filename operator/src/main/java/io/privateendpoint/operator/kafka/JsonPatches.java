package io.privateendpoint.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;

/**
 * RFC 6902 JSON Patch pieces for the resources the operator shares with others (a StatefulSet, a
 * Strimzi Kafka CR): every patch opens with a test of the resourceVersion it was computed from, so
 * a concurrent change fails it (409/422) instead of being overwritten.
 */
final class JsonPatches {

  static final ObjectMapper JSON = new ObjectMapper();

  private JsonPatches() {}

  /**
   * A JSON Patch sent as the operator's own field manager, so that managedFields tell its writes
   * apart from everyone else's (and the back-off can name who reverted them).
   */
  static PatchContext context() {
    return new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(ListenerRevertGuard.FIELD_MANAGER).build();
  }

  /** A patch that applies only to the version read. */
  static ArrayNode guardedBy(String resourceVersion) {
    ArrayNode ops = JSON.createArrayNode();
    ops.add(test("/metadata/resourceVersion", resourceVersion));
    return ops;
  }

  static ObjectNode test(String path, String value) {
    return op("test", path, JSON.getNodeFactory().textNode(value));
  }

  static ObjectNode op(String op, String path, JsonNode value) {
    ObjectNode node = JSON.createObjectNode().put("op", op).put("path", path);
    if (value != null) {
      node.set("value", value);
    }
    return node;
  }

  /** A model object as a JSON tree, the way fabric8 serialises it. */
  static JsonNode tree(Object value) {
    try {
      return JSON.readTree(Serialization.asJson(value));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 6901: '~' and '/' in a key (annotation keys have a '/'). */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
