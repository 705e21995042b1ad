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
