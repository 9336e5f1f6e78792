#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Stack against stack over vhost-user: an rtestack-bench echo server on
# net_vhost, a client on net_virtio_user, which offers TSO and checksum
# offloads (net_tap offers none the stack can use). 4 x 16 MiB byte-exact,
# both sides exit 0 with every mbuf back.
. "$(dirname "$0")/lib.sh"
e2e_init virtio

SOCK=$WORK/vhost.sock
tap_check "server starts on net_vhost" \
	bench_start -l 0 --vdev net_vhost0,iface=$SOCK,tso=1 -- \
	--addr $STACK_IP/24 --role server --workload pingpong --port 5001 \
	--quiet
SERVER_PID=$BENCH_PID
SERVER_LOG=$BENCH_LOG

CLIENT_LOG=$WORK/client.log
ip netns exec "$NS" "$BENCH" --no-pci --no-huge -m 512 \
	--file-prefix "$PREFIX-c" -l 1 --vdev net_virtio_user0,path=$SOCK -- \
	--addr $KERNEL_IP/24 --role client --workload pingpong \
	--server $STACK_IP --port 5001 --conns 4 --size 1M --bytes 16M \
	--verify --quiet --duration 100 >"$CLIENT_LOG" 2>&1 &
BENCH_PID=$!
bench_wait
rc=$?
grep -E "^rtestack:   (tso|tx l4)|summary|connections:|backend.tx" "$CLIENT_LOG" | diag
tap_check "client: 4 x 16 MiB echoed byte-exact, exit 0" test $rc = 0
[ $rc = 0 ] || tail -30 "$CLIENT_LOG" | diag
tap_check "client: TSO was on" grep -q "^rtestack:   tso  *on" "$CLIENT_LOG"
BENCH_LOG=$CLIENT_LOG check_mbufs
BENCH_PID=$SERVER_PID BENCH_LOG=$SERVER_LOG
bench_stop
e2e_done
