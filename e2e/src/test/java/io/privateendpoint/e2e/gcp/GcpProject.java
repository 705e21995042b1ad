package io.privateendpoint.e2e.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.ClientSettings;
import com.google.cloud.compute.v1.AliasIpRange;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.ForwardingRulesClient;
import com.google.cloud.compute.v1.ForwardingRulesSettings;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.NetworkEndpointWithHealthStatus;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.NetworksSettings;
import com.google.cloud.compute.v1.RegionBackendServicesClient;
import com.google.cloud.compute.v1.RegionBackendServicesSettings;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsClient;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsDetachEndpointsRequest;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsSettings;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentsClient;
import com.google.cloud.compute.v1.ServiceAttachmentsSettings;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import com.google.cloud.compute.v1.SubnetworksSettings;
import com.google.protobuf.Message;
import io.privateendpoint.e2e.support.LocalCompute;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * A project in the Compute fake, seen through the real google-cloud-compute clients, as a person
 * with a console would: the seeded network, broker subnetwork and node instances, and reads of
 * what the operator made.
 */
public final class GcpProject {

  static final String REGION = "us-west1";
  static final String NETWORK = "kafka-vpc";
  static final String SUBNET = "brokers";

  final String project;
  final String network;
  final String subnet;
  final ComputeFake fake = LocalCompute.get();
  final NetworksClient networks = client(() -> NetworksClient.create(settings(NetworksSettings.newBuilder())));
  final SubnetworksClient subnetworks = client(() -> SubnetworksClient.create(settings(SubnetworksSettings.newBuilder())));
  final InstancesClient instances = client(() -> InstancesClient.create(settings(InstancesSettings.newBuilder())));
  final RegionNetworkEndpointGroupsClient negs =
      client(() -> RegionNetworkEndpointGroupsClient.create(settings(RegionNetworkEndpointGroupsSettings.newBuilder())));
  final RegionBackendServicesClient backendServices =
      client(() -> RegionBackendServicesClient.create(settings(RegionBackendServicesSettings.newBuilder())));
  final ForwardingRulesClient forwardingRules = client(() -> ForwardingRulesClient.create(settings(ForwardingRulesSettings.newBuilder())));
  final ServiceAttachmentsClient attachments =
      client(() -> ServiceAttachmentsClient.create(settings(ServiceAttachmentsSettings.newBuilder())));
  final FirewallsClient firewalls = client(() -> FirewallsClient.create(settings(FirewallsSettings.newBuilder())));

  /** Network kafka-vpc and the brokers' subnetwork "brokers" (10.60.0.0/20) in us-west1 of {@code project}. */
  public GcpProject(String project) {
    this(project, NETWORK, SUBNET);
  }

  /** A network and the brokers' subnetwork 10.60.0.0/20 (pods: 10.61.0.0/16) in us-west1 of {@code project}. */
  public GcpProject(String project, String network, String subnet) {
    this.project = project;
    this.network = network;
    this.subnet = subnet;
    try {
      networks.insertAsync(project, Network.newBuilder().setName(network).setAutoCreateSubnetworks(false).build()).get();
      // VPC-native GKE: node IPs from the primary range, pod IPs from the "pods" secondary range.
      subnetworks.insertAsync(project, REGION, Subnetwork.newBuilder().setName(subnet).setIpCidrRange("10.60.0.0/20")
          .addSecondaryIpRanges(SubnetworkSecondaryRange.newBuilder()
              .setRangeName("pods").setIpCidrRange("10.61.0.0/16"))
          .setNetwork(networkUrl()).build()).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot seed project " + project, e);
    }
  }

  String networkUrl() {
    return "projects/" + project + "/global/networks/" + network;
  }

  /** A GKE node VM in {@code zone}: primary IP 10.60.0.n, pod alias range 10.61.n.0/24 (VPC-native). */
  public void node(String name, String zone, int n) {
    node(name, zone, "10.60.0." + n, "10.61." + n + ".0/24");
  }

  /** A node VM with its primary IP and one alias range for its pods. */
  public void node(String name, String zone, String primaryIp, String podRange) {
    try {
      instances.insertAsync(project, zone, Instance.newBuilder().setName(name)
          .setMachineType("zones/" + zone + "/machineTypes/e2-standard-4")
          .addNetworkInterfaces(NetworkInterface.newBuilder().setNetwork(networkUrl())
              .setSubnetwork("projects/" + project + "/regions/" + REGION + "/subnetworks/" + subnet)
              .setNetworkIP(primaryIp)
              .addAliasIpRanges(AliasIpRange.newBuilder().setSubnetworkRangeName("pods").setIpCidrRange(podRange)))
          .build()).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create instance " + name, e);
    }
  }

