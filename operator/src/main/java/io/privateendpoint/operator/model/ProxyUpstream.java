package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The connection from the proxy (and the operator's broker discovery) to the brokers. The address
 * comes from the source: spec.kafka.bootstrapServers as given; a Strimzi cluster's listener named
 * here, from the Kafka CR's status; a StatefulSet's pods through its governing Service.
 */
@ValidationRule(value = "!has(self.saslMechanism) || self.securityProtocol.startsWith('SASL_')",
    fieldPath = ".saslMechanism", message = "saslMechanism needs securityProtocol SASL_PLAINTEXT or SASL_SSL")
public class ProxyUpstream {

  @Size(min = 1, max = 4096)
  @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
  @JsonPropertyDescription("host:port list to bootstrap from, overriding what the source gives.")
  private String bootstrapServers;

  @Default("plain")
  @Size(min = 1, max = 11)
  @JsonPropertyDescription("Strimzi source: the Kafka CR's listener to connect through (its status gives the address).")
  private String strimziListener = "plain";

  @Default("9092")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("StatefulSet source: the brokers' port to connect to, on <pod>.<serviceName>.<namespace>.svc.")
  private Integer port = 9092;

  @Default("PLAINTEXT")
  @JsonPropertyDescription("Security protocol of the upstream listener. With SSL/SASL_SSL the proxy makes the TLS"
      + " connection (trusting secretRef's ca.crt); SASL is the client's own, passed through by the proxy.")
  private SecurityProtocol securityProtocol = SecurityProtocol.PLAINTEXT;

  @JsonPropertyDescription("SASL mechanism the operator's broker discovery logs in with (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).")
  private SaslMechanism saslMechanism;

  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("A Secret in this namespace with ca.crt (PEM, to trust the brokers' TLS) and, for SASL,"
      + " username and password (used by the operator's discovery only). Read in this namespace only.")
  private String secretRef;

  public String getBootstrapServers() { return bootstrapServers; }
  public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
  public String getStrimziListener() { return strimziListener; }
  public void setStrimziListener(String strimziListener) { this.strimziListener = strimziListener; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public SecurityProtocol getSecurityProtocol() { return securityProtocol; }
  public void setSecurityProtocol(SecurityProtocol securityProtocol) { this.securityProtocol = securityProtocol; }
  public SaslMechanism getSaslMechanism() { return saslMechanism; }
  public void setSaslMechanism(SaslMechanism saslMechanism) { this.saslMechanism = saslMechanism; }
  public String getSecretRef() { return secretRef; }
  public void setSecretRef(String secretRef) { this.secretRef = secretRef; }
}
