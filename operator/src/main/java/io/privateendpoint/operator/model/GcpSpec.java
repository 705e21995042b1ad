package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** Google Cloud Private Service Connect: a port-mapping NEG behind an internal LB, published as a service attachment. */
public class GcpSpec {

  /** Compute Engine resource names (RFC 1035 labels). */
  static final String GCE_NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  @Required
  @Size(min = 6, max = 30)
  @Pattern("^[a-z][a-z0-9-]*[a-z0-9]$")
  @ValidationRule(value = "self == oldSelf", message = "project is immutable")
  @JsonPropertyDescription("The Google Cloud project that holds the network. Immutable.")
  private String project;

  @Required
  @Size(min = 1, max = 32)
  @Pattern("^[a-z]+-[a-z]+[0-9]+$")
  @ValidationRule(value = "self == oldSelf", message = "region is immutable")
  @JsonPropertyDescription("Compute region of the brokers, e.g. us-west1. Immutable.")
  private String region;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(GCE_NAME)
  @ValidationRule(value = "self == oldSelf", message = "network is immutable")
  @JsonPropertyDescription("The VPC network of the brokers. Immutable.")
  private String network;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(GCE_NAME)
  @JsonPropertyDescription("The subnetwork of the brokers' nodes; the port-mapping NEG is created on it.")
  private String subnetwork;

  @Required
  @JsonPropertyDescription("The PSC NAT subnet of the service attachment: created if absent, reused only if this operator created it.")
  private PscNatSubnet pscNatSubnet;

  @Required
  @Size(min = 1, max = 50)
  @ValidationRule(value = "self.all(c, self.filter(d, d.project == c.project).size() == 1)",
      message = "consumerProjects must name each project once")
  @JsonPropertyDescription("Consumer projects accepted by the service attachment.")
  private List<ConsumerProject> consumerProjects = new ArrayList<>();

  public String getProject() { return project; }
  public void setProject(String project) { this.project = project; }
  public String getRegion() { return region; }
  public void setRegion(String region) { this.region = region; }
  public String getNetwork() { return network; }
  public void setNetwork(String network) { this.network = network; }
  public String getSubnetwork() { return subnetwork; }
  public void setSubnetwork(String subnetwork) { this.subnetwork = subnetwork; }
  public PscNatSubnet getPscNatSubnet() { return pscNatSubnet; }
  public void setPscNatSubnet(PscNatSubnet pscNatSubnet) { this.pscNatSubnet = pscNatSubnet; }
  public List<ConsumerProject> getConsumerProjects() { return consumerProjects; }
  public void setConsumerProjects(List<ConsumerProject> consumerProjects) { this.consumerProjects = consumerProjects; }
}
