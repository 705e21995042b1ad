package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Insert, Get, List, Delete, Patch, Update and SetLabels for any Compute collection, driven by the
 * RPC's messages rather than by the collection: the body field holds the resource, the URL below
 * /compute/v1/ is its collection (Insert, List) or its path (the others). Every change is checked by
 * ComputeConstraints first and answered with a DONE Operation.
 */
final class ResourceMethods {

  private final ResourceStore store;
  private final ServerFields serverFields;
  private final Operations operations;
  private final ComputeConstraints constraints;
  private final ServiceAttachmentConnections connections;
  private final NetworkEndpoints endpoints;

  ResourceMethods(ResourceStore store, ServerFields serverFields, Operations operations, ComputeConstraints constraints,
      ServiceAttachmentConnections connections, NetworkEndpoints endpoints) {
    this.store = store;
    this.serverFields = serverFields;
    this.operations = operations;
    this.constraints = constraints;
    this.connections = connections;
    this.endpoints = endpoints;
  }

  Message insert(Route route, Message request, String collectionPath) {
    Message body = body(route, request);
    String name = Messages.string(body, "name");
    if (name.isEmpty()) {
      throw ComputeError.required("resource.name");
    }
    ResourcePath path = ResourcePath.inCollection(collectionPath, name)
        .orElseThrow(() -> ComputeError.notImplemented(route.rpc(), "not a collection of resources"));
    if (store.contains(path)) {
      throw ComputeError.alreadyExists(path.path());
    }
    Message resource = serverFields.created(path, constraints.forInsert(path, withoutOutputOnly(body)));
    store.put(path, resource);
    if (resource instanceof Subnetwork s) {
      linkSubnetwork(path, s, true);
    } else if (resource instanceof ForwardingRule f) {
      connections.connect(path, f);
    }
    return operations.done("insert", path, store.require(path));
  }

  Message get(String resourcePath) {
    return store.require(ResourcePath.ofPath(resourcePath));
  }

  Message list(Route route, Message request, String collectionPath) {
    Descriptor output = route.method().getOutputType();
    FieldDescriptor items = output.findFieldByName("items");
    requireEmpty(request, "order_by", "orderBy");
    requireEmpty(request, "page_token", "pageToken: the fake returns every item at once and never issues page tokens;");
    Predicate<Message> filter = ListFilter.parse(Messages.string(request, "filter"), items.getMessageType());
    Message.Builder list = Messages.newBuilder(output);
    for (ResourceStore.Stored s : store.list(collectionPath)) {
      if (s.resource().getDescriptorForType() == items.getMessageType() && filter.test(s.resource())) {
        list.addRepeatedField(items, s.resource());
      }
    }
    Messages.setIfPresent(list, "kind", "compute#" + Messages.lowerFirst(output.getName()));
    Messages.setIfPresent(list, "id", collectionPath);
    Messages.setIfPresent(list, "self_link", ResourcePath.API + collectionPath);
    return list.build();
  }

  private static void requireEmpty(Message request, String field, String what) {
    if (!Messages.string(request, field).isEmpty()) {
      throw ComputeError.invalid("Invalid value for " + what + " '" + Messages.string(request, field)
          + "' is not implemented by the Compute fake.");
    }
  }

  Message delete(String resourcePath) {
    ResourcePath path = ResourcePath.ofPath(resourcePath);
    Message resource = store.require(path);
    constraints.beforeDelete(path, resource);
    switch (resource) {
      case ForwardingRule f -> connections.disconnect(path, f);
      case ServiceAttachment a -> connections.close(a);
      case Subnetwork s -> linkSubnetwork(path, s, false);
      case NetworkEndpointGroup g -> endpoints.forget(path);
      default -> { }
    }
    store.remove(path);
    return operations.done("delete", path, resource);
  }

