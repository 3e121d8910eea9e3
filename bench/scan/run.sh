#!/usr/bin/env bash
# Complete scans on one private veth pair: wirecraft scan against ZMap and masscan (and nmap for
# all ports of one peer), same path, same targets, same truth. `make bench-scan` (root) builds
# what this needs and runs it; the latest table is bench/scan/README.md, the scanner doc/scan.md.
#
#   1. The XDP reflector in namespace B plays 198.19.0.0/16 (routed through B's 198.18.0.2, so
#      that A's kernel, answering the SYN-ACKs the peers let through with RSTs, needs one
#      neighbour entry and not 65536: the neighbour table is shared by every namespace of the
#      host) with ports 22,80,443,8443 open:
#      a /16 x 8 ports (wirecraft, masscan; ZMap 2.x scans one port per run: the 8 runs' times
#      add up) and a /16 x 1 port (all three).
#   2. B's own kernel with a few listening sockets: all 65535 ports of 198.18.0.2 (wirecraft,
#      masscan, nmap -sS -T5 -p-).
# Each tool runs at its top rate (wirecraft --rate max, ZMap -B 10G, masscan --rate 10M) with the
# shortest wait it has after the last probe (wirecraft: its adaptive cooldown; ZMap -c 1;
# masscan --wait 1, its minimum; nmap -T5). Wall time of the whole command, probes per second
# while sending where the tool says, and the found set against the truth: missed, false.
# Configs run round-robin RUNS times (default 3); the table has the medians.
#
# Network safety: two namespaces made here (scripts/netns.sh) and removed on any exit; targets
# 198.19.0.0/16 and 198.18.0.2 only, on the veth; every command has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
OUT=${OUT:-bench/scan/README.md}
NAME=${NAME:-wcbs$$}
NAME=${NAME:0:12}
WC=$B/wirecraft
PY=/usr/bin/python3
IFA=$NAME-a0 IFB=$NAME-b0
OPEN=22,80,443,8443
PORTS8=21,22,23,80,443,3389,8080,8443

die() { echo "bench/scan: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF, XDP)"
[ -x "$WC" ] || die "$WC missing: make"
# peers, from the distribution (as bench/send/run.sh installs them)
missing=()
for t in zmap masscan nmap bc; do command -v $t >/dev/null || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; } ||
		die "could not install ${missing[*]}"
fi

