# shellcheck shell=sh
# sdk-tap.sh — sourced by tests/sdk-check.sh and tests/test-guide-snippets.sh: a scratch
# directory and TAP test points.
#   $work                            a temporary directory, removed at exit
#   result STATUS DESCRIPTION [LOG]  one test point; a failure is counted and shows LOG's end
#   finish                           the plan; fails when any test point failed
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failures=0

result() {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
    return
  fi
  echo "not ok $n - $2"
  failures=$((failures + 1))
  [ -n "${3:-}" ] && tail -n 30 "$3" | sed 's/^/# /'
}

finish() {
  echo "1..$n"
  [ "$failures" -eq 0 ]
}
