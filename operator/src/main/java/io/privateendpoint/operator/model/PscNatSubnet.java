package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The subnet (purpose PRIVATE_SERVICE_CONNECT) whose addresses PSC uses to NAT consumer traffic. */
public class PscNatSubnet {

  @Required
  @Size(min = 1, max = 63)
  @Pattern(GcpSpec.GCE_NAME)
  @JsonPropertyDescription("Name of the PSC NAT subnetwork.")
  private String name;

  @Required
  @Size(min = 9, max = 18)
  @Pattern("^[0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}$")
  @JsonPropertyDescription("IPv4 range of the PSC NAT subnetwork, e.g. 10.128.0.0/18.")
  private String cidr;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getCidr() { return cidr; }
  public void setCidr(String cidr) { this.cidr = cidr; }
}
