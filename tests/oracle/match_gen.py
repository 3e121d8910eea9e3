#!/usr/bin/python3
"""Generate the Scapy expectations for the wirecraft match oracle (tests/oracle/match_run.py).

Usage: match_gen.py OUTDIR

A corpus of request/reply cases (CASES below), built offline with Scapy (nothing is sent:
every Ether has explicit addresses, sockets are disabled, names are not resolved), written
as pcaps, one pair of captures per group of cases that share Scapy options and link type:

  OUTDIR/<group>.req.pcap   the requests of every case of the group, case after case
  OUTDIR/<group>.rep.pcap   their replies, in the same order
  OUTDIR/expect.json        what Scapy says about them

For every packet, Scapy's hashret() bytes (hex) and summary() of its dissection (Scapy
works on the packets as dissected from their bytes, as wirecraft does). For every reply
and request of one case, Scapy's answers(reply, request), and what wirecraft is expected
to say (the same, except on Scapy's documented gaps, see GAPS). For every group, the
pairs Scapy's sr() would make if it had sent the requests and received the replies in
that order, with multi off and on, and the pairs wirecraft's matcher is expected to make
(Scapy's, plus what the gaps make it miss).

Addresses: 198.18.0.0/15 and 2001:db8::/32, with the multicast and link-local addresses a
case needs; every case has its own addresses, so that cases do not answer each other (the
generator checks it).
"""

import json
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from gen import _no_sockets  # noqa: E402  (same sandbox as the main oracle)

_no_sockets()

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPerror, raw,  # noqa: E402
                       ICMPerror, Padding, Raw, TCPerror, UDPerror, conf)
from scapy.layers.inet6 import (IPv6, ICMPv6DestUnreach, ICMPv6EchoReply,  # noqa: E402
                                ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, HAO,
                                ICMPv6MLQuery, ICMPv6MLReport, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting,
                                ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6PacketTooBig,
                                ICMPv6TimeExceeded, IPerror6, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop, ICMPv6NDOptSrcLLAddr)
from scapy.layers.dns import DNS, DNSQR, DNSRR  # noqa: E402
from scapy.layers.dhcp import BOOTP, DHCP  # noqa: E402  (wave 2)
from scapy.layers.ntp import NTPHeader  # noqa: E402
import scapy.layers.inet as inet  # noqa: E402
from scapy.layers.sctp import (SCTP, SCTPerror, SCTPChunkInit, SCTPChunkInitAck,  # noqa: E402
                               SCTPChunkAbort, SCTPChunkCookieEcho, SCTPChunkCookieAck)
from scapy.layers.l2 import GRE  # noqa: E402
from scapy.layers.vxlan import VXLAN  # noqa: E402
from scapy.main import load_contrib  # noqa: E402
load_contrib("mpls")
load_contrib("geneve")
from scapy.contrib.mpls import MPLS  # noqa: E402
from scapy.contrib.geneve import GENEVE  # noqa: E402
import scapy.layers.inet6 as inet6  # noqa: E402

# Scapy's defaults for the options wirecraft reproduces.
CONF_DEFAULTS = {"checkIPaddr": True, "checkIPsrc": True, "checkIPID": False,
                 "checkIPinIP": True, "check_TCPerror_seqack": False}
# The wirecraft match flag for each option that differs from the default.
CONF_FLAGS = {("checkIPaddr", False): "--no-check-ipaddr",
              ("checkIPsrc", False): "--no-check-ipsrc",
              ("checkIPID", True): "--check-ipid",
              ("checkIPinIP", False): "--no-check-ipinip",
              ("check_TCPerror_seqack", True): "--check-tcperror-seqack"}

# Scapy's known gaps wirecraft does better on (scapy-semantics.md, "Known Scapy gaps"):
GAPS = {
    # An ICMPv6 echo to a multicast address hashes without addresses, its unicast answer
    # with them: answers() holds, sr() never pairs them. wirecraft pairs them.
    "mcast6": "request to an IPv6 multicast group answered from a unicast address",
    # A RST answering a request without ACK has seq 0 (RFC 793); when the request carried
    # a nonzero ack field anyway, Scapy's ack ~ seq rule rejects it. wirecraft accepts it.
    "rst-seq0": "RST seq 0 answering a non-SYN request without ACK but a nonzero ack",
}

T0 = 1700000000  # capture time of the first request (seconds)


# ---- Addresses: every case its own ------------------------------------------------------

class Addr:
    def __init__(self, k):
        hi, lo = divmod(k, 250)
        self.net = "198.%d.%d" % (18 + hi, lo + 1)
        self.a = self.net + ".1"        # the prober
        self.b = self.net + ".2"        # the target
        self.c = self.net + ".3"        # someone else (a router, another host)
        self.d = self.net + ".4"
        self.bcast = self.net + ".255"
        self.a6 = "2001:db8:%x::1" % (k + 1)
        self.b6 = "2001:db8:%x::2" % (k + 1)
        self.c6 = "2001:db8:%x::3" % (k + 1)
        self.ma = "02:00:00:%02x:%02x:01" % (k >> 8, k & 0xff)
        self.mb = "02:00:00:%02x:%02x:02" % (k >> 8, k & 0xff)
        self.mc = "02:00:00:%02x:%02x:03" % (k >> 8, k & 0xff)

    def ab(self):
        return Ether(src=self.ma, dst=self.mb)

    def ba(self):
        return Ether(src=self.mb, dst=self.ma)

    def ca(self):
        return Ether(src=self.mc, dst=self.ma)


# ---- The corpus ------------------------------------------------------------------------------
# Each case: name, a function of the case's addresses giving (requests, replies), and
# optional conf (Scapy options), gap (a key of GAPS), l3 (packets start at IP/IPv6: a raw
# IP capture), note. Within a case, every reply is checked against every request.

def tcp_syn(x, **kw):
    return x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="S", seq=1000, **kw)


def tcp_rep(x, flags, seq, ack, src=None, sport=80, dport=40000):
    return x.ba() / IP(src=src or x.b, dst=x.a) / TCP(sport=sport, dport=dport, flags=flags,
                                                     seq=seq, ack=ack)


