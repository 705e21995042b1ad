package io.privateendpoint.operator.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.privateendpoint.operator.model.AwsSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When a shared rule may be revoked: only with every live endpoint of the VPC's needs known. */
class SharedRuleUsersTest {

  private final List<KafkaPrivateEndpoint> endpoints = new ArrayList<>();
  private final SharedRuleUsers users = new SharedRuleUsers(() -> endpoints);

  @Test
  void aRevokeWaitsUntilEveryLivePeerOfTheVpcHasToldItsNeeds() {
    KafkaPrivateEndpoint a = endpoint("a", "vpc-1");
    KafkaPrivateEndpoint b = endpoint("b", "vpc-1");
    KafkaPrivateEndpoint elsewhere = endpoint("c", "vpc-2");
    endpoints.addAll(List.of(a, b, elsewhere));
    var need = new SharedRuleUsers.Need(List.of("sg-nodes"), 39092);
    users.tell(a, List.of(), () -> null);

    // b has had no pass since the start: its needs are unknown, nothing may be revoked for a.
    assertThat(peerNeeds(a)).isNull();
    assertThat(users.livePeers(a)).containsExactly(b);

    users.tell(b, List.of(need), () -> null);
    assertThat(peerNeeds(a)).containsExactly(need);

    // b in deletion counts no more; an endpoint of another VPC never did.
    b.getMetadata().setDeletionTimestamp("2026-12-02T00:00:00Z");
    assertThat(users.livePeers(a)).isEmpty();
    assertThat(peerNeeds(a)).isEmpty();
  }

  @Test
  void aForgottenEndpointIsUnknownAgain() {
    KafkaPrivateEndpoint a = endpoint("a", "vpc-1");
    KafkaPrivateEndpoint b = endpoint("b", "vpc-1");
    endpoints.addAll(List.of(a, b));
    users.tell(b, List.of(new SharedRuleUsers.Need(List.of("sg-nodes"), 39092)), () -> null);
    users.forget(b);
    assertThat(peerNeeds(a)).isNull();
  }

  /** What the peers of {@code resource} need, or null when a revoke would not run. */
  private List<SharedRuleUsers.Need> peerNeeds(KafkaPrivateEndpoint resource) {
    AtomicReference<List<SharedRuleUsers.Need>> seen = new AtomicReference<>();
    boolean ran = users.withPeerNeeds(resource, seen::set);
    assertThat(ran).isEqualTo(seen.get() != null);
    return seen.get();
  }

  private static KafkaPrivateEndpoint endpoint(String name, String vpc) {
    KafkaPrivateEndpoint resource = new KafkaPrivateEndpoint();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name).build());
    KafkaPrivateEndpointSpec spec = new KafkaPrivateEndpointSpec();
    AwsSpec aws = new AwsSpec();
    aws.setRegion("us-west-2");
    aws.setVpcId(vpc);
    spec.setAws(aws);
    resource.setSpec(spec);
    return resource;
  }
}
