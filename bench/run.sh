#!/usr/bin/env bash
# wirecraft against Scapy, on this machine, one core each, nothing on the network:
#  1. building Ether/IP/TCP SYNs of one set (198.18.0.0/16 x 4 ports) — wirecraft's template
#     fast path into a UMEM-like ring of frames, and its full builds, against Scapy's bytes(p);
#  2. dissecting the same frames — wc_dissect against Scapy's Ether(raw).
# Before timing, the first DUMP packets of both are compared byte for byte. Prints a table
# (the one bench/README.md keeps). Environment: B (build dir), RUNS, SCAPY_N.
set -euo pipefail
cd "$(dirname "$0")/.."

B=${B:-build}
RUNS=${RUNS:-5}
SCAPY_N=${SCAPY_N:-20000}
DUMP=${DUMP:-1000}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for bin in "$B/bench/build_bench" "$B/bench/dissect_bench"; do
	[ -x "$bin" ] || { echo "run.sh: $bin missing: make bench-build" >&2; exit 1; }
done
"$PY" -c 'import scapy' 2>/dev/null || { echo "run.sh: python3-scapy missing: make deps" >&2; exit 1; }

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

echo "== same bytes as Scapy (first $DUMP packets)"
"$B/bench/build_bench" -d "$DUMP" > "$tmp/wc.hex"
"$PY" bench/scapy_build.py -d "$DUMP" > "$tmp/scapy.hex"
if ! cmp -s "$tmp/wc.hex" "$tmp/scapy.hex"; then
	echo "run.sh: wirecraft and Scapy build different bytes:" >&2
	diff "$tmp/wc.hex" "$tmp/scapy.hex" | head -5 >&2
	exit 1
fi
echo "identical: $(wc -l < "$tmp/wc.hex") packets"

echo "== build: wirecraft (every packet of the set checked against a full build first)"
"$B/bench/build_bench" -r "$RUNS" | tee "$tmp/build"
echo "== build: Scapy ($SCAPY_N packets x $RUNS runs)"
"$PY" bench/scapy_build.py -n "$SCAPY_N" -r "$RUNS" | tee "$tmp/scapy_build"
echo "== dissect: wirecraft"
"$B/bench/dissect_bench" -r "$RUNS" | tee "$tmp/dissect"
echo "== dissect: Scapy ($SCAPY_N packets x $RUNS runs)"
"$PY" bench/scapy_dissect.py -n "$SCAPY_N" -r "$RUNS" | tee "$tmp/scapy_dissect"

tmpl=$(val tmpl_pps "$tmp/build")
iter=$(val iter_pps "$tmp/build")
sb=$(val scapy_build_pps "$tmp/scapy_build")
dis=$(val dissect_pps "$tmp/dissect")
sd=$(val scapy_dissect_pps "$tmp/scapy_dissect")
fast=$(val fast_path "$tmp/build")
len=$(val frame_len "$tmp/build")

tmplw=$(val tmpl_pps_wall "$tmp/build")
iterw=$(val iter_pps_wall "$tmp/build")
disw=$(val dissect_pps_wall "$tmp/dissect")

fmt() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2f Mpps", v / 1e6; else printf "%.1f kpps", v / 1e3 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", a / b }'; }
row() { printf "| %-44s | %-10s | %-10s | %-7s | %-10s |\n" "$1" "$(fmt "$2")" "$(fmt "$3")" "$(ratio "$2" "$3")" "$(fmt "$4")"; }

echo
echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Set: Ether/IP/TCP SYNs, dst 198.18.0.0/16 x 4 dports; $len-byte frames (64 bytes on the wire"
echo "with padding and FCS); template fast path: $fast. One thread each; median of $RUNS runs;"
echo "pps = packets per CPU second of the thread (wall clock: last column, wirecraft)."
echo
printf "| %-44s | %-10s | %-10s | %-7s | %-10s |\n" benchmark wirecraft Scapy ratio "wall"
echo "|----------------------------------------------|------------|------------|---------|------------|"
row "build: template fast path, 4096x2048 ring" "$tmpl" "$sb" "$tmplw"
row "build: full build per packet (wc_iter_next)" "$iter" "$sb" "$iterw"
row "dissect: wc_dissect vs Ether(raw)" "$dis" "$sd" "$disw"
