#!/usr/bin/env bash
# Live frames against AF_XDP: delivered packets per second at the receiving end of a private
# veth pair, `wirecraft send --engine live` (packets made in the kernel by bpf/livegen.bpf.c)
# and `--engine xsk` (AF_XDP, copy mode on a veth), one sending thread pinned to one CPU, then
# two threads. See bench/README.md, section "Live frames"; `make bench-live` (root) builds what
# this needs and runs it.
#
# Each run: bench/send/counter attaches bpf/count.bpf.c (count, drop, first and last arrival
# times) to the receiving end, runs one sender in the sending namespace and reports the probes
# that arrived over the window from the first to the last, and the sender's CPU time. Configs
# are run round-robin, RUNS times, so that whatever else the machine does falls on all alike;
# the table has the medians.
#
# Environment: B (build dir), RUNS (5), LIVE_COUNT (8388608), XSK_COUNT (2097152), CPU (1: the
# one-thread runs' CPU), README (the file whose section gets the table; README=- leaves it
# alone), NAME (the netns pair's name).
#
# Network safety: everything happens inside two namespaces made here and removed on exit,
# whatever the exit; probes go to 198.19.0.0/16 through the veth; counts are bounded and every
# run has a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin

B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-5}
LIVE_COUNT=${LIVE_COUNT:-8388608}
XSK_COUNT=${XSK_COUNT:-2097152}
CPU=${CPU:-1}
README=${README:-bench/README.md}
NAME=${NAME:-wclb$$}
NAME=${NAME:0:12}
PY=/usr/bin/python3
WC=$B/wirecraft
COUNTER=$B/bench/send/counter
NS_A=/run/netns/$NAME-a NS_B=/run/netns/$NAME-b IF_A=$NAME-a0 IF_B=$NAME-b0
MAC_A=0a:00:00:00:00:01 MAC_B=0a:00:00:00:00:02 IP_A=198.18.0.1 IP_B=198.18.0.2
EXPR='IP(dst="198.19.0.0/16")/TCP(dport=[22,80,443,8080],flags="S")'

