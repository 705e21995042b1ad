package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** The broker listener this endpoint owns. */
public class ListenerSpec {

  /** Placeholder for {@code b} + the broker's node.id. */
  public static final String BROKER_ID = "<broker_id>";
  /** Placeholder for the broker's AWS availability-zone ID. */
  public static final String AZ_ID = "<az_id>";
  /** Placeholder for the broker's load-balancer port. */
  public static final String PORT = "<port>";

  // Strimzi's own rule for listener names; it also keeps the name usable as a Kafka listener name.
  @Required
  @Size(min = 1, max = 11)
  @Pattern("^[a-z0-9]{1,11}$")
  @JsonPropertyDescription("Listener name, 1-11 lowercase letters and digits (Strimzi's rule); distinct per endpoint on one Kafka.")
  private String name;

  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("The port brokers (or proxy pods) listen on for this listener, e.g. 39092.")
  private Integer containerPort;

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^([a-z0-9-]|<broker_id>|<az_id>)+(\\.([a-z0-9-]|<broker_id>|<az_id>)+)*:<port>$")
  @ValidationRule(value = "self.contains('<broker_id>')", message = "advertisedPattern must contain <broker_id>")
  @ValidationRule(value = "self.endsWith(':<port>')", message = "advertisedPattern must end with :<port>")
  @JsonPropertyDescription("The advertised address the consumer gave out, e.g. "
      + "<broker_id>.<az_id>.abc.us-west-2.aws.3199015.tidbcloud.com:<port>. <broker_id> becomes b + node.id, "
      + "<port> the broker's load-balancer port, <az_id> (AWS only) the broker's AZ ID; the rest is lowercase "
      + "letters, digits, dots and dashes.")
  private String advertisedPattern;

  @Default("PLAINTEXT")
  @JsonPropertyDescription("Kafka security protocol of this listener.")
  private SecurityProtocol securityProtocol = SecurityProtocol.PLAINTEXT;

  @Default("Operator")
  @JsonPropertyDescription("Who writes the listener into the brokers. Operator (default): the operator writes the Kafka "
      + "CR's listener entry, or the StatefulSet's init container and its ConfigMap. External: for a Kafka CR or StatefulSet "
      + "kept in Git (Argo CD, Flux), the operator never writes them; it publishes what to commit in "
      + "status.externalListener and turns ListenerConfigured True once the brokers carry it. Not with mode Proxy.")
  private ListenerManagement management = ListenerManagement.Operator;

  @JsonPropertyDescription("The operator's check of this listener at the Kafka protocol (on by default).")
  private ListenerVerification verification;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Integer getContainerPort() { return containerPort; }
  public void setContainerPort(Integer containerPort) { this.containerPort = containerPort; }
  public String getAdvertisedPattern() { return advertisedPattern; }
  public void setAdvertisedPattern(String advertisedPattern) { this.advertisedPattern = advertisedPattern; }
  public ListenerManagement getManagement() { return management; }
  public void setManagement(ListenerManagement management) { this.management = management; }
  public ListenerVerification getVerification() { return verification; }
  public void setVerification(ListenerVerification verification) { this.verification = verification; }

  /** The verification settings, their defaults when the spec gives none. */
  public ListenerVerification verificationOrDefault() {
    return verification != null ? verification : new ListenerVerification();
  }
  public SecurityProtocol getSecurityProtocol() { return securityProtocol; }
  public void setSecurityProtocol(SecurityProtocol securityProtocol) { this.securityProtocol = securityProtocol; }
}
