package io.privateendpoint.e2e.support.compute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A google.api.http path template such as {@code /compute/v1/projects/{project}/global/networks/{network}}
 * or {@code .../{parent_name=reservations/*}/...}: one matcher per URL segment, each either a literal or
 * a single-segment wildcard, and each possibly part of a variable. Compute uses no {@code **}; a template
 * with one fails at startup rather than matching wrongly.
 */
final class PathTemplate {

  /** One URL segment: {@code literal} null means any single segment; {@code variable} null means not captured. */
  record Segment(String literal, String variable) {
    boolean wildcard() {
      return literal == null;
    }
  }

  private final String template;
  private final List<Segment> segments;

  private PathTemplate(String template, List<Segment> segments) {
    this.template = template;
    this.segments = List.copyOf(segments);
  }

  static PathTemplate parse(String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with /: " + template);
    }
    List<Segment> segments = new ArrayList<>();
    for (String part : splitOutsideBraces(template.substring(1))) {
      if (part.startsWith("{") && part.endsWith("}")) {
        String inner = part.substring(1, part.length() - 1);
        int eq = inner.indexOf('=');
        String variable = eq < 0 ? inner : inner.substring(0, eq);
        String pattern = eq < 0 ? "*" : inner.substring(eq + 1);
        for (String p : pattern.split("/", -1)) {
          segments.add(new Segment(literalOrWildcard(p, template), variable));
        }
      } else {
        segments.add(new Segment(literalOrWildcard(part, template), null));
      }
    }
    return new PathTemplate(template, segments);
  }

  private static String literalOrWildcard(String part, String template) {
    if (part.equals("*")) {
      return null;
    }
    if (part.isEmpty() || part.contains("*") || part.contains("{") || part.contains(":")) {
      throw new IllegalArgumentException("unsupported path template segment '" + part + "' in " + template);
    }
    return part;
  }

  /** Splits on '/' but not inside {...}, where a variable's pattern may contain slashes. */
  private static List<String> splitOutsideBraces(String path) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : path.toCharArray()) {
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
      if (c == '/' && depth == 0) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  List<Segment> segments() {
    return segments;
  }

  /** The template with variables reduced to '*': two routes of one verb with the same shape could not be told apart. */
  String shape() {
    StringBuilder shape = new StringBuilder();
    for (Segment s : segments) {
      shape.append('/').append(s.wildcard() ? "*" : s.literal());
    }
    return shape.toString();
  }

  /** The variables of a matching request (a multi-segment variable joined with '/'), or empty. */
  Optional<Map<String, String>> match(List<String> path) {
    if (path.size() != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String actual = path.get(i);
      if (actual.isEmpty() || (!s.wildcard() && !s.literal().equals(actual))) {
        return Optional.empty();
      }
      if (s.variable() != null) {
        variables.merge(s.variable(), actual, (a, b) -> a + "/" + b);
      }
    }
    return Optional.of(variables);
  }

  @Override
  public String toString() {
    return template;
  }
}
