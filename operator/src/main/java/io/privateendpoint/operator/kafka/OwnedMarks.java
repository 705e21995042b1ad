package io.privateendpoint.operator.kafka;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.Map;

/**
 * How the operator marks what it creates in the cluster, and recognises it later: a label for
 * watches, an annotation naming the owning endpoint by namespace/name/uid, and an owner reference.
 * Something without our annotation is never modified or deleted, whatever its name.
 */
public final class OwnedMarks {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "kafka-private-endpoint-operator";
  public static final String ENDPOINT_LABEL = "kafka.privateendpoint.io/endpoint";
  public static final String OWNER_ANNOTATION = "kafka.privateendpoint.io/owner";

  private OwnedMarks() {}

  public static String owner(KafkaPrivateEndpoint resource) {
    ObjectMeta m = resource.getMetadata();
    return m.getNamespace() + "/" + m.getName() + "/" + m.getUid();
  }

  public static boolean ownedBy(ObjectMeta meta, KafkaPrivateEndpoint resource) {
    return meta.getAnnotations() != null && owner(resource).equals(meta.getAnnotations().get(OWNER_ANNOTATION));
  }

  public static Map<String, String> labels(KafkaPrivateEndpoint resource) {
    return Map.of(MANAGED_BY_LABEL, MANAGED_BY, ENDPOINT_LABEL, resource.getMetadata().getName());
  }

  public static Map<String, String> annotations(KafkaPrivateEndpoint resource) {
    return Map.of(OWNER_ANNOTATION, owner(resource));
  }

  public static OwnerReference ownerReference(KafkaPrivateEndpoint resource) {
    return new OwnerReferenceBuilder().withApiVersion(resource.getApiVersion()).withKind(resource.getKind())
        .withName(resource.getMetadata().getName()).withUid(resource.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(false).build();
  }
}
