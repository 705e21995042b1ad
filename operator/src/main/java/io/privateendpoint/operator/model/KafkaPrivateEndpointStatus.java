package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and built; what the user pastes into the consumer's console. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaPrivateEndpointStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, ListenerConfigured, LoadBalancerReady, EndpointServiceReady and Verified, each with observedGeneration.")
  private List<EndpointCondition> conditions = new ArrayList<>();

  @JsonPropertyDescription("AWS or GCP.")
  private String provider;

  @JsonPropertyDescription("What the consumer connects to: endpointServiceName on AWS, serviceAttachment on GCP.")
  private String endpoint;

  @JsonPropertyDescription("AWS: the VPC endpoint service name to give the consumer.")
  private String endpointServiceName;

  @JsonPropertyDescription("GCP: the service attachment (projects/<p>/regions/<r>/serviceAttachments/<name>) to give the consumer.")
  private String serviceAttachment;

  @JsonPropertyDescription("Comma-separated bootstrap ports to give the consumer.")
  private String bootstrapPorts;

  @JsonPropertyDescription("One row per broker: node id, zone, advertised address and load-balancer target.")
  private List<BrokerStatus> brokers = new ArrayList<>();

  @JsonPropertyDescription("How many rows brokers has; a scalar so that `kubectl get` can show it in a column.")
  private Integer brokerCount;

  @JsonPropertyDescription("Every load-balancer port handed out, by node id, including nodes that left: "
      + "a port is never given to another broker while its old one could still be advertised. The operator "
      + "rebuilds its assignments from this list.")
  private List<PortAssignment> ports = new ArrayList<>();

  @JsonPropertyDescription("Consumer endpoints connected to the endpoint service or attachment.")
  private List<ConnectionStatus> connections = new ArrayList<>();

  @JsonPropertyDescription("spec.listener.management External only: what to commit so that the brokers carry the listener.")
  private ExternalListenerStatus externalListener;

  @JsonPropertyDescription("Set while someone else keeps reverting the listener the operator wrote: how often it was "
      + "written back, by whom it was reverted, and when it is written back next. The operator backs off "
      + "exponentially instead of fighting; cleared once the listener stays in place or the spec changes.")
  private ListenerReverts listenerReverts;

  @JsonPropertyDescription("spec.paused only: what the operator would do now, one line per resource (create, change or"
      + " delete, its kind, name and why), the brokers that would restart included; empty when nothing would change.")
  private List<String> plannedChanges;

  public Long getObservedGeneration() { return observedGeneration; }
  public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
  public List<EndpointCondition> getConditions() { return conditions; }
  public void setConditions(List<EndpointCondition> conditions) { this.conditions = conditions; }
  public String getProvider() { return provider; }
  public void setProvider(String provider) { this.provider = provider; }
  public String getEndpoint() { return endpoint; }
  public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
  public String getEndpointServiceName() { return endpointServiceName; }
  public void setEndpointServiceName(String endpointServiceName) { this.endpointServiceName = endpointServiceName; }
  public String getServiceAttachment() { return serviceAttachment; }
  public void setServiceAttachment(String serviceAttachment) { this.serviceAttachment = serviceAttachment; }
  public String getBootstrapPorts() { return bootstrapPorts; }
  public void setBootstrapPorts(String bootstrapPorts) { this.bootstrapPorts = bootstrapPorts; }
  public List<BrokerStatus> getBrokers() { return brokers; }
  public void setBrokers(List<BrokerStatus> brokers) { this.brokers = brokers; }
  public Integer getBrokerCount() { return brokerCount; }
  public void setBrokerCount(Integer brokerCount) { this.brokerCount = brokerCount; }
  public List<PortAssignment> getPorts() { return ports; }
  public void setPorts(List<PortAssignment> ports) { this.ports = ports; }
  public List<ConnectionStatus> getConnections() { return connections; }
  public void setConnections(List<ConnectionStatus> connections) { this.connections = connections; }
  public ExternalListenerStatus getExternalListener() { return externalListener; }
  public void setExternalListener(ExternalListenerStatus externalListener) { this.externalListener = externalListener; }

  public List<String> getPlannedChanges() { return plannedChanges; }
  public void setPlannedChanges(List<String> plannedChanges) { this.plannedChanges = plannedChanges; }
  public ListenerReverts getListenerReverts() { return listenerReverts; }
  public void setListenerReverts(ListenerReverts listenerReverts) { this.listenerReverts = listenerReverts; }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaPrivateEndpointStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(conditions, that.conditions)
        && Objects.equals(provider, that.provider)
        && Objects.equals(endpoint, that.endpoint)
        && Objects.equals(endpointServiceName, that.endpointServiceName)
        && Objects.equals(serviceAttachment, that.serviceAttachment)
        && Objects.equals(bootstrapPorts, that.bootstrapPorts)
        && Objects.equals(brokers, that.brokers)
        && Objects.equals(brokerCount, that.brokerCount)
        && Objects.equals(ports, that.ports)
        && Objects.equals(connections, that.connections)
        && Objects.equals(externalListener, that.externalListener)
        && Objects.equals(listenerReverts, that.listenerReverts)
        && Objects.equals(plannedChanges, that.plannedChanges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions, provider, endpoint, endpointServiceName, serviceAttachment,
        bootstrapPorts, brokers, brokerCount, ports, connections, externalListener, listenerReverts, plannedChanges);
  }
}
