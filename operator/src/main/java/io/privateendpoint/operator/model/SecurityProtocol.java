package io.privateendpoint.operator.model;

/** Kafka's listener security protocols (listener.security.protocol.map values). */
public enum SecurityProtocol {
  PLAINTEXT,
  SSL,
  SASL_PLAINTEXT,
  SASL_SSL
}
