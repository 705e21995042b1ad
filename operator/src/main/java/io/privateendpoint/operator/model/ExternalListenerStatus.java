package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * spec.listener.management External: exactly what to commit so that the brokers carry this
 * endpoint's listener — the same objects the Operator mode would have written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalListenerStatus {

  // brokerCount is at most 1000: about 300 bytes a broker at most.
  @Size(max = 524288)
  @JsonPropertyDescription("Strimzi: the entry to add to the Kafka CR's spec.kafka.listeners, as a YAML list item; "
      + "exactly what the Operator mode writes there.")
  private String strimzi;

  @JsonPropertyDescription("StatefulSet: the ConfigMap to commit and the pieces to add to the StatefulSet's pod template.")
  private StatefulSetExternalListener statefulSet;

  @Size(max = 1000)
  @JsonPropertyDescription("The node ids the published entry covers; it changes when brokers are added or removed.")
  private List<Integer> nodeIds = new ArrayList<>();

  public String getStrimzi() { return strimzi; }
  public void setStrimzi(String strimzi) { this.strimzi = strimzi; }
  public StatefulSetExternalListener getStatefulSet() { return statefulSet; }
  public void setStatefulSet(StatefulSetExternalListener statefulSet) { this.statefulSet = statefulSet; }
  public List<Integer> getNodeIds() { return nodeIds; }
  public void setNodeIds(List<Integer> nodeIds) { this.nodeIds = nodeIds; }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExternalListenerStatus that && Objects.equals(strimzi, that.strimzi)
        && Objects.equals(statefulSet, that.statefulSet) && Objects.equals(nodeIds, that.nodeIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(strimzi, statefulSet, nodeIds);
  }

  /** What a plain StatefulSet's owner commits. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class StatefulSetExternalListener {

    // A ConfigMap holds at most 1 MiB.
    @Size(max = 1048576)
    @JsonPropertyDescription("The ConfigMap to commit in the StatefulSet's namespace, as a YAML manifest: one "
        + "broker-<node id>.properties entry per broker, the merge script and the Bitnami snippet.")
    private String configMap;

    @Size(max = 65536)
    @JsonPropertyDescription("listenerInjection InitContainer: what to add to the StatefulSet's spec.template, as a YAML "
        + "fragment of it (the config-hash annotation, the init container, its ConfigMap volume); absent for ConfigMapOnly.")
    private String podTemplate;

    public String getConfigMap() { return configMap; }
    public void setConfigMap(String configMap) { this.configMap = configMap; }
    public String getPodTemplate() { return podTemplate; }
    public void setPodTemplate(String podTemplate) { this.podTemplate = podTemplate; }

    @Override
    public boolean equals(Object o) {
      return o instanceof StatefulSetExternalListener that && Objects.equals(configMap, that.configMap)
          && Objects.equals(podTemplate, that.podTemplate);
    }

    @Override
    public int hashCode() {
      return Objects.hash(configMap, podTemplate);
    }
  }
}