tmp=$(mktemp -d)
RPID="" LPID=""
cleanup() {
	[ -n "$RPID" ] && kill -9 "$RPID" 2>/dev/null
	[ -n "$LPID" ] && kill -9 "$LPID" 2>/dev/null
	wait 2>/dev/null || true
	"$ROOT/scripts/netns.sh" -n "$NAME" down || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Two queues each way: `--threads 2` sends on both (a veth hands a frame to the peer queue of
# the sending CPU); the single-threaded runs and the peers use queue 0 as on a one-queue pair.
"$ROOT/scripts/netns.sh" -n "$NAME" -q 2 up >/dev/null
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2 dev "$IFA"
A() { timeout "$1" nsenter --net="/run/netns/$NAME-a" -- "${@:2}"; }
# peers receive through A's kernel: a veth hands XDP_TX'd frames only to a peer running XDP
pass_on() { ip -n "$NAME-a" link set dev "$IFA" xdpdrv object "$B/bpf/reflect.bpf.o" program wc_pass; }
pass_off() { ip -n "$NAME-a" link set dev "$IFA" xdp off; }

start_reflector() {
	nsenter --net="/run/netns/$NAME-b" -- "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 \
		--open tcp:$OPEN --duration 3000 --interval 0 >/dev/null 2>"$tmp/reflect.err" &
	RPID=$!
	for _ in $(seq 50); do grep -q '^reflect: attached' "$tmp/reflect.err" && return 0; sleep 0.1; done
	die "reflector: $(cat "$tmp/reflect.err")"
}
GW=0a:00:00:00:00:02 # B's: the next hop of 198.19.0.0/16
echo >"$tmp/empty"

# found sets as "addr port" lines, one per line, from each tool's output
found_wc() { tail -n +2 "$1" | cut -d, -f1,2 | tr , ' '; }
found_masscan() { awk '$1 == "open" {print $4, $3}' "$1"; }
found_zmap() { awk -v p="$2" 'NF {print $1, p}' "$1"; }
found_nmap() { awk -F'[ /]' '/^[0-9]+\/tcp +open/ {print "198.18.0.2", $1}' "$1"; }

# CPU seconds the whole machine was busy between the marks t0 and t1 set (/proc/stat: user,
# nice, system, irq, softirq, steal; not idle, not iowait): the scanner, the kernel work it
# causes wherever it runs (the peer's softirq, ksoftirqd), and whatever else runs meanwhile
# (little: the bench runs alone)
cpu_used() {
	awk -v hz="$(getconf CLK_TCK)" '{ b = $2 + $3 + $4 + $7 + $8 + $9; v[NR] = b }
	     END { printf "%.3f", (v[2] - v[1]) / hz }' "$tmp/cpu.0" "$tmp/cpu.1"
}

# score NAME FOUND-FILE TRUTH-FILE SECONDS [PPS [CPU-SECONDS]] -> appends a row (CPU: from the
# marks unless given)
score() {
	local missed false
	missed=$(comm -23 <(sort -u "$3") <(sort -u "$2") | wc -l)
	false=$(comm -13 <(sort -u "$3") <(sort -u "$2") | wc -l)
	echo "$1|$4|${5:-}|$(sort -u "$2" | wc -l)|$missed|$false|${6:-$(cpu_used)}" >>"$tmp/rows"
}

now() { date +%s.%N; }

truth16() { # PORTS...: the reflector's open ports over its hosts (network and broadcast out)
	"$PY" - "$@" <<'EOF'
import sys
ports = [int(p) for p in sys.argv[1:]]
for i in range(65536):
    if i in (0, 0xffff):
        continue
    for p in ports:
        print("198.19.%d.%d %d" % (i >> 8, i & 255, p))
EOF
}
OPEN8=$(echo $OPEN | tr , ' ')
truth16 $OPEN8 >"$tmp/truth8"
truth16 80 >"$tmp/truth1"

run_reflector_round() {
	local t0 t1 pps
	# wirecraft, /16 x 8
	pass_off
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 120 "$WC" scan -q -i "$IFA" -p $PORTS8 198.19.0.0/16 --allow-reserved --rate max -f saddr,sport \
		-o "$tmp/wc8.csv" --metadata "$tmp/wc8.json"
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	pps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_pps"])' "$tmp/wc8.json")
	found_wc "$tmp/wc8.csv" >"$tmp/f"
	score "wirecraft /16x8" "$tmp/f" "$tmp/truth8" "$(echo "$t1 - $t0" | bc)" "$pps"
	# the same with a second sending thread and queue
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 120 "$WC" scan -q -i "$IFA" -p $PORTS8 198.19.0.0/16 --allow-reserved --rate max --threads 2 \
		-f saddr,sport -o "$tmp/wc8t.csv" --metadata "$tmp/wc8t.json"
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	pps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_pps"])' "$tmp/wc8t.json")
	found_wc "$tmp/wc8t.csv" >"$tmp/f"
	score "wirecraft /16x8, 2 threads" "$tmp/f" "$tmp/truth8" "$(echo "$t1 - $t0" | bc)" "$pps"
	# wirecraft, /16 x 1
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 120 "$WC" scan -q -i "$IFA" -p 80 198.19.0.0/16 --allow-reserved --rate max -f saddr,sport \
		-o "$tmp/wc1.csv" --metadata "$tmp/wc1.json"
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	pps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_pps"])' "$tmp/wc1.json")
	found_wc "$tmp/wc1.csv" >"$tmp/f"
	score "wirecraft /16x1" "$tmp/f" "$tmp/truth1" "$(echo "$t1 - $t0" | bc)" "$pps"

	pass_on
	# masscan, /16 x 8 and /16 x 1
	for spec in "8 $PORTS8" "1 80"; do
		set -- $spec
		t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
		A 300 masscan -e "$IFA" --router-mac $GW --source-ip 198.18.0.1 -p "$2" 198.19.0.0/16 \
			--rate 10000000 --wait 1 -oL "$tmp/ms.out" >/dev/null 2>&1 || true
		head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
		found_masscan "$tmp/ms.out" >"$tmp/f"
		score "masscan /16x$1" "$tmp/f" "$tmp/truth$1" "$(echo "$t1 - $t0" | bc)"
	done
	# ZMap: one port per run
	: >"$tmp/fz8"
	local total=0 cpu=0
	for p in $(echo $PORTS8 | tr , ' '); do
		t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
		A 120 zmap -q -i "$IFA" -p "$p" -G $GW -S 198.18.0.1 -b "$tmp/empty" -B 10G -c 1 \
			-o "$tmp/zm.out" 198.19.0.0/16 >/dev/null 2>&1 || true
		head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
		total=$(echo "$total + $t1 - $t0" | bc)
		cpu=$(echo "$cpu + $(cpu_used)" | bc)
		found_zmap "$tmp/zm.out" "$p" >>"$tmp/fz8"
		if [ "$p" = 80 ]; then
			found_zmap "$tmp/zm.out" 80 >"$tmp/f"
			score "zmap /16x1" "$tmp/f" "$tmp/truth1" "$(echo "$t1 - $t0" | bc)"
		fi
	done
	score "zmap /16x8 (8 runs)" "$tmp/fz8" "$tmp/truth8" "$total" "" "$cpu"
}

run_kernel_round() {
	local t0 t1 pps
	pass_off
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 120 "$WC" scan -q -i "$IFA" -p 1-65535 198.18.0.2 --allow-reserved --rate max -f saddr,sport \
		-o "$tmp/wck.csv" --metadata "$tmp/wck.json"
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	pps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_pps"])' "$tmp/wck.json")
	found_wc "$tmp/wck.csv" >"$tmp/f"
	score "wirecraft 1x65535 (kernel)" "$tmp/f" "$tmp/truthk" "$(echo "$t1 - $t0" | bc)" "$pps"
	# the peer's kernel answers in softirq on the CPU that sent: a second sending thread (and
	# queue) puts the second CPU to that work
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 120 "$WC" scan -q -i "$IFA" -p 1-65535 198.18.0.2 --allow-reserved --rate max -f saddr,sport \
		--threads 2 -o "$tmp/wck.csv" --metadata "$tmp/wck.json"
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	pps=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["send_pps"])' "$tmp/wck.json")
	found_wc "$tmp/wck.csv" >"$tmp/f"
	score "wirecraft 1x65535 (kernel), 2 threads" "$tmp/f" "$tmp/truthk" "$(echo "$t1 - $t0" | bc)" "$pps"
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 300 masscan -e "$IFA" --router-mac 0a:00:00:00:00:02 --source-ip 198.18.0.1 -p 1-65535 \
		198.18.0.2 --rate 10000000 --wait 1 -oL "$tmp/ms.out" >/dev/null 2>&1 || true
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	found_masscan "$tmp/ms.out" >"$tmp/f"
	score "masscan 1x65535 (kernel)" "$tmp/f" "$tmp/truthk" "$(echo "$t1 - $t0" | bc)"
	t0=$(now); head -1 /proc/stat >"$tmp/cpu.0"
	A 300 nmap -n -Pn -sS -T5 -p- 198.18.0.2 -oN "$tmp/nmap.out" >/dev/null 2>&1 || true
	head -1 /proc/stat >"$tmp/cpu.1"; t1=$(now)
	found_nmap "$tmp/nmap.out" >"$tmp/f"
	score "nmap -sS -T5 -p- (kernel)" "$tmp/f" "$tmp/truthk" "$(echo "$t1 - $t0" | bc)"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/rows"
start_reflector
for _ in $(seq "$RUNS"); do run_reflector_round; done
kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null || true; RPID=""
pass_off
# B's kernel: a few listening sockets
cat >"$tmp/listen.py" <<'EOF'
import socket, sys, time
ss = []
for p in sys.argv[1:]:
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.0.2", int(p))); s.listen(64); ss.append(s)
print("listening", flush=True)
time.sleep(3000)
EOF
nsenter --net="/run/netns/$NAME-b" -- "$PY" "$tmp/listen.py" 22 80 8080 31337 65535 >"$tmp/listen.out" 2>&1 &
LPID=$!
for _ in $(seq 50); do grep -q listening "$tmp/listen.out" && break; sleep 0.1; done
printf '198.18.0.2 %s\n' 22 80 8080 31337 65535 >"$tmp/truthk"
for _ in $(seq "$RUNS"); do run_kernel_round; done

# ---- the table: medians per config -------------------------------------------------------
table=$("$PY" - "$tmp/rows" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, secs, pps, found, missed, false, cpu = line.rstrip("\n").split("|")
    rows.setdefault(name, []).append((float(secs), float(pps) if pps else None, int(found),
                                      int(missed), int(false), float(cpu)))
print("| scan | wall time, s (median) | CPU s | probes/s while sending | found | missed | false |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, rs in rows.items():
    med = lambda i: statistics.median(r[i] for r in rs)
    pps = [r[1] for r in rs if r[1]]
    print("| %s | %.2f | %.2f | %s | %d | %d (max %d) | %d |" % (name, med(0), med(5),
          "%.0f" % statistics.median(pps) if pps else "", med(2), med(3), max(r[3] for r in rs), med(4)))
wall = {n: statistics.median(r[0] for r in rs) for n, rs in rows.items()}
cpu = {n: statistics.median(r[5] for r in rs) for n, rs in rows.items()}
rate = {n: statistics.median([r[1] for r in rs if r[1]] or [0]) for n, rs in rows.items()}
def ratio(a, b, what):
    if a in wall and b in wall and wall[a] > 0:
        print("- %s: %s %.2f s, %s %.2f s: %.1fx" % (what, b, wall[b], a, wall[a], wall[b] / wall[a]))
print()
ratio("wirecraft /16x8", "zmap /16x8 (8 runs)", "/16 x 8, ZMap over wirecraft")
ratio("wirecraft /16x8", "masscan /16x8", "/16 x 8, masscan over wirecraft")
ratio("wirecraft 1x65535 (kernel)", "nmap -sS -T5 -p- (kernel)", "all ports of one peer, nmap over wirecraft")
ratio("wirecraft 1x65535 (kernel), 2 threads", "nmap -sS -T5 -p- (kernel)", "all ports of one peer, nmap over wirecraft with 2 threads")
a, b = "wirecraft /16x8", "wirecraft /16x8, 2 threads"
if rate.get(a) and rate.get(b):
    print("- a second thread and queue: %.0f -> %.0f probes/s while sending (%.2fx), wall %.2f -> %.2f s"
          % (rate[a], rate[b], rate[b] / rate[a], wall[a], wall[b]))
    # The same work on more CPUs: with the CPU seconds about equal, the wall time can only
    # shrink by the CPUs the one-thread run left idle (on 2 vCPUs its receiving thread and
    # the kernel's work on the answers already take part of the second)
    print("- CPU for the whole /16 x 8 scan: %.2f s with one thread (%.2f of the CPUs busy), %.2f s with two "
          "(%.2f busy): %.0f vs %.0f probes per CPU second"
          % (cpu[a], cpu[a] / wall[a], cpu[b], cpu[b] / wall[b], 65536 * 8 / cpu[a], 65536 * 8 / cpu[b]))
EOF
)
echo "$table"
if [ "$OUT" != - ]; then
	{
		echo "# wirecraft scan: complete scans against ZMap, masscan and nmap"
		echo
		echo "Generated by \`bench/scan/run.sh\` (\`make bench-scan\`, root) on $(date -u +%Y-%m-%d), $(nproc) CPUs,"
		echo "kernel $(uname -r), load average $load0 at the start; $RUNS runs each, medians."
		echo "One veth pair (two queues; one thread sends on one unless the row says 2), the XDP reflector playing 198.19.0.0/16 with $OPEN open,"
		echo "then B's own kernel with 5 listening ports. Wall time is the whole command, waits included;"
		echo "CPU s: CPU time the whole machine was busy during the command (/proc/stat, all CPUs: the tool, and the kernel work it causes wherever it runs, the peer's included)."
		echo "$(zmap --version 2>&1 | head -1), $(masscan --version 2>&1 | grep -o 'version [0-9.]*' | head -1 | sed 's/^/masscan /'), $(nmap --version | head -1)."
		echo
		echo "$table"
	} >"$OUT"
fi
