package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AWS PrivateLink: an internal NLB with one port per broker, published as a VPC endpoint service. */
public class AwsSpec {

  @Required
  @Size(min = 1, max = 32)
  @Pattern("^[a-z]{2}(-[a-z]+)+-[0-9]+$")
  @ValidationRule(value = "self == oldSelf", message = "region is immutable")
  @JsonPropertyDescription("AWS region of the VPC, e.g. us-west-2. Immutable.")
  private String region;

  @Required
  @Size(min = 1, max = 32)
  @Pattern("^vpc-[0-9a-f]+$")
  @ValidationRule(value = "self == oldSelf", message = "vpcId is immutable")
  @JsonPropertyDescription("The VPC the brokers run in. Immutable.")
  private String vpcId;

  @Size(max = 10)
  @ValidationRule(value = "self.all(z, z.size() <= 32 && z.matches('^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'))",
      message = "subnets keys are AZ IDs such as usw2-az1")
  @JsonPropertyDescription("Subnet for the NLB per AZ ID; AZ IDs left out are looked up in the VPC.")
  private Map<String, @Size(min = 1, max = 32) @Pattern("^subnet-[0-9a-f]+$") String> subnets = new LinkedHashMap<>();

  @Default("ip")
  @JsonPropertyDescription("ip: targets are pod IPs (EKS VPC CNI); instance: targets are nodes and a NodePort.")
  private AwsTargetType targetType = AwsTargetType.ip;

  @Required
  @Size(min = 1, max = 20)
  @ValidationRule(value = "self.all(p, self.filter(q, q == p).size() == 1)", message = "allowedPrincipals must be unique")
  @JsonPropertyDescription("IAM principals allowed to connect to the endpoint service, e.g. arn:aws:iam::<consumer-account>:root.")
  private List<@Size(min = 1, max = 512) @Pattern("^arn:aws[a-z-]*:iam::[0-9]{12}:[A-Za-z0-9+=,.@_/-]+$") String> allowedPrincipals = new ArrayList<>();

  @Default("true")
  @JsonPropertyDescription("Whether a new endpoint connection waits for acceptance.")
  private Boolean acceptanceRequired = Boolean.TRUE;

  @Required
  @Size(min = 1, max = 50)
  @JsonPropertyDescription("CIDR blocks (IPv4 or IPv6) admitted to the load balancer's ports by its security group. With"
      + " enforceInboundRulesOnPrivateLinkTraffic on, PrivateLink traffic is checked against them by the consumer client's"
      + " private IP, so they must hold the consumer's client ranges (ask the vendor), not this VPC's.")
  private List<@Size(min = 1, max = 43) @Pattern("^([0-9]{1,3}([.][0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$") String> consumerCidrs = new ArrayList<>();

  @Default("false")
  @JsonPropertyDescription("Cross-zone load balancing on the NLB; off by default, as the guides advise (it adds cross-AZ traffic).")
  private Boolean crossZoneLoadBalancing = Boolean.FALSE;

  @Default("false")
  @JsonPropertyDescription("Accept pending endpoint connections automatically, but only from accounts of spec.aws.allowedPrincipals.")
  private Boolean autoAcceptConnections = Boolean.FALSE;

  @Default("true")
  @JsonPropertyDescription("Whether the NLB's security group filters traffic arriving through PrivateLink"
      + " (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic). On (AWS's default): PrivateLink traffic is admitted"
      + " only from consumerCidrs, which must then hold the consumer's client private IP ranges. Off: the endpoint"
      + " service's allowedPrincipals and acceptance alone decide who connects; consumerCidrs apply to traffic from"
      + " inside the VPC only.")
  private Boolean enforceInboundRulesOnPrivateLinkTraffic = Boolean.TRUE;

  @Default("true")
  @JsonPropertyDescription("Add to the security groups of each target's network interface (EKS node or pod groups) one"
      + " ingress rule, tagged as this endpoint's, admitting the NLB's security group on the target port; removed exactly"
      + " on delete. False: nothing is added, and Verified names any rule that is missing.")
  private Boolean manageTargetSecurityGroups = Boolean.TRUE;

  public Boolean getEnforceInboundRulesOnPrivateLinkTraffic() { return enforceInboundRulesOnPrivateLinkTraffic; }
  public void setEnforceInboundRulesOnPrivateLinkTraffic(Boolean v) { this.enforceInboundRulesOnPrivateLinkTraffic = v; }
  public Boolean getManageTargetSecurityGroups() { return manageTargetSecurityGroups; }
  public void setManageTargetSecurityGroups(Boolean v) { this.manageTargetSecurityGroups = v; }

  public Boolean getCrossZoneLoadBalancing() { return crossZoneLoadBalancing; }
  public void setCrossZoneLoadBalancing(Boolean crossZoneLoadBalancing) { this.crossZoneLoadBalancing = crossZoneLoadBalancing; }
  public Boolean getAutoAcceptConnections() { return autoAcceptConnections; }
  public void setAutoAcceptConnections(Boolean autoAcceptConnections) { this.autoAcceptConnections = autoAcceptConnections; }
  public String getRegion() { return region; }
  public void setRegion(String region) { this.region = region; }
  public String getVpcId() { return vpcId; }
  public void setVpcId(String vpcId) { this.vpcId = vpcId; }
  public Map<String, String> getSubnets() { return subnets; }
  public void setSubnets(Map<String, String> subnets) { this.subnets = subnets; }
  public AwsTargetType getTargetType() { return targetType; }
  public void setTargetType(AwsTargetType targetType) { this.targetType = targetType; }
  public List<String> getAllowedPrincipals() { return allowedPrincipals; }
  public void setAllowedPrincipals(List<String> allowedPrincipals) { this.allowedPrincipals = allowedPrincipals; }
  public Boolean getAcceptanceRequired() { return acceptanceRequired; }
  public void setAcceptanceRequired(Boolean acceptanceRequired) { this.acceptanceRequired = acceptanceRequired; }
  public List<String> getConsumerCidrs() { return consumerCidrs; }
  public void setConsumerCidrs(List<String> consumerCidrs) { this.consumerCidrs = consumerCidrs; }
}
