package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every request a Kubernetes client sends, as method and path, recorded by an interceptor on the
 * client's HTTP stack: what the operator asks of the API server, counted from outside it. Watches
 * (long-lived, opened once per informer) are told apart from reads and writes.
 */
public final class KubeRequests {

  /** One request; {@code query} without the leading '?', empty when none. */
  public record Request(String method, String path, String query) {
    public boolean watch() {
      return query.contains("watch=true") || query.contains("watch=1");
    }

    @Override
    public String toString() {
      return method + " " + path + (query.isEmpty() ? "" : "?" + query);
    }
  }

  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  /** A client for {@code cluster} whose every request lands here. */
  public KubernetesClient client(TestCluster cluster) {
    Interceptor recorder = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String query = request.uri().getRawQuery();
        requests.add(new Request(request.method(), request.uri().getRawPath(), query == null ? "" : query));
      }
    };
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(cluster.kubeConfigYaml()))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("kpe-request-log", recorder)).build();
  }

  public int mark() {
    return requests.size();
  }

  /** The requests since {@code mark}, watches left out. */
  public List<Request> since(int mark) {
    synchronized (requests) {
      return requests.subList(mark, requests.size()).stream().filter(r -> !r.watch()).toList();
    }
  }
}
