package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

/** The Kafka proxy the operator runs in Proxy mode (Kroxylicious), and how it reaches the brokers. */
public class ProxySpec {

  @Default("2")
  @Min(2)
  @Max(10)
  @JsonPropertyDescription("Proxy replicas, spread over the endpoint's zones; at least 2 so that losing one pod"
      + " leaves every port served.")
  private Integer replicas = 2;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription("Image of the proxy pods. Defaults to the operator's own image, which carries Kroxylicious"
      + " 0.12.0 and the operator's port plugin under /app/proxy.")
  private String image;

  @JsonPropertyDescription("How the proxy and the operator reach the brokers.")
  private ProxyUpstream upstream = new ProxyUpstream();

  @JsonPropertyDescription("Resources of each proxy container (default: requests 100m CPU and 256Mi memory, limit 512Mi memory).")
  private ProxyResourceSpec resources;

  public Integer getReplicas() { return replicas; }
  public void setReplicas(Integer replicas) { this.replicas = replicas; }
  public String getImage() { return image; }
  public void setImage(String image) { this.image = image; }
  public ProxyUpstream getUpstream() { return upstream; }
  public void setUpstream(ProxyUpstream upstream) { this.upstream = upstream; }
  public ProxyResourceSpec getResources() { return resources; }
  public void setResources(ProxyResourceSpec resources) { this.resources = resources; }
}