  /** The NEG's endpoints as Compute lists them. */
  public List<NetworkEndpoint> networkEndpoints(String neg) {
    return all(negs.listNetworkEndpoints(project, REGION, neg).iterateAll()).stream()
        .map(NetworkEndpointWithHealthStatus::getNetworkEndpoint).toList();
  }

  /** client port → "instance-name ip:port" of the NEG's endpoints, as Compute lists them. */
  public Map<Integer, String> endpoints(String neg) {
    Map<Integer, String> out = new TreeMap<>();
    for (NetworkEndpointWithHealthStatus e : negs.listNetworkEndpoints(project, REGION, neg).iterateAll()) {
      NetworkEndpoint ep = e.getNetworkEndpoint();
      String instance = ep.getInstance().substring(ep.getInstance().lastIndexOf('/') + 1);
      out.put(ep.getClientDestinationPort(), instance + " " + ep.getIpAddress() + ":" + ep.getPort());
    }
    return out;
  }

  /**
   * A PSC consumer endpoint: a forwarding rule in the consumer's project targeting the service
   * attachment, as the SaaS vendor's console makes it. Returns its name.
   */
  String consumerEndpoint(String consumerProject, String name, String attachmentPath) {
    try {
      String network = "projects/" + consumerProject + "/global/networks/consumer-vpc";
      if (fake.resources("networks").stream().noneMatch(n -> ((Network) n).getSelfLink().endsWith(network))) {
        networks.insertAsync(consumerProject, Network.newBuilder().setName("consumer-vpc").setAutoCreateSubnetworks(false).build()).get();
      }
      forwardingRules.insertAsync(consumerProject, REGION, ForwardingRule.newBuilder().setName(name)
          .setTarget(attachmentPath).setNetwork(network).build()).get();
      return name;
    } catch (Exception e) {
      throw new IllegalStateException("cannot create consumer endpoint " + name, e);
    }
  }

  void deleteConsumerEndpoint(String consumerProject, String name) {
    try {
      forwardingRules.deleteAsync(consumerProject, REGION, name).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Someone detaches the endpoint of client port {@code clientPort} by hand. */
  void detach(String neg, int clientPort) {
    NetworkEndpoint endpoint = all(negs.listNetworkEndpoints(project, REGION, neg).iterateAll()).stream()
        .map(NetworkEndpointWithHealthStatus::getNetworkEndpoint).filter(e -> e.getClientDestinationPort() == clientPort)
        .findFirst().orElseThrow();
    try {
      negs.detachNetworkEndpointsAsync(project, REGION, neg,
          RegionNetworkEndpointGroupsDetachEndpointsRequest.newBuilder()
              .addNetworkEndpoints(endpoint).build()).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Resources of one collection in the fake, across projects, whose name starts with {@code prefix}. */
  <T extends Message> List<T> stored(String collection, Class<T> type, String prefix) {
    return fake.resources(collection).stream().map(type::cast)
        .filter(m -> String.valueOf(m.getField(m.getDescriptorForType().findFieldByName("name"))).startsWith(prefix))
        .sorted(Comparator.comparing(Object::toString)).toList();
  }

  public List<NetworkEndpointGroup> negs(String prefix) {
    return stored("networkEndpointGroups", NetworkEndpointGroup.class, prefix);
  }

  public List<BackendService> backendServices(String prefix) {
    return stored("backendServices", BackendService.class, prefix);
  }

  public List<ForwardingRule> forwardingRules(String prefix) {
    return stored("forwardingRules", ForwardingRule.class, prefix);
  }

  public List<ServiceAttachment> attachments(String prefix) {
    return stored("serviceAttachments", ServiceAttachment.class, prefix);
  }

  List<Firewall> firewalls(String prefix) {
    return stored("firewalls", Firewall.class, prefix);
  }

  public int networkEndpointGroupsNamed(String name) {
    return (int) negs(name).stream().filter(n -> n.getName().equals(name)).count();
  }

  public int subnetsNamed(String name) {
    return subnets(name).size();
  }

  List<Subnetwork> subnets(String name) {
    // This project's only: the fake serves every test class's project, and subnetwork names repeat.
    return stored("subnetworks", Subnetwork.class, name).stream().filter(s -> s.getName().equals(name))
        .filter(s -> s.getRegion().contains("/projects/" + project + "/")).toList();
  }

  private interface Factory<T> {
    T create() throws IOException;
  }

  private static <T> T client(Factory<T> factory) {
    try {
      return factory.create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> S settings(B builder) throws IOException {
    // The project owner's endpoint: seeding networks and VMs, consumers and out-of-band edits are not the operator's calls.
    return builder.setEndpoint(fake.ownerEndpoint()).setCredentialsProvider(NoCredentialsProvider.create()).build();
  }

  static <T> List<T> all(Iterable<T> items) {
    return StreamSupport.stream(items.spliterator(), false).toList();
  }
}
