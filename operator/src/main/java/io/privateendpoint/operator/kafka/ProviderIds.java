package io.privateendpoint.operator.kafka;

/** The cloud instance behind a Node, from its spec.providerID. */
public final class ProviderIds {

  private ProviderIds() {}

  /**
   * aws:///us-west-2a/i-0abc → i-0abc (EKS); gce://project/us-west1-a/gke-node-1 → gke-node-1
   * (GKE); anything else: the last path segment, or null.
   */
  public static String instance(String providerId) {
    if (providerId == null || providerId.isBlank()) {
      return null;
    }
    String trimmed = providerId.endsWith("/") ? providerId.substring(0, providerId.length() - 1) : providerId;
    int slash = trimmed.lastIndexOf('/');
    String last = slash >= 0 ? trimmed.substring(slash + 1) : trimmed;
    return last.isEmpty() ? null : last;
  }
}
