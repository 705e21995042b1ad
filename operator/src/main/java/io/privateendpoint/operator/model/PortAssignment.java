package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** A load-balancer port held by a Kafka node id; kept after the node leaves so it is never reshuffled. */
public class PortAssignment {

  @JsonPropertyDescription("The Kafka node.id holding the port.")
  private Integer nodeId;

  @JsonPropertyDescription("Its load-balancer port, for life.")
  private Integer port;

  public PortAssignment() {}

  public PortAssignment(Integer nodeId, Integer port) {
    this.nodeId = nodeId;
    this.port = port;
  }

  public Integer getNodeId() { return nodeId; }
  public void setNodeId(Integer nodeId) { this.nodeId = nodeId; }
  public Integer getPort() { return port; }
  public void setPort(Integer port) { this.port = port; }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortAssignment that
        && Objects.equals(nodeId, that.nodeId)
        && Objects.equals(port, that.port);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, port);
  }
}
