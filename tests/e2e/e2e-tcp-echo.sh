#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# A kernel TCP client (python) uploads 256 MiB to the rtestack-bench echo
# server while downloading the echo; SHA-256 both ways must match.
#   e2e-tcp-echo.sh [LCORES]   1: one connection; 2: two lcores, four
#                              connections, flows steered between lcores
. "$(dirname "$0")/lib.sh"
LCORES=${1:-1}
e2e_init tcp$LCORES

if [ "$LCORES" = 1 ]; then
	cores=0; conns=1
else
	cores=0-$((LCORES - 1)); conns=$((LCORES * 4))
fi
tap_check "rtestack-bench (tcp echo, $LCORES lcore(s)) starts on net_tap" \
	bench_start -l $cores --vdev net_tap0,iface=rtst0 -- \
	--addr $STACK_IP/24 --role server --workload pingpong --port 5001 \
	--quiet
grep "rss   " "$BENCH_LOG" | diag
run "$WORK/echo" 150 ip netns exec "$NS" $PY "$HERE/kpeer.py" tcp-echo \
	$STACK_IP 5001 $((256 << 20)) $conns
rc=$?
cat "$WORK/echo"
tap_check "256 MiB up and 256 MiB down over $conns connection(s), hashes match" \
	test $rc = 0
bench_stop
grep -E "backend.redirect|tcp_tx_retrans|tcp_conn_passive" "$BENCH_LOG" | diag
if [ "$LCORES" -gt 1 ]; then
	grep "^rtestack-bench: lcore" "$BENCH_LOG" | diag
	tap_check "flows handed between lcores without loss" \
		bash -c "! grep -q 'backend.redirect_drop' $BENCH_LOG"
fi
e2e_done
