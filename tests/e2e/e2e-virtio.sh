#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Stack against stack over vhost-user: an rtestack-bench echo server on
# net_vhost, a client on net_virtio_user, which offers TSO and checksum
# offloads (net_tap offers none the stack can use). 4 x 16 MiB byte-exact,
# both sides exit 0 with every mbuf back; then the same over IPv6 (TSO6).
. "$(dirname "$0")/lib.sh"
e2e_init virtio

# virtio_pass FAMILY SERVER_ADDR CLIENT_ADDR PREFIX: one server + client run.
virtio_pass() {
	local fam=$1 srv=$2 cli=$3 plen=$4 rc
	SOCK=$WORK/vhost-$fam.sock
	tap_check "IPv$fam: server starts on net_vhost" \
		bench_start -l 0 --vdev net_vhost0,iface=$SOCK,tso=1 -- \
		--addr $srv/$plen --role server --workload pingpong --port 5001 \
		--quiet
	SERVER_PID=$BENCH_PID
	SERVER_LOG=$BENCH_LOG

	CLIENT_LOG=$WORK/client-$fam.log
	ip netns exec "$NS" "$BENCH" --no-pci --no-huge -m 512 \
		--file-prefix "$PREFIX-c" -l 1 --vdev net_virtio_user0,path=$SOCK -- \
		--addr $cli/$plen --role client --workload pingpong \
		--server $srv --port 5001 --conns 4 --size 1M --bytes 16M \
		--verify --quiet --duration 100 >"$CLIENT_LOG" 2>&1 &
	BENCH_PID=$!
	bench_wait
	rc=$?
	grep -E "^rtestack:   (tso|tx l4)|summary|connections:|backend.tx" "$CLIENT_LOG" | diag
	tap_check "IPv$fam client: 4 x 16 MiB echoed byte-exact, exit 0" test $rc = 0
	[ $rc = 0 ] || tail -30 "$CLIENT_LOG" | diag
	tap_check "IPv$fam client: TSO was on" \
		grep -q "^rtestack:   tso$([ $fam = 6 ] && echo ' v6')  *on" "$CLIENT_LOG"
	frames=$(sed -n "s/^ *eth_tx_frames *\([0-9]*\).*/\1/p" "$CLIENT_LOG" | head -1)
	echo "# client: ${frames:-?} frames handed to the device for 64 MiB"
	# Without TSO 64 MiB needs > 46,000 frames of at most 1440 bytes.
	tap_check "IPv$fam client: the device segmented (TSO used: ${frames:-?} frames)" \
		test "${frames:-999999}" -lt 40000
	BENCH_LOG=$CLIENT_LOG check_mbufs
	BENCH_PID=$SERVER_PID BENCH_LOG=$SERVER_LOG
	bench_stop
}

virtio_pass 4 $STACK_IP $KERNEL_IP 24
# The same over IPv6 (TSO6 and IPv6 checksum offload on the client's side;
# the addresses are found by NDP, DAD runs on both).
virtio_pass 6 2001:2::2 2001:2::1 64
e2e_done
