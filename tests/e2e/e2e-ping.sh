#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Start and stop on net_tap; the kernel resolves rtestack by ARP and pings
# it: 100 echo requests at each of several sizes up to the MTU, no loss.
. "$(dirname "$0")/lib.sh"
e2e_init ping

tap_check "rtestack-bench starts on net_tap" \
	bench_start -l 0 --vdev net_tap0,iface=rtsp0 -- \
	--addr $STACK_IP/24 --role server --workload pingpong --quiet
grep "^rtestack:" "$BENCH_LOG" | diag
for size in 56 1000 1472; do
	run "$WORK/ping" 60 ip netns exec "$NS" ping -c 100 -i 0.002 -W 1 \
		-s $size $STACK_IP
	out=$(cat "$WORK/ping")
	echo "$out" | tail -2 | diag
	tap_check "ping -s $size: 100 sent, 100 received" \
		grep -q "100 packets transmitted, 100 received" <<<"$out"
done
neigh=$(ip netns exec "$NS" ip neigh show $STACK_IP dev rtsp0)
echo "$neigh" | diag
tap_check "the kernel learned rtestack's MAC by ARP" grep -q lladdr <<<"$neigh"
bench_stop
tap_check "rtestack answered 300 echo requests" \
	grep -q "icmp_tx_echo_reply 30[0-9]" "$BENCH_LOG"

# The other direction: rtestack (rts_ping, rtestack-bench --proto icmp)
# pings the kernel, resolving it by ARP.
bench_client_start rtsp0 -l 0 --vdev net_tap0,iface=rtsp0 -- \
	--addr $STACK_IP/24 --role client --proto icmp --server $KERNEL_IP \
	--requests 50 --size 1000 --ping-wait 1
bench_wait
rc=$?
grep -E "ping |no reply" "$BENCH_LOG" | diag
tap_check "rtestack pings the kernel: exit 0" test $rc = 0
tap_check "rtestack ping -s 1000: 50 sent, 50 received" \
	grep -q "ping $KERNEL_IP: 50 sent, 50 received" "$BENCH_LOG"
tap_check "every reply carried 1000 bytes back from the kernel" \
	test "$(grep -c "1000 bytes from $KERNEL_IP: seq=" "$BENCH_LOG")" = 50
check_mbufs
e2e_done
