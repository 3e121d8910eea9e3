#!/usr/bin/env bash
# The Python module against Scapy, from Python, in the same run (bench/README.md, section
# "Python"). `make bench-python` builds what this needs and runs it.
#  1. building: 1M SYNs of one set (Ether/IP(dst=198.18.0.0/16)/TCP(dport=[22,80,443,8080]):
#     262,144 packets, walked again for the rest) as bytes objects, `for b in s.raw(...)`,
#     against Scapy's bytes(p) over SCAPY_N packets of the same set (bench/scapy_build.py);
#     the first DUMP packets of both compared byte for byte first;
#  2. dissecting: 1M wc.dissect(raw)["TCP"].dport against SCAPY_N of Scapy's
#     Ether(raw)[TCP].dport (bench/scapy_dissect.py), over the same 4096 frames;
#  3. sr (root): wc.sr() of SR_COUNT TCP SYNs (198.19.64.0/21 x ports 1-49: 100,352) against
#     the XDP reflector on a private veth pair, against Scapy's sr() of SCAPY_SR_N such probes
#     (bench/sr/scapy_sr.py), both run inside the sending namespace.
# Scapy does fewer packets: its rates do not depend on the count (a per-packet cost, measured
# over thousands), so per-second rates are compared. Build and dissect rates are per CPU
# second of each process (other work on a shared machine counts against neither); sr's are
# per second of wall time: wirecraft's from calling wc.sr() to its return with every pair a
# Python object (set-up of the XDP program and sockets included), Scapy's over its whole sr()
# call (it returns once every probe is answered). Medians of RUNS runs, alternating.
#
# Environment: B (build dir, default build), RUNS (5), SCAPY_N (20000), SR_RUNS (3),
# SCAPY_SR_N (2048), NAME (the netns pair), README (the file whose section gets the table;
# README=- leaves it alone).
#
# Network safety: two namespaces made here and removed on any exit; probes only to
# 198.19.0.0/16 through the veth; every count bounded, every command under a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-5}
SCAPY_N=${SCAPY_N:-20000}
SR_RUNS=${SR_RUNS:-3}
SCAPY_SR_N=${SCAPY_SR_N:-2048}
DUMP=${DUMP:-1000}
README=${README:-bench/README.md}
NAME=${NAME:-wcbpy$$}
NAME=${NAME:0:12}
PY=/usr/bin/python3
WC=$B/wirecraft
export PYTHONPATH=$B/python
NS="$ROOT/scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0

die() { echo "bench/python: $*" >&2; exit 1; }
[ -f "$B/python/wirecraft/_wirecraft.abi3.so" ] || die "the module is missing: make python"
"$PY" -c 'import scapy' 2>/dev/null || die "python3-scapy missing: make deps"

tmp=$(mktemp -d /tmp/wc-bench-py.XXXXXX)
RPID="" UP=""
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	wait 2>/dev/null
	[ -n "$UP" ] && $NS down
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

echo "== same bytes as Scapy (first $DUMP packets)"
"$PY" bench/python/py_bench.py build -d "$DUMP" >"$tmp/py.hex"
"$PY" bench/scapy_build.py -d "$DUMP" >"$tmp/scapy.hex"
cmp -s "$tmp/py.hex" "$tmp/scapy.hex" || die "the module and Scapy build different bytes"
echo "identical: $(wc -l <"$tmp/py.hex") packets"

: >"$tmp/offline"
for i in $(seq "$RUNS"); do
	echo "== run $i/$RUNS"
	"$PY" bench/python/py_bench.py build -r 1 | tee -a "$tmp/offline"
	"$PY" bench/scapy_build.py -n "$SCAPY_N" -r 1 | tee -a "$tmp/offline"
	"$PY" bench/python/py_bench.py dissect -r 1 | tee -a "$tmp/offline"
	"$PY" bench/scapy_dissect.py -n "$SCAPY_N" -r 1 | tee -a "$tmp/offline"
done

: >"$tmp/wc_sr.jsonl"
: >"$tmp/scapy_sr.jsonl"
: >"$tmp/cli_sr.jsonl"
if [ "$(id -u)" -eq 0 ]; then
	[ -f "$B/bpf/reflect.bpf.o" ] || die "$B/bpf/reflect.bpf.o missing: make"
	$NS up >/dev/null
	UP=1
	ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2
	$NS exec b timeout 3600 "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --open tcp:22,80,443 \
		--interval 0 >"$tmp/reflect.out" 2>"$tmp/reflect.err" &
	RPID=$!
	for _ in $(seq 50); do grep -q '^reflect: attached' "$tmp/reflect.err" && break; sleep 0.1; done
	grep -q '^reflect: attached' "$tmp/reflect.err" || die "reflector: $(cat "$tmp/reflect.err")"
	EXPR='IP(dst="198.19.64.0/21")/TCP(dport=(1,49), flags="S")'
	for i in $(seq "$SR_RUNS"); do
		echo "== sr run $i/$SR_RUNS: wc.sr(), 100352 probes"
		$NS exec a env PYTHONPATH="$PYTHONPATH" timeout 300 "$PY" bench/python/py_bench.py sr \
			"$IFA" "$EXPR" | tee -a "$tmp/wc_sr.jsonl"
		echo "== sr run $i/$SR_RUNS: wirecraft sr (the CLI, the same probes)"
		$NS exec a timeout 300 "$WC" sr -i "$IFA" -q -v --timeout 2 "$EXPR" 2>"$tmp/cli.err" >/dev/null ||
			die "wirecraft sr: $(tail -2 "$tmp/cli.err")"
		"$PY" - "$tmp/cli.err" <<'PYEOF' | tee -a "$tmp/cli_sr.jsonl"
