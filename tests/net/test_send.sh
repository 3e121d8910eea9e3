#!/usr/bin/env bash
# wirecraft send across a private veth pair: every transport delivers exactly N frames,
# byte-identical to `wirecraft build`; the rate limit holds; Ctrl-C stops cleanly; a killed
# sender leaves no XDP program behind. Root only; under CI a skip is a failure.
set -u
cd "$(dirname "$0")/../.."
WC=$(realpath "${WIRECRAFT:-build/wirecraft}")
N=${WC_SEND_N:-1000000}
. tests/net/lib.sh
wc_test_begin net-send

if [ "$(id -u)" -ne 0 ]; then
	skip_all "needs root"
fi

name=wcsnd$$
tmp=$(mktemp -d)
cleanup() { pkill -9 -f "wirecraft send.*$name" 2>/dev/null; scripts/netns.sh -n "$name" down >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
scripts/netns.sh -n "$name" up >/dev/null || { ko "netns up"; finish; }
A() { scripts/netns.sh -n "$name" exec a "$@"; }
B() { scripts/netns.sh -n "$name" exec b "$@"; }
# Quiet link: no IPv6 chatter counted as received frames.
for s in a b; do scripts/netns.sh -n "$name" exec $s sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
IFA=$name-a0 IFB=$name-b0
rx() { ip netns exec $name-b cat /sys/class/net/$IFB/statistics/rx_packets; }

EXPR='Ether(dst="0a:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.19.0.0/16")/TCP(sport=40000, dport=[22,80,443,8080,53,25,110,143,21,23,993,995,3306,5432,6379,8443], flags="S")'
A "$WC" build -i $IFA -c 3000 "$EXPR" > "$tmp/expect.hex" || ko "build"

for engine in xsk packet; do
	before=$(rx)
	B timeout 60 tcpdump -i $IFB -nn -B 65536 -c 2000 -w "$tmp/cap-$engine.pcap" 'tcp[tcpflags] & tcp-syn != 0' 2>"$tmp/tcpdump.err" &
	tdp=$!
	for _ in $(seq 50); do grep -q listening "$tmp/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
	out=$(A timeout 120 "$WC" send -i $IFA --engine $engine -c "$N" -q "$EXPR" 2>&1); rc=$?
	wait $tdp
	got=$(( $(rx) - before ))
	[ $rc -eq 0 ] && [ "$got" -eq "$N" ] && ok "$engine: $got of $N frames arrived ($out)" || ko "$engine: rc=$rc, $got of $N arrived: $out"
	# A sample, byte for byte, in order.
	tshark -r "$tmp/cap-$engine.pcap" -T fields -e frame.len >/dev/null 2>&1
	/usr/bin/python3 - "$tmp/cap-$engine.pcap" "$tmp/expect.hex" <<'PY' && ok "$engine: 2000 captured frames equal build's, in order" || ko "$engine: captured bytes differ from build"
import struct, sys
data = open(sys.argv[1], 'rb').read()
want = [l.strip() for l in open(sys.argv[2])]
idx = {h: i for i, h in enumerate(want)}
off, last, n = 24, -1, 0
while off < len(data):
    _, _, incl, _ = struct.unpack_from('<IIII', data, off)
    frame = data[off + 16: off + 16 + incl].hex()
    off += 16 + incl
    i = idx.get(frame)
    if i is None or i <= last:
        print('unexpected frame', n, frame[:80]); sys.exit(1)
    last, n = i, n + 1
sys.exit(0 if n == 2000 else 1)
PY
done

# Dry run: the pcap holds exactly what build prints.
"$WC" send --dry-run -w "$tmp/dry.pcap" -q 'IP(src="198.18.0.1", dst="198.18.1.0/24")/UDP(dport=[53,123])/"x"' 2>/dev/null &&
	[ "$(tshark -r "$tmp/dry.pcap" -T fields -e frame.number 2>/dev/null | wc -l)" -eq 512 ] &&
	/usr/bin/python3 - "$tmp/dry.pcap" <<PY && ok "dry run: pcap equals build" || ko "dry run"
import struct, subprocess, sys
data = open(sys.argv[1], 'rb').read()
want = subprocess.run(['$WC', 'build', 'IP(src="198.18.0.1", dst="198.18.1.0/24")/UDP(dport=[53,123])/"x"'],
                      capture_output=True, text=True, check=True).stdout.split()
got, off = [], 24
while off < len(data):
    incl = struct.unpack_from('<IIII', data, off)[2]
    got.append(data[off + 16: off + 16 + incl].hex()); off += 16 + incl
sys.exit(0 if got == want else 1)
PY

# Rate: 2000 packets at 1000 pps take about 2 s.
t0=$(date +%s.%N)
A timeout 20 "$WC" send -i $IFA --rate 1000 -c 2000 -q "$EXPR" >/dev/null 2>&1
t1=$(date +%s.%N)
el=$(echo "$t1 - $t0" | bc)
awk -v e="$el" 'BEGIN { exit !(e > 1.85 && e < 2.6) }' && ok "rate 1000 pps: 2000 packets in ${el}s" || ko "rate: 2000 packets at 1000 pps took ${el}s"

# Ctrl-C: stops, exits 0, says how much went out. (ip netns exec execs: $! is wirecraft.)
ip netns exec $name-a "$WC" send -i $IFA --rate 10000 --loop "$EXPR" > /dev/null 2> "$tmp/int.err" &
sp=$!; sleep 1; kill -INT $sp
for _ in $(seq 50); do kill -0 $sp 2>/dev/null || break; sleep 0.1; done
kill -9 $sp 2>/dev/null && ko "SIGINT: still running after 5 s"
wait $sp; rc=$?
grep -q "done: sent" "$tmp/int.err" && [ $rc -eq 0 ] && ok "SIGINT: clean stop" || ko "SIGINT: rc=$rc $(tail -2 "$tmp/int.err")"

# kill -9 mid-send: the interface carries no XDP program afterwards.
ip netns exec $name-a "$WC" send -i $IFA --engine xsk --rate 10000 --loop "$EXPR" > /dev/null 2>&1 &
sp=$!; sleep 1; kill -9 $sp; wait $sp 2>/dev/null
A ip link show $IFA | grep -q xdp && ko "XDP program left after kill -9" || ok "kill -9: no XDP program left"

# Errors: a missing interface is one line and exit 1.
out=$("$WC" send -i nosuch0 'IP()' 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok "missing interface: $out" || ko "missing interface: rc=$rc $out"

finish
