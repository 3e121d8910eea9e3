#!/usr/bin/env bash
# Sending benchmark: delivered packets per second on a private veth pair, wirecraft (each engine)
# against the peer tools from the distribution, one sending core each. See bench/README.md,
# section "Sending"; `make bench-send` (root) builds what this needs and runs it.
#
# For every sender, RUNS times, round-robin (so that whatever else the machine is doing falls on
# all of them alike): bench/send/counter attaches bpf/count.bpf.c (count, drop) to the receiving
# end of the veth, runs the sender in the sending namespace pinned to CPU, and reports the probes
# delivered, the window from the first to the last arrival, and the sender's CPU time. The table
# has the medians; each sender's ratio is to wirecraft's best engine in the same invocation.
#
# Environment: B (build dir, default build), RUNS (5), COUNT (probes per run, 1048576),
# LIVE_COUNT (4194304), SCAPY_N (20000), CPU (1), SENDERS (a subset of: wc-xsk wc-packet wc-live
# masscan zmap trafgen hping3 nping scapy), README (the file whose section gets the table,
# default bench/README.md; README=- to leave it alone), NAME (the netns pair's name).
#
# Network safety: everything happens inside two namespaces created here (and removed on exit,
# whatever the exit); the probes go to 198.19.0.0/16 (within 198.18.0.0/15) through the veth,
# every count is bounded and every run has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin

B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-5}
COUNT=${COUNT:-1048576}
LIVE_COUNT=${LIVE_COUNT:-4194304}
SCAPY_N=${SCAPY_N:-20000}
CPU=${CPU:-1}
SENDERS=${SENDERS:-wc-xsk wc-packet wc-live masscan zmap trafgen hping3 nping scapy}
README=${README:-bench/README.md}
NAME=${NAME:-wcsb$$}
NAME=${NAME:0:12}
PY=/usr/bin/python3
WC=$B/wirecraft
COUNTER=$B/bench/send/counter
NS_A=/run/netns/$NAME-a NS_B=/run/netns/$NAME-b IF_A=$NAME-a0 IF_B=$NAME-b0
MAC_A=0a:00:00:00:00:01 MAC_B=0a:00:00:00:00:02 IP_A=198.18.0.1 IP_B=198.18.0.2
TARGET=198.19.0.0/16 # 65536 hosts; COUNT is a multiple of it (x ports or probes per host)

die() { echo "bench/send: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, XDP, raw sockets)"
for f in "$WC" "$COUNTER"; do [ -x "$f" ] || die "$f missing: make bench-send-build"; done
[ $((COUNT % 65536)) -eq 0 ] && [ "$COUNT" -gt 0 ] || die "COUNT must be a multiple of 65536"
[ "$CPU" -lt "$(nproc)" ] || die "CPU $CPU: this machine has $(nproc)"

# ---- peers, from the distribution ---------------------------------------------------------
declare -A PKG=([masscan]=masscan [zmap]=zmap [trafgen]=netsniff-ng [hping3]=hping3 [nping]=nmap)
missing=()
for t in "${!PKG[@]}"; do command -v "$t" >/dev/null || missing+=("${PKG[$t]}"); done
"$PY" -c 'import scapy' 2>/dev/null || missing+=(python3-scapy)
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; } ||
		echo "bench/send: could not install ${missing[*]}: those senders are skipped" >&2
fi

