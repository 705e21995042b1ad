package io.privateendpoint.e2e.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.privateendpoint.e2e.runtime.ScaleScenario.Figures;
import io.privateendpoint.e2e.support.FaultProxy;
import io.privateendpoint.e2e.support.KubernetesApiServerExtension;
import io.privateendpoint.e2e.support.MotoServer;
import io.privateendpoint.e2e.support.TestCluster;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * hack/bench.sh --scale N: what N endpoints of six brokers cost one operator, measured in one run
 * against the real API server and moto (see {@link ScaleScenario} for the scenario). Prints BENCH lines:
 * seconds until all Ready for 1 and for N endpoints and their ratio, the operator's peak RSS, cloud
 * calls and Kubernetes requests per endpoint at creation and per steady-state pass, and seconds from a
 * broker's pod IP change to its new target. Not an IT: at N = 100 it takes several minutes.
 *
 * <p>Argument: N (default 100). Properties: kpe.bench.resync (seconds; default 60 + 2 s per endpoint,
 * longer than the creation of N, so that creation counts hold no resync pass); kpe.bench.throttle
 * (a fraction, 0.3 by default, or "rate": at N=100 with 5 reads and 2.5 writes granted, 78 endpoints were not Ready after 15 min), kpe.bench.grant.reads / .writes (per second per service, rate
 * mode: 5 and 2.5), kpe.bench.throttled.endpoints (N in rate mode, 5 for a fraction),
 * kpe.bench.ready.minutes (how long N endpoints may take to get Ready; see ScaleScenario.readyWithin).
 * hack/bench.sh passes them on from KPE_BENCH_OPTS.
 */
public final class ScaleBench {

  private ScaleBench() {}

