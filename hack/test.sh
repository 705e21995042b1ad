#!/usr/bin/env bash
# Runs every test: unit tests, the CRD drift check, and the integration tests against a real
# Kubernetes API server, moto and real Kafka brokers, and the container image (ImageTarballIT builds
# it from the packaged jar with hack/build-image.sh and runs it). On a fresh machine it first builds
# kube-apiserver and etcd with Go (a few minutes, once; cached in ~/.kubeapitest) and installs
# moto with pip if missing; the image's Debian packages are downloaded once (~/.cache/kpe/image).
# Extra arguments go to Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_moto
cd "$KPE_ROOT"
exec mvn -B verify "$@"
