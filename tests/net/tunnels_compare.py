#!/usr/bin/python3
"""Compare wirecraft's dissection of a capture with Scapy 2.5's, field by field.

Usage: tunnels_compare.py WIRECRAFT PCAP [--first LAYER] [--expect LAYER ...]

Every frame of PCAP is dissected by `WIRECRAFT dissect --json -r PCAP` and by Scapy (the
capture's link-layer class, or LAYER with --first; contrib MPLS and GENEVE loaded as the
oracle loads them), and the two are compared the way tests/oracle/run.py compares them
(same layer names, same fields, same values). Prints one line per difference and ends with
"tunnels-compare: N frames, M differences, layers seen: ..."; with --expect, each LAYER must
occur in at least one frame. Exit 1 on any difference or missing layer. Nothing is sent.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))

import gen  # noqa: E402  (the oracle's Scapy sandbox and serializer)
from run import diff_layers  # noqa: E402


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    wc, pcap, rest = args[0], args[1], args[2:]
    first, expect = None, []
    while rest:
        if rest[0] == "--first" and len(rest) > 1:
            first, rest = rest[1], rest[2:]
        elif rest[0] == "--expect":
            expect, rest = rest[1:], []
        else:
            print("tunnels-compare: unknown argument %s" % rest[0], file=sys.stderr)
            return 2
    import logging
    logging.getLogger("scapy").setLevel(logging.ERROR)
    ns = {}
    exec("from scapy.all import *", ns)  # noqa: S102
    for mod in gen.CONTRIB:
        exec("load_contrib(%r)" % mod, ns)  # noqa: S102
    gen._no_sockets()
    # Real captures carry whatever addresses they were made with (the namespaces' 0a:...
    # MACs, other people's networks): the corpus's range checks do not apply to them.
    gen._check_mac = gen._check_v4 = gen._check_v6 = lambda value, where: None
    ser = gen.Serializer()
    frames = ns["rdpcap"](pcap)
    cmd = [wc, "dissect", "--json", "-r", pcap] + (["--first", first] if first else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        print("tunnels-compare: %s failed: %s" % (" ".join(cmd), out.stderr.strip()))
        return 1
    got = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    ndiff, seen = 0, set()
    if len(got) != len(frames):
        print("tunnels-compare: wirecraft printed %d frames, Scapy read %d" % (len(got), len(frames)))
        ndiff += 1
    for i, (fr, g) in enumerate(zip(frames, got)):
        raw = bytes(fr)
        cls = ns[first] if first else type(fr)
        want = ser.layers(cls(raw), "frame %d" % (i + 1))
        seen.update(lay["layer"] for lay in want)
        for d in diff_layers(want, g):
            print("frame %d: %s" % (i + 1, d))
            ndiff += 1
    missing = [e for e in expect if e not in seen]
    for e in missing:
        print("tunnels-compare: no frame has a %s layer" % e)
    print("tunnels-compare: %d frames, %d differences, layers seen: %s"
          % (len(frames), ndiff, " ".join(sorted(seen))))
    return 1 if ndiff or missing or not frames else 0


if __name__ == "__main__":
    sys.exit(main())
