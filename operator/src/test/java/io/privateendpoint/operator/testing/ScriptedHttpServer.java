package io.privateendpoint.operator.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A loopback HTTP server answering each request with the next scripted answer, and recording
 * "METHOD path" of every request: enough to put a cloud SDK's real client through success,
 * throttling, refusals and retries without a cloud.
 */
public final class ScriptedHttpServer implements AutoCloseable {

  public record Answer(int status, String contentType, String body) {}

  private final HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();

  public ScriptedHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      Answer answer;
      synchronized (script) {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        answer = script.poll();
      }
      exchange.getRequestBody().readAllBytes();
      if (answer == null) {
        answer = new Answer(500, "text/plain", "no scripted answer left");
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues answers for the next requests, in order. */
  public ScriptedHttpServer then(int status, String contentType, String body) {
    synchronized (script) {
      script.add(new Answer(status, contentType, body));
    }
    return this;
  }

  public List<String> requests() {
    synchronized (script) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
