#!/usr/bin/env bash
# wirecraft sniff across a private veth pair: a known mixed stream (TCP to ports 80 and 443,
# TCP from port 80, UDP to ports 53 and 80, ICMP) goes from one end, and sniffers with filters
# on the other end must capture exactly the matching packets, byte for byte as `wirecraft
# build` makes them, in order. Live capture leaves the packets to the host's stack; --steal
# takes them (ping fails meanwhile, works after) and leaves no XDP program behind, even after
# kill -9. Also: --json parses, -c and --timeout bound the run, Ctrl-C and SIGTERM write a
# complete pcap, a bad filter is one line and exit 1, a non-root user is told which capability
# is missing. Root only; under CI a skip is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
WC=$(realpath "${WIRECRAFT:-build/wirecraft}")
. tests/net/lib.sh
wc_test_begin net-sniff
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }

if [ "$(id -u)" -ne 0 ]; then
	skip_all "needs root"
fi

name=wcsnf$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	scripts/netns.sh -n "$name" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
scripts/netns.sh -n "$name" up >/dev/null || { ko "netns up"; finish; }
A() { scripts/netns.sh -n "$name" exec a "$@"; }
B() { scripts/netns.sh -n "$name" exec b "$@"; }
# A quiet link: no IPv6 neighbour discovery or MLD in the captures.
for s in a b; do scripts/netns.sh -n "$name" exec $s sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
IFA=$name-a0 IFB=$name-b0

# The stream. The destination is not B's address: B's stack takes the frames in (they are
# addressed to its MAC) but has nothing to answer, so no reply of B's lands in a capture.
BASE='Ether(dst="0a:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.99")'
S1="$BASE/TCP(sport=(40000,40009), dport=[80,443], flags=\"S\")" # 20, 10 are 'tcp port 80'
S2="$BASE/UDP(sport=(5000,5009), dport=[53,80])/\"x\""          # 20, UDP port 80 is not TCP
S3="$BASE/ICMP(seq=(1,10))"                                     # 10
S4="$BASE/TCP(sport=80, dport=(50000,50004), flags=\"SA\")"      # 5, port 80 as the source
M1="$BASE/TCP(sport=(40000,40009), dport=80, flags=\"S\")"       # the matching part of S1
STREAM_N=55
send_stream() {
	local e
	for e in "$S1" "$S2" "$S3" "$S4"; do
		A "$WC" send -i "$IFA" --engine packet -q "$e" >/dev/null 2>&1 || return 1
	done
}
{ A "$WC" build -i "$IFA" "$M1" && A "$WC" build -i "$IFA" "$S4"; } > "$tmp/port80.hex" || ko "build"
[ "$(wc -l < "$tmp/port80.hex")" -eq 15 ] || ko "build: $(wc -l < "$tmp/port80.hex") frames, want 15"

# Start a sniffer in B (nsenter execs, so $! is wirecraft) and wait for its start line.
started=0
sniff_bg() { # TAG ARGS...
	local tag=$1; shift
	nsenter --net="/run/netns/$name-b" -- "$WC" sniff -i "$IFB" "$@" > "$tmp/$tag.out" 2> "$tmp/$tag.err" &
	started=$!
	pids+=("$started")
	for _ in $(seq 50); do grep -q "sniffing on" "$tmp/$tag.err" 2>/dev/null && return 0; sleep 0.1; done
	echo "  ($tag did not start: $(head -2 "$tmp/$tag.err"))"
	return 1
}
# Wait for a process to end by itself (bounded), and return its exit status.
reap() { # PID SECONDS
	local _
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && { kill -9 "$1"; wait "$1" 2>/dev/null; return 255; }
	wait "$1"
}
stop() { kill -"$1" "$2" 2>/dev/null; reap "$2" 5; } # SIGNAL PID

