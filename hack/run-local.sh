#!/usr/bin/env bash
# Runs the operator's main job on this machine, end to end, with nothing but this repository:
#   1. starts a local Kubernetes API server (kube-apiserver + etcd, as the tests use),
#   2. installs the CRD from crds/,
#   3. runs the operator jar against it (java -jar, as in a container),
#   4. applies a sample from config/samples/ (default: aws-strimzi.yaml; pass another path),
#   5. prints what the operator reports and what the consumer's console needs,
#   6. deletes the sample and stops everything.
# Set KPE_KEEP=1 to leave the API server and the operator running (KUBECONFIG is printed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
cd "$KPE_ROOT"

SAMPLE="${1:-config/samples/aws-strimzi.yaml}"
[[ -f "$SAMPLE" ]] || { echo "error: no sample at $SAMPLE" >&2; exit 2; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpe-local.XXXXXX")"
echo "==> building (logs and kubeconfig in $WORK)"
mvn -B -q -DskipTests install
mvn -B -q -f e2e/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"

API_PID="" OPERATOR_PID=""
cleanup() {
  local status=$?
  if [[ "${KPE_KEEP:-0}" == 1 && $status -eq 0 ]]; then
    echo "==> left running: export KUBECONFIG=$WORK/kubeconfig (operator pid $OPERATOR_PID, API server pid $API_PID)"
    return
  fi
  echo "==> cleaning up"
  if [[ -n "$OPERATOR_PID" ]]; then
    KUBECONFIG="$WORK/kubeconfig" kubectl delete -f "$SAMPLE" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    kill "$OPERATOR_PID" 2>/dev/null || true
    wait "$OPERATOR_PID" 2>/dev/null || true
  fi
  if [[ -n "$API_PID" ]]; then
    kill "$API_PID" 2>/dev/null || true   # its shutdown hook stops kube-apiserver and etcd
    wait "$API_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 ]]; then
    echo "==> failed; logs kept in $WORK" >&2
    tail -n 30 "$WORK"/*.log >&2 2>/dev/null || true
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

echo "==> starting a local Kubernetes API server"
java -cp "e2e/target/test-classes:$(cat "$WORK/classpath.txt")" -Dkpe.root="$KPE_ROOT" \
  io.privateendpoint.e2e.support.LocalApiServer "$WORK/kubeconfig" >"$WORK/apiserver.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 180); do
  [[ -f "$WORK/kubeconfig" ]] && break
  kill -0 "$API_PID" 2>/dev/null || { echo "error: the API server did not start" >&2; exit 1; }
  sleep 1
done
[[ -f "$WORK/kubeconfig" ]] || { echo "error: the API server did not start within 180 s" >&2; exit 1; }
export KUBECONFIG="$WORK/kubeconfig"

echo "==> installing the CRD"
kubectl apply --server-side -f crds/ >/dev/null
kubectl wait --for=condition=Established crd/kafkaprivateendpoints.kafka.privateendpoint.io --timeout=60s >/dev/null

echo "==> running the operator: java -jar operator/target/kafka-private-endpoint-operator.jar"
java -jar operator/target/kafka-private-endpoint-operator.jar --cluster-name local --resync-period 30s \
  >"$WORK/operator.log" 2>&1 &
OPERATOR_PID=$!

NAMESPACE="$(sed -n 's/^  namespace: *//p' "$SAMPLE" | head -n 1)"
NAMESPACE="${NAMESPACE:-default}"
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
echo "==> applying $SAMPLE"
kubectl apply -f "$SAMPLE"
NAME="$(kubectl get -f "$SAMPLE" -o jsonpath='{.metadata.name}')"
GENERATION="$(kubectl get -f "$SAMPLE" -o jsonpath='{.metadata.generation}')"
kubectl wait -n "$NAMESPACE" "kpe/$NAME" --for=jsonpath='{.status.observedGeneration}'="$GENERATION" --timeout=120s >/dev/null

echo
kubectl get -n "$NAMESPACE" kpe "$NAME"
echo
echo "Conditions:"
kubectl get -n "$NAMESPACE" kpe "$NAME" -o jsonpath='{range .status.conditions[*]}  {.type}={.status} ({.reason}): {.message}{"\n"}{end}'
echo
ENDPOINT="$(kubectl get -n "$NAMESPACE" kpe "$NAME" -o jsonpath='{.status.endpoint}')"
PORTS="$(kubectl get -n "$NAMESPACE" kpe "$NAME" -o jsonpath='{.status.bootstrapPorts}')"
echo "For the consumer's console:"
echo "  endpoint:        ${ENDPOINT:-(not provisioned yet: this release has no cloud provisioner)}"
echo "  bootstrap ports: ${PORTS}"
