#!/usr/bin/python3
"""The DNS benchmark's Scapy side, and its inputs (bench/dns/run.sh).

  scapy_dns.py expr                  the query set: 4 ids x 1024 names, one packet each
  scapy_dns.py dump N                the first N packets of that set, in hex
  scapy_dns.py build [-n N] [-r R]   bytes(p) over the set's first N packets: scapy_build_pps
  scapy_dns.py frames N              N DNS responses with compressed names, in hex (the
                                     frames both tools dissect)
  scapy_dns.py dissect FILE [-n N] [-r R]
                                     Ether(raw) over FILE's frames, reading the first
                                     answer's rdata: scapy_dissect_pps

Rates are medians of R runs, in packets per CPU second of this process. Nothing is sent.
"""
import argparse
import statistics
import sys
import time

import logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import DNS, DNSQR, DNSRR, IP, UDP, Ether, dns_compress  # noqa: E402

NAMES = 1024


def expr():
    qd = ", ".join('DNSQR(qname="host%d.example")' % i for i in range(NAMES))
    return ('Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01")/'
            'IP(src="198.18.0.1", dst="198.18.0.53")/UDP(sport=40000)/'
            'DNS(id=(1, 4), qd=[%s])' % qd)


def packets():
    return eval(expr())  # noqa: S307 - our own expression, Scapy's own syntax


def response(i):
    name = "host%d.a.example" % i
    web = "web%d.a.example" % (i % 97)
    d = DNS(id=i & 0xffff, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname=name),
            an=DNSRR(rrname=name, type="CNAME", ttl=300, rdata=web) /
            DNSRR(rrname=web, ttl=300, rdata="198.18.%d.%d" % (i >> 8 & 255, i & 255)) /
            DNSRR(rrname=web, type="AAAA", ttl=300, rdata="2001:db8::%x" % (i + 1)),
            ns=DNSRR(rrname="a.example", type="NS", ttl=3600, rdata="ns1.a.example"),
            ar=DNSRR(rrname="ns1.a.example", ttl=3600, rdata="198.18.0.53"))
    return bytes(Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02") /
                 IP(src="198.18.0.53", dst="198.18.0.1") / UDP(sport=53, dport=40000) /
                 dns_compress(d))


def build_run(n):
    x = 0
    t0 = time.process_time()
    for i, p in enumerate(packets()):
        if i == n:
            break
        x ^= bytes(p)[-1]
    return n / (time.process_time() - t0)


def dissect_run(raw, n):
    x = 0
    k = len(raw)
    t0 = time.process_time()
    for i in range(n):
        p = Ether(raw[i % k])
        x ^= len(p[DNS].an.rdata)
    return n / (time.process_time() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["expr", "dump", "build", "frames", "dissect"])
    ap.add_argument("arg", nargs="?")
    ap.add_argument("-n", type=int, default=4000)
    ap.add_argument("-r", type=int, default=5)
    a = ap.parse_args()
    if a.cmd == "expr":
        print(expr())
    elif a.cmd == "dump":
        for i, p in enumerate(packets()):
            if i == int(a.arg):
                break
            print(bytes(p).hex())
    elif a.cmd == "frames":
        for i in range(int(a.arg)):
            print(response(i).hex())
    elif a.cmd == "build":
        rates = [build_run(a.n) for _ in range(a.r)]
        print("scapy_build_pps %.0f" % statistics.median(rates))
    else:
        raw = [bytes.fromhex(line) for line in open(a.arg) if line.strip()]
        rates = [dissect_run(raw, a.n) for _ in range(a.r)]
        print("scapy_dissect_pps %.0f" % statistics.median(rates))


if __name__ == "__main__":
    sys.exit(main())
