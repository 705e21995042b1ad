package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A consumer endpoint connected to the endpoint service (AWS) or service attachment (GCP). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ConnectionStatus {

  @JsonPropertyDescription("The consumer's endpoint ID (vpce-…) or PSC connection ID.")
  private String id;

  @JsonPropertyDescription("The consumer: an AWS account ARN or a GCP project.")
  private String owner;

  @JsonPropertyDescription("Connection state as the cloud reports it, e.g. PendingAcceptance, Available, ACCEPTED.")
  private String state;

  public ConnectionStatus() {}

  public ConnectionStatus(String id, String owner, String state) {
    this.id = id;
    this.owner = owner;
    this.state = state;
  }

  public String getId() { return id; }
  public void setId(String id) { this.id = id; }
  public String getOwner() { return owner; }
  public void setOwner(String owner) { this.owner = owner; }
  public String getState() { return state; }
  public void setState(String state) { this.state = state; }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConnectionStatus that
        && Objects.equals(id, that.id)
        && Objects.equals(owner, that.owner)
        && Objects.equals(state, that.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, owner, state);
  }
}
