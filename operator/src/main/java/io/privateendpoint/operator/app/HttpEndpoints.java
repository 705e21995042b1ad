package io.privateendpoint.operator.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoints on the JDK's own server (no web framework for three GETs):
 * {@code /healthz} and {@code /readyz} on the health port for the kubelet's probes, {@code /metrics}
 * on the metrics port for Prometheus. Equal ports share one server; port 0 serves nothing. Each
 * server answers on its own two daemon threads, so a slow scrape never delays a probe on another port.
 */
public final class HttpEndpoints implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);

  /** What a GET answers. */
  public record Reply(int status, String contentType, String body) {
    public static Reply text(int status, String body) {
      return new Reply(status, "text/plain; charset=utf-8", body + "\n");
    }
  }

  private final List<HttpServer> servers;
  private final List<ExecutorService> executors;

  private HttpEndpoints(List<HttpServer> servers, List<ExecutorService> executors) {
    this.servers = servers;
    this.executors = executors;
  }

  /** The probes and /metrics on the ports the settings give; listening when this returns. */
  static HttpEndpoints start(OperatorSettings settings, OperatorHealth health, OperatorMetrics metrics) throws IOException {
    Map<Integer, Map<String, Supplier<Reply>>> routes = new TreeMap<>();
    if (settings.healthPort() != 0) {
      routes.computeIfAbsent(settings.healthPort(), p -> new TreeMap<>()).put("/healthz", health::liveness);
      routes.get(settings.healthPort()).put("/readyz", health::readiness);
    }
    if (settings.metricsPort() != 0) {
      routes.computeIfAbsent(settings.metricsPort(), p -> new TreeMap<>())
          .put("/metrics", () -> new Reply(200, OperatorMetrics.CONTENT_TYPE, metrics.scrape()));
    }
    return start(routes);
  }

  /** @param routes port → path → answer; the tests serve an in-JVM operator's /metrics with it */
  public static HttpEndpoints start(Map<Integer, Map<String, Supplier<Reply>>> routes) throws IOException {
    List<HttpServer> servers = new ArrayList<>();
    List<ExecutorService> executors = new ArrayList<>();
    HttpEndpoints endpoints = new HttpEndpoints(servers, executors);
    try {
      for (Map.Entry<Integer, Map<String, Supplier<Reply>>> port : routes.entrySet()) {
        // All interfaces: the kubelet probes and Prometheus scrapes the pod's IP.
        HttpServer server = HttpServer.create(new InetSocketAddress(port.getKey()), 0);
        Map<String, Supplier<Reply>> paths = Map.copyOf(port.getValue());
        server.createContext("/", exchange -> answer(exchange, paths));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
          Thread t = new Thread(r, "http-" + port.getKey());
          t.setDaemon(true);
          return t;
        });
        server.setExecutor(executor);
        server.start();
        servers.add(server);
        executors.add(executor);
        LOG.info("serving {} on port {}", paths.keySet(), port.getKey());
      }
    } catch (IOException | RuntimeException e) {
      endpoints.close();
      throw e;
    }
    return endpoints;
  }

  private static void answer(HttpExchange exchange, Map<String, Supplier<Reply>> paths) throws IOException {
    try (exchange) {
      Supplier<Reply> route = paths.get(exchange.getRequestURI().getPath());
      Reply reply;
      if (route == null) {
        reply = Reply.text(404, "not found; this port serves " + String.join(", ", paths.keySet()));
      } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        reply = Reply.text(405, "GET only");
      } else {
        try {
          reply = route.get();
        } catch (RuntimeException e) {
          LOG.warn("{} failed", exchange.getRequestURI().getPath(), e);
          reply = Reply.text(500, String.valueOf(e));
        }
      }
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    servers.forEach(s -> s.stop(0));
    executors.forEach(ExecutorService::shutdownNow);
  }
}
