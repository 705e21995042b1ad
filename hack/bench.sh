#!/usr/bin/env bash
# Economy figures, measured side by side in one run (not timed: these machines are noisy).
# Runs the two provisioning scenarios that count cloud calls — AWS against moto, GCP against the
# Compute fake — and prints what they measured: mutating calls at creation, and the calls of one
# steady-state resync with 3 brokers and with 5 (the ratio shows whether a pass grows per broker).
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
grep -h '^BENCH ' e2e/target/failsafe-reports/*-output.txt "$LOG" 2>/dev/null | sort -u | sed 's/^BENCH /  /'
rm -f "$LOG"
