#!/usr/bin/env bash
# Round-trip benchmark: `wirecraft sr` of COUNT TCP SYNs against the XDP reflector on a private
# veth pair, and Scapy's sr() of SCAPY_N of the same probes in the same run. See bench/README.md,
# section "sr"; `make bench-sr` (root) builds what this needs and runs it.
#
# The reflector (`wirecraft reflect`) runs in namespace B and plays 198.19.0.0/16 (open ports
# 22, 80, 443: SYN-ACK; the rest: RST-ACK); A routes that prefix through B's own address. The
# probes go to 198.19.64.0/18 x ports 1-64 (the first COUNT of them), so every probe has an
# answer and "answers == probes" means nothing was lost anywhere: not on the wire, not between
# the steering program and the AF_XDP socket, not between the socket and the matcher.
#
# For each tool, RUNS times, alternating (whatever else the machine does falls on both alike):
#  - probes/s: probes / (first probe -> last probe);
#  - pairs/s:  answers / (first probe -> the last pair made). For wirecraft from `sr -v` (the
#    moment the matcher paired the last answer); for Scapy the end of its sr() call (it
#    returns as soon as every probe is answered);
#  - for wirecraft also the receiving thread's CPU time per pair and the kernel's drop count.
# The table has the medians. Scapy needs an XDP program on A to receive the reflector's XDP_TX
# frames (a veth quirk); wirecraft brings its own (the steering program), so A gets the
# trivial wc_pass only for Scapy's runs.
#
# Environment: B (build dir, default build), RUNS (3), COUNT (1048576), SCAPY_N (2048), README
# (the file whose section gets the table, default bench/README.md; README=- leaves it alone),
# NAME (the netns pair's name).
#
# Network safety: two namespaces created here and removed on any exit; probes only to
# 198.19.0.0/16 through the veth; every count is bounded and every command has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
COUNT=${COUNT:-1048576}
SCAPY_N=${SCAPY_N:-2048}
README=${README:-bench/README.md}
NAME=${NAME:-wcbsr$$}
NAME=${NAME:0:12}
PY=/usr/bin/python3
WC=$B/wirecraft
NS="$ROOT/scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0

