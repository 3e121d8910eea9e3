#!/usr/bin/python3
"""Checks for tests/net/test_traceroute.sh: hop lists of wirecraft traceroute (json, csv, text)
and of the distribution's traceroute and mtr, against the router chain of trace_topo.sh and
against each other.

  trace_check.py truth  FORMAT FILE FAMILY [--count N] [--both] [--any-branch]
                          every path (N of them) is the chain's: r1, r2a|r2b, r3 on the same
                          branch (--any-branch: either), r4, the target; reached at 5; --both:
                          both branches of the fork among the paths
  trace_check.py same   A B                               two hop files (hops format) agree
  trace_check.py hops   FORMAT FILE                       print 'target ttl addr' lines
  trace_check.py links  FILE FAMILY                       json links: the chain's router links
                                                          exactly, each once, both branches
  trace_check.py dot    FILE FAMILY                       the graph has the chain's edges

FORMAT: json, csv, text (wirecraft), traceroute (traceroute's output for one target or more,
each block headed by its own line or a 'TARGET t' line), mtr (the same with mtr -r output),
scamper (scamper -O text)."""
import csv
import ipaddress
import json
import re
import sys

V4 = dict(r1="198.18.100.2", r2a="198.18.101.2", r2b="198.18.102.2", r3a="198.18.103.2",
          r3b="198.18.104.2", r4="198.18.105.2", d="198.18.106.2")
V6 = dict(r1="2001:db8:100::2", r2a="2001:db8:101::2", r2b="2001:db8:102::2",
          r3a="2001:db8:103::2", r3b="2001:db8:104::2", r4="2001:db8:105::2",
          d="2001:db8:106::2")


def norm(a):
    return str(ipaddress.ip_address(a))


def read_hops(fmt, path):
    """{target: {ttl: addr}}"""
    out = {}
    if fmt == "json":
        for line in open(path):
            o = json.loads(line)
            if o["type"] != "path":
                continue
            out[norm(o["target"])] = {h["ttl"]: norm(h["addr"]) for h in o["hops"]}
    elif fmt == "csv":
        for r in csv.DictReader(open(path)):
            out.setdefault(norm(r["target"]), {})[int(r["ttl"])] = norm(r["addr"])
    elif fmt == "text":
        t = None
        for line in open(path):
            m = re.match(r"traceroute to (\S+)", line)
            if m:
                t = norm(m.group(1))
                out[t] = {}
                continue
            m = re.match(r"\s+(\d+)\s+([0-9a-f:.]+)\s", line)
            if t and m and m.group(2) != "hop":
                out[t][int(m.group(1))] = norm(m.group(2))
    elif fmt in ("traceroute", "mtr", "scamper"):
        t = None
        for line in open(path):
            # a block per target: "TARGET t" (the test's), "traceroute to t (t), ..."
            # (traceroute's own), "traceroute from us to t" (scamper -O text)
            m = re.match(r"(?:TARGET |traceroute to |traceroute from \S+ to )([0-9a-f:.]+)", line)
            if m:
                t = norm(m.group(1))
                out.setdefault(t, {})
                continue
            if fmt in ("traceroute", "scamper"):
                m = re.match(r"\s*(\d+)\s+([0-9a-f:.]+)\s", line)
            else:
                m = re.match(r"\s*(\d+)\.\|--\s+([0-9a-f:.]+)\s", line)
            if t and m:
                out[t][int(m.group(1))] = norm(m.group(2))
    return out


def chain_ok(target, hops, fam, any_branch=False):
    R = V4 if fam == "4" else V6
    if sorted(hops) != [1, 2, 3, 4, 5]:
        return "ttls %s" % sorted(hops)
    if hops[1] != R["r1"] or hops[4] != R["r4"]:
        return "hop 1 or 4: %s %s" % (hops[1], hops[4])
    if any_branch:  # probes of one target on different flows: each TTL may take either
        if hops[2] not in (R["r2a"], R["r2b"]) or hops[3] not in (R["r3a"], R["r3b"]):
            return "hops 2, 3 not the fork's: %s %s" % (hops[2], hops[3])
    elif (hops[2], hops[3]) not in ((R["r2a"], R["r3a"]), (R["r2b"], R["r3b"])):
        return "hops 2, 3 not one branch: %s %s" % (hops[2], hops[3])
    if hops[5] != target and hops[5] != R["d"]:
        return "hop 5 %s" % hops[5]
    return None


