#!/usr/bin/env python3
"""wirecraft oracle test: compare wirecraft with Scapy and check its packets with tshark.

  1. regenerate the Scapy expectations (gen.py) unless they are newer than the
     corpus and the generator;
  2. build:   `wirecraft build EXPR` must print Scapy's packets, one hex line each,
              in Scapy's order;
  3. dissect: `wirecraft dissect --json --first CLASS HEX...` must print, one JSON
              array per packet and line, Scapy's layers and field values;
  4. tshark:  the packets wirecraft built, written to a pcap (IP-first packets
              wrapped in Ethernet), must raise no malformed-packet, bad-checksum or
              error-level expert message, unless the corpus line is marked
              "# bad-on-purpose" or "# no-tshark"; tshark dissects only Ethernet,
              VLAN, ARP, IPv4, IPv6, ICMP, ICMPv6, TCP and UDP (the rest is data).

Prints one line per failure and ends with `oracle: N passed, M failed`; exits 1
on any failure.  Without Scapy it skips (exit 0), unless CI=true (exit 1).

Environment: WIRECRAFT (binary, default build/wirecraft under the repo root),
ORACLE_PYTHON (a python3 with Scapy, default /usr/bin/python3), ORACLE_DIR
(work directory, default build/oracle), TSHARK (default tshark), CI.
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus.txt")
GEN = os.path.join(HERE, "gen.py")

BUILD_TIMEOUT = 30
DISSECT_TIMEOUT = 120
BATCH_PACKETS = 128
BATCH_BYTES = 96 * 1024

# Wireshark expert levels (epan/proto.h)
PI_WARN = 0x00600000
PI_ERROR = 0x00800000
PI_CHECKSUM = 0x01000000
PI_MALFORMED = 0x07000000

WRAP_SRC = bytes.fromhex("020000000001")
WRAP_DST = bytes.fromhex("020000000002")
ETHERTYPE = {"IP": 0x0800, "IPv6": 0x86DD}


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


class Report:
    def __init__(self, quiet=False, verbose=False):
        self.passed = 0
        self.failed = 0
        self.quiet = quiet
        self.verbose = verbose

    def ok(self, n=1):
        self.passed += n

    def fail(self, check, rec, msg, detail=None, count=1):
        """Count `count` failed checks and print one line for them (plus detail if -v)."""
        self.failed += count
        if self.quiet:
            return
        if rec is None:
            print("FAIL [%s] %s" % (check, msg))
        else:
            print("FAIL [%s] line %d: %s :: %s" % (check, rec["line"], short(rec["expr"]), msg))
        if detail and self.verbose:
            for d in detail:
                print("    " + d)
        sys.stdout.flush()

    def finish(self):
        print("oracle: %d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def short(s, n=160):
    return s if len(s) <= n else s[:n - 3] + "..."


# ------------------------------------------------------------------ setup

def find_python():
    """A python3 that imports Scapy: $ORACLE_PYTHON if set, else /usr/bin/python3 or ours."""
    if os.environ.get("ORACLE_PYTHON"):
        cands = [shutil.which(os.environ["ORACLE_PYTHON"]) or os.environ["ORACLE_PYTHON"]]
    else:
        cands = ["/usr/bin/python3", sys.executable]
    for py in cands:
        if not py or not os.path.exists(py):
            continue
        r = subprocess.run([py, "-c", "import scapy, scapy.all"], capture_output=True)
        if r.returncode == 0:
            return py
    return None


def need_regen(expect):
    if not os.path.exists(expect):
        return True
    t = os.path.getmtime(expect)
    return any(os.path.getmtime(p) >= t for p in (CORPUS, GEN))


def regenerate(py, expect):
    r = subprocess.run([py, GEN, "--corpus", CORPUS, expect], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.stdout.write(r.stderr)
        return False
    return True


def load_expect(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                recs.append(json.loads(line))
    return recs


def find_binary():
    path = os.environ.get("WIRECRAFT") or os.path.join(REPO, "build", "wirecraft")
    if not os.path.isabs(path) and os.sep in path:
        path = os.path.join(REPO, path)
    elif os.sep not in path:
        path = shutil.which(path) or os.path.join(REPO, path)
    return path


def run(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %ds" % timeout
    except OSError as e:
        return None, "", str(e)
    return (r.returncode, r.stdout.decode("utf-8", "replace"),
            r.stderr.decode("utf-8", "replace"))


def first_line(s):
    for line in s.splitlines():
        if line.strip():
            return short(line.strip(), 200)
    return ""


# ------------------------------------------------------------------ build check

# Byte ranges of the fixed part of common headers, to name the field of a difference.
FIELD_BYTES = {
    "Ether": [(0, 6, "dst"), (6, 12, "src"), (12, 14, "type")],
    "Dot1Q": [(0, 2, "prio/id/vlan"), (2, 4, "type")],
    "ARP": [(0, 2, "hwtype"), (2, 4, "ptype"), (4, 5, "hwlen"), (5, 6, "plen"), (6, 8, "op"),
            (8, 14, "hwsrc"), (14, 18, "psrc"), (18, 24, "hwdst"), (24, 28, "pdst")],
    "IP": [(0, 1, "version/ihl"), (1, 2, "tos"), (2, 4, "len"), (4, 6, "id"),
           (6, 8, "flags/frag"), (8, 9, "ttl"), (9, 10, "proto"), (10, 12, "chksum"),
           (12, 16, "src"), (16, 20, "dst"), (20, 60, "options")],
    "IPv6": [(0, 4, "version/tc/fl"), (4, 6, "plen"), (6, 7, "nh"), (7, 8, "hlim"),
             (8, 24, "src"), (24, 40, "dst")],
    "TCP": [(0, 2, "sport"), (2, 4, "dport"), (4, 8, "seq"), (8, 12, "ack"),
            (12, 14, "dataofs/reserved/flags"), (14, 16, "window"), (16, 18, "chksum"),
            (18, 20, "urgptr"), (20, 60, "options")],
    "UDP": [(0, 2, "sport"), (2, 4, "dport"), (4, 6, "len"), (6, 8, "chksum")],
    "ICMP": [(0, 1, "type"), (1, 2, "code"), (2, 4, "chksum"), (4, 8, "rest of header")],
}
FIELD_BYTES.update(IPerror=FIELD_BYTES["IP"], TCPerror=FIELD_BYTES["TCP"],
                   UDPerror=FIELD_BYTES["UDP"], ICMPerror=FIELD_BYTES["ICMP"],
                   IPerror6=FIELD_BYTES["IPv6"])
for _k in ("ICMPv6EchoRequest", "ICMPv6EchoReply", "ICMPv6DestUnreach", "ICMPv6PacketTooBig",
           "ICMPv6TimeExceeded", "ICMPv6ParamProblem", "ICMPv6ND_RS", "ICMPv6ND_RA",
           "ICMPv6ND_NS", "ICMPv6ND_NA", "ICMPv6ND_Redirect"):
    FIELD_BYTES[_k] = [(0, 1, "type"), (1, 2, "code"), (2, 4, "cksum")]


def name_offset(i, offsets, layers):
    where = ""
    for name, off in zip(layers, offsets):
        if off <= i:
            rel = i - off
            where = "in %s, +%d" % (name, rel)
            for lo, hi, field in FIELD_BYTES.get(name, []):
                if lo <= rel < hi:
                    where = "%s.%s, %s +%d" % (name, field, name, rel)
    return where


def byte_diff(want, got, offsets, layers):
    """Short description of the first difference between two hex strings."""
    a, b = bytes.fromhex(want), bytes.fromhex(got)
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    where = name_offset(i, offsets, layers)
    where = " (%s)" % where if where else ""
    lo = max(0, i - 4)
    msg = "first difference at byte %d%s: scapy ..%s.. wirecraft ..%s.." % (
        i, where, a[lo:i + 8].hex(), b[lo:i + 8].hex())
    if len(a) != len(b):
        msg += "; length scapy %d, wirecraft %d" % (len(a), len(b))
    return msg


def check_build(wc, recs, rep):
    built = {}  # (line, index) -> hex from wirecraft
    for rec in recs:
        want = [p["hex"] for p in rec["packets"]]
        rc, out, err = run([wc, "build", rec["expr"]], BUILD_TIMEOUT)
        if rc != 0:
            why = err.strip() and first_line(err) or "exit status %s" % rc
            rep.fail("build", rec, "wirecraft build failed (%d packets): %s" % (len(want), why),
                     count=len(want))
            continue
        got = [ln.strip().lower() for ln in out.splitlines() if ln.strip()]
        for i, g in enumerate(got):
            try:
                bytes.fromhex(g)
            except ValueError:
                rep.fail("build", rec, "wirecraft printed a line that is not hex: %s" % short(g, 80),
                         count=len(want))
                break
        else:
            compare_set(rec, want, got, rep)
            for i, g in enumerate(got[:len(want)]):
                built[(rec["line"], i)] = g
    return built


def compare_set(rec, want, got, rep):
    wrong = [i for i, w in enumerate(want) if i >= len(got) or got[i] != w]
    rep.ok(len(want) - len(wrong))
    if wrong and len(got) == len(want) and sorted(got) == sorted(want):
        i = wrong[0]
        rep.fail("build", rec, "same %d packets in another order: %d out of place, first packet %d "
                 "(Scapy's packet %d is wirecraft's %d)"
                 % (len(want), len(wrong), i, i, got.index(want[i])),
                 detail=["scapy     " + w for w in want] + ["wirecraft " + g for g in got],
                 count=len(wrong))
        return
    for i in wrong:
        w = want[i]
        if i >= len(got):
            rep.fail("build", rec, "packet %d: missing (wirecraft printed %d packets, Scapy %d)"
                     % (i, len(got), len(want)))
            continue
        p = rec["packets"][i]
        names = [lay["layer"] for lay in p["layers"]]
        rep.fail("build", rec, "packet %d/%d: %s"
                 % (i, len(want), byte_diff(w, got[i], p.get("offsets", []), names)),
                 detail=["scapy     " + w, "wirecraft " + got[i]])
    if len(got) > len(want):
        rep.fail("build", rec, "wirecraft printed %d packets, Scapy %d (first extra: %s)"
                 % (len(got), len(want), short(got[len(want)], 60)))


# ------------------------------------------------------------------ dissect check

def same_value(want, got):
    if isinstance(want, bool) or isinstance(got, bool):
        return want == got
    if isinstance(want, str) and isinstance(got, str):
        return want.lower() == got.lower()
    if isinstance(want, list) and isinstance(got, list):
        return len(want) == len(got) and all(same_value(a, b) for a, b in zip(want, got))
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return want == got
    return want == got and type(want) is type(got)


def diff_layers(want, got):
    """List of short differences between two dissections (empty when equal)."""
    if not isinstance(got, list):
        return ["not a JSON array: %s" % short(json.dumps(got), 100)]
    wn = [lay["layer"] for lay in want]
    try:
        gn = [lay["layer"] for lay in got]
    except (TypeError, KeyError):
        return ["layers lack a \"layer\" name: %s" % short(json.dumps(got), 100)]
    if wn != gn:
        return ["layers: scapy %s, wirecraft %s" % (" / ".join(wn), " / ".join(map(str, gn)))]
    out = []
    for w, g in zip(want, got):
        wf, gf = w["fields"], g.get("fields", {})
        if not isinstance(gf, dict):
            out.append("%s: fields is not an object" % w["layer"])
            continue
        for k, v in wf.items():
            if k not in gf:
                out.append("%s.%s missing (scapy %s)" % (w["layer"], k, json.dumps(v)))
            elif not same_value(v, gf[k]):
                out.append("%s.%s: scapy %s, wirecraft %s"
                           % (w["layer"], k, short(json.dumps(v), 70), short(json.dumps(gf[k]), 70)))
        for k in gf:
            if k not in wf:
                out.append("%s.%s unexpected (wirecraft %s; absent in Scapy's dissection)"
                           % (w["layer"], k, short(json.dumps(gf[k]), 70)))
    return out


def dissect_batch(wc, first, hexes):
    """Run one dissect process; return a list of parsed outputs or an error string."""
    rc, out, err = run([wc, "dissect", "--json", "--first", first] + hexes, DISSECT_TIMEOUT)
    if rc != 0:
        return "wirecraft dissect failed: %s" % (first_line(err) or "exit status %s" % rc)
    lines = [ln for ln in out.splitlines() if ln.strip()]
    if len(lines) != len(hexes):
        return "wirecraft dissect printed %d lines for %d packets" % (len(lines), len(hexes))
    res = []
    for ln in lines:
        try:
            res.append(json.loads(ln))
        except ValueError as e:
            res.append(ValueError("invalid JSON (%s): %s" % (e, short(ln, 100))))
    return res


def check_dissect(wc, recs, rep):
    items = {}  # first class -> [(rec, index, packet)]
    for rec in recs:
        for i, p in enumerate(rec["packets"]):
            items.setdefault(rec["first"], []).append((rec, i, p))
    for first, lst in items.items():
        batches, cur, size = [], [], 0
        for it in lst:
            n = len(it[2]["hex"]) + 1
            if cur and (len(cur) >= BATCH_PACKETS or size + n > BATCH_BYTES):
                batches.append(cur)
                cur, size = [], 0
            cur.append(it)
            size += n
        if cur:
            batches.append(cur)
        for batch in batches:
            res = dissect_batch(wc, first, [p["hex"] for _, _, p in batch])
            if isinstance(res, str):
                # isolate the packet(s) that break the batch
                res = []
                for _, _, p in batch:
                    one = dissect_batch(wc, first, [p["hex"]])
                    res.append(one if isinstance(one, str) else one[0])
            for (rec, i, p), got in zip(batch, res):
                if isinstance(got, (str, Exception)):
                    rep.fail("dissect", rec, "packet %d (%s): %s" % (i, p["hex"][:40], got))
                    continue
                d = diff_layers(p["layers"], got)
                if d:
                    rep.fail("dissect", rec, "packet %d/%d: %s%s"
                             % (i, len(rec["packets"]), "; ".join(d[:4]),
                                "; (%d more)" % (len(d) - 4) if len(d) > 4 else ""),
                             detail=["wirecraft dissect --json --first %s %s" % (first, p["hex"])]
                             + d[4:])
                else:
                    rep.ok()


# ------------------------------------------------------------------ tshark check

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)


# Protocols tshark keeps dissecting; every other one is disabled, so that a payload
# on some port is not judged by the dissector of whatever protocol owns that port.
KEEP_PROTOCOLS = re.compile(r"^(frame|eth|ethertype|vlan|arp|ip|ipv6|icmp|icmpv6|tcp|udp|data"
                            r"|pkt_comment|ip\.options\..*|tcp\.options\..*|_ws\..*"
                            # tunnels and SCTP (issue 10, wave 2)
                            r"|vxlan|gre|mpls|pwethcw|pwethheuristic|pwethnocw|geneve|sctp"
                            r")$")


# Wave 2: lines whose Scapy dissection holds these layers also keep tshark's dissector of
# them (a second tshark run over those frames only), so it checks what wirecraft built.
EXTRA_PROTOCOLS = {"BOOTP": ("dhcp",), "DHCP": ("dhcp",), "NTPHeader": ("ntp",),
                   "DNS": ("dns", "mdns")}


def tshark_disabled(tshark, keep=()):
    rc, out, err = run([tshark, "-G", "protocols"], 120)
    if rc != 0:
        return None
    names = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) >= 3 and not KEEP_PROTOCOLS.match(cols[2]) and cols[2] not in keep:
            names += ["--disable-protocol", cols[2]]
    return names


def extra_protocols(rec):
    """The tshark dissectors a corpus line's Scapy layers ask to keep (EXTRA_PROTOCOLS)."""
    return tuple(sorted({name for p in rec["packets"] for lay in p["layers"]
                         for name in EXTRA_PROTOCOLS.get(lay["layer"], ())}))