tmp=$(mktemp -d)
cleanup() {
	"$ROOT/scripts/netns.sh" -n "$NAME" down || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the network: NAME-a (senders) <-> NAME-b (counter) ----------------------------------
"$ROOT/scripts/netns.sh" -n "$NAME" up
# The targets are reached through 198.18.0.2, whose MAC is fixed: senders that go through the
# kernel's routing (hping3) send no ARP, and nothing in the target range is on-link.
ip -n "$NAME-a" route add "$TARGET" via "$IP_B" dev "$IF_A"
ip -n "$NAME-a" neigh replace "$IP_B" lladdr "$MAC_B" nud permanent dev "$IF_A"

: > "$tmp/empty.blocklist" # zmap's default blocklist excludes 198.18.0.0/15
# trafgen: 54-byte SYNs 198.18.0.1 -> 198.19.<random>.<counter>:80 with both checksums computed
# per packet, all on CPU (a worker per CPU up to it; the others get no packet and end at once).
cat > "$tmp/syn.trafgen" <<EOF
cpu($CPU): {
  0x0a, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x01, c16(0x0800),
  0x45, 0x00, c16(40), c16(1), c16(0), 64, 6, csumip(14, 33),
  198, 18, 0, 1, 198, 19, drnd(1), dinc(0, 255),
  c16(20), c16(80), c32(0), c32(0), 0x50, 0x02, c16(8192), csumtcp(14, 34), c16(0),
}
EOF

PORTS=$((COUNT / 65536)) # per target host: masscan ports, zmap probes, nping rounds
WC_EXPR="IP(dst=\"$TARGET\")/TCP(dport=[22,80,443,8080],flags=\"S\")"

have_live() { grep -qw live <<<"$("$WC" send --help 2>&1)"; }

run_one() { # LABEL TIMEOUT [counter options] -- CMD...
	local label=$1 tmo=$2
	shift 2
	(cd "$tmp" && "$COUNTER" -i "$IF_B" -n "$NS_B" -s "$NS_A" -C "$CPU" -t "$tmo" \
		-l "$label" -j "$tmp/results.jsonl" "$@" >> "$tmp/$label.log" 2>&1) ||
		echo "bench/send: $label: counter failed (see its log below)" >&2
}

run_sender() { # NAME
	case $1 in
	wc-xsk | wc-packet | wc-live)
		local eng=${1#wc-} n=$COUNT
		[ "$eng" = live ] && n=$LIVE_COUNT
		run_one "$1" 60 -- "$WC" send -i "$IF_A" --engine "$eng" -c "$n" --loop \
			--rate max "$WC_EXPR" ;;
	masscan) # 1.3.2 does not exit when nothing answers: stopped once all have arrived (or
		# none for 2 s, if some were lost)
		run_one masscan 60 -e "$COUNT" -I 2000 -- masscan "$TARGET" -p "1-$PORTS" \
			--rate 100000000 --wait 0 --adapter "$IF_A" --adapter-mac "$MAC_A" \
			--router-mac "$MAC_B" --adapter-ip "$IP_A" ;;
	zmap)
		run_one zmap 60 -- zmap -i "$IF_A" -p 80 -G "$MAC_B" -S "$IP_A" \
			-b "$tmp/empty.blocklist" --max-sendto-failures=-1 -c 0 -T 1 --cores="$CPU" \
			-P "$PORTS" -r 0 -o /dev/null -q "$TARGET" ;;
	trafgen)
		run_one trafgen 60 -- trafgen -o "$IF_A" -i "$tmp/syn.trafgen" -n "$COUNT" \
			-P $((CPU + 1)) --no-sock-mem --notouch-irq ;;
	hping3) # --flood ignores -c: stopped once COUNT have arrived (or none for 2 s)
		run_one hping3 60 -e "$COUNT" -I 2000 -- hping3 -I "$IF_A" -S -p 80 --flood \
			--rand-dest 198.19.x.x ;;
	nping)
		run_one nping 60 -- nping --tcp -p 80 --flags syn -e "$IF_A" --send-eth \
			--dest-mac "$MAC_B" -S "$IP_A" --rate 100000000 -c "$PORTS" -N -H --quiet \
			"$TARGET" ;;
	scapy)
		run_one scapy 120 -- "$PY" "$ROOT/bench/send/scapy_send.py" -i "$IF_A" \
			-n "$SCAPY_N" --src "$MAC_A" --dst "$MAC_B" --ip-src "$IP_A" --net "$TARGET" ;;
	esac
}

# ---- which senders ----------------------------------------------------------------------
declare -A BIN=([masscan]=masscan [zmap]=zmap [trafgen]=trafgen [hping3]=hping3 [nping]=nping)
todo=() notes=()
for s in $SENDERS; do
	case $s in
	wc-xsk | wc-packet) todo+=("$s") ;;
	wc-live)
		# a kernel that refuses live frames to root: --engine live would fall back to AF_XDP
		# and be measured under the wrong name
		if ! have_live; then
			notes+=("wirecraft --engine live: not in this build ($WC send --help has no 'live'); skipped")
		elif "$PY" tests/net/kernel_refuses.py live-frames; then
			notes+=("wirecraft --engine live: this kernel ($(uname -r)) refuses live frames even to root; skipped")
		else todo+=("$s"); fi ;;
	scapy)
		if "$PY" -c 'import scapy' 2>/dev/null; then todo+=("$s")
		else notes+=("scapy: python3-scapy not installed; skipped"); fi ;;
	masscan | zmap | trafgen | hping3 | nping)
		if command -v "${BIN[$s]}" >/dev/null; then todo+=("$s")
		else notes+=("$s: not installed; skipped"); fi ;;
	*) die "unknown sender '$s'" ;;
	esac
