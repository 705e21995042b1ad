package io.privateendpoint.operator.cloud.aws;

import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Who needs the rules admitting the backend security group: each endpoint's targets, as its last pass
 * in this operator found them (a security group of the target's interface and the target port). A
 * rule in a targets' group is the cluster's, not one endpoint's, so it may be revoked only when no
 * endpoint of the VPC needs it. The endpoints are the operator's own (from its cache); their needs are
 * known once each has had a pass since the operator started. Until every live endpoint of the VPC has
 * told its needs, nothing is revoked: a rule may be some endpoint's whose pass has not come yet, and
 * a rule left a little longer costs nothing, one revoked too early drops a broker's traffic.
 *
 * <p>A pass tells its needs and then reads the rules, under a shared lock; a revoke decides and writes
 * under the exclusive one. So an endpoint that starts needing a rule either is seen by the revoke,
 * or reads the rules after it and adds the rule again.
 */
final class SharedRuleUsers {

  /** A target's interface (its security groups: a rule in any of them admits) and the port it must admit. */
  record Need(List<String> groupIds, int port) {}

  private record Told(String vpc, List<Need> needs) {}

  private final Supplier<List<KafkaPrivateEndpoint>> endpoints;
  private final Map<String, Told> byUid = new ConcurrentHashMap<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  /** @param endpoints every endpoint the operator reconciles, from its cache */
  SharedRuleUsers(Supplier<List<KafkaPrivateEndpoint>> endpoints) {
    this.endpoints = endpoints;
  }

  /** Tells this endpoint's needs, then reads (the rules) before any revoke can fall between. */
  <T> T tell(KafkaPrivateEndpoint resource, List<Need> needs, Supplier<T> read) {
    lock.readLock().lock();
    try {
      byUid.put(resource.getMetadata().getUid(), new Told(vpc(resource), List.copyOf(needs)));
      return read.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The endpoint needs nothing any more (it is being deleted). */
  void forget(KafkaPrivateEndpoint resource) {
    byUid.remove(resource.getMetadata().getUid());
  }

  /** The other endpoints in the same VPC and region that are not being deleted. */
  List<KafkaPrivateEndpoint> livePeers(KafkaPrivateEndpoint resource) {
    String vpc = vpc(resource);
    return endpoints.get().stream()
        .filter(e -> !Objects.equals(e.getMetadata().getUid(), resource.getMetadata().getUid()))
        .filter(e -> e.getMetadata().getDeletionTimestamp() == null)
        .filter(e -> e.getSpec() != null && e.getSpec().getAws() != null && vpc.equals(vpc(e)))
        .toList();
  }

  /**
   * Runs {@code revoke} with what every live peer needs, exclusively; does nothing while a peer has
   * not told its needs since the operator started.
   *
   * @return whether it ran
   */
  boolean withPeerNeeds(KafkaPrivateEndpoint resource, java.util.function.Consumer<List<Need>> revoke) {
    lock.writeLock().lock();
    try {
      Optional<List<Need>> peers = peerNeeds(resource);
      peers.ifPresent(revoke);
      return peers.isPresent();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private Optional<List<Need>> peerNeeds(KafkaPrivateEndpoint resource) {
    String vpc = vpc(resource);
    List<Need> needs = new ArrayList<>();
    for (KafkaPrivateEndpoint peer : livePeers(resource)) {
      Told told = byUid.get(peer.getMetadata().getUid());
      if (told == null || !vpc.equals(told.vpc())) {
        return Optional.empty();
      }
      needs.addAll(told.needs());
    }
    return Optional.of(needs);
  }

  private static String vpc(KafkaPrivateEndpoint resource) {
    var aws = resource.getSpec().getAws();
    return aws.getRegion() + "/" + aws.getVpcId();
  }
}
