#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# rtestack-cli against the kernel on net_tap in a namespace: the test feeds
# commands through a FIFO and checks what the CLI prints. The kernel pings
# the stack, the CLI pings the kernel (IPv4 and IPv6), resolves it by ARP
# and NDP, serves TCP and UDP echo to kernel clients, shows the connection,
# the neighbours and the counters, survives bad commands and exits cleanly.
. "$(dirname "$0")/lib.sh"
CLI=${RTS_CLI:-}
if [ -z "$CLI" ] || [ ! -x "$CLI" ]; then
	echo "1..0 # SKIP rtestack-cli not built (RTS_CLI unset)"
	exit 0
fi
e2e_init cli
K6=$KERNEL_IP6
S6=$STACK_IP6
IFC=rtscli0
LOG=$WORK/cli.log
MARK=0
OUT=

# cli "CMD; CMD": run commands, wait for them to finish, output in $OUT.
cli() {
	local start
	MARK=$((MARK + 1))
	start=$(wc -l <"$LOG")
	echo "$*; echo @@done-$MARK" >&3
	wait_log "$LOG" "^@@done-$MARK\$" 400
	OUT=$(tail -n +$((start + 1)) "$LOG")
	grep -q "^@@done-$MARK\$" <<<"$OUT"
}

# has "what" REGEX: one TAP line, true when $OUT matches REGEX.
has() {
	if grep -qE "$2" <<<"$OUT"; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		diag <<<"$OUT"
	fi
}

cli_start() {
	mkfifo "$WORK/in"
	ip netns exec "$NS" "$CLI" --no-pci --no-huge -m 512 -l 0 \
		--file-prefix "$PREFIX" --log-level=pmd.net.tap:error \
		--vdev net_tap0,iface=$IFC -- \
		--addr $STACK_IP/24 --addr $S6/64 --quiet \
		<"$WORK/in" >"$LOG" 2>&1 &
	BENCH_PID=$!
	exec 3>"$WORK/in"
	wait_log "$LOG" "rtestack-cli: ready" && return 0
	diag <"$LOG"
	return 1
}

kernel_up() {
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$IFC.accept_dad=0"
	ip netns exec "$NS" ip addr add $KERNEL_IP/24 dev $IFC &&
	ip netns exec "$NS" ip -6 addr add $K6/64 dev $IFC nodad &&
	ip netns exec "$NS" ip link set $IFC up
}

tap_check "rtestack-cli starts on net_tap and says ready" cli_start
tap_check "the kernel side of the tap is configured" kernel_up
KMAC=$(ip netns exec "$NS" cat /sys/class/net/$IFC/address)

cli "show port"
has "show port: the driver" "driver +net_tap"
has "show port: MTU 1500" "mtu +1500"
has "show port: offloads as on/emulated/off" "tx-l4-csum +(on|emulated)"

# The kernel pings the stack.
run "$WORK/ping" 30 ip netns exec "$NS" ping -c 5 -i 0.05 -W 1 $STACK_IP
tap_check "kernel ping: 5 sent, 5 received" \
	grep -q "5 packets transmitted, 5 received" "$WORK/ping"
cli "show counters icmp"
has "show counters: the 5 echo requests were answered" \
	"icmp_tx_echo_reply +5$"
cli "show neigh"
has "show neigh lists the kernel's MAC" "198\.18\.0\.1 +$KMAC +[A-Z]+"

# Bad input is reported and the CLI goes on.
cli "frobnicate 1 2; show tcp bogus; ping 300.1.1.1; listen tcp 0 echo"
has "unknown command: an error line" "^error: unknown command 'frobnicate'"
has "unknown command: a usage line" "^usage: "
has "bad arguments: errors with usage" "^error: ping: bad address '300\.1\.1\.1'"
has "the CLI still runs commands after errors" "^@@done-$MARK\$"

# The CLI pings and resolves the kernel over IPv4.
cli "arp resolve $KERNEL_IP; ping $KERNEL_IP 3 56 100"
has "arp resolve: the kernel's MAC" "$KERNEL_IP is at $KMAC"
has "ping (IPv4): per-reply lines with an RTT" \
	"^reply from $KERNEL_IP: seq=1 bytes=56 rtt=[0-9.]+ ms"
has "ping (IPv4): 3 sent, 3 received, 0% loss, min/avg/max" \
	"^ping $KERNEL_IP: 3 sent, 3 received, 0\.0% loss, rtt min/avg/max [0-9.]+/[0-9.]+/[0-9.]+ ms"

# IPv6: wait for DAD to finish on 2001:2::2, then ping and resolve.
for i in $(seq 1 40); do
	cli "show addr"
	grep -qE "$S6/64 +PREFERRED" <<<"$OUT" && break
	sleep 0.1
done
has "show addr: IPv6 address PREFERRED after DAD, link-local listed" \
	"$S6/64 +PREFERRED +config"
has "show addr: the link-local address" "fe80::[0-9a-f:]+/64 +[A-Z]+ +link-local"
cli "ping $K6 3 100 100; ndp resolve $K6; show neigh; show routes"
has "ping (IPv6): 3 sent, 3 received" "^ping $K6: 3 sent, 3 received, 0\.0% loss"
has "ndp resolve: the kernel's MAC" "$K6 is at $KMAC"
has "show neigh lists the kernel over NDP" "ndp +$K6 +$KMAC"
has "show routes: the on-link prefixes" "2001:2::/64 +on-link +connected"

