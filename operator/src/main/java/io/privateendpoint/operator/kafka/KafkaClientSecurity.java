package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.Secret;
import io.privateendpoint.operator.model.SaslMechanism;
import io.privateendpoint.operator.model.SecurityProtocol;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The security settings of a Kafka client the operator itself runs (the proxy's broker discovery, the
 * listener check), from a protocol, a SASL mechanism and a Secret holding {@value #CA} (PEM, to trust
 * the brokers' TLS), {@value #USERNAME} and {@value #PASSWORD}.
 */
public final class KafkaClientSecurity {

  public static final String CA = "ca.crt";
  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";

  private KafkaClientSecurity() {}

  /** security.protocol, the PEM truststore and the SASL login; {@code mechanism} null for none. */
  public static Map<String, Object> settings(SecurityProtocol protocol, SaslMechanism mechanism, Secret secret) {
    Map<String, Object> c = new TreeMap<>();
    c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
    String ca = value(secret, CA);
    if ((protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL) && ca != null) {
      c.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
      c.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca);
    }
    if (mechanism != null && sasl(protocol)) {
      String module = mechanism == SaslMechanism.PLAIN ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      c.put(SaslConfigs.SASL_MECHANISM, mechanism.kafkaName());
      c.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + escape(value(secret, USERNAME))
          + "\" password=\"" + escape(value(secret, PASSWORD)) + "\";");
    }
    return c;
  }

  public static boolean sasl(SecurityProtocol protocol) {
    return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** A key of the Secret, from data (base64) or stringData; null when absent. */
  public static String value(Secret secret, String key) {
    if (secret == null) {
      return null;
    }
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(key);
  }
}