def icmp_err(x, inner, type=3, code=3, src=None):
    return x.ba() / IP(src=src or x.b, dst=x.a) / ICMP(type=type, code=code) / inner


CASES = [
    # -- TCP: SYN and its answers
    ("tcp-syn-synack", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 1001)])),
    ("tcp-syn-rstack", lambda x: ([tcp_syn(x)], [tcp_rep(x, "RA", 0, 1001)])),
    ("tcp-syn-rst-seq0", lambda x: ([tcp_syn(x)], [tcp_rep(x, "R", 0, 0)])),
    ("tcp-syn-ack-plus2", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 1002)])),
    ("tcp-syn-ack-plus3", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 1003)])),
    ("tcp-syn-ack-minus2", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 998)])),
    ("tcp-syn-wrong-ack", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 2000)])),
    ("tcp-syn-answered-by-syn", lambda x: ([tcp_syn(x)], [tcp_rep(x, "S", 5000, 0)])),
    ("tcp-syn-wrong-sport", lambda x: ([tcp_syn(x)], [tcp_rep(x, "SA", 5000, 1001, sport=81)])),
    ("tcp-syn-wrong-dport", lambda x: ([tcp_syn(x)],
                                       [tcp_rep(x, "SA", 5000, 1001, dport=40001)])),
    ("tcp-syn-reply-from-other-host", lambda x: ([tcp_syn(x)],
                                                 [tcp_rep(x, "SA", 5000, 1001, src=x.c)])),
    ("tcp-syn-reply-to-other-host", lambda x: (
        [tcp_syn(x)],
        [x.ba() / IP(src=x.b, dst=x.c) / TCP(sport=80, dport=40000, flags="SA", seq=5000,
                                              ack=1001)])),
    ("tcp-seq-no-wraparound", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="S",
                                              seq=4294967295)],
        [tcp_rep(x, "SA", 7, 0)]),
     {"note": "Scapy compares seq and ack as integers: 2**32-1 + 1 is not 0"}),
    ("tcp-syn-several-answers", lambda x: (
        [tcp_syn(x)],
        [tcp_rep(x, "SA", 5000, 1001), tcp_rep(x, "SA", 5000, 1001), tcp_rep(x, "RA", 0, 1001)])),
    # -- TCP: RST and seq 0
    ("tcp-ack-probe-rst", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="A", seq=100,
                                              ack=7777)],
        [tcp_rep(x, "R", 7777, 0)])),
    ("tcp-ack-probe-rst-seq0", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="A", seq=100,
                                              ack=7777)],
        [tcp_rep(x, "R", 0, 0)]),
     {"note": "a request with ACK gets a RST with seq = its ack: seq 0 is no answer"}),
    ("tcp-fin-probe-rst-seq0-ack0", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="F", seq=100)],
        [tcp_rep(x, "RA", 0, 101)])),
    ("tcp-fin-probe-rst-seq0", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="F", seq=100,
                                              ack=5555)],
        [tcp_rep(x, "RA", 0, 101)]), {"gap": "rst-seq0"}),
    ("tcp-null-probe-rst-seq0", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="", seq=100,
                                              ack=99999)],
        [tcp_rep(x, "R", 0, 0)]), {"gap": "rst-seq0"}),
    ("tcp-xmas-probe-rst-seq0", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="FPU", seq=100,
                                              ack=12345)],
        [tcp_rep(x, "RA", 0, 101)]), {"gap": "rst-seq0"}),
    ("tcp-rst-request-gets-nothing", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="R", seq=100)],
        [tcp_rep(x, "RA", 0, 101)])),
    # -- TCP: data
    ("tcp-data-ack", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40000, dport=80, flags="PA", seq=1000,
                                              ack=2000) / Raw(b"hello")],
        [tcp_rep(x, "A", 2000, 1005), tcp_rep(x, "A", 2000, 1007), tcp_rep(x, "A", 2000, 1008),
         tcp_rep(x, "A", 2003, 1005)])),
    ("tcp-data-padding-counts", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b, len=40) / TCP(sport=40000, dport=80, flags="A",
                                                      seq=1000, ack=2000) / Padding(b"\0" * 6)],
        [tcp_rep(x, "A", 2000, 1008), tcp_rep(x, "A", 2000, 1009)]),
     {"note": "Scapy's len(other.payload) counts the Ethernet padding"}),
    ("tcp-ipv6-syn-synack", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / TCP(sport=40000, dport=443, flags="S", seq=1)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / TCP(sport=443, dport=40000, flags="SA", seq=9,
                                                  ack=2),
         x.ba() / IPv6(src=x.c6, dst=x.a6) / TCP(sport=443, dport=40000, flags="SA", seq=9,
                                                  ack=2)])),
    # -- UDP
    ("udp-reply", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7) / Raw(b"ping")],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40001) / Raw(b"pong"),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40002) / Raw(b"pong"),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=9, dport=40001) / Raw(b"pong")])),
    ("udp-empty-reply-to-payload", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7) / Raw(b"ping")],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40001)]),
     {"note": "NoPayload answers only NoPayload or Padding"}),
    ("udp-empty-both", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7)],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40001)])),
    ("udp-empty-request-padded", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7) / Padding(b"\0" * 18)],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40001),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=7, dport=40001) / Raw(b"x")])),
    ("udp-port-unreachable", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7) / Raw(b"ping")],
        [icmp_err(x, IPerror(src=x.a, dst=x.b) / UDPerror(sport=40001, dport=7) / Raw(b"ping")),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / UDPerror(sport=40001, dport=8)),
         icmp_err(x, IPerror(src=x.a, dst=x.c) / UDPerror(sport=40001, dport=7)),
         icmp_err(x, IPerror(src=x.c, dst=x.b) / UDPerror(sport=40001, dport=7)),
         icmp_err(x, IPerror(src=x.a, dst=x.b, proto=6) / Raw(b"\x9c\x41\x00\x07"))])),
    ("udp-error-from-router", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=33434)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b, ttl=1) / UDPerror(sport=40001, dport=33434),
                  type=11, code=0, src=x.c)])),
    ("udp-error-quote-cut", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b, proto=17) / Raw(b"\x9c\x41\x00\x08"))]),
     {"note": "a quote cut inside the UDP header is Raw, which answers anything"}),
    ("udp-error-no-quote", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40001, dport=7)],
        [icmp_err(x, Raw(b""))])),
    # -- ICMP errors quoting TCP and ICMP
    ("tcp-syn-time-exceeded", lambda x: (
        [tcp_syn(x, window=1024)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b, ttl=1) /
                  TCPerror(raw(TCP(sport=40000, dport=80, flags="S", seq=1000))[:8]),
                  type=11, code=0, src=x.c),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / TCPerror(sport=40000, dport=81, seq=1000),
                  type=3, code=13)])),
    ("icmp-error-quoting-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=7, seq=1)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b) / ICMPerror(id=7, seq=1), type=11, code=0,
                  src=x.c),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / ICMPerror(id=7, seq=2), type=11, code=0,
                  src=x.c),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / ICMPerror(type=0, id=7, seq=1), type=11,
                  code=0, src=x.c)])),
    # -- ICMP pairs
    ("icmp-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=0x1234, seq=1) / Raw(b"abc")],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=0x1234, seq=1) / Raw(b"abc"),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=0x1234, seq=2),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=0x1235, seq=1),
         x.ba() / IP(src=x.c, dst=x.a) / ICMP(type=0, id=0x1234, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=8, id=0x1234, seq=1)])),
    ("icmp-timestamp", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(type=13, id=3, seq=4, ts_ori=1, ts_rx=0, ts_tx=0)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=14, id=3, seq=4, ts_ori=1, ts_rx=2, ts_tx=3),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=14, id=3, seq=5, ts_ori=1, ts_rx=2,
                                               ts_tx=3)])),
    ("icmp-info", lambda x: ([x.ab() / IP(src=x.a, dst=x.b) / ICMP(type=15, id=1, seq=2)],
                             [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=16, id=1, seq=2)])),
    ("icmp-mask", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(type=17, id=1, seq=2)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=18, id=1, seq=2, addr_mask="255.255.255.0"),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=16, id=1, seq=2)])),
    ("icmp-echo-several-requests", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=9, seq=1),
         x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=9, seq=1),
         x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=9, seq=2)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=9, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=9, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=9, seq=1)])),
    ("icmp-broadcast-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.bcast) / ICMP(id=5, seq=5)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=5, seq=5)])),
    # -- ARP
    ("arp-who-has", lambda x: (
        [Ether(src=x.ma, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=x.ma, psrc=x.a, pdst=x.b)],
        [x.ba() / ARP(op=2, hwsrc=x.mb, psrc=x.b, hwdst=x.ma, pdst=x.a),
         x.ba() / ARP(op=2, hwsrc=x.mb, psrc=x.c, hwdst=x.ma, pdst=x.a),
         x.ba() / ARP(op=1, hwsrc=x.mb, psrc=x.b, hwdst=x.ma, pdst=x.a)])),
    ("arp-op2-answered-by-op3", lambda x: (
        [x.ab() / ARP(op=2, hwsrc=x.ma, psrc=x.a, pdst=x.b)],
        [x.ba() / ARP(op=3, hwsrc=x.mb, psrc=x.b, pdst=x.a)]),
     {"note": "answers() holds (op + 1) but hashret ((op + 1) // 2) differs"}),
    ("arp-scan", lambda x: (
        [Ether(src=x.ma, dst="ff:ff:ff:ff:ff:ff") /
         ARP(op=1, hwsrc=x.ma, psrc=x.a, pdst="%s.%d" % (x.net, h)) for h in range(10, 74)],
        [Ether(src="02:00:00:00:aa:%02x" % h, dst=x.ma) /
         ARP(op=2, hwsrc="02:00:00:00:aa:%02x" % h, psrc="%s.%d" % (x.net, h), hwdst=x.ma,
             pdst=x.a) for h in random.Random(7).sample(range(10, 74), 40) + [200, 201]])),
    # -- 802.1Q
    ("dot1q-same-vlan", lambda x: (
        [x.ab() / Dot1Q(vlan=10) / IP(src=x.a, dst=x.b) / ICMP(id=1, seq=1)],
        [x.ba() / Dot1Q(vlan=10) / IP(src=x.b, dst=x.a) / ICMP(type=0, id=1, seq=1),
         x.ba() / Dot1Q(vlan=11) / IP(src=x.b, dst=x.a) / ICMP(type=0, id=1, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=1, seq=1)])),
    ("dot1q-reply-to-untagged", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=2, seq=1)],
        [x.ba() / Dot1Q(vlan=10) / IP(src=x.b, dst=x.a) / ICMP(type=0, id=2, seq=1)])),
    ("dot1q-qinq", lambda x: (
        [x.ab() / Dot1AD(vlan=100) / Dot1Q(vlan=10) / IP(src=x.a, dst=x.b) / ICMP(id=3, seq=1)],
        [x.ba() / Dot1AD(vlan=100) / Dot1Q(vlan=10) / IP(src=x.b, dst=x.a) /
         ICMP(type=0, id=3, seq=1),
         x.ba() / Dot1AD(vlan=100) / Dot1Q(vlan=20) / IP(src=x.b, dst=x.a) /
         ICMP(type=0, id=3, seq=1)])),
    # -- IPv6
    ("icmp6-echo", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / ICMPv6EchoRequest(id=1, seq=2, data=b"abcd")],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=1, seq=2, data=b"abcd"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=1, seq=2, data=b"abce"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=1, seq=3, data=b"abcd"),
         x.ba() / IPv6(src=x.c6, dst=x.a6) / ICMPv6EchoReply(id=1, seq=2, data=b"abcd")])),
    ("icmp6-echo-multicast", lambda x: (
        [Ether(src=x.ma, dst="33:33:00:00:00:01") / IPv6(src=x.a6, dst="ff02::1") /
         ICMPv6EchoRequest(id=0x4242, seq=1)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=0x4242, seq=1),
         x.ca() / IPv6(src=x.c6, dst=x.a6) / ICMPv6EchoReply(id=0x4242, seq=1)]),
     {"gap": "mcast6"}),
    ("udp6-multicast", lambda x: (
        [Ether(src=x.ma, dst="33:33:00:01:00:02") / IPv6(src=x.a6, dst="ff02::1:2") /
         UDP(sport=40003, dport=5000) / Raw(b"q")],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / UDP(sport=5000, dport=40003) / Raw(b"r")]),
     {"gap": "mcast6"}),
    ("icmp6-echo-fragment-header", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / IPv6ExtHdrFragment(id=5) /
         ICMPv6EchoRequest(id=3, seq=3)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=3, seq=3)])),
    ("icmp6-echo-hop-by-hop", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / IPv6ExtHdrHopByHop() /
         ICMPv6EchoRequest(id=4, seq=4)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=4, seq=4),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / IPv6ExtHdrHopByHop() /
         ICMPv6EchoReply(id=4, seq=4)]),
     {"note": "Scapy compares the reply's payload with the request's hop-by-hop header"}),
    ("nd-ns-solicited-node", lambda x: (
        [Ether(src=x.ma, dst="33:33:ff:00:00:02") /
         IPv6(src=x.a6, dst="ff02::1:ff00:2") / ICMPv6ND_NS(tgt=x.b6) /
         ICMPv6NDOptSrcLLAddr(lladdr=x.ma)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6ND_NA(tgt=x.b6, R=0, S=1, O=1),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6ND_NA(tgt=x.c6, R=0, S=1, O=1),
         x.ba() / IPv6(src=x.b6, dst=x.c6) / ICMPv6ND_NA(tgt=x.b6, R=0, S=1, O=1),
         Ether(src=x.mb, dst="33:33:00:00:00:01") / IPv6(src=x.b6, dst="ff02::1") /
         ICMPv6ND_NA(tgt=x.b6, R=0, S=0, O=1)])),
    ("nd-ns-unicast", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / ICMPv6ND_NS(tgt=x.b6)],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6ND_NA(tgt=x.b6),
         x.ba() / IPv6(src=x.c6, dst=x.a6) / ICMPv6ND_NA(tgt=x.b6)])),
    ("nd-rs-ra", lambda x: (
        [Ether(src=x.ma, dst="33:33:00:00:00:02") / IPv6(src="fe80::1", dst="ff02::2") /
         ICMPv6ND_RS()],
        [Ether(src=x.mb, dst="33:33:00:00:00:01") / IPv6(src="fe80::2", dst="ff02::1") /
         ICMPv6ND_RA(),
         x.ba() / IPv6(src="fe80::2", dst="fe80::1") / ICMPv6ND_RA(),
         Ether(src=x.mb, dst="33:33:00:00:00:03") / IPv6(src="fe80::2", dst="ff02::3") /
         ICMPv6ND_RA()])),
    ("icmp6-unreachable-quoting-udp", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / UDP(sport=40005, dport=9) / Raw(b"data")],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6DestUnreach(code=4) /
         IPerror6(src=x.a6, dst=x.b6) / UDPerror(sport=40005, dport=9) / Raw(b"data"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6DestUnreach(code=4) /
         IPerror6(src=x.a6, dst=x.b6) / UDPerror(sport=40005, dport=10) / Raw(b"data"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6DestUnreach(code=4) /
         IPerror6(src=x.a6, dst=x.b6) / UDPerror(sport=40005, dport=9) / Raw(b"dat"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6DestUnreach(code=4) /
         IPerror6(src=x.a6, dst=x.b6) / UDPerror(sport=40005, dport=9) / Raw(b"datX")])),
    ("icmp6-too-big-clamped-mss", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) /
         TCP(sport=40006, dport=80, flags="S", seq=77, options=[("MSS", 1460)])],
        [x.ca() / IPv6(src=x.c6, dst=x.a6) / ICMPv6PacketTooBig(mtu=1280) /
         IPerror6(src=x.a6, dst=x.b6) /
         TCPerror(sport=40006, dport=80, flags="S", seq=77, options=[("MSS", 1220)]),
         x.ca() / IPv6(src=x.c6, dst=x.a6) / ICMPv6PacketTooBig(mtu=1280) /
         IPerror6(src=x.a6, dst=x.b6) /
         TCPerror(sport=40006, dport=80, flags="S", seq=78, options=[("MSS", 1220)])])),
    ("icmp6-time-exceeded-quoting-echo", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6, hlim=1) / ICMPv6EchoRequest(id=8, seq=8)],
        [x.ca() / IPv6(src=x.c6, dst=x.a6) / ICMPv6TimeExceeded() /
         IPerror6(src=x.a6, dst=x.b6, hlim=1) / ICMPv6EchoRequest(id=8, seq=8),
         x.ca() / IPv6(src=x.c6, dst=x.a6) / ICMPv6TimeExceeded() /
         IPerror6(src=x.a6, dst=x.c6, hlim=1) / ICMPv6EchoRequest(id=8, seq=8)])),
    ("udp6-reply", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / UDP(sport=40011, dport=7) / Raw(b"q")],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / UDP(sport=7, dport=40011) / Raw(b"r"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / UDP(sport=7, dport=40012) / Raw(b"r"),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / UDP(sport=7, dport=40011)])),
    ("icmp6-echo-routing-header", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / IPv6ExtHdrRouting(addresses=[x.c6]) /
         ICMPv6EchoRequest(id=9, seq=9)],
        [x.ba() / IPv6(src=x.c6, dst=x.a6) / ICMPv6EchoReply(id=9, seq=9)]),
     {"note": "Scapy hashes the XOR of the routing header's addresses but the last"}),
    ("icmp6-echo-home-address", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / IPv6ExtHdrDestOpt(options=[HAO(hoa=x.c6)]) /
         ICMPv6EchoRequest(id=10, seq=10)],
        [x.ba() / IPv6(src=x.b6, dst=x.c6) / ICMPv6EchoReply(id=10, seq=10),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=10, seq=10)]),
     {"note": "a home address option stands for the source in Scapy's hash"}),
    ("mld-query-report", lambda x: (
        [Ether(src=x.ma, dst="33:33:00:00:00:01") / IPv6(src="fe80::1", dst="ff02::1") /
         ICMPv6MLQuery()],
        [Ether(src=x.mb, dst="33:33:00:00:00:01") / IPv6(src="fe80::2", dst="ff02::1") /
         ICMPv6MLReport(mladdr="ff02::1:3"),
         Ether(src=x.mb, dst="33:33:00:01:00:03") / IPv6(src="fe80::2", dst="ff02::1:3") /
         ICMPv6MLReport(mladdr="ff02::1:3")])),
    ("mdns-v4", lambda x: (
        [Ether(src=x.ma, dst="01:00:5e:00:00:fb") / IP(src=x.a, dst="224.0.0.251") /
         UDP(sport=40010, dport=40011) / Raw(b"q")],
        [Ether(src=x.mb, dst="01:00:5e:00:00:fb") / IP(src=x.b, dst="224.0.0.251") /
         UDP(sport=40011, dport=40010) / Raw(b"r"),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=40011, dport=40010) / Raw(b"r")]),
     {"note": "Scapy keeps addresses out of the hash and the checks for 224.0.0.251"}),
    ("icmp-error-quoting-error", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / ICMP(type=3, code=3) / IPerror(src=x.b, dst=x.a) /
         UDPerror(sport=7, dport=40013)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b) / ICMPerror(type=3, code=3) /
                  IPerror(src=x.b, dst=x.a) / UDPerror(sport=7, dport=40013),
                  type=11, code=0, src=x.c),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / ICMPerror(type=3, code=1) /
                  IPerror(src=x.b, dst=x.a) / UDPerror(sport=7, dport=40013),
                  type=11, code=0, src=x.c)])),
    # -- Scapy options other than the defaults
    ("no-check-ipaddr-broadcast-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.bcast) / ICMP(id=5, seq=5)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=5, seq=5),
         x.ba() / IP(src=x.c, dst=x.d) / ICMP(type=0, id=5, seq=5)]),
     {"conf": {"checkIPaddr": False}}),
    ("check-ipid", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b, id=0x1234) / UDP(sport=40007, dport=7)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b, id=0x1234) / UDPerror(sport=40007, dport=7)),
         icmp_err(x, IPerror(src=x.a, dst=x.b, id=0x3412) / UDPerror(sport=40007, dport=7)),
         icmp_err(x, IPerror(src=x.a, dst=x.b, id=0x1235) / UDPerror(sport=40007, dport=7))]),
     {"conf": {"checkIPID": True}}),
    ("check-tcperror-seqack", lambda x: (
        [tcp_syn(x)],
        [icmp_err(x, IPerror(src=x.a, dst=x.b) / TCPerror(sport=40000, dport=80, seq=1000)),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / TCPerror(sport=40000, dport=80, seq=1001))]),
     {"conf": {"check_TCPerror_seqack": True}}),
    ("no-check-ipinip", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.c) / IP(src=x.a, dst=x.b) / ICMP(id=6, seq=6)],
        [x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=6, seq=6)]),
     {"conf": {"checkIPinIP": False}}),
    ("no-check-ipsrc-udp", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40008, dport=7) / Raw(b"a")],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=17, dport=50000) / Raw(b"b"),
         icmp_err(x, IPerror(src=x.c, dst=x.b) / UDPerror(sport=1, dport=2))]),
     {"conf": {"checkIPsrc": False}}),
    # -- Captures of raw IP (no link layer)
    ("l3-tcp-syn", lambda x: (
        [IP(src=x.a, dst=x.b) / TCP(sport=40009, dport=22, flags="S", seq=5)],
        [IP(src=x.b, dst=x.a) / TCP(sport=22, dport=40009, flags="SA", seq=1, ack=6),
         IP(src=x.b, dst=x.a) / ICMP(type=3, code=3) / IPerror(src=x.a, dst=x.b) /
         TCPerror(sport=40009, dport=22)]), {"l3": True}),
    ("l3-icmp6-echo", lambda x: (
        [IPv6(src=x.a6, dst=x.b6) / ICMPv6EchoRequest(id=2, seq=2)],
        [IPv6(src=x.b6, dst=x.a6) / ICMPv6EchoReply(id=2, seq=2)]), {"l3": True}),
    # -- Tunnels and SCTP (issue 10, wave 2). SCTP pairs by ports alone (Scapy checks no
    # verification tag); GRE, VXLAN and MPLS by Scapy's default rule; GENEVE by vni/proto.
    ("sctp-init-initack", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=40020, dport=80) / SCTPChunkInit(init_tag=7)],
        [x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=80, dport=40020, tag=7) /
         SCTPChunkInitAck(init_tag=9),
         x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=80, dport=40020, tag=1234) /
         SCTPChunkInitAck(init_tag=9),
         x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=80, dport=40020, tag=7) /
         SCTPChunkAbort(TCB=1),
         x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=81, dport=40020, tag=7) /
         SCTPChunkInitAck(),
         x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=80, dport=40021, tag=7) /
         SCTPChunkInitAck(),
         x.ba() / IP(src=x.c, dst=x.a) / SCTP(sport=80, dport=40020, tag=7) /
         SCTPChunkInitAck()]),
     {"note": "the verification tag and the chunks play no part"}),
    ("sctp-several-inits", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=40021 + i, dport=5000) / SCTPChunkInit()
         for i in range(3)],
        [x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=5000, dport=40021 + i) / SCTPChunkInitAck()
         for i in (2, 0, 1)])),
    ("sctp-cookie-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=40025, dport=80, tag=5) /
         SCTPChunkCookieEcho(cookie=b"abcd")],
        [x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=80, dport=40025, tag=6) /
         SCTPChunkCookieAck()])),
    ("sctp-port-unreachable", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=40022, dport=80) / SCTPChunkInit()],
        [icmp_err(x, IPerror(src=x.a, dst=x.b) / SCTPerror(sport=40022, dport=80) /
                  SCTPChunkInit()),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / SCTPerror(sport=40022, dport=80)),
         icmp_err(x, IPerror(src=x.a, dst=x.b) / SCTPerror(sport=80, dport=40022)),
         icmp_err(x, IPerror(src=x.a, dst=x.b, ttl=1) / SCTPerror(sport=40022, dport=80),
                  type=11, code=0, src=x.c)])),
    ("sctp6-init", lambda x: (
        [x.ab() / IPv6(src=x.a6, dst=x.b6) / SCTP(sport=40023, dport=80) / SCTPChunkInit()],
        [x.ba() / IPv6(src=x.b6, dst=x.a6) / SCTP(sport=80, dport=40023) / SCTPChunkInitAck(),
         x.ba() / IPv6(src=x.b6, dst=x.a6) / SCTP(sport=80, dport=40024) / SCTPChunkInitAck()])),
    ("sctp-no-check-ipsrc", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=40026, dport=80) / SCTPChunkInit()],
        [x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=1, dport=2) / SCTPChunkInitAck()]),
     {"conf": {"checkIPsrc": False}}),
    ("gre-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / GRE() / IP(src=x.c, dst=x.d) / ICMP(id=11, seq=1)],
        [x.ba() / IP(src=x.b, dst=x.a) / GRE() / IP(src=x.d, dst=x.c) / ICMP(type=0, id=11, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / GRE(key_present=1, key=5) / IP(src=x.d, dst=x.c) /
         ICMP(type=0, id=11, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / GRE() / IP(src=x.d, dst=x.c) / ICMP(type=0, id=11, seq=2),
         x.ba() / IP(src=x.d, dst=x.c) / ICMP(type=0, id=11, seq=1)])),
    ("vxlan-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40030, dport=4789) / VXLAN(vni=42) /
         Ether(src=x.mc, dst=x.ma) / IP(src=x.c, dst=x.d) / ICMP(id=12, seq=1)],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=4789, dport=40030) / VXLAN(vni=42) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=12, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=4789, dport=40030) / VXLAN(vni=43) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=12, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=4789, dport=40030) / VXLAN(vni=42) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=12, seq=2)]),
     {"note": "Scapy's default rule for VXLAN: the vni is not compared"}),
    ("mpls-echo", lambda x: (
        [x.ab() / MPLS(label=100) / MPLS(label=200) / IP(src=x.a, dst=x.b) / ICMP(id=13, seq=1)],
        [x.ba() / MPLS(label=300) / MPLS(label=400) / IP(src=x.b, dst=x.a) /
         ICMP(type=0, id=13, seq=1),
         x.ba() / MPLS(label=300) / IP(src=x.b, dst=x.a) / ICMP(type=0, id=13, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=13, seq=1)])),
    ("geneve-echo", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40031, dport=6081) / GENEVE(vni=7) /
         Ether(src=x.mc, dst=x.ma) / IP(src=x.c, dst=x.d) / ICMP(id=14, seq=1)],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=6081, dport=40031) / GENEVE(vni=7) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=14, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=6081, dport=40031) / GENEVE(vni=8) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=14, seq=1),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=6081, dport=40031) / GENEVE(vni=7) /
         Ether(src=x.ma, dst=x.mc) / IP(src=x.d, dst=x.c) / ICMP(type=0, id=14, seq=2)])),
    # -- DNS (issue 10): the same id, the reply a response, the request a query
    ("dns-query-answer", lambda x: (
        [dnsq(x, 7)], [dnsr(x, 7), dnsr(x, 8), dnsr(x, 7, qr=0)])),
    ("dns-ids-set", lambda x: (
        [dnsq(x, i) for i in (1, 2, 3, 4)], [dnsr(x, 4), dnsr(x, 2), dnsr(x, 9)])),
    ("dns-request-is-a-response", lambda x: (
        [dnsq(x, 5, qr=1)], [dnsr(x, 5)])),
    ("dns-reply-wrong-port", lambda x: (
        [dnsq(x, 6)], [dnsr(x, 6, dport=40001)])),
    ("dns-mdns", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=5353, dport=5353) /
         DNS(id=0, qd=DNSQR(qname="h.local"))],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=5353, dport=5353) /
         DNS(id=0, qr=1, an=DNSRR(rrname="h.local", rdata="198.18.0.7"))])),
    ("dns-tcp", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / TCP(sport=40010, dport=53, flags="PA", seq=10,
                                              ack=20) / DNS(id=11)],
        [x.ba() / IP(src=x.b, dst=x.a) / TCP(sport=53, dport=40010, flags="PA", seq=20,
                                              ack=10 + 33 + 2) / DNS(id=11, qr=1),
         x.ba() / IP(src=x.b, dst=x.a) / TCP(sport=53, dport=40010, flags="PA", seq=20,
                                              ack=10 + 33 + 2) / DNS(id=12, qr=1)])),
    # -- Wave 2: BOOTP/DHCP (same xid; a broadcast DISCOVER needs checkIPaddr off), NTP
    ("dhcp-broadcast-discover", lambda x: dhcp_broadcast(x, 0x1001)),
    ("dhcp-broadcast-discover-no-check-ipaddr", lambda x: dhcp_broadcast(x, 0x1002),
     {"conf": {"checkIPaddr": False}}),
    ("dhcp-relayed-discover", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=67, dport=67) /
         BOOTP(xid=0x1003, giaddr=x.a, chaddr=b"\x02\x00\x00\x00\x00\x09") /
         DHCP(options=[("message-type", "discover"), "end"])],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=67, dport=67) /
         BOOTP(op=2, xid=0x1003, yiaddr=x.d, giaddr=x.a) /
         DHCP(options=[("message-type", "offer"), ("server_id", x.b), "end"]),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=67, dport=67) /
         BOOTP(op=2, xid=0x1004, yiaddr=x.d, giaddr=x.a) /
         DHCP(options=[("message-type", "offer"), "end"])])),
    ("ntp-client-server", lambda x: (
        [x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40123, dport=123) /
         NTPHeader(orig=0, sent=3900000000)],
        [x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=123, dport=40123) /
         NTPHeader(mode=4, stratum=8, orig=3900000000, recv=3900000001, sent=3900000002),
         x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=123, dport=40124) /
         NTPHeader(mode=4, orig=3900000000, sent=3900000002)])),
]


