package io.privateendpoint.operator.app;

import io.javaoperatorsdk.operator.Operator;
import io.privateendpoint.operator.kube.KubeRequestCounter;
import io.privateendpoint.operator.metrics.OperatorMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar kafka-private-endpoint-operator.jar [--flag value]...}; see {@link OperatorSettings}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    List<String> arguments = Arrays.asList(args);
    if (!arguments.isEmpty() && arguments.get(0).equals("plan")) {
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      if (arguments.contains("--help") || arguments.contains("-h")) {
        System.out.print(PlanCommand.usage());
        return;
      }
      // Standard output is the preview: what the parts log goes to standard error, warnings only.
      LogSetup.configure(OperatorSettings.LogFormat.text, "WARN", true);
      System.exit(PlanCommand.run(rest, System.getenv(), System.in, System.out, System.err));
      return;
    }
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(OperatorSettings.usage());
      return;
    }
    if (arguments.contains("--version")) {
      System.out.println("kafka-private-endpoint-operator " + Version.current());
      return;
    }
    OperatorSettings settings;
    try {
      settings = OperatorSettings.parse(args, System.getenv());
    } catch (OperatorSettings.InvalidSettingException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(OperatorSettings.usage());
      System.exit(2);
      return;
    }
    LogSetup.configure(settings.logFormat(), settings.logLevel());
    Logger log = LoggerFactory.getLogger(Main.class);
    OperatorSettings.LeaderElection election = settings.leaderElection();
    log.info("starting: cluster name {}, namespaces {}, resync every {}, leader election {}",
        settings.clusterName(), settings.watchesAllNamespaces() ? "all" : settings.namespaces(), settings.resyncPeriod(),
        election.enabled() ? "on (Lease " + election.namespace() + "/" + election.leaseName() + ", identity "
            + election.identity() + ")" : "off");
    OperatorMetrics metrics = new OperatorMetrics();
    Leadership leadership = new Leadership(election);
    Operator operator = OperatorAssembly.operator(KubeRequestCounter.client(metrics.kubeRequests()::record), settings, Clock.systemUTC(), metrics,
        leadership);
    OperatorHealth health = new OperatorHealth(operator, leadership);
    try {
      // Before the start, which waits for the informers to sync: the kubelet's probes get an answer throughout.
      HttpEndpoints.start(settings, health, metrics);
      if (!election.enabled()) {
        // With leader election JOSDK installs no hook on purpose: losing the lease exits the process,
        // which must not happen inside a shutdown hook. The lease then lapses after its duration.
        operator.installShutdownHook(Duration.ofSeconds(10));
      }
      operator.start();
      health.started();
    } catch (IOException | RuntimeException e) {
      // The HTTP servers' threads would keep a failed operator's JVM alive: exit so the pod restarts.
      log.error("cannot start the operator", e);
      System.exit(1);
    }
  }
}
