# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the end-to-end tests: rtestack-bench on net_tap (or
# net_af_packet) inside a network namespace of the test's own, the Linux
# kernel on the other side (198.18.0.1/24; rtestack is 198.18.0.2).
# Every test prints TAP; everything it starts is stopped by PID and every
# namespace it creates is deleted on exit.
#
#   . "$(dirname "$0")/lib.sh"
#   e2e_init NAME                  # root check, netns, EXIT trap
#   bench_start [EAL args] -- [bench args]   # waits for "ready"
#   tap_check "description" COMMAND...
#   bench_stop                     # SIGINT; checks exit 0 and no leaked mbufs
#   e2e_done
#
# $BENCH_PID may be any process the test waits on this way (e2e-cli runs
# rtestack-cli there): wait_log and bench_reap work for it too.

set -u
BENCH=${RTS_BENCH:-}
PY=/usr/bin/python3               # Debian's python (scapy lives there)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KERNEL_IP=198.18.0.1
STACK_IP=198.18.0.2
KERNEL_IP6=2001:2::1              # the IPv6 tests' addresses (/64)
STACK_IP6=2001:2::2
TAP_N=0
TAP_FAILED=0
PIDS=()
NETNS=()
BENCH_PID=
BENCH_LOG=
WORK=

tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
diag() { sed 's/^/# /'; }

# tap_check "what" cmd...: one TAP line from a command's status.
tap_check() {
	local what=$1; shift
	if "$@"; then tap_ok "$what"; else tap_not_ok "$what"; fi
}

