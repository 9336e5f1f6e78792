#!/bin/bash
# Installs what rtestack needs to build and test, when run as root on
# Debian 12 and something is missing. Safe to run again: it does nothing
# when everything is present.
set -u
PKGS_BUILD="gcc clang meson ninja-build pkg-config libdpdk-dev dpdk libnuma-dev python3"
PKGS_TEST="libclang-rt-14-dev liblwip-dev iproute2 iputils-ping curl wrk netcat-openbsd ethtool python3-scapy iperf3 tcpdump valgrind"
want="$PKGS_BUILD"
[ "${1:-}" = "--test" ] && want="$PKGS_BUILD $PKGS_TEST"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "rtestack: missing packages:$missing" >&2
  echo "rtestack: run as root, or: sudo apt-get install -y$missing" >&2
  exit 0   # the build decides what it can do without them
fi
echo "rtestack: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq $missing >/dev/null 2>&1 || apt-get install -y $missing