die() { echo "bench/live: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF, XDP)"
for f in "$WC" "$COUNTER"; do [ -x "$f" ] || die "$f missing: make bench-live-build"; done
grep -q -- '|live|' <<<"$("$WC" send --help)" || die "$WC has no --engine live"
# where live frames are refused --engine live falls back to AF_XDP: nothing to compare
! "$PY" tests/net/kernel_refuses.py live-frames ||
	die "this kernel ($(uname -r)) refuses XDP live frames even to root: nothing to measure"
[ "$CPU" -lt "$(nproc)" ] || die "CPU $CPU: this machine has $(nproc)"

tmp=$(mktemp -d)
cleanup() {
	"$ROOT/scripts/netns.sh" -n "$NAME" down || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the network: NAME-a (sender) <-> NAME-b (counter) -----------------------------------
"$ROOT/scripts/netns.sh" -n "$NAME" up
# Two queues each end: a veth hands an XDP frame to the peer queue (sending CPU mod queues),
# each with its own ring and NAPI; two sending CPUs on one queue would overflow its ring.
# netns.sh makes single-queue pairs, so the pair is remade in the same namespaces.
ip -n "$NAME-a" link del "$IF_A"
ip -n "$NAME-a" link add "$IF_A" numtxqueues 2 numrxqueues 2 address "$MAC_A" type veth \
	peer name "$IF_B" netns "$NAME-b" numtxqueues 2 numrxqueues 2 address "$MAC_B"
ip -n "$NAME-a" addr add "$IP_A/24" dev "$IF_A"
ip -n "$NAME-b" addr add "$IP_B/24" dev "$IF_B"
ip -n "$NAME-a" link set "$IF_A" up
ip -n "$NAME-b" link set "$IF_B" up
# The targets are reached through 198.18.0.2, whose MAC is fixed: the Ethernet header comes
# from the interface (`send -i`), and nothing waits on ARP.
ip -n "$NAME-a" route add 198.19.0.0/16 via "$IP_B" dev "$IF_A"
ip -n "$NAME-a" neigh replace "$IP_B" lladdr "$MAC_B" nud permanent dev "$IF_A"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)

# ---- runs ------------------------------------------------------------------------------------
# config: engine threads count
CONFIGS=("live 1 $LIVE_COUNT" "xsk 1 $XSK_COUNT" "live 2 $LIVE_COUNT" "xsk 2 $XSK_COUNT")
for r in $(seq "$RUNS"); do
	for c in "${CONFIGS[@]}"; do
		read -r eng thr cnt <<< "$c"
		pin=(); [ "$thr" -eq 1 ] && pin=(-C "$CPU")
		echo "== run $r: $eng, $thr thread(s), $cnt probes" >&2
		"$COUNTER" -i "$IF_B" -n "$NS_B" -s "$NS_A" "${pin[@]}" -t 120 -l "$eng-$thr" -- \
			"$WC" send -i "$IF_A" --engine "$eng" --queues "$thr" -c "$cnt" --loop -q "$EXPR" \
			>> "$tmp/runs.jsonl" 2>> "$tmp/stderr" ||
			echo "{\"label\":\"$eng-$thr\",\"failed\":true}" >> "$tmp/runs.jsonl"
		tail -1 "$tmp/runs.jsonl" >&2
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
wall=$(( $(date +%s) - t0 ))

# ---- the table -------------------------------------------------------------------------------
"$PY" - "$tmp/runs.jsonl" "$LIVE_COUNT" "$XSK_COUNT" "$RUNS" "$CPU" "$load0" "$load1" "$wall" \
	"$(nproc)" "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(uname -r)" \
	> "$tmp/table.md" <<'PY'
import json, statistics, sys
path, live_n, xsk_n, runs, cpu, load0, load1, wall, ncpu, model, kernel = sys.argv[1:]
live_n, xsk_n = int(live_n), int(xsk_n)
by = {}
for line in open(path):
    line = line.strip()
    if line:
        d = json.loads(line)
        by.setdefault(d['label'], []).append(d)
def stats(label, want):
    rs = [d for d in by.get(label, []) if not d.get('failed') and d.get('status') == 0]
    if not rs:
        return None
    pps = sorted(d['pps'] for d in rs)
    return {'pps': statistics.median(pps), 'min': pps[0], 'max': pps[-1],
            'cpu': statistics.median(d['cpu_ns_per_pkt'] for d in rs),
            'short': [d['packets'] for d in rs if d['packets'] != want], 'n': len(rs)}
S = {l: stats(l, live_n if l.startswith('live') else xsk_n)
     for l in ('live-1', 'xsk-1', 'live-2', 'xsk-2')}
M = lambda v: '%.3f' % (v / 1e6)
print('Machine: %s vCPUs (%s), kernel %s, load average %s at the start, %s at the end; other '
      'work was running on the VM. One thread pinned to CPU %s, two threads unpinned (the live '
      'engine pins its runners to CPUs 0 and 1); median of %s runs each, round-robin; %d probes '
      'per live run, %d per xsk run; whole benchmark %s s.' % (ncpu, model, kernel, load0, load1,
      cpu, runs, live_n, xsk_n, wall))
print()
print('| engine | threads | delivered Mpps | min-max | CPU ns/pkt | Mpps per CPU s | live / xsk |')
print('|---|---|---|---|---|---|---|')
for t in ('1', '2'):
    for e in ('live', 'xsk'):
        s, x = S['%s-%s' % (e, t)], S['xsk-%s' % t]
        if not s:
            print('| %s | %s | failed | | | | |' % (e, t)); continue
        ratio = '%.2fx' % (s['pps'] / x['pps']) if e == 'live' and x else ''
        name = '**wirecraft live**' if e == 'live' else 'wirecraft xsk (copy mode)'
        print('| %s | %s | %s | %s-%s | %.0f | %.2f | %s |' % (name, t, M(s['pps']), M(s['min']),
              M(s['max']), s['cpu'], 1e3 / s['cpu'] if s['cpu'] else 0, ratio))
print()
if S['live-1'] and S['live-2']:
    print('- live, 2 threads / 1 thread: %.2fx delivered' % (S['live-2']['pps'] / S['live-1']['pps']))
if S['xsk-1'] and S['xsk-2']:
    print('- xsk, 2 threads / 1 thread: %.2fx delivered' % (S['xsk-2']['pps'] / S['xsk-1']['pps']))
for l, s in S.items():
    if s and s['short']:
        print('- %s: runs that delivered fewer probes than sent: %s' % (l, s['short']))
PY
echo
cat "$tmp/table.md"

if [ "$README" != - ] && grep -q '<!-- bench-live:begin -->' "$README"; then
	"$PY" - "$README" "$tmp/table.md" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
s = open(readme).read()
a = s.index('<!-- bench-live:begin -->') + len('<!-- bench-live:begin -->')
b = s.index('<!-- bench-live:end -->')
open(readme, 'w').write(s[:a] + '\n' + table + s[b:])
PY
	echo "(table written to $README)"
fi
