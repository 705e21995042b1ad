package io.privateendpoint.e2e.support;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on 127.0.0.1 in front of moto or the Compute fake that answers a seeded-random
 * fraction of the requests with the cloud's own throttling or unavailable error instead of forwarding
 * them — what a busy account looks like to the operator — and forwards every other request unchanged.
 *
 * <p>AWS errors by API, told from the request as the SDK sends it (both speak AWS's Query protocol:
 * a form body with Action=…, and a SigV4 Authorization header whose credential scope names the
 * service): EC2 answers HTTP 503 with its XML {@code <Response><Errors><Error><Code>RequestLimitExceeded}
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html), ELB HTTP 400 with
 * {@code <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded}
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html).
 * Compute errors alternate: 429 {@code rateLimitExceeded} (RESOURCE_EXHAUSTED) and 503
 * {@code backendError} (UNAVAILABLE), in Google's JSON error format.
 *
 * <p>Or, as AWS itself throttles, by rate ({@link #awsGranting}): a token bucket per service and kind of
 * call answers a request when it is empty. EC2 meters "using the token bucket algorithm": each API
 * has a bucket of tokens that refills at a fixed rate, a request takes one, and an empty bucket means
 * RequestLimitExceeded (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). A
 * client that slows down is then no longer throttled, which a random fraction never allows.
 *
 * <p>Forwarding keeps the Host header as the client sent it: the SDK signed it (SigV4), and moto
 * checks the signature. So requests go upstream over a plain socket, one connection each.
 */
public final class FaultProxy implements AutoCloseable {

  private static final Pattern SERVICE_SCOPE = Pattern.compile("Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request");
  private static final Pattern ACTION = Pattern.compile("(?:^|&)Action=([^&]+)");

  private final URI upstream;
  private final boolean aws;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Random random;
  private volatile double fraction;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final AtomicInteger injected = new AtomicInteger();
  private final Map<String, Integer> byOperation = new TreeMap<>();
  /** Rate mode: the buckets by "service reads|writes"; null in fraction mode. */
  private final Map<String, double[]> buckets;
  private final double readsPerSecond;
  private final double writesPerSecond;
  private final double burst;
  private final Map<String, Integer> injectedByOperation = new TreeMap<>();
  private int computeAnswers;

  private FaultProxy(URI upstream, boolean aws, double fraction, long seed) {
    this(upstream, aws, fraction, seed, null, 0, 0, 0);
  }

  private FaultProxy(URI upstream, boolean aws, double fraction, long seed, Map<String, double[]> buckets,
      double readsPerSecond, double writesPerSecond, double burst) {
    this.upstream = upstream;
    this.aws = aws;
    this.fraction = fraction;
    this.random = new Random(seed);
    this.buckets = buckets;
    this.readsPerSecond = readsPerSecond;
    this.writesPerSecond = writesPerSecond;
    this.burst = burst;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** In front of moto: EC2 and ELB requests, answered RequestLimitExceeded / Throttling for {@code fraction} of them. */
  public static FaultProxy aws(URI moto, double fraction, long seed) {
    return new FaultProxy(moto, true, fraction, seed);
  }

  /**
   * In front of moto, throttling by rate as AWS does: per service (EC2, ELB), reads (Describe*) and
   * writes each have a bucket of {@code burst} tokens refilled at the given rate; a request finding its
   * bucket empty is answered RequestLimitExceeded / Throttling. What an account leaves the operator
   * when other tools use the rest of its limits.
   */
  public static FaultProxy awsGranting(URI moto, double readsPerSecond, double writesPerSecond, double burst) {
    return new FaultProxy(moto, true, 0, 0, new java.util.HashMap<>(), readsPerSecond, writesPerSecond, burst);
  }

  /** In front of the Compute fake: {@code fraction} of the requests answered 429 or 503, alternating. */
  public static FaultProxy compute(URI fake, double fraction, long seed) {
    return new FaultProxy(fake, false, fraction, seed);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Requests received, injected or forwarded. */
  public int requests() {
    return requests.get();
  }

  public int forwarded() {
    return forwarded.get();
  }

  public int injected() {
    return injected.get();
  }

  /** Requests received per operation: "Ec2.DescribeVpcs", "ElasticLoadBalancingV2.CreateListener", "POST regions/subnetworks". */
  public synchronized Map<String, Integer> requestsByOperation() {
    return Map.copyOf(byOperation);
  }

  public synchronized Map<String, Integer> injectedByOperation() {
    return Map.copyOf(injectedByOperation);
  }

  /** From now on, answer this fraction (0 to 1) of the requests with an error. */
  public void setFraction(double fraction) {
    this.fraction = fraction;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String operation = aws ? awsOperation(exchange.getRequestHeaders(), body)
          : computeOperation(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
      requests.incrementAndGet();
      Answer fault;
      synchronized (this) {
        byOperation.merge(operation, 1, Integer::sum);
        fault = (buckets != null ? !take(operation) : random.nextDouble() < fraction) ? fault(operation) : null;
        if (fault != null) {
          injectedByOperation.merge(operation, 1, Integer::sum);
        }
      }
      if (fault != null) {
        injected.incrementAndGet();
        respond(exchange, fault);
        return;
      }
      respond(exchange, forward(exchange, body));
      forwarded.incrementAndGet();
    }
  }

  private record Answer(int status, Map<String, List<String>> headers, byte[] body) {}

  /** Rate mode: a token from the operation's bucket, refilled for the time since it was last looked at; under the lock. */
  private boolean take(String operation) {
    boolean read = operation.substring(operation.indexOf('.') + 1).startsWith("Describe");
    String key = operation.substring(0, operation.indexOf('.')) + (read ? " reads" : " writes");
    double rate = read ? readsPerSecond : writesPerSecond;
    long now = System.nanoTime();
    double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {burst, now});
    bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) / 1e9 * rate);
    bucket[1] = now;
    if (bucket[0] < 1) {
      return false;
    }
    bucket[0] -= 1;
    return true;
  }

  /** The cloud's own answer for a request it throttles; called under the lock (Compute alternates). */
  private Answer fault(String operation) {
    if (aws) {
      String requestId = java.util.UUID.randomUUID().toString();
      if (operation.startsWith("Ec2.")) {
        return xml(503, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
            + "<Message>Request limit exceeded.</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>");
      }
      return xml(400, "<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error>"
          + "<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>" + requestId
          + "</RequestId></ErrorResponse>");
    }
    boolean rateLimit = computeAnswers++ % 2 == 0;
    String json = rateLimit
        ? "{\"error\": {\"code\": 429, \"message\": \"Rate Limit Exceeded\", \"errors\": [{\"message\": \"Rate Limit Exceeded\","
            + " \"domain\": \"usageLimits\", \"reason\": \"rateLimitExceeded\"}], \"status\": \"RESOURCE_EXHAUSTED\"}}"
        : "{\"error\": {\"code\": 503, \"message\": \"The service is currently unavailable.\", \"errors\": [{\"message\":"
            + " \"The service is currently unavailable.\", \"domain\": \"global\", \"reason\": \"backendError\"}],"
            + " \"status\": \"UNAVAILABLE\"}}";
    return new Answer(rateLimit ? 429 : 503, Map.of("Content-Type", List.of("application/json; charset=UTF-8")),
        json.getBytes(StandardCharsets.UTF_8));
  }

  private static Answer xml(int status, String body) {
    return new Answer(status, Map.of("Content-Type", List.of("text/xml")), body.getBytes(StandardCharsets.UTF_8));
  }

  /** "Ec2.DescribeVpcs": the service from the signature's credential scope, the action from the form body. */
  static String awsOperation(Headers headers, byte[] body) {
    String authorization = headers.getFirst("Authorization");
    String service = "unknown";
    if (authorization != null) {
      Matcher m = SERVICE_SCOPE.matcher(authorization);
      if (m.find()) {
        service = switch (m.group(1)) {
          case "ec2" -> "Ec2";
          case "elasticloadbalancing" -> "ElasticLoadBalancingV2";
          default -> m.group(1);
        };
      }
    }
    Matcher action = ACTION.matcher(new String(body, StandardCharsets.UTF_8));
    return service + "." + (action.find() ? URLDecoder.decode(action.group(1), StandardCharsets.UTF_8) : "unknown");
  }

  /** "GET regions/subnetworks", "POST regions/networkEndpointGroups/attachNetworkEndpoints": the collections, not the names. */
  static String computeOperation(String method, String path) {
    String[] parts = path.replaceFirst("^/compute/v1/projects/[^/]+/?", "").split("/");
    StringBuilder kinds = new StringBuilder();
    for (int i = 0; i < parts.length; i += "global".equals(parts[i]) ? 1 : 2) {
      kinds.append(kinds.length() == 0 ? "" : "/").append(parts[i]);
    }
    return method + " " + kinds;
  }

  private Answer forward(HttpExchange exchange, byte[] body) throws IOException {
    try (Socket socket = new Socket(upstream.getHost(), upstream.getPort())) {
      OutputStream out = socket.getOutputStream();
      StringBuilder head = new StringBuilder(exchange.getRequestMethod()).append(' ')
          .append(exchange.getRequestURI().getRawPath())
          .append(exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
          .append(" HTTP/1.1\r\n");
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        String name = header.getKey().toLowerCase(Locale.ROOT);
        if (name.equals("connection") || name.equals("content-length") || name.equals("transfer-encoding")
            || name.equals("expect") || name.equals("keep-alive")) {
          continue;
        }
        for (String value : header.getValue()) {
          head.append(header.getKey()).append(": ").append(value).append("\r\n");
        }
      }
      head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return readResponse(socket.getInputStream(), "HEAD".equals(exchange.getRequestMethod()));
    }
  }

  private static Answer readResponse(InputStream in, boolean head) throws IOException {
    String status = line(in);
    int code = Integer.parseInt(status.split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(in); !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new java.util.ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    byte[] body;
    Function<String, String> first = name -> headers.containsKey(name) ? headers.get(name).get(0) : null;
    if (head || code == 204 || code == 304) {
      body = new byte[0];
    } else if ("chunked".equalsIgnoreCase(first.apply("Transfer-Encoding"))) {
      ByteArrayOutputStream chunks = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
          size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        chunks.write(in.readNBytes(size));
        line(in);
      }
      body = chunks.toByteArray();
    } else if (first.apply("Content-Length") != null) {
      body = in.readNBytes(Integer.parseInt(first.apply("Content-Length")));
    } else {
      body = in.readAllBytes();
    }
    headers.remove("Transfer-Encoding");
    headers.remove("Content-Length");
    headers.remove("Connection");
    return new Answer(code, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    answer.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    if (answer.body().length > 0) {
      exchange.getResponseBody().write(answer.body());
    }
  }
}
