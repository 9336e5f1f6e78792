#!/bin/sh
# Run one libFuzzer target for a bounded time and print TAP.
#
#   run-short.sh FUZZER SECONDS [SEED_DIR]
#
# New inputs go to a corpus kept between runs ($FUZZ_CORPUS_DIR/NAME,
# default: corpus/NAME next to the binary); SEED_DIR (checked-in seeds) is
# read but never written. A crash, leak, sanitizer report or timeout leaves
# its reproducer in artifacts/NAME/ next to the binary and fails the test;
# replay it with: FUZZER artifacts/NAME/crash-...
# FUZZ_SECONDS overrides SECONDS (e.g. FUZZ_SECONDS=600 for a longer run).
set -u
fuzzer=$1
secs=${FUZZ_SECONDS:-$2}
seeds=${3:-}
name=$(basename "$fuzzer")
dir=$(cd "$(dirname "$fuzzer")" && pwd)
corpus=${FUZZ_CORPUS_DIR:-$dir/corpus}/$name
artifacts=$dir/artifacts/$name/
mkdir -p "$corpus" "$artifacts"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "1..1"
if [ -n "$seeds" ] && [ -d "$seeds" ]; then
  set -- "$corpus" "$seeds"
else
  set -- "$corpus"
fi
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts" "$@" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
if [ "$rc" -eq 0 ] && [ "${execs:-0}" -gt 0 ]; then
  echo "# corpus: $corpus ($(ls "$corpus" | wc -l) inputs)"
  echo "ok 1 - $name: ${secs}s, $execs inputs, ${cov:-cov: ?}"
  exit 0
fi
tail -60 "$log" | sed 's/^/# /'
echo "not ok 1 - $name failed (exit $rc); reproducer in $artifacts"
exit 1
