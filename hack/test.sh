#!/usr/bin/env bash
# Runs every test: unit tests, the CRD drift check, and the integration tests against a real
# Kubernetes API server, moto and real Kafka brokers, the Helm chart (helm built from the Go module
# proxy) and the container image (ImageTarballIT builds it from the packaged jar with
# hack/build-image.sh and runs it). On a fresh machine it first builds kube-apiserver, etcd and helm
# with Go (a few minutes, once; cached in ~/.kubeapitest), installs moto with pip if missing, and
# downloads the image's Debian packages once (~/.cache/kpe/image). Extra arguments go to Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_helm
kpe_moto
cd "$KPE_ROOT"
exec mvn -B verify "$@"
