package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A plain StatefulSet of brokers, node.id = pod ordinal + nodeIdOffset. */
public class StatefulSetSource {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the StatefulSet running the brokers, in this namespace.")
  private String name;

  @Default("0")
  @Min(0)
  @Max(1_000_000)
  @JsonPropertyDescription("Added to the pod ordinal to give the broker's node.id (Bitnami's chart uses 100 for brokers).")
  private Integer nodeIdOffset = 0;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Integer getNodeIdOffset() { return nodeIdOffset; }
  public void setNodeIdOffset(Integer nodeIdOffset) { this.nodeIdOffset = nodeIdOffset; }
}