# TCP and UDP echo for kernel clients; the connection shows in "show tcp".
cli "listen tcp 5001 echo; listen udp 7 echo; show udp"
has "listen: tcp and udp services" "listening: tcp port 5001 echo"
has "show udp lists the bound port" "UDP +\*:7 +service echo"
ip netns exec "$NS" $PY - $STACK_IP 5001 >"$WORK/tcp" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
data = bytes(range(256)) * 400
s.sendall(data)
got = b""
while len(got) < len(data):
    chunk = s.recv(65536)
    if not chunk:
        break
    got += chunk
print("echo ok" if got == data else "echo MISMATCH %d" % len(got), flush=True)
time.sleep(5)
s.close()
EOF
PY_PID=$!
PIDS+=($PY_PID)
for i in $(seq 1 200); do
	grep -q "echo" "$WORK/tcp" && break
	sleep 0.05
done
tap_check "TCP echo: 102400 bytes back byte-exact" grep -q "echo ok" "$WORK/tcp"
cli "show tcp"
has "show tcp lists the connection with its state" \
	"^  $STACK_IP:5001 $KERNEL_IP:[0-9]+ ESTABLISHED snd_una=[0-9]+ snd_nxt=[0-9]+ rcv_nxt=[0-9]+ cwnd=[0-9]+"
has "show tcp lists the listener" "LISTEN \*:5001 .*service echo accepted 1"
wait $PY_PID
run "$WORK/udp" 20 ip netns exec "$NS" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b"x" * 1000, (sys.argv[1], 7))
d, _ = s.recvfrom(2000)
print("udp ok" if d == b"x" * 1000 else "udp MISMATCH")' $S6
tap_check "UDP echo over IPv6" grep -q "udp ok" "$WORK/udp"

# Drops are counted and readable: a datagram to a port nobody bound, a SYN
# to a port nobody listens on.
ip netns exec "$NS" $PY -c '
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"nobody", (sys.argv[1], 9))
t = socket.socket()
t.settimeout(2)
try:
    t.connect((sys.argv[1], 9))
except OSError as e:
    print("refused", e)' $STACK_IP >"$WORK/drops" 2>&1
tap_check "a SYN to a closed port is refused" grep -q "refused" "$WORK/drops"
cli "show counters no_"
has "show counters: udp_rx_no_port counts the datagram" "udp_rx_no_port +[1-9]"
has "show counters: tcp_rx_no_conn counts the SYN" "tcp_rx_no_conn +[1-9]"

cli "show counters tcp_conn; clear counters; show counters icmp_tx_echo_reply all"
has "show counters: the passive open is counted" "tcp_conn_passive +1$"
has "clear counters: back to zero" "icmp_tx_echo_reply +0$"

cli "close 5001; close 5001; sleep 50"
has "close: the service stops" "^closed: tcp port 5001 echo"
has "close twice: an error" "^error: close: nothing listens on port 5001"

echo "quit" >&3
bench_reap
rc=$?
exec 3>&-
tap_check "quit: rtestack-cli exits 0" test "$rc" = 0
tap_check "every mbuf back in its pool" grep -q "mbufs leaked: 0)" "$LOG"

# Non-interactive: --cmd, then --script, then exit by itself (no --stay).
printf 'show port\n# a comment\nbogus command\nsleep 100; show counters eth_tx\n' \
	>"$WORK/script"
run "$WORK/batch" 30 ip netns exec "$NS" "$CLI" --no-pci --no-huge -m 512 -l 0 \
	--file-prefix "$PREFIX" --log-level=pmd.net.tap:error \
	--vdev net_tap0,iface=$IFC -- --addr $STACK_IP/24 --quiet \
	--cmd "echo from-cmd; show udp" --script "$WORK/script" </dev/null
rc=$?
OUT=$(cat "$WORK/batch")
tap_check "--cmd + --script: exits 0 by itself at the end" test "$rc" = 0
has "--cmd runs first, each command echoed" "^rtestack> echo from-cmd"
has "--script: commands run in order after --cmd" "^  mtu +1500"
has "--script: a bad line is an error, the rest still runs" \
	"^error: unknown command 'bogus'"
has "--script: the last command's output" "^  eth_tx_frames +[1-9]"

# --stay: after --cmd, commands from stdin (a pipe) until quit.
# (a background job's stdin is /dev/null unless redirected explicitly)
printf 'show udp\nquit\necho not-reached\n' >"$WORK/stay.in"
timeout 30 ip netns exec "$NS" "$CLI" --no-pci --no-huge -m 512 -l 0 \
	--file-prefix "$PREFIX" --log-level=pmd.net.tap:error \
	--vdev net_tap0,iface=$IFC -- --addr $STACK_IP/24 --quiet \
	--cmd "listen udp 7" --stay <"$WORK/stay.in" >"$WORK/stay" 2>&1 &
p=$!
PIDS+=($p)
wait $p
rc=$?
OUT=$(cat "$WORK/stay")
tap_check "--stay: exits 0 at quit" test "$rc" = 0
has "--stay: stdin commands run after --cmd" "UDP +\*:7 +service echo"
if grep -q "^not-reached" <<<"$OUT"; then
	tap_not_ok "--stay: nothing runs after quit"
else
	tap_ok "--stay: nothing runs after quit"
fi
e2e_done
