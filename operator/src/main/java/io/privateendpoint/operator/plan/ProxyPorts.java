package io.privateendpoint.operator.plan;

/** The ports a proxy pod binds besides the bootstrap port and the brokers' load-balancer ports. */
public final class ProxyPorts {

  /** Kroxylicious' management endpoint: /livez for the liveness probe, /metrics for Prometheus. */
  public static final int MANAGEMENT = 9190;

  private ProxyPorts() {}
}
