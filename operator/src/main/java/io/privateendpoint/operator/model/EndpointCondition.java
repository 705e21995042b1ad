package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A status condition in the Kubernetes convention (metav1.Condition's fields). Our own class
 * rather than fabric8's so that `kubectl explain` documents every field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EndpointCondition {

  @JsonPropertyDescription("Ready, ListenerConfigured, LoadBalancerReady, EndpointServiceReady or Verified.")
  private String type;

  @JsonPropertyDescription("True, False or Unknown.")
  private String status;

  @JsonPropertyDescription("Machine-readable reason in UpperCamelCase, e.g. InvalidSpec.")
  private String reason;

  @JsonPropertyDescription("What happened, for people; names the field when the spec is at fault.")
  private String message;

  @JsonPropertyDescription("The metadata.generation this condition was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  private String lastTransitionTime;

  public EndpointCondition() {}

  public EndpointCondition(String type, String status, String reason, String message, Long observedGeneration,
      String lastTransitionTime) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
    this.observedGeneration = observedGeneration;
    this.lastTransitionTime = lastTransitionTime;
  }

  public String getType() { return type; }
  public void setType(String type) { this.type = type; }
  public String getStatus() { return status; }
  public void setStatus(String status) { this.status = status; }
  public String getReason() { return reason; }
  public void setReason(String reason) { this.reason = reason; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public String getLastTransitionTime() { return lastTransitionTime; }
  public void setLastTransitionTime(String lastTransitionTime) { this.lastTransitionTime = lastTransitionTime; }

  @Override
  public boolean equals(Object o) {
    return o instanceof EndpointCondition that
        && Objects.equals(type, that.type)
        && Objects.equals(status, that.status)
        && Objects.equals(reason, that.reason)
        && Objects.equals(message, that.message)
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(lastTransitionTime, that.lastTransitionTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, observedGeneration, lastTransitionTime);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + "): " + message;
  }
}
