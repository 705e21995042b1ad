package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One broker as the endpoint exposes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BrokerStatus {

  @JsonPropertyDescription("The broker's Kafka node.id.")
  private Integer nodeId;

  @JsonPropertyDescription("The zone (AZ ID on AWS) the broker runs in.")
  private String zone;

  @JsonPropertyDescription("The broker's load-balancer port, which it keeps for life.")
  private Integer port;

  @JsonPropertyDescription("The host:port the broker advertises on this listener.")
  private String advertised;

  @JsonPropertyDescription("Where the load balancer sends this broker's port: pod IP:containerPort or instance:nodePort.")
  private String target;

  @JsonPropertyDescription("Health of that target as the load balancer reports it (e.g. healthy, initial, unhealthy).")
  private String health;

  public BrokerStatus() {}

  public BrokerStatus(Integer nodeId, String zone, Integer port, String advertised, String target) {
    this.nodeId = nodeId;
    this.zone = zone;
    this.port = port;
    this.advertised = advertised;
    this.target = target;
  }

  public Integer getNodeId() { return nodeId; }
  public void setNodeId(Integer nodeId) { this.nodeId = nodeId; }
  public String getZone() { return zone; }
  public void setZone(String zone) { this.zone = zone; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }
  public String getAdvertised() { return advertised; }
  public void setAdvertised(String advertised) { this.advertised = advertised; }
  public String getHealth() { return health; }
  public void setHealth(String health) { this.health = health; }
  public String getTarget() { return target; }
  public void setTarget(String target) { this.target = target; }

  @Override
  public boolean equals(Object o) {
    return o instanceof BrokerStatus that
        && Objects.equals(nodeId, that.nodeId)
        && Objects.equals(zone, that.zone)
        && Objects.equals(port, that.port)
        && Objects.equals(advertised, that.advertised)
        && Objects.equals(target, that.target)
        && Objects.equals(health, that.health);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, zone, port, advertised, target, health);
  }
}
