#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# rtestack as the client: rtestack-bench connects to a kernel echo server
# (python), sends 16 MiB on each of 4 connections and checks every byte
# that comes back (--verify); then the same over a link that loses 2% and
# reorders 1% of the packets in both directions (--impair), and over one
# that also duplicates and corrupts them.
. "$(dirname "$0")/lib.sh"
e2e_init client

ip netns exec "$NS" $PY "$HERE/kpeer.py" echo-server 5001 >"$WORK/srv.out" 2>&1 &
PIDS+=($!)

run_client() {
	local what=$1; shift
	bench_client_start rtsc0 -l ${CORES:-0} --vdev net_tap0,iface=rtsc0 -- \
		--addr $STACK_IP/24 --role client --workload pingpong \
		--server $KERNEL_IP --port 5001 --verify --quiet --duration 100 "$@"
	bench_client_verdict "$what" \
		"summary|connections:|latency|impairment|backend.impair|tcp_tx_retrans|bad_csum"
}

run_client "client: 4 x 16 MiB echoed byte-exact by the kernel" \
	--conns 4 --size 256K --bytes 16M
CORES=0-1 run_client "client on 2 lcores: 2 x 8 connections x 4 MiB byte-exact" \
	--conns 8 --size 64K --bytes 4M
tap_check "both lcores moved their connections' data" \
	test "$(grep -cE 'lcore [01]: connections 8, requests [1-9]' "$BENCH_LOG")" = 2
run_client "client with loss=2%,reorder=1%: 4 x 4 MiB byte-exact" \
	--conns 4 --size 256K --bytes 4M --impair loss=2%,reorder=1% \
	--rto-min 20000
run_client "client with loss, duplication, corruption and reordering: 4 x 2 MiB byte-exact" \
	--conns 4 --size 64K --bytes 2M \
	--impair loss=1%,dup=1%,corrupt=0.5%,reorder=1%,seed=7 --rto-min 20000
tap_check "corrupted frames were dropped by checksum, not delivered" \
	grep -qE "tcp_rx_bad_csum|ip4_rx_bad_csum" "$BENCH_LOG"
e2e_done
