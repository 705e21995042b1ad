package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How the operator checks the listener at the Kafka protocol: it connects to each broker's listener
 * from inside the cluster (pod IP and container port) and compares the metadata served there with
 * the plan.
 */
public class ListenerVerification {

  @Default("true")
  @JsonPropertyDescription("Check what each broker advertises on this listener (a Kafka Metadata request to the pod's IP"
      + " and containerPort); Verified is True only when every broker lists every broker at its planned name and port."
      + " false: Verified follows the load balancer's health checks alone.")
  private Boolean enabled = Boolean.TRUE;

  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("A Secret in this namespace for the check's client: ca.crt (PEM, to trust the listener's TLS)"
      + " and, for SASL, username and password. Without it a TLS or SASL listener is not checked (Verified says so). The"
      + " chart grants reading Secrets only with rbac.readSecrets=true.")
  private String secretRef;

  @Default("SCRAM-SHA-512")
  @JsonPropertyDescription("SASL mechanism of the check's login on a SASL listener (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512;"
      + " Strimzi's listeners use SCRAM-SHA-512).")
  private SaslMechanism saslMechanism = SaslMechanism.SCRAM_SHA_512;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public String getSecretRef() { return secretRef; }
  public void setSecretRef(String secretRef) { this.secretRef = secretRef; }
  public SaslMechanism getSaslMechanism() { return saslMechanism; }
  public void setSaslMechanism(SaslMechanism saslMechanism) { this.saslMechanism = saslMechanism; }

  public boolean enabledOrDefault() {
    return enabled == null || enabled;
  }
}
