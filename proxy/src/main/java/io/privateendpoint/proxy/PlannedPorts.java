package io.privateendpoint.proxy;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kroxylicious.proxy.plugin.Plugin;
import io.kroxylicious.proxy.service.ClusterNetworkAddressConfigProvider;
import io.kroxylicious.proxy.service.ClusterNetworkAddressConfigProviderService;
import io.kroxylicious.proxy.service.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's plan as a Kroxylicious address plugin: every upstream broker the plan lists gets the
 * port the plan gave it, bound by every replica, and is advertised as the plan's host and port (the
 * consumer's name for it and the load balancer's port, which may differ from the bound port). Used as
 * {@code clusterNetworkAddressConfigProvider: {type: PlannedPorts, config: …}} on a virtual cluster;
 * Kroxylicious finds it by its simple name through {@link java.util.ServiceLoader}.
 *
 * <p>Kroxylicious' own port-per-node strategy throws for a node id it has no port for; it does so while
 * rewriting a Metadata (or DescribeCluster) response and while reconciling its bindings against the
 * brokers that response lists, so one new broker the plan does not list yet fails every metadata
 * response of the virtual cluster and with it every client. Here an unplanned node is answered instead:
 * it is advertised as {@code b<id>.unmapped.invalid} (".invalid" never resolves, RFC 6761 §6.4, so no
 * client connects to it, and no request meant for it lands on another broker), and the binding
 * Kroxylicious insists on making for it goes to a port the kernel hands out on the bind address: a port
 * no planned listener holds (those are bound at start-up) and that no load balancer maps. Known brokers
 * keep working; the partitions the new broker leads wait, as they would for a broker that is down, until
 * the operator adds it to the plan and rolls the proxy.
 */
@Plugin(configType = PlannedPorts.Config.class)
public final class PlannedPorts implements ClusterNetworkAddressConfigProviderService<PlannedPorts.Config> {

  /** The domain an unplanned node is advertised under. */
  public static final String UNMAPPED_DOMAIN = "unmapped.invalid";

  @Override
  public ClusterNetworkAddressConfigProvider build(Config config) {
    if (config == null) {
      throw new IllegalArgumentException("PlannedPorts needs a config: bootstrapPort and brokers");
    }
    return new Addresses(config);
  }

  /**
   * @param bindAddress   the address every port is bound on; absent, blank or 0.0.0.0 means every interface
   * @param bootstrapPort the bootstrap port this proxy binds
   * @param brokers       one entry per upstream broker
   */
  public record Config(
      @JsonProperty("bindAddress") String bindAddress,
      @JsonProperty(value = "bootstrapPort", required = true) Integer bootstrapPort,
      @JsonProperty(value = "brokers", required = true) List<Broker> brokers) {

    public Config {
      if (bootstrapPort == null) {
        throw new IllegalArgumentException("PlannedPorts: bootstrapPort is required");
      }
      checkPort("bootstrapPort", bootstrapPort);
      if (brokers == null) {
        throw new IllegalArgumentException("PlannedPorts: brokers is required (one entry per upstream broker)");
      }
      brokers = List.copyOf(brokers);
      Set<Integer> nodeIds = new HashSet<>();
      Map<Integer, Integer> portOwner = new LinkedHashMap<>();
      for (int i = 0; i < brokers.size(); i++) {
        Broker broker = brokers.get(i);
        if (broker == null) {
          throw new IllegalArgumentException("PlannedPorts: brokers[" + i + "] is empty");
        }
        if (!nodeIds.add(broker.nodeId())) {
          throw new IllegalArgumentException("PlannedPorts: node id " + broker.nodeId() + " is listed more than once");
        }
        if (broker.port().intValue() == bootstrapPort.intValue()) {
          throw new IllegalArgumentException("PlannedPorts: port " + broker.port() + " of node " + broker.nodeId()
              + " is the bootstrap port");
        }
        Integer other = portOwner.putIfAbsent(broker.port(), broker.nodeId());
        if (other != null) {
          throw new IllegalArgumentException("PlannedPorts: port " + broker.port() + " is given to both node " + other
              + " and node " + broker.nodeId());
        }
      }
      bindAddress = bindAddress == null ? null : bindAddress.trim();
    }

    @JsonAnySetter
    void unknown(String name, Object value) {
      // Kroxylicious' parser ignores unknown properties; a misspelt key here would silently change the plan.
      throw new IllegalArgumentException("PlannedPorts: unknown property '" + name + "'");
    }
  }

