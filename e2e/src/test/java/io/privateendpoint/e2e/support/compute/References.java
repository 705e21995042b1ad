package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The references between resources, found by walking every string field of a resource: what a
 * resource points at (which must exist when it is made) and who points at a resource (which then
 * cannot be deleted). Fields that describe the resource itself or point back at its users are not
 * references.
 */
final class References {

  record Reference(String field, ResourcePath target) {}

  /** Collections the fake holds; references to others (machineTypes, images, zones) are not checked. */
  static final Set<String> CHECKED = Set.of("networks", "subnetworks", "instances", "networkEndpointGroups",
      "backendServices", "forwardingRules", "serviceAttachments", "firewalls", "healthChecks", "addresses",
      "instanceGroups", "targetInstances");

  /** Self-descriptions and back-references (Network.subnetworks, BackendService.used_by, ...). */
  private static final Set<String> NOT_REFERENCES = Set.of("self_link", "self_link_with_id", "region", "zone", "kind",
      "description", "subnetworks", "used_by", "users", "connected_endpoints", "creation_timestamp", "metadata");

  private final ResourceStore store;

  References(ResourceStore store) {
    this.store = store;
  }

  static List<Reference> in(Message resource, String project) {
    List<Reference> out = new ArrayList<>();
    collect(resource, project, "resource", out);
    return out;
  }

  private static void collect(Message message, String project, String at, List<Reference> out) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      if (NOT_REFERENCES.contains(field.getName()) || field.isMapField()) {
        continue;
      }
      String name = at + "." + field.getJsonName();
      List<?> values = field.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (int i = 0; i < values.size(); i++) {
        String item = field.isRepeated() ? name + "[" + i + "]" : name;
        Object value = values.get(i);
        if (value instanceof Message m) {
          collect(m, project, item, out);
        } else if (value instanceof String s) {
          ResourcePath.parse(s, project).ifPresent(p -> out.add(new Reference(item, p)));
        }
      }
    }
  }

  /** The resource with every reference as a full URL, the form Compute answers with whatever form it was given. */
  static Message normalized(Message message, String project) {
    Message.Builder b = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      if (NOT_REFERENCES.contains(field.getName()) || field.isMapField()) {
        continue;
      }
      if (field.isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size(); i++) {
          Object v = normalizedValue(values.get(i), project);
          if (v != values.get(i)) {
            b.setRepeatedField(field, i, v);
          }
        }
      } else {
        Object v = normalizedValue(e.getValue(), project);
        if (v != e.getValue()) {
          b.setField(field, v);
        }
      }
    }
    return b.build();
  }

  private static Object normalizedValue(Object value, String project) {
    if (value instanceof Message m) {
      return normalized(m, project);
    }
    if (value instanceof String s) {
      Optional<ResourcePath> p = ResourcePath.parse(s, project);
      return p.isPresent() && !p.get().selfLink().equals(s) ? p.get().selfLink() : value;
    }
    return value;
  }

  /** Every new reference to a collection the fake holds must name a stored resource: 404 otherwise, like Compute. */
  void requireTargetsExist(Message resource, String project, Message before) {
    List<ResourcePath> had = before == null ? List.of() : in(before, project).stream().map(Reference::target).toList();
    for (Reference r : in(resource, project)) {
      if (CHECKED.contains(r.target().collection()) && !store.contains(r.target()) && !had.contains(r.target())) {
        throw ComputeError.notFound(r.target().path());
      }
    }
  }

  /**
   * A field that must reference a resource of one of {@code collections}: a full or partial URL (a
   * bare name is malformed, as in Compute), of the right collection, stored. Returns its path.
   */
  ResourcePath require(String field, String value, ResourcePath owner, String... collections) {
    if (value.isEmpty()) {
      throw ComputeError.required(field);
    }
    ResourcePath target = ResourcePath.parse(value, owner.project())
        .orElseThrow(() -> ComputeError.invalidField(field, value, "The URL is malformed."));
    if (!List.of(collections).contains(target.collection())) {
      throw ComputeError.invalidField(field, value, "Must be a URL of " + String.join(" or ", collections) + ".");
    }
    if (!store.contains(target)) {
      throw ComputeError.notFound(target.path());
    }
    return target;
  }

  /** Regional resources reference resources of their own region (a zonal one's zone being in it). */
  static void requireSameRegion(String field, String value, ResourcePath target, ResourcePath owner) {
    if (owner.region() != null && !owner.region().equals(target.region())) {
      throw ComputeError.invalidField(field, value, "It must be in region " + owner.region() + ", like the "
          + Messages.snake(owner.collection()) + " itself.");
    }
  }

  /** True when {@code reference}, read in {@code owner}'s project, names {@code target}. */
  static boolean names(String reference, ResourcePath owner, ResourcePath target) {
    return !reference.isEmpty() && ResourcePath.parse(reference, owner.project()).equals(Optional.of(target));
  }

  /** The first stored resource other than {@code target} that references it. */
  Optional<ResourcePath> userOf(ResourcePath target) {
    for (ResourceStore.Stored s : store.resources()) {
      if (s.path().equals(target)) {
        continue;
      }
      for (Reference r : in(s.resource(), s.path().project())) {
        if (r.target().equals(target) && !consumerConnection(s.path(), r)) {
          return Optional.of(s.path());
        }
      }
    }
    return Optional.empty();
  }

  /** A PSC consumer's forwarding rule targets a service attachment without holding it: deleting the attachment closes the connection. */
  private static boolean consumerConnection(ResourcePath user, Reference r) {
    return user.collection().equals("forwardingRules") && r.field().equals("resource.target")
        && r.target().collection().equals("serviceAttachments");
  }
}
