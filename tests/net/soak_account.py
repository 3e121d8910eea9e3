#!/usr/bin/env python3
"""The accounting of tests/net/test_soak.sh: counters before and after a scan against the
reflector, and the scan's --metadata, must add up exactly (tests/README.md, "Nothing lost").

    soak_account.py BEFORE AFTER META SECONDS [--need-drops]

BEFORE and AFTER: one counter source a line, as test_soak.sh's counters() writes them:
    R arp=N ndp=N ...          the reflector's per-verdict BPF counters (reflect --stats)
    La|Lb JSON                 ip -j -s -s link of the scanning (a) or reflecting (b) end
    Ea|Eb NAME N               ethtool -S of that end (per-queue counters are summed)
Prints the counters, the unanswered probes by reason and one "ok:" or "FAIL:" line an
identity; exits 1 if any failed. --need-drops: the run must also have dropped something (a
run meant to exercise the drop terms); exit 3 when that alone failed."""
import json, sys

def load(path):
    c = {}
    for line in open(path):
        tag, rest = line.rstrip("\n").split(" ", 1)
        if tag == "R":
            for kv in rest.split():
                k, v = kv.split("=")
                c["R." + k] = int(v)
        elif tag in ("La", "Lb"):
            st = json.loads(rest)[0]["stats64"]
            for d in ("rx", "tx"):
                for k, v in st[d].items():
                    c["%s.%s_%s" % (tag, d, k)] = v
        else:  # Ea/Eb NAME N: per-queue counters summed over the queues
            k, v = rest.split()
            if k.startswith(("rx_queue_", "tx_queue_")):
                k = k.split("_", 1)[0] + "_" + k.split("_", 3)[3]
            c[tag + "." + k] = c.get(tag + "." + k, 0) + int(v)
    return c

args = [x for x in sys.argv[1:] if not x.startswith("--")]
need_drops = "--need-drops" in sys.argv
b, a = load(args[0]), load(args[1])
d = {k: a[k] - b.get(k, 0) for k in a}
m = json.load(open(args[2]))
soak = float(args[3])
acc = m["accounting"]
S = {k: m[k] for k in ("sent", "targets_probed", "replies", "hits", "failures", "repeats",
                       "invalid", "drops", "tx_ring_full", "passes", "repair_passes")}
S.update({"rx_frames": acc["rx_frames"], "tx_inflight": acc["tx_inflight"],
          "drops_device": acc["drops_device"]})
S.update({"xsk." + k: v for k, v in acc["xsk"].items()})
S.update({"steer." + k: v for k, v in acc["steer"].items()})
for k, v in S.items():
    d["S." + k] = v
g = lambda k: d.get(k, 0)

R_ANS = ("synack", "rst", "arp", "ndp", "echo", "udp-echo", "unreach")
R_UNANS = ("passed", "ignored", "malformed", "errors")
r_answers = sum(g("R." + k) for k in R_ANS)
r_seen = r_answers + sum(g("R." + k) for k in R_UNANS)
steer_seen = sum(v for k, v in d.items() if k.startswith("S.steer."))
steer_other = steer_seen - g("S.steer.cookie")
xsk_drops = g("S.xsk.rx_dropped") + g("S.xsk.rx_ring_full")

# every way a probe or its answer can go missing, each a counter
losses = [
    ("probe dropped by the veth (B's ring full): La tx_dropped", g("La.tx_dropped")),
    ("probe refused by AF_XDP: tx_invalid_descs", g("S.xsk.tx_invalid_descs")),
    ("probe still in the TX ring at the end", g("S.tx_inflight")),
    ("reflector: not in its population (passed)", g("R.passed")),
    ("reflector: ignored (its /16's network and broadcast addresses)", g("R.ignored")),
    ("reflector: malformed", g("R.malformed")),
    ("reflector: could not build the answer (errors)", g("R.errors")),
    ("answer dropped by the veth (A's ring full): Eb xdp_tx_errors", g("Eb.rx_xdp_tx_errors")),
    ("answer passed by steer (not ours)", steer_other),
    ("answer dropped by AF_XDP (no fill frame / RX ring full)", xsk_drops),
]
lost = sum(v for _, v in losses)

