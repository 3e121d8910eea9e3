#!/usr/bin/env bash
# wirecraft send --engine live across a private veth pair: for several set shapes, exactly N
# frames arrive (counted by the receiver's veth while an XDP program drops them), and the
# frames are byte for byte those of `wirecraft build`, in build's order per runner (captured
# by tcpdump behind an XDP_PASS program, at a rate the receiving stack keeps up with). Also:
# random fields equal build's for the same seed, UDP checksums that come out 0 are sent as
# 0xffff, --engine auto picks live frames on a veth, and a set or a device live frames cannot
# serve falls back to another engine, saying why. Root only; under CI a skip is a failure.
#
# Environment: WIRECRAFT (the binary), WC_LIVE_N (frames per count check, default 1000000).
set -u
cd "$(dirname "$0")/../.."
WC=$(realpath "${WIRECRAFT:-build/wirecraft}")
N=${WC_LIVE_N:-1000000}
SINK=$(dirname "$WC")/bpf/livesink.bpf.o # built with the binary under test
PY=/usr/bin/python3
. tests/net/lib.sh
wc_test_begin net-live

if [ "$(id -u)" -ne 0 ]; then
	skip_all "needs root"
fi
[ -x "$WC" ] && [ -f "$SINK" ] || { ko "$WC or $SINK missing: make"; finish; }

