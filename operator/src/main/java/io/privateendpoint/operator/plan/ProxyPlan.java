package io.privateendpoint.operator.plan;

/**
 * Proxy mode: what the proxy Deployment runs. The brokers, their ports and advertised names are the
 * plan's own; the proxy binds each broker's load-balancer port and the bootstrap port
 * ({@link EndpointPlan#containerPort()}).
 *
 * @param upstreamBootstrap the host:port list the proxy bootstraps from
 * @param replicas          proxy pods to run
 */
public record ProxyPlan(String upstreamBootstrap, int replicas) {}
