#!/usr/bin/env bash
# DNS against Scapy, on this machine, one core each, nothing on the network (bench/dns):
#  1. dissecting DNS responses with compressed names (a CNAME, an A and an AAAA answer, an NS
#     authority and an A additional record, names compressed by Scapy's dns_compress):
#     wc_dissect plus the decoding of every record list (names decompressed) against Scapy's
#     Ether(raw), which decodes them all;
#  2. building a DNS query set with varying names (4 ids x 1024 names): wirecraft's full build
#     per packet (wc_iter_next) and its template path against Scapy's bytes(p).
# Before timing: the first DUMP packets of the set are compared byte for byte, and the
# summaries of the first DUMP responses too. Prints a table of medians and ratios.
# Environment: B (build dir), RUNS (5), SCAPY_N (4000), FRAMES (1024), DUMP (200).
set -euo pipefail
cd "$(dirname "$0")/../.."

B=${B:-build}
RUNS=${RUNS:-5}
SCAPY_N=${SCAPY_N:-4000}
FRAMES=${FRAMES:-1024}
DUMP=${DUMP:-200}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for bin in "$B/bench/build_bench" "$B/bench/dns_dissect" "$B/wirecraft"; do
	[ -x "$bin" ] || { echo "bench/dns: $bin missing: make bench-build" >&2; exit 1; }
done
"$PY" -c 'import scapy' 2>/dev/null || { echo "bench/dns: python3-scapy missing: make deps" >&2; exit 1; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

expr=$("$PY" bench/dns/scapy_dns.py expr)
echo "== same bytes as Scapy (first $DUMP packets of the query set)"
"$B/wirecraft" build "$expr" >"$tmp/all.hex"
head -n "$DUMP" "$tmp/all.hex" >"$tmp/wc.hex"
"$PY" bench/dns/scapy_dns.py dump "$DUMP" >"$tmp/scapy.hex"
cmp -s "$tmp/wc.hex" "$tmp/scapy.hex" || { echo "bench/dns: different bytes" >&2; diff "$tmp/wc.hex" "$tmp/scapy.hex" | head -4 >&2; exit 1; }
echo "identical: $(wc -l <"$tmp/wc.hex") packets"

echo "== $FRAMES compressed responses (Scapy's dns_compress); same summaries (first $DUMP)"
"$PY" bench/dns/scapy_dns.py frames "$FRAMES" >"$tmp/frames.hex"
head -n "$DUMP" "$tmp/frames.hex" | while read -r h; do "$B/wirecraft" dissect --summary "$h"; done >"$tmp/wc.sum"
"$PY" - "$tmp/frames.hex" "$DUMP" >"$tmp/scapy.sum" <<'PYEOF'
import sys, logging
logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import Ether
for i, line in enumerate(open(sys.argv[1])):
    if i == int(sys.argv[2]):
        break
    print(Ether(bytes.fromhex(line.strip())).summary())
PYEOF
cmp -s "$tmp/wc.sum" "$tmp/scapy.sum" || { echo "bench/dns: different summaries" >&2; diff "$tmp/wc.sum" "$tmp/scapy.sum" | head -4 >&2; exit 1; }
echo "identical: $(wc -l <"$tmp/wc.sum") summaries, e.g. $(head -1 "$tmp/wc.sum")"
len=$(head -1 "$tmp/frames.hex" | awk '{ print length($0) / 2 }')

echo "== dissect: wirecraft"
"$B/bench/dns_dissect" -r "$RUNS" "$tmp/frames.hex" | tee "$tmp/dissect"
echo "== dissect: Scapy ($SCAPY_N x $RUNS runs)"
"$PY" bench/dns/scapy_dns.py dissect "$tmp/frames.hex" -n "$SCAPY_N" -r "$RUNS" | tee "$tmp/scapy_dissect"
echo "== build: wirecraft (every packet checked against a full build first)"
"$B/bench/build_bench" -e "$expr" -r "$RUNS" | tee "$tmp/build"
echo "== build: Scapy ($SCAPY_N x $RUNS runs)"
"$PY" bench/dns/scapy_dns.py build -n "$SCAPY_N" -r "$RUNS" | tee "$tmp/scapy_build"

dis=$(val dissect_pps "$tmp/dissect")
sd=$(val scapy_dissect_pps "$tmp/scapy_dissect")
iter=$(val iter_pps "$tmp/build")
tmpl=$(val tmpl_pps "$tmp/build")
fast=$(val fast_path "$tmp/build")
sb=$(val scapy_build_pps "$tmp/scapy_build")
fmt() { awk -v v="$1" 'BEGIN { if (v >= 1e6) printf "%.2f Mpps", v / 1e6; else printf "%.1f kpps", v / 1e3 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0fx", a / b }'; }
row() { printf "| %-52s | %-10s | %-10s | %-6s |\n" "$1" "$(fmt "$2")" "$(fmt "$3")" "$(ratio "$2" "$3")"; }

echo
echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Responses: $len-byte frames, 6 records, compressed names; query set: 4 ids x 1024 names."
echo "One thread each; median of $RUNS runs; pps = packets per CPU second. Template fast path: $fast."
echo
printf "| %-52s | %-10s | %-10s | %-6s |\n" benchmark wirecraft Scapy ratio
echo "|------------------------------------------------------|------------|------------|--------|"
row "dissect DNS responses (+ every record decoded)" "$dis" "$sd"
row "build DNS queries, varying names (wc_iter_next)" "$iter" "$sb"
row "build DNS queries, varying names (template path)" "$tmpl" "$sb"