def main():
    cmd = sys.argv[1]
    if cmd == "hops":
        for t, h in sorted(read_hops(sys.argv[2], sys.argv[3]).items()):
            for ttl in sorted(h):
                print(t, ttl, h[ttl])
        return 0
    if cmd == "truth":
        fmt, path, fam = sys.argv[2:5]
        want = int(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[5] == "--count" else None
        got = read_hops(fmt, path)
        bad = 0
        branches = set()
        for t, h in got.items():
            why = chain_ok(t, h, fam, "--any-branch" in sys.argv)
            if why:
                bad += 1
                if bad <= 5:
                    print("  %s: %s (%s)" % (t, why, h))
            else:
                branches.add(h[2])
        if want is not None and len(got) != want:
            print("  %d paths, not %d" % (len(got), want))
            bad += 1
        print("  %d paths, %d bad, branches at hop 2: %s" % (len(got), bad, sorted(branches)))
        if "--both" in sys.argv and len(branches) != 2:
            print("  the ECMP fork was not found: one branch only")
            bad += 1
        return 1 if bad else 0
    if cmd == "same":
        a = read_hops(*sys.argv[2].split(":", 1))
        b = read_hops(*sys.argv[3].split(":", 1))
        if a != b:
            for t in sorted(set(a) | set(b)):
                if a.get(t) != b.get(t):
                    print("  %s: %s vs %s" % (t, a.get(t), b.get(t)))
            return 1
        print("  %d targets, the same hops" % len(a))
        return 0
    if cmd in ("links", "dot"):
        path, fam = sys.argv[2:4]
        R = V4 if fam == "4" else V6
        want = {(R["r1"], R["r2a"]), (R["r1"], R["r2b"]), (R["r2a"], R["r3a"]),
                (R["r2b"], R["r3b"]), (R["r3a"], R["r4"]), (R["r3b"], R["r4"])}
        links = []
        if cmd == "links":
            recs = [json.loads(line) for line in open(path)]
            for o in recs:
                if o["type"] == "link":
                    links.append((norm(o["from"]), norm(o["to"])))
            # the link records, in order, with their TTL and path count: what the path
            # records say (routers at consecutive TTLs), deduplicated and in address order
            seen = {}
            for o in recs:
                if o["type"] != "path":
                    continue
                hops = {h["ttl"]: h.get("addr") for h in o["hops"]}
                for t in sorted(hops):
                    a, b = hops[t], hops.get(t + 1)
                    if a and b and a != b:
                        w = seen.setdefault((a, b), [t, 0])
                        w[0], w[1] = min(w[0], t), w[1] + 1

            def order(k):
                return [(ipaddress.ip_address(x).version,
                         ipaddress.ip_address(x).packed.ljust(16, b"\0")) for x in k]
            want_recs = [(k, seen[k]) for k in sorted(seen, key=order)]
            got_recs = [((o["from"], o["to"]), [o["ttl"], o["paths"]])
                        for o in recs if o["type"] == "link"]
            if got_recs != want_recs:
                bad = [(g, w) for g, w in zip(got_recs, want_recs) if g != w][:3]
                print("  link records differ from the paths' links (%d vs %d): %s" %
                      (len(got_recs), len(want_recs), bad))
                return 1
        else:
            text = open(path).read()
            if not text.startswith("digraph"):
                print("  not a digraph")
                return 1
            for m in re.finditer(r'"([0-9a-f:.]+)" -> "([0-9a-f:.]+)"', text):
                links.append((norm(m.group(1)), norm(m.group(2))))
        routers = set(R.values()) - {R["d"]}
        among = [l for l in links if l[0] in routers and l[1] in routers]
        if len(among) != len(set(among)):
            print("  a link twice: %s" % sorted(among))
            return 1
        if set(among) != want:
            print("  router links %s, want %s" % (sorted(among), sorted(want)))
            return 1
        v = 4 if fam == "4" else 6
        rest = [l for l in links if l not in want and ipaddress.ip_address(l[0]).version == v]
        if any(l[0] != R["r4"] for l in rest):
            print("  links not from r4 to a destination: %s" % [l for l in rest if l[0] != R["r4"]][:5])
            return 1
        print("  %d links: the chain's 6 router links (both branches), once each, and %d to "
              "destinations" % (len(links), len(rest)))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
