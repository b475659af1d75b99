#!/bin/bash
# Builds plum and runs the whole test suite: make check and make distcheck in a normal build,
# then make check again under AddressSanitizer + UndefinedBehaviorSanitizer. Prints a last line
# "N passed, N failed" summed over every run; exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=${JOBS:-2}
# clang and libFuzzer for the bounded fuzzing run of the model-file loader.
PLUM_DEPS_EXTRA="clang libclang-rt-14-dev ${PLUM_DEPS_EXTRA:-}" scripts/deps.sh || exit 1
autoreconf -fi >/dev/null || exit 1

status=0
logs=()
run() { echo "== $*"; "$@" || status=1; }

mkdir -p _build/default _build/asan
(cd _build/default && "$top"/configure -q --enable-werror) || exit 1
run make -C _build/default -j"$jobs"
run make -C _build/default -j"$jobs" check
logs+=(_build/default/test-suite.log)
run make -C _build/default -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
# distcheck's own test log lives in the unpacked tree it removes on success; count its tests
# from the build log instead.
(cd _build/asan && "$top"/configure -q --enable-werror --enable-sanitizers) || exit 1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run make -C _build/asan -j"$jobs" check
logs+=(_build/asan/test-suite.log)

# The model-file loader, fuzzed for a bounded time (libFuzzer, ASan+UBSan).
fuzz_passed=0
if PLUM_FUZZ_BUILDDIR="$top/_build/fuzz" tests/fuzz/run.sh "${PLUM_FUZZ_SECONDS:-30}" \
  >_build/fuzz.log 2>&1; then
  fuzz_passed=1
  echo "== fuzzing the model-file loader: no crash ($(grep -c . _build/fuzz.log) log lines)"
else
  status=1
  tail -20 _build/fuzz.log
fi

passed=$fuzz_passed
failed=0
for log in "${logs[@]}"; do
  [ -f "$log" ] || { failed=$((failed + 1)); continue; }
  p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
  f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
  e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
  x=$(sed -n 's/^# XPASS: *//p' "$log" | head -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
done
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
