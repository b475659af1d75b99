#!/bin/sh
# test-embed.sh — the embedding example (examples/embed) runs: fit, score, save, load, predict
# through the public API. Speaks TAP.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if "${G_TEST_BUILDDIR:?}/examples/embed/embed" "${G_TEST_SRCDIR:?}/data/iris.csv" \
  "$work/iris.plum" >"$work/out" 2>&1 && grep -q "predicts identically" "$work/out"; then
  echo "ok 1 - the embedding example fits, saves, loads and predicts identically"
else
  sed 's/^/# /' "$work/out"
  echo "not ok 1 - the embedding example fits, saves, loads and predicts identically"
fi
sed 's/^/# /' "$work/out"
echo "1..1"