import json, re, sys
t = open(sys.argv[1]).read()
v = re.search(r"last pair at ([\d.]+) s, ([\d.]+) s in all", t)
a = re.search(r"got (\d+) answers", t)
print(json.dumps({"answers": int(a[1]), "pair_s": float(v[1]), "wall_s": float(v[2])}))
PYEOF
		echo "== sr run $i/$SR_RUNS: Scapy sr(), $SCAPY_SR_N probes"
		$NS xdp-pass a "$B/bpf/reflect.bpf.o"
		$NS exec a timeout 300 "$PY" bench/sr/scapy_sr.py "$IFA" "$SCAPY_SR_N" |
			tee -a "$tmp/scapy_sr.jsonl"
		$NS xdp-off a
	done
else
	echo "== sr: skipped (needs root)"
fi

"$PY" - "$tmp/offline" "$tmp/wc_sr.jsonl" "$tmp/scapy_sr.jsonl" "$SCAPY_N" "$SCAPY_SR_N" "$tmp/cli_sr.jsonl" \
	>"$tmp/table.md" <<'PYEOF'
import json, os, statistics, sys
off, wsr, ssr, scapy_n, scapy_sr_n, csr = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
vals = {}
for line in open(off):
    k, v = line.split()
    vals.setdefault(k, []).append(float(v))
med = lambda k: statistics.median(vals[k])
def rate(v):
    return "%.2f M/s" % (v / 1e6) if v >= 1e6 else "%.1f k/s" % (v / 1e3) if v >= 1e3 else "%.0f /s" % v
la = open("/proc/loadavg").read().split()[:3]
runs = len(vals["py_build_pps"])
print("Machine: %d CPUs, kernel %s, load average %s at the end; medians of %d runs (sr: %d)."
      % (os.cpu_count(), os.uname().release, " ".join(la), runs,
         sum(1 for _ in open(wsr))))
print()
print("| from Python | wirecraft module | Scapy | ratio |")
print("|---|---|---|---|")
b, sb = med("py_build_pps"), med("scapy_build_pps")
print("| build SYNs of a set, bytes objects (1M; Scapy %d), per CPU second | %s | %s | %.0fx |" % (scapy_n, rate(b), rate(sb), b / sb))
bp = med("py_build_packets_pps")
print("| the same as Packet objects (iterating the set; not dissected) | %s | %s | %.0fx |" % (rate(bp), rate(sb), bp / sb))
d, sd = med("py_dissect_pps"), med("scapy_dissect_pps")
print("| dissect Ether/IP/TCP and read TCP.dport (1M; Scapy %d), per CPU second | %s | %s | %.0fx |" % (scapy_n, rate(d), rate(sd), d / sd))
w = [json.loads(l) for l in open(wsr)]
s = [json.loads(l) for l in open(ssr)]
if w and s:
    wp = statistics.median(r["answers"] / r["wall_s"] for r in w)
    wpp = statistics.median(r["answers"] / r["pair_s"] for r in w)
    sp = statistics.median(r["answers"] / r["wall_s"] for r in s)
    print("| sr() of TCP SYNs against the reflector: pairs per second of the whole call (%d probes; Scapy %d) | %s | %s | %.0fx |"
          % (w[0]["probes"], scapy_sr_n, rate(wp), rate(sp), wp / sp))
    print("| the same, first probe to last pair (the library's own window) | %s | %s | %.0fx |" % (rate(wpp), rate(sp), wpp / sp))
    c = [json.loads(l) for l in open(csr)]
    if c:
        cp = statistics.median(r["answers"] / r["wall_s"] for r in c)
        cpp = statistics.median(r["answers"] / r["pair_s"] for r in c)
        print("| for reference, the CLI `wirecraft sr -q` on the same probes, whole run / first probe to last pair | %s / %s | %s | %.0fx / %.0fx |"
              % (rate(cp), rate(cpp), rate(sp), cp / sp, cpp / sp))
    print("| answers missing (worst run) | %d | %d | |" % (max(r["probes"] - r["answers"] for r in w),
                                                          max(r["probes"] - r["answers"] for r in s)))
PYEOF
echo
cat "$tmp/table.md"
if [ "$README" != - ]; then
	"$PY" - "$README" "$tmp/table.md" <<'PYEOF'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- bench-python:begin -->", "<!-- bench-python:end -->"
s = open(path).read()
block = begin + "\n" + table.rstrip("\n") + "\n" + end
if begin in s and end in s:
    s = s[:s.index(begin)] + block + s[s.index(end) + len(end):]
else:
    s = s.rstrip("\n") + "\n\n## Python: the module against Scapy, from Python\n\n" + \
        "bench/python/run.sh (`make bench-python`): the method is in its header.\n\n" + block + "\n"
open(path, "w").write(s)
PYEOF
	echo "(table written to $README)"
fi
