package io.privateendpoint.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.privateendpoint.operator.model.EndpointCondition;
import io.privateendpoint.operator.model.ExternalListenerStatus;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import io.privateendpoint.operator.model.ListenerManagement;
import io.privateendpoint.operator.model.ListenerReverts;
import io.privateendpoint.operator.plan.Broker;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.EndpointPlanner;
import io.privateendpoint.operator.plan.Observation;
import io.privateendpoint.operator.testing.Samples;
import io.privateendpoint.operator.validation.SpecProblem;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaPrivateEndpointStatusFactoryTest {

  private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-22T09:30:00Z");

  @Test
  void readyOnlyWhenEveryComponentIsTrue() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    StepOutcome allTrue = new StepOutcome(ConditionType.COMPONENTS.stream()
        .map(t -> ConditionReport.isTrue(t, "Done", t + " done")).toList(),
        "com.amazonaws.vpce.us-west-2.vpce-svc-1", null, null, null);

    KafkaPrivateEndpointStatus status = factory(T0).reconciled(resource, plan, List.of(allTrue));

    assertThat(condition(status, ConditionType.READY).getStatus()).isEqualTo("True");
    assertThat(status.getEndpoint()).isEqualTo("com.amazonaws.vpce.us-west-2.vpce-svc-1");
    assertThat(status.getEndpointServiceName()).isEqualTo(status.getEndpoint());
    assertThat(status.getBootstrapPorts()).isEqualTo("9092");

    StepOutcome oneFalse = StepOutcome.of(ConditionReport.isFalse(ConditionType.LOAD_BALANCER_READY, "Provisioning", "creating"));
    EndpointCondition ready = condition(factory(T0).reconciled(resource, plan, List.of(oneFalse)), ConditionType.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains("LoadBalancerReady (Provisioning)").contains("ListenerConfigured (NotReported)");
  }

  @Test
  void brokerCountFollowsTheBrokerTableForKubectlsColumn() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of(
        new Broker(1, "kafka-1", "us-west-2a", "usw2-az1", "10.0.1.5", "node-a", "i-1"),
        new Broker(2, "kafka-2", "us-west-2b", "usw2-az2", "10.0.2.5", "node-b", "i-2"))), Map.of());

    resource.setStatus(factory(T0).reconciled(resource, plan, List.of()));
    assertThat(resource.getStatus().getBrokers()).hasSize(2);
    assertThat(resource.getStatus().getBrokerCount()).isEqualTo(2);

    // A failed pass keeps the table, and its count with it.
    assertThat(factory(T1).failed(resource, new IllegalStateException("boom")).getBrokerCount()).isEqualTo(2);

    EndpointPlan none = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    assertThat(factory(T1).reconciled(resource, none, List.of()).getBrokerCount()).isZero();
  }

  @Test
  void externalPublicationIsShownAndKeptThroughAPassThatStoppedEarly() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    resource.getSpec().getListener().setManagement(ListenerManagement.External);
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    ExternalListenerStatus published = new ExternalListenerStatus();
    published.setStrimzi("- name: tidb\n");
    StepOutcome awaiting = StepOutcome.of(ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, "AwaitingExternal",
        "commit it")).withExternalListener(published);

    resource.setStatus(factory(T0).reconciled(resource, plan, List.of(awaiting)));
    assertThat(resource.getStatus().getExternalListener()).isEqualTo(published);
    assertThat(condition(resource.getStatus(), ConditionType.READY).getStatus()).isEqualTo("False");

    StepOutcome blocked = StepOutcome.of(ConditionReport.isFalse(ConditionType.LISTENER_CONFIGURED, "BrokerNotReady", "wait"));
    assertThat(factory(T1).reconciled(resource, plan, List.of(blocked)).getExternalListener()).isEqualTo(published);

    resource.getSpec().getListener().setManagement(ListenerManagement.Operator);
    assertThat(factory(T1).reconciled(resource, plan, List.of(blocked)).getExternalListener()).isNull();
  }

  @Test
  void listenerRevertsAreKeptUntilTheKafkaSideSaysOtherwise() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    ListenerReverts fight = new ListenerReverts(2, "2026-11-22T08:00:00Z", "argocd-controller", "2026-11-22T08:02:00Z");
    resource.setStatus(factory(T0).reconciled(resource, plan, List.of(StepOutcome.of().withListenerReverts(fight))));
    assertThat(resource.getStatus().getListenerReverts()).isEqualTo(fight);

    // A pass that did not reach the Kafka side (or a failed one) keeps it; the Kafka side clears it.
    assertThat(factory(T1).reconciled(resource, plan, List.of()).getListenerReverts()).isEqualTo(fight);
    assertThat(factory(T1).failed(resource, new IllegalStateException("boom")).getListenerReverts()).isEqualTo(fight);
    assertThat(factory(T1).reconciled(resource, plan, List.of(StepOutcome.of().withListenerReverts(StepOutcome.NO_REVERTS)))
        .getListenerReverts()).isNull();
  }

  @Test
  void transitionTimeMovesOnlyWhenStatusChanges() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    resource.setStatus(factory(T0).reconciled(resource, plan, List.of()));

    KafkaPrivateEndpointStatus again = factory(T1).reconciled(resource, plan, List.of());
    assertThat(again).isEqualTo(resource.getStatus());
    assertThat(condition(again, ConditionType.READY).getLastTransitionTime()).isEqualTo("2026-11-22T08:00:00Z");

    StepOutcome listenerUp = StepOutcome.of(ConditionReport.isTrue(ConditionType.LISTENER_CONFIGURED, "Configured", "ok"));
    KafkaPrivateEndpointStatus changed = factory(T1).reconciled(resource, plan, List.of(listenerUp));
    assertThat(condition(changed, ConditionType.LISTENER_CONFIGURED).getLastTransitionTime()).isEqualTo("2026-11-22T09:30:00Z");
    assertThat(condition(changed, ConditionType.READY).getLastTransitionTime()).isEqualTo("2026-11-22T08:00:00Z");
  }

  @Test
  void invalidSpecNamesTheFieldAndKeepsWhatExists() {
    KafkaPrivateEndpoint resource = Samples.resource("aws.yaml");
    EndpointPlan plan = EndpointPlanner.plan(resource.getSpec(), Observation.of(List.of()), Map.of());
    resource.setStatus(factory(T0).reconciled(resource, plan, List.of()));
    resource.getMetadata().setGeneration(2L);

    KafkaPrivateEndpointStatus status = factory(T1).invalidSpec(resource,
        List.of(new SpecProblem("spec.aws.subnets[usw2-az9]", "zone \"usw2-az9\" is not listed in spec.zones")));

    EndpointCondition ready = condition(status, ConditionType.READY);
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).isEqualTo("invalid spec: spec.aws.subnets[usw2-az9]: zone \"usw2-az9\" is not listed in spec.zones");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(condition(status, ConditionType.LISTENER_CONFIGURED).getObservedGeneration()).isEqualTo(1L);
    assertThat(status.getBootstrapPorts()).isEqualTo("9092");
  }

  private static KafkaPrivateEndpointStatusFactory factory(Instant now) {
    return new KafkaPrivateEndpointStatusFactory(Clock.fixed(now, ZoneOffset.UTC));
  }

  private static EndpointCondition condition(KafkaPrivateEndpointStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
  }

  @Test
  void verifiedIsTrueOnlyWhenTheLoadBalancerAndTheKafkaCheckBothSaySo() {
    ConditionReport healthy = ConditionReport.isTrue(ConditionType.VERIFIED, "TargetsHealthy", "every broker port reaches its broker");
    ConditionReport matches = ConditionReport.isTrue(ConditionType.VERIFIED, "MetadataMatches", "every broker lists the 3 brokers");
    ConditionReport wrong = ConditionReport.isFalse(ConditionType.VERIFIED, "AdvertisedMismatch", "broker 1 advertises x:1, planned x:2");
    ConditionReport unhealthy = ConditionReport.isFalse(ConditionType.VERIFIED, "TargetsNotHealthy", "port 9094 unhealthy");

    ConditionReport both = KafkaPrivateEndpointStatusFactory.both(healthy, matches);
    assertThat(both.status()).isEqualTo("True");
    assertThat(both.reason()).isEqualTo("TargetsHealthy");
    assertThat(both.message()).isEqualTo("every broker port reaches its broker; every broker lists the 3 brokers");
    assertThat(KafkaPrivateEndpointStatusFactory.both(healthy, wrong)).isEqualTo(wrong);
    assertThat(KafkaPrivateEndpointStatusFactory.both(unhealthy, matches)).isEqualTo(unhealthy);
    ConditionReport neither = KafkaPrivateEndpointStatusFactory.both(unhealthy, wrong);
    assertThat(neither.status()).isEqualTo("False");
    assertThat(neither.reason()).isEqualTo("TargetsNotHealthy");
    assertThat(neither.message()).contains("port 9094 unhealthy").contains("broker 1 advertises x:1");
  }
}
