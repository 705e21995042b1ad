package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Exposes a self-hosted Kafka cluster to one SaaS consumer through a cloud private endpoint
 * (AWS PrivateLink or Google Cloud Private Service Connect), one load-balancer port per broker.
 */
@Group(KafkaPrivateEndpoint.GROUP)
@Version(KafkaPrivateEndpoint.VERSION)
@Plural("kafkaprivateendpoints")
@ShortNames("kpe")
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".status.provider")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode")
@AdditionalPrinterColumn(name = "Endpoint", jsonPath = ".status.endpoint")
@AdditionalPrinterColumn(name = "Bootstrap Ports", jsonPath = ".status.bootstrapPorts")
@AdditionalPrinterColumn(name = "Brokers", jsonPath = ".status.brokerCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class KafkaPrivateEndpoint extends CustomResource<KafkaPrivateEndpointSpec, KafkaPrivateEndpointStatus>
    implements Namespaced {

  public static final String GROUP = "kafka.privateendpoint.io";
  public static final String VERSION = "v1alpha1";

  // Overridden only to document spec and status for `kubectl explain`.
  @Override
  @JsonPropertyDescription("What the endpoint should be: the Kafka it exposes, the listener, the ports, the zones and one cloud.")
  public KafkaPrivateEndpointSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("What the operator built and observed; paste endpoint and bootstrapPorts into the consumer's console.")
  public KafkaPrivateEndpointStatus getStatus() {
    return super.getStatus();
  }
}