checks = [
    # (what, left, right, why it must hold)
    ("sender: sent == B's XDP frames + veth tx drops + AF_XDP invalid + in flight",
     g("S.sent"), g("Eb.rx_xdp_packets") + g("La.tx_dropped") + g("S.xsk.tx_invalid_descs")
     + g("S.tx_inflight")),
    ("reflector: its verdicts == frames B's XDP ran on", r_seen, g("Eb.rx_xdp_packets")),
    ("reflector: answers of other kinds (ARP, ND, echo, UDP) == 0", r_answers
     - g("R.synack") - g("R.rst"), 0),
    # veth's xdp_tx counts the answers it got into A's ring, xdp_tx_errors those it could not
    ("reflector: answers (synack + rst) == B's XDP_TX + XDP_TX errors", r_answers,
     g("Eb.rx_xdp_tx") + g("Eb.rx_xdp_tx_errors")),
    ("B's XDP_TX == A's XDP frames", g("Eb.rx_xdp_tx"), g("Ea.rx_xdp_packets")),
    ("steer: its verdicts == frames A's XDP ran on", steer_seen, g("Ea.rx_xdp_packets")),
    ("steer: cookie == redirected + AF_XDP rx_dropped + rx_ring_full", g("S.steer.cookie"),
     g("Ea.rx_xdp_redirect") + xsk_drops),
    # veth counts a redirect the socket refused as an XDP drop (skb path: a drop); steer's
    # XDP_DROP verdict (bad IPv4 header checksum) is the only other way to one
    ("A's veth drops == AF_XDP refusals + steer drop-ipcsum", g("Ea.rx_xdp_drops")
     + g("Ea.rx_drops"), xsk_drops + g("S.steer.drop-ipcsum")),
    ("receiver: frames taken == A's XDP redirects", g("S.rx_frames"), g("Ea.rx_xdp_redirect")),
    ("receiver: frames == replies + invalid", g("S.rx_frames"), g("S.replies") + g("S.invalid")),
    ("receiver: replies == hits + failures + repeats", g("S.replies"),
     g("S.hits") + g("S.failures") + g("S.repeats")),
    ("A's rx_dropped == B's XDP_TX errors + A's ring drops", g("La.rx_dropped"),
     g("Eb.rx_xdp_tx_errors") + g("Ea.rx_drops")),
    ("scanner: drops_device == La tx_dropped + rx_dropped", g("S.drops_device"),
     g("La.tx_dropped") + g("La.rx_dropped")),
    ("scanner: drops == drops_device + AF_XDP drops + steer no-socket", g("S.drops"),
     g("S.drops_device") + xsk_drops + g("S.steer.no-socket")),
    ("closing: sent == replies + invalid + every loss by reason", g("S.sent"),
     g("S.replies") + g("S.invalid") + lost),
    ("targets: probed == answered + unanswered, unanswered == losses + invalid + repeats - resent",
     g("S.targets_probed") - g("S.hits") - g("S.failures"),
     lost + g("S.invalid") + g("S.repeats") - (g("S.sent") - g("S.targets_probed"))),
]

print("  counters (after - before; S: scanner metadata, R: reflector BPF, E: ethtool -S, L: ip -s link)")
keys = sorted(k for k in d if not k.endswith("bytes") and not k.startswith(("Ea.peer", "Eb.peer")))
nonzero = [k for k in keys if d[k]]
for i in range(0, len(nonzero), 2):
    print("    " + "   ".join("%-32s %14d" % (k, d[k]) for k in nonzero[i:i + 2]))
print("    zero: " + " ".join(k for k in keys if not d[k]))
print("  unanswered probes by reason:")
for what, v in losses:
    print("    %-66s %12d" % (what, v))
print("    %-66s %12d" % ("invalid frames (not answers to this run)", g("S.invalid")))
fails = 0
for what, l, r in checks:
    if l == r:
        print("ok: %s: %d == %d" % (what, l, r))
    else:
        fails += 1
        print("FAIL: %s: %d != %d (unexplained difference %+d)" % (what, l, r, l - r))
# a soak that did not soak proves nothing: the run must have been long and answered
ran = m["send_s"] >= 0.9 * soak or m["complete"]
dropped = g("La.tx_dropped") + g("Eb.rx_xdp_tx_errors") + xsk_drops + g("S.xsk.tx_invalid_descs")
summary = "%d probes in %.1f s (%.0f/s), %d answered, %d unanswered, %d dropped (%d probes by \
the veth, %d answers by the veth, %d by AF_XDP)" % (
    g("S.sent"), m["send_s"], m["send_pps"], g("S.hits") + g("S.failures"),
    g("S.targets_probed") - g("S.hits") - g("S.failures"), dropped, g("La.tx_dropped"),
    g("Eb.rx_xdp_tx_errors"), xsk_drops)
if ran and g("S.sent") > 0 and g("S.hits") + g("S.failures") > 0 and (dropped or not need_drops):
    print("ok: soaked: " + summary)
elif ran and not fails and need_drops:
    # everything added up, but this run happened not to overflow a ring: exit 3 so that the
    # caller may try once more before calling it a failure
    print("FAIL: soaked with drops: " + summary)
    sys.exit(3)
else:
    fails += 1
    print("FAIL: soaked%s: %s" % (" with drops" if need_drops else "", summary))
sys.exit(1 if fails else 0)
