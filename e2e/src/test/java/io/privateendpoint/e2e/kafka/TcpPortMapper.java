package io.privateendpoint.e2e.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the NLB or PSC data path: listens on 127.0.0.1 at each load-balancer port and
 * forwards every connection to one of that port's targets (one broker for a broker port, any
 * broker in turn for a bootstrap port). Counts connections so tests can show each port was used.
 */
public final class TcpPortMapper implements AutoCloseable {

  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final List<ServerSocket> servers = new ArrayList<>();
  private final java.util.Map<Integer, AtomicInteger> connections = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<Integer, List<InetSocketAddress>> targetsByPort = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<InetSocketAddress, AtomicInteger> open = new java.util.concurrent.ConcurrentHashMap<>();
  private final InetAddress bindAddress;

  /** Listens on 127.0.0.1. */
  public TcpPortMapper() {
    this(InetAddress.getLoopbackAddress());
  }

  /**
   * Listens on {@code bindAddress}, e.g. another loopback address such as 127.0.234.1, so that runs on one
   * machine that map the same load-balancer ports do not collide.
   */
  public TcpPortMapper(InetAddress bindAddress) {
    this.bindAddress = bindAddress;
  }

  /** Forwards {@code bindAddress}:{@code port} (127.0.0.1 unless given) to the targets, round robin. */
  public void map(int port, List<InetSocketAddress> targets) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(bindAddress, port));
    servers.add(server);
    targetsByPort.put(port, List.copyOf(targets));
    AtomicInteger next = new AtomicInteger();
    AtomicInteger count = connections.computeIfAbsent(port, p -> new AtomicInteger());
    threads.submit(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          count.incrementAndGet();
          List<InetSocketAddress> current = targetsByPort.get(port);
          InetSocketAddress target = current.get(Math.floorMod(next.getAndIncrement(), current.size()));
          threads.submit(() -> forward(client, target));
        } catch (IOException e) {
          return null; // closed
        }
      }
      return null;
    });
  }

  /**
   * New connections to {@code port} go to these targets from now on (the operator re-pointing a NEG endpoint
   * or a target group); connections already forwarded stay where they are.
   */
  public void retarget(int port, List<InetSocketAddress> targets) {
    if (targets.isEmpty() || targetsByPort.replace(port, List.copyOf(targets)) == null) {
      throw new IllegalArgumentException("port " + port + " is not mapped, or no targets");
    }
  }

  /** Connections forwarded to {@code target} that are still open. */
  public int openConnectionsTo(InetSocketAddress target) {
    AtomicInteger count = open.get(target);
    return count == null ? 0 : count.get();
  }

  public int connectionsTo(int port) {
    AtomicInteger count = connections.get(port);
    return count == null ? 0 : count.get();
  }

  private void forward(Socket client, InetSocketAddress target) {
    AtomicInteger opened = null;
    try (client; Socket upstream = new Socket()) {
      upstream.connect(target, 5_000);
      opened = open.computeIfAbsent(target, t -> new AtomicInteger());
      opened.incrementAndGet();
      var toUpstream = threads.submit(() -> pipe(client.getInputStream(), upstream.getOutputStream(), upstream));
      pipe(upstream.getInputStream(), client.getOutputStream(), client);
      toUpstream.get();
    } catch (Exception e) {
      // a closed connection on either side ends the pair
    } finally {
      if (opened != null) {
        opened.decrementAndGet();
      }
    }
  }

  private static Void pipe(InputStream in, OutputStream out, Socket sink) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } finally {
      sink.shutdownOutput();
    }
    return null;
  }

  @Override
  public void close() {
    for (ServerSocket server : servers) {
      try {
        server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
