package io.privateendpoint.operator.reconcile;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.KafkaSource;
import io.privateendpoint.operator.model.PortsSpec;
import io.privateendpoint.operator.plan.PlanProblem;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Two endpoints on one Kafka (the guides' EXTERNAL and EXTERNAL2) need distinct listener names,
 * container ports and load-balancer ports. When they clash, the endpoint created later is refused
 * and nothing of it is applied; the earlier one keeps working. Pure: peers are given.
 */
public final class ListenerConflicts {

  private ListenerConflicts() {}

  public static Optional<PlanProblem> find(KafkaPrivateEndpoint resource, List<KafkaPrivateEndpoint> peers) {
    return peers.stream()
        .filter(peer -> !Objects.equals(peer.getMetadata().getUid(), resource.getMetadata().getUid()))
        .filter(peer -> peer.getMetadata().getDeletionTimestamp() == null)
        .filter(peer -> sameKafka(peer.getSpec().getKafka(), resource.getSpec().getKafka()))
        .filter(peer -> before(peer, resource))
        .sorted(ListenerConflicts::compareAge)
        .map(peer -> clash(resource.getSpec(), peer))
        .flatMap(Optional::stream)
        .findFirst();
  }

  private static Optional<PlanProblem> clash(KafkaPrivateEndpointSpec spec, KafkaPrivateEndpoint peer) {
    String other = "KafkaPrivateEndpoint " + peer.getMetadata().getNamespace() + "/" + peer.getMetadata().getName();
    KafkaPrivateEndpointSpec theirs = peer.getSpec();
    if (spec.getListener().getName().equalsIgnoreCase(theirs.getListener().getName())) {
      return problem("spec.listener.name " + spec.getListener().getName() + " is already used by " + other);
    }
    if (spec.getListener().getContainerPort().equals(theirs.getListener().getContainerPort())) {
      return problem("spec.listener.containerPort " + spec.getListener().getContainerPort() + " is already used by " + other);
    }
    Set<Integer> overlap = ports(spec.getPorts());
    overlap.retainAll(ports(theirs.getPorts()));
    if (!overlap.isEmpty()) {
      return problem("spec.ports overlap " + other + " on port(s) " + summary(overlap));
    }
    return Optional.empty();
  }

  private static Optional<PlanProblem> problem(String message) {
    return Optional.of(new PlanProblem(PlanProblem.LISTENER_CONFLICT, message + "; nothing was changed"));
  }

  static boolean sameKafka(KafkaSource a, KafkaSource b) {
    if (a.getStrimzi() != null && b.getStrimzi() != null) {
      return a.getStrimzi().getCluster().equals(b.getStrimzi().getCluster());
    }
    if (a.getStatefulSet() != null && b.getStatefulSet() != null) {
      return a.getStatefulSet().getName().equals(b.getStatefulSet().getName());
    }
    return a.getBootstrapServers() != null && a.getBootstrapServers().equals(b.getBootstrapServers());
  }

  /**
   * Who keeps the claim: an endpoint that already holds ports (it has been applied) before one that
   * never was, so a newcomer can never dislodge a working endpoint; then the earlier creation; then,
   * as timestamps have one-second resolution, the name. Every endpoint computes the same order.
   */
  private static boolean before(KafkaPrivateEndpoint peer, KafkaPrivateEndpoint resource) {
    return compareAge(peer, resource) < 0;
  }

  private static int compareAge(KafkaPrivateEndpoint a, KafkaPrivateEndpoint b) {
    return Comparator.comparing((KafkaPrivateEndpoint r) -> !holdsPorts(r))
        .thenComparing(r -> String.valueOf(r.getMetadata().getCreationTimestamp()))
        .thenComparing(r -> r.getMetadata().getName()).compare(a, b);
  }

  private static boolean holdsPorts(KafkaPrivateEndpoint r) {
    return r.getStatus() != null && !r.getStatus().getPorts().isEmpty();
  }

  private static Set<Integer> ports(PortsSpec ports) {
    Set<Integer> all = new TreeSet<>(ports.getBootstrap());
    IntStream.range(ports.getBrokerStart(), ports.getBrokerStart() + ports.getBrokerCount()).forEach(all::add);
    return all;
  }

  private static String summary(Set<Integer> ports) {
    List<Integer> sorted = List.copyOf(ports);
    return sorted.size() <= 3 ? sorted.toString() : sorted.get(0) + ".." + sorted.get(sorted.size() - 1);
  }
}
