package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.operator.app.OperatorAssembly;
import io.privateendpoint.operator.app.OperatorSettings;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The operator as Main wires it, run in the test JVM by JOSDK's LocallyRunOperatorExtension against
 * the shared API server; on AWS as moto's IAM user holding config/aws/iam-policy.json.
 */
public final class OperatorUnderTest {

  private OperatorUnderTest() {}

  public static LocallyRunOperatorExtension extension(String... flags) {
    return extension(new AwsClients(List.of(MotoServer.get().calls()), MotoServer.get().operatorCredentials()), flags);
  }

  /** As above, with the given AWS clients (e.g. credentials that fail, as with none in the chain). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static LocallyRunOperatorExtension extension(AwsClients aws, String... flags) {
    OperatorSettings settings = OperatorSettings.parse(flags, Map.of());
    KubernetesClient client = KubernetesApiServerExtension.cluster().newClient();
    Consumer<ControllerConfigurationOverrider<KafkaPrivateEndpoint>> configure = o -> OperatorAssembly.configure(o, settings);
    return LocallyRunOperatorExtension.builder()
        .withKubernetesClient(client)
        .withReconciler(OperatorAssembly.reconciler(client, settings, Clock.systemUTC(),
            aws, new GcpClients(LocalCompute.get().endpoint())),
            (Consumer) configure)
        .withAdditionalCRD(ProjectCrds.files().stream().map(Path::toString).toArray(String[]::new))
        // Only an API server runs: namespaces never finish terminating without a controller-manager.
        .waitForNamespaceDeletion(false)
        // The extension closes the operator's client when it stops; this one serves every test method.
        .withConfigurationService(o -> o.withCloseClientOnStop(false))
        .oneNamespacePerClass(true)
        .build();
  }
}
