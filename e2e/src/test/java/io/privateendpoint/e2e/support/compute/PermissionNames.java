package io.privateendpoint.e2e.support.compute;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Google's naming rule for Compute Engine IAM permissions, applied to compute.proto's RPCs:
 * {@code compute.<collection>.<verb>}, the collection being the service name in lowerCamel
 * (RegionNetworkEndpointGroups → regionNetworkEndpointGroups, ForwardingRules → forwardingRules) and
 * the verb the method name in lowerCamel, except Insert → create and Patch/Update → update. See
 * "Compute Engine IAM roles and permissions", https://cloud.google.com/compute/docs/access/iam, and
 * the permissions reference https://cloud.google.com/iam/docs/roles-permissions/compute.
 *
 * <p>The exceptions are the ones the REST reference documents in each method's "IAM Permissions"
 * section (https://cloud.google.com/compute/docs/reference/rest/v1/&lt;collection&gt;/&lt;method&gt;):
 * a method with no permission of its own is authorised by one that exists. Only those met by the
 * services the fake serves for the operator are listed; the rest follow the rule.
 *
 * <p>Also the collection of a stored resource, for the {@code .use} permission on what a request
 * references: the service whose Get route has the resource's URL shape (zones/Z/instances → Instances,
 * regions/R/networkEndpointGroups → RegionNetworkEndpointGroups, global/networks → Networks), read from
 * compute.proto's routes rather than written down.
 */
final class PermissionNames {

  /**
   * Method → the verbs of the permissions that authorise it, where that is not the rule's one verb.
   * Documented on the REST reference page of each method:
   * listNetworkEndpoints (zonal, regional, global NEGs) — only {@code .get}
   *   (…/regionNetworkEndpointGroups/listNetworkEndpoints: compute.regionNetworkEndpointGroups.get;
   *   there is no listNetworkEndpoints permission in the permissions reference);
   * wait (operations) — {@code .get} (…/regionOperations/wait: compute.regionOperations.get);
   * aggregatedList, listUsable — {@code .list}; getHealth — {@code .get};
   * patch — {@code .update} and {@code .get} (…/regionBackendServices/patch, …/serviceAttachments/patch,
   *   …/firewalls/patch, …/subnetworks/patch all list both: a patch reads what it merges into).
   */
  private static final Map<String, List<String>> METHOD_VERBS = Map.of(
      "Insert", List.of("create"),
      "Update", List.of("update"),
      "Patch", List.of("update", "get"),
      "ListNetworkEndpoints", List.of("get"),
      "Wait", List.of("get"),
      "AggregatedList", List.of("list"),
      "ListUsable", List.of("list"),
      "GetHealth", List.of("get"));

  /** "global/networks" / "regions/subnetworks" / "zones/instances" → the service name, e.g. "Networks". */
  private final Map<String, String> serviceByShape = new HashMap<>();

  private PermissionNames() {}

  static PermissionNames of(RestRoutes routes) {
    PermissionNames names = new PermissionNames();
    for (Route route : routes.all()) {
      if (route.verb().equals("GET") && route.methodName().equals("Get")) {
        shape(route.template()).ifPresent(shape -> {
          String clash = names.serviceByShape.putIfAbsent(shape, route.service());
          if (clash != null && !clash.equals(route.service())) {
            throw new IllegalStateException("two services get " + shape + ": " + clash + " and " + route.service());
          }
        });
      }
    }
    return names;
  }

  /** compute.proto's "RegionNetworkEndpointGroups" → "regionNetworkEndpointGroups". */
  static String collection(String service) {
    return Messages.lowerFirst(service);
  }

  /** The permissions that authorise {@code Service.Method} on its own resource, by the rule and its documented exceptions. */
  static List<String> own(String service, String method) {
    return METHOD_VERBS.getOrDefault(method, List.of(Messages.lowerFirst(method))).stream()
        .map(verb -> "compute." + collection(service) + "." + verb).toList();
  }

  /** compute.regionNetworkEndpointGroups.use for a stored NEG's path, and so on; empty for kinds compute.proto has no Get for. */
  Optional<String> use(ResourcePath target) {
    return collectionOf(target).map(c -> "compute." + c + ".use");
  }

  /** The IAM collection of a resource path: the lowerCamel name of the service that serves its Get. */
  Optional<String> collectionOf(ResourcePath target) {
    String scope = target.global() ? "global" : target.zone() != null ? "zones" : "regions";
    return Optional.ofNullable(serviceByShape.get(scope + "/" + target.collection())).map(PermissionNames::collection);
  }

  /**
   * Every permission the fake can ask on a service's collection: each method's by the rule, the
   * collection's .use, and those RequiredPermissions asks beyond the rule (compute.networks.updatePolicy,
   * for a firewall rule's network). Empty when compute.proto has no such service.
   */
  static Set<String> all(ServiceDescriptor service) {
    Set<String> out = new TreeSet<>();
    for (MethodDescriptor method : service.getMethods()) {
      out.addAll(own(service.getName(), method.getName()));
    }
    out.add("compute." + collection(service.getName()) + ".use");
    if (service.getName().equals("Networks")) {
      out.add("compute.networks.updatePolicy");
    }
    return out;
  }

  /** /compute/v1/projects/{project}/(global|regions/{region}|zones/{zone})/C/{name} → "global/C", "regions/C", "zones/C". */
  private static Optional<String> shape(PathTemplate template) {
    List<PathTemplate.Segment> s = template.segments();
    if (s.size() == 7 && "global".equals(s.get(4).literal()) && s.get(5).literal() != null && s.get(6).wildcard()) {
      return Optional.of("global/" + s.get(5).literal());
    }
    if (s.size() == 8 && s.get(4).literal() != null && s.get(5).wildcard() && s.get(6).literal() != null && s.get(7).wildcard()
        && (s.get(4).literal().equals("regions") || s.get(4).literal().equals("zones"))) {
      return Optional.of(s.get(4).literal() + "/" + s.get(6).literal());
    }
    return Optional.empty();
  }
}
