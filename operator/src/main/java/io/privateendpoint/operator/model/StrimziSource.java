package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Strimzi-managed Kafka cluster. */
public class StrimziSource {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Strimzi Kafka resource (kafka.strimzi.io) in this namespace.")
  private String cluster;

  public String getCluster() { return cluster; }
  public void setCluster(String cluster) { this.cluster = cluster; }
}
