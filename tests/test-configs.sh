#!/bin/sh
# test-configs.sh — every example pipeline under config/ runs, and meets its quality floors.
#
# Each config/*.yaml states at least one floor in a comment line of the form
#   # expect: holdout.accuracy >= 0.95
# (a key of the run's metrics JSON, >= or <=, a number). Each pipeline runs in a fresh
# directory with its metrics written there, so the source tree stays read-only. Speaks TAP.
set -u
src=${G_TEST_SRCDIR:?}
plum=${PLUM:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failures=0

report() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failures=$((failures + 1))
  fi
}

for config in "$src"/config/*.yaml; do
  name=$(basename "$config" .yaml)
  dir="$work/$name"
  mkdir -p "$dir"
  floors=$(sed -n 's/^# expect: *//p' "$config")
  if [ -z "$floors" ]; then
    report 1 "$name states a quality floor (# expect: KEY >= VALUE)"
    continue
  fi
  (cd "$dir" && "$plum" run "$config" -q --set output.metrics=metrics.json >out 2>err)
  status=$?
  if [ $status -ne 0 ]; then
    report 1 "$name runs (exit $status)"
    sed 's/^/# /' "$dir/err" | head -20
    continue
  fi
  report 0 "$name runs"
  echo "$floors" | while read -r key op value; do
    got=$(sed -n "s/.*\"$key\": *\\([-0-9.eE+]*\\).*/\\1/p" "$dir/metrics.json" | head -1)
    if [ -z "$got" ]; then
      echo "not ok - $name: no $key in its metrics"
      continue
    fi
    if awk -v g="$got" -v v="$value" -v op="$op" \
      'BEGIN { exit !((op == ">=" && g >= v) || (op == "<=" && g <= v)) }'; then
      echo "ok - $name: $key = $got $op $value"
    else
      echo "not ok - $name: $key = $got, expected $op $value"
    fi
  done >"$dir/floors"
  while read -r line; do
    case "$line" in
    ok*) report 0 "${line#ok - }" ;;
    *) report 1 "${line#not ok - }" ;;
    esac
  done <"$dir/floors"
done

echo "1..$n"
[ "$failures" -eq 0 ]
