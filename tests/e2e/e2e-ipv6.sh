#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# IPv6 against the kernel (issue 5): rtestack dual-stack on net_tap
# (198.18.0.2/24 and 2001:2::2/64), the kernel at 2001:2::1/64. No static
# neighbour entries: each side finds the other by NDP. ping -6 both ways,
# TCP upload + download with a hash check, curl -6, UDP echo, and a 4000-byte UDP
# datagram that must be fragmented and reassembled in both directions.
. "$(dirname "$0")/lib.sh"
e2e_init ipv6
K6=$KERNEL_IP6
S6=$STACK_IP6
IFC=rts6t0

tap_check "rtestack-bench (dual stack) starts on net_tap" \
	bench_start -l 0 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role server --workload pingpong \
	--port 5001 --quiet
grep "^rtestack:" "$BENCH_LOG" | diag
# The kernel side: IPv6 on, no DAD wait, no static neighbours.
kernel_v6_up $IFC
wait_v6

run "$WORK/ping6" 60 ip netns exec "$NS" ping -6 -c 50 -i 0.01 -W 1 $S6
tail -2 "$WORK/ping6" | diag
tap_check "ping -6 rtestack: 50 sent, 50 received" \
	grep -q "50 packets transmitted, 50 received" "$WORK/ping6"
run "$WORK/ping6b" 60 ip netns exec "$NS" ping -6 -c 20 -i 0.01 -s 1400 -W 1 $S6
tap_check "ping -6 -s 1400: no loss" \
	grep -q "20 packets transmitted, 20 received" "$WORK/ping6b"
neigh=$(ip netns exec "$NS" ip -6 neigh show $S6 dev $IFC)
echo "$neigh" | diag
tap_check "the kernel resolved rtestack by NDP" grep -q lladdr <<<"$neigh"

run "$WORK/echo6" 150 ip netns exec "$NS" $PY "$HERE/kpeer.py" tcp-echo \
	$S6 5001 $((256 << 20)) 1
rc=$?
cat "$WORK/echo6"
tap_check "TCP over IPv6: 256 MiB up and down, hashes match" test $rc = 0

run "$WORK/link" 10 ip netns exec "$NS" ping -6 -c 3 -i 0.05 -W 1 \
	"fe80::$(ip netns exec "$NS" ip -6 addr show dev $IFC scope link | \
		sed -n 's/.*fe80::\([0-9a-f:]*\)\/64.*/\1/p' | head -1)%$IFC" >/dev/null
bench_stop
grep -E "icmp6_|nd_|ip6_" "$BENCH_LOG" | diag
tap_check "rtestack answered ICMPv6 echo requests" \
	grep -qE "icmp6_tx_echo_reply +[1-9]" "$BENCH_LOG"

# UDP over IPv6; 4000-byte datagrams are fragmented by the kernel on the
# way in (rtestack reassembles) and by rtestack on the way back.
tap_check "rtestack-bench (udp echo, dual stack) starts" \
	bench_start -l 0 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role server --proto udp \
	--workload pingpong --port 7 --quiet
kernel_v6_up $IFC
wait_v6
run "$WORK/udp6" 60 ip netns exec "$NS" $PY "$HERE/kpeer.py" udp-echo \
	$S6 7 120 1,100,1000,1452,4000
rc=$?
cat "$WORK/udp6"
tap_check "UDP over IPv6: 120 datagrams up to 4000 bytes echoed byte-exact" \
	test $rc = 0
bench_stop
grep -E "ip6_reass_ok|ip6_tx_frags" "$BENCH_LOG" | diag
tap_check "rtestack reassembled and fragmented the 4000-byte datagrams" \
	bash -c "grep -qE 'ip6_reass_ok +[1-9]' '$BENCH_LOG' && grep -qE 'ip6_tx_frags +[1-9]' '$BENCH_LOG'"

# HTTP over IPv6: curl -6 fetches a 10 MB body.
tap_check "rtestack-bench (http, dual stack) starts" \
	bench_start -l 0 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role server --workload http \
	--port 80 --body 10000000 --quiet
kernel_v6_up $IFC
wait_v6
run "$WORK/curl6" 60 ip netns exec "$NS" curl -6 -s -S -o "$WORK/body6" \
	-w "%{http_code} %{size_download}\n" "http://[$S6]:80/"
diag <"$WORK/curl6"
tap_check "curl -6: 200 and 10000000 bytes" grep -q "^200 10000000$" "$WORK/curl6"
bench_stop

# The other direction: rtestack pings the kernel (rts_ping over ICMPv6,
# rtestack-bench --proto icmp). The kernel's address is configured once the
# tap appears; --ping-wait covers that and rtestack's own DAD.
bench_client_start $IFC -l 0 --vdev net_tap0,iface=$IFC -- \
	--addr $STACK_IP/24 --addr $S6/64 --role client --proto icmp \
	--server $K6 --requests 30 --size 56 --ping-wait 2
kernel_v6_up $IFC
bench_wait
rc=$?
grep -E "ping |bytes from|no reply|icmp6_rx_echo_reply|nd_" "$BENCH_LOG" | tail -8 | diag
tap_check "rtestack pings the kernel over IPv6: exit 0" test $rc = 0
tap_check "rtestack ping -6: 30 sent, 30 received" \
	grep -q "ping $K6: 30 sent, 30 received" "$BENCH_LOG"
tap_check "replies came from the kernel's address with an RTT" \
	test "$(grep -c "bytes from $K6: seq=[0-9]* time=" "$BENCH_LOG")" = 30
check_mbufs
e2e_done
