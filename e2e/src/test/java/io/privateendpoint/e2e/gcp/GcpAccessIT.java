package io.privateendpoint.e2e.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.Network;
import com.google.cloud.compute.v1.NetworksClient;
import com.google.cloud.compute.v1.NetworksSettings;
import io.privateendpoint.e2e.support.Endpoints;
import io.privateendpoint.e2e.support.compute.ComputeFake;
import io.privateendpoint.e2e.support.compute.IamRole;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.cloud.gcp.GcpEndpointProvisioner;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.status.ConditionReport;
import io.privateendpoint.operator.status.ConditionType;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The GCP access check (one read of spec.gcp.network, before any step applies anything) against the
 * Compute fake enforcing IAM: with the shipped role it passes; without compute.networks.get it names
 * the permission and the role to grant; a wrong network is named as such.
 */
class GcpAccessIT {

  private static final String PROJECT = "kpe-access-it";

  @Test
  void theAccessCheckNamesWhatIsMissing() throws Exception {
    List<String> role = IamRole.shipped().includedPermissions();
    List<String> withoutRead = role.stream().filter(p -> !p.equals("compute.networks.get")).toList();
    try (ComputeFake granted = ComputeFake.start(ComputeFake.Settings.defaults().granting(role));
        ComputeFake denied = ComputeFake.start(ComputeFake.Settings.defaults().granting(withoutRead))) {
      seedNetwork(granted);
      seedNetwork(denied);
      KafkaPrivateEndpoint resource = Endpoints.gcp("access", "{statefulSet: {name: kafka, configVolume: kafka-config}}",
          PROJECT, "psc-nat", "10.128.0.0/24");
      resource.getMetadata().setNamespace("kafka");
      resource.getMetadata().setUid(UUID.randomUUID().toString());

      ConditionReport ok = check(granted, resource);
      assertThat(ok.status()).isEqualTo("True");
      assertThat(ok.message()).contains("projects/" + PROJECT + "/global/networks/kafka-vpc");

      int beforeCheck = denied.mark();
      ConditionReport refused = check(denied, resource);
      assertThat(refused.type()).isEqualTo(ConditionType.CLOUD_ACCESS);
      assertThat(refused.status()).isEqualTo("False");
      assertThat(refused.reason()).isEqualTo("AccessDenied");
      assertThat(refused.message()).contains("compute.networks.get").contains("config/gcp/iam-role.yaml");
      assertThat(denied.callsSince(beforeCheck)).extracting(ComputeFake.Call::rpc, ComputeFake.Call::status)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("Networks.Get", 403));

      resource.getSpec().getGcp().setNetwork("no-such-vpc");
      ConditionReport missing = check(granted, resource);
      assertThat(missing.reason()).isEqualTo("NetworkNotFound");
      assertThat(missing.message()).startsWith("spec.gcp.network: ");
    }
  }

  private static ConditionReport check(ComputeFake fake, KafkaPrivateEndpoint resource) {
    try (GcpClients clients = new GcpClients(fake.endpoint())) {
      return new GcpEndpointProvisioner(clients, "it-access").checkAccess(resource);
    }
  }

  /** The project owner's network, made through the owner's endpoint. */
  private static void seedNetwork(ComputeFake fake) throws Exception {
    try (NetworksClient networks = NetworksClient.create(NetworksSettings.newBuilder().setEndpoint(fake.ownerEndpoint())
        .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      networks.insertAsync(PROJECT, Network.newBuilder().setName("kafka-vpc").setAutoCreateSubnetworks(false).build()).get();
    }
    // The brokers' subnetwork, which the access check reads too (spec.gcp.subnetwork).
    try (var subnetworks = com.google.cloud.compute.v1.SubnetworksClient.create(com.google.cloud.compute.v1.SubnetworksSettings
        .newBuilder().setEndpoint(fake.ownerEndpoint()).setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      subnetworks.insertAsync(PROJECT, "us-west1", com.google.cloud.compute.v1.Subnetwork.newBuilder().setName("brokers")
          .setNetwork("projects/" + PROJECT + "/global/networks/kafka-vpc").setIpCidrRange("10.60.0.0/20").build()).get();
    }
  }
}
