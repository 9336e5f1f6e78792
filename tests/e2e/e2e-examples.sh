#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The examples as a user builds them: install rtestack into a scratch
# directory, compile examples/*.c against the installed headers and
# libraries through pkg-config (-Wall -Wextra -Werror), run the no-DPDK
# example (shared and fully static), then run the DPDK echo example on
# net_tap and drive it from the kernel: UDP and TCP echo, byte-exact,
# then SIGINT with every mbuf back.
#   e2e-examples.sh SOURCE_ROOT BUILD_ROOT
. "$(dirname "$0")/lib.sh"
SRC=$1
BLD=$2
e2e_init examples
DEST=$WORK/inst
CC=${CC:-cc}

run "$WORK/install.log" 120 meson install -C "$BLD" --no-rebuild --destdir "$DEST"
rc=$?
tap_check "meson install into a scratch directory" test $rc = 0
[ $rc = 0 ] || tail -20 "$WORK/install.log" | diag
# A relocated install: point our own .pc files at it (libdpdk's stay put).
PCDIR=$(dirname "$(find "$DEST" -name rtestack.pc | head -1)")
PREFIX_DIR=$(sed -n 's/^prefix=//p' "$PCDIR/rtestack.pc")
mkdir -p "$WORK/pc"
for f in "$PCDIR"/rtestack*.pc; do
	sed "s|^prefix=.*|prefix=$DEST$PREFIX_DIR|" "$f" >"$WORK/pc/$(basename "$f")"
done
export PKG_CONFIG_PATH=$WORK/pc
LIBDIR=$(pkg-config --variable=libdir rtestack)
tap_check "pkg-config finds rtestack and rtestack-dpdk" \
	pkg-config --exists rtestack rtestack-dpdk
tap_check "the public headers were installed" \
	test -f "$(pkg-config --variable=includedir rtestack)/rtestack/rtestack.h"

run "$WORK/cc1" 120 $CC -Wall -Wextra -Werror "$SRC/examples/two_stacks.c" \
	$(pkg-config --cflags --libs rtestack) -o "$WORK/two_stacks"
tap_check "two_stacks.c builds with pkg-config rtestack" test $? = 0
diag <"$WORK/cc1"
run "$WORK/two" 20 env LD_LIBRARY_PATH="$LIBDIR" "$WORK/two_stacks"
diag <"$WORK/two"
tap_check "two_stacks: TCP echo between two stacks verified, no buffer leaked" \
	grep -q "echo verified, buffers still lent: 0" "$WORK/two"
run "$WORK/cc2" 120 $CC -static -Wall -Wextra -Werror \
	"$SRC/examples/two_stacks.c" $(pkg-config --static --cflags --libs rtestack) \
	-o "$WORK/two_static"
tap_check "two_stacks.c links statically (the core needs nothing but libc here)" \
	test $? = 0
diag <"$WORK/cc2"
run "$WORK/two_s" 20 "$WORK/two_static"
tap_check "the static two_stacks verifies its echo too" \
	grep -q "echo verified, buffers still lent: 0" "$WORK/two_s"

run "$WORK/cc3" 180 $CC -Wall -Wextra -Werror "$SRC/examples/dpdk_echo.c" \
	$(pkg-config --cflags --libs rtestack-dpdk) -o "$WORK/dpdk_echo"
tap_check "dpdk_echo.c builds with pkg-config rtestack-dpdk" test $? = 0
diag <"$WORK/cc3"

BENCH_LOG=$WORK/dpdk_echo.log
ip netns exec "$NS" env LD_LIBRARY_PATH="$LIBDIR" "$WORK/dpdk_echo" \
	--no-pci --no-huge -m 512 --file-prefix "$PREFIX" \
	--log-level=pmd.net.tap:error -l 0 --vdev net_tap0,iface=rtsx0 -- \
	$STACK_IP/24 >"$BENCH_LOG" 2>&1 &
BENCH_PID=$!
for i in $(seq 1 200); do
	grep -q "dpdk_echo: ready" "$BENCH_LOG" && break
	kill -0 $BENCH_PID 2>/dev/null || break
	sleep 0.05
done
tap_check "dpdk_echo starts on net_tap" grep -q "dpdk_echo: ready" "$BENCH_LOG"
kernel_tap_up rtsx0
run "$WORK/udp" 60 ip netns exec "$NS" $PY "$HERE/kpeer.py" udp-echo \
	$STACK_IP 7 200 1,64,512,1472
tap_check "dpdk_echo: 200 UDP datagrams echoed byte-exact" test $? = 0
diag <"$WORK/udp"
run "$WORK/tcp" 120 ip netns exec "$NS" $PY "$HERE/kpeer.py" tcp-echo \
	$STACK_IP 7 $((32 << 20)) 4
tap_check "dpdk_echo: 32 MiB TCP echo over 4 connections, hashes match" \
	test $? = 0
diag <"$WORK/tcp"
kill -INT $BENCH_PID
for i in $(seq 1 100); do
	kill -0 $BENCH_PID 2>/dev/null || break
	sleep 0.1
done
wait $BENCH_PID
rc=$?
BENCH_PID=
grep "dpdk_echo:" "$BENCH_LOG" | diag
tap_check "dpdk_echo exits 0 after SIGINT" test $rc = 0
tap_check "dpdk_echo: every mbuf back in its pool" \
	grep -q "mbufs leaked: 0$" "$BENCH_LOG"
e2e_done
