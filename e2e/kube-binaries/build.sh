#!/usr/bin/env bash
# Builds kube-apiserver and etcd with the machine's Go from the Go module proxy into
# fabric8 kube-api-test's layout: <dir>/k8s/<X.Y.Z>-linux-amd64/{kube-apiserver,etcd,kubectl}.
#
# Why: the tests need a real API server, these machines have no internet besides package
# registries, and kube-api-test would download release binaries. k8s.io/kubernetes cannot be
# `go install`ed (its go.mod replaces the k8s.io staging modules with ./staging paths), so a
# small module requires k8s.io/kubernetes and replaces each staging module by its published
# v0.Y.Z. Built once, cached; a no-op when the three files are present.
set -euo pipefail

K8S_VERSION="${KPE_K8S_VERSION:-1.34.1}"
ETCD_VERSION="${KPE_ETCD_VERSION:-3.6.4}"   # the etcd that Kubernetes ${K8S_VERSION} pins
TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
DEST="$TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -x "$DEST/kube-apiserver" && -x "$DEST/etcd" && -x "$DEST/kubectl" ]]; then
  echo "kube binaries present in $DEST"
  exit 0
fi
command -v go >/dev/null || { echo "build.sh: Go is required to build kube-apiserver and etcd" >&2; exit 1; }

MINOR="${K8S_VERSION#*.}"; MINOR="${MINOR%%.*}"
STAGING_VERSION="v0.${MINOR}.${K8S_VERSION##*.}"
WORK="${XDG_CACHE_HOME:-$HOME/.cache}/kpe/kube-binaries-${K8S_VERSION}"
mkdir -p "$WORK" "$DEST"
rm -rf "$WORK/cmd" && cp -r "$HERE/cmd" "$WORK/cmd"
cd "$WORK"

export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
echo "building kube-apiserver v${K8S_VERSION} and etcd v${ETCD_VERSION} in $WORK (first run: several minutes)"
if [[ ! -f go.sum ]]; then
  rm -f go.mod
  go mod init kpe.local/kube-binaries >/dev/null
  go mod edit -require="k8s.io/kubernetes@v${K8S_VERSION}" -require="go.etcd.io/etcd/server/v3@v${ETCD_VERSION}"
  # The staging modules differ between minors: read them from k8s.io/kubernetes's own go.mod.
  gomod="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")
  [[ ${#staging[@]} -gt 0 ]] || { echo "build.sh: no staging modules found in $gomod" >&2; exit 1; }
  for mod in "${staging[@]}"; do
    go mod edit -replace="${mod}=${mod}@${STAGING_VERSION}"
  done
  go mod tidy
fi

ver_flags() { # $1 = package holding the version vars
  echo "-X $1.gitVersion=v${K8S_VERSION} -X $1.gitMajor=1 -X $1.gitMinor=${MINOR} -X $1.gitTreeState=clean -X $1.buildDate=1970-01-01T00:00:00Z"
}
# Without these the API server reports a placeholder version, and since 1.31 it derives its
# emulation/compatibility version from gitVersion.
LDFLAGS="-s -w $(ver_flags k8s.io/component-base/version) $(ver_flags k8s.io/client-go/pkg/version)"
go build -trimpath -ldflags "$LDFLAGS" -o "$DEST/kube-apiserver.tmp" ./cmd/kube-apiserver
go build -trimpath -ldflags "-s -w" -o "$DEST/etcd.tmp" ./cmd/etcd
mv "$DEST/kube-apiserver.tmp" "$DEST/kube-apiserver"
mv "$DEST/etcd.tmp" "$DEST/etcd"

# kube-api-test runs `kubectl get ns default` as its readiness check. The machine's kubectl
# serves; without one, build it from the same module.
if [[ ! -x "$DEST/kubectl" ]]; then
  if command -v kubectl >/dev/null; then
    ln -sf "$(command -v kubectl)" "$DEST/kubectl"
  else
    mkdir -p cmd/kubectl
    cat > cmd/kubectl/main.go <<'GO'
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"os"
)

func main() { os.Exit(cli.Run(cmd.NewDefaultKubectlCommand())) }
GO
    go mod tidy
    go build -trimpath -ldflags "-s -w" -o "$DEST/kubectl" ./cmd/kubectl
  fi
fi
echo "kube binaries ready in $DEST"
