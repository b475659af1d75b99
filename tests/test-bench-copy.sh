#!/bin/sh
# test-bench-copy.sh — bench/'s copies of the shared benchmark kit (data generator, hash list,
# peer scripts and C harnesses) are byte-identical to ../shared/bench, so plum is always timed
# on the same data and against the same peers as everyone else. Skipped where the shared kit is
# not beside the source tree (a release tarball). Speaks TAP.
set -u
src=${G_TEST_SRCDIR:?}
shared=$src/../shared/bench
files="gen_data.py expected_sha256.txt summarize.py real_data.py peers/sk.py peers/torch_mlp.py
peers/cli_peers.py peers/common.py peers/parse_bench.py peers/build.sh peers/c/bench_util.h
peers/c/blas_ceiling.c peers/c/csv_parse.c peers/c/fann_mlp.c peers/c/liblinear_logreg.c
peers/c/libsvm_svc.c"

if [ ! -d "$shared" ]; then
  echo "1..0 # SKIP no shared bench kit at $shared"
  exit 0
fi
n=0
failures=0
for f in $files; do
  n=$((n + 1))
  ours=$(sha256sum <"$src/bench/$f" 2>/dev/null | cut -d' ' -f1)
  theirs=$(sha256sum <"$shared/$f" 2>/dev/null | cut -d' ' -f1)
  if [ -f "$src/bench/$f" ] && [ "$ours" = "$theirs" ]; then
    echo "ok $n - bench/$f is the shared copy"
  else
    echo "not ok $n - bench/$f differs from $shared/$f (copy it again)"
    failures=$((failures + 1))
  fi
done
# A file the shared kit gained that bench/ does not copy yet.
for f in $(cd "$shared" && find gen_data.py expected_sha256.txt summarize.py real_data.py peers -type f | sort); do
  case " $(echo $files) " in
  *" $f "*) ;;
  *)
    n=$((n + 1))
    echo "not ok $n - $shared/$f is not copied into bench/"
    failures=$((failures + 1))
    ;;
  esac
done
echo "1..$n"
[ "$failures" -eq 0 ]
