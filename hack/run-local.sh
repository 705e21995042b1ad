#!/usr/bin/env bash
# Runs the operator's main job on this machine, end to end, with nothing but this repository:
# the AWS PrivateLink flow against a local Kubernetes API server and moto (AWS emulator):
#   1. starts a local API server (kube-apiserver + etcd, as the tests use) and moto,
#      creates a VPC with a subnet in three AZ IDs in moto,
#   2. simulates three brokers as the tests do (Nodes in three AZs, a StatefulSet, its Pods),
#   3. runs the operator jar (java -jar, as in a container) with AWS_ENDPOINT_URL pointing at moto,
#   4. applies config/samples/aws-statefulset.yaml (or the sample you pass) with moto's VPC,
#   5. prints the conditions, the broker table and what the consumer's console needs
#      (endpoint service name, bootstrap ports),
#   6. deletes the endpoint, checks nothing is left in moto, and stops everything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_moto
cd "$KPE_ROOT"

SAMPLE="${1:-config/samples/aws-statefulset.yaml}"
[[ -f "$SAMPLE" ]] || { echo "error: no sample at $SAMPLE" >&2; exit 2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpe-local.XXXXXX")"
echo "==> building (logs in $WORK)"
mvn -B -q -DskipTests install
mvn -B -q -f e2e/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"

status=0
java -cp "e2e/target/test-classes:$(cat "$WORK/classpath.txt")" -Dkpe.root="$KPE_ROOT" \
  io.privateendpoint.e2e.support.LocalAwsRun operator/target/kafka-private-endpoint-operator.jar "$SAMPLE" "$WORK" \
  || status=$?
if [[ $status -ne 0 ]]; then
  echo "==> failed; logs kept in $WORK" >&2
  tail -n 30 "$WORK/operator.log" >&2 2>/dev/null || true
  exit $status
fi
rm -rf "$WORK"
