package io.privateendpoint.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import io.privateendpoint.operator.app.OperatorAssembly;
import io.privateendpoint.operator.app.OperatorSettings;
import io.privateendpoint.operator.cloud.aws.AwsCallMetrics;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.gcp.GcpCallMetrics;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import io.privateendpoint.operator.metrics.ReconcileMetrics;
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
  public static LocallyRunOperatorExtension extension(AwsClients aws, String... flags) {
    return extension(aws, new GcpClients(LocalCompute.get().endpoint()), null, flags);
  }

  /**
   * As Main wires it for metrics: JOSDK's and the operator's own into {@code metrics}, every AWS and
   * Compute call counted by the SDK hooks — and still recorded by the suite's AwsCalls, to compare.
   */
  public static LocallyRunOperatorExtension extension(OperatorMetrics metrics, String... flags) {
    AwsClients aws = new AwsClients(List.of(MotoServer.get().calls(), new AwsCallMetrics(metrics.cloudCalls())),
        MotoServer.get().operatorCredentials());
    GcpClients gcp = new GcpClients(LocalCompute.get().endpoint(), new GcpCallMetrics(metrics.cloudCalls()));
    return extension(aws, gcp, metrics, flags);
  }

  /**
   * As {@link #extension(String...)}, with every request of the operator's Kubernetes client recorded
   * in {@code requests} and its passes counted in {@code passes}. The extension (the test) shares that
   * client, as JOSDK's own informers and status patches do: measure while the test sends nothing.
   */
  public static LocallyRunOperatorExtension extension(KubeRequests requests, ReconcileMetrics passes, String... flags) {
    AwsClients aws = new AwsClients(List.of(MotoServer.get().calls()), MotoServer.get().operatorCredentials());
    return extension(aws, new GcpClients(LocalCompute.get().endpoint()), null, requests, passes, flags);
  }

  /** With the given clients of both clouds (e.g. through a FaultProxy), reporting into {@code metrics} (may be null). */
  public static LocallyRunOperatorExtension extension(AwsClients aws, GcpClients gcp, OperatorMetrics metrics, String... flags) {
    return extension(aws, gcp, metrics, null, null, flags);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static LocallyRunOperatorExtension extension(AwsClients aws, GcpClients gcp, OperatorMetrics metrics,
      KubeRequests requests, ReconcileMetrics passes, String... flags) {
    // The suite's brokers are simulated (their pod IPs lead nowhere): no listener check unless a flag asks.
    OperatorSettings settings = OperatorSettings.parse(flags, Map.of("KPE_VERIFY_LISTENERS", "false"));
    KubernetesClient client = requests == null ? KubernetesApiServerExtension.cluster().newClient()
        : requests.client(KubernetesApiServerExtension.cluster());
    Consumer<ControllerConfigurationOverrider<KafkaPrivateEndpoint>> configure = o -> OperatorAssembly.configure(o, settings);
    ReconcileMetrics reconcileMetrics = passes != null ? passes : metrics != null ? metrics.reconcile() : ReconcileMetrics.unread();
    return LocallyRunOperatorExtension.builder()
        .withKubernetesClient(client)
        .withReconciler(OperatorAssembly.reconciler(client, settings, Clock.systemUTC(), aws, gcp,
            reconcileMetrics), (Consumer) configure)
        .withAdditionalCRD(ProjectCrds.files().stream().map(Path::toString).toArray(String[]::new))
        // Only an API server runs: namespaces never finish terminating without a controller-manager.
        .waitForNamespaceDeletion(false)
        // The extension closes the operator's client when it stops; this one serves every test method.
        .withConfigurationService(o -> {
          o.withCloseClientOnStop(false);
          OperatorAssembly.configureService(o);
          if (metrics != null) {
            o.withMetrics(metrics.josdk());
          }
        })
        .oneNamespacePerClass(true)
        .build();
  }
}
