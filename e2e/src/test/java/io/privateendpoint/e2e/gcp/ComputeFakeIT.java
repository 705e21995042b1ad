package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.FailedPreconditionException;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.UnavailableException;
import com.google.api.gax.rpc.UnimplementedException;
import com.google.cloud.compute.v1.AliasIpRange;
import com.google.cloud.compute.v1.Allowed;
import com.google.cloud.compute.v1.Backend;
import com.google.cloud.compute.v1.BackendService;
import com.google.cloud.compute.v1.Firewall;
import com.google.cloud.compute.v1.FirewallsClient;
import com.google.cloud.compute.v1.FirewallsSettings;
import com.google.cloud.compute.v1.ForwardingRule;
import com.google.cloud.compute.v1.ForwardingRulesClient;
import com.google.cloud.compute.v1.ForwardingRulesSettings;
import com.google.cloud.compute.v1.GlobalOperationsClient;
import com.google.cloud.compute.v1.GlobalOperationsSettings;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.ListForwardingRulesRequest;
import com.google.cloud.compute.v1.ListSubnetworksRequest;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworkEndpoint;
import com.google.cloud.compute.v1.NetworkEndpointGroup;
import com.google.cloud.compute.v1.NetworkEndpointWithHealthStatus;
import com.google.cloud.compute.v1.NetworkInterface;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.NetworksSettings;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionBackendServicesClient;
import com.google.cloud.compute.v1.RegionBackendServicesSettings;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsAttachEndpointsRequest;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsClient;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsDetachEndpointsRequest;
import com.google.cloud.compute.v1.RegionNetworkEndpointGroupsSettings;
import com.google.cloud.compute.v1.RegionOperationsClient;
import com.google.cloud.compute.v1.RegionOperationsSettings;
import com.google.cloud.compute.v1.RegionSetLabelsRequest;
import com.google.cloud.compute.v1.ServiceAttachment;
import com.google.cloud.compute.v1.ServiceAttachmentConnectedEndpoint;
import com.google.cloud.compute.v1.ServiceAttachmentConsumerProjectLimit;
import com.google.cloud.compute.v1.ServiceAttachmentsClient;
import com.google.cloud.compute.v1.ServiceAttachmentsSettings;
import com.google.cloud.compute.v1.Subnetwork;
import com.google.cloud.compute.v1.SubnetworkSecondaryRange;
import com.google.cloud.compute.v1.SubnetworksClient;
import com.google.cloud.compute.v1.SubnetworksSettings;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import com.google.gson.JsonParser;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.e2e.support.compute.IamRole;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Compute fake seen only through the real google-cloud-compute clients (and raw HTTP where the
 * client cannot send what is being checked): the whole PSC chain of the operator, the constraints
 * Compute enforces, its errors, operations, consumers, IAM (the shipped role against the operator's
 * calls, Compute's 403) and the test hooks. Each test has its own fake; the IAM tests start theirs
 * with a role, seeding through the owner's endpoint. Note gax maps HTTP 409 to AbortedException, not AlreadyExistsException, and puts Compute's
 * error body in the cause (an HttpResponseException), the exception's own message being the HTTP
 * reason ("Bad Request").
 */
@Timeout(60) // an operation that never becomes DONE would have the client poll for minutes
class ComputeFakeIT {

  static final String P = "kafka-producer";
  static final String REGION = "us-west1";
  static final List<String> ZONES = List.of("us-west1-a", "us-west1-b", "us-west1-c");
  static final String API = "https://www.googleapis.com/compute/v1/";

  static final String NETWORK = "projects/" + P + "/global/networks/kafka-vpc";
  static final String BROKERS = "projects/" + P + "/regions/" + REGION + "/subnetworks/brokers";
  static final String NAT = "projects/" + P + "/regions/" + REGION + "/subnetworks/psc-nat";
  static final String NEG = "projects/" + P + "/regions/" + REGION + "/networkEndpointGroups/kafka-neg";
  static final String BACKEND = "projects/" + P + "/regions/" + REGION + "/backendServices/kafka-bs";
  static final String RULE = "projects/" + P + "/regions/" + REGION + "/forwardingRules/kafka-fr";
  static final String ATTACHMENT = "projects/" + P + "/regions/" + REGION + "/serviceAttachments/kafka-sa";
  static final String FIREWALL = "projects/" + P + "/global/firewalls/kafka-allow-psc";

  ComputeFake fake;
  NetworksClient networks;
  SubnetworksClient subnetworks;
  InstancesClient instances;
  RegionNetworkEndpointGroupsClient negs;
  RegionBackendServicesClient backendServices;
  ForwardingRulesClient forwardingRules;
  ServiceAttachmentsClient attachments;
  FirewallsClient firewalls;
  RegionOperationsClient regionOperations;
  GlobalOperationsClient globalOperations;
  ZoneOperationsClient zoneOperations;
  final List<AutoCloseable> clients = new ArrayList<>();
  final List<ComputeFake> otherFakes = new ArrayList<>();

  @BeforeAll
  static void clientCanRun() {
    try {
      Class.forName("io.grpc.Context");
    } catch (ClassNotFoundException e) {
      fail("google-http-client (under gax-httpjson) traces every request with OpenCensus, which needs io.grpc.Context"
          + " from io.grpc:grpc-api; the root pom's io.grpc:* exclusion on google-cloud-compute removes it, so every"
          + " real Compute call fails with NoClassDefFoundError. Add io.grpc:grpc-api back.");
    }
  }

  @BeforeEach
  void start() throws IOException {
    fake = ComputeFake.start();
    networks = client(NetworksClient.create(settings(NetworksSettings.newBuilder())));
    subnetworks = client(SubnetworksClient.create(settings(SubnetworksSettings.newBuilder())));
    instances = client(InstancesClient.create(settings(InstancesSettings.newBuilder())));
    negs = client(RegionNetworkEndpointGroupsClient.create(settings(RegionNetworkEndpointGroupsSettings.newBuilder())));
    backendServices = client(RegionBackendServicesClient.create(settings(RegionBackendServicesSettings.newBuilder())));
    forwardingRules = client(ForwardingRulesClient.create(settings(ForwardingRulesSettings.newBuilder())));
    attachments = client(ServiceAttachmentsClient.create(settings(ServiceAttachmentsSettings.newBuilder())));
    firewalls = client(FirewallsClient.create(settings(FirewallsSettings.newBuilder())));
    regionOperations = client(RegionOperationsClient.create(settings(RegionOperationsSettings.newBuilder())));
    globalOperations = client(GlobalOperationsClient.create(settings(GlobalOperationsSettings.newBuilder())));
    zoneOperations = client(ZoneOperationsClient.create(settings(ZoneOperationsSettings.newBuilder())));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : clients) {
      c.close();
    }
    fake.close();
    otherFakes.forEach(ComputeFake::close);
  }

  @Test
  void thePscChainReadsBackWithWhatComputeFillsIn() throws Exception {
    buildChain();

    Network network = networks.get(P, "kafka-vpc");
    assertThat(network.getSelfLink()).isEqualTo(API + NETWORK);
    assertThat(network.getKind()).isEqualTo("compute#network");
    assertThat(network.getSubnetworksList()).containsExactlyInAnyOrder(API + BROKERS, API + NAT);

    Subnetwork brokers = subnetworks.get(P, REGION, "brokers");
    assertThat(brokers.getNetwork()).as("a partial URL is answered as a full one").isEqualTo(API + NETWORK);
    assertThat(brokers.getRegion()).isEqualTo(API + "projects/" + P + "/regions/" + REGION);
    assertThat(brokers.getGatewayAddress()).isEqualTo("10.60.0.1");
    assertThat(brokers.getPurpose()).isEqualTo("PRIVATE");
    assertThat(brokers.getId()).isPositive();
    assertThat(brokers.getFingerprint()).isNotEmpty();
    assertThat(subnetworks.get(P, REGION, "psc-nat").getPurpose()).isEqualTo("PRIVATE_SERVICE_CONNECT");

    Instance node2 = instances.get(P, ZONES.get(1), "gke-node-2");
    assertThat(node2.getZone()).isEqualTo(API + "projects/" + P + "/zones/" + ZONES.get(1));
    assertThat(node2.getStatus()).isEqualTo("RUNNING");
    NetworkInterface nic = node2.getNetworkInterfaces(0);
    assertThat(nic.getName()).isEqualTo("nic0");
    assertThat(nic.getNetwork()).isEqualTo(API + NETWORK);
    assertThat(nic.getSubnetwork()).isEqualTo(API + BROKERS);
    assertThat(nic.getNetworkIP()).isEqualTo("10.60.0.12");
    assertThat(nic.getAliasIpRanges(0).getIpCidrRange()).isEqualTo("10.64.2.0/24");

    NetworkEndpointGroup neg = negs.get(P, REGION, "kafka-neg");
    assertThat(neg.getNetworkEndpointType()).isEqualTo("GCE_VM_IP_PORTMAP");
    assertThat(neg.getKind()).isEqualTo("compute#networkEndpointGroup");
    assertThat(neg.getSize()).isEqualTo(3);
    assertThat(endpoints()).containsExactly(
        Map.entry(30001, API + "projects/" + P + "/zones/us-west1-a/instances/gke-node-1 10.64.1.10:9092"),
        Map.entry(30002, API + "projects/" + P + "/zones/us-west1-b/instances/gke-node-2 10.64.2.10:9092"),
        Map.entry(30003, API + "projects/" + P + "/zones/us-west1-c/instances/gke-node-3 10.64.3.10:9092"));

    BackendService service = backendServices.get(P, REGION, "kafka-bs");
    assertThat(service.getBackendsList()).singleElement().satisfies(b -> {
      assertThat(b.getGroup()).isEqualTo(API + NEG);
      assertThat(b.getBalancingMode()).isEqualTo("CONNECTION");
    });
    assertThat(service.getLoadBalancingScheme()).isEqualTo("INTERNAL");

    ForwardingRule rule = forwardingRules.get(P, REGION, "kafka-fr");
    assertThat(rule.getAllPorts()).isTrue();
    assertThat(rule.getIPProtocol()).isEqualTo("TCP");
    assertThat(rule.getBackendService()).isEqualTo(API + BACKEND);
    assertThat(rule.getIPAddress()).as("an internal rule gets an address of its subnetwork").isEqualTo("10.60.0.2");
    assertThat(rule.getLabelsMap()).containsExactly(Map.entry("owner", "kpe"));
    assertThat(rule.getLabelFingerprint()).isNotEmpty();

    ServiceAttachment attachment = attachments.get(P, REGION, "kafka-sa");
    assertThat(attachment.getTargetService()).isEqualTo(API + RULE);
    assertThat(attachment.getNatSubnetsList()).containsExactly(API + NAT);
    assertThat(attachment.getConnectionPreference()).isEqualTo("ACCEPT_MANUAL");
    assertThat(attachment.getConsumerAcceptListsList()).extracting(ServiceAttachmentConsumerProjectLimit::getProjectIdOrNum)
        .containsExactly("consumer-a");
    assertThat(attachment.getPscServiceAttachmentId().getLow()).isPositive();
    assertThat(attachment.getConnectedEndpointsList()).isEmpty();

    Firewall firewall = firewalls.get(P, "kafka-allow-psc");
    assertThat(firewall.getAllowedList()).singleElement().satisfies(a -> {
      assertThat(a.getIPProtocol()).isEqualTo("tcp");
      assertThat(a.getPortsList()).containsExactly("9092", "30001-30003");
    });
    assertThat(firewall.getSourceRangesList()).containsExactly("10.128.0.0/24");
    assertThat(firewall.getDirection()).isEqualTo("INGRESS");
    assertThat(firewall.getPriority()).as("Compute's default").isEqualTo(1000);

    assertThat(fake.resources("serviceAttachments")).singleElement().isInstanceOf(ServiceAttachment.class)
        .extracting(m -> ((ServiceAttachment) m).getSelfLink()).isEqualTo(API + ATTACHMENT);
    assertThat(fake.resources("networkEndpointGroups")).singleElement().isEqualTo(neg);
    assertThat(fake.totalResources()).as("network, 2 subnets, 3 VMs, NEG, backend service, rule, attachment, firewall")
        .isEqualTo(11);
  }

  @Test
  void insertAsyncCompletesOnTheFirstAnswerAndTheOperationsServicesKnowTheOperation() throws Exception {
    int mark = fake.mark();
    Operation op = networks.insertAsync(P, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get();
    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(op.getProgress()).isEqualTo(100);
    assertThat(op.getOperationType()).isEqualTo("insert");
    assertThat(op.getTargetLink()).isEqualTo(API + NETWORK);
    assertThat(op.getTargetId()).isEqualTo(networks.get(P, "kafka-vpc").getId());
    assertThat(op.getSelfLink()).isEqualTo(API + "projects/" + P + "/global/operations/" + op.getName());
    assertThat(fake.callsSince(mark)).extracting(ComputeFake.Call::rpc)
        .as("a DONE operation is not polled").containsExactly("Networks.Insert", "Networks.Get");
    assertThat(globalOperations.get(P, op.getName())).isEqualTo(op);
    assertThat(globalOperations.wait(P, op.getName()).getStatus()).isEqualTo(Operation.Status.DONE);

    Operation subnet = subnetworks.insertAsync(P, REGION, Subnetwork.newBuilder().setName("brokers").setNetwork(NETWORK)
        .setIpCidrRange("10.60.0.0/20").build()).get();
    assertThat(regionOperations.get(P, REGION, subnet.getName()).getRegion()).isEqualTo(API + "projects/" + P + "/regions/" + REGION);
    assertThat(regionOperations.wait(P, REGION, subnet.getName()).getTargetLink()).isEqualTo(API + BROKERS);

    Operation vm = instances.insertAsync(P, ZONES.get(0), node(1, ZONES.get(0))).get();
    assertThat(zoneOperations.get(P, ZONES.get(0), vm.getName()).getZone()).isEqualTo(API + "projects/" + P + "/zones/" + ZONES.get(0));
    assertThat(vm.getOperationType()).isEqualTo("insert");

    assertThatThrownBy(() -> regionOperations.get(P, REGION, "operation-that-never-was")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void missingResourcesAre404AndTakenNames409() throws Exception {
    ApiException missing = failure(() -> networks.get(P, "nope"));
    assertThat(missing).isInstanceOf(NotFoundException.class);
    assertThat(computeError(missing)).contains("\"reason\":\"notFound\"")
        .contains("The resource 'projects/" + P + "/global/networks/nope' was not found");
    assertThat(failure(() -> networks.deleteAsync(P, "nope").get())).isInstanceOf(NotFoundException.class);

    network();
    ApiException taken = failure(() -> networks.insertAsync(P, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get());
    assertThat(taken).as("gax maps HTTP 409 to ABORTED").isInstanceOf(AbortedException.class);
    assertThat(taken.getStatusCode().getCode().getHttpStatusCode()).isEqualTo(409);
    assertThat(computeError(taken)).contains("\"code\":409").contains("\"reason\":\"alreadyExists\"")
        .contains("The resource '" + NETWORK + "' already exists");
  }

  @Test
  void resourcesInUseCannotBeDeleted() throws Exception {
    buildChain();
    assertInUse(() -> negs.deleteAsync(P, REGION, "kafka-neg").get(), NEG, BACKEND);
    assertInUse(() -> backendServices.deleteAsync(P, REGION, "kafka-bs").get(), BACKEND, RULE);
    assertInUse(() -> forwardingRules.deleteAsync(P, REGION, "kafka-fr").get(), RULE, ATTACHMENT);
    assertInUse(() -> subnetworks.deleteAsync(P, REGION, "psc-nat").get(), NAT, ATTACHMENT);
    assertInUse(() -> instances.deleteAsync(P, ZONES.get(0), "gke-node-1").get(), "projects/" + P + "/zones/us-west1-a/instances/gke-node-1", NEG);
    ApiException network = failure(() -> networks.deleteAsync(P, "kafka-vpc").get());
    assertThat(network).isInstanceOf(InvalidArgumentException.class);
    assertThat(computeError(network)).contains("resourceInUseByAnotherResource").contains("'" + NETWORK + "' is already being used by");
    assertThat(fake.totalResources()).as("nothing was deleted").isEqualTo(11);

    firewalls.deleteAsync(P, "kafka-allow-psc").get();
    attachments.deleteAsync(P, REGION, "kafka-sa").get();
    subnetworks.deleteAsync(P, REGION, "psc-nat").get();
    assertThat(fake.resources("subnetworks")).hasSize(1);
  }

  @Test
  void insertsNamingMissingResourcesFail() throws Exception {
    network();
    brokersSubnet();
    assertMissing(() -> subnetworks.insertAsync(P, REGION, Subnetwork.newBuilder().setName("s2").setIpCidrRange("10.90.0.0/24")
        .setNetwork("projects/" + P + "/global/networks/absent").build()).get(), "projects/" + P + "/global/networks/absent");
    assertMissing(() -> negs.insertAsync(P, REGION, NetworkEndpointGroup.newBuilder().setName("n2")
        .setNetworkEndpointType("GCE_VM_IP_PORTMAP").setNetwork("global/networks/absent").build()).get(),
        "projects/" + P + "/global/networks/absent");
    assertMissing(() -> negs.insertAsync(P, REGION, NetworkEndpointGroup.newBuilder().setName("n2")
        .setNetworkEndpointType("GCE_VM_IP_PORTMAP").setNetwork(NETWORK).setSubnetwork(NAT).build()).get(), NAT);
    assertMissing(() -> backendServices.insertAsync(P, REGION, backendService("bs2", NEG)).get(), NEG);
    String healthCheck = "projects/" + P + "/regions/" + REGION + "/healthChecks/absent";
    assertMissing(() -> backendServices.insertAsync(P, REGION, BackendService.newBuilder().setName("bs2")
        .setLoadBalancingScheme("INTERNAL").addHealthChecks(healthCheck).build()).get(), healthCheck);
    assertMissing(() -> forwardingRules.insertAsync(P, REGION, ForwardingRule.newBuilder().setName("fr2")
        .setLoadBalancingScheme("INTERNAL").setIPProtocol("TCP").setAllPorts(true).setBackendService(API + BACKEND)
        .setNetwork(NETWORK).setSubnetwork(BROKERS).build()).get(), BACKEND);
    assertMissing(() -> firewalls.insertAsync(P, firewall("fw2").toBuilder().setNetwork("global/networks/absent").build()).get(),
        "projects/" + P + "/global/networks/absent");
    assertMissing(() -> firewalls.insertAsync(P, firewall("fw2").toBuilder().clearNetwork().build()).get(),
        "projects/" + P + "/global/networks/default");

    natSubnet("psc-nat", "10.128.0.0/24");
    neg();
    backendServices.insertAsync(P, REGION, backendService("kafka-bs", NEG)).get();
    forwardingRules.insertAsync(P, REGION, producerRule("kafka-fr")).get();
    assertMissing(() -> attachments.insertAsync(P, REGION, attachment("sa2", RULE.replace("kafka-fr", "absent"), NAT)).get(),
        RULE.replace("kafka-fr", "absent"));
    assertMissing(() -> attachments.insertAsync(P, REGION, attachment("sa2", RULE, NAT.replace("psc-nat", "absent"))).get(),
        NAT.replace("psc-nat", "absent"));

    ApiException bareName = failure(() -> subnetworks.insertAsync(P, REGION, Subnetwork.newBuilder().setName("s3")
        .setIpCidrRange("10.91.0.0/24").setNetwork("kafka-vpc").build()).get());
    assertThat(bareName).isInstanceOf(InvalidArgumentException.class);
    assertThat(computeError(bareName)).contains("Invalid value for field 'resource.network': 'kafka-vpc'. The URL is malformed.");
    assertThat(fake.resources("subnetworks")).extracting(m -> ((Subnetwork) m).getName()).containsExactly("brokers", "psc-nat");
  }

  @Test
  void aPscNatSubnetServesOneAttachmentAndMustHaveThePscPurpose() throws Exception {
    buildChain();
    forwardingRules.insertAsync(P, REGION, producerRule("kafka-fr-2")).get();
    String rule2 = RULE.replace("kafka-fr", "kafka-fr-2");

    assertInvalid(() -> attachments.insertAsync(P, REGION, attachment("kafka-sa-2", rule2, NAT)).get(),
        "The PRIVATE_SERVICE_CONNECT subnetwork is already used by service attachment " + ATTACHMENT);
    assertInvalid(() -> attachments.insertAsync(P, REGION, attachment("kafka-sa-2", rule2, BROKERS)).get(),
        "must have purpose PRIVATE_SERVICE_CONNECT; " + BROKERS + " has purpose PRIVATE");
    assertInvalid(() -> attachments.insertAsync(P, REGION, attachment("kafka-sa-2", RULE, NAT.replace("psc-nat", "psc-nat-2"))).get(),
        "/subnetworks/psc-nat-2' was not found");

    assertInvalid(() -> natSubnet("psc-nat-2", "10.128.0.128/25"),
        "Invalid IPCidrRange: 10.128.0.128/25 conflicts with existing subnetwork 'psc-nat' in region 'us-west1'");
    natSubnet("psc-nat-2", "10.128.1.0/24");
    attachments.insertAsync(P, REGION, attachment("kafka-sa-2", rule2, NAT.replace("psc-nat", "psc-nat-2"))).get();
    ServiceAttachment second = attachments.get(P, REGION, "kafka-sa-2");
    assertInvalid(() -> attachments.patchAsync(P, REGION, "kafka-sa-2", ServiceAttachment.newBuilder()
        .setFingerprint(second.getFingerprint()).addNatSubnets(NAT).build()).get(),
        "already used by service attachment " + ATTACHMENT);
    assertInvalid(() -> attachments.insertAsync(P, REGION, attachment("kafka-sa-3", RULE, NAT.replace("psc-nat", "psc-nat-2"))).get(),
        "The forwarding rule is already published by service attachment " + ATTACHMENT);
    assertThat(fake.resources("serviceAttachments")).hasSize(2);
  }

  @Test
  void aForwardingRuleListsAtMostFivePortsAndAllPortsAlone() throws Exception {
    buildChain();
    ForwardingRule.Builder base = producerRule("kafka-fr-2").toBuilder().setAllPorts(false);
    assertInvalid(() -> forwardingRules.insertAsync(P, REGION, base.clone()
        .addAllPorts(List.of("9092", "9093", "9094", "9095", "9096", "9097")).build()).get(), "at most 5 ports");
    assertInvalid(() -> forwardingRules.insertAsync(P, REGION, base.clone().setAllPorts(true).addPorts("9092").build()).get(),
        "allPorts cannot be combined with ports or portRange");
    assertInvalid(() -> forwardingRules.insertAsync(P, REGION, base.clone().setAllPorts(true).setPortRange("9092-9099").build()).get(),
        "allPorts cannot be combined with ports or portRange");
    forwardingRules.insertAsync(P, REGION, base.clone().addAllPorts(List.of("9092", "9093", "9094", "9095", "9096")).build()).get();
    assertThat(forwardingRules.get(P, REGION, "kafka-fr-2").getPortsList()).hasSize(5);
  }

  @Test
  void portMappingEndpointsAreCheckedAgainstTheirInstances() throws Exception {
    buildChain();
    // Port 9093: gke-node-1's 9092 is already mapped from client port 30001, and each instance port maps from one client port.
    NetworkEndpoint good = endpoint(1, "10.64.1.11", 30004).toBuilder().setPort(9093).build();
    assertInvalid(() -> attach(good.toBuilder().clearClientDestinationPort().build()),
        "Required field 'resource.networkEndpoints[0].clientDestinationPort' not specified");
    assertInvalid(() -> attach(good.toBuilder().clearPort().build()), "Required field 'resource.networkEndpoints[0].port'");
    assertInvalid(() -> attach(good.toBuilder().clearInstance().build()), "Required field 'resource.networkEndpoints[0].instance'");
    assertInvalid(() -> attach(good.toBuilder().setClientDestinationPort(30001).build()),
        "Client destination port is already mapped to " + API + "projects/" + P + "/zones/us-west1-a/instances/gke-node-1");
    assertInvalid(() -> attach(good, good.toBuilder().setIpAddress("10.64.1.12").build()),
        "'resource.networkEndpoints[1].clientDestinationPort': '30004'");
    assertInvalid(() -> attach(good.toBuilder().setIpAddress("10.64.2.11").build()),
        "neither the primary IP 10.60.0.11 nor in an alias IP range [10.64.1.0/24]");
    ApiException absent = failure(() -> attach(good.toBuilder().setInstance("zones/us-west1-a/instances/gke-node-9").build()));
    assertThat(absent).isInstanceOf(NotFoundException.class);

    subnetworks.insertAsync(P, "us-east1", Subnetwork.newBuilder().setName("east").setNetwork(NETWORK).setIpCidrRange("10.70.0.0/20").build()).get();
    instances.insertAsync(P, "us-east1-b", Instance.newBuilder().setName("east-node")
        .addNetworkInterfaces(NetworkInterface.newBuilder().setSubnetwork("regions/us-east1/subnetworks/east")).build()).get();
    assertInvalid(() -> attach(good.toBuilder().setInstance("projects/" + P + "/zones/us-east1-b/instances/east-node").clearIpAddress().build()),
        "The instance must be in a zone of region us-west1");

    attach(good.toBuilder().setInstance("gke-node-1").setIpAddress("10.60.0.11").build(),
        endpoint(2, null, 30005).toBuilder().setPort(9093).build());
    assertThat(endpoints()).containsEntry(30004, API + "projects/" + P + "/zones/us-west1-a/instances/gke-node-1 10.60.0.11:9093")
        .as("no IP given: Compute records the primary IP").containsEntry(30005,
            API + "projects/" + P + "/zones/us-west1-b/instances/gke-node-2 10.60.0.12:9093");
    assertThat(negs.get(P, REGION, "kafka-neg").getSize()).isEqualTo(5);

    assertInvalid(() -> negs.detachNetworkEndpointsAsync(P, REGION, "kafka-neg", RegionNetworkEndpointGroupsDetachEndpointsRequest
        .newBuilder().addNetworkEndpoints(endpoint(1, "10.64.1.10", 30009)).build()).get(), "is not attached");
    negs.detachNetworkEndpointsAsync(P, REGION, "kafka-neg", RegionNetworkEndpointGroupsDetachEndpointsRequest.newBuilder()
        .addNetworkEndpoints(endpoint(1, "10.64.1.10", 30001)).build()).get();
    assertThat(endpoints()).doesNotContainKey(30001).hasSize(4);
    assertThat(negs.get(P, REGION, "kafka-neg").getSize()).isEqualTo(4);
  }

  @Test
  void firewallRulesNeedAProtocolAndIngressASource() throws Exception {
    network();
    assertInvalid(() -> firewalls.insertAsync(P, firewall("fw").toBuilder().clearSourceRanges().build()).get(),
        "An INGRESS firewall rule needs sourceRanges, sourceTags or sourceServiceAccounts");
    assertInvalid(() -> firewalls.insertAsync(P, firewall("fw").toBuilder().setAllowed(0, Allowed.newBuilder().addPorts("9092")).build()).get(),
        "Required field 'resource.allowed[0].IPProtocol' not specified");
    assertInvalid(() -> firewalls.insertAsync(P, firewall("fw").toBuilder().setAllowed(0, Allowed.newBuilder().setIPProtocol("icmp")
        .addPorts("9092")).build()).get(), "Ports are only allowed for tcp, udp and sctp");
    assertInvalid(() -> firewalls.insertAsync(P, firewall("fw").toBuilder().addSourceRanges("10.0.0.0/33").build()).get(),
        "'resource.sourceRanges[1]': '10.0.0.0/33'");
    firewalls.insertAsync(P, firewall("fw").toBuilder().clearSourceRanges().addSourceTags("consumers").build()).get();
    assertThat(fake.resources("firewalls")).hasSize(1);
  }

  @Test
  void requestsAreParsedStrictlyFromComputeProto() throws Exception {
    network();
    HttpResponse<String> misspelt = raw("POST", "/compute/v1/projects/" + P + "/global/firewalls",
        "{\"name\":\"fw\",\"network\":\"" + NETWORK + "\",\"sourceRange\":[\"10.0.0.0/8\"],\"allowed\":[{\"IPProtocol\":\"tcp\"}]}");
    assertThat(misspelt.statusCode()).isEqualTo(400);
    assertThat(misspelt.body()).contains("\"errors\":[{\"domain\":\"global\"").contains("Unknown name \\\"sourceRange\\\" at 'resource'");
    HttpResponse<String> protoName = raw("POST", "/compute/v1/projects/" + P + "/global/firewalls",
        "{\"name\":\"fw\",\"network\":\"" + NETWORK + "\",\"sourceRanges\":[\"10.0.0.0/8\"],\"allowed\":[{\"I_p_protocol\":\"tcp\"}]}");
    assertThat(protoName.statusCode()).as("the JSON name is IPProtocol").isEqualTo(400);
    assertThat(protoName.body()).contains("Unknown name \\\"I_p_protocol\\\" at 'resource.allowed[0]'");
    HttpResponse<String> proper = raw("POST", "/compute/v1/projects/" + P + "/global/firewalls",
        "{\"name\":\"fw\",\"network\":\"" + NETWORK + "\",\"sourceRanges\":[\"10.0.0.0/8\"],\"allowed\":[{\"IPProtocol\":\"tcp\"}]}");
    assertThat(proper.statusCode()).isEqualTo(200);
    assertThat(proper.body()).contains("\"status\":\"DONE\"");

    HttpResponse<String> unknownParameter = raw("GET", "/compute/v1/projects/" + P + "/global/firewalls?colour=blue", null);
    assertThat(unknownParameter.statusCode()).isEqualTo(400);
    assertThat(unknownParameter.body()).contains("Unknown name \\\"colour\\\": Cannot bind query parameter");
    assertThat(raw("GET", "/compute/v1/projects/" + P + "/global/firewalls?$alt=json", null).statusCode())
        .as("the client sends no system parameters, so none are accepted").isEqualTo(400);
    assertThat(raw("GET", "/compute/v1/projects/" + P + "/global/firewalls?maxResults=5", null).statusCode()).isEqualTo(200);
    HttpResponse<String> noRoute = raw("GET", "/compute/v1/projects/" + P + "/global/nothings/x", null);
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.body()).contains("\"reason\":\"notFound\"");
    assertThat(raw("PATCH", "/compute/v1/projects/" + P + "/regions/" + REGION + "/networkEndpointGroups/x", "{}").statusCode())
        .as("compute.proto has no RPC that changes a NEG").isEqualTo(404);

    assertInvalid(() -> backendServices.insertAsync(P, REGION, backendService("bs", NEG).toBuilder().setLoadBalancingScheme("INTERANL").build()).get(),
        "'resource.loadBalancingScheme': 'INTERANL'. Must be one of [EXTERNAL, EXTERNAL_MANAGED, INTERNAL,");
    ApiException unimplemented = failure(() -> networks.switchToCustomModeAsync(P, "kafka-vpc").get());
    assertThat(unimplemented).isInstanceOf(UnimplementedException.class);
    assertThat(computeError(unimplemented)).contains("Networks.SwitchToCustomMode is not implemented by the Compute fake");
  }

  @Test
  void patchAndSetLabelsRequireTheCurrentFingerprint() throws Exception {
    buildChain();
    BackendService service = backendServices.get(P, REGION, "kafka-bs");
    Backend backend = service.getBackends(0).toBuilder().setDescription("repaired").build();
    ApiException stale = failure(() -> backendServices.patchAsync(P, REGION, "kafka-bs",
        BackendService.newBuilder().setFingerprint("c3RhbGUhIQ==").addBackends(backend).build()).get());
    assertThat(stale).isInstanceOf(FailedPreconditionException.class);
    assertThat(computeError(stale)).contains("\"code\":412").contains("conditionNotMet");
    backendServices.patchAsync(P, REGION, "kafka-bs", BackendService.newBuilder().setFingerprint(service.getFingerprint())
        .addBackends(backend).build()).get();
    BackendService patched = backendServices.get(P, REGION, "kafka-bs");
    assertThat(patched.getBackendsList()).containsExactly(backend);
    assertThat(patched.getLoadBalancingScheme()).as("fields not in the patch stay").isEqualTo("INTERNAL");
    assertThat(patched.getFingerprint()).isNotEqualTo(service.getFingerprint());

    ForwardingRule rule = forwardingRules.get(P, REGION, "kafka-fr");
    assertThat(failure(() -> forwardingRules.setLabelsAsync(P, REGION, "kafka-fr", RegionSetLabelsRequest.newBuilder()
        .putLabels("owner", "someone").setLabelFingerprint("c3RhbGUhIQ==").build()).get())).isInstanceOf(FailedPreconditionException.class);
    assertInvalid(() -> forwardingRules.setLabelsAsync(P, REGION, "kafka-fr", RegionSetLabelsRequest.newBuilder()
        .putLabels("Owner", "kpe").setLabelFingerprint(rule.getLabelFingerprint()).build()).get(), "Label keys start with a lowercase letter");
    Operation labelled = forwardingRules.setLabelsAsync(P, REGION, "kafka-fr", RegionSetLabelsRequest.newBuilder()
        .putLabels("owner", "kpe").putLabels("endpoint", "kafka-a").setLabelFingerprint(rule.getLabelFingerprint()).build()).get();
    assertThat(labelled.getOperationType()).isEqualTo("setLabels");
    ForwardingRule relabelled = forwardingRules.get(P, REGION, "kafka-fr");
    assertThat(relabelled.getLabelsMap()).containsOnly(Map.entry("owner", "kpe"), Map.entry("endpoint", "kafka-a"));
    assertThat(relabelled.getLabelFingerprint()).isNotEqualTo(rule.getLabelFingerprint());
    assertInvalid(() -> forwardingRules.patchAsync(P, REGION, "kafka-fr", ForwardingRule.newBuilder().setAllPorts(false)
        .addPorts("9092").build()).get(), "Only networkTier, allowGlobalAccess and allowPscGlobalAccess");
  }

  @Test
  void consumersArePendingUntilTheirProjectIsAcceptedAndGoWithTheirEndpoint() throws Exception {
    buildChain();
    ForwardingRule pending = consumer("consumer-b", "psc-b");
    assertThat(pending.getPscConnectionStatus()).isEqualTo("PENDING");
    ServiceAttachment attachment = attachments.get(P, REGION, "kafka-sa");
    assertThat(attachment.getConnectedEndpointsList()).singleElement().satisfies(e -> {
      assertThat(e.getEndpoint()).isEqualTo(pending.getSelfLink());
      assertThat(e.getStatus()).isEqualTo("PENDING");
      assertThat(e.getConsumerNetwork()).isEqualTo(API + "projects/consumer-b/global/networks/consumer-vpc");
      assertThat(e.getPscConnectionId()).isEqualTo(pending.getPscConnectionId()).isPositive();
    });

    ForwardingRule accepted = consumer("consumer-a", "psc-a");
    assertThat(accepted.getPscConnectionStatus()).as("consumer-a is on the accept list").isEqualTo("ACCEPTED");

    attachments.patchAsync(P, REGION, "kafka-sa", ServiceAttachment.newBuilder().setFingerprint(attachments.get(P, REGION, "kafka-sa").getFingerprint())
        .addAllConsumerAcceptLists(attachment.getConsumerAcceptListsList())
        .addConsumerAcceptLists(ServiceAttachmentConsumerProjectLimit.newBuilder().setProjectIdOrNum("consumer-b").setConnectionLimit(1))
        .addConsumerRejectLists("consumer-c").build()).get();
    assertThat(forwardingRules.get("consumer-b", REGION, "psc-b").getPscConnectionStatus()).isEqualTo("ACCEPTED");
    assertThat(status(attachments.get(P, REGION, "kafka-sa"))).containsOnly(
        Map.entry(pending.getSelfLink(), "ACCEPTED"), Map.entry(accepted.getSelfLink(), "ACCEPTED"));

    assertThat(consumer("consumer-b", "psc-b-2").getPscConnectionStatus()).as("over consumer-b's limit of 1").isEqualTo("PENDING");
    assertThat(consumer("consumer-c", "psc-c").getPscConnectionStatus()).isEqualTo("REJECTED");

    forwardingRules.deleteAsync("consumer-b", REGION, "psc-b").get();
    assertThat(status(attachments.get(P, REGION, "kafka-sa"))).doesNotContainKey(pending.getSelfLink()).hasSize(3);
    attachments.deleteAsync(P, REGION, "kafka-sa").get();
    assertThat(forwardingRules.get("consumer-a", REGION, "psc-a").getPscConnectionStatus())
        .as("the consumer endpoint stays, closed").isEqualTo("CLOSED");
    ForwardingRule closed = forwardingRules.get("consumer-a", REGION, "psc-a");
    forwardingRules.setLabelsAsync("consumer-a", REGION, "psc-a", RegionSetLabelsRequest.newBuilder().putLabels("stale", "yes")
        .setLabelFingerprint(closed.getLabelFingerprint()).build()).get();
    assertThat(forwardingRules.get("consumer-a", REGION, "psc-a").getLabelsMap()).containsOnlyKeys("stale");
  }

  @Test
  void deletingInDependencyOrderLeavesNothing() throws Exception {
    buildChain();
    List<Operation> deletes = new ArrayList<>();
    deletes.add(firewalls.deleteAsync(P, "kafka-allow-psc").get());
    deletes.add(attachments.deleteAsync(P, REGION, "kafka-sa").get());
    deletes.add(forwardingRules.deleteAsync(P, REGION, "kafka-fr").get());
    deletes.add(backendServices.deleteAsync(P, REGION, "kafka-bs").get());
    deletes.add(negs.deleteAsync(P, REGION, "kafka-neg").get());
    for (int n = 1; n <= 3; n++) {
      deletes.add(instances.deleteAsync(P, ZONES.get(n - 1), "gke-node-" + n).get());
    }
    deletes.add(subnetworks.deleteAsync(P, REGION, "psc-nat").get());
    deletes.add(subnetworks.deleteAsync(P, REGION, "brokers").get());
    assertThat(networks.get(P, "kafka-vpc").getSubnetworksList()).isEmpty();
    deletes.add(networks.deleteAsync(P, "kafka-vpc").get());

    assertThat(deletes).allSatisfy(op -> {
      assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
      assertThat(op.getOperationType()).isEqualTo("delete");
      assertThat(op.getTargetId()).isPositive();
    });
    assertThat(fake.totalResources()).isZero();
    assertThat(fake.resources("networkEndpointGroups")).isEmpty();
  }

  @Test
  void failOnceAfterCarriesOutTheCallButLosesItsAnswer() throws Exception {
    network();
    fake.failOnceAfter("Firewalls.Insert");
    int mark = fake.mark();
    ApiException crash = failure(() -> firewalls.insertAsync(P, firewall("fw")).get());
    assertThat(crash).isInstanceOf(UnavailableException.class);
    assertThat(firewalls.get(P, "fw").getSelfLink()).as("the rule was made").isEqualTo(API + "projects/" + P + "/global/firewalls/fw");
    assertThat(fake.callsSince(mark)).extracting(ComputeFake.Call::rpc, ComputeFake.Call::status)
        .containsExactly(tuple("Firewalls.Insert", 503), tuple("Firewalls.Get", 200));
    firewalls.insertAsync(P, firewall("fw2")).get();
    assertThatThrownBy(() -> fake.failOnceAfter("Firewalls.Inzert")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCallLogTellsChangesFromReads() throws Exception {
    buildChain();
    int mark = fake.mark();
    networks.get(P, "kafka-vpc");
    endpoints();
    ServiceAttachment attachment = attachments.get(P, REGION, "kafka-sa");
    attachments.patchAsync(P, REGION, "kafka-sa", ServiceAttachment.newBuilder().setFingerprint(attachment.getFingerprint())
        .setEnableProxyProtocol(true).build()).get();
    failure(() -> networks.insertAsync(P, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get());

    assertThat(fake.callsSince(mark)).extracting(ComputeFake.Call::rpc).containsExactly("Networks.Get",
        "RegionNetworkEndpointGroups.ListNetworkEndpoints", "ServiceAttachments.Get", "ServiceAttachments.Patch", "Networks.Insert");
    assertThat(fake.mutatingCallsSince(mark)).containsExactly(
        new ComputeFake.Call("ServiceAttachments.Patch", "PATCH", "/compute/v1/" + ATTACHMENT, 200),
        new ComputeFake.Call("Networks.Insert", "POST", "/compute/v1/projects/" + P + "/global/networks", 409));
    assertThat(attachments.get(P, REGION, "kafka-sa").getEnableProxyProtocol()).isTrue();
  }

  @Test
  void listFiltersAreAppliedOrRejected() throws Exception {
    buildChain();
    assertThat(names(ListSubnetworksRequest.newBuilder().build())).containsExactly("brokers", "psc-nat");
    assertThat(names(ListSubnetworksRequest.newBuilder().setFilter("name = \"brokers\"").build())).containsExactly("brokers");
    assertThat(names(ListSubnetworksRequest.newBuilder().setFilter("name != brokers").build())).containsExactly("psc-nat");
    assertThat(names(ListSubnetworksRequest.newBuilder().setFilter("(purpose = PRIVATE_SERVICE_CONNECT) (name eq 'psc-.*')").build()))
        .containsExactly("psc-nat");
    assertThat(names(ListSubnetworksRequest.newBuilder().setFilter("name eq 'psc'").build())).as("a regex matches whole values").isEmpty();
    assertThat(forwardingRules.list(ListForwardingRulesRequest.newBuilder().setProject(P).setRegion(REGION)
        .setFilter("labels.owner = kpe").build()).iterateAll()).extracting(ForwardingRule::getName).containsExactly("kafka-fr");
    assertInvalid(() -> names(ListSubnetworksRequest.newBuilder().setFilter("(name = a) OR (name = b)").build()), "OR is not implemented");
    assertInvalid(() -> names(ListSubnetworksRequest.newBuilder().setFilter("nmae = brokers").build()), "no field 'nmae'");
    assertInvalid(() -> names(ListSubnetworksRequest.newBuilder().setFilter("name = broker*").build()), "wildcards");
  }

  // --- IAM: the service account holds a role, the project owner seeds ------------------------

  @Test
  void theShippedRoleAllowsEveryCallOfTheOperatorAndNeedsNoMore() throws Exception {
    IamRole role = IamRole.shipped();
    ComputeFake iam = fakeWith(ComputeFake.Settings.defaults().granting(role.includedPermissions()));
    Clients owner = clientsOf(iam.ownerEndpoint());
    Clients sa = clientsOf(iam.endpoint());
    seed(owner);
    int mark = iam.mark();

    // The operator's calls (operator/…/cloud/gcp), in its order: each resource read first (404: absent),
    // inserted, read back, repaired in place; then torn down in dependency order.
    sa.networks.get(P, "kafka-vpc"); // the access check, once per pass
    assertThat(failure(() -> sa.subnetworks.get(P, REGION, "psc-nat"))).isInstanceOf(NotFoundException.class);
    iam.answerRunningOnce("Subnetworks.Insert"); // so the client polls the regional operation
    sa.subnetworks.insertAsync(P, REGION, natSubnetwork("psc-nat", "10.128.0.0/24")).get();
    sa.subnetworks.get(P, REGION, "psc-nat");

    assertThat(failure(() -> sa.negs.get(P, REGION, "kafka-neg"))).isInstanceOf(NotFoundException.class);
    sa.negs.insertAsync(P, REGION, portMapNeg()).get();
    sa.negs.get(P, REGION, "kafka-neg");
    assertThat(all(sa.negs.listNetworkEndpoints(P, REGION, "kafka-neg").iterateAll())).isEmpty();
    sa.negs.attachNetworkEndpointsAsync(P, REGION, "kafka-neg", RegionNetworkEndpointGroupsAttachEndpointsRequest.newBuilder()
        .addNetworkEndpoints(endpoint(1, "10.64.1.10", 30001)).addNetworkEndpoints(endpoint(2, "10.64.2.10", 30002))
        .addNetworkEndpoints(endpoint(3, "10.64.3.10", 30003)).build()).get();

    assertThat(failure(() -> sa.backendServices.get(P, REGION, "kafka-bs"))).isInstanceOf(NotFoundException.class);
    sa.backendServices.insertAsync(P, REGION, backendService("kafka-bs", API + NEG).toBuilder().setNetwork(NETWORK).build()).get();
    BackendService service = sa.backendServices.get(P, REGION, "kafka-bs");
    sa.backendServices.patchAsync(P, REGION, "kafka-bs", BackendService.newBuilder().setFingerprint(service.getFingerprint())
        .addBackends(Backend.newBuilder().setGroup(API + NEG).setBalancingMode("CONNECTION")).build()).get();

    assertThat(failure(() -> sa.forwardingRules.get(P, REGION, "kafka-fr"))).isInstanceOf(NotFoundException.class);
    sa.forwardingRules.insertAsync(P, REGION, producerRule("kafka-fr").toBuilder().putLabels("owner", "kpe").build()).get();
    ForwardingRule rule = sa.forwardingRules.get(P, REGION, "kafka-fr");
    sa.forwardingRules.setLabelsAsync(P, REGION, "kafka-fr", RegionSetLabelsRequest.newBuilder().putLabels("owner", "kpe")
        .setLabelFingerprint(rule.getLabelFingerprint()).build()).get();

    assertThat(failure(() -> sa.attachments.get(P, REGION, "kafka-sa"))).isInstanceOf(NotFoundException.class);
    sa.attachments.insertAsync(P, REGION, attachment("kafka-sa", API + RULE, API + NAT)).get();
    ServiceAttachment attachment = sa.attachments.get(P, REGION, "kafka-sa");
    sa.attachments.patchAsync(P, REGION, "kafka-sa", ServiceAttachment.newBuilder().setFingerprint(attachment.getFingerprint())
        .setConnectionPreference("ACCEPT_MANUAL").addAllConsumerAcceptLists(attachment.getConsumerAcceptListsList())
        .addNatSubnets(API + NAT).build()).get();

    assertThat(failure(() -> sa.firewalls.get(P, "kafka-allow-psc"))).isInstanceOf(NotFoundException.class);
    iam.answerRunningOnce("Firewalls.Insert"); // so the client polls the global operation
    sa.firewalls.insertAsync(P, firewall("kafka-allow-psc")).get();
    sa.firewalls.get(P, "kafka-allow-psc");
    sa.firewalls.updateAsync(P, "kafka-allow-psc", firewall("kafka-allow-psc")).get();

    sa.negs.detachNetworkEndpointsAsync(P, REGION, "kafka-neg", RegionNetworkEndpointGroupsDetachEndpointsRequest.newBuilder()
        .addNetworkEndpoints(endpoint(3, "10.64.3.10", 30003)).build()).get();
    sa.attachments.deleteAsync(P, REGION, "kafka-sa").get();
    sa.forwardingRules.deleteAsync(P, REGION, "kafka-fr").get();
    sa.backendServices.deleteAsync(P, REGION, "kafka-bs").get();
    sa.negs.deleteAsync(P, REGION, "kafka-neg").get(); // still holding two endpoints
    sa.subnetworks.deleteAsync(P, REGION, "psc-nat").get();
    sa.firewalls.deleteAsync(P, "kafka-allow-psc").get();

    List<ComputeFake.Call> calls = iam.callsSince(mark);
    assertThat(calls).as("nothing refused").noneMatch(c -> c.status() == 403);
    assertThat(calls).extracting(ComputeFake.Call::rpc).as("the clients polled").contains("RegionOperations.Get", "GlobalOperations.Get");
    assertThat(iam.totalResources()).as("network, brokers' subnet and VMs left").isEqualTo(5);
    assertThat(iam.checkedPermissions()).as("the role grants exactly what these calls need")
        .isEqualTo(new TreeSet<>(role.includedPermissions()));
  }

  @Test
  void aPermissionTheRoleLacksIsComputes403AndNothingIsMade() throws Exception {
    ComputeFake iam = fakeWith(ComputeFake.Settings.defaults().granting(roleWithout("compute.regionNetworkEndpointGroups.create")));
    Clients owner = clientsOf(iam.ownerEndpoint());
    Clients sa = clientsOf(iam.endpoint());
    seed(owner);
    int mark = iam.mark();

    ApiException denied = failure(() -> sa.negs.insertAsync(P, REGION, portMapNeg()).get());
    assertThat(denied).isInstanceOf(PermissionDeniedException.class);
    String message = "Required 'compute.regionNetworkEndpointGroups.create' permission for '" + NEG + "'";
    assertThat(JsonParser.parseString(computeError(denied))).isEqualTo(JsonParser.parseString("{\"error\":{\"code\":403,\"message\":\""
        + message + "\",\"errors\":[{\"message\":\"" + message + "\",\"domain\":\"global\",\"reason\":\"forbidden\"}]}}"));
    assertThat(iam.resources("networkEndpointGroups")).isEmpty();
    assertThat(iam.callsSince(mark)).extracting(ComputeFake.Call::rpc, ComputeFake.Call::status)
        .containsExactly(tuple("RegionNetworkEndpointGroups.Insert", 403));
    assertThat(iam.checkedPermissions()).contains("compute.regionNetworkEndpointGroups.create");

    owner.negs.insertAsync(P, REGION, portMapNeg()).get();
    assertThat(iam.resources("networkEndpointGroups")).as("the owner holds every permission").hasSize(1);
    assertThat(sa.negs.get(P, REGION, "kafka-neg").getName()).as("the rest of the role still works").isEqualTo("kafka-neg");
  }

  @Test
  void referencingAResourceNeedsItsUsePermission() throws Exception {
    ComputeFake iam = fakeWith(ComputeFake.Settings.defaults()
        .granting(roleWithout("compute.regionNetworkEndpointGroups.use", "compute.networks.updatePolicy")));
    Clients owner = clientsOf(iam.ownerEndpoint());
    Clients sa = clientsOf(iam.endpoint());
    seed(owner);
    owner.negs.insertAsync(P, REGION, portMapNeg()).get();

    ApiException backend = failure(() -> sa.backendServices.insertAsync(P, REGION, backendService("kafka-bs", API + NEG)).get());
    assertThat(backend).isInstanceOf(PermissionDeniedException.class);
    assertThat(computeError(backend)).contains("Required 'compute.regionNetworkEndpointGroups.use' permission for '" + NEG + "'")
        .contains("\"reason\":\"forbidden\"");
    assertThat(iam.resources("backendServices")).isEmpty();
    sa.backendServices.insertAsync(P, REGION, backendService("no-backend", null)).get();
    assertThat(iam.resources("backendServices")).as("without the reference the role suffices").hasSize(1);

    ApiException firewall = failure(() -> sa.firewalls.insertAsync(P, firewall("kafka-allow-psc")).get());
    assertThat(firewall).isInstanceOf(PermissionDeniedException.class);
    assertThat(computeError(firewall)).contains("Required 'compute.networks.updatePolicy' permission for '" + NETWORK + "'");
    assertThat(iam.resources("firewalls")).isEmpty();
  }

  @Test
  void aPortMappingNegMapsEachInstancePortFromOneClientPort() throws Exception {
    buildChain();
    String node1 = API + "projects/" + P + "/zones/us-west1-a/instances/gke-node-1";
    NetworkEndpoint node1Port9093 = endpoint(1, "10.64.1.11", 30004).toBuilder().setPort(9093).build();

    assertInvalid(() -> attach(node1Port9093, node1Port9093.toBuilder().setIpAddress("10.64.1.12").setClientDestinationPort(30005).build()),
        "Instance " + node1 + " port 9093 is already mapped from client destination port 30004");
    assertThat(endpoints()).as("nothing of a refused attach is attached").hasSize(3);
    assertInvalid(() -> attach(endpoint(1, "10.64.1.11", 30004)),
        "Instance " + node1 + " port 9092 is already mapped from client destination port 30001");
    assertThat(endpoints()).hasSize(3);

    attach(node1Port9093);
    assertThat(endpoints()).as("another port of the same instance").containsEntry(30004, node1 + " 10.64.1.11:9093").hasSize(4);

  }

  @Test
  void theShippedRoleParsesAndEveryPermissionFollowsTheNamingRule() {
    IamRole role = IamRole.shipped();
    assertThat(role.title()).isNotBlank();
    assertThat(role.stage()).isEqualTo("GA");
    assertThat(role.includedPermissions()).isNotEmpty().doesNotHaveDuplicates();
    assertThat(namingProblems(role.includedPermissions())).isEmpty();

    // The check itself: the zonal NEG family the role once held, a collection and a verb Google does not name that way.
    assertThat(namingProblems(List.of("compute.networkEndpointGroups.create"))).singleElement().asString()
        .contains("the operator calls no method of NetworkEndpointGroups");
    assertThat(namingProblems(List.of("compute.regionNetworkEndpointGroup.create"))).singleElement().asString()
        .contains("no compute.proto service");
    assertThat(namingProblems(List.of("compute.firewalls.insert"))).singleElement().asString()
        .contains("not a permission of Firewalls");
  }

  /**
   * Why each permission does not follow Google's rule compute.&lt;collection&gt;.&lt;verb&gt; (see the role's
   * comment): the collection must be a compute.proto service, the permission one the rule gives it, and a
   * method's permission (not .use, not networks.updatePolicy) must be of a service the operator calls.
   */
  private static List<String> namingProblems(List<String> permissions) {
    Pattern shape = Pattern.compile("compute\\.([a-z][A-Za-z]*)\\.([a-z][A-Za-z]*)");
    Set<String> operatorServices = operatorServices();
    List<String> problems = new ArrayList<>();
    for (String permission : permissions) {
      Matcher m = shape.matcher(permission);
      if (!m.matches()) {
        problems.add(permission + ": not compute.<collection>.<verb>");
        continue;
      }
      String service = Character.toUpperCase(m.group(1).charAt(0)) + m.group(1).substring(1);
      Set<String> byRule = ComputeFake.permissionsOf(service);
      if (byRule.isEmpty()) {
        problems.add(permission + ": no compute.proto service " + service);
      } else if (!byRule.contains(permission)) {
        problems.add(permission + ": not a permission of " + service + " " + byRule);
      } else if (!Set.of("use", "updatePolicy").contains(m.group(2)) && !operatorServices.contains(service)) {
        problems.add(permission + ": the operator calls no method of " + service + " (it calls " + operatorServices + ")");
      }
    }
    return problems;
  }

  /**
   * The Compute services whose methods the operator calls: the client types GcpClients holds, the
   * operations services those clients poll, and Networks — the access check's NetworksClient.get, on its
   * way into GcpClients.
   */
  private static Set<String> operatorServices() {
    Set<String> services = new TreeSet<>(Set.of("RegionOperations", "GlobalOperations", "Networks"));
    for (Field field : GcpClients.class.getDeclaredFields()) {
      Class<?> type = field.getType();
      if (type.getPackageName().equals("com.google.cloud.compute.v1") && type.getSimpleName().endsWith("Client")) {
        services.add(type.getSimpleName().substring(0, type.getSimpleName().length() - "Client".length()));
      }
    }
    return services;
  }

  private Set<String> roleWithout(String... permissions) {
    Set<String> granted = new TreeSet<>(IamRole.shipped().includedPermissions());
    for (String p : permissions) {
      assertThat(granted.remove(p)).as("the role grants " + p).isTrue();
    }
    return granted;
  }

  private ComputeFake fakeWith(ComputeFake.Settings settings) {
    ComputeFake started = ComputeFake.start(settings);
    otherFakes.add(started);
    return started;
  }

  private Clients clientsOf(String endpoint) throws IOException {
    return client(new Clients(endpoint));
  }

  /** What the project owner has before the operator comes: network, brokers' subnet with a pod range, 3 node VMs. */
  private static void seed(Clients owner) throws Exception {
    owner.networks.insertAsync(P, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get();
    owner.subnetworks.insertAsync(P, REGION, brokersSubnetwork()).get();
    for (int n = 1; n <= 3; n++) {
      owner.instances.insertAsync(P, ZONES.get(n - 1), node(n, ZONES.get(n - 1))).get();
    }
  }

  /** The real clients of one principal of a fake: its endpoint() (the service account) or ownerEndpoint(). */
  private static final class Clients implements AutoCloseable {
    final NetworksClient networks;
    final SubnetworksClient subnetworks;
    final InstancesClient instances;
    final RegionNetworkEndpointGroupsClient negs;
    final RegionBackendServicesClient backendServices;
    final ForwardingRulesClient forwardingRules;
    final ServiceAttachmentsClient attachments;
    final FirewallsClient firewalls;

    Clients(String endpoint) throws IOException {
      networks = NetworksClient.create(settings(NetworksSettings.newBuilder(), endpoint));
      subnetworks = SubnetworksClient.create(settings(SubnetworksSettings.newBuilder(), endpoint));
      instances = InstancesClient.create(settings(InstancesSettings.newBuilder(), endpoint));
      negs = RegionNetworkEndpointGroupsClient.create(settings(RegionNetworkEndpointGroupsSettings.newBuilder(), endpoint));
      backendServices = RegionBackendServicesClient.create(settings(RegionBackendServicesSettings.newBuilder(), endpoint));
      forwardingRules = ForwardingRulesClient.create(settings(ForwardingRulesSettings.newBuilder(), endpoint));
      attachments = ServiceAttachmentsClient.create(settings(ServiceAttachmentsSettings.newBuilder(), endpoint));
      firewalls = FirewallsClient.create(settings(FirewallsSettings.newBuilder(), endpoint));
    }

    @Override
    public void close() {
      networks.close();
      subnetworks.close();
      instances.close();
      negs.close();
      backendServices.close();
      forwardingRules.close();
      attachments.close();
      firewalls.close();
    }
  }

  // --- the chain -------------------------------------------------------------------------------

  /** Network, brokers' subnet with a pod range, 3 VMs in 3 zones, PSC NAT subnet, NEG + 3 endpoints, backend service, rule, attachment, firewall. */
  private void buildChain() throws Exception {
    network();
    brokersSubnet();
    for (int n = 1; n <= 3; n++) {
      instances.insertAsync(P, ZONES.get(n - 1), node(n, ZONES.get(n - 1))).get();
    }
    natSubnet("psc-nat", "10.128.0.0/24");
    neg();
    attach(endpoint(1, "10.64.1.10", 30001), endpoint(2, "10.64.2.10", 30002),
        endpoint(3, "10.64.3.10", 30003));
    backendServices.insertAsync(P, REGION, backendService("kafka-bs", API + NEG)).get();
    forwardingRules.insertAsync(P, REGION, producerRule("kafka-fr").toBuilder().putLabels("owner", "kpe").build()).get();
    attachments.insertAsync(P, REGION, attachment("kafka-sa", API + RULE, API + NAT)).get();
    firewalls.insertAsync(P, firewall("kafka-allow-psc")).get();
  }

  private void network() throws Exception {
    networks.insertAsync(P, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get();
  }

  private void brokersSubnet() throws Exception {
    subnetworks.insertAsync(P, REGION, brokersSubnetwork()).get();
  }

  private static Subnetwork brokersSubnetwork() {
    return Subnetwork.newBuilder().setName("brokers").setNetwork(NETWORK).setIpCidrRange("10.60.0.0/20")
        .addSecondaryIpRanges(SubnetworkSecondaryRange.newBuilder().setRangeName("pods").setIpCidrRange("10.64.0.0/14")).build();
  }

  private Operation natSubnet(String name, String range) throws Exception {
    return subnetworks.insertAsync(P, REGION, natSubnetwork(name, range)).get();
  }

  private static Subnetwork natSubnetwork(String name, String range) {
    return Subnetwork.newBuilder().setName(name).setNetwork(API + NETWORK).setIpCidrRange(range)
        .setPurpose("PRIVATE_SERVICE_CONNECT").build();
  }

  private void neg() throws Exception {
    negs.insertAsync(P, REGION, portMapNeg()).get();
  }

  private static NetworkEndpointGroup portMapNeg() {
    return NetworkEndpointGroup.newBuilder().setName("kafka-neg").setNetworkEndpointType("GCE_VM_IP_PORTMAP")
        .setNetwork(NETWORK).setSubnetwork(BROKERS).build();
  }

  /** A GKE node: primary IP 10.60.0.1n, pod alias range 10.64.n.0/24 from the subnet's "pods" range. */
  private static Instance node(int n, String zone) {
    return Instance.newBuilder().setName("gke-node-" + n).setMachineType("zones/" + zone + "/machineTypes/e2-standard-4")
        .addNetworkInterfaces(NetworkInterface.newBuilder().setNetwork(API + NETWORK).setSubnetwork("regions/" + REGION + "/subnetworks/brokers")
            .setNetworkIP("10.60.0.1" + n)
            .addAliasIpRanges(AliasIpRange.newBuilder().setSubnetworkRangeName("pods").setIpCidrRange("10.64." + n + ".0/24")))
        .build();
  }

  /** An endpoint on gke-node-N (in zone N of the region), container port 9092. */
  private static NetworkEndpoint endpoint(int node, String ip, int clientPort) {
    NetworkEndpoint.Builder e = NetworkEndpoint.newBuilder()
        .setInstance("projects/" + P + "/zones/" + ZONES.get(node - 1) + "/instances/gke-node-" + node)
        .setPort(9092).setClientDestinationPort(clientPort);
    if (ip != null) {
      e.setIpAddress(ip);
    }
    return e.build();
  }

  private Operation attach(NetworkEndpoint... endpoints) throws Exception {
    return negs.attachNetworkEndpointsAsync(P, REGION, "kafka-neg",
        RegionNetworkEndpointGroupsAttachEndpointsRequest.newBuilder().addAllNetworkEndpoints(List.of(endpoints)).build()).get();
  }

  /** An internal TCP backend service with {@code group} as its one backend (none when null). */
  private static BackendService backendService(String name, String group) {
    BackendService.Builder b = BackendService.newBuilder().setName(name).setLoadBalancingScheme("INTERNAL").setProtocol("TCP");
    if (group != null) {
      b.addBackends(Backend.newBuilder().setGroup(group).setBalancingMode("CONNECTION"));
    }
    return b.build();
  }

  private static ForwardingRule producerRule(String name) {
    return ForwardingRule.newBuilder().setName(name).setLoadBalancingScheme("INTERNAL").setIPProtocol("TCP").setAllPorts(true)
        .setBackendService(API + BACKEND).setNetwork(NETWORK).setSubnetwork(BROKERS).build();
  }

  private static ServiceAttachment attachment(String name, String rule, String natSubnet) {
    return ServiceAttachment.newBuilder().setName(name).setTargetService(rule).setConnectionPreference("ACCEPT_MANUAL")
        .addConsumerAcceptLists(ServiceAttachmentConsumerProjectLimit.newBuilder().setProjectIdOrNum("consumer-a").setConnectionLimit(10))
        .addNatSubnets(natSubnet).setEnableProxyProtocol(false).build();
  }

  private static Firewall firewall(String name) {
    return Firewall.newBuilder().setName(name).setNetwork(NETWORK).setDirection("INGRESS").addSourceRanges("10.128.0.0/24")
        .addAllowed(Allowed.newBuilder().setIPProtocol("tcp").addPorts("9092").addPorts("30001-30003")).build();
  }

  /** A PSC endpoint in a consumer project: its own network and a forwarding rule targeting the attachment. */
  private ForwardingRule consumer(String project, String name) throws Exception {
    if (fake.resources("networks").stream().noneMatch(n -> ((Network) n).getSelfLink().contains("/projects/" + project + "/"))) {
      networks.insertAsync(project, Network.newBuilder().setName("consumer-vpc").setAutoCreateSubnetworks(false).build()).get();
    }
    forwardingRules.insertAsync(project, REGION, ForwardingRule.newBuilder().setName(name).setTarget(API + ATTACHMENT)
        .setNetwork("projects/" + project + "/global/networks/consumer-vpc").build()).get();
    return forwardingRules.get(project, REGION, name);
  }

  // --- reading answers -------------------------------------------------------------------------

  /** client port → "instance ip:port", as ListNetworkEndpoints answers. */
  private Map<Integer, String> endpoints() {
    Map<Integer, String> out = new TreeMap<>();
    for (NetworkEndpointWithHealthStatus e : negs.listNetworkEndpoints(P, REGION, "kafka-neg").iterateAll()) {
      NetworkEndpoint ep = e.getNetworkEndpoint();
      out.put(ep.getClientDestinationPort(), ep.getInstance() + " " + ep.getIpAddress() + ":" + ep.getPort());
    }
    return out;
  }

  private static Map<String, String> status(ServiceAttachment attachment) {
    Map<String, String> out = new TreeMap<>();
    for (ServiceAttachmentConnectedEndpoint e : attachment.getConnectedEndpointsList()) {
      out.put(e.getEndpoint(), e.getStatus());
    }
    return out;
  }

  private List<String> names(ListSubnetworksRequest request) {
    return StreamSupport.stream(subnetworks.list(request.toBuilder().setProject(P).setRegion(REGION).build()).iterateAll().spliterator(), false)
        .map(Subnetwork::getName).toList();
  }

  private void assertInUse(Callable<?> delete, String used, String user) {
    ApiException e = failure(delete);
    assertThat(e).isInstanceOf(InvalidArgumentException.class);
    assertThat(computeError(e)).contains("\"reason\":\"resourceInUseByAnotherResource\"")
        .contains("resource '" + used + "' is already being used by '" + user + "'");
  }

  private void assertMissing(Callable<?> insert, String missing) {
    ApiException e = failure(insert);
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(computeError(e)).contains("The resource '" + missing + "' was not found");
  }

  private static void assertInvalid(Callable<?> call, String message) {
    ApiException e = failure(call);
    assertThat(e).isInstanceOf(e.getStatusCode().getCode().getHttpStatusCode() == 404 ? NotFoundException.class : InvalidArgumentException.class);
    assertThat(computeError(e)).contains(message);
  }

  /** The ApiException a call fails with, unwrapped from the operation future. */
  private static ApiException failure(Callable<?> call) {
    try {
      call.call();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        return api;
      }
      throw new AssertionError("failed without an ApiException", e);
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("failed without an ApiException", e);
    }
    throw new AssertionError("expected the call to fail");
  }

  /** Compute's error body, which gax keeps in the cause (its own message is the HTTP reason phrase). */
  private static String computeError(ApiException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException http) {
        return http.getContent();
      }
    }
    throw new AssertionError("no HTTP response in " + e, e);
  }

  private HttpResponse<String> raw(String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.endpoint() + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private <T extends AutoCloseable> T client(T client) {
    clients.add(client);
    return client;
  }

  private <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> S settings(B builder) throws IOException {
    return settings(builder, fake.endpoint());
  }

  private static <S extends ClientSettings<S>, B extends ClientSettings.Builder<S, B>> S settings(B builder, String endpoint)
      throws IOException {
    return builder.setEndpoint(endpoint).setCredentialsProvider(NoCredentialsProvider.create()).build();
  }

  private static <T> List<T> all(Iterable<T> items) {
    return StreamSupport.stream(items.spliterator(), false).toList();
  }
}
