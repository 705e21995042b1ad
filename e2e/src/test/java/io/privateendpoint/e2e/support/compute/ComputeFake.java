package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Compute;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A local Compute Engine REST server for tests, since no Compute emulator exists. Its routes and
 * request schemas are not written by hand: they come from compute.proto's descriptor
 * ({@code Compute.getDescriptor()}, the file the real client is generated from) — every service and
 * method with its google.api.http rule — and requests are parsed strictly into the RPC's messages.
 * Point the real google-cloud-compute clients at {@link #endpoint()} with NoCredentialsProvider.
 *
 * <p>Resources behave generically by RPC shape (Insert/Get/List/Delete/Patch/Update/SetLabels of
 * any collection, answered with DONE operations), plus the NEG endpoint RPCs, the constraints
 * Compute enforces on the PSC resources and simulated PSC consumers; other RPCs answer 501.
 *
 * <p>Test hooks: a call log ({@link #mark()}, {@link #callsSince}), {@link #failOnceAfter} for a
 * crash between a call and its answer, and reads of the store without HTTP ({@link #resources}).
 */
public final class ComputeFake implements AutoCloseable {

  /**
   * One request: {@code rpc} as "Service.Method" ("(no route)" when none matched), {@code httpMethod}
   * the effective verb (PATCH, though gax sends it as POST with X-HTTP-Method-Override), {@code path}
   * the URL path without query, {@code status} the HTTP status answered.
   */
  public record Call(String rpc, String httpMethod, String path, int status) {}

  private static final RestRoutes ROUTES = RestRoutes.of(Compute.getDescriptor());
  private static final String NO_ROUTE = "(no route)";

  private final Object lock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HttpServer server;
  private final ExecutorService executor;
  private final ResourceStore store = new ResourceStore();
  private final RpcDispatcher dispatcher;
  private final Set<String> mutatingRpcs;
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Integer> failures = new HashMap<>();

  private ComputeFake(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
    ServerFields serverFields = new ServerFields();
    Operations operations = new Operations(store, serverFields);
    NetworkEndpoints endpoints = new NetworkEndpoints(store);
    ComputeConstraints constraints = new ComputeConstraints(store, new References(store), endpoints);
    ResourceMethods resources = new ResourceMethods(store, serverFields, operations, constraints,
        new ServiceAttachmentConnections(store), endpoints);
    this.dispatcher = new RpcDispatcher(store, resources, endpoints, operations);
    this.mutatingRpcs = ROUTES.all().stream().filter(Route::mutating).map(Route::rpc).collect(Collectors.toSet());
  }

  /** A fake on 127.0.0.1 at a free port, empty. */
  public static ComputeFake start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "compute-fake");
        t.setDaemon(true);
        return t;
      });
      ComputeFake fake = new ComputeFake(server, executor);
      server.createContext("/", fake::handle);
      server.setExecutor(executor);
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Compute fake", e);
    }
  }

  /** http://127.0.0.1:PORT, for XxxSettings.newBuilder().setEndpoint(...). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Stops the server; closing twice is harmless. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** The position in the call log now, for {@link #callsSince}. */
  public int mark() {
    synchronized (lock) {
      return calls.size();
    }
  }

  public List<Call> callsSince(int mark) {
    synchronized (lock) {
      return List.copyOf(calls.subList(mark, calls.size()));
    }
  }

  /**
   * The calls since {@code mark} of RPCs that change something — those answering with an Operation,
   * whatever their status — so not the reads (GETs and the POST ListNetworkEndpoints) and not the
   * operations services.
   */
  public List<Call> mutatingCallsSince(int mark) {
    return callsSince(mark).stream().filter(c -> mutatingRpcs.contains(c.rpc())).toList();
  }

  /**
   * The next call of {@code rpc} ("Service.Method") is carried out — the resource really changes —
   * but its client gets HTTP 503 instead of the answer, like a crash between a call and its answer.
   * Calling this twice fails the next two calls.
   */
  public void failOnceAfter(String rpc) {
    if (ROUTES.all().stream().noneMatch(r -> r.rpc().equals(rpc))) {
      throw new IllegalArgumentException("compute.proto has no RPC " + rpc);
    }
    synchronized (lock) {
      failures.merge(rpc, 1, Integer::sum);
    }
  }

  /**
   * The stored resources of one collection, as the URL names it ("networkEndpointGroups",
   * "backendServices", "forwardingRules", "serviceAttachments", "subnetworks", ...), in every project,
   * region and zone, as their generated classes (e.g. ServiceAttachment), ordered by path.
   */
  public List<Message> resources(String collection) {
    synchronized (lock) {
      return store.all(collection).stream().map(s -> Messages.generated(s.resource())).toList();
    }
  }

  /** How many resources the fake holds in all collections, operations not counted (nothing is seeded). */
  public int totalResources() {
    synchronized (lock) {
      return store.resources().size();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String verb = exchange.getRequestMethod();
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if (verb.equals("POST") && override != null) {
        verb = override.toUpperCase();
      }
      URI uri = exchange.getRequestURI();
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int status;
      String answer;
      synchronized (lock) {
        String rpc = NO_ROUTE;
        try {
          List<String> segments = segments(uri.getRawPath());
          RestRoutes.Match match = ROUTES.match(verb, segments).orElseThrow(() -> ComputeError.noRoute(exchange.getRequestMethod(), uri.getRawPath()));
          rpc = match.route().rpc();
          Message request = RequestDecoder.decode(match.route(), match.variables(), uri.getRawQuery(), body);
          Message response = dispatcher.dispatch(match.route(), request, String.join("/", segments.subList(2, segments.size())));
          status = 200;
          answer = Messages.json(response);
        } catch (ComputeError e) {
          status = e.status();
          answer = e.toJson();
        } catch (RuntimeException e) {
          // A bug in the fake, not an answer Compute would give: loud in the test log.
          e.printStackTrace();
          ComputeError internal = new ComputeError(500, "backendError", "Compute fake failed: " + e);
          status = internal.status();
          answer = internal.toJson();
        }
        if (failures.getOrDefault(rpc, 0) > 0) {
          failures.merge(rpc, -1, Integer::sum);
          ComputeError crash = ComputeError.crashedAfter(rpc);
          status = crash.status();
          answer = crash.toJson();
        }
        calls.add(new Call(rpc, verb, uri.getRawPath(), status));
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static List<String> segments(String rawPath) {
    List<String> segments = new ArrayList<>();
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    for (String s : path.split("/", -1)) {
      segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return segments;
  }
}
