#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# UDP echo: a kernel socket sends 600 datagrams of 1..1472 bytes to the
# rtestack-bench UDP echo server; every one must come back unchanged.
. "$(dirname "$0")/lib.sh"
e2e_init udp

tap_check "rtestack-bench (udp echo) starts on net_tap" \
	bench_start -l 0 --vdev net_tap0,iface=rtsu0 -- \
	--addr $STACK_IP/24 --role server --proto udp --workload pingpong \
	--port 7 --quiet
run "$WORK/udp" 60 ip netns exec "$NS" $PY "$HERE/kpeer.py" udp-echo $STACK_IP 7 600
rc=$?
cat "$WORK/udp"
tap_check "600 datagrams echoed byte-exact" test $rc = 0
bench_stop
e2e_done
