package io.privateendpoint.e2e.support.compute;

import com.google.cloud.compute.v1.AliasIpRange;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.NetworkInterface;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The endpoints of regional GCE_VM_IP_PORTMAP network endpoint groups, which Compute keeps apart from
 * the NEG resource (only its size shows). A port-mapping endpoint is instance + port +
 * clientDestinationPort, all required; a client port maps to one endpoint only; the instance must
 * exist in a zone of the NEG's region with an interface on the NEG's network; an IP, if given, must be
 * that interface's primary IP or inside one of its alias ranges (VPC-native pod IPs are alias IPs),
 * and when none is given Compute records the primary IP. Other NEG types are not implemented.
 *
 * <p>Uniqueness. Google says the client destination port "acts as a unique identifier of the packet's
 * intended destination VM and port" (https://cloud.google.com/vpc/docs/about-private-service-connect-port-mapping)
 * and shows one client port per (VM, service port) — 1001→vm-1:1000, 1002→vm-1:2000, 1003→vm-2:1000,
 * 1004→vm-2:2000 — and https://cloud.google.com/vpc/docs/create-port-mapping-service adds each endpoint
 * as instance + port + client-destination-port, but neither says whether two client ports may map to one
 * VM port. The strict reading is enforced: a client port maps
 * to one endpoint, and a (instance, VM port) is reached from one client port only — within one attach
 * and against what is attached. The IP is not part of the key (the strict reading: an alias IP does not
 * make another VM port).
 */
final class NetworkEndpoints {

  static final String PORTMAP = "GCE_VM_IP_PORTMAP";

  private final ResourceStore store;
  private final Map<String, List<NetworkEndpoint>> byGroup = new LinkedHashMap<>();

  NetworkEndpoints(ResourceStore store) {
    this.store = store;
  }

  List<NetworkEndpoint> list(ResourcePath group) {
    return List.copyOf(byGroup.getOrDefault(group.path(), List.of()));
  }

  void attach(String rpc, ResourcePath groupPath, List<NetworkEndpoint> endpoints) {
    NetworkEndpointGroup group = portMapGroup(rpc, groupPath);
    if (endpoints.isEmpty()) {
      throw ComputeError.required("resource.networkEndpoints");
    }
    List<NetworkEndpoint> attached = new ArrayList<>(list(groupPath));
    for (int i = 0; i < endpoints.size(); i++) {
      String at = "resource.networkEndpoints[" + i + "]";
      NetworkEndpoint endpoint = validated(at, groupPath, group, endpoints.get(i));
      for (NetworkEndpoint other : attached) {
        if (other.getClientDestinationPort() == endpoint.getClientDestinationPort()) {
          throw ComputeError.invalidField(at + ".clientDestinationPort", endpoint.getClientDestinationPort(),
              "Client destination port is already mapped to " + other.getInstance() + " port " + other.getPort()
                  + " in network endpoint group " + groupPath.path() + ".");
        }
        if (other.getInstance().equals(endpoint.getInstance()) && other.getPort() == endpoint.getPort()) {
          throw ComputeError.invalidField(at, Messages.json(endpoints.get(i)), "Instance " + endpoint.getInstance() + " port "
              + endpoint.getPort() + " is already mapped from client destination port " + other.getClientDestinationPort()
              + " in network endpoint group " + groupPath.path() + "; a port mapping NEG maps each instance and port from one"
              + " client destination port only.");
        }
      }
      attached.add(endpoint);
    }
    byGroup.put(groupPath.path(), attached);
    resize(groupPath, group, attached.size());
  }

