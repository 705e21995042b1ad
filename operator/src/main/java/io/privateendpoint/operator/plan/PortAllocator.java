package io.privateendpoint.operator.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Gives each broker a load-balancer port from the reserved range and keeps it for life.
 *
 * <p>Why the rules: a consumer caches broker addresses, so a port that moved to another broker
 * would send its clients to the wrong one. Hence: an assignment is never changed while its port
 * is in the range; a node id that leaves keeps its port (it may come back, and its address may
 * still be in a client's metadata); a port is handed to another node only when the range is
 * otherwise used up and the old node is neither present nor still advertised on the Kafka side.
 * Running out is reported, never solved by reshuffling.
 */
public final class PortAllocator {

  private PortAllocator() {}

  /**
   * @param present         node ids of the brokers present now
   * @param previous        node id → port, as kept in status (present and departed nodes)
   * @param stillAdvertised node ids the Kafka side still carries an advertised entry for
   */
  public static PortAllocation allocate(Collection<Integer> present, Map<Integer, Integer> previous,
      Set<Integer> stillAdvertised, int start, int count) {
    int end = start + count; // exclusive
    TreeMap<Integer, Integer> assigned = new TreeMap<>();
    previous.forEach((node, port) -> {
      if (port >= start && port < end) {
        assigned.put(node, port);
      }
    });
    TreeSet<Integer> free = new TreeSet<>();
    for (int port = start; port < end; port++) {
      free.add(port);
    }
    free.removeAll(assigned.values());

    List<Integer> unassigned = new ArrayList<>();
    for (int node : new TreeSet<>(present)) {
      if (assigned.containsKey(node)) {
        continue;
      }
      Integer port = free.pollFirst();
      if (port == null) {
        port = reclaim(assigned, present, stillAdvertised);
      }
      if (port == null) {
        unassigned.add(node);
      } else {
        assigned.put(node, port);
      }
    }
    return new PortAllocation(assigned, unassigned);
  }

  /** The lowest port of a departed node that nothing advertises any more, taken from it; null if none. */
  private static Integer reclaim(TreeMap<Integer, Integer> assigned, Collection<Integer> present,
      Set<Integer> stillAdvertised) {
    return assigned.entrySet().stream()
        .filter(e -> !present.contains(e.getKey()) && !stillAdvertised.contains(e.getKey()))
        .min(Map.Entry.comparingByValue())
        .map(e -> {
          assigned.remove(e.getKey());
          return e.getValue();
        })
        .orElse(null);
  }

  /**
   * @param ports      node id → port for every node that holds one, present or departed
   * @param unassigned present node ids the range had no port for
   */
  public record PortAllocation(Map<Integer, Integer> ports, List<Integer> unassigned) {
    public PortAllocation {
      ports = java.util.Collections.unmodifiableMap(new TreeMap<>(ports));
      unassigned = List.copyOf(unassigned);
    }
  }
}
