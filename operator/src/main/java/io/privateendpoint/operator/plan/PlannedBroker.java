package io.privateendpoint.operator.plan;

/**
 * One broker as the endpoint exposes it.
 *
 * @param port           its load-balancer port, which it keeps for life; also its advertised port
 * @param advertisedHost the host it advertises on the endpoint's listener
 * @param zone           the zone it is served in: its AZ ID on AWS, its zone on GCP
 * @param nodePort       the NodePort reaching the broker on its node (instance targets), null until known
 * @param target         where the load balancer sends {@code port}, as shown in status
 * @param upstream       Proxy mode: the broker's own host:port, which the proxy forwards to; null otherwise
 */
public record PlannedBroker(int nodeId, String podName, String zone, int port, String advertisedHost,
    String podIp, String nodeName, String instanceId, Integer nodePort, String target, String upstream) {

  public PlannedBroker(int nodeId, String podName, String zone, int port, String advertisedHost,
      String podIp, String nodeName, String instanceId, Integer nodePort, String target) {
    this(nodeId, podName, zone, port, advertisedHost, podIp, nodeName, instanceId, nodePort, target, null);
  }

  public String advertised() {
    return advertisedHost + ":" + port;
  }
}
