#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Stack against stack over memif, next to the Linux kernel over loopback
# doing the same workload, on this machine (figures for docs/performance.md).
#
#   apps/bench/memif-vs-kernel.sh [BUILD_DIR] [SECONDS]
#
# rtestack: two rtestack-bench processes, the server on lcore 0 and the
# client on lcore 1, joined by net_memif (copy mode). Kernel: one process,
# a server thread on CPU 0 and a client thread on CPU 1, over 127.0.0.1.
# Workloads: pingpong (32 connections, 1-byte requests, one outstanding
# each) and bulk (one connection streaming 64 KiB writes, the server
# discards). Needs root (DPDK).
set -u
BUILD=${1:-build}
SECS=${2:-10}
BENCH=$BUILD/apps/bench/rtestack-bench
KBENCH=$BUILD/apps/bench/rtestack-linux-loopback
SOCK=/tmp/rts-memif-$$.sock
EAL="--no-pci --no-huge -m 512"
SERVER_PID=

cleanup() {
	[ -n "$SERVER_PID" ] && kill -INT "$SERVER_PID" 2>/dev/null
	sleep 1
	[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
	rm -f "$SOCK"
}
trap cleanup EXIT

# rtestack_run WORKLOAD CLIENT-ARGS...: prints the client's summary lines.
rtestack_run() {
	local wl=$1 log
	shift
	log=$(mktemp)
	rm -f "$SOCK"
	"$BENCH" -l 0 $EAL --file-prefix rts-mifs-$$ \
		--vdev net_memif0,role=server,socket=$SOCK -- \
		--addr 198.18.0.2/24 --role server --workload "$wl" --quiet \
		>"$log.srv" 2>&1 &
	SERVER_PID=$!
	for i in $(seq 1 100); do
		grep -q "ready" "$log.srv" && break
		sleep 0.1
	done
	"$BENCH" -l 1 $EAL --file-prefix rts-mifc-$$ \
		--vdev net_memif0,role=client,socket=$SOCK -- \
		--addr 198.18.0.1/24 --role client --workload "$wl" \
		--server 198.18.0.2 --duration "$SECS" --quiet "$@" >"$log" 2>&1
	grep -E "summary|latency|connections:" "$log"
	kill -INT "$SERVER_PID"
	wait "$SERVER_PID"
	SERVER_PID=
	rm -f "$log" "$log.srv"
}

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== rtestack over memif: pingpong, 32 connections, 1-byte requests, ${SECS} s"
rtestack_run pingpong --conns 32 --size 1
echo "== Linux loopback: pingpong, 32 connections, 1-byte requests, ${SECS} s"
"$KBENCH" pingpong --conns 32 --size 1 --duration "$SECS" | tail -1
echo "== rtestack over memif: bulk, 1 connection, 64 KiB writes, ${SECS} s"
rtestack_run bulk --conns 1 --size 64K
echo "== Linux loopback: bulk, 1 connection, 64 KiB writes, ${SECS} s"
"$KBENCH" bulk --size 65536 --duration "$SECS" | tail -1
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
