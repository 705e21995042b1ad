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
@ValidationRule(value = "self.bootstrap.all(p, p < self.brokerStart || p >= self.brokerStart + self.brokerCount)",
    fieldPath = ".bootstrap",
    message = "bootstrap ports must lie outside the broker port range brokerStart .. brokerStart + brokerCount - 1")
public class PortsSpec {

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(value = "self.all(p, self.filter(q, q == p).size() == 1)", message = "bootstrap ports must be unique")
  @JsonPropertyDescription("Load-balancer ports that reach the cluster for bootstrapping, e.g. [9092].")
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

  public List<Integer> getBootstrap() { return bootstrap; }
  public void setBootstrap(List<Integer> bootstrap) { this.bootstrap = bootstrap; }
  public Integer getBrokerStart() { return brokerStart; }
  public void setBrokerStart(Integer brokerStart) { this.brokerStart = brokerStart; }
  public Integer getBrokerCount() { return brokerCount; }
  public void setBrokerCount(Integer brokerCount) { this.brokerCount = brokerCount; }
}
