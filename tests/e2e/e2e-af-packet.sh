#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# net_af_packet over a veth pair: rtestack-bench owns one end (in its own
# namespace), the kernel the other; ping and a 32 MiB TCP echo with a hash
# check.
. "$(dirname "$0")/lib.sh"
e2e_init afp

# Two namespaces: the DPDK process's ($NS) and the kernel peer's ($KNS).
KNS=rts-afpk-$$
ip netns add "$KNS" && NETNS+=("$KNS")
ip netns exec "$KNS" ip link set lo up
ip link add rtsv0 netns "$NS" type veth peer name rtsv1 netns "$KNS"
ip netns exec "$NS" ip link set rtsv0 up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.rtsv0.disable_ipv6=1
ip netns exec "$KNS" sysctl -qw net.ipv6.conf.rtsv1.disable_ipv6=1
# Frames must reach the socket whole and checksummed.
ip netns exec "$KNS" ethtool -K rtsv1 tx off tso off gso off >/dev/null 2>&1
ip netns exec "$NS" ethtool -K rtsv0 tx off tso off gso off gro off >/dev/null 2>&1
ip netns exec "$KNS" ip addr add $KERNEL_IP/24 dev rtsv1
ip netns exec "$KNS" ip link set rtsv1 up

tap_check "rtestack-bench starts on net_af_packet" \
	bench_start -l 0 --vdev net_af_packet0,iface=rtsv0 -- \
	--addr $STACK_IP/24 --role server --workload pingpong --port 5001 \
	--quiet
grep "^rtestack:" "$BENCH_LOG" | diag
run "$WORK/ping" 60 ip netns exec "$KNS" ping -c 100 -i 0.002 -W 1 -s 1472 $STACK_IP
out=$(cat "$WORK/ping")
echo "$out" | tail -2 | diag
tap_check "ping -s 1472 over af_packet: 100 sent, 100 received" \
	grep -q "100 packets transmitted, 100 received" <<<"$out"
run "$WORK/echo" 120 ip netns exec "$KNS" $PY "$HERE/kpeer.py" tcp-echo \
	$STACK_IP 5001 $((32 << 20)) 2
rc=$?
cat "$WORK/echo"
tap_check "32 MiB up and down over af_packet, hashes match" test $rc = 0
bench_stop
e2e_done