die() { echo "bench/sr: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, XDP, AF_XDP)"
[ -x "$WC" ] || die "$WC missing: make"
[ -f "$B/bpf/reflect.bpf.o" ] || die "$B/bpf/reflect.bpf.o missing: make"
"$PY" -c 'import scapy' 2>/dev/null || die "python3-scapy missing: make deps"
[ $((COUNT % 64)) -eq 0 ] && [ "$COUNT" -le 1048576 ] || die "COUNT: a multiple of 64, at most 1048576"
[ $((SCAPY_N % 64)) -eq 0 ] && [ "$SCAPY_N" -le "$COUNT" ] || die "SCAPY_N: a multiple of 64, at most COUNT"

tmp=$(mktemp -d /tmp/wc-bench-sr.XXXXXX)
RPID=""
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	wait 2>/dev/null
	$NS down
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

$NS up >/dev/null
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2
$NS exec b timeout 3600 "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --open tcp:22,80,443 \
	--interval 0 >"$tmp/reflect.out" 2>"$tmp/reflect.err" &
RPID=$!
for _ in $(seq 50); do grep -q '^reflect: attached' "$tmp/reflect.err" && break; sleep 0.1; done
grep -q '^reflect: attached' "$tmp/reflect.err" || die "reflector: $(cat "$tmp/reflect.err")"

hosts=$((COUNT / 64))
prefix=$((32 - $(awk -v n="$hosts" 'BEGIN { b = 0; while (2 ^ b < n) b++; print b }')))
[ $((1 << (32 - prefix))) -eq "$hosts" ] || die "COUNT/64 must be a power of two"
EXPR="IP(dst=\"198.19.64.0/$prefix\")/TCP(dport=(1,64), flags=\"S\")"

run_wc() { # one run: a JSON line
	$NS exec a timeout 300 "$WC" sr -i "$IFA" -q -v --timeout 2 "$EXPR" 2>"$tmp/wc.err" >/dev/null ||
		die "wirecraft sr: $(tail -2 "$tmp/wc.err")"
	"$PY" - "$tmp/wc.err" <<'EOF'
import json, re, sys
t = open(sys.argv[1]).read()
v = re.search(r"(\d+) probes, (\d+) sent in ([\d.]+) s, .*? (\d+) dropped by the kernel.*?"
              r"last pair at ([\d.]+) s, ([\d.]+) s in all, receiver ([\d.]+) s CPU", t)
a = re.search(r"got (\d+) answers", t)
c = re.search(r"steer: cookie=(\d+)", t)
print(json.dumps({"probes": int(v[1]), "send_s": float(v[3]), "drops": int(v[4]),
                  "pair_s": float(v[5]), "wall_s": float(v[6]), "rx_cpu_s": float(v[7]),
                  "answers": int(a[1]), "steered": int(c[1])}))
EOF
}

run_scapy() {
	$NS xdp-pass a "$B/bpf/reflect.bpf.o"
	$NS exec a timeout 300 "$PY" bench/sr/scapy_sr.py "$IFA" "$SCAPY_N" || die "scapy sr"
	$NS xdp-off a
}

: >"$tmp/wc.jsonl"
: >"$tmp/scapy.jsonl"
for i in $(seq "$RUNS"); do
	echo "== run $i/$RUNS: wirecraft sr, $COUNT probes"
	run_wc | tee -a "$tmp/wc.jsonl"
	echo "== run $i/$RUNS: Scapy sr(), $SCAPY_N probes"
	run_scapy | tee -a "$tmp/scapy.jsonl"
done

"$PY" - "$tmp/wc.jsonl" "$tmp/scapy.jsonl" "$COUNT" "$SCAPY_N" >"$tmp/table.md" <<'EOF'
import json, statistics, sys, os
wc = [json.loads(l) for l in open(sys.argv[1])]
sc = [json.loads(l) for l in open(sys.argv[2])]
count, scapy_n = int(sys.argv[3]), int(sys.argv[4])
med = lambda xs: statistics.median(xs)
def rate(v):
    return "%.2f M/s" % (v / 1e6) if v >= 1e6 else "%.1f k/s" % (v / 1e3) if v >= 1e3 else "%.0f /s" % v
wc_probes = med([r["probes"] / r["send_s"] for r in wc])
wc_pairs = med([r["answers"] / r["pair_s"] for r in wc])
sc_probes = med([r["probes"] / r["send_s"] for r in sc])
sc_pairs = med([r["answers"] / r["wall_s"] for r in sc])
wc_path = max(r["probes"] - r["steered"] for r in wc)
wc_lost = max(r["steered"] - r["answers"] for r in wc)
sc_lost = max(r["probes"] - r["answers"] for r in sc)
cpu = med([r["rx_cpu_s"] / max(r["answers"], 1) * 1e6 for r in wc])
la = open("/proc/loadavg").read().split()[:3]
print("Machine: %d CPUs, kernel %s, load average %s during the run; %d runs each, medians." % (
    os.cpu_count(), os.uname().release, " ".join(la), len(wc)))
print()
print("| sr of TCP SYNs against the reflector | wirecraft `sr` | Scapy `sr()` | ratio |")
print("|---|---|---|---|")
print("| probes | %d | %d | |" % (count, scapy_n))
print("| probes sent per second | %s | %s | %.0fx |" % (rate(wc_probes), rate(sc_probes), wc_probes / sc_probes))
print("| pairs per second (first probe to last pair) | %s | %s | %.0fx |" % (rate(wc_pairs), rate(sc_pairs), wc_pairs / sc_pairs))
print("| answers missing (worst run) | %d | %d | |" % (wc_path + wc_lost, sc_lost))
print("| of which lost on the veth path, never steered (worst run) | %d | | |" % wc_path)
print("| of which lost between steering and pairing (worst run) | %d | | |" % wc_lost)
print("| kernel drops at the AF_XDP rings (worst run) | %d | | |" % max(r["drops"] for r in wc))
print("| receiving thread CPU per pair | %.2f us | | |" % cpu)
EOF
echo
cat "$tmp/table.md"

if [ "$README" != - ]; then
	"$PY" - "$README" "$tmp/table.md" <<'EOF'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- bench-sr:begin -->", "<!-- bench-sr:end -->"
s = open(path).read()
block = begin + "\n" + table.rstrip("\n") + "\n" + end
if begin in s and end in s:
    s = s[:s.index(begin)] + block + s[s.index(end) + len(end):]
else:
    s = s.rstrip("\n") + "\n\n## sr: round trips against the reflector\n\n" + block + "\n"
open(path, "w").write(s)
EOF
	echo "(table written to $README)"
fi
