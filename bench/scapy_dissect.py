#!/usr/bin/python3
"""Scapy dissecting Ether/IP/TCP bytes: Ether(raw) over a ring of distinct frames of
build_bench's set, N dissections per run. Prints `key value` lines: scapy_dissect_pps is
the median of RUNS runs, in dissections per CPU second of this process.

  scapy_dissect.py [-n N] [-r RUNS] [-f FRAMES]
"""
import argparse
import statistics
import time

from scapy.all import IP, TCP, Ether  # noqa: E402


def frames(count):
    s = (Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")
         / IP(src="198.18.255.254", dst="198.18.0.0/16")
         / TCP(sport=40000, dport=[22, 80, 443, 8080], flags="S"))
    out = []
    for i, p in enumerate(s):
        if i == count:
            break
        out.append(bytes(p))
    return out


def run(raw, n):
    x = 0
    k = len(raw)
    t0 = time.process_time()
    for i in range(n):
        p = Ether(raw[i % k])
        x ^= p[TCP].dport
    el = time.process_time() - t0
    return n / el, x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("-r", type=int, default=5)
    ap.add_argument("-f", type=int, default=4096)
    a = ap.parse_args()
    raw = frames(a.f)
    rates = [run(raw, a.n)[0] for _ in range(a.r)]
    print(f"scapy_dissections {a.n}")
    print(f"scapy_dissect_pps {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
