#!/bin/bash
# The rtestack demo: builds if needed, then runs the main job briefly and
# explains what it shows:
#   1. rtestack-bench serving HTTP on DPDK (net_tap) inside a network
#      namespace of its own, driven by curl and wrk from the Linux side
#      (needs root and DPDK; skipped with a reason otherwise);
#   2. the in-memory benchmark (two stacks in one process, no DPDK, no root).
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

  say "The same W1 by the Linux kernel (loopback sockets, epoll, TCP_NODELAY), for scale."
  membench --stack kernel || return 1
  local lw="$BUILD_DIR/apps/lwipbench/lwip-membench"
  if [ -x "$lw" ]; then
    say "And by lwIP 2.1.3 (Debian's liblwip, two copies over the same kind of link,"
    echo "   software checksums): compare with the W1 and W2 'sw' lines above."
    "$lw" --workload pingpong --duration "$SECS" --warmup 0.5 || return 1
    "$lw" --workload bulk --duration "$SECS" --warmup 0.5 || return 1
  fi
  echo "   scripts/bench-compare.py runs all of these in interleaved rounds and prints"
  echo "   medians and ratios (--callgrind: instructions per transaction)."

  say "Done. Figures depend on the machine and on what else runs; docs/performance.md"
  echo "   has the full set (also --threads 2, --json, and instructions per transaction"
  echo "   under callgrind) and the targets they are compared with."
}

# ---------------------------------------------------------------- DPDK http
DEMO_NS=
DEMO_PID=
demo_cleanup() {
  [ -n "$DEMO_PID" ] && kill -INT "$DEMO_PID" 2>/dev/null && sleep 1
  [ -n "$DEMO_PID" ] && kill -KILL "$DEMO_PID" 2>/dev/null
  [ -n "$DEMO_NS" ] && ip netns del "$DEMO_NS" 2>/dev/null
  DEMO_PID= DEMO_NS=
}

demo_dpdk_http() {
  local bench="$BUILD_DIR/apps/bench/rtestack-bench" log i body=100000
  if [ "$(id -u)" != 0 ]; then
    say "DPDK demo skipped: it needs root (a network namespace, a tap device)."
    return 0
  fi
  if [ ! -x "$bench" ]; then
    say "DPDK demo skipped: rtestack-bench was not built (no libdpdk-dev?)."
    return 0
  fi
  DEMO_NS=rts-demo-$$
  log=$(mktemp /tmp/rts-demo.XXXXXX)
  trap demo_cleanup EXIT
  ip netns add "$DEMO_NS" || return 1
  ip netns exec "$DEMO_NS" ip link set lo up

  say "rtestack-bench: an HTTP/1.1 server on rtestack + DPDK (net_tap, one lcore)"
  echo "   in network namespace $DEMO_NS; the Linux kernel on the other side of the"
  echo "   tap is 198.18.0.1, rtestack is 198.18.0.2. Responses carry $body bytes."
  ip netns exec "$DEMO_NS" "$bench" -l 0 --no-pci --no-huge -m 512 \
    --file-prefix "$DEMO_NS" --log-level=pmd.net.tap:error \
    --vdev net_tap0,iface=rtsdemo0 -- --addr 198.18.0.2/24 --role server \
    --workload http --port 80 --body $body --quiet >"$log" 2>&1 &
  DEMO_PID=$!
  for i in $(seq 1 100); do
    grep -q "rtestack-bench: ready" "$log" && break
    sleep 0.1
  done
  grep "^rtestack:" "$log" | sed 's/^/   /'
  grep -q "rtestack-bench: ready" "$log" || { cat "$log"; return 1; }
  ip netns exec "$DEMO_NS" sysctl -qw net.ipv6.conf.rtsdemo0.disable_ipv6=1
  ip netns exec "$DEMO_NS" ip addr add 198.18.0.1/24 dev rtsdemo0
  ip netns exec "$DEMO_NS" ip link set rtsdemo0 up

  say "curl -v http://198.18.0.2/ (the kernel resolves rtestack by ARP first)"
  ip netns exec "$DEMO_NS" curl -s -v -o /dev/null \
    -w '   -> HTTP %{http_code}, %{size_download} bytes in %{time_total} s\n' \
    http://198.18.0.2/ 2>&1 | grep -E '^[<>] |->' | sed 's/^/   /'

  say "wrk: 2 threads, 64 keep-alive connections, ${SECS} s"
  ip netns exec "$DEMO_NS" wrk -t 2 -c 64 -d "${SECS}s" http://198.18.0.2/ | sed 's/^/   /'

  say "SIGINT to rtestack-bench: it closes its connections and reports"
  kill -INT "$DEMO_PID"
  wait "$DEMO_PID"
  DEMO_PID=
  grep -E "summary|connections:|mbufs in use|exit|tcp_conn_passive|http|eth_(rx|tx)_frames" "$log" | sed 's/^/   /'
  rm -f "$log"
  demo_cleanup
  trap - EXIT
}

DEMOS=(demo_dpdk_http demo_membench)

build || { echo "run-demo: build failed" >&2; exit 1; }
for d in "${DEMOS[@]}"; do
  "$d" || { echo "run-demo: $d failed" >&2; exit 1; }
done