name=wclv$$
tmp=$(mktemp -d)
tdp=
cleanup() {
	[ -n "$tdp" ] && kill "$tdp" 2>/dev/null
	scripts/netns.sh -n "$name" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
scripts/netns.sh -n "$name" up >/dev/null || { ko "netns up"; finish; }
A() { scripts/netns.sh -n "$name" exec a "$@"; }
B() { scripts/netns.sh -n "$name" exec b "$@"; }
IFA=$name-a0 IFB=$name-b0
# Two queues on each end. A veth hands an XDP frame to the peer's queue number (sending CPU
# mod queues), each queue with its own 256-frame ring and NAPI: with one queue, two runners on
# two CPUs fill one ring that one CPU drains, and it overflows. netns.sh makes single-queue
# pairs, so the pair is remade here, in the same namespaces, with the same names, MACs and
# addresses.
ip -n "$name-a" link del "$IFA" &&
ip -n "$name-a" link add "$IFA" numtxqueues 2 numrxqueues 2 address 0a:00:00:00:00:01 type veth \
	peer name "$IFB" netns "$name-b" numtxqueues 2 numrxqueues 2 address 0a:00:00:00:00:02 &&
ip -n "$name-a" addr add 198.18.0.1/24 dev "$IFA" && ip -n "$name-b" addr add 198.18.0.2/24 dev "$IFB" &&
ip -n "$name-a" link set "$IFA" up && ip -n "$name-b" link set "$IFB" up ||
	{ ko "two-queue veth"; finish; }
# A quiet link: no IPv6 chatter, no ARP (nothing else sends), so rx_packets counts only ours.
for s in a b; do scripts/netns.sh -n "$name" exec $s sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
# rx_packets of the receiving end, from its own namespace's /proc/net/dev
rx() { B awk -v i="$IFB" '{ sub(/:/, " "); if ($1 == i) print $3 }' /proc/net/dev; }
sink() { ip -n "$name-b" link set dev "$IFB" xdp off 2>/dev/null
	 ip -n "$name-b" link set dev "$IFB" xdpdrv object "$SINK" program wc_sink; }
pass_prog() { ip -n "$name-b" link set dev "$IFB" xdp off 2>/dev/null
	      scripts/netns.sh -n "$name" xdp-pass b "$(dirname "$WC")/bpf/reflect.bpf.o"; }
no_xdp() { ip -n "$name-b" link set dev "$IFB" xdp off 2>/dev/null; }

MACS='dst="0a:00:00:00:00:02", src="0a:00:00:00:00:01"'

# A kernel that refuses live frames even to root (some builds do; tests/net/kernel_refuses.py
# asks it with raw bpf(2) calls): nothing here can go out as live frames. What is left to
# check: --engine live and auto say why and send through another engine, every frame arriving.
# The frames the program makes are still compared with the template's by the unit test
# (tests/unit/test_live.c), in the kernel's test mode, which this kernel runs.
if kernel_refuses live-frames; then
	EXPR="Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.19.0.0/24\")/TCP(dport=[80,443], flags=\"S\")"
	for eng in live auto; do
		sink
		before=$(rx)
		out=$(A timeout 30 "$WC" send -i "$IFA" --engine $eng -c 1000 --loop "$EXPR" 2>&1); rc=$?
		got=$(( $(rx) - before ))
		if [ $rc -eq 0 ] && [ "$got" -eq 1000 ] &&
		   grep -q 'live frames unavailable (.*this kernel refuses live frames)' <<< "$out" &&
		   ! grep -q 'through live' <<< "$out"; then
			ok "--engine $eng, live frames refused by this kernel: 1000 of 1000 arrived through $(grep -o 'sending through [a-z-]*' <<< "$out" | cut -d' ' -f3), the reason said"
		else
			ko "--engine $eng on a kernel that refuses live frames: rc=$rc, $got of 1000: $(tr '\n' ' ' <<< "$out")"
		fi
	done
	echo "note: the live engine's own checks (counts, bytes, order, loop, rate, Ctrl-C) need live frames, which this kernel refuses to root"
	finish
fi

# name | expression | options for both build and send | runners
SHAPES=(
	"v4 dst /16 x 16 dports|Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.19.0.0/16\")/TCP(sport=40000, dport=[22,80,443,8080,53,25,110,143,21,23,993,995,3306,5432,6379,8443], flags=\"S\")||1"
	"v6 dst /112 x 2 dports|Ether($MACS)/IPv6(src=\"2001:db8::1\", dst=\"2001:db8:1::/112\")/TCP(sport=40000, dport=[80,443], flags=\"S\")||1"
	"UDP sport 0-65535 with payload|Ether($MACS)/IP(src=\"198.18.0.1\", dst=[\"198.18.7.1\",\"198.18.9.200\"])/UDP(sport=(0,65535), dport=53)/\"wirecraft live frames\"||1"
	"random fields, seed 7|Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.18.4.0/22\", id=RandShort())/UDP(sport=RandShort(), dport=[53,123,161])/\"r\"|--seed 7|1"
	"2 threads, v4 /20 x 4 dports|Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.19.16.0/20\")/TCP(dport=[22,80,443,8080], flags=\"S\")||2"
)

# Frames in a pcap, in order, as hex.
cat > "$tmp/check.py" <<'PY'
import struct, sys
# check.py CAP EXPECT RUNNERS [NEED_FFFF]: every captured frame is one of build's, each at
# most once, in build's order within each runner's contiguous slice of the set.
cap, exp, runners = sys.argv[1], sys.argv[2], int(sys.argv[3])
need_ffff = len(sys.argv) > 4
data = open(cap, 'rb').read()
want = [l.strip() for l in open(exp)]
idx = {h: i for i, h in enumerate(want)}
off, seen, n = 24, set(), 0
last = [-1] * runners
share = len(want) // runners
ffff = 0
while off + 16 <= len(data):
    incl = struct.unpack_from('<IIII', data, off)[2]
    frame = data[off + 16: off + 16 + incl]
    off += 16 + incl
    i = idx.get(frame.hex())
    if i is None:
        print('frame %d is not one of build\'s: %s' % (n, frame.hex()[:120])); sys.exit(1)
    r = min(i // share, runners - 1) if share else 0
    if i in seen or i <= last[r]:
        print('frame %d (build index %d) out of order or repeated' % (n, i)); sys.exit(1)
    seen.add(i); last[r] = i; n += 1
    # IPv4/UDP: the checksum field
    if frame[12:14] == b'\x08\x00' and frame[23] == 17:
        ihl = (frame[14] & 15) * 4
        if frame[14 + ihl + 6: 14 + ihl + 8] == b'\xff\xff':
            ffff += 1
if n != len(want):
    print('captured %d of %d' % (n, len(want))); sys.exit(1)
if need_ffff and not ffff:
    print('no UDP checksum of 0xffff among the frames'); sys.exit(1)
print('%d frames identical to build%s' % (n, ', %d with UDP checksum 0xffff' % ffff if ffff else ''))
PY

for shape in "${SHAPES[@]}"; do
	IFS='|' read -r label expr opts runners <<< "$shape"
	# shellcheck disable=SC2086
	setn=$("$WC" build $opts "$expr" 2>/dev/null | wc -l)

	# 1. Exactly N arrive (the set looped over if it is smaller).
	sink
	before=$(rx)
	# shellcheck disable=SC2086
	out=$(A timeout 120 "$WC" send -i "$IFA" --engine live --queues "$runners" -c "$N" --loop $opts "$expr" 2>&1); rc=$?
	got=$(( $(rx) - before ))
	if [ $rc -eq 0 ] && [ "$got" -eq "$N" ] && grep -q "sending through live frames" <<< "$out" &&
	   ! grep -q dropped <<< "$out"; then
		ok "$label: $got of $N frames arrived ($(grep -o 'done:.*' <<< "$out"))"
	else
		ko "$label: rc=$rc, $got of $N arrived: $(tr '\n' ' ' <<< "$out")"
	fi

	# 2. The same bytes as build, in build's order per runner (a sample: up to 65536 frames).
	k=$(( setn < 65536 ? setn : 65536 ))
	# the first k of the set: one runner sends all k; two runners each their half of k
	# shellcheck disable=SC2086
	"$WC" build $opts -c "$k" "$expr" > "$tmp/expect.hex"
	pass_prog
	rm -f "$tmp/cap.pcap" "$tmp/tcpdump.err"
	B timeout 60 tcpdump -i "$IFB" -nn -B 131072 -c "$k" -w "$tmp/cap.pcap" 2>"$tmp/tcpdump.err" &
	tdp=$!
	for _ in $(seq 50); do grep -q listening "$tmp/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
	# shellcheck disable=SC2086
	out=$(A timeout 60 "$WC" send -i "$IFA" --engine live --queues "$runners" -c "$k" --rate 100000 $opts "$expr" 2>&1); rc=$?
	wait "$tdp"; tdp=
	need=; [[ "$label" == UDP* ]] && need=ffff
	if res=$($PY "$tmp/check.py" "$tmp/cap.pcap" "$tmp/expect.hex" "$runners" $need 2>&1) && [ $rc -eq 0 ]; then
		ok "$label: $res"
	else
		ko "$label: rc=$rc: $res $(tail -1 "$tmp/tcpdump.err"); send said: $(tail -2 <<< "$out" | tr '\n' ' ')"
	fi
done

# --loop: each runner goes over its own share of the set again and again, random fields
# included (the same values each time, as the other engines do).
LEXPR="Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.18.4.0/30\", id=RandShort())/UDP(dport=[1,2])/\"l\""
"$WC" build --seed 3 "$LEXPR" > "$tmp/loop.hex"
cat > "$tmp/loop.py" <<'PY'
# loop.py CAP EXPECT RUNNERS: each runner's frames are its share of build's, over and over.
import struct, sys
data = open(sys.argv[1], 'rb').read()
want = [l.strip() for l in open(sys.argv[2])]
runners = int(sys.argv[3])
share = len(want) // runners
got = [[] for _ in range(runners)]
off = 24
while off + 16 <= len(data):
    incl = struct.unpack_from('<IIII', data, off)[2]
    h = data[off + 16: off + 16 + incl].hex(); off += 16 + incl
    if h not in want:
        print('not one of build\'s:', h[:80]); sys.exit(1)
    got[min(want.index(h) // share, runners - 1)].append(h)
for r in range(runners):
    mine = want[r * share:(r + 1) * share]
    n = 40 // runners
    if got[r] != (mine * n)[:n]:
        print('runner %d: not its share over and over (%d frames)' % (r, len(got[r]))); sys.exit(1)
print('%d runner(s): 40 frames, each runner its share of the set over and over' % runners)
PY
for runners in 1 2; do
	pass_prog
	rm -f "$tmp/loop.pcap" "$tmp/tcpdump.err"
	B timeout 30 tcpdump -i "$IFB" -nn -c 40 -w "$tmp/loop.pcap" 2>"$tmp/tcpdump.err" &
	tdp=$!
	for _ in $(seq 50); do grep -q listening "$tmp/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
	out=$(A timeout 30 "$WC" send -i "$IFA" --engine live --queues $runners --seed 3 -c 40 --loop --rate 10000 "$LEXPR" 2>&1); rc=$?
	wait "$tdp"; tdp=
	if res=$($PY "$tmp/loop.py" "$tmp/loop.pcap" "$tmp/loop.hex" $runners 2>&1) && [ $rc -eq 0 ]; then
		ok "loop: $res"
	else
		ko "loop, $runners runner(s): rc=$rc: $res"
	fi
done

EXPR="Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.19.0.0/24\")/TCP(dport=[80,443], flags=\"S\")"

# auto on a veth (no AF_XDP zero-copy, the peer has an XDP program): live frames, and says so.
sink
out=$(A "$WC" send -i "$IFA" -c 1000 "$EXPR" 2>&1)
grep -q "auto: no AF_XDP zero-copy on $IFA: using live frames" <<< "$out" &&
	ok "auto picks live frames: $(head -1 <<< "$out")" || ko "auto: $out"

# A set the plan cannot run (a varying payload length): another engine, with the reason.
before=$(rx)
out=$(A "$WC" send -i "$IFA" --engine live "Ether($MACS)/IP(src=\"198.18.0.1\", dst=\"198.18.0.2\")/UDP()/Raw(load=[\"a\",\"bb\",\"ccc\"])" 2>&1); rc=$?
got=$(( $(rx) - before ))
[ $rc -eq 0 ] && [ "$got" -eq 3 ] && grep -q "live frames unavailable (the set is built in full" <<< "$out" &&
	ok "unfit set falls back: $(head -1 <<< "$out")" || ko "unfit set: rc=$rc got=$got: $out"

# A veth whose peer has no XDP program would drop every XDP frame: live frames are refused.
no_xdp
out=$(A "$WC" send -i "$IFA" --engine live -c 100 "$EXPR" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "cannot transmit XDP frames" <<< "$out" && ! grep -q "through live" <<< "$out" &&
	ok "no XDP on the peer: falls back: $(head -1 <<< "$out")" || ko "no XDP on the peer: rc=$rc $out"

# Rate: 20000 frames at 10000 pps take about 2 s.
sink
t0=$(date +%s.%N)
A "$WC" send -i "$IFA" --engine live --rate 10000 -c 20000 --loop -q "$EXPR" >/dev/null 2>&1
t1=$(date +%s.%N)
el=$(echo "$t1 - $t0" | bc)
awk -v e="$el" 'BEGIN { exit !(e > 1.85 && e < 2.8) }' && ok "rate 10000 pps: 20000 frames in ${el}s" ||
	ko "rate: 20000 frames at 10000 pps took ${el}s"

# Ctrl-C mid-send: a clean stop that says how much went out.
ip netns exec "$name-a" "$WC" send -i "$IFA" --engine live --loop "$EXPR" >/dev/null 2>"$tmp/int.err" &
sp=$!; sleep 1; kill -INT $sp
for _ in $(seq 50); do kill -0 $sp 2>/dev/null || break; sleep 0.1; done
kill -9 $sp 2>/dev/null && ko "SIGINT: still running after 5 s"
wait $sp; rc=$?
grep -q "done: sent" "$tmp/int.err" && [ $rc -eq 0 ] && ok "SIGINT: clean stop ($(grep -o 'done:.*' "$tmp/int.err"))" ||
	ko "SIGINT: rc=$rc $(tail -2 "$tmp/int.err")"

# kill -9 mid-send: nothing is left behind. The live engine attaches nothing to the interface;
# its program (kept in the XDP dispatcher by a link in a private namespace) goes with the
# process's file descriptors.
progs() { bpftool -j prog show 2>/dev/null | $PY -c 'import json, sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin) if p.get("name") == "wc_livegen"))'; }
old_ids=" $(progs) "
ip netns exec "$name-a" "$WC" send -i "$IFA" --engine live --loop -q "$EXPR" >/dev/null 2>&1 &
sp=$!; sleep 1
new_ids=$(for i in $(progs); do [[ "$old_ids" == *" $i "* ]] || echo "$i"; done)
kill -9 $sp; wait $sp 2>/dev/null
left=
for _ in $(seq 50); do
	left=$(for i in $new_ids; do bpftool prog show id "$i" >/dev/null 2>&1 && echo "$i"; done)
	[ -z "$left" ] && break
	sleep 0.1
done
if [ -n "$new_ids" ] && [ -z "$left" ] && ! A ip link show "$IFA" | grep -q xdp; then
	ok "kill -9: program $new_ids gone, nothing on $IFA"
else
	ko "kill -9: programs seen '$new_ids', left '$left'; $(A ip link show "$IFA" | grep xdp)"
fi

finish
