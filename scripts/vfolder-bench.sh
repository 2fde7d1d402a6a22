#!/usr/bin/env bash
# Issue 14 item 5: folder transfers, SDK (apache, jdk) against curl, one local server in its own
# process (docs/benchmarks.md, "Virtual-folder transfers"). Builds what it runs (package, never
# install), then runs ai.backend.it.bench.VFolderTransferBench.
# Usage: scripts/vfolder-bench.sh [PLAN [V4PLAN [ADAPTERS [CLIENT_XMX]]]]
#   PLAN: storage-proxy sizes and rounds, MiB x rounds (default 1024x3,4096x2)
#   V4PLAN: the same for the v4 flow (default 1024x1; 0 = none)
#   ADAPTERS: default apache,jdk,jdk64k (jdk with -Djdk.httpclient.bufsize=65536)
# BENCH_DIR (default /tmp/vfbench-$$) holds the files and the server's state; removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/vfbench-$$}
cp=$(mktemp)
trap 'rm -f "$cp"; rm -rf "$dir"' EXIT
./mvnw -B -o -q -pl client-cli -am package -DskipTests
./mvnw -B -o -q -pl it-tests -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test
echo "$(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(df -h /tmp | tail -1)"
java -cp "it-tests/target/test-classes:it-tests/target/classes:$(cat "$cp")" \
  ai.backend.it.bench.VFolderTransferBench client-cli/target/backend.ai-local-server.jar "$dir" \
  "${1:-1024x3,4096x2}" "${2:-1024x1}" "${3:-apache,jdk,jdk64k}" "${4:-64m}"