def tshark_cmd(tshark, pcap, disabled):
    return [tshark, "-n", "-r", pcap, "-T", "fields",
            "-E", "separator=/t", "-E", "aggregator=\x1f", "-E", "occurrence=a",
            "-e", "frame.number", "-e", "_ws.expert.message",
            "-e", "_ws.expert.severity", "-e", "_ws.expert.group",
            "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
            "-o", "udp.check_checksum:TRUE", "-o", "sctp.checksum:CRC-32c",
            "-o", "tcp.analyze_sequence_numbers:FALSE",
            "-o", "tcp.desegment_tcp_streams:FALSE",
            "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"] + disabled


def check_tshark(recs, packets_hex, rep, workdir, source):
    tshark = os.environ.get("TSHARK") or shutil.which("tshark")
    if not tshark:
        if in_ci():
            rep.fail("tshark", None, "tshark not found (CI=true)")
        else:
            print("oracle: tshark not found: tshark check skipped")
        return
    groups = {}
    for rec in recs:
        if not (rec["bad"] or rec.get("no_tshark")):
            groups.setdefault(extra_protocols(rec), []).append(rec)
    for keep, grecs in sorted(groups.items()):
        tshark_group(tshark, grecs, packets_hex, rep, workdir,
                     source if not keep else "%s-%s" % (source, "-".join(keep)), keep)