def dnsq(x, i, qr=0):
    return x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=40000, dport=53) / \
        DNS(id=i, qr=qr, qd=DNSQR(qname="a.example"))


def dnsr(x, i, qr=1, dport=40000):
    return x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=53, dport=dport) / \
        DNS(id=i, qr=qr, qd=DNSQR(qname="a.example"),
            an=DNSRR(rrname="a.example", rdata="198.18.0.99"))


def dhcp_broadcast(x, xid):
    """A client's broadcast DISCOVER and the server's broadcast OFFER (and one of another
    transaction)."""
    cl = "02:00:00:%02x:%02x:09" % (xid >> 8, xid & 0xff)
    req = (Ether(src=cl, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255") /
           UDP(sport=68, dport=67) / BOOTP(xid=xid, flags="B", chaddr=b"\x02\x00\x00\x00\x00\x09") /
           DHCP(options=[("message-type", "discover"), "end"]))
    reps = [Ether(src=x.mb, dst="ff:ff:ff:ff:ff:ff") / IP(src=x.b, dst="255.255.255.255") /
            UDP(sport=67, dport=68) / BOOTP(op=2, xid=v, yiaddr=x.d, flags="B") /
            DHCP(options=[("message-type", "offer"), ("server_id", x.b), "end"])
            for v in (xid, xid + 0x100)]
    return [req], reps


def scale_case(x, rng):
    """Many probes and their answers in shuffled order: SYNs to a /24 x 4 ports answered
    by SYN-ACK, RST-ACK or port unreachable, UDP probes from one source port answered by
    port unreachable, SCTP INITs to many ports of one host, echo requests. Checks the matcher's index against Scapy at scale."""
    reqs, reps = [], []
    hosts = ["198.19.250.%d" % h for h in range(1, 65)]
    for h in hosts:
        for port in (22, 80, 443, 8080):
            reqs.append(x.ab() / IP(src=x.a, dst=h) / TCP(sport=50000, dport=port, flags="S",
                                                          seq=424242))
            kind = rng.randrange(4)
            if kind == 0:
                reps.append(Ether(src=x.mb, dst=x.ma) / IP(src=h, dst=x.a) /
                            TCP(sport=port, dport=50000, flags="SA", seq=1, ack=424243))
            elif kind == 1:
                reps.append(Ether(src=x.mb, dst=x.ma) / IP(src=h, dst=x.a) /
                            TCP(sport=port, dport=50000, flags="RA", seq=0, ack=424243))
            elif kind == 2:
                reps.append(Ether(src=x.mb, dst=x.ma) / IP(src=h, dst=x.a) / ICMP(type=3, code=13) /
                            IPerror(src=x.a, dst=h) / TCPerror(sport=50000, dport=port,
                                                               seq=424242))
    for port in range(1000, 1256):
        reqs.append(x.ab() / IP(src=x.a, dst=x.b) / UDP(sport=53000, dport=port) / Raw(b"probe"))
        if rng.randrange(3):
            reps.append(icmp_err(x, IPerror(src=x.a, dst=x.b) / UDPerror(sport=53000, dport=port) /
                                 Raw(b"probe")))
        elif rng.randrange(2):
            reps.append(x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=port, dport=53000) / Raw(b"ok"))
        else:
            reps.append(x.ba() / IP(src=x.b, dst=x.a) / UDP(sport=port, dport=53000))
    # SCTP INITs to 192 ports of one host (one Scapy hash for all): INIT ACK, ABORT or a
    # protocol-unreachable quoting the INIT, a quarter unanswered.
    for port in range(2000, 2192):
        reqs.append(x.ab() / IP(src=x.a, dst=x.b) / SCTP(sport=54000, dport=port) /
                    SCTPChunkInit(init_tag=port))
        kind = rng.randrange(4)
        if kind == 0:
            reps.append(x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=port, dport=54000, tag=port) /
                        SCTPChunkInitAck(init_tag=1))
        elif kind == 1:
            reps.append(x.ba() / IP(src=x.b, dst=x.a) / SCTP(sport=port, dport=54000, tag=port) /
                        SCTPChunkAbort())
        elif kind == 2:
            reps.append(icmp_err(x, IPerror(src=x.a, dst=x.b) / SCTPerror(sport=54000, dport=port) /
                                 SCTPChunkInit(init_tag=port), code=2))
    for seq in range(128):
        reqs.append(x.ab() / IP(src=x.a, dst=x.b) / ICMP(id=77, seq=seq))
        if seq % 3:
            reps.append(x.ba() / IP(src=x.b, dst=x.a) / ICMP(type=0, id=77, seq=seq))
    rng.shuffle(reps)
    return reqs, reps


