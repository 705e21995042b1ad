package io.privateendpoint.operator.cloud;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The base of every cloud resource name of an endpoint: {@code kpe-} and 12 hex digits of the
 * SHA-256 of its uid. Deterministic, so a retry after a crash computes the same names and finds
 * what the crashed attempt made; short enough for AWS's 32-character load balancer names and
 * valid as a Compute (RFC 1035) name.
 */
public final class UidNames {

  private UidNames() {}

  public static String base(KafkaPrivateEndpoint resource) {
    return "kpe-" + hash(resource.getMetadata().getUid());
  }

  /** 12 hex digits of the SHA-256 of {@code text}: a name part that is short, stable and valid anywhere. */
  public static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
