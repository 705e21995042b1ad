#!/usr/bin/env bash
# Economy figures, measured side by side in one run (not timed: these machines are noisy).
# Runs the two provisioning scenarios that count cloud calls — AWS against moto, GCP against the
# Compute fake — and prints what they measured: mutating calls at creation, and the calls of one
# steady-state resync with 3 brokers and with 5 (the ratio shows whether a pass grows per broker).
# Then the proxy's figures (ProxyBench, a main in e2e: about two minutes, so not a test of
# ./hack/test.sh; needs root and iproute2 for its network namespaces, 10.235.0.0/24 named kpb-*):
# produce throughput (msg/s, MB/s) and p99 send→ack latency through a Kroxylicious replica versus
# straight to the brokers — real KRaft brokers, same topic, 512 B messages, acks=all — in alternating
# rounds, medians, and their ratio. Client → pod IP on both paths, no port mapper (see ProxyBench).
#
#   hack/bench.sh --scale [N]   instead: the scale figures (ScaleBench, a main in e2e; N defaults to 100,
#                               several minutes at 100). One operator JVM with the image's flags
#                               (config/jvm/operator-flags) and the chart's memory limit as its RAM, against
#                               a local API server and moto: one endpoint to Ready, then N at once, each on a
#                               StatefulSet of 6 simulated brokers over three AZ IDs; prints seconds until all
#                               Ready for 1 and for N and their ratio, the operator's peak RSS (VmHWM), cloud
#                               calls and Kubernetes requests per endpoint at creation and per steady-state
#                               pass (from the operator's kpe_cloud_calls_total and kpe_kube_requests_total),
#                               and seconds from a broker's pod IP change to its new target in moto.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_moto
cd "$KPE_ROOT"

if [[ "${1:-}" == "--scale" ]]; then
  scale="${2:-100}"
  [[ "$scale" =~ ^[1-9][0-9]*$ ]] || { echo "error: --scale takes a number of endpoints, not '$scale'" >&2; exit 2; }
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpe-bench-scale.XXXXXX")"
  LOG="$WORK/scale.log"
  # The operator's shaded jar and the e2e test classes, from this reactor (nothing installed into ~/.m2).
  mvn -B -q -DskipTests -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" -pl operator,e2e -am \
    package dependency:build-classpath
  # The operator runs on the image's own runtime: the jlinked OpenJDK 21 of hack/build-image.sh (cached by it),
  # started through Debian trixie's dynamic loader as build-image.sh runs the JDK's tools.
  hack/build-image.sh > "$WORK/image.log" 2>&1 || { cat "$WORK/image.log" >&2; exit 1; }
  image_cache="${XDG_CACHE_HOME:-$HOME/.cache}/kpe/image"
  jre="$(ls -d "$image_cache"/jre-* | head -n 1)"
  sysroot="$(ls -d "$image_cache"/sysroot-* | head -n 1)"
  operator_java="$sysroot/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path $sysroot/usr/lib/x86_64-linux-gnu $jre/bin/java"
  # KPE_BENCH_OPTS: ScaleBench's properties (see its javadoc), e.g. "-Dkpe.bench.throttle=rate -Dkpe.bench.ready.minutes=40".
  # shellcheck disable=SC2086
  java -cp "e2e/target/test-classes:$(cat "$WORK/classpath.txt")" -Dkpe.root="$KPE_ROOT" -Dkpe.operator.java="$operator_java" \
    ${KPE_BENCH_OPTS:-} io.privateendpoint.e2e.runtime.ScaleBench "$scale" > "$LOG" 2>&1 \
    || { tail -n 60 "$LOG" >&2; echo "scale benchmark failed; log: $LOG, operator log: target/operator-bench-*.log" >&2; exit 1; }
  grep -h '^==> ' "$LOG" | sed 's/^==> /    /'
  grep -h '^BENCH ' "$LOG" | sed 's/^BENCH /  /'
  rm -rf "$WORK"
  exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: hack/bench.sh [--scale [N]]" >&2; exit 2; }

LOG="$(mktemp "${TMPDIR:-/tmp}/kpe-bench.XXXXXX")"
mvn -B -q -DskipTests install
mvn -B -pl e2e verify -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='AwsPrivateLinkIT#provisionsKeepsTrueAndRemovesEverything,GcpPrivateServiceConnectIT#statefulSetEndpointProvisionsKeepsTrueAndRemovesEverything' \
  > "$LOG" 2>&1 || { tail -n 60 "$LOG" >&2; echo "benchmark run failed; log: $LOG" >&2; exit 1; }
# Without redirectTestOutputToFile there are no *-output.txt files: grep then exits 2, which under
# pipefail ended the script with status 2 after printing; the figures come from $LOG.
{ grep -h '^BENCH ' e2e/target/failsafe-reports/*-output.txt "$LOG" 2>/dev/null || true; } | sort -u | sed 's/^BENCH /  /'

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpe-bench-proxy.XXXXXX")"
mvn -B -q -f e2e/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"
java -cp "e2e/target/test-classes:$(cat "$WORK/classpath.txt")" -Dkpe.root="$KPE_ROOT" \
  -Dkpe.proxy.dir="$KPE_ROOT/proxy/target" io.privateendpoint.e2e.kafka.ProxyBench "$WORK/run" > "$LOG" 2>&1 \
  || { tail -n 60 "$LOG" >&2; echo "proxy benchmark failed; log: $LOG, work: $WORK" >&2; exit 1; }
grep -h '^--> round ' "$LOG" | sed 's/^--> /    /'
grep -h '^BENCH ' "$LOG" | sed 's/^BENCH /  /'
rm -rf "$LOG" "$WORK"
