#!/usr/bin/env bash
# Runs every test: unit tests, the CRD drift check, and the integration tests against a real
# Kubernetes API server, moto and real Kafka brokers. On a fresh machine it first builds
# kube-apiserver, etcd and helm with Go (a few minutes, once; cached in ~/.kubeapitest) and installs
# moto with pip if missing. Extra arguments go to Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_helm
kpe_moto
cd "$KPE_ROOT"
exec mvn -B verify "$@"
