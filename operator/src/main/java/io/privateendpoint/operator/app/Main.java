package io.privateendpoint.operator.app;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/** {@code java -jar kafka-private-endpoint-operator.jar [--flag value]...}; see {@link OperatorSettings}. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    List<String> arguments = Arrays.asList(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.print(OperatorSettings.usage());
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
    LoggerFactory.getLogger(Main.class).info("starting: cluster name {}, namespaces {}, resync every {}",
        settings.clusterName(), settings.watchesAllNamespaces() ? "all" : settings.namespaces(), settings.resyncPeriod());
    Operator operator = OperatorAssembly.operator(new KubernetesClientBuilder().build(), settings, Clock.systemUTC());
    operator.installShutdownHook(Duration.ofSeconds(10));
    operator.start();
  }
}