# ---- Scapy's view ---------------------------------------------------------------------------

def set_conf(c):
    for k, v in CONF_DEFAULTS.items():
        setattr(conf, k, c.get(k, v))


def dissect(pkt, l3):
    b = bytes(pkt)
    if not l3:
        return Ether(b), b
    return (IPv6(b) if b[0] >> 4 == 6 else IP(b)), b


_scapy_tcp_answers = TCP.answers


def _tcp_answers_wirecraft(self, other):
    """Scapy's TCP.answers without its RST seq 0 gap (what wirecraft does)."""
    if not isinstance(other, TCP):
        return 0
    if other.flags.R:
        return 0
    if self.flags.S:
        if not self.flags.A:
            return 0
        if not other.flags.S:
            return 0
    if conf.checkIPsrc:
        if not ((self.sport == other.dport) and (self.dport == other.sport)):
            return 0
    rst_seq0 = self.flags.R and self.seq == 0 and not other.flags.A
    if not (other.flags.S and not other.flags.A) and not rst_seq0 \
       and abs(other.ack - self.seq) > 2:
        return 0
    if self.flags.R and not self.flags.A:
        return 1
    if abs(other.seq - self.ack) > 2 + len(other.payload):
        return 0
    return 1


def answers(r, s, wirecraft):
    TCP.answers = _tcp_answers_wirecraft if wirecraft else _scapy_tcp_answers
    try:
        return bool(r.answers(s))
    finally:
        TCP.answers = _scapy_tcp_answers


