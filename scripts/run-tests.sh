#!/bin/bash
# Builds rtestack and runs every test: unit, scenario (two stacks over the
# in-memory link) and, where DPDK and root are available, the end-to-end
# tests against the Linux kernel. Ends with "N passed, N failed[, N skipped]".
#
#   ./scripts/run-tests.sh              # everything
#   ./scripts/run-tests.sh --suite unit # one meson suite (unit|scenario|e2e|fuzz)
#   BUILD_DIR=build-asan ./scripts/run-tests.sh
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

# Count TAP lines of every test binary; a binary that failed without a
# "not ok" line (crash, timeout) counts as one failure.
python3 - "$BUILD_DIR/meson-logs/testlog.json" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
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
