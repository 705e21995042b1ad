package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.model.AwsTargetType;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;

/** When brokers need a NodePort: AWS instance targets reach a broker at its node's instance and a NodePort. */
final class NodePorts {

  private NodePorts() {}

  /** The container port a NodePort must lead to, or null when the targets are pod IPs. */
  static Integer neededFor(KafkaPrivateEndpoint resource) {
    var aws = resource.getSpec().getAws();
    return aws != null && aws.getTargetType() == AwsTargetType.instance ? resource.getSpec().getListener().getContainerPort() : null;
  }
}