def alt_hashret(r):
    """r's hashret as if its outermost IPv6 destination were multicast: the second lookup
    wirecraft makes for Scapy's multicast gap (None when it makes none)."""
    outer = None
    lyr = r
    while lyr:
        if type(lyr) is IPv6:
            outer = lyr
            break
        lyr = lyr.payload if lyr.payload else None
    if outer is None:
        return None
    orig = inet6.in6_ismaddr
    target = outer.dst
    inet6.in6_ismaddr = lambda a: a == target or orig(a)
    try:
        return r.hashret()
    finally:
        inet6.in6_ismaddr = orig


def sr(reqs, reps, multi, wirecraft):
    """Scapy's sr() bookkeeping (SndRcvHandler._process_packet) over dissected packets:
    a reply answers the first request, in send order, of equal hashret that it answers;
    without multi that request is then gone. With wirecraft=True: wirecraft's rules (the
    gaps closed). Returns (pairs as (request index, reply index), unanswered indexes)."""
    rh = [p["hashret"] for p in reqs]
    alive = [True] * len(reqs)
    answered = [False] * len(reqs)
    pairs = []
    for j, r in enumerate(reps):
        keys = {r["hashret"]}
        if wirecraft and r["alt"] is not None:
            keys.add(r["alt"])
        for i in range(len(reqs)):
            if not alive[i] or rh[i] not in keys:
                continue
            if answers(r["pkt"], reqs[i]["pkt"], wirecraft):
                pairs.append((i, j))
                answered[i] = True
                if not multi:
                    alive[i] = False
                break
    return pairs, [i for i in range(len(reqs)) if not answered[i]]