def tshark_group(tshark, recs, packets_hex, rep, workdir, source, keep):
    frames, index = [], []
    for rec in recs:
        for i in range(len(rec["packets"])):
            h = packets_hex.get((rec["line"], i))
            if h is None:
                continue
            b = bytes.fromhex(h)
            if rec["first"] in ETHERTYPE:
                b = WRAP_DST + WRAP_SRC + struct.pack("!H", ETHERTYPE[rec["first"]]) + b
            frames.append(b)
            index.append((rec, i))
    if not frames:
        return
    pcap = os.path.join(workdir, "oracle-%s.pcap" % source)
    write_pcap(pcap, frames)
    disabled = tshark_disabled(tshark, keep)
    if disabled is None:
        rep.fail("tshark", None, "`tshark -G protocols` failed")
        return
    rc, out, err = run(tshark_cmd(tshark, pcap, disabled), 600)
    if rc != 0:
        rep.fail("tshark", None, "tshark failed on %s: %s" % (pcap, first_line(err)))
        return
    seen = set()
    for line in out.splitlines():
        cols = line.split("\t")
        if not cols or not cols[0].strip().isdigit():
            continue
        n = int(cols[0])
        seen.add(n)
        msgs = cols[1].split("\x1f") if len(cols) > 1 and cols[1] else []
        sevs = cols[2].split("\x1f") if len(cols) > 2 and cols[2] else []
        grps = cols[3].split("\x1f") if len(cols) > 3 and cols[3] else []
        bad = []
        for k, m in enumerate(msgs):
            sev = int(sevs[k]) if k < len(sevs) and sevs[k].isdigit() else 0
            grp = int(grps[k]) if k < len(grps) and grps[k].isdigit() else 0
            if grp == PI_MALFORMED or sev >= PI_ERROR or (grp == PI_CHECKSUM and sev >= PI_WARN):
                bad.append(m)
        rec, i = index[n - 1]
        if bad:
            rep.fail("tshark", rec, "packet %d (%s bytes): %s"
                     % (i, source, "; ".join(sorted(set(bad)))),
                     detail=["frame %d of %s" % (n, pcap), packets_hex[(rec["line"], i)]])
        else:
            rep.ok()
    missing = len(frames) - len(seen)
    if missing > 0:
        rep.fail("tshark", None, "tshark printed no line for %d of %d frames" % (missing, len(frames)))


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--expect", help="expectations file (default ORACLE_DIR/expect.jsonl)")
    ap.add_argument("--check", default="build,dissect,tshark",
                    help="comma-separated checks to run (default: all)")
    ap.add_argument("--match", help="only corpus lines whose expression contains this text")
    ap.add_argument("--scapy-only", action="store_true",
                    help="no wirecraft: run tshark on Scapy's own packets (checks the corpus)")
    ap.add_argument("--regen", action="store_true", help="regenerate the expectations")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print details under each failure (full hex, all differences)")
    args = ap.parse_args()
    checks = set(c.strip() for c in args.check.split(",") if c.strip())
    unknown = checks - {"build", "dissect", "tshark"}
    if unknown:
        ap.error("unknown check(s): %s" % ", ".join(sorted(unknown)))

    workdir = os.environ.get("ORACLE_DIR") or os.path.join(REPO, "build", "oracle")
    expect = args.expect or os.path.join(workdir, "expect.jsonl")
    os.makedirs(workdir, exist_ok=True)
    rep = Report(verbose=args.verbose)

    py = find_python()
    if py is None:
        if in_ci():
            print("oracle: FAIL: Scapy is not installed (python3-scapy), and CI=true")
            rep.failed += 1
            return rep.finish()
        print("oracle: skipped: Scapy is not installed (python3-scapy; set ORACLE_PYTHON)")
        return 0

    if args.regen or need_regen(expect):
        if not regenerate(py, expect):
            rep.fail("gen", None, "gen.py failed: the corpus does not evaluate in Scapy")
            return rep.finish()
    recs = load_expect(expect)
    if args.match:
        recs = [r for r in recs if args.match in r["expr"]]
    scapy_hex = {(r["line"], i): p["hex"] for r in recs for i, p in enumerate(r["packets"])}

    if args.scapy_only:
        if "tshark" in checks:
            check_tshark(recs, scapy_hex, rep, workdir, "scapy")
        return rep.finish()

    wc = find_binary()
    if not (os.path.isfile(wc) and os.access(wc, os.X_OK)):
        rep.fail("setup", None, "wirecraft binary not found or not executable: %s "
                 "(build it with `make`, or set WIRECRAFT=/path/to/wirecraft; "
                 "`run.py --scapy-only` checks the corpus alone)" % wc)
        return rep.finish()

    built = {}
    if "build" in checks or "tshark" in checks:
        # the tshark check looks at what wirecraft built, so it needs the build step
        sub = Report(quiet=True)
        built = check_build(wc, recs, rep if "build" in checks else sub)
    if "dissect" in checks:
        check_dissect(wc, recs, rep)
    if "tshark" in checks:
        check_tshark(recs, built, rep, workdir, "wirecraft")
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
