#!/usr/bin/python3
"""Checks for tests/net/test_dhcp_ntp.sh: wirecraft's view of real captures against Scapy's.

  dhcp_ntp_check.py dissect WIRECRAFT PCAP   every packet: the same layers and field values as
                                             Scapy's dissection, and the same summary line
  dhcp_ntp_check.py match WIRECRAFT SENT RECEIVED
                                             the pairs `wirecraft match` makes, with and
                                             without --no-check-ipaddr, are the pairs Scapy's
                                             sr() rules make with conf.checkIPaddr off and on
Prints one line, exits 1 on any difference. Offline: Scapy never sends anything here.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import gen  # noqa: E402  (the oracle's serializer and sandbox)

gen._no_sockets()
# real captures: the addresses are the test network's, not the corpus's documentation rules
gen._check_mac = gen._check_v4 = gen._check_v6 = lambda *a: None

from scapy.all import Ether, conf, rdpcap  # noqa: E402


def run(args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.splitlines()


def dissect(wc, pcap):
    ser = gen.Serializer()
    ours = run([wc, "dissect", "--json", "-r", pcap])
    sums = run([wc, "dissect", "--summary", "-r", pcap])
    pk = rdpcap(pcap)
    bad = []
    if len(ours) != len(pk) or len(sums) != len(pk):
        bad.append("%d/%d packets, Scapy %d" % (len(ours), len(sums), len(pk)))
    for i, (p, o, s) in enumerate(zip(pk, ours, sums)):
        d = Ether(bytes(p))
        want, got = ser.layers(d, "packet %d" % i), json.loads(o)
        if [w["layer"] for w in want] != [g["layer"] for g in got]:
            bad.append("packet %d: layers %s, Scapy %s" % (
                i, [g["layer"] for g in got], [w["layer"] for w in want]))
            continue
        for w, g in zip(want, got):
            for f in sorted(set(w["fields"]) | set(g["fields"])):
                if w["fields"].get(f) != g["fields"].get(f):
                    bad.append("packet %d %s.%s: %r, Scapy %r" % (
                        i, w["layer"], f, g["fields"].get(f), w["fields"].get(f)))
        if s != d.summary():
            bad.append("packet %d summary %r, Scapy %r" % (i, s, d.summary()))
    return bad, "%d packets, every layer, field and summary as Scapy's" % len(pk)


def scapy_pairs(reqs, reps):
    """sr()'s pairing: each reply takes the first request not yet answered with the same
    hashret that it answers (multi off)."""
    taken, pairs = set(), []
    for j, r in enumerate(reps):
        for i, s in enumerate(reqs):
            if i not in taken and r.hashret() == s.hashret() and r.answers(s):
                taken.add(i)
                pairs.append((i + 1, j + 1))
                break
    return pairs


def match(wc, sent, received):
    reqs = [Ether(bytes(p)) for p in rdpcap(sent)]
    reps = [Ether(bytes(p)) for p in rdpcap(received)]
    bad, counts = [], []
    for flag, check in ((None, True), ("--no-check-ipaddr", False)):
        conf.checkIPaddr = check
        want = sorted(scapy_pairs(reqs, reps))
        out = run([wc, "match", "--json"] + ([flag] if flag else []) + [sent, received])
        got = sorted((o["request_no"], o["reply_no"]) for o in map(json.loads, out)
                     if "request_no" in o and "reply_no" in o)
        if got != want:
            bad.append("%s: pairs %s, Scapy %s" % (flag or "default", got, want))
        counts.append("%s %d" % (flag or "default", len(got)))
    conf.checkIPaddr = True
    return bad, "pairs as Scapy's (%s)" % ", ".join(counts)


def main():
    if sys.argv[1] == "dissect":
        bad, good = dissect(sys.argv[2], sys.argv[3])
    else:
        bad, good = match(sys.argv[2], sys.argv[3], sys.argv[4])
    print("; ".join(bad[:5]) if bad else good)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
