# Sourced by the hack/ scripts: finds a JDK >= 21 and Maven, so nobody sets JAVA_HOME by hand.
# shellcheck shell=bash

KPE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

java_major() { # $1 = a java binary; prints its feature version
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

# JAVA_HOME if it is new enough, else the newest JDK >= 21 under /usr/lib/jvm (Temurin on these machines).
kpe_find_jdk() {
  local candidate best="" best_major=0 major
  for candidate in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/* /opt/java/openjdk; do
    [[ -x "$candidate/bin/javac" ]] || continue
    major="$(java_major "$candidate/bin/java")"
    [[ -n "$major" && "$major" -ge 21 ]] || continue
    if [[ -n "${JAVA_HOME:-}" && "$candidate" == "$JAVA_HOME" ]]; then best="$candidate"; break; fi
    if [[ "$major" -gt "$best_major" ]]; then best="$candidate"; best_major="$major"; fi
  done
  if [[ -z "$best" ]]; then
    echo "error: no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 21" >&2
    return 1
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven 3.8's bundled Guava trips JDK 24+'s sun.misc.Unsafe warnings; they are noise here.
  if [[ "$(java_major "$JAVA_HOME/bin/java")" -ge 24 && "${MAVEN_OPTS:-}" != *sun-misc-unsafe* ]]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

kpe_require_maven() {
  command -v mvn >/dev/null || { echo "error: Maven (mvn) is required" >&2; return 1; }
}

# kube-apiserver + etcd for the tests and the local run, built once from the Go module proxy.
kpe_kube_binaries() {
  "$KPE_ROOT/e2e/kube-binaries/build.sh"
}

# The helm CLIs for the chart's tests (e2e/…/helm), built once from the Go module proxy: Helm 3,
# which the tests install with, and Helm 4, which must render the chart the same. Versions as
# pinned in pom.xml (kpe.helm.version, kpe.helm4.version).
kpe_helm() {
  KPE_HELM_VERSION=3.22.0 "$KPE_ROOT/e2e/kube-binaries/build-helm.sh"
  KPE_HELM_VERSION=4.3.1 "$KPE_ROOT/e2e/kube-binaries/build-helm.sh"
}

# moto's AWS emulator for the AWS tests and the local run (moto 5.2.1, as pinned for the tests),
# importable by python3: the tests start its server through e2e's moto_iam_server.py.
kpe_moto() {
  if ! python3 -c 'import moto.server' 2>/dev/null; then
    echo "installing moto[server]==5.2.1 with pip"
    python3 -m pip install --quiet 'moto[server]==5.2.1'
  fi
}

# The Argo CD health check (argocd/resource_customizations/…/health.lua) against its health_test.yaml,
# run by argocd/healthtest the way Argo CD runs a script from argocd-cm: gopher-lua with only the
# package, base and table libraries (no string library). Also checks the chart README's argocd-cm
# snippet and argocd/argocd-cm-patch.yaml are the script. Go modules come from the Go module proxy
# on the first run, then from the module cache.
kpe_argocd_health() {
  (cd "$KPE_ROOT/argocd/healthtest" && GOTOOLCHAIN=local go test -count=1 ./...)
}

# After the integration tests: health.lua over the KafkaPrivateEndpoints the operator wrote in them
# (e2e ArgoCdCapture → e2e/target/argocd-captured), each with the health its test expects and the
# shape of its committed copy (testdata/captured-*). KPE_ARGOCD_REQUIRE_ALL=1: every committed
# capture must have been captured again (a full run). KPE_ARGOCD_UPDATE=1 refreshes the copies.
kpe_argocd_captured() {
  local dir="$KPE_ROOT/e2e/target/argocd-captured"
  if ! compgen -G "$dir/*.expected.yaml" >/dev/null; then
    echo "kpe_argocd_captured: no captures in $dir (integration tests not run); skipped"
    return 0
  fi
  (cd "$KPE_ROOT/argocd/healthtest" && KPE_ARGOCD_CAPTURED="$dir" GOTOOLCHAIN=local \
    go test -count=1 -run 'TestCapturedFromIntegrationTests|TestHealthChecks|TestTestdataIsListed' ./...)
}

kpe_setup() {
  kpe_find_jdk
  kpe_require_maven
}
