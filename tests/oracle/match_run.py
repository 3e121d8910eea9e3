#!/usr/bin/env python3
"""wirecraft match oracle: pairing requests and replies as Scapy does.

  1. regenerate the Scapy expectations (match_gen.py) into ORACLE_DIR/match unless they
     are newer than the generator;
  2. hashret: for every packet, the library's hashret bytes (match_harness) must be
     Scapy's hashret(), byte for byte;
  3. answers: for every reply and request of one case, the library's answers() must be
     Scapy's with scapy_gaps set, and Scapy's with its documented gaps closed without;
  4. match: `wirecraft match --json --unans` on each group's two captures must make the
     pairs Scapy's sr() makes (in reply order, the same request for each reply), leave
     the same requests unanswered and count the same, with --multi and without, with
     --scapy-gaps (exactly Scapy) and without (Scapy with its gaps closed); rtt_us must
     be the capture timestamps' difference;
  5. summary: without --json, the lines must be Scapy's "REQ ==> REPLY" summaries and its
     "Received N packets, got M answers, remaining K packets" line.

Prints one line per failure and ends with `match-oracle: N passed, M failed` (exit 1 on
any failure). Without Scapy it skips (exit 0), unless CI=true (exit 1).

Environment: WIRECRAFT (default build/wirecraft), MATCH_HARNESS (default
build/oracle/match_harness), ORACLE_PYTHON (a python3 with Scapy, default
/usr/bin/python3), ORACLE_DIR (default build/oracle), CI.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
GEN = os.path.join(HERE, "match_gen.py")
TIMEOUT = 120


def in_ci():
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


class Report:
    def __init__(self, verbose=False):
        self.passed = 0
        self.failed = 0
        self.verbose = verbose

    def check(self, ok, what, detail=None):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        print("FAIL " + what)
        if detail and self.verbose:
            for d in detail:
                print("    " + d)
        sys.stdout.flush()

    def finish(self):
        print("match-oracle: %d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def find_python():
    cands = [os.environ["ORACLE_PYTHON"]] if os.environ.get("ORACLE_PYTHON") else \
        ["/usr/bin/python3", sys.executable]
    for py in cands:
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import scapy.all"], capture_output=True).returncode == 0:
            return py
    return None


def binary(env, default):
    path = os.environ.get(env) or os.path.join(REPO, default)
    return path if os.path.isabs(path) else os.path.join(REPO, path)


def run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %ds" % TIMEOUT
    except OSError as e:
        return None, "", str(e)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def where(g, kind, k):
    p = (g["requests"] if kind == "request" else g["replies"])[k]
    return "%s %d (%s)" % (kind, k, p["case"])


# ---- 2 and 3: the library ----------------------------------------------------------------------

def check_library(harness, g, workdir, rep):
    req, rpl = os.path.join(workdir, g["req_pcap"]), os.path.join(workdir, g["rep_pcap"])
    pairs = os.path.join(workdir, g["name"] + ".pairs")
    with open(pairs, "w") as f:
        for c in g["checks"]:
            f.write("%d %d\n" % (c["r"], c["s"]))
    rc, out, err = run([harness] + g["flags"] + [req, rpl, pairs])
    if rc != 0:
        rep.check(False, "[harness] %s: exit %s: %s" % (g["name"], rc, err.strip()[:300]))
        return
    got_q, got_r, got_a = {}, {}, {}
    for line in out.splitlines():
        f = line.split()
        if f[0] == "Q":
            got_q[int(f[1])] = f[2] if len(f) > 2 else ""
        elif f[0] == "R":
            got_r[int(f[1])] = f[2] if len(f) > 2 else ""
        elif f[0] == "A":
            got_a[(int(f[1]), int(f[2]))] = (f[3] == "1", f[4] == "1")
    for kind, exp, got in (("request", g["requests"], got_q), ("reply", g["replies"], got_r)):
        for k, p in enumerate(exp):
            rep.check(got.get(k) == p["hashret"],
                      "[hashret] %s/%s: wirecraft %s, Scapy %s" %
                      (g["name"], where(g, kind, k), got.get(k), p["hashret"]),
                      [p["summary"], p["hex"]])
    for c in g["checks"]:
        a = got_a.get((c["r"], c["s"]))
        what = "%s/%s vs %s" % (g["name"], where(g, "reply", c["r"]), where(g, "request", c["s"]))
        detail = [g["replies"][c["r"]]["summary"], g["requests"][c["s"]]["summary"]]
        if a is None:
            rep.check(False, "[answers] %s: no result" % what)
            continue
        rep.check(a[0] == c["scapy"], "[answers] %s: wirecraft (scapy_gaps) %s, Scapy %s" %
                  (what, a[0], c["scapy"]), detail)
        rep.check(a[1] == c["wc"], "[answers] %s: wirecraft %s, expected %s%s" %
                  (what, a[1], c["wc"], "" if c["wc"] == c["scapy"] else
                   " (Scapy %s: documented gap)" % c["scapy"]), detail)


# ---- 4 and 5: wirecraft match ------------------------------------------------------------------

def rtt(g, i, j):
    q, r = g["requests"][i]["ts"], g["replies"][j]["ts"]
    return (r[0] - q[0]) * 1000000 + (r[1] - q[1])


def check_cli(wc, g, workdir, rep):
    req, rpl = os.path.join(workdir, g["req_pcap"]), os.path.join(workdir, g["rep_pcap"])
    for gaps in (True, False):
        for multi in (False, True):
            key = ("scapy" if gaps else "wc") + ("_multi" if multi else "")
            exp = g["sr"][key]
            flags = g["flags"] + (["--scapy-gaps"] if gaps else []) + (["--multi"] if multi else [])
            name = "%s %s" % (g["name"], " ".join(flags) or "(defaults)")
            rc, out, err = run([wc, "match", "--json", "--unans"] + flags +
                               [req, rpl])
            if rc != 0:
                rep.check(False, "[match] %s: exit %s: %s" % (name, rc, err.strip()[:300]))
                continue
            pairs, unans, stats, rtts = [], [], None, []
            try:
                for line in out.splitlines():
                    o = json.loads(line)
                    if "reply" in o:
                        pairs.append((o["request_no"] - 1, o["reply_no"] - 1))
                        rtts.append(o["rtt_us"])
                        if not (isinstance(o["request"], list) and isinstance(o["reply"], list)):
                            raise ValueError("request/reply are not layer lists")
                    elif "unanswered" in o:
                        unans.append(o["request_no"] - 1)
                    else:
                        stats = o
            except (ValueError, KeyError) as e:
                rep.check(False, "[match] %s: bad JSON output: %s" % (name, e))
                continue
            want = [tuple(p) for p in exp["pairs"]]
            detail = []
            for k in range(max(len(pairs), len(want))):
                a = pairs[k] if k < len(pairs) else None
                b = want[k] if k < len(want) else None
                if a != b:
                    detail.append("pair %d: wirecraft %s, expected %s%s" % (
                        k, a, b, "" if b is None else " (%s)" % g["replies"][b[1]]["case"]))
            rep.check(pairs == want, "[match] %s: %d pairs, expected %d; %d differ" %
                      (name, len(pairs), len(want), len(detail)), detail[:20])
            rep.check(sorted(unans) == sorted(exp["unans"]),
                      "[match] %s: unanswered %s, expected %s" %
                      (name, sorted(set(unans) ^ set(exp["unans"]))[:10], "the others"))
            want_stats = {"received": len(g["replies"]), "answers": len(want),
                          "remaining": len(exp["unans"])}
            rep.check(stats == want_stats, "[match] %s: %s, expected %s" %
                      (name, stats, want_stats))
            if pairs == want:
                bad = [k for k, (i, j) in enumerate(pairs) if rtts[k] != rtt(g, i, j)]
                rep.check(not bad, "[match] %s: rtt_us wrong for %d pairs" % (name, len(bad)))
    # The text output, exactly Scapy's.
    exp = g["sr"]["scapy"]
    rc, out, err = run([wc, "match", "--scapy-gaps"] + g["flags"] + [req, rpl])
    if rc != 0:
        rep.check(False, "[summary] %s: exit %s: %s" % (g["name"], rc, err.strip()[:300]))
        return
    lines = out.splitlines()
    want = ["%s ==> %s" % (g["requests"][i]["summary"], g["replies"][j]["summary"])
            for i, j in exp["pairs"]]
    want.append("Received %d packets, got %d answers, remaining %d packets" %
                (len(g["replies"]), len(exp["pairs"]), len(exp["unans"])))
    for k in range(max(len(lines), len(want))):
        a = lines[k] if k < len(lines) else None
        b = want[k] if k < len(want) else None
        rep.check(a == b, "[summary] %s line %d:\n    wirecraft: %s\n    Scapy:     %s" %
                  (g["name"], k + 1, a, b))


# ---- main -------------------------------------------------------------------------------------

def need_regen(expect):
    if not os.path.exists(expect):
        return True
    t = os.path.getmtime(expect)
    return any(os.path.getmtime(p) >= t for p in (GEN, os.path.join(HERE, "gen.py")))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regen", action="store_true", help="regenerate the expectations")
    ap.add_argument("--group", help="only this group (ether, l3, scale, ...)")
    ap.add_argument("-v", "--verbose", action="store_true", help="details under failures")
    args = ap.parse_args()
    rep = Report(args.verbose)
    workdir = os.path.join(os.environ.get("ORACLE_DIR") or os.path.join(REPO, "build", "oracle"),
                           "match")
    expect = os.path.join(workdir, "expect.json")

    py = find_python()
    if py is None:
        if in_ci():
            print("match-oracle: FAIL: Scapy is not installed (python3-scapy), and CI=true")
            rep.failed += 1
            return rep.finish()
        print("match-oracle: skipped: Scapy is not installed (python3-scapy; set ORACLE_PYTHON)")
        return 0
    if args.regen or need_regen(expect):
        r = subprocess.run([py, GEN, workdir], capture_output=True, text=True)
        if r.returncode != 0:
            sys.stdout.write(r.stdout + r.stderr)
            rep.check(False, "[gen] match_gen.py failed")
            return rep.finish()
    with open(expect) as f:
        exp = json.load(f)

    wc = binary("WIRECRAFT", "build/wirecraft")
    harness = binary("MATCH_HARNESS", "build/oracle/match_harness")
    for b in (wc, harness):
        if not os.access(b, os.X_OK):
            rep.check(False, "[setup] not built: %s (make %s)" %
                      (b, "test-match" if b == harness else ""))
            return rep.finish()
    for g in exp["groups"]:
        if args.group and g["name"] != args.group:
            continue
        check_library(harness, g, workdir, rep)
        check_cli(wc, g, workdir, rep)
    gaps = [c["name"] for c in exp["cases"] if c["gap"]]
    print("match-oracle: %d cases (%d groups, Scapy %s); documented Scapy gaps wirecraft "
          "closes: %s" % (len(exp["cases"]), len(exp["groups"]), exp["scapy"], ", ".join(gaps)))
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
