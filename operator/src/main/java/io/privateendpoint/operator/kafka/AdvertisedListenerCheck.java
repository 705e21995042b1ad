package io.privateendpoint.operator.kafka;

import io.privateendpoint.operator.kafka.MetadataProbe.Advertised;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what each broker's listener answered with the plan: every broker must list every planned
 * broker at exactly its planned name and port. Pure: the answers come in, a Verified report goes out.
 * A wrong name or port is what a consumer would trip over (the TCP health checks pass regardless),
 * so the message names the broker, what it advertises and what was planned.
 */
public final class AdvertisedListenerCheck {

  public static final String REASON_MATCHES = "MetadataMatches";
  public static final String REASON_MISMATCH = "AdvertisedMismatch";
  public static final String REASON_UNREACHABLE = "ListenerUnreachable";

  /** What one broker's listener answered: the brokers it advertises, or why it could not be asked. */
  public record Answer(List<Advertised> advertised, String failure) {
    public static Answer of(List<Advertised> advertised) {
      return new Answer(List.copyOf(advertised), null);
    }

    public static Answer failed(String failure) {
      return new Answer(List.of(), failure);
    }
  }

  private AdvertisedListenerCheck() {}

  /** @param answers node id → what that broker's listener answered */
  public static ConditionReport report(EndpointPlan plan, Map<Integer, Answer> answers) {
    Map<Integer, PlannedBroker> planned = new TreeMap<>();
    plan.brokers().forEach(b -> planned.put(b.nodeId(), b));
    // A finding once, however many brokers served it: they share the cluster's metadata.
    Set<String> mismatches = new LinkedHashSet<>();
    List<String> unreachable = new ArrayList<>();
    for (var entry : new TreeMap<>(answers).entrySet()) {
      PlannedBroker asked = planned.get(entry.getKey());
      Answer answer = entry.getValue();
      if (answer.failure() != null) {
        unreachable.add("broker " + entry.getKey() + (asked == null ? "" : " (pod " + asked.podName() + ")") + ": "
            + answer.failure());
        continue;
      }
      Map<Integer, Advertised> served = new TreeMap<>();
      answer.advertised().forEach(a -> served.put(a.nodeId(), a));
      for (PlannedBroker b : planned.values()) {
        Advertised a = served.get(b.nodeId());
        if (a == null) {
          mismatches.add("broker " + b.nodeId() + " is missing from the metadata (planned " + b.advertised() + ")");
        } else if (!a.address().equals(b.advertised())) {
          mismatches.add("broker " + b.nodeId() + " advertises " + a.address() + ", planned " + b.advertised());
        }
      }
      served.keySet().stream().filter(id -> !planned.containsKey(id))
          .forEach(id -> mismatches.add("broker " + id + " is advertised (" + served.get(id).address() + ") but not planned"));
    }
    String listener = "listener " + plan.listenerName();
    if (!mismatches.isEmpty()) {
      return ConditionReport.isFalse(ConditionType.VERIFIED, REASON_MISMATCH, "on " + listener + " "
          + String.join("; ", mismatches) + " (a consumer would be sent to the wrong address: check the brokers'"
          + " advertised.listeners for " + listener + ")");
    }
    if (!unreachable.isEmpty()) {
      return ConditionReport.isFalse(ConditionType.VERIFIED, REASON_UNREACHABLE, "the operator cannot read the metadata"
          + " on " + listener + ": " + String.join("; ", unreachable) + " (the operator connects to each broker pod's IP"
          + " and containerPort: a NetworkPolicy may need to let it in; spec.listener.verification.enabled: false turns"
          + " the check off)");
    }
    return ConditionReport.isTrue(ConditionType.VERIFIED, REASON_MATCHES, "every broker's " + listener + " lists the "
        + planned.size() + " brokers at their planned names and ports");
  }
}
