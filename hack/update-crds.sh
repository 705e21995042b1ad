#!/usr/bin/env bash
# Regenerates crds/ from the Java model (fabric8 crd-generator) after a model change, and the
# chart's copy (helm/kafka-private-endpoint-operator/files/crds/, rendered with the release).
# CrdDriftTest generates the CRD on every test run and fails while crds/ differs from it;
# ChartCrdDriftTest fails while the chart's copy differs from crds/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
cd "$KPE_ROOT"
mvn -B -q -pl operator -am test -Dtest=CrdDriftTest -Dsurefire.failIfNoSpecifiedTests=false -Dkpe.crds.update=true
chart_crds=helm/kafka-private-endpoint-operator/files/crds
rm -f "$chart_crds"/*.yml "$chart_crds"/*.yaml
cp crds/*.yml "$chart_crds"/
echo "crds/ and $chart_crds/ updated:"; ls crds/
git --no-pager diff --stat -- crds/ "$chart_crds/" 2>/dev/null || true
