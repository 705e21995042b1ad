package io.privateendpoint.operator.validation;

import io.privateendpoint.operator.model.KafkaPrivateEndpointSpec;
import io.privateendpoint.operator.model.ListenerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The advertised pattern must give, for every broker, a host name the consumer's DNS can hold: labels
 * of 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen, a name of at most 253
 * characters (RFC 1035 §2.3.1 and RFC 1123 §2.1), at least two labels (the consumer publishes the
 * names in a private DNS zone for a domain, e.g. a Route 53 private hosted zone or a Cloud DNS
 * private zone) and a top-level label that is not all digits (RFC 3696 §2, so that it is never read
 * as an IPv4 address). The schema allows only lowercase letters, digits, hyphens, dots and the
 * placeholders; this checks each name after substitution: {@code <broker_id>} with the shortest value
 * ("b0") and the longest one the spec allows, {@code <az_id>} with each of spec.zones.
 */
final class AdvertisedHosts {

  private static final String FIELD = "spec.listener.advertisedPattern";

  private AdvertisedHosts() {}

  static void check(KafkaPrivateEndpointSpec spec, List<SpecProblem> problems) {
    String pattern = spec.getListener().getAdvertisedPattern();
    if (!pattern.endsWith(":" + ListenerSpec.PORT)) {
      return; // the schema says so
    }
    String host = pattern.substring(0, pattern.length() - (":" + ListenerSpec.PORT).length());
    if (spec.getAws() == null && host.contains(ListenerSpec.AZ_ID)) {
      return; // <az_id> outside AWS is reported as such
    }
    List<String> azIds = host.contains(ListenerSpec.AZ_ID) ? spec.getZones() : List.of("");
    // One problem per pattern: the first broker and zone that show it.
    for (String brokerId : brokerIds(spec)) {
      for (String azId : azIds) {
        String problem = problem(host.replace(ListenerSpec.BROKER_ID, brokerId).replace(ListenerSpec.AZ_ID, azId));
        if (problem != null) {
          problems.add(new SpecProblem(FIELD, problem));
          return;
        }
      }
    }
  }

  /** "b0" and "b" + the largest node.id the spec names (a StatefulSet's offset + broker count - 1). */
  private static List<String> brokerIds(KafkaPrivateEndpointSpec spec) {
    List<String> ids = new ArrayList<>(List.of("b0"));
    long last = spec.getPorts().getBrokerCount() - 1L;
    var statefulSet = spec.getKafka() != null ? spec.getKafka().getStatefulSet() : null;
    if (statefulSet != null && statefulSet.getNodeIdOffset() != null) {
      last += statefulSet.getNodeIdOffset();
    }
    ids.add("b" + last);
    return ids;
  }

  static String problem(String name) {
    if (name.length() > 253) {
      return "host " + shorten(name) + " has " + name.length() + " characters; a DNS name has at most 253";
    }
    String[] labels = name.split("\\.", -1);
    if (labels.length < 2) {
      return "host " + name + " is a single label; the consumer's private DNS zone needs a domain (e.g. <broker_id>.kafka.example.com)";
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        return "host " + name + " has an empty label";
      }
      if (label.length() > 63) {
        return "host " + shorten(name) + " has the label " + shorten(label) + " of " + label.length()
            + " characters; a DNS label has at most 63";
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "host " + name + " has the label \"" + label + "\", which starts or ends with '-'; DNS labels do not";
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      return "host " + name + " ends in the all-numeric label " + labels[labels.length - 1]
          + "; a top-level domain is never all digits";
    }
    return null;
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "…";
  }
}