  public static void main(String[] args) {
    try {
      run(args.length > 0 ? Integer.parseInt(args[0]) : 100);
    } catch (Throwable e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(int n) throws Exception {
    Duration resync = Duration.ofSeconds(Long.getLong("kpe.bench.resync", 60 + 2L * n));
    TestCluster cluster = KubernetesApiServerExtension.cluster();
    MotoServer moto = MotoServer.get();
    try (KubernetesClient client = cluster.newClient()) {
      ScaleScenario scenario = new ScaleScenario(cluster, client);
      List<Figures> runs = new ArrayList<>();
      runs.add(scenario.run("plain-" + n, moto.endpoint(), n, resync));
      // The same scenario against a busy account. With -Dkpe.bench.throttle=rate as AWS throttles, by rate: a proxy in front of
      // moto grants the operator fewer calls per second than its own ceiling (--aws-read-rate 8,
      // --aws-write-rate 4 per service) — reads and writes per service from token buckets, as if other
      // tools used the rest of the account's limits — and answers the excess with AWS's throttling
      // errors; at N endpoints. Or, with -Dkpe.bench.throttle=<fraction>, a random fraction of the requests
      // throttled whatever their rate, on fewer endpoints (5 by default): the SDK's adaptive retry mode
      // slows each client on every throttle, and a proxy that throttles however slowly it is called keeps
      // it near its floor (about one request per second per API), which real AWS, throttling by rate, does not.
      // Either way every endpoint must get Ready, with at most twice the requests of the run unthrottled.
      String mode = System.getProperty("kpe.bench.throttle", "0.3");
      boolean byRate = mode.equals("rate");
      double fraction = byRate ? 0 : Double.parseDouble(mode);
      int m = Integer.getInteger("kpe.bench.throttled.endpoints", byRate ? n : Math.min(n, 5));
      if ((byRate || fraction > 0) && m > 0) {
        Figures plain = m == n ? runs.get(0) : scenario.run("plain-" + m, moto.endpoint(), m, resync);
        if (m != n) {
          runs.add(plain);
        }
        double reads = Double.parseDouble(System.getProperty("kpe.bench.grant.reads", "5"));
        double writes = Double.parseDouble(System.getProperty("kpe.bench.grant.writes", "2.5"));
        Figures throttled;
        try (FaultProxy proxy = byRate ? FaultProxy.awsGranting(URI.create(moto.endpoint()), reads, writes, 10)
            : FaultProxy.aws(URI.create(moto.endpoint()), fraction, 13)) {
          throttled = scenario.run("throttled-" + m, proxy.uri().toString(), m, resync);
          System.out.printf("BENCH throttled run (%s): %d requests reached the proxy, %d answered as throttling (%.0f%%)%n",
              byRate ? String.format("granted %.1f reads and %.1f writes per second per service, burst 10", reads, writes)
                  : String.format("%.0f%% at random", 100 * fraction),
              proxy.requests(), proxy.injected(), 100.0 * proxy.injected() / Math.max(1, proxy.requests()));
        }
        runs.add(throttled);
        double ratio = (throttled.creation().cloudCalls() + throttled.creation().cloudRetries())
            / Math.max(1, plain.creation().cloudCalls() + plain.creation().cloudRetries());
        System.out.printf("BENCH throttled / plain cloud requests at creation, %d endpoints: %.2f (bound 2.00) %s%n", m,
            ratio, ratio <= 2.0 ? "ok" : "OVER");
      }
      print(runs);
    }
  }

  /** BENCH lines, one column per run, so that a throttled run reads beside the plain one. */
  static void print(List<Figures> runs) {
    Figures first = runs.get(0);
    System.out.printf("BENCH scale: %d endpoints x %d brokers, one operator, JVM %s (MaxRAM: the chart's memory limit)%n",
        first.endpoints(), ScaleScenario.BROKERS, String.join(" ", first.jvmFlags()));
    row(runs, "run", Figures::label);
    row(runs, "seconds until Ready, 1 endpoint", f -> String.format("%.1f", f.readyOneSeconds()));
    row(runs, "seconds until all Ready (N of the run)", f -> String.format("%.1f", f.readyAllSeconds()));
    row(runs, "ratio all/1", f -> String.format("%.1f", f.ratio()));
    row(runs, "operator peak RSS MiB (VmHWM)", f -> mib(f.peakRssKiB()));
    row(runs, "operator max sampled RSS MiB", f -> mib(f.maxSampledRssKiB()));
    row(runs, "operator RSS MiB after steady pass", f -> mib(f.steadyRssKiB()));
    row(runs, "cloud calls per endpoint, creation", f -> String.format("%.1f", f.perEndpoint(f.creation().cloudCalls())));
    row(runs, "  + SDK retries per endpoint", f -> String.format("%.1f", f.perEndpoint(f.creation().cloudRetries())));
    row(runs, "  total cloud requests, creation", f -> String.format("%.0f", f.creation().cloudCalls() + f.creation().cloudRetries()));
    row(runs, "  calls still throttled, creation", f -> String.format("%.0f", f.creation().cloudThrottled()));
    row(runs, "kube requests per endpoint, creation", f -> String.format("%.1f", f.perEndpoint(f.creation().kubeRequests())));
    row(runs, "steady-state passes counted", f -> String.format("%.0f", f.steadyPasses()));
    row(runs, "cloud calls per endpoint per steady pass", f -> String.format("%.2f", f.perPass(f.steady().cloudCalls())));
    row(runs, "kube requests per endpoint per steady pass", f -> String.format("%.2f", f.perPass(f.steady().kubeRequests())));
    row(runs, "watches opened (creation / steady)", f -> String.format("%.0f / %.0f", f.creation().kubeWatches(),
        f.steady().kubeWatches()));
    row(runs, "seconds from pod IP change to new target", f -> String.format("%.1f", f.ipChangeSeconds()));
    for (Figures f : runs) {
      System.out.println("BENCH " + f.label() + " creation per endpoint, cloud: "
          + ScaleScenario.top(f.creation().cloudByOperation(), f.endpoints(), 40));
      System.out.println("BENCH " + f.label() + " creation per endpoint, kube: "
          + ScaleScenario.top(f.creation().kubeByRequest(), f.endpoints(), 40));
      System.out.println("BENCH " + f.label() + " steady per pass, cloud: "
          + ScaleScenario.top(f.steady().cloudByOperation(), f.steadyPasses(), 40));
      System.out.println("BENCH " + f.label() + " steady per pass, kube: "
          + ScaleScenario.top(f.steady().kubeByRequest(), f.steadyPasses(), 40));
    }
  }

  private static void row(List<Figures> runs, String name, Function<Figures, String> value) {
    StringBuilder line = new StringBuilder(String.format("BENCH %-44s", name));
    runs.forEach(f -> line.append(String.format(" %12s", value.apply(f))));
    System.out.println(line);
  }

  private static String mib(long kib) {
    return String.format("%.0f", kib / 1024.0);
  }
}