# ---- Output -------------------------------------------------------------------------------------

def write_pcap(path, frames, linktype):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for (sec, usec), b in frames:
            f.write(struct.pack("<IIII", sec, usec, len(b), len(b)))
            f.write(b)


def packet_record(pkt, l3, case, ts, with_alt):
    d, b = dissect(pkt, l3)
    rec = {"case": case, "hex": b.hex(), "hashret": d.hashret().hex(), "summary": d.summary(),
           "ts": ts, "pkt": d}
    if with_alt:
        a = alt_hashret(d)
        rec["alt"] = a.hex() if a is not None else None
    return rec


def build_groups(outdir):
    groups = {}
    cases_out = []
    rng = random.Random(1)
    for k, entry in enumerate(CASES):
        name, fn = entry[0], entry[1]
        meta = entry[2] if len(entry) > 2 else {}
        x = Addr(k)
        reqs, reps = fn(x)
        key = (tuple(sorted(meta.get("conf", {}).items())), bool(meta.get("l3")))
        groups.setdefault(key, []).append((name, reqs, reps, meta))
        cases_out.append({"name": name, "gap": meta.get("gap"), "note": meta.get("note"),
                          "conf": meta.get("conf", {}), "l3": bool(meta.get("l3"))})
    scale = scale_case(Addr(len(CASES)), rng)
    groups[(("scale", True),), False] = [("scale", scale[0], scale[1], {})]

    out = []
    for key, members in groups.items():
        confd = dict(kv for kv in key[0] if kv[0] in CONF_DEFAULTS)
        l3 = key[1]
        set_conf(confd)
        flags = [CONF_FLAGS[(k, v)] for k, v in sorted(confd.items())]
        gname = "scale" if members[0][0] == "scale" else (
            ("l3" if l3 else "ether") + "".join(f.replace("--", "-") for f in flags))
        reqs, reps, checks = [], [], []
        for name, creqs, creps, meta in members:
            base_q, base_r = len(reqs), len(reps)
            for pkt in creqs:
                i = len(reqs)
                reqs.append(packet_record(pkt, l3, name, [T0 + i // 1000, (i % 1000) * 1000],
                                          False))
            for pkt in creps:
                j = len(reps)
                reps.append(packet_record(pkt, l3, name,
                                          [T0 + 10 + j // 1000, (j % 1000) * 1000 + 250], True))
            if name == "scale":
                continue
            for j in range(base_r, len(reps)):
                for i in range(base_q, len(reqs)):
                    sa = answers(reps[j]["pkt"], reqs[i]["pkt"], False)
                    wa = answers(reps[j]["pkt"], reqs[i]["pkt"], True)
                    if sa != wa and meta.get("gap") != "rst-seq0":
                        raise SystemExit("case %s: wirecraft's rules differ from Scapy's "
                                         "outside a documented gap" % name)
                    checks.append({"case": name, "r": j, "s": i, "scapy": sa, "wc": wa})
        result = {}
        for wc in (False, True):
            for multi in (False, True):
                pairs, unans = sr(reqs, reps, multi, wc)
                result["%s%s" % ("wc" if wc else "scapy", "_multi" if multi else "")] = {
                    "pairs": pairs, "unans": unans}
        # Cases must not answer each other: Scapy's pairs stay within a case.
        for tag, res in result.items():
            for i, j in res["pairs"]:
                if reqs[i]["case"] != reps[j]["case"]:
                    raise SystemExit("group %s: reply %d (%s) answers request %d (%s) of "
                                     "another case" % (gname, j, reps[j]["case"], i,
                                                       reqs[i]["case"]))
        gap_cases = {reqs[i]["case"] for i, j in set(map(tuple, result["wc"]["pairs"])) ^
                     set(map(tuple, result["scapy"]["pairs"]))}
        for c in gap_cases:
            if not any(cs["name"] == c and cs["gap"] for cs in cases_out):
                raise SystemExit("case %s: wirecraft pairs differ from Scapy's outside a "
                                 "documented gap" % c)
        linktype = 101 if l3 else 1
        rq = os.path.join(outdir, gname + ".req.pcap")
        rp = os.path.join(outdir, gname + ".rep.pcap")
        write_pcap(rq, [(p["ts"], bytes.fromhex(p["hex"])) for p in reqs], linktype)
        write_pcap(rp, [(p["ts"], bytes.fromhex(p["hex"])) for p in reps], linktype)
        for p in reqs + reps:
            del p["pkt"]
        out.append({"name": gname, "flags": flags, "l3": l3,
                    "req_pcap": os.path.basename(rq), "rep_pcap": os.path.basename(rp),
                    "requests": reqs, "replies": reps, "checks": checks, "sr": result})
    set_conf({})
    return {"scapy": __import__("scapy").VERSION, "gaps": GAPS, "cases": cases_out,
            "groups": out}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    exp = build_groups(outdir)
    tmp = os.path.join(outdir, "expect.json.tmp")
    with open(tmp, "w") as f:
        json.dump(exp, f)
    os.replace(tmp, os.path.join(outdir, "expect.json"))


if __name__ == "__main__":
    main()
