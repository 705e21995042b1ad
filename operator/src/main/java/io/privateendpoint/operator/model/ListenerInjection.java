package io.privateendpoint.operator.model;

/** How a plain StatefulSet's brokers get this endpoint's listener. */
public enum ListenerInjection {
  /** An operator-added init container merges the listener into the broker's properties file. */
  InitContainer,
  /** The operator writes the ConfigMap only; the chart reads it (Bitnami extraInit, apache/kafka env). */
  ConfigMapOnly
}