done
notes+=("xdp-trafficgen: skipped; the distribution's 1.3.1 does not start on this kernel (missing tracepoint)")

: > "$tmp/results.jsonl"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date +%s)
echo "== ${#todo[@]} senders x $RUNS runs, pinned to CPU $CPU: ${todo[*]}" >&2
for r in $(seq 1 "$RUNS"); do
	for s in "${todo[@]}"; do
		before=$(wc -l < "$tmp/results.jsonl")
		run_sender "$s"
		last=$(tail -n +$((before + 1)) "$tmp/results.jsonl" | tail -1)
		printf '   run %d %-10s %s\n' "$r" "$s" "${last:-(no result)}" >&2
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cp "$tmp/results.jsonl" "$B/bench/send/last-results.jsonl" # every run, for a second look
# The veth's own drop counters over the whole benchmark (where lost probes went, if any).
drops=$(for e in "a $IF_A tx" "b $IF_B rx"; do set -- $e
	ip -n "$NAME-$1" -s -j link show "$2" |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"][sys.argv[1]]["dropped"])' "$3"
done | paste -sd' ')
elapsed=$(($(date +%s) - t_start))

# How wirecraft's transports called themselves (xsk-copy, xsk-zc, packet, ...).
engines=""
for s in wc-xsk wc-packet wc-live; do
	[ -f "$tmp/$s.log" ] || continue
	e=$(sed -n 's/^wirecraft: sending through \([^,]*\),.*/\1/p' "$tmp/$s.log" | head -1)
	engines+="$s=${e:-?}|"
done

# ---- the table ----------------------------------------------------------------------------
machine="$(nproc) vCPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r), load average $load0 at the start, $load1 at the end"
"$PY" - "$tmp/results.jsonl" "$RUNS" "$CPU" "$COUNT" "$LIVE_COUNT" "$SCAPY_N" "$machine" \
	"$elapsed" "$engines" "$drops" "${notes[@]}" > "$tmp/table.md" <<'EOF'
import json, statistics, sys
path, runs, cpu, count, live_count, scapy_n, machine, elapsed, engines, drops = sys.argv[1:11]
notes = sys.argv[11:]
eng = dict(e.split("=", 1) for e in engines.split("|") if "=" in e)
how = {
    "wc-xsk": ("wirecraft", "--engine xsk: AF_XDP (%s), template fast path" % eng.get("wc-xsk", "?")),
    "wc-packet": ("wirecraft", "--engine packet: AF_PACKET TPACKET_V3 ring, qdisc bypass"),
    "wc-live": ("wirecraft", "--engine live: %s, BPF_PROG_RUN" % eng.get("wc-live", "?")),
    "masscan": ("masscan 1.3.2", "its own raw packet path, --rate 100M, ports 1-N"),
    "zmap": ("zmap 2.1.1", "AF_PACKET, -r 0 (no limit), -P N probes per host"),
    "trafgen": ("trafgen 0.6.8", "AF_PACKET TX ring, drnd/dinc + csumip/csumtcp"),
    "hping3": ("hping3", "--flood --rand-dest, raw IP socket (kernel routing)"),
    "nping": ("nping 0.7.93", "--send-eth, --rate 100M, N rounds over the /16"),
    "scapy": ("Scapy 2.5", "sendp() of a list, one L2 socket"),
}
order = list(how)
res = {}
for line in open(path):
    r = json.loads(line)
    res.setdefault(r["label"], []).append(r)
