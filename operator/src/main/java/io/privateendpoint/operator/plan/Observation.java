package io.privateendpoint.operator.plan;

import java.util.List;
import java.util.Set;

/**
 * What the observe step found on the Kafka side.
 *
 * @param brokers          the brokers present now
 * @param advertisedNodeIds node ids the Kafka side still carries this endpoint's advertised entry for
 * @param problems         what stops a plan (e.g. the Kafka resource is missing)
 * @param upstreamBootstrap Proxy mode: the host:port list the brokers were described through (null otherwise)
 * @param upstream         Proxy mode: the brokers the Admin API describes (empty otherwise)
 * @param proxyPods        Proxy mode: the pods of the endpoint's proxy Deployment (empty otherwise)
 */
public record Observation(List<Broker> brokers, Set<Integer> advertisedNodeIds, List<PlanProblem> problems,
    String upstreamBootstrap, List<UpstreamBroker> upstream, List<ProxyPod> proxyPods) {

  public Observation {
    brokers = brokers == null ? List.of() : List.copyOf(brokers);
    advertisedNodeIds = advertisedNodeIds == null ? Set.of() : Set.copyOf(advertisedNodeIds);
    problems = problems == null ? List.of() : List.copyOf(problems);
    upstream = upstream == null ? List.of() : List.copyOf(upstream);
    proxyPods = proxyPods == null ? List.of() : List.copyOf(proxyPods);
  }

  public Observation(List<Broker> brokers, Set<Integer> advertisedNodeIds, List<PlanProblem> problems) {
    this(brokers, advertisedNodeIds, problems, null, List.of(), List.of());
  }

  public static Observation of(List<Broker> brokers) {
    return new Observation(brokers, Set.of(), List.of());
  }

  public static Observation problem(PlanProblem problem) {
    return new Observation(List.of(), Set.of(), List.of(problem));
  }

  /** Proxy mode: the brokers behind the proxy and the proxy's pods. */
  public static Observation proxied(String upstreamBootstrap, List<UpstreamBroker> upstream, List<ProxyPod> proxyPods) {
    return new Observation(List.of(), Set.of(), List.of(), upstreamBootstrap, upstream, proxyPods);
  }
}
