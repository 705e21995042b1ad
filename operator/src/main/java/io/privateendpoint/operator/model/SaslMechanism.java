package io.privateendpoint.operator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** SASL mechanisms the operator's broker discovery can log in with. */
public enum SaslMechanism {
  PLAIN,
  @JsonProperty("SCRAM-SHA-256")
  SCRAM_SHA_256,
  @JsonProperty("SCRAM-SHA-512")
  SCRAM_SHA_512;

  /** The name Kafka's sasl.mechanism takes. */
  public String kafkaName() {
    return name().replace('_', '-');
  }
}
