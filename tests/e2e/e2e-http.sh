#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The http workload as a real HTTP/1.1 server: curl fetches a 10 MB body
# (checked byte for byte), wrk runs 10 s with 64 connections and must see
# no errors, malformed requests get 400.
. "$(dirname "$0")/lib.sh"
e2e_init http

BODY=$((10 * 1000 * 1000))
tap_check "rtestack-bench (http) starts on net_tap" \
	bench_start -l 0 --vdev net_tap0,iface=rtsh0 -- \
	--addr $STACK_IP/24 --role server --workload http --port 80 \
	--body $BODY --quiet
run "$WORK/curl.out" 60 ip netns exec "$NS" curl -s -S -o "$WORK/body" \
	-w '%{http_code} %{size_download}\n' http://$STACK_IP/
diag <"$WORK/curl.out"
tap_check "curl: 200 and $BODY bytes" grep -q "^200 $BODY$" "$WORK/curl.out"
want=$($PY -c "import hashlib,sys; n=$BODY; b=bytes(97+i%26 for i in range(26))*(n//26+1); print(hashlib.sha256(b[:n]).hexdigest())")
got=$(sha256sum "$WORK/body" | cut -d' ' -f1)
tap_check "curl: the body is the expected pattern" test "$want" = "$got"
run "$WORK/head.out" 30 ip netns exec "$NS" curl -s -I http://$STACK_IP/
out=$(cat "$WORK/head.out")
tap_check "curl -I (HEAD): 200 with Content-Length $BODY" \
	grep -q "Content-Length: $BODY" <<<"$out"
run "$WORK/bad.out" 30 ip netns exec "$NS" $PY "$HERE/kpeer.py" http-bad $STACK_IP 80
tap_check "malformed requests get 400" test $? = 0
diag <"$WORK/bad.out"
bench_stop

# wrk with a small body, so requests (not bandwidth) dominate.
tap_check "rtestack-bench (http, 1 KiB body) starts again" \
	bench_start -l 0 --vdev net_tap0,iface=rtsh0 -- \
	--addr $STACK_IP/24 --role server --workload http --port 80 \
	--body 1024 --quiet
run "$WORK/wrk.out" 60 ip netns exec "$NS" wrk -t 2 -c 64 -d 10s http://$STACK_IP/
diag <"$WORK/wrk.out"
tap_check "wrk: requests completed" grep -qE "^ +[1-9][0-9]* requests in" "$WORK/wrk.out"
tap_check "wrk: no socket errors" bash -c "! grep -q 'Socket errors' $WORK/wrk.out"
tap_check "wrk: no non-2xx responses" bash -c "! grep -q 'Non-2xx' $WORK/wrk.out"
bench_stop
e2e_done
