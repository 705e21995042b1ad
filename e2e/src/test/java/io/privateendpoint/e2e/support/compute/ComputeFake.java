package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Compute;
import com.google.cloud.compute.v1.Operation;
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
import java.util.Collection;
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
 * <p>Two principals, as IAM sees callers: {@link #endpoint()} is the operator's service account, which
 * holds the permissions of {@link Settings#granted()} (the shipped custom role, for LocalCompute) and
 * is answered Compute's 403 for any other; {@link #ownerEndpoint()} is the project owner — the person
 * with a console who seeds networks and VMs, edits out of band, or plays a PSC consumer — who holds
 * every permission. Which permission each RPC needs is derived from compute.proto by Google's naming
 * rule (PermissionNames, RequiredPermissions); the service account's checks are recorded
 * ({@link #checkedPermissions()}).
 *
 * <p>Test hooks: a call log ({@link #mark()}, {@link #callsSince}), {@link #failOnceAfter} for a
 * crash between a call and its answer, {@link #answerRunningOnce} to make the client poll an
 * operation, and reads of the store without HTTP ({@link #resources}).
 */
public final class ComputeFake implements AutoCloseable {

  /**
   * One request: {@code rpc} as "Service.Method" ("(no route)" when none matched), {@code httpMethod}
   * the effective verb (PATCH, though gax sends it as POST with X-HTTP-Method-Override), {@code path}
   * the URL path without query, {@code status} the HTTP status answered.
   */
  public record Call(String rpc, String httpMethod, String path, int status) {}

  /**
   * How a fake starts. {@code granted}: the service account's permissions, null for every one.
   */
  public record Settings(Set<String> granted) {

    /** Every permission granted. */
    public static Settings defaults() {
      return new Settings(null);
    }

    public Settings granting(Collection<String> permissions) {
      return new Settings(Set.copyOf(permissions));
    }
  }

  private static final RestRoutes ROUTES = RestRoutes.of(Compute.getDescriptor());
  private static final String NO_ROUTE = "(no route)";

  private static final PermissionNames PERMISSIONS = PermissionNames.of(ROUTES);

  private final Object lock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final HttpServer server;
  private final HttpServer ownerServer;
  private final ExecutorService executor;
  private final ResourceStore store = new ResourceStore();
  private final RpcDispatcher dispatcher;
  private final Authorizer serviceAccount;
  private final Authorizer owner;
  private final Set<String> mutatingRpcs;
  private final List<Call> calls = new ArrayList<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Integer> repeats = new HashMap<>();

  private ComputeFake(HttpServer server, HttpServer ownerServer, ExecutorService executor, Settings settings) {
    this.server = server;
    this.ownerServer = ownerServer;
    this.executor = executor;
    ServerFields serverFields = new ServerFields();
    Operations operations = new Operations(store, serverFields);
    NetworkEndpoints endpoints = new NetworkEndpoints(store);
    ComputeConstraints constraints = new ComputeConstraints(store, new References(store), endpoints);
    ResourceMethods resources = new ResourceMethods(store, serverFields, operations, constraints,
        new ServiceAttachmentConnections(store), endpoints);
    this.dispatcher = new RpcDispatcher(store, resources, endpoints, operations);
    RequiredPermissions required = new RequiredPermissions(PERMISSIONS, store, endpoints);
    this.serviceAccount = new Authorizer(settings.granted(), required);
    this.owner = new Authorizer(null, required);
    this.mutatingRpcs = ROUTES.all().stream().filter(Route::mutating).map(Route::rpc).collect(Collectors.toSet());
  }

  /** A fake on 127.0.0.1 at free ports, empty, every permission granted. */
  public static ComputeFake start() {
    return start(Settings.defaults());
  }

  /** A fake on 127.0.0.1 at free ports, empty. */
  public static ComputeFake start(Settings settings) {
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      HttpServer server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
      HttpServer ownerServer = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "compute-fake");
        t.setDaemon(true);
        return t;
      });
      ComputeFake fake = new ComputeFake(server, ownerServer, executor, settings);
      server.createContext("/", exchange -> fake.handle(exchange, fake.serviceAccount));
      ownerServer.createContext("/", exchange -> fake.handle(exchange, fake.owner));
      for (HttpServer s : List.of(server, ownerServer)) {
        s.setExecutor(executor);
        s.start();
      }
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Compute fake", e);
    }
  }

  /** The service account's endpoint, http://127.0.0.1:PORT, for XxxSettings.newBuilder().setEndpoint(...). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The project owner's endpoint: every permission, nothing recorded. Same resources, same call log. */
  public String ownerEndpoint() {
    return "http://127.0.0.1:" + ownerServer.getAddress().getPort();
  }

  /**
   * Every permission checked for the service account so far (granted or not), sorted: what its calls
   * needed, to compare with what a role grants.
   */
  public Set<String> checkedPermissions() {
    return serviceAccount.checked();
  }

  /**
   * Every permission the fake may ask on the collection of compute.proto's service {@code service}
   * ("RegionNetworkEndpointGroups"): each method's by Google's naming rule and its documented exceptions,
   * the collection's .use, and compute.networks.updatePolicy for Networks. Empty for a service compute.proto lacks.
   */
  public static Set<String> permissionsOf(String service) {
    var descriptor = Compute.getDescriptor().findServiceByName(service);
    return descriptor == null ? Set.of() : PermissionNames.all(descriptor);
  }

  /** Stops the servers; closing twice is harmless. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      ownerServer.stop(0);
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
   * The next call of {@code rpc} ("Service.Method") is carried out twice and its client gets the
   * second answer: what a client that retries sees when the answer to its first, carried-out attempt
   * was lost (an insert then meets 409, a delete 404, an attach 400, a fingerprinted patch 412).
   */
  public void repeatOnce(String rpc) {
    if (ROUTES.all().stream().noneMatch(r -> r.rpc().equals(rpc) && r.mutating())) {
      throw new IllegalArgumentException("compute.proto has no RPC " + rpc + " answering an Operation");
    }
    synchronized (lock) {
      repeats.merge(rpc, 1, Integer::sum);
    }
  }

  /** The RPCs of {@link #repeatOnce} whose repeat has not happened yet. */
  public Set<String> pendingRepeats() {
    synchronized (lock) {
      return repeats.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
  }

  /** The RPCs of {@link #failOnceAfter} whose failure has not happened yet. */
  public Set<String> pendingFailures() {
    synchronized (lock) {
      return failures.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).collect(Collectors.toSet());
    }
  }

  /**
   * The next call of {@code rpc} ("Service.Method", one answering an Operation) is carried out, but its
   * answer says RUNNING, as Compute's first answer usually does: the client then polls the operations
   * service (RegionOperations.Get, GlobalOperations.Get…), which answers the stored, DONE operation.
   */
  public void answerRunningOnce(String rpc) {
    if (ROUTES.all().stream().noneMatch(r -> r.rpc().equals(rpc) && r.mutating())) {
      throw new IllegalArgumentException("compute.proto has no RPC " + rpc + " answering an Operation");
    }
    synchronized (lock) {
      running.merge(rpc, 1, Integer::sum);
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

  private void handle(HttpExchange exchange, Authorizer principal) throws IOException {
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
          String path = String.join("/", segments.subList(2, segments.size()));
          principal.check(match.route(), request, path);
          if (repeats.getOrDefault(rpc, 0) > 0) {
            repeats.merge(rpc, -1, Integer::sum);
            try {
              dispatcher.dispatch(match.route(), request, path);
            } catch (ComputeError firstAttemptFailed) {
              // The retry below meets the same error.
            }
          }
          Message response = dispatcher.dispatch(match.route(), request, path);
          if (response instanceof Operation op && running.getOrDefault(rpc, 0) > 0) {
            running.merge(rpc, -1, Integer::sum);
            response = op.toBuilder().setStatus(Operation.Status.RUNNING).setProgress(0).clearEndTime().build();
          }
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
