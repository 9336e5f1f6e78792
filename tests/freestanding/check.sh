#!/bin/sh
# Proves the core is platform-free: every core source compiles with no
# system headers at all (-nostdinc; only the compiler's own stdint.h and
# friends) and links with -nostdlib against nothing but stub.c.
# Usage: check.sh CC SRCDIR FILE...   (prints TAP)
set -u
cc=$1; srcdir=$2; shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ccinc=$($cc -print-file-name=include)
flags="-std=c11 -O2 -ffreestanding -fno-builtin -fno-stack-protector -nostdinc -isystem $ccinc -I$srcdir/include -I$srcdir/src -Wall -Wextra -Werror"
echo "1..2"
ok=1
objs=""
for f in "$@"; do
  o="$out/$(echo "$f" | tr '/' '_').o"
  if ! $cc $flags -c "$f" -o "$o" 2>"$out/err"; then
    echo "# $f does not compile freestanding:"; sed 's/^/#   /' "$out/err"; ok=0
  fi
  objs="$objs $o"
done
if [ $ok = 1 ]; then echo "ok 1 - core compiles with -ffreestanding -nostdinc"; else echo "not ok 1 - core compiles with -ffreestanding -nostdinc"; fi
if [ $ok = 1 ] && $cc $flags -nostdlib -static -o "$out/core.elf" $objs "$srcdir/tests/freestanding/stub.c" 2>"$out/lerr"; then
  echo "ok 2 - core links with -nostdlib (only memcpy/memmove/memset/memcmp supplied)"
else
  [ -f "$out/lerr" ] && sed 's/^/#   /' "$out/lerr"
  echo "not ok 2 - core links with -nostdlib"; ok=0
fi
[ $ok = 1 ]
