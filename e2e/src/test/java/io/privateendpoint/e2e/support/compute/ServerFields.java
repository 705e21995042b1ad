package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fields Compute fills in, set on whichever of them a resource's message type has: id,
 * selfLink(WithId), creationTimestamp, kind, region/zone as URLs, fingerprint, labelFingerprint. The
 * caller's values for these are ignored, as Compute ignores output-only input.
 */
final class ServerFields {

  /** Output-only fields: dropped from Patch/Update bodies, never compared. */
  static final Set<String> OUTPUT_ONLY = Set.of("id", "self_link", "self_link_with_id", "creation_timestamp", "kind",
      "region", "zone", "fingerprint", "label_fingerprint", "connected_endpoints", "psc_service_attachment_id",
      "psc_connection_id", "psc_connection_status", "gateway_address", "subnetworks", "size", "status", "used_by");

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

  private final AtomicLong ids = new AtomicLong(1_000_000_000_000_000_001L);
  private final AtomicLong fingerprints = new AtomicLong();

  long nextId() {
    return ids.getAndIncrement();
  }

  static String now() {
    return OffsetDateTime.now(ZoneOffset.UTC).format(RFC3339);
  }

  /** A new resource: every server field set afresh. */
  Message created(ResourcePath path, Message resource) {
    Message.Builder b = resource.toBuilder();
    long id = nextId();
    Messages.setIfPresent(b, "id", id);
    Messages.setIfPresent(b, "self_link", path.selfLink());
    Messages.setIfPresent(b, "self_link_with_id", ResourcePath.API + path.collectionPath() + "/" + id);
    Messages.setIfPresent(b, "creation_timestamp", now());
    Messages.setIfPresent(b, "kind", kind(resource));
    if (path.scope().startsWith("regions/")) {
      Messages.setIfPresent(b, "region", path.scopeUrl());
    }
    if (path.zone() != null) {
      Messages.setIfPresent(b, "zone", path.scopeUrl());
    }
    return changed(b.build(), true);
  }

  /**
   * After a change: a new fingerprint (Compute's optimistic lock; any change invalidates the old
   * one) and the label fingerprint of the labels as they now are.
   */
  Message changed(Message resource, boolean contentChanged) {
    Message.Builder b = resource.toBuilder();
    if (contentChanged) {
      Messages.setIfPresent(b, "fingerprint", encode("content-" + fingerprints.incrementAndGet()));
    }
    FieldDescriptor labels = resource.getDescriptorForType().findFieldByName("labels");
    if (labels != null && resource.getDescriptorForType().findFieldByName("label_fingerprint") != null) {
      Messages.setIfPresent(b, "label_fingerprint", labelFingerprint(labelsOf(resource)));
    }
    return b.build();
  }

  static Map<String, String> labelsOf(Message resource) {
    FieldDescriptor labels = resource.getDescriptorForType().findFieldByName("labels");
    return labels == null ? new TreeMap<>() : labelsOfField(resource, labels);
  }

  /** A string map field (labels, annotations) as a sorted map. */
  static Map<String, String> labelsOfField(Message message, FieldDescriptor mapField) {
    Map<String, String> out = new TreeMap<>();
    for (Object entry : (Iterable<?>) message.getField(mapField)) {
      Message m = (Message) entry;
      var type = m.getDescriptorForType();
      out.put(String.valueOf(m.getField(type.findFieldByName("key"))), String.valueOf(m.getField(type.findFieldByName("value"))));
    }
    return out;
  }

  /** Deterministic over the labels, so an unchanged label set keeps its fingerprint. */
  static String labelFingerprint(Map<String, String> labels) {
    return encode("labels-" + labels);
  }

  static String kind(Message resource) {
    return "compute#" + Messages.lowerFirst(resource.getDescriptorForType().getName());
  }

  private static String encode(String seed) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      byte[] eight = new byte[8];
      System.arraycopy(hash, 0, eight, 0, 8);
      return Base64.getEncoder().encodeToString(eight);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
