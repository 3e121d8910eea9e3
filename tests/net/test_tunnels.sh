#!/usr/bin/env bash
# Real tunnel and SCTP traffic, made by others' code between two private namespaces on a veth
# pair (underlay 198.18.0.0/24 from scripts/netns.sh):
#  - a kernel VXLAN tunnel (VNI 42, UDP 4789, overlay 198.18.5.0/24 on vx0), pinged across and
#    captured by tcpdump on the underlay: every frame dissects exactly as Scapy 2.5 dissects it,
#    field by field (tests/net/tunnels_compare.py), with the VNI, ports and inner addresses
#    expected, VXLAN in the summaries, and the captured echo request built back byte for byte;
#  - sr across the tunnel: VXLAN-wrapped echoes answered by the peer's VXLAN device;
#  - sr/sr1 of SCTP INIT: this kernel has no SCTP, so the peer answers protocol-unreachable
#    quoting the INIT, paired by the quoted ports (Scapy's SCTPerror.answers);
#  - a userspace SCTP stack (usrsctp's example client and discard server over raw IP sockets):
#    sr of INITs answered by its INIT ACKs; a real association, 9 frames INIT to SHUTDOWN
#    COMPLETE, dissected as Scapy does and built back from their fields to the same bytes
#    (lengths, padding, CRC32c).
# The kernel has no GRE, GENEVE or MPLS modules: real frames of those are in
# tests/cli/test_real_tunnels.sh. Root only; under CI a skip is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}")
. tests/net/lib.sh
wc_test_begin net-tunnels
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v tcpdump >/dev/null || skip_all "tcpdump not installed"
/usr/bin/python3 -c 'import scapy' 2>/dev/null || skip_all "python3-scapy not installed"

NAME=wctun$$
TMP=$(mktemp -d)
BG=
trap wc_net_cleanup EXIT
scripts/netns.sh -n "$NAME" up >/dev/null || { ko "netns up"; finish; }
A() { scripts/netns.sh -n "$NAME" exec a "$@"; }
B() { scripts/netns.sh -n "$NAME" exec b "$@"; }
for s in a b; do scripts/netns.sh -n "$NAME" exec $s sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
# Checksums computed in software, so that the capture holds the finished UDP checksum (with
# offload a sender's capture sees only the pseudo-header sum).
for s in a b; do scripts/netns.sh -n "$NAME" exec $s ethtool -K "$NAME-$s"0 tx off >/dev/null 2>&1; done

# One VXLAN device per side, on the veth, with fixed MACs so captures compare across runs, and
# source port 4789 (not the flow hash): sr's XDP steering expects answers from the port it
# probed, and Scapy's VXLAN binding building UDP() is sport=dport=4789 too.
vxlan_up() { # side local remote overlay-address mac
	scripts/netns.sh -n "$NAME" exec "$1" ip link add vx0 address "$5" type vxlan id 42 \
		dstport 4789 srcport 4789 4790 local "$2" remote "$3" dev "$NAME-$1"0 &&
	scripts/netns.sh -n "$NAME" exec "$1" sysctl -qw net.ipv6.conf.vx0.disable_ipv6=1 &&
	scripts/netns.sh -n "$NAME" exec "$1" ip addr add "$4"/24 dev vx0 &&
	scripts/netns.sh -n "$NAME" exec "$1" ip link set vx0 up
}
if ! vxlan_up a 198.18.0.1 198.18.0.2 198.18.5.1 02:00:00:00:05:01 ||
	! vxlan_up b 198.18.0.2 198.18.0.1 198.18.5.2 02:00:00:00:05:02; then
	skip_all "this kernel cannot make a vxlan device"
fi

# tcpdump on A's underlay, bounded by count and time; started when it says it listens.
nsenter --net="/run/netns/$NAME-a" -- timeout 20 tcpdump -n -U -i "$NAME-a0" -c 8 \
	-w "$TMP/vxlan.pcap" udp port 4789 2> "$TMP/tcpdump.err" &
BG="$BG $!"
for _ in $(seq 100); do grep -q listening "$TMP/tcpdump.err" && break; sleep 0.05; done
check "tcpdump listens" grep -q listening "$TMP/tcpdump.err"
A ping -c 3 -i 0.2 -W 2 198.18.5.2 > "$TMP/ping.out" 2>&1
check "ping across the VXLAN tunnel" grep -q " 0% packet loss" "$TMP/ping.out"
wait $BG 2>/dev/null
BG=
nframes=$(tcpdump -n -r "$TMP/vxlan.pcap" 2>/dev/null | grep -c 'VXLAN.*vni 42')
check "captured 8 frames on the underlay (got $nframes)" [ "$nframes" -eq 8 ]