med = {}
for k, rs in res.items():
    ok = [r for r in rs if r["packets"] > 1 and r["pps"] > 0]
    if not ok:
        continue
    med[k] = dict(
        pps=statistics.median(r["pps"] for r in ok),
        lo=min(r["pps"] for r in ok), hi=max(r["pps"] for r in ok),
        cpu=statistics.median(r["cpu_ns_per_pkt"] for r in ok),
        pkts=statistics.median(r["packets"] for r in ok),
        frame=statistics.median(r["bytes"] / r["packets"] for r in ok),
        n=len(ok), n_all=len(rs))
wc = [k for k in med if k.startswith("wc-")]
best = max(wc, key=lambda k: med[k]["pps"]) if wc else None

def mpps(v):
    return "%.3f" % (v / 1e6) if v < 1e7 else "%.2f" % (v / 1e6)

print("Machine: %s; other work was running on the VM. Sender pinned to CPU %s; median of %s runs"
      % (machine, cpu, runs))
print("each (round-robin over the senders); %s probes per run (wirecraft live %s, Scapy %s);"
      % (count, live_count, scapy_n))
print("whole benchmark %s s." % elapsed)
print()
print("| sender | how it sends | frame | delivered Mpps | min-max | CPU ns/pkt | Mpps per CPU s "
      "| %s / it: delivered | per CPU s |" % ("wirecraft " + best[3:] if best else "wirecraft"))
print("|---|---|---|---|---|---|---|---|---|")
for k in order:
    if k not in med:
        continue
    m = med[k]
    name, desc = how[k]
    if k.startswith("wc-"):
        name = "**wirecraft %s**" % k[3:] if k == best else "wirecraft %s" % k[3:]
    ratio = "%.2fx" % (med[best]["pps"] / m["pps"]) if best else "-"
    cratio = "%.2fx" % (m["cpu"] / med[best]["cpu"]) if best else "-"
    runs_note = "" if m["n"] == m["n_all"] else " (%d of %d runs)" % (m["n"], m["n_all"])
    print("| %s | %s | %d B | %s | %s-%s | %.0f | %s | %s | %s |" % (
        name, desc + runs_note, round(m["frame"]), mpps(m["pps"]), mpps(m["lo"]), mpps(m["hi"]),
        m["cpu"], mpps(1e9 / m["cpu"]), ratio, cratio))
expect = {k: int(count) for k in ("wc-xsk", "wc-packet", "masscan", "zmap", "trafgen", "nping")}
expect.update({"wc-live": int(live_count), "scapy": int(scapy_n)})
for k in order:
    if k in res and k not in med:
        notes.append("%s: no packets delivered in any run; see the log" % k)
    short = [r["packets"] for r in res.get(k, []) if k in expect and r["packets"] < expect[k]]
    if short:
        notes.append("%s: %d of %d runs delivered fewer than sent (%s of %d)"
                     % (k, len(short), len(res[k]), ", ".join(map(str, short)), expect[k]))
if any(n.split(":")[0] in expect and "fewer" in n for n in notes):
    d = (drops.split() + ["?", "?"])[:2]
    notes.append("the veth's drop counters over the whole benchmark: sending end TX dropped %s, "
                 "receiving end RX dropped %s" % (d[0], d[1]))
if notes:
    print()
    for n in notes:
        print("- " + n)
EOF

echo
cat "$tmp/table.md"

# Logs of senders that failed somewhere, for the record.
"$PY" - "$tmp/results.jsonl" <<'EOF' | while read -r l; do [ -n "$l" ] || continue; echo "--- $l.log"; tail -5 "$tmp/$l.log"; done
import json, sys
bad = {r["label"] for r in map(json.loads, open(sys.argv[1])) if r["packets"] < 2}
for l in sorted(bad):
    print(l)
EOF

# ---- bench/README.md: replace what is between the markers (append the markers if missing) --
if [ "$README" != - ]; then
	"$PY" - "$README" "$tmp/table.md" <<'EOF'
import sys
path, table = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- bench-send:begin -->", "<!-- bench-send:end -->"
s = open(path).read()
block = begin + "\n" + table.rstrip("\n") + "\n" + end
if begin in s and end in s:
    s = s[:s.index(begin)] + block + s[s.index(end) + len(end):]
else:
    s = s.rstrip("\n") + "\n\n## Sending: delivered packets per second on a veth pair\n\n" + block + "\n"
open(path, "w").write(s)
EOF
	echo "(table written to $README)"
fi
