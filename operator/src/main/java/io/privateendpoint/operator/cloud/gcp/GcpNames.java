package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic Compute names from the resource's uid: a retry after a crash computes the same
 * name and finds what the crashed attempt created (Compute answers 409 to a second insert of a
 * name), so there is never a twin. The NEG, backend service, forwarding rule and service
 * attachment live in different collections and share the base name; the firewall is global.
 */
record GcpNames(String base) {

  static GcpNames of(KafkaPrivateEndpoint resource) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(resource.getMetadata().getUid().getBytes(StandardCharsets.UTF_8));
      return new GcpNames("kpe-" + HexFormat.of().formatHex(digest).substring(0, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  String neg() {
    return base;
  }

  String backendService() {
    return base;
  }

  String forwardingRule() {
    return base;
  }

  String serviceAttachment() {
    return base;
  }

  String firewall() {
    return base + "-psc-ingress";
  }
}
