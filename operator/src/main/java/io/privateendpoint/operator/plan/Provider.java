package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;

/** The cloud that carries the private endpoint. */
public enum Provider {
  AWS,
  GCP;

  /** The schema guarantees exactly one of spec.aws and spec.gcp. */
  public static Provider of(KafkaPrivateEndpointSpec spec) {
    return spec.getAws() != null ? AWS : GCP;
  }
}
