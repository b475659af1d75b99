#!/bin/sh
# sdk-check.sh — the plugin SDK as a third party uses it: plugins written outside plum's tree,
# built with nothing but pkg-config, then checked, loaded and run by plum.
#
#   tests/sdk-check.sh PREFIX   against the plum installed under PREFIX (make installcheck)
#   tests/sdk-check.sh          against the build tree (make check: the harness sets PLUM,
#                               PLUM_PLUGIN_PATH and G_TEST_BUILDDIR, whose
#                               tests/uninstalled/plum.pc describes the uninstalled SDK)
#
# `plum new-plugin` writes a project of every kind, and each passes its own `make check`
# (plum check-plugin, then its pipeline); the command's refusals are checked. The plugins of
# examples/ are built in a scratch copy of examples/ and data/ and pass their `make check`:
# the example model trained by a built-in optimizer, a built-in model trained by the example
# optimizer, each meeting the floors its pipeline states (# expect: KEY >= VALUE); then the
# example model is trained by the example optimizer. PLUM and PKG_CONFIG may name the programs
# to use. Everything is written under a temporary directory. Speaks TAP.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
  prefix=$1
  PLUM=${PLUM:-$prefix/bin/plum}
  for dir in "$prefix"/lib*/pkgconfig "$prefix"/lib/*/pkgconfig; do
    [ -d "$dir" ] && PKG_CONFIG_PATH="$dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  done
  # The installed plum must find its own plugins, as a user's would.
  unset PLUM_PLUGIN_PATH PLUM_PLUGIN_SYSTEM_PATH
else
  PLUM=${PLUM:?give a PREFIX, or run under make check}
  PKG_CONFIG_PATH="${G_TEST_BUILDDIR:?}/tests/uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
fi
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
export PLUM PKG_CONFIG PKG_CONFIG_PATH
# The projects' own flags, warnings made fatal: what they ship must build cleanly.
cflags='-O2 -g -Wall -Wextra -Wno-unused-parameter -Werror'
# shellcheck source=tests/sdk-tap.sh
. "$src/tests/sdk-tap.sh"

# A project's make, as its author would run it: nothing inherited from an enclosing make.
project_make() {
  env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make CFLAGS="$cflags" "$@"
}

# refused WANT DESCRIPTION ARG...: plum new-plugin ARG... exits with WANT.
refused() {
  want=$1 what=$2
  shift 2
  "$PLUM" new-plugin "$@" >"$work/log" 2>&1
  status=$?
  echo "exit status $status, expected $want" >>"$work/log"
  [ "$status" -eq "$want" ]
  result $? "new-plugin refuses $what" "$work/log"
}

# floors YAML METRICS NAME: the `# expect: KEY OP VALUE` lines of YAML hold in METRICS.
floors() {
  sed -n 's/^# expect: *//p' "$1" >"$work/floors"
  while read -r key op value; do
    got=$(sed -n "s/.*\"$key\": *\\([-0-9.eE+]*\\).*/\\1/p" "$2" | head -1)
    awk -v g="${got:-none}" -v v="$value" -v op="$op" \
      'BEGIN { exit !(g != "none" && ((op == ">=" && g >= v) || (op == "<=" && g <= v))) }'
    result $? "$3: $key = ${got:-missing} $op $value"
  done <"$work/floors"
}

"$PKG_CONFIG" --exists plum
result $? "pkg-config finds plum ($("$PKG_CONFIG" --modversion plum 2>&1))"

for kind in model optimizer kernel activation cost family; do
  dir=$work/new/$kind
  { "$PLUM" new-plugin --kind "$kind" "sdk_$kind" "$dir" && project_make -C "$dir" check; } \
    >"$work/log" 2>&1
  result $? "new-plugin --kind $kind: the project builds and passes its make check" "$work/log"
done

cksum "$work/new/cost/sdk_cost.c" >"$work/before"
refused 2 "to write into a directory that is not empty" --kind cost sdk_cost "$work/new/cost"
cksum "$work/new/cost/sdk_cost.c" | cmp -s - "$work/before"
result $? "new-plugin left the existing project as it was"
refused 2 "a name a built-in component has" --kind optimizer lbfgs "$work/taken"
refused 2 "a name that is no identifier" --kind cost Log-Cosh "$work/bad"
refused 2 "an unknown kind" --kind widget widget "$work/bad"
refused 2 "a missing kind" widget "$work/bad"
: >"$work/file"
refused 1 "a directory it cannot create" --kind cost sdk_cost "$work/file/sub"
[ ! -e "$work/taken" ] && [ ! -e "$work/bad" ] && [ -z "$(find "$work" -name '*.new-*')" ]
result $? "new-plugin leaves nothing behind when it refuses or fails"

# The examples, built in a copy of the tree so their pipelines find ../../data.
mkdir -p "$work/tree/examples"
cp -R "$src/examples/ridge_classifier" "$src/examples/nadam" "$work/tree/examples/"
cp -R "$src/data" "$work/tree/"
chmod -R u+w "$work/tree"
for example in ridge_classifier nadam; do
  dir=$work/tree/examples/$example
  project_make -C "$dir" check >"$work/log" 2>&1
  result $? "examples/$example builds with pkg-config and passes its make check" "$work/log"
  floors "$dir/$example.yaml" "$dir/$example-metrics.json" "examples/$example"
done

dir=$work/tree/examples/ridge_classifier
(cd "$dir" && PLUM_PLUGIN_PATH="$dir:$work/tree/examples/nadam${PLUM_PLUGIN_PATH:+:$PLUM_PLUGIN_PATH}" \
  "$PLUM" run ridge_classifier.yaml --set model.optimizer.name=nadam \
  --set model.optimizer.learning_rate=0.01 --set output.metrics=both-metrics.json) \
  >"$work/log" 2>&1
result $? "examples/ridge_classifier trained by examples/nadam" "$work/log"
floors "$dir/ridge_classifier.yaml" "$dir/both-metrics.json" "ridge_classifier by nadam"

finish
