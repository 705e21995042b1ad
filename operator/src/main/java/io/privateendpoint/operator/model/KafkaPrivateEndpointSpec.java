package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What the user asks for. The schema (annotations here, generated into crds/) rejects what is
 * structurally wrong; {@code io.privateendpoint.operator.reconcile.SpecValidator} reports what
 * only makes sense against the rest of the spec.
 */
@ValidationRule(value = "has(self.aws) != has(self.gcp)",
    message = "exactly one of spec.aws or spec.gcp must be set")
@ValidationRule(value = "has(self.aws) == has(oldSelf.aws) && has(self.gcp) == has(oldSelf.gcp)",
    message = "the provider (spec.aws or spec.gcp) cannot change after creation")
@ValidationRule(value = "!has(self.kafka.bootstrapServers) || self.mode == 'Proxy'",
    fieldPath = ".kafka.bootstrapServers",
    message = "spec.kafka.bootstrapServers needs spec.mode Proxy: the operator cannot reconfigure brokers it only knows by address")
// An NLB holds at most 50 listeners and that quota cannot be raised (AWS ELB quotas).
@ValidationRule(value = "!has(self.aws) || (has(self.ports.bootstrap) ? size(self.ports.bootstrap) : 0) + self.ports.brokerCount <= 50",
    fieldPath = ".ports",
    message = "on AWS, bootstrap ports plus brokerCount must be at most 50 (one NLB holds at most 50 listeners)")
@ValidationRule(value = "!has(self.aws) || (has(self.ports.bootstrap) && size(self.ports.bootstrap) > 0)",
    fieldPath = ".ports.bootstrap",
    message = "on AWS, spec.ports.bootstrap needs at least one port (each reaches every broker)")
// A port-mapping NEG holds one endpoint per VM and port: a bootstrap port could only repeat a broker's endpoint.
@ValidationRule(value = "!has(self.gcp) || !has(self.ports.bootstrap) || size(self.ports.bootstrap) == 0",
    fieldPath = ".ports.bootstrap",
    message = "on GCP, leave spec.ports.bootstrap empty: a port-mapping NEG holds one endpoint per VM and port, so the bootstrap ports are broker ports, one per zone (status.bootstrapPorts)")
@ValidationRule(value = "!has(self.proxy) || self.mode == 'Proxy'", fieldPath = ".proxy",
    message = "spec.proxy needs spec.mode Proxy")
@ValidationRule(value = "self.mode != 'Proxy' || !has(self.aws) || !has(self.aws.targetType) || self.aws.targetType == 'ip'",
    fieldPath = ".aws.targetType",
    message = "mode Proxy targets the proxy pods by IP: spec.aws.targetType must be ip")
@ValidationRule(value = "self.mode != 'Proxy' || self.listener.securityProtocol == 'PLAINTEXT' || self.listener.securityProtocol == 'SASL_PLAINTEXT'",
    fieldPath = ".listener.securityProtocol",
    message = "mode Proxy: the proxy does not terminate TLS towards the consumer; use PLAINTEXT or SASL_PLAINTEXT (SASL passes through to the brokers)")
@ValidationRule(value = "self.mode != 'Proxy' || !has(self.listener.management) || self.listener.management != 'External'",
    fieldPath = ".listener.management",
    message = "spec.listener.management External needs spec.mode PortMapping: in mode Proxy the brokers are never written, so there is nothing to commit")
public class KafkaPrivateEndpointSpec {

  /** A zone or AZ ID: lowercase letters, digits and inner dashes. */
  static final String ZONE = "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$";

  @Required
  @JsonPropertyDescription("Where the brokers come from: exactly one of strimzi, statefulSet or bootstrapServers.")
  private KafkaSource kafka;

  @Default("PortMapping")
  @JsonPropertyDescription("PortMapping reconfigures the brokers to advertise one load-balancer port each; "
      + "Proxy puts a Kafka proxy in front of brokers the operator cannot reconfigure.")
  private EndpointMode mode = EndpointMode.PortMapping;

  @Required
  @JsonPropertyDescription("The Kafka listener this endpoint owns.")
  private ListenerSpec listener;

  @Required
  @JsonPropertyDescription("The load-balancer ports this endpoint reserves: bootstrap ports and a range of one port per broker.")
  private PortsSpec ports;

  @Required
  @Size(min = 1, max = 10)
  @ValidationRule(value = "self.all(z, self.filter(y, y == z).size() == 1)", message = "zones must be unique")
  @JsonPropertyDescription("The zones served: AWS availability-zone IDs (e.g. usw2-az1) or GCP zones (e.g. us-west1-a).")
  private List<@Size(min = 1, max = 32) @Pattern(ZONE) String> zones = new ArrayList<>();

  @JsonPropertyDescription("Proxy mode only: the Kafka proxy the operator runs in front of the brokers.")
  private ProxySpec proxy;

  @JsonPropertyDescription("AWS PrivateLink settings; exactly one of aws or gcp.")
  private AwsSpec aws;

  @JsonPropertyDescription("Google Cloud Private Service Connect settings; exactly one of aws or gcp.")
  private GcpSpec gcp;

  @Default("Delete")
  @JsonPropertyDescription("What deleting this resource does to the cloud resources it made. Delete (default): removes them"
      + " all, and the resource stays (behind its finalizer) until they are gone. Orphan: leaves them in the cloud, listed"
      + " in an event, and lets go at once; use it when the cloud can no longer be reached.")
  private DeletionPolicy deletionPolicy = DeletionPolicy.Delete;

  @JsonPropertyDescription("Holds the endpoint at preview: the operator reads the brokers and the cloud as it would, applies"
      + " nothing, and lists what it would create, change and delete (and which brokers would restart) in"
      + " status.plannedChanges, with Ready False (reason Paused). Set it back to false (or remove it) to apply."
      + " Deleting a paused endpoint still removes what it made.")
  private Boolean paused;

  public KafkaSource getKafka() { return kafka; }
  public void setKafka(KafkaSource kafka) { this.kafka = kafka; }
  public EndpointMode getMode() { return mode; }
  public void setMode(EndpointMode mode) { this.mode = mode; }
  public ListenerSpec getListener() { return listener; }
  public void setListener(ListenerSpec listener) { this.listener = listener; }
  public PortsSpec getPorts() { return ports; }
  public void setPorts(PortsSpec ports) { this.ports = ports; }
  public List<String> getZones() { return zones; }
  public void setZones(List<String> zones) { this.zones = zones; }
  public AwsSpec getAws() { return aws; }
  public void setAws(AwsSpec aws) { this.aws = aws; }
  public GcpSpec getGcp() { return gcp; }
  public Boolean getPaused() { return paused; }
  public void setPaused(Boolean paused) { this.paused = paused; }
  /** True when spec.paused is set: the endpoint is held at preview. */
  public boolean paused() { return Boolean.TRUE.equals(paused); }
  public DeletionPolicy getDeletionPolicy() { return deletionPolicy; }
  public void setDeletionPolicy(DeletionPolicy deletionPolicy) { this.deletionPolicy = deletionPolicy; }
  public void setGcp(GcpSpec gcp) { this.gcp = gcp; }
  public ProxySpec getProxy() { return proxy; }
  public void setProxy(ProxySpec proxy) { this.proxy = proxy; }

  /** spec.proxy, or its defaults when the spec leaves it out. */
  public ProxySpec proxyOrDefault() {
    return proxy != null ? proxy : new ProxySpec();
  }
}
