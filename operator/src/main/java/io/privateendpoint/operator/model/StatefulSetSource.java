package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A plain StatefulSet of brokers, node.id = pod ordinal + nodeIdOffset. */
@ValidationRule(value = "self.listenerInjection != 'InitContainer' || has(self.configVolume)",
    fieldPath = ".configVolume",
    message = "configVolume is required with listenerInjection InitContainer: it names the pod volume holding the broker's properties file")
public class StatefulSetSource {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the StatefulSet running the brokers, in this namespace.")
  private String name;

  @Default("0")
  @Min(0)
  @Max(1_000_000)
  @JsonPropertyDescription("Added to the pod ordinal to give the broker's node.id (Bitnami's chart uses 100 for brokers).")
  private Integer nodeIdOffset = 0;

  @Default("InitContainer")
  @JsonPropertyDescription("InitContainer: the operator adds an init container that appends this listener to each "
      + "broker's properties file, and a config hash that rolls the StatefulSet one pod at a time. ConfigMapOnly: the "
      + "operator only writes the ConfigMap (one key per node id) and the chart wires it in (see the README).")
  private ListenerInjection listenerInjection = ListenerInjection.InitContainer;

  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("The pod volume that holds the broker's properties file as the Kafka container reads it "
      + "(e.g. an emptyDir an earlier init container prepared). Required with InitContainer.")
  private String configVolume;

  @Default("server.properties")
  @Size(min = 1, max = 253)
  @Pattern("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")
  @JsonPropertyDescription("Path of the properties file inside configVolume.")
  private String configFile = "server.properties";

  @Size(min = 1, max = 512)
  @JsonPropertyDescription("Image of the init container; it needs a POSIX shell and awk. Defaults to the image of the "
      + "StatefulSet's first container (Kafka images have both).")
  private String initImage;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Integer getNodeIdOffset() { return nodeIdOffset; }
  public void setNodeIdOffset(Integer nodeIdOffset) { this.nodeIdOffset = nodeIdOffset; }
  public ListenerInjection getListenerInjection() { return listenerInjection; }
  public void setListenerInjection(ListenerInjection listenerInjection) { this.listenerInjection = listenerInjection; }
  public String getConfigVolume() { return configVolume; }
  public void setConfigVolume(String configVolume) { this.configVolume = configVolume; }
  public String getConfigFile() { return configFile; }
  public void setConfigFile(String configFile) { this.configFile = configFile; }
  public String getInitImage() { return initImage; }
  public void setInitImage(String initImage) { this.initImage = initImage; }
}
