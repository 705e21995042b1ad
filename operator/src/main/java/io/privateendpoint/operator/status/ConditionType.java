package io.privateendpoint.operator.status;

import java.util.List;

/** The condition types of a KafkaPrivateEndpoint, as DESIGN.md names them. */
public final class ConditionType {

  public static final String READY = "Ready";
  /** The cloud answers the operator's credentials (one read of the spec's VPC or network). */
  public static final String CLOUD_ACCESS = "CloudAccess";
  public static final String LISTENER_CONFIGURED = "ListenerConfigured";
  public static final String LOAD_BALANCER_READY = "LoadBalancerReady";
  public static final String ENDPOINT_SERVICE_READY = "EndpointServiceReady";
  public static final String VERIFIED = "Verified";

  /** Ready is true exactly when all of these are, in this order of the data path. */
  public static final List<String> COMPONENTS =
      List.of(CLOUD_ACCESS, LISTENER_CONFIGURED, LOAD_BALANCER_READY, ENDPOINT_SERVICE_READY, VERIFIED);

  private ConditionType() {}
}
