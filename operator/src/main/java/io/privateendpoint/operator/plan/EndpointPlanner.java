package io.privateendpoint.operator.plan;

import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a validated spec and the observed brokers into an {@link EndpointPlan}. Static and
 * deterministic, with no client in sight, so it is tested with golden files alone.
 */
public final class EndpointPlanner {

  private EndpointPlanner() {}

  public static EndpointPlan plan(KafkaPrivateEndpointSpec spec, List<Broker> brokers) {
    List<Integer> bootstrap = spec.getPorts().getBootstrap().stream().sorted().toList();
    List<Broker> ordered = brokers.stream().sorted(Comparator.comparingInt(Broker::nodeId)).toList();
    return new EndpointPlan(Provider.of(spec), spec.getListener().getName(), bootstrap, ordered);
  }
}
