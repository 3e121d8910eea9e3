#!/usr/bin/python3
# Scapy as a sender for bench/send/run.sh: the first N packets of the bench's set
# (Ether/IP/TCP SYNs to 198.19.0.0/16 x 4 ports) through sendp() on one interface, which is how a
# Scapy user sends a packet set at layer 2 (one socket for the whole list, each packet built as
# it is sent).
#   scapy_send.py -i IFACE -n N [--src MAC] [--dst MAC] [--ip-src A] [--net CIDR]
import argparse
import itertools
import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import IP, TCP, Ether, conf, sendp  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("-i", "--iface", required=True)
ap.add_argument("-n", "--count", type=int, default=20000)
ap.add_argument("--src", default="0a:00:00:00:00:01")
ap.add_argument("--dst", default="0a:00:00:00:00:02")
ap.add_argument("--ip-src", default="198.18.0.1")
ap.add_argument("--net", default="198.19.0.0/16")
a = ap.parse_args()

conf.verb = 0
pset = (Ether(src=a.src, dst=a.dst) / IP(src=a.ip_src, dst=a.net) /
        TCP(sport=20, dport=[22, 80, 443, 8080], flags="S"))
sendp(list(itertools.islice(pset, a.count)), iface=a.iface, verbose=0)