  void detach(String rpc, ResourcePath groupPath, List<NetworkEndpoint> endpoints) {
    NetworkEndpointGroup group = portMapGroup(rpc, groupPath);
    if (endpoints.isEmpty()) {
      throw ComputeError.required("resource.networkEndpoints");
    }
    List<NetworkEndpoint> attached = new ArrayList<>(list(groupPath));
    for (int i = 0; i < endpoints.size(); i++) {
      NetworkEndpoint wanted = endpoints.get(i);
      List<NetworkEndpoint> matching = attached.stream().filter(a -> matches(groupPath, wanted, a)).toList();
      if (matching.size() != 1) {
        throw ComputeError.invalidField("resource.networkEndpoints[" + i + "]", Messages.json(wanted),
            matching.isEmpty() ? "The network endpoint is not attached to network endpoint group " + groupPath.path() + "."
                : "The network endpoint matches " + matching.size() + " endpoints; give instance, port and clientDestinationPort.");
      }
      attached.remove(matching.get(0));
    }
    byGroup.put(groupPath.path(), attached);
    resize(groupPath, group, attached.size());
  }

  void forget(ResourcePath groupPath) {
    byGroup.remove(groupPath.path());
  }

  /** A NEG with an endpoint on this instance, if any: the instance is in use. */
  Optional<ResourcePath> groupUsing(ResourcePath instance) {
    for (Map.Entry<String, List<NetworkEndpoint>> e : byGroup.entrySet()) {
      for (NetworkEndpoint endpoint : e.getValue()) {
        if (ResourcePath.parse(endpoint.getInstance(), null).equals(Optional.of(instance))) {
          return Optional.of(ResourcePath.ofPath(e.getKey()));
        }
      }
    }
    return Optional.empty();
  }

  private NetworkEndpointGroup portMapGroup(String rpc, ResourcePath groupPath) {
    NetworkEndpointGroup group = (NetworkEndpointGroup) store.require(groupPath);
    if (!group.getNetworkEndpointType().equals(PORTMAP)) {
      throw ComputeError.notImplemented(rpc, "endpoints of " + group.getNetworkEndpointType() + " network endpoint groups");
    }
    return group;
  }

  private void resize(ResourcePath groupPath, NetworkEndpointGroup group, int size) {
    store.put(groupPath, group.toBuilder().setSize(size).build());
  }

  private NetworkEndpoint validated(String at, ResourcePath groupPath, NetworkEndpointGroup group, NetworkEndpoint endpoint) {
    if (endpoint.getInstance().isEmpty()) {
      throw ComputeError.required(at + ".instance");
    }
    requirePort(at + ".port", endpoint.hasPort(), endpoint.getPort());
    requirePort(at + ".clientDestinationPort", endpoint.hasClientDestinationPort(), endpoint.getClientDestinationPort());
    if (!endpoint.getFqdn().isEmpty() || !endpoint.getIpv6Address().isEmpty()) {
      throw ComputeError.invalid("Invalid value for field '" + at + "': " + PORTMAP + " endpoints take no fqdn or ipv6Address.");
    }
    ResourcePath instancePath = instance(at + ".instance", groupPath, endpoint.getInstance());
    Instance instance = (Instance) store.require(instancePath);
    NetworkInterface nic = nicOnNetwork(instance, group, groupPath)
        .orElseThrow(() -> ComputeError.invalidField(at + ".instance", endpoint.getInstance(),
            "The instance has no network interface in network " + group.getNetwork() + "."));
    NetworkEndpoint.Builder out = endpoint.toBuilder().setInstance(instancePath.selfLink());
    if (endpoint.getIpAddress().isEmpty()) {
      out.setIpAddress(nic.getNetworkIP());
    } else if (!ipOf(nic, endpoint.getIpAddress())) {
      throw ComputeError.invalidField(at + ".ipAddress", endpoint.getIpAddress(), "The IP address is neither the primary IP "
          + nic.getNetworkIP() + " nor in an alias IP range " + nic.getAliasIpRangesList().stream().map(AliasIpRange::getIpCidrRange).toList()
          + " of instance " + instancePath.path() + ".");
    }
    return out.build();
  }

  private static void requirePort(String field, boolean present, int port) {
    if (!present) {
      throw ComputeError.required(field);
    }
    if (port < 1 || port > 65535) {
      throw ComputeError.invalidField(field, port, "Must be between 1 and 65535.");
    }
  }

