package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every resource of the fake by path (projects/P/scope/collection/name), operations included under
 * their "operations" collections. Not thread-safe: ComputeFake serialises access.
 */
final class ResourceStore {

  static final String OPERATIONS = "operations";

  private final TreeMap<String, Stored> byPath = new TreeMap<>();

  record Stored(ResourcePath path, Message resource) {}

  Optional<Message> get(ResourcePath path) {
    Stored stored = byPath.get(path.path());
    return Optional.ofNullable(stored).map(Stored::resource);
  }

  Message require(ResourcePath path) {
    return get(path).orElseThrow(() -> ComputeError.notFound(path.path()));
  }

  boolean contains(ResourcePath path) {
    return byPath.containsKey(path.path());
  }

  void put(ResourcePath path, Message resource) {
    byPath.put(path.path(), new Stored(path, resource));
  }

  void remove(ResourcePath path) {
    byPath.remove(path.path());
  }

  /** The resources directly in one collection path (projects/P/regions/R/forwardingRules), by name. */
  List<Stored> list(String collectionPath) {
    List<Stored> out = new ArrayList<>();
    for (Map.Entry<String, Stored> e : byPath.subMap(collectionPath + "/", collectionPath + "0").entrySet()) {
      if (e.getValue().path().collectionPath().equals(collectionPath)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /** Every resource of a collection name (the URL segment, e.g. "networkEndpointGroups") in any project and scope. */
  List<Stored> all(String collection) {
    return byPath.values().stream().filter(s -> s.path().collection().equals(collection)).toList();
  }

  List<Stored> resources() {
    return byPath.values().stream().filter(s -> !s.path().collection().equals(OPERATIONS)).toList();
  }
}
