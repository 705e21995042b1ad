#!/usr/bin/env bash
# Runs every test: unit tests, the CRD drift check, and the integration tests against a real
# Kubernetes API server, moto and real Kafka brokers, the Helm chart (helm built from the Go module
# proxy) and the container image (ImageTarballIT builds it from the packaged jar with
# hack/build-image.sh and runs it). On a fresh machine it first builds kube-apiserver, etcd and helm
# with Go (a few minutes, once; cached in ~/.kubeapitest), installs moto with pip if missing, and
# downloads the image's Debian packages once (~/.cache/kpe/image). The Argo CD health check runs
# first (Go, argocd/healthtest), and again after Maven over the objects the integration tests
# captured. Extra arguments go to Maven.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
kpe_kube_binaries
kpe_helm
kpe_moto
kpe_argocd_health
cd "$KPE_ROOT"
# Only this run's captures are checked.
rm -rf "$KPE_ROOT/e2e/target/argocd-captured"
mvn -B verify "$@"
# A run without extra arguments ran every integration test: each committed capture must be back.
KPE_ARGOCD_REQUIRE_ALL="$([[ $# -eq 0 ]] && echo 1 || echo 0)" kpe_argocd_captured
