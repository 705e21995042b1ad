package io.privateendpoint.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The samples in src/test/resources/samples, read fresh each time so tests may change them. */
public final class Samples {

  private Samples() {}

  public static KafkaPrivateEndpoint resource(String name) {
    try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + name);
      }
      KafkaPrivateEndpoint resource = Serialization.unmarshal(in, KafkaPrivateEndpoint.class);
      if (resource.getMetadata() == null) {
        resource.setMetadata(new ObjectMetaBuilder().build());
      }
      return resource;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static KafkaPrivateEndpointSpec awsSpec() {
    return resource("aws.yaml").getSpec();
  }

  public static KafkaPrivateEndpointSpec gcpSpec() {
    return resource("gcp.yaml").getSpec();
  }
}
