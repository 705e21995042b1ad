package io.privateendpoint.operator.app;

import io.privateendpoint.operator.cloud.CloudCallRates;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's settings. Each comes from a flag or, failing that, an environment variable
 * (the Helm chart sets the variables); a flag wins over the variable.
 *
 * @param clusterName  stamped on every cloud resource so two clusters sharing an account never touch each other's
 * @param namespaces   namespaces to watch; empty watches all
 * @param resyncPeriod how often a resource is reconciled without an event, to repair drift
 * @param logFormat    text or json
 * @param logLevel     root log level
 * @param gcpComputeEndpoint the Compute Engine API endpoint; empty for Google's own
 * @param leaderElection whether replicas elect one leader through a Lease, and which
 * @param healthPort   port of /healthz and /readyz; 0 serves neither
 * @param metricsPort  port of /metrics; 0 serves nothing
 * @param proxyImage   image of Proxy-mode proxy pods when spec.proxy.image is unset
 * @param revertBackoff how long the operator waits before writing back a listener reverted a second
 *                     time; each further revert doubles the wait, up to an hour
 * @param verifyListeners whether the operator checks, at the Kafka protocol, what each broker advertises
 *                     on an endpoint's listener (Verified); off only where the operator cannot reach the
 *                     brokers' pods (the tests' simulated brokers)
 * @param awsCallRates  the operator's own ceiling on AWS calls per second, per region and API
 * @param gcpCallRates  the operator's own ceiling on Compute calls per second, per project
 */
