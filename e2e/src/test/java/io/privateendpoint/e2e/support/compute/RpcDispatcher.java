package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroupsListNetworkEndpoints;
import com.google.cloud.compute.v1.NetworkEndpointWithHealthStatus;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Chooses what answers an RPC: the operations services, the NEG endpoint RPCs, or the generic
 * resource methods when the RPC has their shape (by method name and messages: an Insert whose body
 * has a name, a List whose answer has items, ...). Everything else is 501, never a silent success.
 */
final class RpcDispatcher {

  private static final Set<String> OPERATIONS_SERVICES = Set.of("RegionOperations", "GlobalOperations", "ZoneOperations");
  private static final String OPERATION = "google.cloud.compute.v1.Operation";

  private final ResourceStore store;
  private final ResourceMethods resources;
  private final NetworkEndpoints endpoints;
  private final Operations operations;

  RpcDispatcher(ResourceStore store, ResourceMethods resources, NetworkEndpoints endpoints, Operations operations) {
    this.store = store;
    this.resources = resources;
    this.endpoints = endpoints;
    this.operations = operations;
  }

  /** {@code path} is the URL below /compute/v1/, e.g. projects/p/regions/r/forwardingRules/fr. */
  Message dispatch(Route route, Message request, String path) {
    if (OPERATIONS_SERVICES.contains(route.service())) {
      return operation(route, request, path);
    }
    if (route.service().equals("RegionNetworkEndpointGroups")) {
      switch (route.methodName()) {
        case "AttachNetworkEndpoints" -> {
          endpoints.attach(route.rpc(), ResourcePath.ofPath(parent(path)), networkEndpoints(route, request));
          return operations.done("attachNetworkEndpoints", ResourcePath.ofPath(parent(path)), store.require(ResourcePath.ofPath(parent(path))));
        }
        case "DetachNetworkEndpoints" -> {
          endpoints.detach(route.rpc(), ResourcePath.ofPath(parent(path)), networkEndpoints(route, request));
          return operations.done("detachNetworkEndpoints", ResourcePath.ofPath(parent(path)), store.require(ResourcePath.ofPath(parent(path))));
        }
        case "ListNetworkEndpoints" -> {
          return listNetworkEndpoints(request, ResourcePath.ofPath(parent(path)));
        }
        default -> { }
      }
    }
    return generic(route, request, path);
  }

  private Message generic(Route route, Message request, String path) {
    Descriptor output = route.method().getOutputType();
    boolean answersOperation = output.getFullName().equals(OPERATION);
    Descriptor body = route.body() == null ? null : route.body().getMessageType();
    switch (route.methodName()) {
      case "Insert" -> {
        if (answersOperation && body != null && body.findFieldByName("name") != null && ResourcePath.inCollection(path, "x").isPresent()) {
          return resources.insert(route, request, path);
        }
      }
      case "Get" -> {
        if (output.findFieldByName("name") != null && isResource(path)) {
          return resources.get(path);
        }
      }
      case "List" -> {
        FieldDescriptor items = output.findFieldByName("items");
        if (items != null && items.isRepeated() && !items.isMapField() && ResourcePath.inCollection(path, "x").isPresent()) {
          return resources.list(route, request, path);
        }
      }
      case "Delete" -> {
        if (answersOperation && isResource(path)) {
          return resources.delete(path);
        }
      }
      case "Patch", "Update" -> {
        if (answersOperation && body != null && body.findFieldByName("name") != null && isResource(path)) {
          return resources.change(route, request, path, route.methodName().equals("Patch"));
        }
      }
      case "SetLabels" -> {
        if (answersOperation && body != null && body.findFieldByName("labels") != null && isResource(parent(path))) {
          Descriptor target = store.require(ResourcePath.ofPath(parent(path))).getDescriptorForType();
          if (target.findFieldByName("label_fingerprint") != null) {
            return resources.setLabels(route, request, parent(path));
          }
        }
      }
      default -> { }
    }
    throw ComputeError.notImplemented(route.rpc(), "");
  }

  /** Get and Wait answer the stored (DONE) operation; Delete forgets it; List lists a scope's operations. */
  private Message operation(Route route, Message request, String path) {
    return switch (route.methodName()) {
      case "Get" -> store.require(ResourcePath.ofPath(path));
      case "Wait" -> store.require(ResourcePath.ofPath(parent(path)));
      case "Delete" -> {
        ResourcePath op = ResourcePath.ofPath(path);
        store.require(op);
        store.remove(op);
        yield Messages.defaultInstance(route.method().getOutputType());
      }
      case "List" -> resources.list(route, request, path);
      default -> throw ComputeError.notImplemented(route.rpc(), "");
    };
  }

  private Message listNetworkEndpoints(Message request, ResourcePath group) {
    store.require(group);
    Predicate<Message> filter = ListFilter.parse(Messages.string(request, "filter"), NetworkEndpointWithHealthStatus.getDescriptor());
    NetworkEndpointGroupsListNetworkEndpoints.Builder list = NetworkEndpointGroupsListNetworkEndpoints.newBuilder()
        .setKind("compute#networkEndpointGroupsListNetworkEndpoints").setId(group.path());
    for (NetworkEndpoint e : endpoints.list(group)) {
      NetworkEndpointWithHealthStatus item = NetworkEndpointWithHealthStatus.newBuilder().setNetworkEndpoint(e).build();
      if (filter.test(item)) {
        list.addItems(item);
      }
    }
    return list.build();
  }

  @SuppressWarnings("unchecked")
  private static List<NetworkEndpoint> networkEndpoints(Route route, Message request) {
    if (!request.hasField(route.body())) {
      throw ComputeError.required("resource");
    }
    Message body = (Message) request.getField(route.body());
    return (List<NetworkEndpoint>) body.getField(body.getDescriptorForType().findFieldByName("network_endpoints"));
  }

  private static boolean isResource(String path) {
    return path.startsWith("projects/") && ResourcePath.parse(path, null).isPresent();
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('/'));
  }
}
