#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Side-by-side figures for docs/performance.md, in one run.

rtestack (rtestack-membench), lwIP 2.1.3 (lwip-membench, Debian's liblwip)
and the Linux kernel (rtestack-membench --stack kernel: loopback sockets,
epoll) run the W1 and W2 workloads of performance-targets.md in interleaved
rounds, so that every stack sees the same machine load; the script prints
each run, the medians and the ratios, and the commands that made them.

  scripts/bench-compare.py [--build build] [--rounds 3] [--duration 3]
  scripts/bench-compare.py --callgrind      # instructions per transaction

--callgrind runs each e1 workload twice under valgrind (N and 2N
transactions after set-up) and divides the difference by N, so set-up and
tear-down cancel out: exact and repeatable figures on a noisy machine.
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys


def run_json(cmd):
    print("$ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (out.returncode, " ".join(cmd),
                                          out.stderr[-2000:]))
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    sys.exit("no JSON from: " + " ".join(cmd))


def configs(b):
    mb = os.path.join(b, "apps/membench/rtestack-membench")
    lw = os.path.join(b, "apps/lwipbench/lwip-membench")
    have_lwip = os.access(lw, os.X_OK)
    c = []
    for wl, unit in (("pingpong", "rps"), ("bulk", "gbps")):
        for t in (1, 2):
            for ck in ("offload", "sw"):
                c.append(("rtestack %s e%d %s" % (wl, t, ck), unit,
                          [mb, "--workload", wl, "--threads", str(t),
                           "--checksum", ck]))
        if have_lwip:
            c.append(("lwip %s e1 sw" % wl, unit, [lw, "--workload", wl]))
    c.append(("linux pingpong loopback", "rps", [mb, "--stack", "kernel"]))
    if not have_lwip:
        print("note: lwip-membench not built (apt install liblwip-dev)")
    return c


def wall_clock(args):
    cfgs = configs(args.build)
    runs = {name: [] for name, _, _ in cfgs}
    for r in range(args.rounds):
        print("# round %d of %d" % (r + 1, args.rounds), flush=True)
        for name, unit, cmd in cfgs:
            res = run_json(cmd + ["--duration", str(args.duration),
                                  "--warmup", "1", "--json"])
            v = res[unit] / 1e6 if unit == "rps" else res[unit]
            runs[name].append(v)
            print("  %-28s %8.3f %s" % (name, v,
                  "M trans/s" if unit == "rps" else "Gbit/s"), flush=True)
    med = {k: statistics.median(v) for k, v in runs.items() if v}
    print("\n| figure | median | runs |\n|---|---|---|")
    for name, unit, _ in cfgs:
        u = "M trans/s" if unit == "rps" else "Gbit/s"
        print("| %s | %.3f %s | %s |" % (name, med[name], u,
              ", ".join("%.3f" % v for v in runs[name])))
    ratios = [("rtestack W1 e1 offload / Linux", "rtestack pingpong e1 offload",
               "linux pingpong loopback"),
              ("rtestack W1 e1 sw / lwIP", "rtestack pingpong e1 sw",
               "lwip pingpong e1 sw"),
              ("rtestack W2 e1 sw / lwIP", "rtestack bulk e1 sw",
               "lwip bulk e1 sw")]
    print("\n| ratio (medians, same run) | value |\n|---|---|")
    for label, a, b in ratios:
        if a in med and b in med and med[b] > 0:
            print("| %s | %.1f× |" % (label, med[a] / med[b]))


def collected(cmd):
    full = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + cmd
    print("$ " + " ".join(shlex.quote(c) for c in full), flush=True)
    out = subprocess.run(full, capture_output=True, text=True, timeout=1200)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or m is None:
        sys.exit("callgrind failed: %s\n%s" % (" ".join(cmd), out.stderr[-2000:]))
    return int(m.group(1))


def instructions(args):
    b = args.build
    mb = os.path.join(b, "apps/membench/rtestack-membench")
    lw = os.path.join(b, "apps/lwipbench/lwip-membench")
    n = args.transactions
    rows = []
    for wl in ("pingpong", "bulk"):
        for ck in ("offload", "sw"):
            rows.append(("rtestack %s e1 %s" % (wl, ck),
                         [mb, "--workload", wl, "--checksum", ck]))
        if os.access(lw, os.X_OK):
            rows.append(("lwip %s e1 sw" % wl, [lw, "--workload", wl]))
    print("\n| workload | instructions / transaction (W2: / segment) |\n|---|---|")
    res = []
    for name, cmd in rows:
        i1 = collected(cmd + ["--transactions", str(n)])
        i2 = collected(cmd + ["--transactions", str(2 * n)])
        res.append((name, (i2 - i1) / n))
    for name, v in res:
        print("| %s | %.0f |" % (name, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=3)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--transactions", type=int, default=20000)
    args = ap.parse_args()
    if args.callgrind:
        instructions(args)
    else:
        wall_clock(args)


if __name__ == "__main__":
    main()
