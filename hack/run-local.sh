#!/usr/bin/env bash
# Runs the operator's main job on this machine, end to end, with nothing but this repository,
# against a local Kubernetes API server and an emulated cloud:
#   1. starts a local API server (kube-apiserver + etcd, as the tests use) and the sample's cloud:
#      AWS: moto, with a VPC and a subnet in three AZ IDs;
#      GCP: the Compute fake built from compute.proto, with the sample's network, subnetwork and
#      three node VMs in its zones,
#   2. simulates three brokers as the tests do: Nodes in three zones and, for a spec.kafka.statefulSet
#      sample, the StatefulSet and its Pods; for a spec.kafka.strimzi sample (config/samples/aws-strimzi.yaml),
#      Strimzi's Kafka and KafkaNodePool CRDs, the Kafka CR, a broker node pool with node ids 0-2 and
#      their Pods, and — once the operator has written its listener — the Kafka status Strimzi reports
#      after its rolling update (no Strimzi operator runs); the sample's own subnet IDs are replaced by
#      the emulated cloud's;
#      for a mode: Proxy sample (config/samples/proxy-bootstrapservers.yaml) it runs three real KRaft
#      brokers instead, and the proxy's replicas as real Kroxylicious JVMs, each in a network namespace
#      of its own (needs root and iproute2; 10.234.0.0/24, named kpl-*), the sample's bootstrapServers
#      replaced by the local brokers,
#   3. runs the operator jar (java -jar, as in a container) pointed at that cloud
#      (AWS_ENDPOINT_URL, or KPE_GCP_COMPUTE_ENDPOINT),
#   4. applies config/samples/aws-statefulset.yaml, or the sample you pass (any of config/samples/:
#      aws-statefulset, aws-strimzi, gcp-statefulset, proxy-bootstrapservers); a sample it cannot play
#      (mode: Proxy on GCP, spec.kafka.bootstrapServers without mode: Proxy, not a KafkaPrivateEndpoint)
#      is refused in one line before anything is built,
#   5. prints the conditions, the broker table and what the consumer's console needs
#      (endpoint service name or service attachment, bootstrap ports),
#   6. Proxy mode only: a consumer produces and consumes through the load-balancer ports as moto
#      holds them (each NLB listener port carried to its target group's targets),
#   7. deletes the endpoint, checks nothing is left in the cloud (nor the listener in Strimzi's Kafka,
#      nor, in Proxy mode, the proxy's Deployment, ConfigMap and PodDisruptionBudget), and stops everything.
set -euo pipefail
SAMPLE="${1:-config/samples/aws-statefulset.yaml}"

# Refuses, in one line and before any download or build, a sample the local run cannot play. A look at
# the YAML's keys only; LocalRun checks the parsed resource again with the same rules.
refuse() { echo "error: $SAMPLE: $*" >&2; exit 2; }
# A path from here, or from the repository's root (where the run happens).
if [[ -f "$SAMPLE" ]]; then
  SAMPLE="$(cd "$(dirname "$SAMPLE")" && pwd)/$(basename "$SAMPLE")"
elif [[ "$SAMPLE" != /* && -f "$(dirname "${BASH_SOURCE[0]}")/../$SAMPLE" ]]; then
  SAMPLE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$SAMPLE"
else
  refuse "no such file"
fi
has() { grep -Eq "$1" "$SAMPLE"; }
has '^kind:[[:space:]]*KafkaPrivateEndpoint[[:space:]]*$' || refuse "not a KafkaPrivateEndpoint (kind: KafkaPrivateEndpoint)"
has '^[[:space:]]+(aws|gcp):' || refuse "names no cloud: spec.aws or spec.gcp"
if has '^[[:space:]]+mode:[[:space:]]*"?Proxy"?[[:space:]]*(#.*)?$'; then
  has '^[[:space:]]+aws:' || refuse "the local run of mode: Proxy emulates AWS only (moto's load balancer);" \
    "use an AWS sample such as config/samples/proxy-bootstrapservers.yaml"
elif ! has '^[[:space:]]+(statefulSet|strimzi):'; then
  refuse "the local run simulates brokers of a spec.kafka.statefulSet or spec.kafka.strimzi;" \
    "spec.kafka.bootstrapServers needs mode: Proxy"
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_moto
cd "$KPE_ROOT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kpe-local.XXXXXX")"
echo "==> building (logs in $WORK)"
mvn -B -q -DskipTests install
mvn -B -q -f e2e/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"

status=0
java -cp "e2e/target/test-classes:$(cat "$WORK/classpath.txt")" -Dkpe.root="$KPE_ROOT" \
  -Dkpe.proxy.dir="$KPE_ROOT/proxy/target" \
  io.privateendpoint.e2e.support.LocalRun operator/target/kafka-private-endpoint-operator.jar "$SAMPLE" "$WORK" \
  || status=$?
if [[ $status -ne 0 ]]; then
  echo "==> failed; logs kept in $WORK" >&2
  tail -n 30 "$WORK/operator.log" >&2 2>/dev/null || true
  exit $status
fi
rm -rf "$WORK"
