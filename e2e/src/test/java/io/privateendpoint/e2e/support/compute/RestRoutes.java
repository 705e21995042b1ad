package io.privateendpoint.e2e.support.compute;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every RPC of a proto file with a google.api.http rule, as routes (additional_bindings included). A
 * request matches at most one route: among templates of its verb that fit, the one with a literal
 * where another has a variable wins, segment by segment from the left; two routes with the same shape
 * would be ambiguous and fail construction.
 */
final class RestRoutes {

  record Match(Route route, Map<String, String> variables) {}

  private final Map<String, List<Route>> byVerb = new HashMap<>();

  private RestRoutes() {}

  static RestRoutes of(FileDescriptor file) {
    RestRoutes routes = new RestRoutes();
    Map<String, String> shapes = new HashMap<>();
    for (ServiceDescriptor service : file.getServices()) {
      for (MethodDescriptor method : service.getMethods()) {
        HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
        List<HttpRule> rules = new ArrayList<>();
        rules.add(rule);
        rules.addAll(rule.getAdditionalBindingsList());
        for (HttpRule r : rules) {
          if (r.getPatternCase() == HttpRule.PatternCase.PATTERN_NOT_SET) {
            continue;
          }
          Route route = route(service, method, r);
          String key = route.verb() + " " + route.template().shape();
          String clash = shapes.put(key, route.rpc());
          if (clash != null) {
            throw new IllegalStateException("ambiguous routes " + clash + " and " + route.rpc() + ": " + key);
          }
          routes.byVerb.computeIfAbsent(route.verb(), v -> new ArrayList<>()).add(route);
        }
      }
    }
    return routes;
  }

  private static Route route(ServiceDescriptor service, MethodDescriptor method, HttpRule rule) {
    String verb;
    String path;
    switch (rule.getPatternCase()) {
      case GET -> { verb = "GET"; path = rule.getGet(); }
      case POST -> { verb = "POST"; path = rule.getPost(); }
      case PUT -> { verb = "PUT"; path = rule.getPut(); }
      case PATCH -> { verb = "PATCH"; path = rule.getPatch(); }
      case DELETE -> { verb = "DELETE"; path = rule.getDelete(); }
      default -> throw new IllegalStateException(service.getName() + "." + method.getName() + ": custom HTTP pattern");
    }
    FieldDescriptor body = null;
    if (!rule.getBody().isEmpty()) {
      if (rule.getBody().equals("*")) {
        throw new IllegalStateException(service.getName() + "." + method.getName() + ": body \"*\" is not used by Compute");
      }
      body = method.getInputType().findFieldByName(rule.getBody());
      if (body == null || body.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        throw new IllegalStateException(service.getName() + "." + method.getName() + ": no message field " + rule.getBody());
      }
    }
    return new Route(service.getName() + "." + method.getName(), method, verb, PathTemplate.parse(path), body);
  }

  List<Route> all() {
    return byVerb.values().stream().flatMap(List::stream).toList();
  }

  Optional<Match> match(String verb, List<String> path) {
    Match best = null;
    for (Route route : byVerb.getOrDefault(verb, List.of())) {
      Optional<Map<String, String>> variables = route.template().match(path);
      if (variables.isPresent() && (best == null || moreLiteral(route.template(), best.route().template()))) {
        best = new Match(route, variables.get());
      }
    }
    return Optional.ofNullable(best);
  }

  /** True when {@code a} has a literal at the first segment where the two differ in kind. */
  private static boolean moreLiteral(PathTemplate a, PathTemplate b) {
    for (int i = 0; i < a.segments().size(); i++) {
      boolean aWild = a.segments().get(i).wildcard();
      boolean bWild = b.segments().get(i).wildcard();
      if (aWild != bWild) {
        return !aWild;
      }
    }
    return false;
  }
}
