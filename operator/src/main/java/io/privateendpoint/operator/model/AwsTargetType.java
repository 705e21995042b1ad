package io.privateendpoint.operator.model;

/** NLB target type: pod IPs, or the node's instance with a NodePort. */
public enum AwsTargetType {
  ip,
  instance
}
