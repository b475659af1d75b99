#!/bin/sh
# csv-parse.sh — CSV parse throughput of plum's reader next to pandas.read_csv, on one file.
#
#   bench/csv-parse.sh BUILD_DIR [FILE.csv]
#
# FILE defaults to ~/.cache/plum-bench/data/logreg.csv, made by the shared bench generator:
#   python3 gen_data.py ~/.cache/plum-bench/data --only logreg
# Both readers are timed in-process around the read alone (no interpreter start, no imports),
# 5 runs each, alternating plum, pandas, plum, pandas… so drift on a shared machine hits both
# alike; the page cache is warmed first. pandas is timed with .to_numpy(float64), the same
# dense double matrix plum produces. Prints the median and MB/s (10^6 bytes) of each.
set -eu

build=${1:?usage: bench/csv-parse.sh BUILD_DIR [FILE.csv]}
file=${2:-$HOME/.cache/plum-bench/data/logreg.csv}
runs=5
python=/usr/bin/python3
plum_reader="$build/bench/csv-parse"

if [ ! -f "$file" ]; then
  echo "csv-parse.sh: $file not found (generate it: gen_data.py ~/.cache/plum-bench/data --only logreg)" >&2
  exit 1
fi
if [ ! -x "$plum_reader" ]; then
  echo "csv-parse.sh: $plum_reader not built (run make in $build)" >&2
  exit 1
fi

# One thread each, like for like: pandas reads on one, and plum's reader (which splits a large
# file over the `threads` of a pipeline) is held to one here.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PLUM_NUM_THREADS=1

pandas_reader='
import sys, time
import numpy as np
import pandas as pd
start = time.perf_counter()
X = pd.read_csv(sys.argv[1]).to_numpy(np.float64)
print("%.6f %d %d" % (time.perf_counter() - start, X.shape[0], X.shape[1]))
'

bytes=$(stat -c %s "$file")
cat "$file" >/dev/null

plum_times=
pandas_times=
i=0
while [ "$i" -lt "$runs" ]; do
  set -- $("$plum_reader" "$file")
  plum_times="$plum_times $1"
  plum_shape="$2 x $3 + label"
  set -- $("$python" -c "$pandas_reader" "$file")
  pandas_times="$pandas_times $1"
  pandas_shape="$2 x $3"
  i=$((i + 1))
done

median() {
  printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

pandas_version=$("$python" -c 'import pandas; print(pandas.__version__)')
plum_median=$(median "$plum_times")
pandas_median=$(median "$pandas_times")

echo "file: $file ($bytes bytes), $runs runs each, alternating"
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
printf '%-40s %10s %9s  %s\n' reader "median s" "MB/s" "runs (s)"
printf '%-40s %10.4f %9.1f %s  [%s]\n' "plum_csv_read" "$plum_median" \
  "$(echo "$bytes $plum_median" | awk '{ print $1 / 1e6 / $2 }')" "$plum_times" "$plum_shape"
printf '%-40s %10.4f %9.1f %s  [%s]\n' "pandas.read_csv $pandas_version + to_numpy" "$pandas_median" \
  "$(echo "$bytes $pandas_median" | awk '{ print $1 / 1e6 / $2 }')" "$pandas_times" "$pandas_shape"
