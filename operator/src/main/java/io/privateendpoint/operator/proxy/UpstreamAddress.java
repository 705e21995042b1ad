package io.privateendpoint.operator.proxy;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ProxyUpstream;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.listener.ListenerStatus;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Where the proxy (and the operator's discovery) bootstraps from, by source: the spec's
 * bootstrapServers; a Strimzi cluster's listener, from the Kafka CR's status; a StatefulSet's first
 * pods through its governing Service. spec.proxy.upstream.bootstrapServers overrides all three.
 * The brokers themselves are never touched.
 */
public final class UpstreamAddress {

  /** A StatefulSet's first pods are enough to bootstrap; the Admin API finds the rest. */
  private static final int STATEFULSET_BOOTSTRAP_PODS = 3;

  private UpstreamAddress() {}

  /** The result: the address, or why there is none (field and message). */
  public record Resolved(String bootstrap, String problem) {}

  public static Resolved forBootstrapServers(KafkaPrivateEndpointSpec spec) {
    return new Resolved(override(spec).orElse(spec.getKafka().getBootstrapServers()), null);
  }

  public static Resolved forStrimzi(KafkaPrivateEndpointSpec spec, Kafka kafka) {
    Optional<String> override = override(spec);
    if (override.isPresent()) {
      return new Resolved(override.get(), null);
    }
    String cluster = spec.getKafka().getStrimzi().getCluster();
    if (kafka == null) {
      return new Resolved(null, "Strimzi Kafka " + cluster + " (spec.kafka.strimzi.cluster) does not exist in this namespace");
    }
    String listener = spec.proxyOrDefault().getUpstream().getStrimziListener();
    List<ListenerStatus> listeners = kafka.getStatus() == null || kafka.getStatus().getListeners() == null
        ? List.of() : kafka.getStatus().getListeners();
    return listeners.stream().filter(l -> listener.equals(l.getName()) && l.getBootstrapServers() != null).findFirst()
        .map(l -> new Resolved(l.getBootstrapServers(), null))
        .orElseGet(() -> new Resolved(null, "Kafka " + cluster + " has no listener " + listener
            + " in its status (spec.proxy.upstream.strimziListener); it lists: " + listeners.stream()
            .map(ListenerStatus::getName).collect(Collectors.joining(", "))));
  }

  public static Resolved forStatefulSet(KafkaPrivateEndpointSpec spec, StatefulSet sts, String namespace) {
    Optional<String> override = override(spec);
    if (override.isPresent()) {
      return new Resolved(override.get(), null);
    }
    String name = spec.getKafka().getStatefulSet().getName();
    if (sts == null) {
      return new Resolved(null, "StatefulSet " + name + " (spec.kafka.statefulSet.name) does not exist in this namespace");
    }
    String service = sts.getSpec().getServiceName();
    if (service == null || service.isBlank()) {
      return new Resolved(null, "StatefulSet " + name + " has no governing Service (spec.serviceName); set"
          + " spec.proxy.upstream.bootstrapServers");
    }
    int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
    if (replicas == 0) {
      return new Resolved(null, "StatefulSet " + name + " has 0 replicas");
    }
    ProxyUpstream upstream = spec.proxyOrDefault().getUpstream();
    String bootstrap = IntStream.range(0, Math.min(replicas, STATEFULSET_BOOTSTRAP_PODS))
        .mapToObj(i -> name + "-" + i + "." + service + "." + namespace + ".svc:" + upstream.getPort())
        .collect(Collectors.joining(","));
    return new Resolved(bootstrap, null);
  }

  private static Optional<String> override(KafkaPrivateEndpointSpec spec) {
    ProxyUpstream upstream = spec.proxyOrDefault().getUpstream();
    return Optional.ofNullable(upstream == null ? null : upstream.getBootstrapServers());
  }
}
