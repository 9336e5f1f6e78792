#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The kernel's side of the end-to-end tests: plain Linux sockets.

  kpeer.py tcp-echo HOST PORT BYTES [CONNS]   upload BYTES (split over CONNS
                                              connections) to an echo server
                                              while downloading the echo;
                                              SHA-256 of both must match
  kpeer.py udp-echo HOST PORT COUNT [SIZES]   COUNT datagrams of varied sizes
                                              (SIZES: comma list), each must
                                              come back unchanged; IPv6 HOST ok
  kpeer.py echo-server PORT                   a threaded TCP echo server
  kpeer.py http-bad HOST PORT                 a malformed request gets 400

Diagnostics go to stdout prefixed with '# ' (TAP comments); the exit status
is the verdict.
"""
import hashlib
import os
import socket
import sys
import threading
import time


def note(*a):
    print("#", *a, flush=True)


def tcp_echo_one(host, port, nbytes, seed, result, idx):
    s = socket.create_connection((host, port), timeout=60)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    block = hashlib.sha256(seed).digest() * 32768  # 1 MiB of varied bytes
    h_sent, h_recv = hashlib.sha256(), hashlib.sha256()
    got = [0]

    def reader():
        while got[0] < nbytes:
            try:
                b = s.recv(1 << 20)
            except OSError:
                break
            if not b:
                break
            h_recv.update(b)
            got[0] += len(b)

    t = threading.Thread(target=reader)
    t.start()
    sent = 0
    try:
        while sent < nbytes:
            chunk = block[: min(len(block), nbytes - sent)]
            s.sendall(chunk)
            h_sent.update(chunk)
            sent += len(chunk)
    except OSError as e:
        note("conn", idx, "send failed:", e)
    t.join(120)
    s.close()
    result[idx] = (sent, got[0], h_sent.hexdigest() == h_recv.hexdigest())


def tcp_echo(host, port, total, conns=1):
    per = total // conns
    result = [None] * conns
    t0 = time.time()
    threads = [threading.Thread(target=tcp_echo_one,
                                args=(host, port, per, b"%d" % i, result, i))
               for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.time() - t0
    ok = True
    for i, r in enumerate(result):
        if r is None or r[0] != per or r[1] != per or not r[2]:
            note("conn", i, "sent/received/match:", r)
            ok = False
    note("%d MiB up and down over %d connection(s) in %.1f s (%.0f Mbit/s "
         "each way)" % (total >> 20, conns, dt, total * 8 / dt / 1e6))
    return ok


def udp_echo(host, port, count, sizes=None):
    """One datagram outstanding; a late answer to an earlier datagram (sent
    again after a timeout) is recognised and skipped, anything else that
    does not match is corruption."""
    sizes = sizes or [1, 18, 100, 512, 1000, 1472]
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(1.0)
    bad = lost = stale = 0
    sent = set()
    for i in range(count):
        n = sizes[i % len(sizes)]
        payload = (b"%08d" % i + os.urandom(n))[:n]
        if n < 8:
            payload = os.urandom(n)
        for attempt in range(3):
            s.sendto(payload, (host, port))
            got = False
            while True:
                try:
                    data, _ = s.recvfrom(65536)
                except socket.timeout:
                    break
                if data == payload:
                    got = True
                    break
                if data in sent:
                    stale += 1
                    continue
                bad += 1
                break
            if got:
                break
        else:
            lost += 1
        sent.add(payload)
    note("udp echo: %d datagrams, %d lost, %d corrupted, %d late answers "
         "skipped" % (count, lost, bad, stale))
    return bad == 0 and lost == 0


def echo_server(port):
    try:  # dual stack: IPv4 clients arrive as ::ffff:a.b.c.d
        ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("::", port))
    except OSError:  # no IPv6 in this kernel
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", port))
    ls.listen(64)
    print("listening", flush=True)

    def serve(c):
        try:
            while True:
                b = c.recv(1 << 20)
                if not b:
                    break
                c.sendall(b)
        except OSError:
            pass
        c.close()

    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def http_bad(host, port):
    ok = True
    for req in (b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\nBad Header\r\n\r\n"):
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(req)
        data = b""
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                data += b
        except socket.timeout:
            pass
        s.close()
        if not data.startswith(b"HTTP/1.1 400"):
            note("request", req, "answered", data[:60])
            ok = False
    return ok


def main(argv):
    cmd = argv[1]
    if cmd == "tcp-echo":
        conns = int(argv[5]) if len(argv) > 5 else 1
        return tcp_echo(argv[2], int(argv[3]), int(argv[4]), conns)
    if cmd == "udp-echo":
        sizes = [int(x) for x in argv[5].split(",")] if len(argv) > 5 else None
        return udp_echo(argv[2], int(argv[3]), int(argv[4]), sizes)
    if cmd == "echo-server":
        echo_server(int(argv[2]))
        return True
    if cmd == "http-bad":
        return http_bad(argv[2], int(argv[3]))
    print(__doc__)
    return False


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv) else 1)