# The frames of a pcap file equal the first N (all by default) lines of a hex file, in order.
pcap_is() { # PCAP HEX [N]
	/usr/bin/python3 - "$@" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
if len(sys.argv) > 3:
    want = want[:int(sys.argv[3])]
got, off = [], 24
while off + 16 <= len(data):
    incl = struct.unpack_from('<IIII', data, off)[2]
    got.append(data[off + 16: off + 16 + incl].hex())
    off += 16 + incl
if got != want:
    i = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
    print(f'  {len(got)} frames, want {len(want)}; first difference at frame {i}')
    sys.exit(1)
PY
}
ip_in() { B awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InReceives") c = i; h = 1 } else print $c }' /proc/net/snmp; }
# A's neighbour entry for B may be FAILED after a steal (its ARP requests were stolen): the
# kernel resolves it again at the next try, so give it a few.
ping_ok() { local _; for _ in 1 2 3 4 5; do A ping -c 1 -W 1 -q 198.18.0.2 >/dev/null && return 0; sleep 0.3; done; return 1; }
has_xdp() { B ip link show "$IFB" | grep -q "prog/xdp"; }
lines() { wc -l < "$1" | tr -d ' '; }

# ---- live capture: five sniffers with different filters, one stream -------------------------
sniff_bg port80 --timeout 30 -w "$tmp/port80.pcap" 'tcp port 80' || ko "port80 sniffer did not start"; p80=$started
sniff_bg udp --timeout 30 --json udp || ko "udp sniffer did not start"; pudp=$started
sniff_bg icmp --timeout 30 icmp || ko "icmp sniffer did not start"; picmp=$started
sniff_bg count5 --timeout 30 -c 5 -w "$tmp/count5.pcap" tcp port 80 || ko "count5 sniffer did not start"; pc5=$started
sniff_bg show --timeout 30 --show 'tcp port 80 and tcp[tcpflags] & tcp-ack != 0' || ko "show sniffer did not start"; pshow=$started
in0=$(ip_in)
send_stream || ko "send the stream"
sleep 0.5 # a capture block is handed over within 10 ms; leave room for a slow machine
in1=$(ip_in)

reap "$pc5" 5; rc=$?
check "-c 5: stopped by itself (rc=$rc), pcap = the first 5 matching frames" \
	eval '[ $rc -eq 0 ] && pcap_is "$tmp/count5.pcap" "$tmp/port80.hex" 5'
stop INT "$p80"; rc=$?
check "live 'tcp port 80': Ctrl-C (rc=$rc), the pcap is exactly the 15 matching frames of $STREAM_N" \
	eval '[ $rc -eq 0 ] && pcap_is "$tmp/port80.pcap" "$tmp/port80.hex"'
check "live: final line '$(tail -1 "$tmp/port80.err")'" \
	eval '[ "$(tail -1 "$tmp/port80.err")" = "wirecraft: 15 packets captured, 0 dropped by the kernel" ]'
check "live: no temporary file left next to the pcap" eval '! ls "$tmp"/port80.pcap.tmp.* >/dev/null 2>&1'
stop TERM "$pudp"; rc=$?
check "--json 'udp': SIGTERM (rc=$rc), 20 lines, each a JSON array with the UDP layer" \
	eval '[ $rc -eq 0 ] && /usr/bin/python3 - "$tmp/udp.out" <<'"'PY'"'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 20, len(rows)
ports = []
for r in rows:
    assert isinstance(r, list) and [l["layer"] for l in r][:3] == ["Ether", "IP", "UDP"], r
    ports.append((r[2]["fields"]["sport"], r[2]["fields"]["dport"]))
assert sorted(ports) == sorted((s, d) for s in range(5000, 5010) for d in (53, 80)), ports
PY'
stop INT "$picmp"; rc=$?
check "summary 'icmp': rc=$rc, 10 lines like '$(head -1 "$tmp/icmp.out")'" \
	eval '[ $rc -eq 0 ] && [ "$(lines "$tmp/icmp.out")" -eq 10 ] && [ "$(grep -c "^Ether / IP / ICMP 198.18.0.1 > 198.18.0.99 echo-request 0" "$tmp/icmp.out")" -eq 10 ]'
stop INT "$pshow"; rc=$?
check "--show: rc=$rc, 5 packets shown as Scapy does, all SYN-ACKs from port 80" \
	eval '[ $rc -eq 0 ] && [ "$(grep -c "^###\[ TCP \]###" "$tmp/show.out")" -eq 5 ] && [ "$(grep -cE "^ +flags +\= SA$" "$tmp/show.out")" -eq 5 ] && [ "$(grep -cE "^ +sport +\= http$" "$tmp/show.out")" -eq 5 ]'
check "live capture leaves the packets to the host: B's stack took in $((in1 - in0)) IP packets (>= $STREAM_N)" \
	eval '[ $((in1 - in0)) -ge $STREAM_N ]'

# ---- bounds and errors -----------------------------------------------------------------------
t0=$(date +%s%N)
out=$(B "$WC" sniff -i "$IFB" --timeout 1 -c 3 -w "$tmp/none.pcap" 'tcp port 9' 2>&1); rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "--timeout 1 with nothing matching: stops after ${ms} ms, rc=$rc, '$(printf '%s' "$out" | tail -1)'" \
	eval '[ $rc -eq 0 ] && [ $ms -ge 950 ] && [ $ms -lt 3000 ] && printf "%s\n" "$out" | tail -1 | grep -qx "wirecraft: 0 packets captured, 0 dropped by the kernel"'
check "--timeout -w: an empty but complete pcap ($(stat -c %s "$tmp/none.pcap" 2>/dev/null) bytes)" \
	eval '[ "$(stat -c %s "$tmp/none.pcap")" -eq 24 ] && pcap_is "$tmp/none.pcap" /dev/null'

for f in 'tcp port' 'host 198.18.0.1 and' 'tcp[tcpflags] & tcp-nosuch != 0'; do
	out=$(B "$WC" sniff -i "$IFB" --timeout 1 "$f" 2>&1); rc=$?
	check "bad filter '$f': exit $rc, '$out'" \
		eval '[ $rc -eq 1 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && [[ "$out" == "wirecraft: filter: "* ]]'
done
out=$(B "$WC" sniff -i "$IFB" --steal --timeout 1 'tcp port' 2>&1); rc=$?
check "bad filter with --steal: exit $rc, one line, nothing attached" \
	eval '[ $rc -eq 1 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && ! has_xdp'
out=$(B "$WC" sniff -i nosuch0 --timeout 1 2>&1); rc=$?
check "missing interface: exit $rc, '$out'" eval '[ $rc -eq 1 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ]'
out=$(B setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$WC" sniff -i "$IFB" --timeout 1 2>&1); rc=$?
check "non-root: exit $rc, '$out'" \
	eval '[ $rc -eq 1 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && [[ "$out" == *CAP_NET_RAW* ]]'
out=$(B setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$WC" sniff -i "$IFB" --steal --timeout 1 2>&1); rc=$?
check "non-root --steal: exit $rc, '$out'" \
	eval '[ $rc -eq 1 ] && [ "$(printf "%s\n" "$out" | wc -l)" -eq 1 ] && [[ "$out" == *CAP_NET_ADMIN* ]] && ! has_xdp'

# ---- --steal ---------------------------------------------------------------------------------
B ip neigh flush dev "$IFB" 2>/dev/null; A ip neigh flush dev "$IFA" 2>/dev/null
check "before --steal: ping from A to B works" eval 'A ping -c 1 -W 2 -q 198.18.0.2 >/dev/null'
if sniff_bg steal --timeout 30 --steal -w "$tmp/steal.pcap" 'tcp port 80'; then
	ps=$started
	check "--steal: an XDP program is on $IFB" has_xdp
	in0=$(ip_in)
	A ip neigh flush dev "$IFA" 2>/dev/null
	check "--steal: ping from A to B fails while stealing" eval '! A ping -c 2 -i 0.3 -W 1 -q 198.18.0.2 >/dev/null'
	send_stream || ko "send the stream (steal)"
	sleep 0.5
	in1=$(ip_in)
	stop TERM "$ps"; rc=$?
	check "--steal 'tcp port 80': SIGTERM (rc=$rc), the pcap is exactly the 15 matching frames" \
		eval '[ $rc -eq 0 ] && pcap_is "$tmp/steal.pcap" "$tmp/port80.hex"'
	check "--steal: final line '$(tail -1 "$tmp/steal.err")'" \
		eval '[ "$(tail -1 "$tmp/steal.err")" = "wirecraft: 15 packets captured, 0 dropped by the kernel" ]'
	check "--steal: B's stack saw none of it ($((in1 - in0)) IP packets taken in)" eval '[ $((in1 - in0)) -eq 0 ]'
	check "--steal: the XDP program left $IFB on exit" eval '! has_xdp'
	check "after --steal: ping from A to B works again" ping_ok
else
	ko "--steal did not start"
fi

if sniff_bg stealc --timeout 30 --steal --json -c 5 'tcp port 80'; then
	ps=$started
	send_stream >/dev/null 2>&1
	reap "$ps" 10; rc=$?
	check "--steal -c 5 --json: stopped by itself (rc=$rc), 5 JSON lines, TCP to or from port 80" \
		eval '[ $rc -eq 0 ] && /usr/bin/python3 - "$tmp/stealc.out" <<'"'PY'"'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 5, len(rows)
for r in rows:
    t = r[2]
    assert t["layer"] == "TCP" and 80 in (t["fields"]["sport"], t["fields"]["dport"]), r
PY'
	check "--steal -c 5: the XDP program left $IFB" eval '! has_xdp'
else
	ko "--steal -c 5 did not start"
fi

# kill -9: the bpf_link dies with the process, and the next capture can take the queue.
if sniff_bg steal9 --timeout 30 --steal 'tcp port 80'; then
	kill -9 "$started"; wait "$started" 2>/dev/null
	for _ in $(seq 20); do has_xdp || break; sleep 0.1; done
	check "kill -9 during --steal: no XDP program left on $IFB" eval '! has_xdp'
	out=$(B "$WC" sniff -i "$IFB" --steal --timeout 0.5 2>&1); rc=$?
	check "--steal right after a killed one: starts and stops (rc=$rc)" eval '[ $rc -eq 0 ] && ! has_xdp'
	check "after kill -9: ping from A to B works" ping_ok
else
	ko "--steal (kill -9) did not start"
fi

finish
