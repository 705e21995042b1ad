package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One entry of the service attachment's consumer accept list. */
public class ConsumerProject {

  @Required
  @Size(min = 1, max = 30)
  @Pattern("^([a-z][a-z0-9-]*[a-z0-9]|[0-9]+)$")
  @JsonPropertyDescription("Consumer project ID or number, e.g. tidbcloud-prod-000.")
  private String project;

  @Default("10")
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("How many PSC endpoints this project may connect.")
  private Integer connectionLimit = 10;

  public String getProject() { return project; }
  public void setProject(String project) { this.project = project; }
  public Integer getConnectionLimit() { return connectionLimit; }
  public void setConnectionLimit(Integer connectionLimit) { this.connectionLimit = connectionLimit; }
}
