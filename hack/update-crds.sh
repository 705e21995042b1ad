#!/usr/bin/env bash
# Regenerates crds/ from the Java model (fabric8 crd-generator) after a model change.
# CrdDriftTest fails while the committed copy differs from what the model generates.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
kpe_setup
cd "$KPE_ROOT"
mvn -B -q -pl operator -am process-classes
cp operator/target/classes/META-INF/fabric8/*.yml crds/
echo "crds/ updated:"; ls crds/
