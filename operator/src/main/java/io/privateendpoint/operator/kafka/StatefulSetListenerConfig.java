package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The listener configuration of a plain StatefulSet's brokers, as data: one entry per node id in
 * the operator's ConfigMap, which {@code merge-listener.sh} (the init container's script, also run
 * by the tests on real brokers) merges into the broker's properties file.
 */
public final class StatefulSetListenerConfig {

  public static final String SCRIPT_RESOURCE = "merge-listener.sh";
  /** ConfigMap key of the merge script, for charts that add the init container from their own values. */
  public static final String SCRIPT_KEY = "merge-listener.sh";
  /** ConfigMap key of a snippet for Bitnami's defaultInitContainers.prepareConfig.extraInit. */
  public static final String BITNAMI_KEY = "bitnami-extra-init.sh";
  private static final String ENTRY_PREFIX = "broker-";
  private static final String ENTRY_SUFFIX = ".properties";

  private StatefulSetListenerConfig() {}

  /** The ConfigMap the operator owns for one endpoint. */
  public static String configMapName(KafkaPrivateEndpoint resource) {
    return "kpe-" + resource.getMetadata().getName();
  }

  public static String entryKey(int nodeId) {
    return ENTRY_PREFIX + nodeId + ENTRY_SUFFIX;
  }

  /** The node id an entry key names, or null for a key that is not an entry. */
  public static Integer nodeIdOf(String key) {
    if (!key.startsWith(ENTRY_PREFIX) || !key.endsWith(ENTRY_SUFFIX)) {
      return null;
    }
    try {
      return Integer.valueOf(key.substring(ENTRY_PREFIX.length(), key.length() - ENTRY_SUFFIX.length()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Kafka normalises listener names to upper case (ListenerName.normalised); writing them so keeps
   * the properties file and the broker's own logs in agreement.
   */
  public static String kafkaListenerName(EndpointPlan plan) {
    return plan.listenerName().toUpperCase(Locale.ROOT);
  }

  /** Entry key → entry, for every planned broker. */
  public static SortedMap<String, String> entries(EndpointPlan plan) {
    SortedMap<String, String> entries = new TreeMap<>();
    for (PlannedBroker broker : plan.brokers()) {
      entries.put(entryKey(broker.nodeId()), entry(plan, broker));
    }
    return entries;
  }

  /** The whole ConfigMap: the entries, the merge script, and the Bitnami snippet built from the entries. */
  public static SortedMap<String, String> configMapData(EndpointPlan plan) {
    SortedMap<String, String> data = entries(plan);
    data.put(SCRIPT_KEY, script());
    data.put(BITNAMI_KEY, bitnamiExtraInit(plan));
    return data;
  }

  /**
   * A shell snippet for Bitnami's chart, whose prepare-config init container renders
   * $KAFKA_CONF_FILE, sets $ID to the node.id and then runs extraInit; it cannot mount more
   * volumes, so the snippet carries every broker's values. Re-paste it when brokers are added.
   */
  public static String bitnamiExtraInit(EndpointPlan plan) {
    String name = kafkaListenerName(plan);
    StringBuilder sh = new StringBuilder("# listener ").append(name)
        .append(": paste as defaultInitContainers.prepareConfig.extraInit (re-paste after adding brokers)\n")
        .append("case \"$ID\" in\n");
    for (PlannedBroker broker : plan.brokers()) {
      sh.append("  ").append(broker.nodeId()).append(") kpe_advertised='").append(name).append("://")
          .append(broker.advertised()).append("' ;;\n");
    }
    sh.append("  *) echo \"kpe: no ").append(name).append(" address for node $ID\" >&2; exit 1 ;;\n")
        .append("esac\n")
        .append("sed -i -e \"s|^listeners=.*|&,").append(name).append("://0.0.0.0:").append(plan.containerPort()).append("|\" \\\n")
        .append("  -e \"s|^advertised.listeners=.*|&,$kpe_advertised|\" \\\n")
        .append("  -e \"s|^listener.security.protocol.map=.*|&,").append(name).append(":").append(plan.protocol().name())
        .append("|\" \"$KAFKA_CONF_FILE\"\n");
    return sh.toString();
  }

  /** The three properties this endpoint adds to one broker: bind, advertise, protocol. */
  public static String entry(EndpointPlan plan, PlannedBroker broker) {
    String name = kafkaListenerName(plan);
    return "listeners=" + name + "://0.0.0.0:" + plan.containerPort() + "\n"
        + "advertised.listeners=" + name + "://" + broker.advertised() + "\n"
        + "listener.security.protocol.map=" + name + ":" + plan.protocol().name() + "\n";
  }

  /** The init container's script. */
  public static String script() {
    try (InputStream in = StatefulSetListenerConfig.class.getResourceAsStream(SCRIPT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT_RESOURCE + " missing from the operator jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
