package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.privateendpoint.operator.apply.Change;
import io.privateendpoint.operator.cloud.UidNames;
import io.privateendpoint.operator.cloud.aws.AwsCallMetrics;
import io.privateendpoint.operator.cloud.aws.AwsClients;
import io.privateendpoint.operator.cloud.gcp.GcpCallMetrics;
import io.privateendpoint.operator.cloud.gcp.GcpClients;
import io.privateendpoint.operator.kube.KubeRequestCounter;
import io.privateendpoint.operator.kube.KubeView;
import io.privateendpoint.operator.metrics.CloudCallMetrics;
import io.privateendpoint.operator.model.KafkaPrivateEndpoint;
import io.privateendpoint.operator.plan.EndpointPlan;
import io.privateendpoint.operator.plan.PlannedBroker;
import io.privateendpoint.operator.reconcile.EndpointPreview;
import io.privateendpoint.operator.status.EventRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -jar kafka-private-endpoint-operator.jar plan -f endpoint.yaml [--flag value]...}: what the
 * operator would do for an endpoint, read-only. It reads the brokers from the cluster and the cloud as a
 * reconcile does and prints what would be created, changed and deleted, and which brokers would
 * restart — the same preview an endpoint held with spec.paused shows in its status.
 *
 * <p>Read-only is enforced, not promised: the Kubernetes client refuses any request that is not a read
 * (the request fails before it is sent), and the summary counts every request and cloud call made.
 * An endpoint that exists in the cluster is previewed with its uid and status (the ports it handed
 * out, the names of its cloud resources); a new one with a stand-in uid, whose derived names are shown
 * as {@code kpe-<uid>}.
 */
final class PlanCommand {

  /** Shown in place of names derived from a uid the API server has not assigned yet. */
  static final String NEW_NAME = "kpe-<uid>";
  private static final String STAND_IN_UID = "00000000-0000-0000-0000-00000000plan";
  private static final Set<String> READS = Set.of("get", "list", "watch");

  private PlanCommand() {}

  static String usage() {
    return "Usage: java -jar kafka-private-endpoint-operator.jar plan -f <endpoint.yaml | -> [--flag value]...\n"
        + "  Prints what the operator would create, change and delete for the endpoint, and which brokers would\n"
        + "  restart, reading the cluster (KUBECONFIG) and the cloud; it writes nothing. The flags are the\n"
        + "  operator's (--cluster-name, --gcp-compute-endpoint, ...; see --help). Exit status: 0 the preview is\n"
        + "  complete, 1 it stops early (the reason is printed), 2 bad usage.\n";
  }

