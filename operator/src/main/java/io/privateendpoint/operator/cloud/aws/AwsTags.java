package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The tags every AWS resource of an endpoint carries: its owner (namespace/name/uid) and the
 * operator's cluster name. A resource without exactly our owner tag is never modified or deleted,
 * even when its name matches.
 */
public final class AwsTags {

  public static final String OWNER = "kafka.privateendpoint.io/owner";
  public static final String CLUSTER = "kafka.privateendpoint.io/cluster";

  private AwsTags() {}

  public static Map<String, String> of(KafkaPrivateEndpoint resource, String clusterName) {
    var m = resource.getMetadata();
    return Map.of(OWNER, m.getNamespace() + "/" + m.getName() + "/" + m.getUid(), CLUSTER, clusterName,
        "Name", AwsNames.of(resource).base());
  }

  /** The tags as an EC2 TagSpecification for a create call of {@code type}. */
  static TagSpecification ec2Spec(KafkaPrivateEndpoint resource, String clusterName, ResourceType type) {
    return TagSpecification.builder().resourceType(type).tags(of(resource, clusterName).entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()).build();
  }

  static Map<String, String> ec2Map(List<Tag> tags) {
    return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a));
  }

  public static boolean ours(Map<String, String> tags, KafkaPrivateEndpoint resource, String clusterName) {
    Map<String, String> wanted = of(resource, clusterName);
    return wanted.get(OWNER).equals(tags.get(OWNER)) && wanted.get(CLUSTER).equals(tags.get(CLUSTER));
  }
}
