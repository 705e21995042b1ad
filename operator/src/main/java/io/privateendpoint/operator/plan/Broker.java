package io.privateendpoint.operator.plan;

/**
 * One broker as observed in the cluster: what the plan needs to address and target it.
 *
 * @param nodeId     Kafka node.id
 * @param podName    the broker's pod
 * @param zone       topology.kubernetes.io/zone of its Node (a GCP zone, or an AWS AZ name)
 * @param azId       topology.k8s.aws/zone-id of its Node (AWS only; null elsewhere)
 * @param podIp      the pod's IP, null until it has one
 * @param nodeName   the Kubernetes Node it runs on, null until scheduled
 * @param instanceId the cloud instance behind that Node, from its providerID
 * @param nodePort   the NodePort that reaches this broker's listener on its node, where a Service provides one
 */
public record Broker(int nodeId, String podName, String zone, String azId, String podIp, String nodeName,
    String instanceId, Integer nodePort) {

  public Broker(int nodeId, String podName, String zone, String azId, String podIp, String nodeName, String instanceId) {
    this(nodeId, podName, zone, azId, podIp, nodeName, instanceId, null);
  }
}