  static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    String file = null;
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("-f") || args[i].equals("--filename")) {
        if (i + 1 >= args.length) {
          err.print("error: " + args[i] + " needs a file (or - for stdin)\n" + usage());
          return 2;
        }
        file = args[++i];
      } else if (args[i].startsWith("--filename=")) {
        file = args[i].substring("--filename=".length());
      } else {
        flags.add(args[i]);
      }
    }
    if (file == null) {
      err.print("error: plan needs -f <endpoint.yaml>\n" + usage());
      return 2;
    }
    OperatorSettings settings;
    KafkaPrivateEndpoint resource;
    try {
      settings = OperatorSettings.parse(flags.toArray(String[]::new), env);
      resource = read(file, in);
    } catch (IOException | RuntimeException e) {
      err.print("error: " + e.getMessage() + "\n" + usage());
      return 2;
    }
    Map<String, AtomicInteger> kubeReads = new TreeMap<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CloudCallMetrics cloudCalls = new CloudCallMetrics(registry);
    try (KubernetesClient client = KubeRequestCounter.client(Config.autoConfigure(null), (verb, kind) -> {
          if (!READS.contains(verb)) {
            throw new IllegalStateException("plan is read-only: refused to " + verb + " " + kind);
          }
          kubeReads.computeIfAbsent(verb + " " + kind, k -> new AtomicInteger()).incrementAndGet();
        });
        AwsClients aws = new AwsClients(List.of(new AwsCallMetrics(cloudCalls)), null, settings.awsCallRates());
        GcpClients gcp = new GcpClients(settings.gcpComputeEndpoint(), new GcpCallMetrics(cloudCalls), settings.gcpCallRates())) {
      String namespace = resource.getMetadata().getNamespace() != null ? resource.getMetadata().getNamespace()
          : client.getNamespace() != null ? client.getNamespace() : "default";
      resource.getMetadata().setNamespace(namespace);
      boolean exists = adoptFromCluster(client, resource);
      var wired = OperatorAssembly.wire(client, KubeView.direct(client), settings, Clock.systemUTC(), aws, gcp,
          new EventRecorder(client, Clock.systemUTC()), (r, p) -> null);
      EndpointPreview preview = wired.pipeline().preview(resource);
      String text = render(resource, exists, preview);
      out.print(exists ? text : text.replace(UidNames.base(resource), NEW_NAME)
          .replace(UidNames.base(resource).substring(0, 14), NEW_NAME));
      out.print(summary(kubeReads, registry));
      List<String> writes = cloudWrites(registry);
      if (!writes.isEmpty()) {
        err.println("error: the preview called cloud operations that are not reads: " + writes);
        return 3;
      }
      return preview.stop() == null ? 0 : 1;
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static KafkaPrivateEndpoint read(String file, InputStream in) throws IOException {
    try (InputStream source = "-".equals(file) ? in : Files.newInputStream(Path.of(file))) {
      KafkaPrivateEndpoint resource = Serialization.unmarshal(source, KafkaPrivateEndpoint.class);
      if (resource == null || resource.getMetadata() == null || resource.getMetadata().getName() == null
          || resource.getSpec() == null) {
        throw new IllegalArgumentException(file + " holds no KafkaPrivateEndpoint with metadata.name and spec");
      }
      return resource;
    }
  }

  /**
   * An endpoint of that name in the cluster lends its uid, generation and status: the names of what it
   * made and the ports it handed out. Otherwise the stand-in uid. True when it exists.
   */
  private static boolean adoptFromCluster(KubernetesClient client, KafkaPrivateEndpoint resource) {
    KafkaPrivateEndpoint live = client.resources(KafkaPrivateEndpoint.class)
        .inNamespace(resource.getMetadata().getNamespace()).withName(resource.getMetadata().getName()).get();
    if (live == null) {
      resource.getMetadata().setUid(STAND_IN_UID);
      resource.getMetadata().setGeneration(1L);
      resource.setStatus(null);
      return false;
    }
    resource.getMetadata().setUid(live.getMetadata().getUid());
    resource.getMetadata().setGeneration(live.getMetadata().getGeneration());
    resource.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    resource.setStatus(live.getStatus());
    return true;
  }

  static String render(KafkaPrivateEndpoint resource, boolean exists, EndpointPreview preview) {
    StringBuilder text = new StringBuilder();
    var meta = resource.getMetadata();
    text.append("KafkaPrivateEndpoint ").append(meta.getNamespace()).append('/').append(meta.getName())
        .append(exists ? " (exists)" : " (new)").append('\n');
    EndpointPlan plan = preview.plan();
    if (plan != null && plan.applicable()) {
      text.append("\nplan: ").append(plan.provider()).append(", listener ").append(plan.listenerName())
          .append(", bootstrap port(s) ").append(plan.bootstrapPortList()).append('\n');
      for (PlannedBroker b : plan.brokers()) {
        text.append("  broker ").append(b.nodeId()).append(": advertises ").append(b.advertised())
            .append(", load-balancer port ").append(b.port()).append(" → ").append(b.target())
            .append(b.zone() == null ? "" : " (zone " + b.zone() + ")").append('\n');
      }
    }
    text.append("\nchanges:\n");
    for (Change c : preview.changes()) {
      text.append("  ").append(switch (c.action()) {
        case CREATE -> "+ ";
        case UPDATE -> "~ ";
        case DELETE -> "- ";
      }).append(c.planned()).append('\n');
    }
    if (preview.changes().isEmpty()) {
      text.append("  (none)\n");
    }
    if (preview.stop() != null) {
      text.append("\nthe preview stops at ").append(preview.stop().type()).append(" (").append(preview.stop().reason())
          .append("): ").append(preview.stop().message()).append('\n');
    }
    text.append('\n').append(preview.summary()).append('\n');
    return text.toString();
  }

  /**
   * Cloud operations recorded that are not reads (AWS Describe*, Compute Get/List/AggregatedList):
   * a preview that made one is a bug, and says so rather than passing quietly.
   */
  static List<String> cloudWrites(SimpleMeterRegistry registry) {
    return registry.find(CloudCallMetrics.NAME).counters().stream().map(c -> c.getId().getTag("operation")).distinct()
        .filter(op -> !op.substring(op.lastIndexOf('.') + 1).matches("(Describe|Get|List|AggregatedList).*")).sorted().toList();
  }

  /** What was read to make the preview: every Kubernetes request and cloud call, none of them a write. */
  private static String summary(Map<String, AtomicInteger> kubeReads, SimpleMeterRegistry registry) {
    int kube = kubeReads.values().stream().mapToInt(AtomicInteger::get).sum();
    Map<String, Integer> calls = new TreeMap<>();
    registry.find(CloudCallMetrics.NAME).counters().stream()
        .filter(c -> !CloudCallMetrics.Outcome.retried.name().equals(c.getId().getTag("outcome")))
        .forEach(c -> calls.merge(c.getId().getTag("operation"), (int) ((Counter) c).count(), Integer::sum));
    int cloud = calls.values().stream().mapToInt(Integer::intValue).sum();
    return "read-only: " + kube + " Kubernetes read(s), " + cloud + " cloud call(s)"
        + (calls.isEmpty() ? "" : " (" + String.join(", ", calls.entrySet().stream()
            .map(e -> e.getKey() + (e.getValue() > 1 ? " ×" + e.getValue() : "")).toList()) + ")")
        + "; nothing was written\n";
  }
}
