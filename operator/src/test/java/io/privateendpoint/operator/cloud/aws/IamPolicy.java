package io.privateendpoint.operator.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An IAM policy document read as statements, with IAM's own matching: actions case-insensitively,
 * resources with the {@code *} and {@code ?} wildcards, condition keys case-insensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
 */
record IamPolicy(List<Statement> statements) {

  static IamPolicy read(Path file) {
    try {
      JsonNode root = new ObjectMapper().readTree(Files.readString(file));
      List<Statement> statements = new ArrayList<>();
      for (JsonNode s : root.path("Statement")) {
        Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
        s.path("Condition").properties().forEach(op -> {
          Map<String, List<String>> keys = new LinkedHashMap<>();
          op.getValue().properties().forEach(k -> keys.put(k.getKey().toLowerCase(Locale.ROOT), strings(k.getValue())));
          conditions.put(op.getKey(), keys);
        });
        statements.add(new Statement(s.path("Sid").asText(), s.path("Effect").asText(), strings(s.path("Action")),
            strings(s.path("Resource")), conditions, s.has("NotAction") || s.has("NotResource")));
      }
      return new IamPolicy(List.copyOf(statements));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every action named by an Allow statement. */
  Set<String> allowedActions() {
    Set<String> actions = new TreeSet<>();
    statements.stream().filter(Statement::allow).forEach(s -> actions.addAll(s.actions()));
    return actions;
  }

  /** The Allow statements granting {@code action} on the resource {@code arn}. */
  List<Statement> granting(String action, String arn) {
    return statements.stream().filter(s -> s.allow() && s.grants(action) && s.covers(arn)).toList();
  }

  /** The Allow statements naming {@code action}. */
  List<Statement> granting(String action) {
    return statements.stream().filter(s -> s.allow() && s.grants(action)).toList();
  }

  record Statement(String sid, String effect, List<String> actions, List<String> resources,
      Map<String, Map<String, List<String>>> conditions, boolean negated) {

    boolean allow() {
      return "Allow".equals(effect);
    }

    boolean grants(String action) {
      return actions.stream().anyMatch(a -> wildcard(a, true).matcher(action).matches());
    }

    boolean covers(String arn) {
      return resources.stream().anyMatch(r -> wildcard(r, false).matcher(arn).matches());
    }

    /** Whether any condition operator tests {@code key}. */
    boolean tests(String key) {
      return conditions.values().stream().anyMatch(keys -> keys.containsKey(key.toLowerCase(Locale.ROOT)));
    }

    /** The values {@code operator} compares {@code key} with; empty when it does not. */
    List<String> values(String operator, String key) {
      return conditions.getOrDefault(operator, Map.of()).getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public String toString() {
      return sid.isEmpty() ? actions + " on " + resources : sid;
    }
  }

  private static List<String> strings(JsonNode node) {
    if (node.isMissingNode()) {
      return List.of();
    }
    if (node.isArray()) {
      List<String> values = new ArrayList<>();
      node.forEach(v -> values.add(v.asText()));
      return List.copyOf(values);
    }
    return List.of(node.asText());
  }

  /** IAM's wildcards: {@code *} any run of characters, {@code ?} one; actions compare case-insensitively. */
  private static Pattern wildcard(String glob, boolean ignoreCase) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("(?=[*?])|(?<=[*?])")) {
      regex.append(switch (part) {
        case "*" -> ".*";
        case "?" -> ".";
        default -> Pattern.quote(part);
      });
    }
    return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }
}
