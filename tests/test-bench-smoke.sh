#!/bin/sh
# test-bench-smoke.sh — `bench/run --smoke` on tiny generated data, so the benchmark harness
# never rots between real runs: it must finish, time plum beside scikit-learn on every
# pipeline whose plum side exists, list every other pipeline as pending or invalid, fill every
# section of the results page, and report a peer that cannot run as missing rather than drop
# it. Skipped when /usr/bin/python3 lacks numpy or scikit-learn. Speaks TAP.
set -u
src=${G_TEST_SRCDIR:?}
build=${G_TEST_BUILDDIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failures=0

if ! /usr/bin/python3 -c 'import numpy, sklearn' 2>/dev/null; then
  echo "1..0 # SKIP /usr/bin/python3 cannot import numpy and sklearn (bench/setup installs them)"
  exit 0
fi

report() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failures=$((failures + 1))
  fi
}
# check DESCRIPTION EXTENDED-REGEX FILE
check() {
  grep -Eq -e "$2" "$3"
  report $? "$1"
}

results=$work/RESULTS.md
PY=/usr/bin/python3 "$src/bench/run" --smoke --build "$build" --results "$results" >"$work/out" 2>"$work/err"
status=$?
report $status "bench/run --smoke exits 0"
[ $status -eq 0 ] || sed 's/^/# /' "$work/err" | tail -20
[ -f "$results" ] || : >"$results"

check "the page says it is a smoke run" '^\*\*SMOKE RUN\*\*' "$results"
num='[0-9][0-9.e+-]*'
check "logreg is timed beside scikit-learn (fit, fit, ratio)" \
  "^\| logreg \| sklearn\.LogisticRegression\(lbfgs\) \| $num \| $num \| $num \|" "$results"
for config in "$src"/bench/configs/*.yaml; do
  name=$(basename "$config" .yaml)
  check "$name has a row: timed, pending or invalid" \
    "^\| $name \| [^|]+ \| ($num|pending: |invalid: |missing: |not run: )" "$results"
done
if grep -q 'failed' "$results"; then
  report 1 "no run failed"
  grep 'failed' "$results" | sed 's/^/# /' | head -5
else
  report 0 "no run failed"
fi
check "start-up of plum plugins is timed" '^\| plum plugins \| [^|]+ \| [0-9.]+ \| 10 \|' "$results"
check "CSV parse throughput of plum's reader and pandas" '^\| pandas\.read_csv [^|]+ \| [0-9.]+ \| [0-9.]+ \|' "$results"
check "model-file size and save/load times" '^\| logreg \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \|' "$results"
check "dgemm ceiling measured" '^\| dgemm \| [0-9]+ \| 1 \| [0-9.]+ \|' "$results"
check "measurements kept beside the page" '"runs"' "$(ls "$work"/run-*.json 2>/dev/null | head -1 || echo /dev/null)"

# A peer whose python cannot run is reported as missing, and the others still run.
PY=/bin/false "$src/bench/run" --smoke logreg --build "$build" --results "$work/missing.md" \
  >"$work/out" 2>"$work/err"
report $? "bench/run --smoke with a broken peer python still exits 0"
check "scikit-learn is reported missing, not skipped" \
  '^\| logreg \| sklearn\.LogisticRegression\(lbfgs\) \| missing: /bin/false cannot import' "$work/missing.md"

echo "1..$n"
[ "$failures" -eq 0 ]
