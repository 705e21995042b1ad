package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Requests and limits of each proxy container. */
public class ProxyResourceSpec {

  @JsonPropertyDescription("What the scheduler reserves for each proxy pod (default 100m CPU, 256Mi).")
  private ResourceAmounts requests;

  @JsonPropertyDescription("What each proxy pod may use at most (default 512Mi memory, no CPU limit).")
  private ResourceAmounts limits;

  public ResourceAmounts getRequests() { return requests; }
  public void setRequests(ResourceAmounts requests) { this.requests = requests; }
  public ResourceAmounts getLimits() { return limits; }
  public void setLimits(ResourceAmounts limits) { this.limits = limits; }
}