  /**
   * The path of the instance an endpoint names, for a permission's message: as {@link #instance} resolves
   * it when it can, else the reference as given (the call then fails on its own, after the check).
   */
  String instanceNamed(ResourcePath groupPath, String reference) {
    try {
      return instance("instance", groupPath, reference).path();
    } catch (ComputeError unresolved) {
      return ResourcePath.parse(reference, groupPath.project()).map(ResourcePath::path).orElse(reference);
    }
  }

  /** A URL or zones/Z/instances/N names the instance; a bare name is looked up in the NEG region's zones. */
  private ResourcePath instance(String field, ResourcePath groupPath, String reference) {
    Optional<ResourcePath> parsed = ResourcePath.parse(reference, groupPath.project());
    if (parsed.isEmpty() && !reference.contains("/")) {
      List<ResourcePath> named = store.all("instances").stream().map(ResourceStore.Stored::path)
          .filter(p -> p.project().equals(groupPath.project()) && groupPath.region().equals(p.region()) && p.name().equals(reference))
          .toList();
      if (named.size() > 1) {
        throw ComputeError.invalidField(field, reference, "Instances of that name exist in several zones " + named + "; give its URL.");
      }
      if (named.isEmpty()) {
        throw ComputeError.notFound("projects/" + groupPath.project() + "/zones/*/instances/" + reference);
      }
      return named.get(0);
    }
    ResourcePath path = parsed.filter(p -> p.collection().equals("instances") && p.zone() != null)
        .orElseThrow(() -> ComputeError.invalidField(field, reference, "The URL is malformed."));
    if (!store.contains(path)) {
      throw ComputeError.notFound(path.path());
    }
    if (!groupPath.region().equals(path.region())) {
      throw ComputeError.invalidField(field, reference, "The instance must be in a zone of region " + groupPath.region() + ".");
    }
    return path;
  }

  private static Optional<NetworkInterface> nicOnNetwork(Instance instance, NetworkEndpointGroup group, ResourcePath groupPath) {
    if (group.getNetwork().isEmpty()) {
      return instance.getNetworkInterfacesList().stream().findFirst();
    }
    Optional<ResourcePath> network = ResourcePath.parse(group.getNetwork(), groupPath.project());
    return instance.getNetworkInterfacesList().stream()
        .filter(n -> ResourcePath.parse(n.getNetwork(), groupPath.project()).equals(network)).findFirst();
  }

  private static boolean ipOf(NetworkInterface nic, String ip) {
    if (ip.equals(nic.getNetworkIP())) {
      return true;
    }
    Optional<Cidr> address = Cidr.parse(ip).filter(c -> !ip.contains("/"));
    return address.isPresent() && nic.getAliasIpRangesList().stream()
        .anyMatch(r -> Cidr.parse(r.getIpCidrRange()).map(c -> c.contains(address.get())).orElse(false));
  }

  private static boolean matches(ResourcePath groupPath, NetworkEndpoint wanted, NetworkEndpoint attached) {
    if (!wanted.getInstance().isEmpty()) {
      Optional<ResourcePath> w = ResourcePath.parse(wanted.getInstance(), groupPath.project());
      boolean same = w.isPresent() ? w.equals(ResourcePath.parse(attached.getInstance(), null))
          : attached.getInstance().endsWith("/instances/" + wanted.getInstance());
      if (!same) {
        return false;
      }
    }
    return (!wanted.hasPort() || wanted.getPort() == attached.getPort())
        && (!wanted.hasClientDestinationPort() || wanted.getClientDestinationPort() == attached.getClientDestinationPort())
        && (wanted.getIpAddress().isEmpty() || wanted.getIpAddress().equals(attached.getIpAddress()))
        && (wanted.hasPort() || wanted.hasClientDestinationPort() || !wanted.getInstance().isEmpty());
  }
}