# Field by field against Scapy.
/usr/bin/python3 tests/net/tunnels_compare.py "$WC" "$TMP/vxlan.pcap" --expect VXLAN ARP ICMP \
	> "$TMP/compare.out" 2>&1
cat "$TMP/compare.out"
check "every frame dissects as Scapy dissects it" grep -q ' 0 differences' "$TMP/compare.out"

# The values themselves, from wirecraft's JSON; and the first echo request written back as
# an expression from them (the UDP source port is the kernel's flow hash, the payload ping's).
"$WC" dissect --json -r "$TMP/vxlan.pcap" > "$TMP/vxlan.json" 2> "$TMP/dissect.err"
/usr/bin/python3 - "$TMP/vxlan.json" "$TMP/vxlan.pcap" > "$TMP/values.out" <<'PY'
import json, sys
pk = [json.loads(l) for l in open(sys.argv[1])]
def lay(p, name, k=0):
    hits = [l["fields"] for l in p if l["layer"] == name]
    return hits[k] if len(hits) > k else None
names = lambda p: [l["layer"] for l in p]
ok = True
echo = [p for p in pk if names(p)[:7] == ["Ether", "IP", "UDP", "VXLAN", "Ether", "IP", "ICMP"]]
arp = [p for p in pk if names(p)[:6] == ["Ether", "IP", "UDP", "VXLAN", "Ether", "ARP"]]
print("echo frames", len(echo), "arp frames", len(arp))
ok &= len(echo) == 6 and len(arp) == 2
for p in pk:
    u, v = lay(p, "UDP"), lay(p, "VXLAN")
    ok &= u["dport"] == 4789 and v["vni"] == 42 and v["flags"] == 8
    ok &= {lay(p, "IP")["src"], lay(p, "IP")["dst"]} == {"198.18.0.1", "198.18.0.2"}
for p in echo:
    inner = lay(p, "IP", 1)
    ok &= {inner["src"], inner["dst"]} == {"198.18.5.1", "198.18.5.2"}
    ok &= lay(p, "ICMP")["type"] in (0, 8)
print("values", "ok" if ok else "WRONG")
req = [i for i, p in enumerate(pk) if p in echo and lay(p, "ICMP")["type"] == 8][0]
f = [l["fields"] for l in pk[req]]
load = "".join("\\x%s" % f[7]["load"][i:i + 2] for i in range(0, len(f[7]["load"]), 2))
print('EXPR Ether(src="%s",dst="%s")/IP(src="%s",dst="%s",id=%d,flags=%d,ttl=%d)'
      '/UDP(sport=%d,dport=4789)/VXLAN(vni=42,flags=8)'
      '/Ether(src="%s",dst="%s")/IP(src="%s",dst="%s",id=%d,flags=%d,ttl=%d)'
      '/ICMP(id=%d,seq=%d)/Raw(load=b"%s")'
      % (f[0]["src"], f[0]["dst"], f[1]["src"], f[1]["dst"], f[1]["id"], f[1]["flags"],
         f[1]["ttl"], f[2]["sport"], f[4]["src"], f[4]["dst"], f[5]["src"], f[5]["dst"],
         f[5]["id"], f[5]["flags"], f[5]["ttl"], f[6]["id"], f[6]["seq"], load))
print("INDEX", req + 1)
PY
grep -v '^EXPR' "$TMP/values.out"
check "VNI 42, port 4789, flags I, overlay addresses, 6 echoes and 2 ARPs" grep -q "values ok" "$TMP/values.out"
"$WC" dissect --summary -r "$TMP/vxlan.pcap" > "$TMP/summary.out"
check "summaries name VXLAN" [ "$(grep -c ' / UDP / VXLAN / Ether / ' "$TMP/summary.out")" -eq 8 ]

