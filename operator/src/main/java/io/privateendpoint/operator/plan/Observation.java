package io.privateendpoint.operator.plan;

import java.util.List;
import java.util.Set;

/**
 * What the observe step found on the Kafka side.
 *
 * @param brokers          the brokers present now
 * @param advertisedNodeIds node ids the Kafka side still carries this endpoint's advertised entry for
 * @param problems         what stops a plan (e.g. the Kafka resource is missing)
 */
public record Observation(List<Broker> brokers, Set<Integer> advertisedNodeIds, List<PlanProblem> problems) {

  public Observation {
    brokers = List.copyOf(brokers);
    advertisedNodeIds = Set.copyOf(advertisedNodeIds);
    problems = List.copyOf(problems);
  }

  public static Observation of(List<Broker> brokers) {
    return new Observation(brokers, Set.of(), List.of());
  }

  public static Observation problem(PlanProblem problem) {
    return new Observation(List.of(), Set.of(), List.of(problem));
  }
}
