package io.privateendpoint.e2e.support;

import static io.privateendpoint.e2e.support.LocalRun.say;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.gcp.GcpProject;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.operator.model.GcpSpec;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.model.KafkaPrivateEndpointStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The GCP half of hack/run-local.sh: the Compute fake (built from compute.proto) seeded with the
 * sample's network, brokers' subnetwork and three node VMs in the sample's zones; the operator jar
 * pointed at it with KPE_GCP_COMPUTE_ENDPOINT; afterwards, nothing of the endpoint may be left.
 */
final class LocalGcpRun {

  private static final List<String> COLLECTIONS =
      List.of("networkEndpointGroups", "backendServices", "forwardingRules", "serviceAttachments", "firewalls");

  private LocalGcpRun() {}

  static void run(BinaryApiServerCluster cluster, KubernetesClient client, KafkaPrivateEndpoint endpoint, Path jar,
      Path sample, Path work) throws Exception {
    GcpSpec spec = endpoint.getSpec().getGcp();
    ComputeFake fake = LocalCompute.get();
    GcpProject project = new GcpProject(spec.getProject(), spec.getNetwork(), spec.getSubnetwork());
    String ns = endpoint.getMetadata().getNamespace();
    LocalKafka.prepare(client, endpoint);
    KafkaCluster nodes = new KafkaCluster(client, ns);
    List<String> zones = endpoint.getSpec().getZones();
    for (int n = 1; n <= 3; n++) {
      String zone = zones.get((n - 1) % zones.size());
      project.node("gke-node-" + n, zone, n);
      nodes.gcpNode("gke-node-" + n, spec.getProject(), zone);
    }
    say("Compute fake at " + fake.endpoint() + ": network " + spec.getNetwork() + ", subnetwork " + spec.getSubnetwork()
        + ", VMs gke-node-1..3 in " + String.join(", ", zones) + " with pod alias ranges 10.61.n.0/24");
    LocalKafka kafka = LocalKafka.simulate(client, endpoint, "gke-node-", "10.61");
    say("simulated brokers: " + kafka.describe() + " (GKE-like)");

    Process operator = LocalRun.startOperator(cluster, jar, work, Map.of("KPE_GCP_COMPUTE_ENDPOINT", fake.endpoint()));
    say("operator: java -jar " + jar.getFileName() + " (KPE_GCP_COMPUTE_ENDPOINT=" + fake.endpoint()
        + ", where it holds only the permissions of config/gcp/iam-role.yaml)");
    try {
      client.resource(endpoint).create();
      String name = endpoint.getMetadata().getName();
      say("applied " + sample);
      KafkaPrivateEndpointStatus status = LocalRun.readyAfterRoll(client, kafka, ns, name);
      LocalRun.showTable(cluster, ns);
      System.out.println("For the consumer's console:");
      System.out.println("  service attachment: " + status.getServiceAttachment());
      System.out.println("  bootstrap ports:    " + status.getBootstrapPorts());
      System.out.println();
      LocalRun.deleteAndWait(client, ns, name, work, kafka);
      long left = COLLECTIONS.stream().mapToLong(c -> fake.resources(c).size()).sum()
          + project.subnetsNamed(spec.getPscNatSubnet().getName());
      say("deleted the endpoint: " + left + " NEGs, backend services, forwarding rules, service attachments,"
          + " firewall rules or NAT subnets left in the Compute fake");
      if (left != 0) {
        throw new IllegalStateException("cleanup left " + left + " Compute resources");
      }
    } finally {
      operator.destroy();
      operator.waitFor(15, TimeUnit.SECONDS);
    }
  }
}