cleanup() {
	local p
	for p in ${BENCH_PID:+$BENCH_PID} "${PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	sleep 0.5
	for p in ${BENCH_PID:+$BENCH_PID} "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for n in "${NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
	[ -n "$WORK" ] && rm -rf "$WORK"
}

# run OUT LIMIT CMD...: CMD (at most LIMIT seconds, output to OUT) in the
# background, then wait: bash runs a signal's trap only between foreground
# commands, and "wait" is interrupted at once. Returns CMD's status.
run() {
	local out=$1 limit=$2 p
	shift 2
	timeout "$limit" "$@" >"$out" 2>&1 &
	p=$!
	PIDS+=($p)
	wait $p
}

# Namespaces named rts-NAME-PID left by a test that was killed outright
# (SIGKILL runs no trap): delete those whose PID is gone and that hold no
# process.
reap_stale_netns() {
	local ns pid
	for ns in $(ip netns list | grep -oE '^rts-[a-z0-9]+-[0-9]+'); do
		pid=${ns##*-}
		kill -0 "$pid" 2>/dev/null && continue
		[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] && ip netns del "$ns"
	done
}

# e2e_init NAME: skip unless root and the bench exists; one netns "NS".
e2e_init() {
	local name=$1
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP end-to-end tests need root (netns, tap)"
		exit 0
	fi
	if [ -z "$BENCH" ] || [ ! -x "$BENCH" ]; then
		echo "1..0 # SKIP rtestack-bench not built (RTS_BENCH unset)"
		exit 0
	fi
	reap_stale_netns
	WORK=$(mktemp -d /tmp/rts-e2e-$name.XXXXXX)
	NS=rts-$name-$$
	PREFIX=rts-$name-$$
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	ip netns add "$NS" || { echo "1..0 # SKIP cannot create a netns"; exit 0; }
	NETNS+=("$NS")
	ip netns exec "$NS" ip link set lo up
}

# Kernel side of the tap inside the namespace.
kernel_tap_up() {
	local ifc=$1
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1" 2>/dev/null
	ip netns exec "$NS" ip addr add "$KERNEL_IP/24" dev "$ifc" &&
	ip netns exec "$NS" ip link set "$ifc" up
}

# kernel_v6_up IFC: IPv6 on the kernel side of the tap IFC, with
# $KERNEL_IP6/64 (no DAD wait, no static neighbours), and the link up.
kernel_v6_up() {
	local ifc=$1
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=0"
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
	ip netns exec "$NS" ip -6 addr add $KERNEL_IP6/64 dev "$ifc" nodad
	ip netns exec "$NS" ip link set "$ifc" up
}

# wait_v6: until rtestack's $STACK_IP6 answers (10 s at most): its DAD
# (RFC 4862: one probe, 1 s) is waited for, not a fixed time (slow under load).
wait_v6() {
	local i
	for i in $(seq 1 40); do
		ip netns exec "$NS" ping -6 -c 1 -W 1 $STACK_IP6 >/dev/null 2>&1 && return 0
		sleep 0.25
	done
	return 1
}

# wait_log LOG REGEX [TRIES]: until LOG has a line matching REGEX (TRIES
# looks 50 ms apart, default 200) or $BENCH_PID is gone. True once it has.
wait_log() {
	local log=$1 re=$2 i
	for i in $(seq 1 "${3:-200}"); do
		grep -q "$re" "$log" && return 0
		kill -0 "$BENCH_PID" 2>/dev/null || break
		sleep 0.05
	done
	grep -q "$re" "$log"
}

# bench_start EAL-ARGS... -- BENCH-ARGS...: run in $NS, wait for "ready".
# With a net_tap vdev named in the EAL args the kernel side is configured.
bench_start() {
	local ifc=
	BENCH_LOG=$WORK/bench.$TAP_N.log
	for a in "$@"; do
		case "$a" in *net_tap*iface=*) ifc=${a##*iface=}; ifc=${ifc%%,*} ;; esac
	done
	ip netns exec "$NS" "$BENCH" --no-pci --no-huge -m 512 \
		--file-prefix "$PREFIX" --log-level=pmd.net.tap:error "$@" \
		>"$BENCH_LOG" 2>&1 &
	BENCH_PID=$!
	if ! wait_log "$BENCH_LOG" "rtestack-bench: ready"; then
		diag <"$BENCH_LOG"
		return 1
	fi
	[ -n "$ifc" ] && kernel_tap_up "$ifc"
	return 0
}

# bench_client_start IFC EAL-ARGS... -- BENCH-ARGS...: a bench that ends by
# itself (a client) in $NS on the net_tap interface IFC named in the EAL
# args; the kernel side of the tap is configured as soon as it appears
# (by $KERNEL_UP IFC when set, else kernel_tap_up IFC).
# Then bench_wait, or bench_client_verdict, for its verdict.
bench_client_start() {
	local ifc=$1 i
	shift
	BENCH_LOG=$WORK/client.$TAP_N.log
	ip netns exec "$NS" "$BENCH" --no-pci --no-huge -m 512 \
		--file-prefix "$PREFIX" --log-level=pmd.net.tap:error "$@" \
		>"$BENCH_LOG" 2>&1 &
	BENCH_PID=$!
	for i in $(seq 1 100); do
		ip netns exec "$NS" ip link show "$ifc" >/dev/null 2>&1 && break
		sleep 0.05
	done
	"${KERNEL_UP:-kernel_tap_up}" "$ifc"
}

# bench_wait: wait for a bench that ends by itself (a client); its status.
bench_wait() {
	local rc
	wait "$BENCH_PID"
	rc=$?
	BENCH_PID=
	return $rc
}

# bench_client_verdict WHAT REGEX: bench_wait, show the log lines matching
# REGEX, then one TAP line WHAT for exit 0 and one for the mbufs.
bench_client_verdict() {
	local what=$1 show=$2 rc
	bench_wait
	rc=$?
	grep -E "$show" "$BENCH_LOG" | diag
	tap_check "$what" test $rc = 0
	[ $rc = 0 ] || tail -30 "$BENCH_LOG" | diag
	check_mbufs
}

# bench_reap: $BENCH_PID was told to end: give it 10 s to, then wait for
# it; its status.
bench_reap() {
	local i
	for i in $(seq 1 100); do
		kill -0 "$BENCH_PID" 2>/dev/null || break
		sleep 0.1
	done
	bench_wait
}

# bench_stop: SIGINT, then the verdict: exit 0, no mbuf left behind.
bench_stop() {
	local rc
	[ -z "$BENCH_PID" ] && return 1
	kill -INT "$BENCH_PID" 2>/dev/null
	bench_reap
	rc=$?
	tap_check "rtestack-bench exits 0 after SIGINT" test "$rc" = 0
	check_mbufs
	[ "$rc" = 0 ] || tail -40 "$BENCH_LOG" | diag
}

# The bench prints "mbufs in use: start S, end E, after close C: leaked C".
check_mbufs() {
	local line
	line=$(grep "mbufs in use:" "$BENCH_LOG")
	echo "# $line"
	tap_check "every mbuf back in its pool" \
		grep -q "after close 0: leaked 0$" <<<"$line"
}

e2e_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ]
}
