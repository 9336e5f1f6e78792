#!/bin/bash
# Builds rtestack and runs every test: unit, scenario (two stacks over the
# in-memory link) and, where DPDK and root are available, the end-to-end
# tests against the Linux kernel. Ends with "N passed, N failed[, N skipped]".
#
#   ./scripts/run-tests.sh              # everything
#   ./scripts/run-tests.sh --suite unit # one meson suite (unit|scenario|e2e|fuzz)
#   BUILD_DIR=build-asan ./scripts/run-tests.sh
#   RTS_FUZZ=0 ./scripts/run-tests.sh   # skip the short libFuzzer runs
#
# The fuzz targets (tests/fuzz, clang + ASan/UBSan) build in their own
# directory ($BUILD_DIR-fuzz) and run about a minute in all (FUZZ_SECONDS
# per target, 20 by default); docs/fuzzing.md has longer runs.
set -u
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
suite_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite_args+=(--suite "$2"); shift 2 ;;
    *) echo "usage: $0 [--suite NAME]..." >&2; exit 2 ;;
  esac
done

./scripts/deps.sh --test

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  meson setup "$BUILD_DIR" ${MESON_ARGS:-} >/dev/null || meson setup "$BUILD_DIR" ${MESON_ARGS:-} || exit 1
fi
ninja -C "$BUILD_DIR" || { echo "0 passed, 1 failed"; exit 1; }

meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 \
  --timeout-multiplier "${TIMEOUT_MULT:-1}" "${suite_args[@]}"
rc=$?
logs=("$BUILD_DIR/meson-logs/testlog.json")

# Short fuzzing runs, unless suites were picked or RTS_FUZZ=0.
fuzz_dir="$BUILD_DIR-fuzz"
if [ "${RTS_FUZZ:-1}" != 0 ] && [ ${#suite_args[@]} -eq 0 ] && command -v clang >/dev/null; then
  if [ ! -f "$fuzz_dir/build.ninja" ]; then
    CC=clang meson setup "$fuzz_dir" -Dfuzzers=true -Ddpdk=disabled -Dapps=false \
      -Dbuildtype=debugoptimized >/dev/null || rm -rf "$fuzz_dir"
  fi
  if [ -f "$fuzz_dir/build.ninja" ] && ninja -C "$fuzz_dir" >/dev/null; then
    FUZZ_SECONDS=${FUZZ_SECONDS:-20} meson test -C "$fuzz_dir" --suite fuzz \
      --print-errorlogs --num-processes 1 || rc=1
    logs+=("$fuzz_dir/meson-logs/testlog.json")
  else
    echo "run-tests: the fuzz build failed" >&2
    rc=1
  fi
fi

# Count TAP lines of every test binary; a binary that failed without a
# "not ok" line (crash, timeout) counts as one failure.
python3 - "${logs[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
lines = [l for f in sys.argv[1:] for l in open(f)]
for line in lines:
    t = json.loads(line)
    out = t.get('stdout') or ''
    ok = len(re.findall(r'^ok \d+.*$', out, re.M))
    sk = len(re.findall(r'^ok \d+.*# SKIP', out, re.M | re.I))
    nok = len(re.findall(r'^not ok \d+', out, re.M))
    passed += ok - sk; skipped += sk; failed += nok
    if t['result'] not in ('OK', 'SKIP', 'EXPECTEDFAIL') and nok == 0:
        failed += 1
    if ok == 0 and nok == 0 and t['result'] == 'SKIP':
        skipped += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $rc
