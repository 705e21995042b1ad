#!/usr/bin/env bash
# Builds the helm CLI with the machine's Go from the Go module proxy, for the chart's tests
# (KPE_HELM_VERSION=4.3.1 builds Helm 4, which renders the chart identically):
# <dir>/helm/<version>/helm (<dir> = $KUBE_API_TEST_DIR or ~/.kubeapitest, beside kube-apiserver).
#
# Why: these machines reach no release download, only package registries. helm.sh/helm/v3's
# go.mod has no replace directives, so `go install <module>/cmd/helm@<version>` builds it as
# released; the ldflags are the ones helm's Makefile sets (version, and the Kubernetes version
# `helm template` and `helm lint` assume, derived from the client-go it is built with).
# Built once, cached; a no-op when the binary is present.
set -euo pipefail

HELM_VERSION="${KPE_HELM_VERSION:-3.22.0}"
HELM_MAJOR="${HELM_VERSION%%.*}"
TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
DEST="$TEST_DIR/helm/${HELM_VERSION}"

if [[ -x "$DEST/helm" ]]; then
  echo "helm present in $DEST"
  exit 0
fi
command -v go >/dev/null || { echo "build-helm.sh: Go is required to build helm" >&2; exit 1; }

MODULE="helm.sh/helm/v${HELM_MAJOR}"
export GOTOOLCHAIN=local CGO_ENABLED=0
mkdir -p "$DEST"
echo "building helm v${HELM_VERSION} from the Go module proxy into $DEST (first run: a few minutes)"
# The Kubernetes version helm assumes offline: client-go v0.Y.Z → 1.Y, as helm's Makefile computes it.
gomod="$(go mod download -json "${MODULE}@v${HELM_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
client_go="$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$gomod" | head -1)"
[[ -n "$client_go" ]] || { echo "build-helm.sh: no k8s.io/client-go in $gomod" >&2; exit 1; }
LDFLAGS="-s -w -X ${MODULE}/internal/version.version=v${HELM_VERSION} -X ${MODULE}/internal/version.metadata="
LDFLAGS+=" -X ${MODULE}/internal/version.gitTreeState=clean"
if [[ "$HELM_MAJOR" == 3 ]]; then # helm 4 reads the client-go version from its build info
  for pkg in pkg/lint/rules pkg/chartutil; do
    LDFLAGS+=" -X ${MODULE}/${pkg}.k8sVersionMajor=1 -X ${MODULE}/${pkg}.k8sVersionMinor=${client_go}"
  done
fi
tmp="$(mktemp -d "$DEST/.build.XXXXXX")"
GOBIN="$tmp" GOFLAGS=-mod=mod go install -trimpath -ldflags "$LDFLAGS" "${MODULE}/cmd/helm@v${HELM_VERSION}"
mv "$tmp/helm" "$DEST/helm"
rmdir "$tmp"
"$DEST/helm" version
echo "helm ready in $DEST"
