#!/bin/sh
# Installs what is missing, builds plum, and runs the flagship pipeline on the bundled breast
# cancer data, then predicts with the saved model. Outputs land in _build/demo/.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
scripts/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p _build/default _build/demo
[ -f _build/default/Makefile ] || (cd _build/default && "$top"/configure -q)
make -C _build/default -j"${JOBS:-2}" >/dev/null
b="$top/_build/default"
PLUM_PLUGIN_PATH="$b/plugins/models:$b/plugins/optim:$b/plugins/kernels:$b/plugins/functions:$b/plugins/families"
export PLUM_PLUGIN_PATH
cd _build/demo
"$b/plum" run "$top/config/breast_cancer.yaml"
echo
echo "== plum predict --model breast_cancer.plum --data data/breast_cancer.csv (first rows)"
"$b/plum" predict --model breast_cancer.plum --data "$top/data/breast_cancer.csv" | head -5
