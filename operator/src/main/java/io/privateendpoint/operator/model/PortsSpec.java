package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The load-balancer ports this endpoint reserves. A broker keeps its port for life, so the
 * range is sized for the largest the cluster will grow to.
 */
@ValidationRule(value = "self.brokerStart + self.brokerCount - 1 <= 65535",
    message = "brokerStart + brokerCount - 1 must not exceed 65535")
@ValidationRule(value = "!has(self.bootstrap) || self.bootstrap.all(p, p < self.brokerStart || p >= self.brokerStart + self.brokerCount)",
    fieldPath = ".bootstrap",
    message = "bootstrap ports must lie outside the broker port range brokerStart .. brokerStart + brokerCount - 1")
public class PortsSpec {

  @Size(max = 10)
  @ValidationRule(value = "self.all(p, self.filter(q, q == p).size() == 1)", message = "bootstrap ports must be unique")
  @JsonPropertyDescription("AWS: load-balancer ports that reach every broker, for bootstrapping, e.g. [9092] (at least one)."
      + " GCP: leave empty; a port-mapping NEG holds one endpoint per VM and port, so the bootstrap ports"
      + " handed out (status.bootstrapPorts) are broker ports, one per zone.")
  private List<@Min(1) @Max(65535) Integer> bootstrap = new ArrayList<>();

  @Required
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("First load-balancer port of the per-broker range, e.g. 9093.")
  private Integer brokerStart;

  @Required
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("How many broker ports the range holds; a broker keeps its port for life, so size it for growth.")
  private Integer brokerCount;

  /**
   * Every load-balancer port this endpoint reserves — the bootstrap ports and the whole broker range,
   * used or not — as the fewest ranges: the security group admits these, so it does not change as
   * brokers come and go, and its rule count is known from the spec alone.
   */
  public List<PortRange> reservedRanges() {
    java.util.Set<Integer> ports = new java.util.TreeSet<>(bootstrap == null ? List.of() : bootstrap);
    for (int p = brokerStart; p < brokerStart + brokerCount; p++) {
      ports.add(p);
    }
    return PortRange.covering(ports);
  }

  public List<Integer> getBootstrap() { return bootstrap; }
  public void setBootstrap(List<Integer> bootstrap) { this.bootstrap = bootstrap; }
  public Integer getBrokerStart() { return brokerStart; }
  public void setBrokerStart(Integer brokerStart) { this.brokerStart = brokerStart; }
  public Integer getBrokerCount() { return brokerCount; }
  public void setBrokerCount(Integer brokerCount) { this.brokerCount = brokerCount; }
}
