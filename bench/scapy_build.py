#!/usr/bin/python3
"""Scapy building the packets of build_bench's set: bytes(p) for the first N packets of
   Ether(...)/IP(src=..., dst='198.18.0.0/16')/TCP(sport=40000, dport=[22, 80, 443, 8080], flags='S')
iterated as Scapy iterates a set (the same order as wirecraft's). Prints `key value` lines:
scapy_build_pps is the median of RUNS runs, in packets per CPU second of this process (as
build_bench counts, so other tasks on a shared machine do not count against either).

  scapy_build.py [-n N] [-r RUNS] [-d N]   (-d: print the first N packets in hex instead)
"""
import argparse
import statistics
import time

from scapy.all import IP, TCP, Ether  # noqa: E402  (slow import, outside any timing)


def packets():
    return (Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")
            / IP(src="198.18.255.254", dst="198.18.0.0/16")
            / TCP(sport=40000, dport=[22, 80, 443, 8080], flags="S"))


def run(n):
    """Packets per CPU second over the first n packets of the set, iteration included."""
    x = 0
    t0 = time.process_time()
    for i, p in enumerate(packets()):
        if i == n:
            break
        x ^= bytes(p)[-1]
    el = time.process_time() - t0
    return n / el, x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("-r", type=int, default=5)
    ap.add_argument("-d", type=int, default=0)
    a = ap.parse_args()
    if a.d:
        for i, p in enumerate(packets()):
            if i == a.d:
                break
            print(bytes(p).hex())
        return
    rates = [run(a.n)[0] for _ in range(a.r)]
    print(f"scapy_packets {a.n}")
    print(f"scapy_build_pps {statistics.median(rates):.0f}")


if __name__ == "__main__":
    main()
