#!/bin/sh
# test-check-plugins.sh — every plugin module plum builds passes `plum check-plugin`.
# Components whose parameters have no default get one here. Speaks TAP: one test point per
# module, with the checker's own report as comments when it fails.
set -u
plum=${PLUM:?}
n=0
failures=0
# Parameters without defaults, given here (positional parameters keep the spaces YAML needs).
set -- --set "one_hot.columns=[0]" --set "sum.kernels=[constant, linear]" \
  --set "product.kernels=[constant, squared_exponential]" --set "scale.kernel=linear" \
  --set "mlp_classifier.layers=[{units: 4}]" --set "mlp_regressor.layers=[{units: 4}]"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

old_ifs=$IFS
IFS=:
dirs=${PLUM_PLUGIN_PATH:?}
IFS=$old_ifs
for dir in $(echo "$dirs" | tr ':' ' '); do
  for module in "$dir"/*.la; do
    [ -e "$module" ] || continue
    n=$((n + 1))
    name=$(basename "$module" .la)
    if "$plum" check-plugin "$module" "$@" >"$work/out" 2>&1; then
      echo "ok $n - $name passes check-plugin ($(sed -n 's/^# .*: \([0-9]*\) checks.*/\1/p' "$work/out") checks)"
    else
      echo "not ok $n - $name passes check-plugin"
      grep -E '^(not ok|#)' "$work/out" | sed 's/^/# /' | head -40
      failures=$((failures + 1))
    fi
  done
done
echo "1..$n"
[ "$failures" -eq 0 ]
