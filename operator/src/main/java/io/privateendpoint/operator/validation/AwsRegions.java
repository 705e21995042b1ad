package io.privateendpoint.operator.validation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** AWS rules that need only the spec: AZ IDs of the region, and principals an endpoint service accepts. */
final class AwsRegions {

  private AwsRegions() {}

  /**
   * An AZ ID starts with its region's short code (usw2-az1 is in us-west-2, use1-az6 in us-east-1,
   * apse1-az2 in ap-southeast-1, usw2-lax1-az1 is a Local Zone of us-west-2):
   * https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html. The code is the
   * country, the direction's initials and the number; a region whose words are not known here is
   * not checked.
   */
  private static final Map<String, String> DIRECTIONS = Map.ofEntries(Map.entry("north", "n"), Map.entry("south", "s"),
      Map.entry("east", "e"), Map.entry("west", "w"), Map.entry("central", "c"), Map.entry("northeast", "ne"),
      Map.entry("northwest", "nw"), Map.entry("southeast", "se"), Map.entry("southwest", "sw"), Map.entry("gov", "g"));

  static Optional<String> azIdPrefix(String region) {
    String[] words = region.split("-");
    StringBuilder code = new StringBuilder(words[0]);
    for (int i = 1; i < words.length - 1; i++) {
      String initials = DIRECTIONS.get(words[i]);
      if (initials == null) {
        return Optional.empty();
      }
      code.append(initials);
    }
    return Optional.of(code.append(words[words.length - 1]).toString());
  }

  static void checkZones(String region, List<String> zones, Pattern azId, List<SpecProblem> problems) {
    azIdPrefix(region).ifPresent(prefix -> {
      for (int i = 0; i < zones.size(); i++) {
        String zone = zones.get(i);
        if (azId.matcher(zone).matches() && !zone.startsWith(prefix + "-")) {
          problems.add(new SpecProblem("spec.zones[" + i + "]", "AZ ID " + zone + " is not in " + region
              + " (spec.aws.region), whose AZ IDs start with " + prefix + "-"));
        }
      }
    });
  }

  /** The partition of a region: https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html */
  static String partition(String region) {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
      return "aws-us-gov";
    }
    if (region.startsWith("us-iso-")) {
      return "aws-iso";
    }
    if (region.startsWith("us-isob-")) {
      return "aws-iso-b";
    }
    return "aws";
  }

  /**
   * An endpoint service admits AWS principals: an account (arn:aws:iam::123456789012:root), an IAM
   * user or an IAM role (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions).
   * Groups and assumed-role sessions are not principals a permission can name. User and role names
   * have 1 to 64 characters and paths have no empty segment
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names).
   */
  private static final Pattern PRINCIPAL = Pattern.compile("^arn:([a-z-]+):iam::([0-9]{12}):(.*)$");
  private static final Pattern NAMED = Pattern.compile("^(user|role)(/.*)?/([^/]*)$");

  static void checkPrincipals(String region, List<String> principals, List<SpecProblem> problems) {
    String partition = partition(region);
    for (int i = 0; i < principals.size(); i++) {
      String arn = principals.get(i);
      String field = "spec.aws.allowedPrincipals[" + i + "]";
      Matcher m = PRINCIPAL.matcher(arn);
      if (!m.matches()) {
        continue; // the schema's pattern has refused it already
      }
      if (!m.group(1).equals(partition)) {
        problems.add(new SpecProblem(field, arn + " is in partition " + m.group(1) + ", but " + region
            + " (spec.aws.region) is in " + partition + ": use arn:" + partition + ":iam::…"));
      }
      String resource = m.group(3);
      if (resource.equals("root")) {
        continue;
      }
      Matcher named = NAMED.matcher(resource);
      if (!named.matches()) {
        problems.add(new SpecProblem(field, arn + " is not an account (…:root), IAM user (…:user/name) or IAM role"
            + " (…:role/name); an endpoint service admits only those"));
        continue;
      }
      String name = named.group(3);
      if (name.isEmpty() || name.length() > 64) {
        problems.add(new SpecProblem(field, arn + ": an IAM " + named.group(1) + " name has 1 to 64 characters"));
      } else if (resource.contains("//")) {
        problems.add(new SpecProblem(field, arn + ": the IAM path has an empty segment"));
      }
    }
  }
}
