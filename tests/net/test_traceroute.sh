#!/usr/bin/env bash
# wirecraft traceroute, live, through a chain of real Linux routers (tests/net/trace_topo.sh:
# seven namespaces, five hops, an ECMP fork of two equal-cost paths hashed by ports), each
# router answering with its own kernel:
#   1. the reference: the distribution's traceroute (TCP SYN, UDP, ICMP) and mtr find every
#      hop of the chain, IPv4 and IPv6;
#   2. wirecraft traceroute with TCP SYN probes and the same flow (source port 61000, port 80)
#      reports exactly traceroute's hops for every target, IPv4 and IPv6, in json, csv and
#      text alike;
#   3. UDP and ICMP probes over a /26 and a /122: every path is the chain's, the branch of
#      hop 2 the same as hop 3's for every target (the flow is constant per target: Paris),
#      both branches of the fork found, links deduplicated (json and dot);
#      --preprobe: the TTLs beyond each target's distance are never sent, a path longer out
#      than back is probed on, and at the top rate no probe is lost or sent twice;
#   4. a /22 x 8 TTLs at a high rate: every target reached with every hop (the routers'
#      ICMP rate limits are off);
#   5. reserved targets are refused without --allow-reserved, as scan refuses them.
#
# Root only (CI=true: not being root, or a missing tool, is a failure, not a skip). Bounded:
# every command has a timeout; the namespaces go away on any exit. Addresses: 198.18.0.0/15
# and 2001:db8::/32 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
P=wt$$ # + up to 3 letters: at most 12
. tests/net/lib.sh
. tests/net/trace_topo.sh
wc_test_begin net-traceroute

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip timeout traceroute mtr "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-trace.XXXXXX)
cleanup() { trace_topo_down "$P"; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 ||
		{ cat "$TMP/make.log"; ko "build"; finish; }
fi
timeout 5 "$WC" traceroute --help >/dev/null 2>&1 || { ko "'$WC traceroute' is not a command"; finish; }

trace_topo_up "$P" >"$TMP/topo.log" 2>&1 || { cat "$TMP/topo.log"; ko "topology up"; finish; }
# No XDP program on r1's end of the link: wirecraft's AF_XDP frames (copy mode on a veth) are
# sent as socket buffers, which a veth delivers as it does the kernel's own. (A peer without
# an XDP program drops only frames redirected or sent back by one, the reflector's.)
S() { timeout "$1" ip netns exec "${P}s" "${@:2}"; }
CHECK() { "$PY" tests/net/trace_check.py "$@"; }
check() { # check DESCRIPTION trace_check.py-ARGS...
	local what=$1
	shift
	if CHECK "$@" >"$TMP/check.out" 2>&1; then ok "$what: $(tail -1 "$TMP/check.out" | sed 's/^ *//')"
	else ko "$what"; cat "$TMP/check.out"; fi
}
WCT() { S 60 "$WC" traceroute -i s0 --allow-reserved -q "$@"; }

T4="198.18.16.1 198.18.16.2 198.18.16.3 198.18.16.4 198.18.16.77 198.18.17.5 198.18.20.9 198.18.31.254"
T6="2001:db8:f::1 2001:db8:f::2 2001:db8:f::3 2001:db8:f::4 2001:db8:f::77 2001:db8:f::1:5 2001:db8:f::abcd 2001:db8:f::ffff"

# ---- 1. the reference ----------------------------------------------------------------------
# The first IPv6 probe waits for neighbour discovery: one ping each way settles it.
S 5 ping -c 1 -W 2 198.18.16.1 >/dev/null 2>&1
S 5 ping -6 -c 1 -W 2 2001:db8:f::1 >/dev/null 2>&1
ref() { # ref FILE ARGS... : traceroute ARGS TARGET for every target, blocks "TARGET t"
	local f=$1 t
	shift
	: >"$f"
	for t in $T4 $T6; do
		echo "TARGET $t" >>"$f"
		S 30 traceroute -n -q 1 -w 2 -m 8 "$@" "$t" >>"$f" 2>&1
	done
}
ref "$TMP/ref_tcp.txt" -T -p 80 --sport=61000
ref "$TMP/ref_udp.txt" -U -p 33434
ref "$TMP/ref_icmp.txt" -I
for m in tcp udp icmp; do
	"$PY" - "$TMP/ref_$m.txt" "$TMP/ref_${m}4.txt" "$TMP/ref_${m}6.txt" <<'EOF'
import sys
blocks, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("TARGET "):
        cur = [line]
        blocks.append(cur)
    elif cur is not None:
        cur.append(line)
with open(sys.argv[2], "w") as a, open(sys.argv[3], "w") as b:
    for bl in blocks:
        (b if ":" in bl[0] else a).writelines(bl)
EOF
	# classic UDP traceroute changes the port with every probe: its TTLs take either branch
	any=""; [ $m = udp ] && any=--any-branch
	check "traceroute ($m) IPv4: every hop of the chain" truth traceroute "$TMP/ref_${m}4.txt" 4 --count 8 $any
	check "traceroute ($m) IPv6: every hop of the chain" truth traceroute "$TMP/ref_${m}6.txt" 6 --count 8 $any
done
: >"$TMP/ref_mtr.txt"
for t in 198.18.16.3 2001:db8:f::3; do
	echo "TARGET $t" >>"$TMP/ref_mtr.txt"
	S 30 mtr -n -r -c 1 -T -P 80 "$t" >>"$TMP/ref_mtr.txt" 2>&1
done
"$PY" - "$TMP/ref_mtr.txt" <<'EOF' >"$TMP/mtr_split.log" 2>&1
import sys
text = open(sys.argv[1]).read().split("TARGET ")[1:]
for i, block in enumerate(text):
    open(sys.argv[1] + ".%d" % i, "w").write("TARGET " + block)
EOF
# mtr's probes of one target come from different ports: either branch at hops 2 and 3
check "mtr (tcp) IPv4: every hop" truth mtr "$TMP/ref_mtr.txt.0" 4 --count 1 --any-branch
check "mtr (tcp) IPv6: every hop" truth mtr "$TMP/ref_mtr.txt.1" 6 --count 1 --any-branch

# ---- 2. TCP SYN, the same flow as traceroute's: the same hops --------------------------------
WCT --source-port 61000 -p 80 -m 8 -O json -o "$TMP/tcp.json" $T4 $T6 ||
	ko "wirecraft traceroute tcp-syn: exit $?"
for fam in 4 6; do
	grep -h "" "$TMP/tcp.json" | "$PY" -c '
import json, sys
fam = sys.argv[1]
for l in sys.stdin:
    o = json.loads(l)
    if o["type"] == "path" and (":" in o["target"]) == (fam == "6"):
        print(l, end="")' $fam >"$TMP/tcp$fam.json"
	check "wirecraft tcp-syn IPv$fam: every hop of the chain" truth json "$TMP/tcp$fam.json" $fam --count 8
	check "wirecraft tcp-syn IPv$fam: exactly traceroute -T's hops" same "json:$TMP/tcp$fam.json" \
		"traceroute:$TMP/ref_tcp$fam.txt"
done
WCT --source-port 61000 -p 80 -m 8 -O csv -o "$TMP/tcp.csv" $T4 $T6 || ko "csv: exit $?"
WCT --source-port 61000 -p 80 -m 8 -O text -o "$TMP/tcp.txt" $T4 $T6 || ko "text: exit $?"
check "csv: the same hops as json" same "csv:$TMP/tcp.csv" "json:$TMP/tcp.json"
check "text: the same hops as json" same "text:$TMP/tcp.txt" "json:$TMP/tcp.json"
if head -1 "$TMP/tcp.csv" | grep -qx 'target,ttl,addr,rtt_ms,reply,reached' &&
	grep -q '^198.18.16.1,5,198.18.16.1,[0-9.]*,rst,1$' "$TMP/tcp.csv"; then
	ok "csv: header, the target's RST at hop 5 with its RTT"
else ko "csv rows"; head -3 "$TMP/tcp.csv"; fi
# -o to a device or a FIFO: written in place, never renamed over (that would replace
# /dev/null with a plain file for the whole machine)
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/from-fifo" &
WCT -m 5 -O csv -o "$TMP/fifo" 198.18.16.1 || ko "-o FIFO: exit $?"
wait $!
WCT -m 5 -o /dev/null 198.18.16.1 || ko "-o /dev/null: exit $?"
if [ -c /dev/null ] && [ -p "$TMP/fifo" ] && grep -q '^198.18.16.1,5,' "$TMP/from-fifo"; then
	ok "-o /dev/null and -o FIFO: written in place, still a device and a FIFO"
else
	ko "-o /dev/null or FIFO replaced: $(ls -l /dev/null "$TMP/fifo")"
	[ -c /dev/null ] || { rm -f /dev/null; mknod -m 666 /dev/null c 1 3; }
fi
if grep -q 'traceroute to 198.18.16.1 (tcp-syn port 80): reached at hop 5' "$TMP/tcp.txt"; then
	ok "text: one table per target, reached at hop 5"
else ko "text header"; head -3 "$TMP/tcp.txt"; fi

# ---- 3. UDP and ICMP over prefixes: Paris, the fork, links -----------------------------------
for pr in udp icmp tcp-syn; do
	WCT --probe $pr -m 8 -O json -o "$TMP/$pr.json" 198.18.16.0/26 2001:db8:f::/122 ||
		ko "wirecraft traceroute $pr: exit $?"
	for fam in 4 6; do
		"$PY" -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["type"] == "path" and (":" in o["target"]) == (sys.argv[2] == "6"):
        print(l, end="")' "$TMP/$pr.json" $fam >"$TMP/$pr$fam.json"
		# a /26 less nothing (its network address answers too: a local route), a /122
		check "$pr IPv$fam: 64 paths, each the chain's, one branch per target, both branches" \
			truth json "$TMP/$pr$fam.json" $fam --count 64 --both
	done
done
check "links IPv4 (udp): the chain's router links once each, both branches" links "$TMP/udp.json" 4
check "links IPv6 (icmp): the chain's router links once each, both branches" links "$TMP/icmp.json" 6
WCT -m 8 -O dot -o "$TMP/topo.dot" 198.18.16.0/26 || ko "dot: exit $?"
check "dot: the router graph has the chain's edges" dot "$TMP/topo.dot" 4
# against traceroute -U and -I: the same hops up to the branch (their flows are not ours)
for m in udp icmp; do
	"$PY" - "$TMP/$m.json" "$TMP/ref_$m.txt" <<'EOF' >"$TMP/cmp_$m.out" 2>&1
import sys
sys.path.insert(0, "tests/net")
import trace_check as tc
w = tc.read_hops("json", sys.argv[1])
r = tc.read_hops("traceroute", sys.argv[2])
bad = 0
for t, h in r.items():
    if t not in w:
        continue  # traceroute's targets outside the /26 and /122
    ok = sorted(h) == sorted(w[t]) and all(h[k] == w[t][k] for k in (1, 4, 5))
    bad += not ok
    if not ok:
        print(t, h, w[t])
print("%d targets in both, %d differ beyond the branch" % (sum(t in w for t in r), bad))
sys.exit(1 if bad or not sum(t in w for t in r) else 0)
EOF
	if [ $? -eq 0 ]; then ok "$m: the hops traceroute finds, up to the branch ($(tail -1 "$TMP/cmp_$m.out"))"
	else ko "$m against traceroute"; cat "$TMP/cmp_$m.out"; fi
done

# --preprobe: one probe per target at --max-ttl tells its distance (5): TTLs 6 and 7 unsent
S 60 "$WC" traceroute -i s0 --allow-reserved --preprobe -m 8 -O json -o "$TMP/pre.json" \
	198.18.16.0/26 >/dev/null 2>"$TMP/pre.err" || ko "--preprobe: exit $?"
check "--preprobe: 64 paths, each the chain's" truth json "$TMP/pre.json" 4 --count 64 --both
if grep -q 'done: 384 probes (64 preprobes, 128 pairs at or beyond the targets left out, 0 beyond the distances)' "$TMP/pre.err"; then
	ok "--preprobe: 384 probes (64 preprobes, TTLs 1 to 5 each), the 128 beyond the targets left out"
else ko "--preprobe counts: $(tail -1 "$TMP/pre.err")"; fi
# A path longer out than back: d's answers start at TTL 65, so they look 3 hops back (distance
# 4), TTL 4 is r4's time exceeded, and the third phase probes on from 5 (to 7): every path
# found whole all the same
ip netns exec "${P}d" sysctl -qw net.ipv4.ip_default_ttl=65
S 60 "$WC" traceroute -i s0 --allow-reserved --preprobe -m 8 -O json -o "$TMP/pre_long.json" \
	198.18.16.64/26 >/dev/null 2>"$TMP/pre_long.err" || ko "--preprobe, longer out: exit $?"
# and a /22: the sample (every 16th target) says 4, so the others' preprobe goes at TTL 4,
# where r4 answers: the path goes on, and they get every other TTL (1 to 3, 5 to 8)
S 60 "$WC" traceroute -i s0 --allow-reserved --preprobe -m 8 -O json -o "$TMP/pre_long22.json" \
	198.18.24.0/22 >/dev/null 2>"$TMP/pre_long22.err" || ko "--preprobe, longer out, /22: exit $?"
ip netns exec "${P}d" sysctl -qw net.ipv4.ip_default_ttl=64
check "--preprobe, a path longer out than back: 64 paths, each the chain's" truth json \
	"$TMP/pre_long.json" 4 --count 64 --both
check "--preprobe, longer out, a /22 split at TTL 4: 1024 paths, each the chain's" truth json \
	"$TMP/pre_long22.json" 4 --count 1024 --both
if grep -q 'done: 8192 probes (1024 preprobes, ' "$TMP/pre_long22.err"; then
	ok "--preprobe, longer out, /22: 8192 probes (64 sampled and 960 past the split, 8 each)"
else ko "--preprobe, longer out, /22, counts: $(tail -1 "$TMP/pre_long22.err")"; fi
if grep -q 'done: 512 probes (64 preprobes, 0 pairs at or beyond the targets left out, 192 beyond the distances)' "$TMP/pre_long.err"; then
	ok "--preprobe, longer out: 512 probes (64 preprobes, TTLs 1 to 4, then 5 to 7)"
else ko "--preprobe, longer out, counts: $(tail -1 "$TMP/pre_long.err")"; fi
# at the top rate, a /22 with 16 TTLs: the sample's distance, 5, is the split: the others get
# TTL 5 (the target answers: hop 5) and then 1 to 4 only; every hop of every target, no
# answer twice (a phase whose last batch sent nothing once left its frames, old probes in
# them, to the next phase: 64 probes lost and 64 old ones again at each phase)
S 60 "$WC" traceroute -i s0 --allow-reserved --preprobe --rate max -m 16 -v -O json \
	-o "$TMP/pre_max.json" 198.18.20.0/22 >/dev/null 2>"$TMP/pre_max.err" || ko "--preprobe --rate max: exit $?"
check "--preprobe --rate max: a /22, every hop of every target" truth json "$TMP/pre_max.json" 4 --count 1024 --both
if grep -q 'done: 5184 probes (1024 preprobes, ' "$TMP/pre_max.err" &&
	grep -q ' 0 repeats, ' "$TMP/pre_max.err"; then
	ok "--preprobe --rate max: 5184 probes (64 sampled x 6, 960 x 5: at the split, 1 to 4), no answer twice"
else ko "--preprobe --rate max counts: $(grep -E 'done|answers' "$TMP/pre_max.err")"; fi

# ---- 4. a /22 at a high rate -----------------------------------------------------------------
WCT -m 8 --rate 100000 --retries 1 -O json -o "$TMP/big.json" 198.18.20.0/22 ||
	ko "/22: exit $?"
check "a /22 x 8 TTLs at 100k probes/s: 1024 targets, every hop" truth json "$TMP/big.json" 4 --count 1024 --both

# ---- 5. refusals -----------------------------------------------------------------------------
out=$(S 10 "$WC" traceroute -i s0 -q 198.18.16.1 2>&1); rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q 'wirecraft: traceroute: every target is in a reserved range'; then
	ok "reserved targets refused without --allow-reserved (exit $rc)"
else ko "reserved not refused: rc $rc: $out"; fi
out=$(S 10 "$WC" traceroute -i s0 --max-ttl 300 198.18.16.1 2>&1); rc=$?
[ $rc -eq 2 ] && ok "--max-ttl 300: usage error" || ko "--max-ttl 300: rc $rc: $out"
out=$(S 10 "$WC" traceroute -i s0 --probe icmp -p 80 198.18.16.1 2>&1); rc=$?
[ $rc -eq 2 ] && ok "--probe icmp -p 80: usage error" || ko "icmp with a port: rc $rc: $out"

finish
