#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The IPv4-only end-to-end suites, over IPv6 (issue 5: "both families pass
# the same suites"). rtestack on net_tap is 198.18.0.2/24 + 2001:2::2/64,
# the kernel 2001:2::1/64; each side finds the other by NDP.
#   - TCP echo server on 2 lcores: 8 kernel connections, 64 MiB up and down
#     with hashes checked, flows steered between lcores (as e2e-tcp-echo 2)
#   - UDP echo: 600 datagrams of 1..1452 bytes (as e2e-udp-echo)
#   - rtestack as the client (as e2e-client): 1 lcore, then 2 lcores whose
#     active opens pick source ports by the steering hash of IPv6 tuples,
#     then over an impaired link; every byte checked (--verify)
#   - the device's multicast filter was programmed from the stack's groups
. "$(dirname "$0")/lib.sh"
e2e_init ip6s
K6=$KERNEL_IP6
S6=$STACK_IP6
IFC=rts6s0

# ---------------------------------------------------- TCP echo, 2 lcores
tap_check "rtestack-bench (tcp echo, 2 lcores, dual stack) starts" \
	bench_start -l 0-1 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role server --workload pingpong \
	--port 5001 --quiet
kernel_v6_up $IFC
grep -E "^rtestack: +(rss|multicast)" "$BENCH_LOG" | diag
tap_check "rtestack's IPv6 address answers" wait_v6
run "$WORK/echo" 150 ip netns exec "$NS" $PY "$HERE/kpeer.py" tcp-echo \
	$S6 5001 $((64 << 20)) 8
rc=$?
cat "$WORK/echo"
tap_check "TCP over IPv6 on 2 lcores: 8 connections, 64 MiB up and down, hashes match" \
	test $rc = 0
bench_stop
grep -E "backend.(redirect|mcast)|tcp_conn_passive|ip6_tx_flow_slow|ip6_tx +" \
	"$BENCH_LOG" | diag
grep "^rtestack-bench: lcore" "$BENCH_LOG" | diag
tap_check "IPv6 flows handed between lcores without loss" \
	bash -c "! grep -q 'backend.redirect_drop' '$BENCH_LOG'"
tap_check "the multicast groups were programmed (filter or allmulticast)" \
	grep -qE "multicast filter +([0-9]+ groups|off)" "$BENCH_LOG"
tap_check "the choice shows in the backend counters" \
	grep -qE "backend.mcast_(filter|allmulti) +[1-9]" "$BENCH_LOG"

# ------------------------------------------------------------- UDP echo
tap_check "rtestack-bench (udp echo, dual stack) starts" \
	bench_start -l 0 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role server --proto udp \
	--workload pingpong --port 7 --quiet
kernel_v6_up $IFC
wait_v6
run "$WORK/udp" 60 ip netns exec "$NS" $PY "$HERE/kpeer.py" udp-echo $S6 7 600 \
	1,18,100,512,1000,1452
rc=$?
cat "$WORK/udp"
tap_check "UDP over IPv6: 600 datagrams echoed byte-exact" test $rc = 0
bench_stop

# ------------------------------------------------ rtestack as the client
ip netns exec "$NS" $PY "$HERE/kpeer.py" echo-server 5001 >"$WORK/srv.out" 2>&1 &
PIDS+=($!)

run_client6() {
	local what=$1; shift
	# The tap appears when the port starts: give the kernel its address.
	KERNEL_UP=kernel_v6_up bench_client_start $IFC \
		-l ${CORES:-0} --vdev net_tap0,iface=$IFC -- \
		--addr $STACK_IP/24 --addr $S6/64 \
		--role client --workload pingpong --server $K6 --port 5001 \
		--verify --quiet --duration 100 "$@"
	bench_client_verdict "$what" \
		"summary|connections:|impairment|backend.impair|tcp_tx_retrans|bad_csum|ip6_tx_tentative"
}

run_client6 "IPv6 client: 4 x 16 MiB echoed byte-exact by the kernel" \
	--conns 4 --size 256K --bytes 16M
CORES=0-1 run_client6 "IPv6 client on 2 lcores: 2 x 8 connections x 4 MiB byte-exact" \
	--conns 8 --size 64K --bytes 4M
tap_check "both lcores moved their IPv6 connections' data" \
	test "$(grep -cE 'lcore [01]: connections 8, requests [1-9]' "$BENCH_LOG")" = 2
run_client6 "IPv6 client with loss=2%,reorder=1%: 4 x 4 MiB byte-exact" \
	--conns 4 --size 256K --bytes 4M --impair loss=2%,reorder=1% \
	--rto-min 20000
e2e_done
