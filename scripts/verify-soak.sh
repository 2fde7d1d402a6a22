#!/usr/bin/env bash
# Runs the README's test command several times in a row, the way a careless environment would:
# from a background job of this script (SIGINT and SIGQUIT ignored, inherited by every process of the
# build), with HOME pointing at an empty temporary folder (Maven's own files still come from
# MAVEN_USER_HOME / the usual local repository), optionally beside a CPU-heavy process.
# Prints one line per run: number, exit code, wall time. Used for docs/testing.md.
#   scripts/verify-soak.sh [RUNS] [--stress]      (--stress needs stress-ng: apt-get install stress-ng)
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
stress="${2:-}"
m2="${MAVEN_USER_HOME:-$HOME/.m2}"
logdir="$(mktemp -d)"
stress_pid=""
if [ "$stress" = --stress ]; then
  stress-ng --cpu 1 --timeout 3600s >/dev/null 2>&1 &
  stress_pid=$!
fi
trap '[ -n "$stress_pid" ] && kill "$stress_pid" 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  home="$(mktemp -d)"
  start=$(date +%s)
  # a background job of a non-interactive script: SIGINT and SIGQUIT ignored
  HOME="$home" MAVEN_USER_HOME="$m2" ./mvnw -B -Dmaven.repo.local="$m2/repository" verify \
    >"$logdir/run-$i.log" 2>&1 &
  wait $!
  rc=$?
  end=$(date +%s)
  # module totals are the "Tests run:" lines without a time
  totals="$(grep -E '^\[[A-Z]+\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logdir/run-$i.log" \
    | awk -F'[:,] *' '{t+=$2; f+=$4; e+=$6; s+=$8} END {printf "%d tests, %d failures, %d errors, %d skipped", t, f, e, s}')"
  toolchains="$(grep -h '\[toolchains\]' "$logdir/run-$i.log" | tail -n 1)"
  left="$(cd "$home" && find . -mindepth 1 | head -n 5 | tr '\n' ' ')"
  echo "run $i: exit $rc, $((end - start)) s${stress_pid:+, beside stress-ng --cpu 1}; $totals; ${toolchains:-no toolchain line}; written to HOME: ${left:-nothing}; log $logdir/run-$i.log"
  rm -rf "$home"
  [ "$rc" = 0 ] || exit "$rc"
done
