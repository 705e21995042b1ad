package io.privateendpoint.operator.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** An inclusive TCP port range, as a security-group rule takes it. */
public record PortRange(int from, int to) {

  /** The fewest ranges covering exactly these ports: contiguous ports share one. */
  public static List<PortRange> covering(Collection<Integer> ports) {
    List<PortRange> ranges = new ArrayList<>();
    int from = -1;
    int to = -1;
    for (int port : new TreeSet<>(ports)) {
      if (from >= 0 && port == to + 1) {
        to = port;
        continue;
      }
      if (from >= 0) {
        ranges.add(new PortRange(from, to));
      }
      from = port;
      to = port;
    }
    if (from >= 0) {
      ranges.add(new PortRange(from, to));
    }
    return ranges;
  }

  public boolean contains(int port) {
    return from <= port && port <= to;
  }

  @Override
  public String toString() {
    return from == to ? String.valueOf(from) : from + "-" + to;
  }
}