public record OperatorSettings(String clusterName, Set<String> namespaces, Duration resyncPeriod,
    LogFormat logFormat, String logLevel, String gcpComputeEndpoint, LeaderElection leaderElection,
    int healthPort, int metricsPort, String proxyImage, Duration revertBackoff, boolean verifyListeners,
    CloudCallRates awsCallRates, CloudCallRates gcpCallRates) {

  /** The image this build is published as; it carries the proxy under /app/proxy. */
  public static final String OWN_IMAGE = "kafka-private-endpoint-operator:" + Version.imageTag();

  public enum LogFormat { text, json }

  /**
   * Leader election through a coordination.k8s.io Lease: with it on, only the replica holding the
   * Lease reconciles; the others wait, ready, to take over.
   *
   * @param enabled   off by default: one replica needs no Lease (nor the RBAC for it)
   * @param namespace where the Lease lives, the operator's own namespace (the downward API's POD_NAMESPACE);
   *                  null when election is off and none was given
   * @param leaseName the Lease's name
   * @param identity  this replica's name in the Lease's holderIdentity: POD_NAME, else HOSTNAME, else a random id
   */
  public record LeaderElection(boolean enabled, String namespace, String leaseName, String identity) {}

  /** One setting: its flag, environment variable, default and what it means. */
  enum Setting {
    CLUSTER_NAME("cluster-name", "KPE_CLUSTER_NAME", "default",
        "name of this Kubernetes cluster, stamped on every cloud resource as its owner (1-63 of [a-z0-9-])"),
    NAMESPACES("namespaces", "KPE_WATCH_NAMESPACES", "",
        "comma-separated namespaces to watch; empty watches all namespaces", "all"),
    RESYNC_PERIOD("resync-period", "KPE_RESYNC_PERIOD", "10m",
        "reconcile every resource at least this often to repair drift (e.g. 30s, 10m, 1h, or ISO-8601 PT10M)"),
    LOG_FORMAT("log-format", "KPE_LOG_FORMAT", "text", "text or json (one JSON object per line)"),
    LOG_LEVEL("log-level", "KPE_LOG_LEVEL", "info", "trace, debug, info, warn or error"),
    GCP_COMPUTE_ENDPOINT("gcp-compute-endpoint", "KPE_GCP_COMPUTE_ENDPOINT", "",
        "Compute Engine API endpoint, e.g. a Private Service Connect endpoint for Google APIs"
            + " (https://compute-kpe.p.googleapis.com) or a local fake (http://127.0.0.1:8089, sent no credentials);"
            + " empty for Google's own", "https://compute.googleapis.com"),
    LEADER_ELECTION("leader-election", "KPE_LEADER_ELECTION", "false",
        "true or false: elect one leader among replicas through a Lease; only the leader reconciles"),
    LEADER_ELECTION_NAMESPACE("leader-election-namespace", "KPE_LEADER_ELECTION_NAMESPACE", "",
        "namespace of the Lease (the operator's own); required with leader election", "$POD_NAMESPACE"),
    LEADER_ELECTION_LEASE("leader-election-lease", "KPE_LEADER_ELECTION_LEASE", "kafka-private-endpoint-operator",
        "name of the Lease"),
    HEALTH_PORT("health-port", "KPE_HEALTH_PORT", "8081",
        "port serving GET /healthz (liveness) and /readyz (readiness); 0 disables"),
    METRICS_PORT("metrics-port", "KPE_METRICS_PORT", "8080", "port serving GET /metrics (Prometheus text); 0 disables"),
    PROXY_IMAGE("proxy-image", "KPE_PROXY_IMAGE", "",
        "image of Proxy-mode proxy pods when spec.proxy.image is unset (the chart sets the operator's own image,"
            + " which carries Kroxylicious under /app/proxy)", OWN_IMAGE),
    REVERT_BACKOFF("revert-backoff", "KPE_REVERT_BACKOFF", "1m",
        "when someone keeps reverting the listener the operator wrote (GitOps self-heal), wait this long before"
            + " writing it back the second time, doubling with each revert up to 1h; the first revert is written back"
            + " at once (e.g. 30s, 1m, PT1M)"),
    VERIFY_LISTENERS("verify-listeners", "KPE_VERIFY_LISTENERS", "true",
        "true or false: check what each broker advertises on an endpoint's listener with a Kafka Metadata request to"
            + " its pod (Verified is True only when every broker lists every broker at its planned name and port)"),
    AWS_READ_RATE("aws-read-rate", "KPE_AWS_READ_RATE", rate(CloudCallRates.AWS_DEFAULT.readsPerSecond()),
        "most AWS read calls (Describe*) per second, per region and API (EC2, ELB); 0 for no limit"),
    AWS_WRITE_RATE("aws-write-rate", "KPE_AWS_WRITE_RATE", rate(CloudCallRates.AWS_DEFAULT.writesPerSecond()),
        "most AWS mutating calls per second, per region and API; 0 for no limit"),
    GCP_READ_RATE("gcp-read-rate", "KPE_GCP_READ_RATE", rate(CloudCallRates.GCP_DEFAULT.readsPerSecond()),
        "most Compute read calls (get, list, operation polls) per second, per project and quota group; 0 for no limit"),
    GCP_WRITE_RATE("gcp-write-rate", "KPE_GCP_WRITE_RATE", rate(CloudCallRates.GCP_DEFAULT.writesPerSecond()),
        "most Compute mutating calls per second, per project; 0 for no limit");

    final String flag;
    final String env;
    final String defaultValue;
    final String help;
    /** The default as --help shows it, when the value itself ("") would say nothing. */
    final String shownDefault;

    Setting(String flag, String env, String defaultValue, String help) {
      this(flag, env, defaultValue, help, defaultValue);
    }

    Setting(String flag, String env, String defaultValue, String help, String shownDefault) {
      this.flag = flag;
      this.env = env;
      this.defaultValue = defaultValue;
      this.help = help;
      this.shownDefault = shownDefault;
    }
  }

  /** Set by the downward API in the chart's Deployment: the operator's namespace and pod name. */
  static final String POD_NAMESPACE = "POD_NAMESPACE";
  static final String POD_NAME = "POD_NAME";

  private static final Pattern CLUSTER_NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
  private static final Pattern SHORT_DURATION = Pattern.compile("^([0-9]+)(ms|s|m|h)$");
  private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
  /** RFC 1123 label (a namespace) and subdomain (a Lease's name), as the API server checks them. */
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$");

  /** Thrown for a bad flag or value; the message says which. */
  public static final class InvalidSettingException extends IllegalArgumentException {
    InvalidSettingException(String message) {
      super(message);
    }
  }

  /**
   * Reads flags ({@code --name=value} or {@code --name value}) over environment variables over defaults;
   * {@code env} also gives POD_NAMESPACE, POD_NAME and HOSTNAME for leader election.
   */
  public static OperatorSettings parse(String[] args, Map<String, String> env) {
    Map<Setting, String> values = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      values.put(s, env.getOrDefault(s.env, s.defaultValue).trim());
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new InvalidSettingException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Setting setting = setting(name);
      if (value == null && setting == Setting.LEADER_ELECTION && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        value = "true"; // a bare --leader-election turns it on
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new InvalidSettingException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      values.put(setting, value.trim());
    }
    return new OperatorSettings(
        clusterName(values.get(Setting.CLUSTER_NAME)),
        namespaces(values.get(Setting.NAMESPACES)),
        duration(Setting.RESYNC_PERIOD, values.get(Setting.RESYNC_PERIOD)),
        logFormat(values.get(Setting.LOG_FORMAT)),
        logLevel(values.get(Setting.LOG_LEVEL)),
        endpoint(Setting.GCP_COMPUTE_ENDPOINT, values.get(Setting.GCP_COMPUTE_ENDPOINT)),
        leaderElection(values, env),
        port(Setting.HEALTH_PORT, values.get(Setting.HEALTH_PORT)),
        port(Setting.METRICS_PORT, values.get(Setting.METRICS_PORT)),
        values.get(Setting.PROXY_IMAGE).isEmpty() ? OWN_IMAGE : values.get(Setting.PROXY_IMAGE),
        duration(Setting.REVERT_BACKOFF, values.get(Setting.REVERT_BACKOFF)),
        bool(Setting.VERIFY_LISTENERS, values.get(Setting.VERIFY_LISTENERS)),
        new CloudCallRates(rate(Setting.AWS_READ_RATE, values), rate(Setting.AWS_WRITE_RATE, values)),
        new CloudCallRates(rate(Setting.GCP_READ_RATE, values), rate(Setting.GCP_WRITE_RATE, values)));
  }

  private static String rate(double perSecond) {
    return perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
  }

  /** Calls per second: a decimal number, 0 for no limit. */
  private static double rate(Setting setting, Map<Setting, String> values) {
    String value = values.get(setting);
    try {
      double rate = Double.parseDouble(value);
      if (rate >= 0 && rate <= 10_000 && !Double.isNaN(rate)) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException("--" + setting.flag + " '" + value + "' must be calls per second, such as 5 or 0.5"
        + " (0 for no limit)");
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }

  public static String usage() {
    StringBuilder text = new StringBuilder("Usage: java -jar kafka-private-endpoint-operator.jar [--flag value]...\n"
        + "       java -jar kafka-private-endpoint-operator.jar plan -f <endpoint.yaml> [--flag value]...   (read-only preview)\n"
        + "       java -jar kafka-private-endpoint-operator.jar --help | --version\n\n");
    for (Setting s : Setting.values()) {
      text.append(String.format(Locale.ROOT, "  --%-26s %-30s %s (default: %s)%n", s.flag, s.env, s.help, s.shownDefault));
    }
    text.append("\nThe cluster is found from KUBECONFIG (or ~/.kube/config) or the in-cluster service account.\n");
    text.append("With leader election, this replica's identity in the Lease is $POD_NAME, else $HOSTNAME, else a random id.\n");
    return text.toString();
  }

  private static Setting setting(String flag) {
    return Arrays.stream(Setting.values()).filter(s -> s.flag.equals(flag)).findFirst()
        .orElseThrow(() -> new InvalidSettingException("unknown flag --" + flag));
  }

  private static String clusterName(String value) {
    if (!CLUSTER_NAME.matcher(value).matches()) {
      throw new InvalidSettingException("cluster name '" + value + "' must be 1-63 lowercase letters, digits or dashes");
    }
    return value;
  }

  private static Set<String> namespaces(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  static Duration duration(Setting setting, String value) {
    Duration parsed;
    Matcher m = SHORT_DURATION.matcher(value);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      parsed = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        parsed = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new InvalidSettingException("--" + setting.flag + " '" + value + "' is not a duration such as 30s, 10m or PT10M");
      }
    }
    if (parsed.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidSettingException("--" + setting.flag + " must be at least 1s");
    }
    return parsed;
  }

  /** Empty, or an absolute http(s) URL with a host and nothing after it but a port. */
  static String endpoint(Setting setting, String value) {
    if (value.isEmpty()) {
      return value;
    }
    try {
      URI uri = new URI(value);
      boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || "/".equals(uri.getPath()))
          && uri.getQuery() == null && uri.getFragment() == null;
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null && bare) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidSettingException("--" + setting.flag + " '" + value + "' must be an http(s) URL such as"
        + " https://compute.googleapis.com, without a path");
  }

  private static LeaderElection leaderElection(Map<Setting, String> values, Map<String, String> env) {
    boolean enabled = bool(Setting.LEADER_ELECTION, values.get(Setting.LEADER_ELECTION));
    String namespace = values.get(Setting.LEADER_ELECTION_NAMESPACE);
    if (namespace.isEmpty()) {
      namespace = env.getOrDefault(POD_NAMESPACE, "").trim();
    }
    if (namespace.isEmpty()) {
      if (enabled) {
        throw new InvalidSettingException("--leader-election needs the Lease's namespace: set --leader-election-namespace"
            + " (KPE_LEADER_ELECTION_NAMESPACE) or POD_NAMESPACE (the downward API's metadata.namespace)");
      }
      namespace = null;
    } else if (!DNS_LABEL.matcher(namespace).matches()) {
      throw new InvalidSettingException("--leader-election-namespace '" + namespace + "' is not a namespace name"
          + " (1-63 lowercase letters, digits or dashes)");
    }
    String lease = values.get(Setting.LEADER_ELECTION_LEASE);
    if (!DNS_SUBDOMAIN.matcher(lease).matches()) {
      throw new InvalidSettingException("--leader-election-lease '" + lease + "' is not a Lease name"
          + " (lowercase letters, digits, dashes and dots, at most 253)");
    }
    return new LeaderElection(enabled, namespace, lease, identity(env));
  }

  /** The pod's name (downward API), else the host name a pod gets anyway, else a random id: unique per replica. */
  private static String identity(Map<String, String> env) {
    for (String name : new String[] {POD_NAME, "HOSTNAME"}) {
      String value = env.getOrDefault(name, "").trim();
      if (!value.isEmpty()) {
        return value;
      }
    }
    return UUID.randomUUID().toString();
  }

  private static boolean bool(Setting setting, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidSettingException("--" + setting.flag + " '" + value + "' must be true or false");
    };
  }

  private static int port(Setting setting, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidSettingException("--" + setting.flag + " '" + value + "' must be a port 1-65535, or 0 to disable");
  }

  private static LogFormat logFormat(String value) {
    try {
      return LogFormat.valueOf(value.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("--log-format '" + value + "' must be text or json");
    }
  }

  private static String logLevel(String value) {
    String level = value.toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(level)) {
      throw new InvalidSettingException("--log-level '" + value + "' must be one of trace, debug, info, warn, error");
    }
    return level;
  }
}