# Built from its fields, the echo request is the captured frame, checksums included.
expr=$(sed -n 's/^EXPR //p' "$TMP/values.out")
idx=$(sed -n 's/^INDEX //p' "$TMP/values.out")
built=$("$WC" build "$expr" 2> "$TMP/build.err")
captured=$(/usr/bin/python3 -c 'import sys
from scapy.utils import rdpcap
print(bytes(rdpcap(sys.argv[1])[int(sys.argv[2]) - 1]).hex())' "$TMP/vxlan.pcap" "${idx:-1}" 2>/dev/null)
check "wirecraft build of the captured request's fields gives the captured bytes" \
	same "$built" "$captured"
# sr across the tunnel: an echo request wrapped in VXLAN by wirecraft, to B's vx0 (B knows
# A's overlay MAC from the pings), answered by B's kernel through its VXLAN device: the pair
# is made by Scapy's rules through UDP, VXLAN and the inner Ether/IP/ICMP. flags="Instance":
# Scapy's VXLAN()/Ether() sets 0x0c (GPE, NextProtocol Ethernet), which Linux's plain VXLAN
# drops as reserved bits.
VX='IP(dst="198.18.0.2")/UDP(sport=4789,dport=4789)/VXLAN(vni=42,flags="Instance")/Ether(src="02:00:00:00:05:01",dst="02:00:00:00:05:02")/IP(src="198.18.5.1",dst="198.18.5.2")/ICMP(id=77,seq=(1,3))'
A timeout 30 "$WC" sr -i "$NAME-a0" --timeout 1 "$VX" > "$TMP/sr_vxlan.out" 2>&1
cat "$TMP/sr_vxlan.out"
check "sr: 3 VXLAN-wrapped echoes, 3 answers through B's VXLAN device" \
	grep -q "got 3 answers, remaining 0 packets" "$TMP/sr_vxlan.out"
check "sr: the answers are echo replies inside VXLAN" \
	[ "$(grep -c '==> Ether / IP / UDP / VXLAN / Ether / IP / ICMP 198.18.5.2 > 198.18.5.1 echo-reply' "$TMP/sr_vxlan.out")" -eq 3 ]
# sr with SCTP INIT: this kernel has no SCTP, so B answers protocol-unreachable quoting the
# INIT; the quoted SCTP header pairs by its ports (Scapy's SCTPerror.answers).
A timeout 30 "$WC" sr -i "$NAME-a0" --timeout 1 \
	'IP(dst="198.18.0.2")/SCTP(sport=(5000,5001),dport=80)/SCTPChunkInit(init_tag=7)' \
	> "$TMP/sr_sctp.out" 2>&1
cat "$TMP/sr_sctp.out"
check "sr: 2 SCTP INITs, 2 answers" grep -q "got 2 answers, remaining 0 packets" "$TMP/sr_sctp.out"
check "sr: protocol-unreachable quoting SCTPerror/SCTPChunkInit" \
	[ "$(grep -c 'protocol-unreachable / IPerror / SCTPerror / SCTPChunkInit' "$TMP/sr_sctp.out")" -eq 2 ]
A timeout 30 "$WC" sr1 -i "$NAME-a0" --timeout 1 \
	'IP(dst="198.18.0.2")/SCTP(sport=5002,dport=80)/SCTPChunkInit(init_tag=7)' > "$TMP/sr1_sctp.out" 2>&1
sr1_quote() {
	grep -A3 'SCTP in ICMP' "$TMP/sr1_sctp.out" | grep -q 'sport *= 5002' &&
	grep -A3 'SCTP in ICMP' "$TMP/sr1_sctp.out" | grep -q 'dport *= 80' &&
	grep -A5 'SCTPChunkInit' "$TMP/sr1_sctp.out" | grep -q 'init_tag *= 0x7'
}
check "sr1: the quoted INIT's ports and tag" sr1_quote

# A real SCTP association, made by a userspace SCTP stack (usrsctp's example client and
# discard server, Debian's libusrsctp-examples, over raw IP sockets: no kernel SCTP needed):
# INIT, INIT ACK, COOKIE ECHO/ACK, DATA, SACK and the shutdown, captured on the veth. Every
# frame must dissect as Scapy dissects it, and build back from its fields to the same bytes
# (chunk lengths, padding and the CRC32c computed by wirecraft).
USRSCTP=/usr/lib/usrsctp
if [ -x "$USRSCTP/client" ] && [ -x "$USRSCTP/discard_server" ]; then
	# usrsctp is multi-homed over every local address: with the overlay still up, half the
	# association would run inside the VXLAN tunnel. One address each.
	A ip link del vx0
	B ip link del vx0
	nsenter --net="/run/netns/$NAME-b" -- timeout 10 "$USRSCTP/discard_server" > "$TMP/srv.log" 2>&1 &
	BG="$BG $!"
	sleep 0.5
	# sr: INITs from wirecraft, answered by the userspace stack's INIT ACKs (which carry our
	# init_tag as their verification tag), paired by Scapy's SCTP rule (ports swapped).
	A timeout 30 "$WC" sr -i "$NAME-a0" --timeout 1 --json \
		'IP(dst="198.18.0.2")/SCTP(sport=(6000,6002),dport=9)/SCTPChunkInit(init_tag=0x1234,a_rwnd=65535,n_out_streams=10,n_in_streams=10,init_tsn=1)' \
		> "$TMP/sr_init.json" 2> "$TMP/sr_init.err"
	/usr/bin/python3 - "$TMP/sr_init.json" > "$TMP/sr_init.out" <<'PY'
import json, sys
pairs = [o for o in map(json.loads, open(sys.argv[1])) if "reply" in o]
ok = len(pairs) == 3
for o in pairs:
    rq = {l["layer"]: l["fields"] for l in o["request"]}
    rp = {l["layer"]: l["fields"] for l in o["reply"]}
    ok &= "SCTPChunkInitAck" in rp and rp["SCTP"]["tag"] == 0x1234
    ok &= (rp["SCTP"]["sport"], rp["SCTP"]["dport"]) == (rq["SCTP"]["dport"], rq["SCTP"]["sport"])
print("pairs", len(pairs), "ok" if ok else "WRONG")
PY
	cat "$TMP/sr_init.out"
	check "sr: 3 INITs answered by usrsctp's INIT ACKs, tagged with our init_tag" \
		grep -q "pairs 3 ok" "$TMP/sr_init.out"
	nsenter --net="/run/netns/$NAME-a" -- timeout 10 tcpdump -n -U -i "$NAME-a0" -c 9 \
		-w "$TMP/sctp.pcap" ip proto 132 2> "$TMP/tcpdump2.err" &
	tpid=$!
	BG="$BG $tpid"
	for _ in $(seq 100); do grep -q listening "$TMP/tcpdump2.err" && break; sleep 0.05; done
	echo "hello from usrsctp" | nsenter --net="/run/netns/$NAME-a" -- timeout 5 \
		"$USRSCTP/client" 198.18.0.2 9 > "$TMP/cli.log" 2>&1
	wait "$tpid" 2>/dev/null
	/usr/bin/python3 tests/net/tunnels_compare.py "$WC" "$TMP/sctp.pcap" --expect \
		SCTPChunkInit SCTPChunkInitAck SCTPChunkCookieEcho SCTPChunkCookieAck SCTPChunkData \
		SCTPChunkSACK SCTPChunkShutdown SCTPChunkShutdownAck SCTPChunkShutdownComplete \
		> "$TMP/compare2.out" 2>&1
	cat "$TMP/compare2.out"
	check "usrsctp association: 9 frames dissect as Scapy dissects them" \
		grep -q '^tunnels-compare: 9 frames, 0 differences' "$TMP/compare2.out"
	"$WC" dissect --json -r "$TMP/sctp.pcap" > "$TMP/sctp.json" 2>/dev/null
	/usr/bin/python3 - "$TMP/sctp.json" > "$TMP/sctp.exprs" <<'PY'
import json, sys
def val(v):
    if isinstance(v, str):
        return 'b"%s"' % "".join("\\x" + v[i:i + 2] for i in range(0, len(v), 2))
    return str(v)
for line in open(sys.argv[1]):
    p = json.loads(line)
    e, ip, sc = (l["fields"] for l in p[:3])
    out = ['Ether(src="%s",dst="%s")' % (e["src"], e["dst"]),
           'IP(src="%s",dst="%s",tos=%d,id=%d,flags=%d,ttl=%d)'
           % (ip["src"], ip["dst"], ip["tos"], ip["id"], ip["flags"], ip["ttl"]),
           'SCTP(sport=%d,dport=%d,tag=%d)' % (sc["sport"], sc["dport"], sc["tag"])]
    for l in p[3:]:
        f = {k: v for k, v in l["fields"].items() if k not in ("len", "n_gap_ack", "n_dup_tsn")}
        out.append("%s(%s)" % (l["layer"], ",".join("%s=%s" % (k, val(v)) for k, v in f.items())))
    print("/".join(out))
PY
	/usr/bin/python3 -c 'import sys
from scapy.utils import rdpcap
for p in rdpcap(sys.argv[1]): print(bytes(p).hex())' "$TMP/sctp.pcap" > "$TMP/sctp.hex" 2>/dev/null
	nbad=0 n=0
	while IFS= read -r e && IFS= read -r h <&3; do
		n=$((n + 1))
		[ "$("$WC" build "$e" 2>&1)" = "$h" ] || { nbad=$((nbad + 1)); echo "rebuilt differently: $e"; }
	done < "$TMP/sctp.exprs" 3< "$TMP/sctp.hex"
	all_rebuilt() { [ "$n" -eq 9 ] && [ "$nbad" -eq 0 ]; }
	check "usrsctp association: all $n frames build back from their fields, CRC32c included" \
		all_rebuilt
else
	ko "usrsctp's examples missing (libusrsctp-examples, scripts/install-deps.sh)"
fi

[ "$built" = "$captured" ] || { echo "built    $built"; echo "captured $captured"; echo "expr $expr"; }
finish
