package io.privateendpoint.proxy;

import io.kroxylicious.proxy.KafkaProxy;
import io.kroxylicious.proxy.config.ConfigParser;
import io.kroxylicious.proxy.config.Configuration;
import io.kroxylicious.proxy.config.VirtualCluster;
import io.kroxylicious.proxy.config.admin.ManagementConfiguration;
import io.kroxylicious.proxy.internal.config.Features;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy Deployment runs ({@code kroxylicious-app}, the upstream main, is not on Maven Central):
 * reads the config the operator renders into the ConfigMap, puts the pod's address where it says
 * {@code ${POD_IP}}, starts Kroxylicious and blocks until SIGTERM, on which it closes the listeners and
 * the connections and exits 0.
 *
 * <p>Usage: {@code java -cp 'kpe-proxy.jar:lib/*' io.privateendpoint.proxy.ProxyMain /config/proxy.yaml}
 */
public final class ProxyMain {

  /** The placeholder the operator writes; the Deployment sets POD_IP from status.podIP (downward API). */
  static final String POD_IP_PLACEHOLDER = "${POD_IP}";
  static final String ALL_INTERFACES = "0.0.0.0";

  private static final Logger LOG = LoggerFactory.getLogger(ProxyMain.class);

  private ProxyMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("Usage: java -cp 'kpe-proxy.jar:lib/*' " + ProxyMain.class.getName() + " <proxy.yaml>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    String yaml = substitutePodIp(Files.readString(file, StandardCharsets.UTF_8), System.getenv("POD_IP"));
    ConfigParser parser = new ConfigParser();
    Configuration config = parser.parseConfiguration(yaml);

    KafkaProxy proxy = new KafkaProxy(parser, config, Features.defaultFeatures());
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        LOG.info("SIGTERM: closing the proxy");
        proxy.close();
        LOG.info("proxy closed");
      } catch (Exception e) {
        LOG.warn("closing the proxy failed", e);
      } finally {
        closed.countDown();
        // log4j2's own shutdown hook is off (log4j2.xml) so that the lines above are written.
        LogManager.shutdown();
      }
    }, "kpe-proxy-shutdown"));

    long start = System.nanoTime();
    proxy.startup();
    LOG.info("proxy started in {} ms from {}: {}", (System.nanoTime() - start) / 1_000_000, file, describePorts(config));
    proxy.block();
    closed.await();
  }

  /** The config text with every {@code ${POD_IP}} replaced by the pod's address, or 0.0.0.0 when there is none. */
  static String substitutePodIp(String yaml, String podIp) {
    String address = podIp == null || podIp.isBlank() ? ALL_INTERFACES : podIp.trim();
    return yaml.replace(POD_IP_PLACEHOLDER, address);
  }

  /** "virtual cluster x bootstrap 10.0.0.5:39092, brokers {0=9093, 1=9094}; management 10.0.0.5:9190", for the start line. */
  static String describePorts(Configuration config) {
    List<String> parts = new ArrayList<>();
    for (VirtualCluster cluster : config.virtualClusters()) {
      parts.add("virtual cluster " + cluster.name() + " " + describe(cluster));
    }
    ManagementConfiguration management = config.management();
    if (management != null) {
      parts.add("management " + management.getEffectiveBindAddress() + ":" + management.getEffectivePort());
    }
    return String.join("; ", parts);
  }

  @SuppressWarnings("removal") // the virtual-cluster-level provider is the one the operator renders
  private static String describe(VirtualCluster cluster) {
    var definition = cluster.clusterNetworkAddressConfigProvider();
    if (definition != null && definition.config() instanceof PlannedPorts.Config planned) {
      String bind = planned.bindAddress() == null || planned.bindAddress().isBlank() ? ALL_INTERFACES : planned.bindAddress();
      var ports = new java.util.TreeMap<Integer, Integer>();
      planned.brokers().forEach(b -> ports.put(b.nodeId(), b.port()));
      return "bootstrap " + bind + ":" + planned.bootstrapPort() + ", broker ports " + ports;
    }
    if (cluster.gateways() != null) {
      return "gateways " + new TreeSet<>(cluster.gateways().stream().map(g -> g.name()).toList());
    }
    return String.valueOf(definition == null ? Map.of() : definition.type());
  }
}
