#!/usr/bin/env bash
# Runs Jazzer fuzz tests in fuzzing mode (JAZZER_FUZZ=1) for a given duration each; see docs/fuzzing.md.
#   scripts/fuzz.sh [-j JOBS] TARGET...|all DURATION      DURATION as Jazzer reads it: 30s, 10m, 1h
#   scripts/fuzz.sh list                                  the target names
# Each target runs in its own Maven/JVM (Jazzer fuzzes one test per JVM), niced, JOBS at a time
# (default 1). Logs go to target-fuzz-logs/TARGET-TIMESTAMP.log, and one summary line per run
# (date, target, seconds fuzzed, executions, corpus files, result) is printed and appended to
# target-fuzz-logs/summary.tsv. A finding fails the run; Jazzer then saves the input as
# src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>, where `mvn test` replays it.
set -uo pipefail
cd "$(dirname "$0")/.."

# target name -> module:package.Class#method
declare -A TARGETS=(
  [sse]=client-domain:ai.backend.client.internal.sse.SseParserFuzzTest#parse
  [multipart]=client-domain:ai.backend.client.internal.files.MultipartMixedReaderFuzzTest#read
  [tar-reader]=client-domain:ai.backend.client.internal.files.TarReaderFuzzTest#read
  [tar-extractor]=client-domain:ai.backend.client.internal.files.TarExtractorFuzzTest#extract
  [error-mapper]=client-domain:ai.backend.client.internal.ErrorMapperFuzzTest#map
  [session-wire]=client-domain:ai.backend.client.internal.SessionWireFuzzTest#parse
  [admin-wire]=client-domain:ai.backend.client.internal.AdminWireFuzzTest#handlers
  [stream-frames]=client-domain:ai.backend.client.internal.stream.StreamFramesFuzzTest#frames
  [hmac-headers]=local-server:ai.backend.local.security.HmacVerifierFuzzTest#parseHeaders
  [hmac-verify]=local-server:ai.backend.local.security.HmacVerifierFuzzTest#verify
  [session-api]=local-server:ai.backend.local.api.SessionApiFuzzTest#parse
  [upload]=local-server:ai.backend.local.api.FileApiFuzzTest#upload
  [execute-frame]=local-server:ai.backend.local.stream.ExecuteEndpointFuzzTest#parse
)
ORDER=(sse multipart tar-reader tar-extractor error-mapper session-wire admin-wire stream-frames
  hmac-headers hmac-verify session-api upload execute-frame)

usage() {
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

jobs=1
if [ "${1:-}" = -j ]; then
  jobs="${2:?}"
  shift 2
fi
if [ "${1:-}" = list ]; then
  printf '%s\n' "${ORDER[@]}"
  exit 0
fi
[ $# -ge 2 ] || usage
duration="${*: -1}"
names=("${@:1:$#-1}")
if [ "${names[0]}" = all ]; then
  names=("${ORDER[@]}")
fi
for n in "${names[@]}"; do
  [ -n "${TARGETS[$n]:-}" ] || { echo "unknown target: $n (scripts/fuzz.sh list)" >&2; exit 2; }
done

logs=target-fuzz-logs
mkdir -p "$logs"
modules=$(for n in "${names[@]}"; do echo "${TARGETS[$n]%%:*}"; done | sort -u | paste -sd, -)
# Compile once up front: parallel runs then find every class up to date instead of racing to write them.
(flock 9; ./mvnw -B -q -pl "$modules" -am test-compile) 9>"$logs/.build.lock" || exit 1

run_one() {
  local name="$1" spec="${TARGETS[$1]}"
  local module="${spec%%:*}" test="${spec#*:}"
  local class="${test%%#*}" method="${test#*#}"
  local log
  log="$logs/$name-$(date -u +%Y%m%dT%H%M%SZ).log"
  local start end rc
  start=$(date +%s)
  # -Djazzer.max_duration overrides @FuzzTest(maxDuration); -Xmx bounds the fuzzing JVM (an
  # out-of-memory is a finding, not a reason to take the machine's memory)
  # (main classes were compiled above: not recompiled here, where runs in parallel would race)
  JAZZER_FUZZ=1 JAVA_TOOL_OPTIONS="-Xmx1g" nice -n 10 ./mvnw -B -pl "$module" -am test -Dmaven.main.skip=true \
    -Dtest="${class##*.}#$method" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.max_duration="$duration" >"$log" 2>&1
  rc=$?
  end=$(date +%s)
  local execs fuzzed corpus result
  # libFuzzer's last words: "Done N runs in S second(s)" (absent when a finding stopped it)
  execs=$(grep -aoE '^Done [0-9]+ runs' "$log" | tail -1 | awk '{print $2}')
  fuzzed=$(grep -aoE '^Done [0-9]+ runs in [0-9]+' "$log" | tail -1 | awk '{print $5}')
  [ -n "$execs" ] || execs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  corpus=$(find "$module/.cifuzz-corpus/$class/$method" -type f 2>/dev/null | wc -l)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FAILED (rc $rc; see $log)"
  fi
  printf '%s\t%s\t%ss fuzzing (%ss in all)\t%s execs\t%s corpus files\t%s\n' "$(date -u +%F)" "$name" \
    "${fuzzed:-?}" "$((end - start))" "${execs:-?}" "$corpus" "$result" | tee -a "$logs/summary.tsv"
}

running=0
for n in "${names[@]}"; do
  run_one "$n" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  sleep 5 # staggered starts: the Maven runs do not check their classes at the same moment
done
wait
