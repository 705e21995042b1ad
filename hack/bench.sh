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
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_moto
cd "$KPE_ROOT"

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