  /** Patch merges the body's fields (JSON merge patch: objects merge, lists and scalars replace); Update replaces. */
  Message change(Route route, Message request, String resourcePath, boolean merge) {
    ResourcePath path = ResourcePath.ofPath(resourcePath);
    Message before = store.require(path);
    Message body = body(route, request);
    String given = Messages.string(body, "fingerprint");
    if (!given.isEmpty() && !given.equals(Messages.string(before, "fingerprint"))) {
      throw ComputeError.conditionNotMet("Supplied fingerprint does not match current fingerprint.");
    }
    Message changed = merge ? merged(before, body, true) : replaced(before, body);
    String type = merge ? "patch" : "update";
    Message after = serverFields.changed(constraints.forChange(path, before, changed, type), true);
    store.put(path, after);
    if (after instanceof ServiceAttachment) {
      connections.redecide(path);
    }
    return operations.done(type, path, after);
  }

  Message setLabels(Route route, Message request, String resourcePath) {
    ResourcePath path = ResourcePath.ofPath(resourcePath);
    Message before = store.require(path);
    Message body = body(route, request);
    String given = Messages.string(body, "label_fingerprint");
    if (!given.equals(Messages.string(before, "label_fingerprint"))) {
      throw ComputeError.conditionNotMet("Labels fingerprint either invalid or resource labels have changed");
    }
    FieldDescriptor labels = before.getDescriptorForType().findFieldByName("labels");
    Message.Builder b = before.toBuilder().clearField(labels);
    for (Object entry : (List<?>) body.getField(body.getDescriptorForType().findFieldByName("labels"))) {
      Message e = (Message) entry;
      Message.Builder converted = b.newBuilderForField(labels);
      e.getAllFields().forEach((f, v) -> converted.setField(converted.getDescriptorForType().findFieldByName(f.getName()), v));
      b.addRepeatedField(labels, converted.build());
    }
    Message after = serverFields.changed(constraints.forChange(path, before, b.build(), "setLabels"), true);
    store.put(path, after);
    return operations.done("setLabels", path, after);
  }

  private static Message body(Route route, Message request) {
    if (route.body() == null || !request.hasField(route.body())) {
      throw ComputeError.required("resource");
    }
    return (Message) request.getField(route.body());
  }

  private static Message withoutOutputOnly(Message body) {
    Message.Builder b = body.toBuilder();
    for (FieldDescriptor f : body.getDescriptorForType().getFields()) {
      if (ServerFields.OUTPUT_ONLY.contains(f.getName())) {
        b.clearField(f);
      }
    }
    return b.build();
  }

  static Message merged(Message target, Message patch, boolean topLevel) {
    Message.Builder b = target.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> e : patch.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (topLevel && ServerFields.OUTPUT_ONLY.contains(f.getName())) {
        continue;
      }
      boolean object = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated();
      b.setField(f, object && target.hasField(f) ? merged((Message) target.getField(f), (Message) e.getValue(), false) : e.getValue());
    }
    return b.build();
  }

  private static Message replaced(Message before, Message body) {
    Message.Builder b = withoutOutputOnly(body).toBuilder();
    for (FieldDescriptor f : before.getDescriptorForType().getFields()) {
      if (ServerFields.OUTPUT_ONLY.contains(f.getName()) && (f.isRepeated() ? before.getRepeatedFieldCount(f) > 0 : before.hasField(f))) {
        b.setField(f, before.getField(f));
      }
    }
    return b.build();
  }

  /** Compute lists a network's subnetworks in Network.subnetworks. */
  private void linkSubnetwork(ResourcePath subnetPath, Subnetwork subnet, boolean add) {
    ResourcePath.parse(subnet.getNetwork(), subnetPath.project()).ifPresent(networkPath -> store.get(networkPath).ifPresent(m -> {
      Network network = (Network) m;
      List<String> links = new ArrayList<>(network.getSubnetworksList());
      links.remove(subnetPath.selfLink());
      if (add) {
        links.add(subnetPath.selfLink());
      }
      store.put(networkPath, network.toBuilder().clearSubnetworks().addAllSubnetworks(links).build());
    }));
  }
}
