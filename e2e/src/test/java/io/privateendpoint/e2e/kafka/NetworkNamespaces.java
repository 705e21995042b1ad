package io.privateendpoint.e2e.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per broker, bridged together, so that every broker can bind the
 * same container port exactly as the operator configures it (0.0.0.0:containerPort), as pods do.
 * The test's own hosts: addresses 10.231.0.0/24 exist only on this bridge and in these namespaces,
 * which the test creates and deletes itself. Needs root (CAP_NET_ADMIN) and iproute2.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private static final String BRIDGE = "kpe-br0";
  private static final String PREFIX = "kpe-b";
  private static final String SUBNET = "10.231.0.";

  private final int count;

  private NetworkNamespaces(int count) {
    this.count = count;
  }

  public static NetworkNamespaces create(int count) {
    removeLeftovers(count + 4);
    NetworkNamespaces namespaces = new NetworkNamespaces(count);
    run("ip", "link", "add", BRIDGE, "type", "bridge");
    run("ip", "addr", "add", SUBNET + "1/24", "dev", BRIDGE);
    run("ip", "link", "set", BRIDGE, "up");
    for (int i = 0; i < count; i++) {
      String ns = name(i);
      String host = "kpe-h" + i;
      String peer = "kpe-p" + i;
      run("ip", "netns", "add", ns);
      run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
      run("ip", "link", "set", host, "master", BRIDGE);
      run("ip", "link", "set", host, "up");
      run("ip", "link", "set", peer, "netns", ns);
      run("ip", "netns", "exec", ns, "ip", "addr", "add", namespaces.address(i) + "/24", "dev", peer);
      run("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
      run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }
    return namespaces;
  }

  /** The address of broker host {@code i} (its "pod IP"). */
  public String address(int i) {
    return SUBNET + (10 + i);
  }

  /** The command prefix that runs a program inside host {@code i}. */
  public List<String> exec(int i) {
    return List.of("ip", "netns", "exec", name(i));
  }

  @Override
  public void close() {
    removeLeftovers(count);
  }

  private static String name(int i) {
    return PREFIX + i;
  }

  private static void removeLeftovers(int count) {
    for (int i = 0; i < count; i++) {
      runQuietly("ip", "netns", "del", name(i));
      runQuietly("ip", "link", "del", "kpe-h" + i);
    }
    runQuietly("ip", "link", "del", BRIDGE);
  }

  private static void run(String... command) {
    String output = execute(command);
    if (output != null) {
      throw new IllegalStateException(String.join(" ", command) + " failed (the real-broker tests need root and "
          + "iproute2 to make network namespaces): " + output);
    }
  }

  private static void runQuietly(String... command) {
    execute(command);
  }

  /** Null on success, else what the command printed. */
  private static String execute(String... command) {
    try {
      Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return "timed out";
      }
      return process.exitValue() == 0 ? null : output.isBlank() ? "exit " + process.exitValue() : output.trim();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }
}
