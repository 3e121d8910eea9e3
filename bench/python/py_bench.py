#!/usr/bin/python3
"""The wirecraft Python module on the jobs bench/scapy_build.py, bench/scapy_dissect.py and
bench/sr/scapy_sr.py give Scapy, so that bench/python/run.sh can put them side by side. Prints
`key value` lines (medians of RUNS runs); rates are per CPU second of this process, as the
Scapy scripts count them, except sr's, which are per second of wall time.

  py_bench.py build   [-n N] [-r RUNS] [-d N]  the first N SYNs of
        Ether/IP(dst=198.18.0.0/16)/TCP(dport=[22,80,443,8080]) (the set walked again when N
        is larger: Scapy's count), as bytes objects: `for b in s.raw(count=...)`; -d: print
        the first N in hex instead (compared with Scapy's by run.sh)
  py_bench.py dissect [-n N] [-r RUNS]          wc.dissect(raw)["TCP"].dport over a ring of
        4096 distinct frames of that set, N times
  py_bench.py sr IFACE EXPR                     one wc.sr() of EXPR on IFACE: a JSON line
"""
import argparse
import json
import statistics
import sys
import time

import wirecraft as wc

SET = ('Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")'
       '/IP(src="198.18.255.254", dst="198.18.0.0/16")'
       '/TCP(sport=40000, dport=[22, 80, 443, 8080], flags="S")')


def build_run(n):
    s = wc.build(SET)
    reps = -(-n // len(s))
    x = i = 0
    t0 = time.process_time()
    for b in s.raw(count=reps):
        x ^= b[-1]
        i += 1
        if i == n:
            break
    return n / (time.process_time() - t0)


def build_packets_run(n):
    """The same through Packet objects (iterating the set itself), not dissected."""
    s = wc.build(SET)
    reps = -(-n // len(s))
    x = i = 0
    t0 = time.process_time()
    for p in s.packets(count=reps):
        x ^= len(p)
        i += 1
        if i == n:
            break
    return n / (time.process_time() - t0)


def dissect_run(n):
    s = wc.build(SET)
    raw = [b for _, b in zip(range(4096), s.raw())]
    k = len(raw)
    x = 0
    t0 = time.process_time()
    for i in range(n):
        x ^= wc.dissect(raw[i % k])["TCP"].dport
    return n / (time.process_time() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["build", "dissect", "sr"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("-n", type=int, default=1000000)
    ap.add_argument("-r", type=int, default=5)
    ap.add_argument("-d", type=int, default=0)
    a = ap.parse_args()
    if a.what == "build" and a.d:
        for _, b in zip(range(a.d), wc.build(SET).raw()):
            print(b.hex())
        return
    if a.what == "build":
        print("py_packets %d" % a.n)
        print("py_build_pps %.0f" % statistics.median(build_run(a.n) for _ in range(a.r)))
        print("py_build_packets_pps %.0f" % statistics.median(
            build_packets_run(a.n) for _ in range(a.r)))
    elif a.what == "dissect":
        print("py_dissections %d" % a.n)
        print("py_dissect_pps %.0f" % statistics.median(dissect_run(a.n) for _ in range(a.r)))
    else:
        iface, expr = a.args
        t0 = time.monotonic()
        ans, unans = wc.sr(expr, iface=iface, timeout=2)
        wall = time.monotonic() - t0
        # the pairs are Python objects by now: touch one field of each, as a user would
        x = 0
        for s, r in ans:
            x ^= r["TCP"].flags
        used = time.monotonic() - t0
        st = ans.stats
        print(json.dumps({"probes": st["probes"], "answers": len(ans), "unans": len(unans),
                          "send_s": st["send_s"], "pair_s": st["pair_s"], "wall_s": wall,
                          "wall_used_s": used, "lib_s": st["elapsed_s"],
                          "drops": st["rx_dropped"]}))


if __name__ == "__main__":
    sys.exit(main())