  /**
   * @param nodeId         the upstream broker's node id
   * @param port           the port this proxy binds for it (the load balancer's target port)
   * @param advertisedHost the name clients are given for it
   * @param advertisedPort the port clients are given for it (the load balancer's listener port)
   */
  public record Broker(
      @JsonProperty(value = "nodeId", required = true) Integer nodeId,
      @JsonProperty(value = "port", required = true) Integer port,
      @JsonProperty(value = "advertisedHost", required = true) String advertisedHost,
      @JsonProperty(value = "advertisedPort", required = true) Integer advertisedPort) {

    public Broker {
      if (nodeId == null || nodeId < 0) {
        throw new IllegalArgumentException("PlannedPorts: a broker needs a nodeId of 0 or more, got " + nodeId);
      }
      String who = "node " + nodeId;
      if (port == null) {
        throw new IllegalArgumentException("PlannedPorts: " + who + " has no port");
      }
      checkPort(who + " port", port);
      if (advertisedPort == null) {
        throw new IllegalArgumentException("PlannedPorts: " + who + " has no advertisedPort");
      }
      checkPort(who + " advertisedPort", advertisedPort);
      if (advertisedHost == null || advertisedHost.isBlank()) {
        throw new IllegalArgumentException("PlannedPorts: " + who + " has no advertisedHost");
      }
      advertisedHost = advertisedHost.trim();
      if (advertisedHost.contains(":") || advertisedHost.contains(" ")) {
        throw new IllegalArgumentException("PlannedPorts: " + who + " advertisedHost '" + advertisedHost
            + "' must be a host name without a port");
      }
    }

    @JsonAnySetter
    void unknown(String name, Object value) {
      throw new IllegalArgumentException("PlannedPorts: unknown property '" + name + "' on node " + nodeId);
    }
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("PlannedPorts: " + what + " must be 1..65535, got " + port);
    }
  }

  /** The answers Kroxylicious asks for, from one config. */
  static final class Addresses implements ClusterNetworkAddressConfigProvider {

    private final Optional<String> bindAddress;
    private final int bootstrapPort;
    private final Map<Integer, Broker> brokers = new LinkedHashMap<>();
    private final Set<Integer> exclusivePorts;
    /** Ports taken from the kernel for nodes the plan does not list, one per node, for this process's life. */
    private final Map<Integer, Integer> unplannedPorts = new ConcurrentHashMap<>();

    Addresses(Config config) {
      String address = config.bindAddress();
      this.bindAddress = address == null || address.isBlank() || address.equals("0.0.0.0")
          ? Optional.empty() : Optional.of(address);
      this.bootstrapPort = config.bootstrapPort();
      Set<Integer> ports = new LinkedHashSet<>();
      ports.add(bootstrapPort);
      for (Broker broker : config.brokers()) {
        brokers.put(broker.nodeId(), broker);
        ports.add(broker.port());
      }
      this.exclusivePorts = Collections.unmodifiableSet(ports);
    }

    @Override
    public HostPort getClusterBootstrapAddress() {
      // The host is only logged and used for SNI routing, which this plugin does not ask for.
      return new HostPort(bindAddress.orElse("0.0.0.0"), bootstrapPort);
    }

    @Override
    public HostPort getBrokerAddress(int nodeId) {
      Broker broker = brokers.get(nodeId);
      if (broker != null) {
        return new HostPort(broker.advertisedHost(), broker.port());
      }
      return new HostPort(unmappedHost(nodeId), unplannedPorts.computeIfAbsent(nodeId, id -> freePort()));
    }

    @Override
    public HostPort getAdvertisedBrokerAddress(int nodeId) {
      Broker broker = brokers.get(nodeId);
      if (broker != null) {
        return new HostPort(broker.advertisedHost(), broker.advertisedPort());
      }
      return new HostPort(unmappedHost(nodeId), bootstrapPort);
    }

    @Override
    public Optional<String> getBindAddress() {
      return bindAddress;
    }

    @Override
    public Set<Integer> getExclusivePorts() {
      return exclusivePorts;
    }

    /** Every planned broker's port is bound at start-up (pointing at the upstream bootstrap until metadata is known). */
    @Override
    public Map<Integer, HostPort> discoveryAddressMap() {
      Map<Integer, HostPort> map = new LinkedHashMap<>();
      brokers.keySet().forEach(id -> map.put(id, getBrokerAddress(id)));
      return map;
    }

    List<Integer> plannedNodeIds() {
      return new ArrayList<>(brokers.keySet());
    }

    static String unmappedHost(int nodeId) {
      return String.format(Locale.ROOT, "b%d.%s", nodeId, UNMAPPED_DOMAIN);
    }

    private int freePort() {
      try (ServerSocket socket = new ServerSocket()) {
        InetAddress address = bindAddress.isPresent() ? InetAddress.getByName(bindAddress.get()) : null;
        socket.bind(new InetSocketAddress(address, 0));
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port for an unplanned node on " + bindAddress.orElse("*"), e);
      }
    }
  }
}
