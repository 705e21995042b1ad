package io.privateendpoint.operator.model;

/** What deleting an endpoint does to the cloud resources it created (as Crossplane's deletionPolicy). */
public enum DeletionPolicy {
  /** Remove every cloud resource the endpoint created; the finalizer stays until they are gone. */
  Delete,
  /** Leave the cloud resources as they are and let go: the way out when the cloud cannot be reached. */
  Orphan
}
