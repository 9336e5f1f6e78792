#!/bin/bash
# The rtestack demo: builds if needed, then runs the main job briefly and
# explains what it shows. For now the job is the in-memory benchmark
# (two stacks in one process, no DPDK, no root needed).
#
#   ./scripts/run-demo.sh               # 2 s per run
#   DEMO_SECONDS=5 ./scripts/run-demo.sh
#   BUILD_DIR=build-x ./scripts/run-demo.sh
#
# Each demo is a function registered in DEMOS below; a new one (e.g. the
# DPDK bench) is a function and a line there.
set -u
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SECS=${DEMO_SECONDS:-2}

say() { printf '\n== %s\n' "$*"; }

build() {
  ./scripts/deps.sh
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" >/dev/null || meson setup "$BUILD_DIR" || return 1
  fi
  ninja -C "$BUILD_DIR" >/dev/null || ninja -C "$BUILD_DIR" || return 1
}

membench() {
  "$BUILD_DIR/apps/membench/rtestack-membench" --duration "$SECS" --warmup 0.5 "$@"
}

demo_membench() {
  local mb="$BUILD_DIR/apps/membench/rtestack-membench"
  [ -x "$mb" ] || { echo "run-demo: $mb was not built" >&2; return 1; }
  say "rtestack-membench: two TCP/IP stacks (198.18.0.1 and 198.18.0.2) in one process,"
  echo "   joined by an in-memory link; each run warms up 0.5 s, then measures ${SECS} s."

  say "W1 pingpong: 32 TCP connections, each with one 1-byte request in flight;"
  echo "   the server answers 1 byte. One thread drives both stacks (e1)."
  echo "   Higher is better: round trips per second, with checksums computed in software."
  membench --workload pingpong --threads 1 --checksum sw || return 1

  say "W1 again with checksum offload emulated (the link marks checksums good, as a NIC)."
  membench --workload pingpong --threads 1 --checksum offload || return 1

  say "W2 bulk: one TCP connection at MTU 1500 (1448-byte segments); the sender keeps"
  echo "   the window full, the receiver consumes at once. Goodput in Gbit/s."
  membench --workload bulk --threads 1 --checksum sw || return 1
  membench --workload bulk --threads 1 --checksum offload || return 1

  say "Done. Figures depend on the machine and on what else runs; docs/performance.md"
  echo "   has the full set (also --threads 2, --json, and instructions per transaction"
  echo "   under callgrind) and the targets they are compared with."
}

DEMOS=(demo_membench)

build || { echo "run-demo: build failed" >&2; exit 1; }
for d in "${DEMOS[@]}"; do
  "$d" || { echo "run-demo: $d failed" >&2; exit 1; }
done
