package io.privateendpoint.operator.cloud.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Who owns a Compute resource. Only forwarding rules take labels; every other resource here has
 * just a free-text description, so it carries the owner as JSON (namespace, name, uid, cluster) —
 * as GKE's own PSC controller does. A resource whose record does not name this endpoint's uid and
 * this operator's cluster is never modified or deleted, whatever its name.
 */
record GcpOwner(String namespace, String name, String uid, String cluster) {

  static final String MANAGED_BY = "kafka-private-endpoint-operator";
  static final String LABEL_UID = "kpe-owner-uid";
  static final String LABEL_CLUSTER = "kpe-cluster";
  static final String LABEL_NAMESPACE = "kpe-namespace";
  static final String LABEL_NAME = "kpe-name";

  private static final ObjectMapper JSON = new ObjectMapper();

  static GcpOwner of(KafkaPrivateEndpoint resource, String clusterName) {
    var m = resource.getMetadata();
    return new GcpOwner(m.getNamespace(), m.getName(), m.getUid(), clusterName);
  }

  String description() {
    Map<String, String> record = new LinkedHashMap<>();
    record.put("managedBy", MANAGED_BY);
    record.put("cluster", cluster);
    record.put("namespace", namespace);
    record.put("name", name);
    record.put("uid", uid);
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean ownsDescription(String description) {
    if (description == null || description.isBlank()) {
      return false;
    }
    try {
      JsonNode node = JSON.readTree(description);
      return node != null && MANAGED_BY.equals(node.path("managedBy").asText())
          && uid.equals(node.path("uid").asText()) && cluster.equals(node.path("cluster").asText());
    } catch (JsonProcessingException notJson) {
      return false;
    }
  }

  /** Label values are at most 63 of [a-z0-9_-]; the uid and cluster decide ownership, the rest is for people. */
  Map<String, String> labels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_UID, uid);
    labels.put(LABEL_CLUSTER, cluster);
    labels.put(LABEL_NAMESPACE, labelValue(namespace));
    labels.put(LABEL_NAME, labelValue(name));
    return labels;
  }

  boolean ownsLabels(Map<String, String> labels) {
    return uid.equals(labels.get(LABEL_UID)) && cluster.equals(labels.get(LABEL_CLUSTER));
  }

  private static String labelValue(String value) {
    String v = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    return v.length() > 63 ? v.substring(0, 63) : v;
  }
}
