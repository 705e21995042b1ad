package io.privateendpoint.operator.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

  /**
   * Sends a patch that opens with {@link #guardedBy}. The API server answers a failed "test" with 422
   * Invalid, as it answers a patch that is wrong in itself, and says nothing more. When the resource has
   * moved on from the version the patch was computed from (someone wrote it, or the cache read was
   * behind), the guard did its job: that is rethrown as the 409 Conflict it means, which JOSDK and the
   * reconciler treat as an expected retry (one line, no stack trace, no error status). A 422 on an
   * unchanged resource is a real error and is thrown as it came.
   */
  static <T extends HasMetadata> T send(Resource<T> target, ArrayNode guarded) {
    try {
      return target.patch(context(), guarded.toString());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 422) {
        throw e;
      }
      String tested = guarded.get(0).path("value").asText(null);
      T now = target.get();
      String current = now == null ? null : now.getMetadata().getResourceVersion();
      if (Objects.equals(current, tested)) {
        throw e;
      }
      String what = now == null ? "it was deleted" : "it is now at resourceVersion " + current;
      throw new KubernetesClientException(new StatusBuilder().withCode(HttpURLConnection.HTTP_CONFLICT).withReason("Conflict")
          .withMessage("changed since it was read at resourceVersion " + tested + " (" + what + "); read again and retry")
          .build());
    }
  }

  /** Ops adding {@code annotations} to the object's metadata (the map itself when it has none yet). */
  static void addAnnotations(ArrayNode ops, ObjectMeta current, Map<String, String> annotations) {
    if (annotations.isEmpty()) {
      return;
    }
    if (current.getAnnotations() == null || current.getAnnotations().isEmpty()) {
      ObjectNode all = JSON.createObjectNode();
      new TreeMap<>(annotations).forEach(all::put);
      ops.add(op("add", "/metadata/annotations", all));
    } else {
      new TreeMap<>(annotations).forEach((key, value) ->
          ops.add(op("add", "/metadata/annotations/" + escape(key), JSON.getNodeFactory().textNode(value))));
    }
  }

  /** An op removing annotation {@code key} from the object's metadata, when it has it. */
  static void removeAnnotation(ArrayNode ops, ObjectMeta current, String key) {
    if (current.getAnnotations() != null && current.getAnnotations().containsKey(key)) {
      ops.add(op("remove", "/metadata/annotations/" + escape(key), null));
    }
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
