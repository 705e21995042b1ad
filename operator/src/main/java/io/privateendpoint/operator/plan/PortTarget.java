package io.privateendpoint.operator.plan;

/**
 * One place a load-balancer port delivers to, as the plan decides it: a broker pod (ip and
 * container port), a node and NodePort (instance and port), or a proxy pod (its ip and the port it
 * serves that broker on). The cloud code only reads these.
 *
 * @param ip          the pod IP, null for an instance target
 * @param port        the port on the target
 * @param instanceId  the cloud instance (VM) the target runs on, where known
 * @param zone        that instance's zone (GCP zone, or AWS AZ ID)
 * @param description what the target is, for status and messages (e.g. "broker 0 (pod kafka-0)")
 */
public record PortTarget(String ip, int port, String instanceId, String zone, String description) {

  /** "ip:port", or "instance:port" for an instance target: the form status and the clouds compare. */
  public String key() {
    return (ip != null ? ip : instanceId) + ":" + port;
  }
}
