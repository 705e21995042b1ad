package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every permission one request needs, each with the resource it is needed on (which Compute names in
 * its 403): the RPC's own permission on its resource (PermissionNames), then the {@code .use}
 * permission on every resource the request references — Google: "to reference a resource in another
 * resource you need the .use permission on it" (https://cloud.google.com/compute/docs/access/iam,
 * e.g. a NEG's network and subnetwork, a backend's NEG, a forwarding rule's backend service, network
 * and subnetwork, a service attachment's forwarding rule and NAT subnets). References are found
 * generically: every field of the request body holding a URL of a kind the fake stores
 * (References), whatever the RPC.
 *
 * <p>Explicit where Google documents otherwise (REST reference, "IAM Permissions" of each method):
 * <ul>
 *   <li>a VPC firewall rule changes its network's policy: insert, update, patch and delete need
 *       compute.networks.updatePolicy on the network, not .use (documented on firewalls.patch and
 *       firewalls.delete; taken strictly for insert and update too);
 *   <li>a port-mapping endpoint references its VM: attach (and, strictly, detach) need
 *       compute.instances.use on each endpoint's instance, and deleting a NEG needs compute.instances.use
 *       on the instances of the endpoints it still has (documented on regionNetworkEndpointGroups.delete);
 *   <li>a PSC consumer's forwarding rule targets a published service attachment, usually in another
 *       project: the producer's accept list decides, not IAM, so no .use on the attachment.
 * </ul>
 * Subnetworks.insert documents only compute.subnetworks.create; the subnet's network is a reference,
 * so the strict reading adds compute.networks.use (nothing documents compute.networks.update for it).
 * Forwarding rules' psc* permissions (pscDelete, pscSetLabels, …) authorise the same methods on PSC
 * consumer rules only; the fake asks for the plain ones, which every rule accepts.
 */
final class RequiredPermissions {

  /** One check: {@code permission} on {@code resource} (a path such as projects/p/regions/r/networkEndpointGroups/n). */
  record Need(String permission, String resource) {}

  private static final Pattern ENDPOINT_INSTANCE = Pattern.compile("resource\\.networkEndpoints\\[\\d+]\\.instance");

  private final PermissionNames names;
  private final ResourceStore store;
  private final NetworkEndpoints endpoints;

  RequiredPermissions(PermissionNames names, ResourceStore store, NetworkEndpoints endpoints) {
    this.names = names;
    this.store = store;
    this.endpoints = endpoints;
  }

  /** {@code path} is the URL below /compute/v1/. */
  List<Need> of(Route route, Message request, String path) {
    Set<Need> needs = new LinkedHashSet<>();
    Message body = route.body() != null && request.hasField(route.body()) ? (Message) request.getField(route.body()) : null;
    String target = target(route, body, path);
    for (String permission : PermissionNames.own(route.service(), route.methodName())) {
      needs.add(new Need(permission, target));
    }
    String project = Messages.string(request, "project");
    if (body != null) {
      for (References.Reference r : References.in(body, project)) {
        if (needsUse(route, r)) {
          names.use(r.target()).ifPresent(use -> needs.add(new Need(use, r.target().path())));
        }
      }
    }
    needs.addAll(documented(route, body, path, project));
    return new ArrayList<>(needs);
  }

  /** The resource the RPC acts on: the new one for Insert, the project for lists, the NEG for its endpoint methods. */
  private static String target(Route route, Message body, String path) {
    String method = route.methodName();
    if (method.equals("Insert") && body != null) {
      return ResourcePath.inCollection(path, Messages.string(body, "name")).map(ResourcePath::path).orElse(path);
    }
    if (method.equals("List") || method.equals("AggregatedList")) {
      return path.startsWith("projects/") ? String.join("/", List.of(path.split("/")).subList(0, 2)) : path;
    }
    // A custom method's URL ends in its own literal (…/networkEndpointGroups/n/attachNetworkEndpoints, …/setLabels).
    List<PathTemplate.Segment> segments = route.template().segments();
    if (!segments.get(segments.size() - 1).wildcard() && path.contains("/")) {
      return path.substring(0, path.lastIndexOf('/'));
    }
    return path;
  }

  private List<Need> documented(Route route, Message body, String path, String project) {
    List<Need> needs = new ArrayList<>();
    String rpc = route.rpc();
    if (route.service().equals("Firewalls") && route.mutating()) {
      network(route, body, path, project).ifPresent(n -> needs.add(new Need("compute.networks.updatePolicy", n)));
    }
    if (rpc.equals("RegionNetworkEndpointGroups.AttachNetworkEndpoints") || rpc.equals("RegionNetworkEndpointGroups.DetachNetworkEndpoints")) {
      ResourcePath group = ResourcePath.ofPath(target(route, body, path));
      for (NetworkEndpoint e : body == null ? List.<NetworkEndpoint>of() : endpointsOf(body)) {
        if (!e.getInstance().isEmpty()) {
          needs.add(new Need("compute.instances.use", endpoints.instanceNamed(group, e.getInstance())));
        }
      }
    }
    if (rpc.equals("RegionNetworkEndpointGroups.Delete") && ResourcePath.parse(path, null).isPresent()) {
      for (NetworkEndpoint e : endpoints.list(ResourcePath.ofPath(path))) {
        needs.add(new Need("compute.instances.use", ResourcePath.parse(e.getInstance(), project).map(ResourcePath::path).orElse(e.getInstance())));
      }
    }
    return needs;
  }

  /** The firewall's network: the body's (insert, update, a patch that names it), else the stored rule's, else "default". */
  private Optional<String> network(Route route, Message body, String path, String project) {
    String given = body == null ? "" : Messages.string(body, "network");
    if (given.isEmpty() && !route.methodName().equals("Insert")) {
      given = ResourcePath.parse(path, null).flatMap(store::get).map(m -> ((Firewall) m).getNetwork()).orElse("");
      if (given.isEmpty()) {
        return Optional.empty(); // no such rule: the call answers 404
      }
    }
    if (given.isEmpty()) {
      given = "projects/" + project + "/global/networks/default";
    }
    String network = given;
    return Optional.of(ResourcePath.parse(network, project).map(ResourcePath::path).orElse(network));
  }

  /** Whether a reference of the body needs its .use: a kind the fake stores, unless documented() handles it otherwise. */
  private static boolean needsUse(Route route, References.Reference r) {
    if (!References.CHECKED.contains(r.target().collection())) {
      return false; // machine types, zones, images: kinds the fake does not hold
    }
    if (ENDPOINT_INSTANCE.matcher(r.field()).matches()) {
      return false; // documented(): resolved there, a bare instance name included
    }
    if (route.service().equals("Firewalls") && r.field().equals("resource.network")) {
      return false; // compute.networks.updatePolicy instead, in documented()
    }
    // A PSC consumer's endpoint: the producer's accept list admits it, not IAM.
    return !(route.service().equals("ForwardingRules") && r.field().equals("resource.target")
        && r.target().collection().equals("serviceAttachments"));
  }

  @SuppressWarnings("unchecked")
  private static List<NetworkEndpoint> endpointsOf(Message body) {
    return (List<NetworkEndpoint>) body.getField(body.getDescriptorForType().findFieldByName("network_endpoints"));
  }
}
