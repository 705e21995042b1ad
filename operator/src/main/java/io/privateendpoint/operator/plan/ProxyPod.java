package io.privateendpoint.operator.plan;

/**
 * One pod of the endpoint's proxy Deployment, as observed.
 *
 * @param name       the pod's name
 * @param ip         its IP, null until it has one
 * @param nodeName   the Node it runs on
 * @param zone       topology.kubernetes.io/zone of that Node (a GCP zone)
 * @param azId       topology.k8s.aws/zone-id of that Node (AWS only)
 * @param instanceId the cloud instance behind that Node, from its providerID
 * @param ready      the pod's Ready condition is True (its probes pass)
 */
public record ProxyPod(String name, String ip, String nodeName, String zone, String azId, String instanceId,
    boolean ready) {}
