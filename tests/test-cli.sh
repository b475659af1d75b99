#!/bin/sh
# test-cli.sh — the plum command end to end, as a user runs it: help and version, plugin
# listing, component info, the flagship pipeline (run, predict on the saved model, inspect),
# and every kind of bad input with its documented exit status and a message that says where.
# Speaks TAP. Needs PLUM (the built program) and G_TEST_SRCDIR (the source tree).
set -u
src=${G_TEST_SRCDIR:?}
plum=${PLUM:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failures=0

# run CMD...: runs it, keeping stdout, stderr and the exit status.
run() {
  "$@" >"$work/out" 2>"$work/err"
  status=$?
}
report() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failures=$((failures + 1))
    sed 's/^/# stdout: /' "$work/out" | head -20
    sed 's/^/# stderr: /' "$work/err" | head -20
  fi
}
# expect STATUS DESCRIPTION [PATTERN FILE]...: the last run exited STATUS and each FILE (out or
# err) matches its grep pattern.
expect() {
  want=$1 desc=$2
  shift 2
  result=0
  [ "$status" -eq "$want" ] || { echo "# exit status $status, expected $want"; result=1; }
  while [ $# -ge 2 ]; do
    grep -q -e "$1" "$work/$2" || { echo "# no '$1' in $2"; result=1; }
    shift 2
  done
  report $result "$desc"
}

pipelines="$src/tests/data/pipelines"
cd "$work" || exit 1

run "$plum" --version
expect 0 "--version prints the version" "^plum [0-9]" out
run "$plum" --help
expect 0 "--help lists the commands" "predict" out "Exit status" out
run "$plum"
expect 2 "no command is a usage error" "Try 'plum --help'" err
run "$plum" frobnicate
expect 2 "an unknown command is a usage error" "unknown command 'frobnicate'" err

run "$plum" plugins
expect 0 "plugins lists the built-in components" "linear_regression" out "optimizer *gd" out
run "$plum" plugins --kind optimizer
expect 0 "plugins --kind keeps one kind" "gd" out
grep -q "linear_regression" "$work/out" && report 1 "plugins --kind leaves other kinds out" \
  || report 0 "plugins --kind leaves other kinds out"
run "$plum" plugins --kind gizmo
expect 2 "plugins --kind with an unknown kind" "unknown kind 'gizmo'" err
run "$plum" plugins --all
expect 0 "plugins --all shows refusals and the search path" "Refused modules" out "Search path" out

run "$plum" info optimizer/gd
expect 0 "info prints a component's parameters" "max_iter" out "learning_rate" out
run "$plum" info gd
expect 0 "info finds a name without its kind" "max_iter" out
run "$plum" info model/linear_regresion
expect 5 "info on a missing component suggests" "did you mean 'linear_regression'" err
run "$plum" info pipeline
expect 0 "info pipeline prints the pipeline schema" "test_fraction" out "transforms" out

# Bad configurations: exit 3, every error with its location and key path.
run "$plum" validate "$pipelines/unknown-key.yaml"
expect 3 "an unknown key names file, line, column and suggests" \
  "unknown-key.yaml:6:3" err "model.fit_intercep" err "did you mean 'fit_intercept'" err
run "$plum" validate "$pipelines/many-errors.yaml"
expect 3 "all errors are reported in one pass" "seed" err "data.delimitr" err \
  "linear_regresion" err
run "$plum" validate "$pipelines/bad-yaml.yaml"
expect 3 "malformed YAML names the place" "bad-yaml.yaml:[0-9]*:[0-9]*" err
run "$plum" validate "$pipelines/bad-transform.yaml"
expect 3 "a model that cannot transform is refused as a transform step" \
  "transforms.0" err "not a transform" err "metric 'accuracy' does not apply" err
run "$plum" validate "$pipelines/diabetes-ols.yaml" --set model.alpha=-1
expect 3 "an override goes through the same checks" "--set model.alpha" err
run "$plum" validate "$pipelines/diabetes-ols.yaml" --set nonsense
expect 3 "a malformed override is refused" "nonsense" err
run "$plum" validate "$pipelines/diabetes-ols.yaml"
expect 0 "a good pipeline validates" "valid" out
run "$plum" run "$pipelines/diabetes-ols.yaml" --print-config
expect 0 "--print-config shows resolved defaults" "fit_intercept" out "test_fraction" out

# Bad data: exit 4 with file:line:column.
run "$plum" run "$pipelines/bad-csv.yaml" -q
expect 4 "a bad CSV cell names file, line and column" "bad-cell.csv:3:3" err "oops" err
# data.missing: nan lets a missing cell through as NaN: a model that cannot take it is refused,
# naming the column and the row (the pipeline skips that check only for data read under the
# other policies, whose reader refuses NaN itself); an impute step makes the pipeline run.
printf 'a,b,y\n1,2,3\n4,,6\n7,8,9\n2,3,4\n' >"$work/gap.csv"
printf 'version: 1\ndata: {train: gap.csv, missing: nan}\nmodel: linear_regression\n' \
  >"$work/gap.yaml"
run "$plum" run "$work/gap.yaml" -q
expect 4 "NaN under data.missing: nan reaching a model is refused by column" \
  "NaN in column 'b' (data row 2) reaches 'linear_regression'" err
printf 'version: 1\ndata: {train: gap.csv, missing: nan}\ntransforms: [impute]\nmodel: linear_regression\noutput: {model: %s/gap.plum}\n' \
  "$work" >"$work/gap-impute.yaml"
run "$plum" run "$work/gap-impute.yaml" -q
expect 0 "the same data through an impute step runs"
run "$plum" run "$pipelines/diabetes-ols.yaml" -q --set data.train=missing.csv
expect 4 "a missing data file is an error" "missing.csv" err

# The flagship: run, then predict from the saved model, then inspect it.
run "$plum" run "$src/config/breast_cancer.yaml" -q
expect 0 "the flagship pipeline runs" "accuracy" out "confusion matrix" out
for f in breast_cancer.plum breast_cancer-predictions.csv breast_cancer-metrics.json; do
  [ -s "$f" ]
  report $? "the flagship writes $f"
done
acc=$(sed -n 's/.*"holdout.accuracy": *\([0-9.e-]*\).*/\1/p' breast_cancer-metrics.json)
awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.95) }'
report $? "flagship holdout accuracy ${acc:-missing} >= 0.95"

