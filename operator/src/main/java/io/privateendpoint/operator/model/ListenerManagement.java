package io.privateendpoint.operator.model;

/** Who writes the listener into the brokers' configuration (spec.listener.management). */
public enum ListenerManagement {
  /** The operator writes it: the Kafka CR's listener entry, or the StatefulSet's init container and ConfigMap. */
  Operator,
  /**
   * Someone else does (GitOps): the operator never writes the Kafka CR, the StatefulSet or the
   * ConfigMap the brokers read; it publishes what to commit in status.externalListener and waits
   * until the brokers carry it.
   */
  External
}
