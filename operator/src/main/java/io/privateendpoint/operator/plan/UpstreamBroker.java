package io.privateendpoint.operator.plan;

/**
 * A broker as the Kafka Admin API describes it (Proxy mode): what the proxy forwards to.
 *
 * @param nodeId the broker's node id
 * @param host   the host it advertises to the proxy
 * @param port   the port it advertises to the proxy
 * @param rack   its broker.rack, null when unset
 */
public record UpstreamBroker(int nodeId, String host, int port, String rack) {

  public String address() {
    return host + ":" + port;
  }
}
