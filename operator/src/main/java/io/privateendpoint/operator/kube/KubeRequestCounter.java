package io.privateendpoint.operator.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Names every request a Kubernetes client sends by verb and resource, as the API server's audit log
 * would, and hands them to a sink (the operator's kpe_kube_requests_total). It sits on the client's
 * HTTP stack as a fabric8 {@link Interceptor}, which every request passes, informers' lists and
 * watches included. Paths follow https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris.
 */
public final class KubeRequestCounter implements Interceptor {

  /** One request: verb (get, list, watch, create, update, patch, delete) and resource ("pods", "pods/status"). */
  public record Request(String verb, String resource) {}

  private static final String NAME = "kpe-kube-requests";

  private final BiConsumer<String, String> sink;

  private KubeRequestCounter(BiConsumer<String, String> sink) {
    this.sink = sink;
  }

  /** A client from the standard configuration (in-cluster, KUBECONFIG) whose every request goes to {@code sink(verb, resource)}. */
  public static KubernetesClient client(BiConsumer<String, String> sink) {
    return client(Config.autoConfigure(null), sink);
  }

  /** As above, for the cluster of {@code config}. */
  public static KubernetesClient client(Config config, BiConsumer<String, String> sink) {
    return new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(NAME, new KubeRequestCounter(sink))).build();
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Request r = classify(request.method(), request.uri().getRawPath(), request.uri().getRawQuery());
    sink.accept(r.verb(), r.resource());
  }

  /**
   * {@code /api/v1[/namespaces/<ns>]/<resource>[/<name>[/<subresource>]]}, or {@code /apis/<group>/<version>/…};
   * anything else (discovery, /version) is resource "other".
   */
  static Request classify(String method, String path, String query) {
    List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/+"));
    int start = parts.isEmpty() ? -1 : switch (parts.get(0)) {
      case "api" -> 2;
      case "apis" -> 3;
      default -> -1;
    };
    List<String> rest = start < 0 || parts.size() <= start ? List.of() : parts.subList(start, parts.size());
    // namespaces/<ns>/<resource>…: the namespace is a scope, unless the path ends there (the Namespace itself).
    if (rest.size() > 2 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.isEmpty() ? "other" : rest.size() > 2 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
    boolean named = rest.size() > 1;
    boolean watch = query != null && (query.contains("watch=true") || query.contains("watch=1"));
    String verb = switch (method.toUpperCase(Locale.ROOT)) {
      case "GET" -> watch ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase(Locale.ROOT);
    };
    return new Request(verb, resource);
  }
}
