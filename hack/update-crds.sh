#!/usr/bin/env bash
# Regenerates crds/ from the Java model (fabric8 crd-generator) after a model change.
# CrdDriftTest generates the CRD on every test run and fails while crds/ differs from it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
cd "$KPE_ROOT"
mvn -B -q -pl operator -am test -Dtest=CrdDriftTest -Dsurefire.failIfNoSpecifiedTests=false -Dkpe.crds.update=true
echo "crds/ updated:"; ls crds/
git --no-pager diff --stat -- crds/ 2>/dev/null || true
