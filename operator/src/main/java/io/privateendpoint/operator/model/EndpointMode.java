package io.privateendpoint.operator.model;

/** How brokers are reached behind the load balancer. */
public enum EndpointMode {
  /** Brokers get an extra listener advertising one load-balancer port each. */
  PortMapping,
  /** A Kafka proxy in front of brokers that are not reconfigured. */
  Proxy
}
