#!/bin/sh
# test-docs.sh — the generated documentation matches the schemas it is generated from.
# Speaks TAP.
set -u
if sh "${G_TEST_SRCDIR:?}/doc/update-docs.sh" "${PLUM:?}" "$G_TEST_SRCDIR" --check 2>err.$$; then
  echo "ok 1 - doc/pipeline.md and doc/plugins.md are current"
else
  sed 's/^/# /' err.$$
  echo "not ok 1 - doc/pipeline.md and doc/plugins.md are current"
fi
rm -f err.$$
echo "1..1"
