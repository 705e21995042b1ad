package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one source of brokers. */
@ValidationRule(value = "[has(self.strimzi), has(self.statefulSet), has(self.bootstrapServers)].filter(x, x).size() == 1",
    message = "exactly one of spec.kafka.strimzi, spec.kafka.statefulSet or spec.kafka.bootstrapServers must be set")
public class KafkaSource {

  @JsonPropertyDescription("A Strimzi Kafka cluster (KRaft node pools) in this namespace.")
  private StrimziSource strimzi;

  @JsonPropertyDescription("A plain StatefulSet of Kafka brokers in this namespace (e.g. a Helm chart).")
  private StatefulSetSource statefulSet;

  @Size(max = 4096)
  @Pattern("^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$")
  @JsonPropertyDescription("Comma-separated host:port bootstrap list of any Kafka; only with mode Proxy.")
  private String bootstrapServers;

  public StrimziSource getStrimzi() { return strimzi; }
  public void setStrimzi(StrimziSource strimzi) { this.strimzi = strimzi; }
  public StatefulSetSource getStatefulSet() { return statefulSet; }
  public void setStatefulSet(StatefulSetSource statefulSet) { this.statefulSet = statefulSet; }
  public String getBootstrapServers() { return bootstrapServers; }
  public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
}
