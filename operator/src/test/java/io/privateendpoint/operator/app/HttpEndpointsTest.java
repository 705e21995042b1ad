package io.privateendpoint.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesEachPathOnItsPortGetOnly() throws Exception {
    int health = freePort();
    int metrics = freePort();
    try (HttpEndpoints endpoints = HttpEndpoints.start(Map.of(
        health, Map.of("/healthz", () -> HttpEndpoints.Reply.text(503, "unhealthy event sources: x"),
            "/readyz", () -> HttpEndpoints.Reply.text(200, "ready")),
        metrics, Map.of("/metrics", () -> new HttpEndpoints.Reply(200, "text/plain; version=0.0.4", "kpe_endpoints 0\n"))))) {
      assertThat(get(health, "/readyz")).isEqualTo("200 ready\n");
      assertThat(get(health, "/healthz")).isEqualTo("503 unhealthy event sources: x\n");
      assertThat(get(metrics, "/metrics")).isEqualTo("200 kpe_endpoints 0\n");
      assertThat(get(metrics, "/healthz")).startsWith("404 not found; this port serves /metrics");
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health + "/readyz"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void aFailingRouteAnswers500AndTheServerGoesOn() throws Exception {
    int port = freePort();
    try (HttpEndpoints endpoints = HttpEndpoints.start(Map.of(port, Map.of("/metrics", () -> {
      throw new IllegalStateException("boom");
    }, "/readyz", () -> HttpEndpoints.Reply.text(200, "ready"))))) {
      assertThat(get(port, "/metrics")).startsWith("500 java.lang.IllegalStateException: boom");
      assertThat(get(port, "/readyz")).isEqualTo("200 ready\n");
    }
  }

  private String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
