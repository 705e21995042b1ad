package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/** CPU and memory as Kubernetes quantities. */
public class ResourceAmounts {

  static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$";

  @Size(min = 1, max = 32)
  @Pattern(QUANTITY)
  @JsonPropertyDescription("CPU, e.g. 100m or 1.")
  private String cpu;

  @Size(min = 1, max = 32)
  @Pattern(QUANTITY)
  @JsonPropertyDescription("Memory, e.g. 256Mi.")
  private String memory;

  public String getCpu() { return cpu; }
  public void setCpu(String cpu) { this.cpu = cpu; }
  public String getMemory() { return memory; }
  public void setMemory(String memory) { this.memory = memory; }
}
