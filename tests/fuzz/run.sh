#!/bin/sh
# run.sh — builds the model-file fuzzer in its own build tree and runs it for a bounded time.
#
#   tests/fuzz/run.sh [SECONDS]        (default 60; the build tree is $PLUM_FUZZ_BUILDDIR,
#                                       default ./build-fuzz)
#
# Needs clang and libFuzzer (apt-get install clang libclang-rt-14-dev). The seed corpus is the
# set of valid files tests/test-modelfile writes; new inputs go to BUILD/fuzz-corpus and any
# crash to BUILD/crash-*. Exits non-zero when the fuzzer finds a crash, a leak or a mismatch.
set -eu

seconds=${1:-60}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${PLUM_FUZZ_BUILDDIR:-build-fuzz}

mkdir -p "$builddir"
cd "$builddir"
if [ ! -f Makefile ]; then
  "$srcdir/configure" -q CC=clang --enable-sanitizers --enable-fuzz
fi
make -j2 libplum.la tests/test-modelfile tests/fuzz/fuzz-modelfile

mkdir -p fuzz-seeds fuzz-corpus
PLUM_MODELFILE_CORPUS=$PWD/fuzz-seeds ./tests/test-modelfile -p /modelfile/roundtrip
./tests/fuzz/fuzz-modelfile -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$PWD/" -print_final_stats=1 fuzz-corpus fuzz-seeds
