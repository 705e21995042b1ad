package io.privateendpoint.e2e.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Linux network namespace per broker (or proxy replica), bridged together, so that each can bind the
 * same container port exactly as the operator configures it (0.0.0.0:containerPort), as pods do.
 * The test's own hosts: addresses 10.231.0.0/24 exist only on this bridge and in these namespaces,
 * which the test creates and deletes itself. Needs root (CAP_NET_ADMIN) and iproute2.
 */
public final class NetworkNamespaces implements AutoCloseable {

  private final int count;
  /** Short (interface names have at most 15 characters): the bridge, namespaces and veth ends are named after it. */
  private final String tag;
  /** The first three octets of the /24 the hosts live in, with the trailing dot. */
  private final String subnet;

  private NetworkNamespaces(String tag, String subnet, int count) {
    this.tag = tag;
    this.subnet = subnet;
    this.count = count;
  }

  /** {@code count} hosts on 10.231.0.0/24, named kpe-*. */
  public static NetworkNamespaces create(int count) {
    return create("kpe", 231, count);
  }

  /**
   * {@code count} hosts on 10.{@code octet}.0.0/24, the bridge and namespaces named {@code tag}-*: tests that
   * use different tags and octets can run at the same time on one machine.
   */
  public static NetworkNamespaces create(String tag, int octet, int count) {
    if (!tag.matches("[a-z]{1,4}") || octet < 0 || octet > 255) {
      throw new IllegalArgumentException("tag: 1 to 4 lower-case letters; octet 0..255");
    }
    NetworkNamespaces namespaces = new NetworkNamespaces(tag, "10." + octet + ".0.", count);
    namespaces.removeLeftovers(count + 4);
    String bridge = namespaces.bridge();
    run("ip", "link", "add", bridge, "type", "bridge");
    run("ip", "addr", "add", namespaces.subnet + "1/24", "dev", bridge);
    run("ip", "link", "set", bridge, "up");
    for (int i = 0; i < count; i++) {
      String ns = namespaces.name(i);
      String host = tag + "-h" + i;
      String peer = tag + "-p" + i;
      run("ip", "netns", "add", ns);
      run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
      run("ip", "link", "set", host, "master", bridge);
      run("ip", "link", "set", host, "up");
      run("ip", "link", "set", peer, "netns", ns);
      run("ip", "netns", "exec", ns, "ip", "addr", "add", namespaces.address(i) + "/24", "dev", peer);
      run("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
      run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }
    return namespaces;
  }

  /** The address of host {@code i} (its "pod IP"). */
  public String address(int i) {
    return subnet + (10 + i);
  }

  /** How many hosts there are. */
  public int count() {
    return count;
  }

  /** The command prefix that runs a program inside host {@code i}. */
  public List<String> exec(int i) {
    return List.of("ip", "netns", "exec", name(i));
  }

  @Override
  public void close() {
    removeLeftovers(count);
  }

  private String name(int i) {
    return tag + "-b" + i;
  }

  private String bridge() {
    return tag + "-br0";
  }

  private void removeLeftovers(int count) {
    for (int i = 0; i < count; i++) {
      runQuietly("ip", "netns", "del", name(i));
      runQuietly("ip", "link", "del", tag + "-h" + i);
    }
    runQuietly("ip", "link", "del", bridge());
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