run "$plum" predict --model breast_cancer.plum --data "$src/data/breast_cancer.csv" -o all.csv
expect 0 "predict with the saved model"
# Every holdout row predicted in the run gets the same prediction and probabilities now.
awk -F, 'NR == FNR { if (FNR > 1) want[$1] = $0; next }
         FNR > 1 && ($1 in want) { seen++; if (want[$1] != $0) bad++ }
         END { exit !(seen > 0 && bad == 0) }' breast_cancer-predictions.csv all.csv
report $? "predictions from the model file equal those of the training run"

run "$plum" inspect breast_cancer.plum
expect 0 "inspect describes the model" "logistic_regression" out "standardize" out "seed" out

# Broken model files: clear errors, non-zero exit.
head -c 100 breast_cancer.plum >truncated.plum
run "$plum" predict --model truncated.plum --data "$src/data/breast_cancer.csv"
expect 1 "a truncated model file is refused" "truncated.plum" err
printf 'not a model at all' >garbage.plum
run "$plum" inspect garbage.plum
expect 1 "a file that is not a model is refused" "garbage.plum" err
: >empty.plum
run "$plum" inspect empty.plum
expect 1 "an empty model file is refused" "empty.plum" err
run "$plum" predict --model breast_cancer.plum --data "$src/data/iris.csv"
expect 4 "predicting on data of another shape is refused" "feature columns" err

# String labels and a categorical feature, end to end.
run "$plum" run "$pipelines/pets.yaml" -q
expect 0 "a pipeline with string labels and a categorical column runs" "cat" out
run "$plum" predict --model pets.plum --data "$src/tests/data/pets-new.csv"
expect 0 "predictions come back as the original class names" "^0,cat," out "^1,dog," out
run "$plum" predict --model pets.plum --data "$src/tests/data/pets-unknown.csv"
expect 4 "an unseen category is refused where it stands" "pets-unknown.csv:2:3" err \
  "unknown category \"purple\"" err
run "$plum" inspect pets.plum
expect 0 "the model file keeps the classes" "classes: *cat, dog" out

# A model file needs the plugins it names.
run env PLUM_PLUGIN_PATH=/nonexistent "$plum" predict --model pets.plum --data "$src/tests/data/pets-new.csv"
expect 5 "a model whose plugin is missing says which" "needs model 'standardize' from module preprocessing" err

echo "1..$n"
[ "$failures" -eq 0 ]
