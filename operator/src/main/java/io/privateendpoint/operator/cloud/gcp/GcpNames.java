package io.privateendpoint.operator.cloud.gcp;

import io.privateendpoint.operator.cloud.UidNames;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;

/**
 * Compute names from the resource's uid ({@link UidNames}): a retry after a crash computes the
 * same name and finds what the crashed attempt created (Compute answers 409 to a second insert of
 * a name), so there is never a twin. The NEG, backend service, forwarding rule and service
 * attachment live in different collections and share the base name; the firewall is global.
 */
public record GcpNames(String base) {

  public static GcpNames of(KafkaPrivateEndpoint resource) {
    return new GcpNames(UidNames.base(resource));
  }

  public String neg() {
    return base;
  }

  public String backendService() {
    return base;
  }

  public String forwardingRule() {
    return base;
  }

  public String serviceAttachment() {
    return base;
  }

  public String firewall() {
    return base + "-psc-ingress";
  }
}
