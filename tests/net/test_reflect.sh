#!/usr/bin/env bash
# The XDP reflector, live: `wirecraft reflect` on one end of a private veth pair (namespace B)
# plays 198.18.0.0/16 and 2001:db8::/64; namespace A talks to that population through its real
# kernel stack (ping, ping -6, TCP connect(), UDP sockets) and with frames crafted by Scapy for
# the cases a stack never sends (VLAN tags, IP options, IPv6 extension headers, bad checksums,
# fragments, ...). A tcpdump capture on A is checked with tshark (every answer's checksums) and
# Scapy (every answer's fields). Then: counters, clean exit, generic mode, a busy interface, and
# kill -9 leaving no program behind.
#
# Native XDP on a veth: the peer only receives XDP_TX'd frames when it runs NAPI, i.e. has an
# XDP program itself (or GRO on). A gets the trivial wc_pass program (scripts/netns.sh xdp-pass).
#
# Root only (CI=true: not being root is a failure, not a skip). Bounded: each command has a
# timeout, the reflector has --duration; the namespaces go away on any exit.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=${WIRECRAFT:-build/wirecraft}
PY=/usr/bin/python3 # the distribution's, which has python3-scapy
NAME=wcr$$          # namespaces wcrPID-a/-b: parallel runs do not collide
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
H4=198.18.0.77 H6=2001:db8::77
. tests/net/lib.sh
wc_test_begin net-reflect

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump tshark ping "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done
"$PY" -c 'import scapy.all' 2>/dev/null || skip_all "missing python3-scapy"

TMP=$(mktemp -d /tmp/wc-reflect.XXXXXX)
RPID="" CPID=""
cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null
	wc_net_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- build -----------------------------------------------------------------------------------
if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft build/bpf/reflect.bpf.o >"$TMP/make.log" 2>&1 ||
		{ cat "$TMP/make.log"; ko "build"; finish; }
fi
# wc_pass for the peers: the object built with the binary under test (WIRECRAFT may be another
# build tree's, e.g. make test-asan's)
PASS_OBJ=$(dirname "$WC")/bpf/reflect.bpf.o
[ -f "$PASS_OBJ" ] || { ko "$PASS_OBJ missing (make)"; finish; }
if ! timeout 5 "$WC" reflect --help >/dev/null 2>&1; then
	ko "'$WC reflect' is not a command (tools/main.c dispatch)"; finish
fi
ok "build"

# ---- network ---------------------------------------------------------------------------------
$NS up || { ko "netns up"; finish; }
$NS xdp-pass a "$PASS_OBJ" || { ko "xdp-pass on $IFA"; finish; }
# the whole /16 is on-link for A, not just its /24
ip -n "$NAME-a" route add 198.18.0.0/16 dev "$IFA"
ina() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
inb() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }

# capture everything A sees, for tshark and Scapy at the end
$NS exec a timeout 120 tcpdump -i "$IFA" -U -s 512 -w "$TMP/cap.pcap" >/dev/null 2>"$TMP/tcpdump.err" &
CPID=$!

start_reflector() { # extra args; sets RPID, waits for the "attached" line
	# netns.sh and nsenter exec: $! is wirecraft itself, so kill -9 hits the process that
	# holds the bpf_link
	$NS exec b "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 --hosts6 2001:db8::/64 \
		--open tcp:22,80,443 --icmp --udp-open 53 "$@" >"$TMP/reflect.out" 2>"$TMP/reflect.err" &
	RPID=$!
	for _ in $(seq 50); do
		grep -q '^reflect: attached' "$TMP/reflect.err" && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/reflect.err"
	return 1
}
start_reflector --duration 90 || { ko "reflector starts"; finish; }
ok "reflector attached: $(head -1 "$TMP/reflect.err" | cut -c 1-80)"
for _ in $(seq 50); do grep -q "listening" "$TMP/tcpdump.err" && break; sleep 0.1; done

# ---- (a) ping through ARP / NDP answered by the reflector ------------------------------------
if ina 10 ping -c 3 -i 0.2 -W 2 -q $H4 >"$TMP/ping4" 2>&1; then ok "ping $H4"; else ko "ping $H4: $(tail -2 "$TMP/ping4")"; fi
if ina 10 ping -6 -c 3 -i 0.2 -W 2 -q $H6 >"$TMP/ping6" 2>&1; then ok "ping -6 $H6"; else ko "ping -6 $H6: $(tail -2 "$TMP/ping6")"; fi
if ina 10 ping -c 1 -W 2 -q 198.18.201.3 >/dev/null 2>&1; then ok "ping 198.18.201.3 (anywhere in the /16)"; else ko "ping 198.18.201.3"; fi
neigh=$(ip -n "$NAME-a" neigh show dev "$IFA")
grep -q "^$H4 lladdr 02:00:c6:12:00:4d" <<<"$neigh" && ok "ARP: $H4 is-at 02:00:c6:12:00:4d" || ko "ARP neighbour: $neigh"
grep -q "^$H6 lladdr 02:00:00:00:00:77" <<<"$neigh" && ok "NDP: $H6 is-at 02:00:00:00:00:77" || ko "NDP neighbour: $neigh"
# B's own address is excluded: B's kernel answers for it, with B's MAC
if ina 10 ping -c 1 -W 2 -q 198.18.0.2 >/dev/null 2>&1 &&
	ip -n "$NAME-a" neigh show 198.18.0.2 | grep -q "lladdr 0a:00:00:00:00:02"; then
	ok "B's own 198.18.0.2 left to B's stack"
else
	ko "B's own address: $(ip -n "$NAME-a" neigh show 198.18.0.2)"
fi

# ---- (b) TCP connect() and (c) UDP, from A's real stack --------------------------------------
cat >"$TMP/sock.py" <<'EOF'
import socket, sys
kind, fam, addr, port = sys.argv[1], {"4": socket.AF_INET, "6": socket.AF_INET6}[sys.argv[2]], sys.argv[3], int(sys.argv[4])
s = socket.socket(fam, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
s.settimeout(3)
try:
    s.connect((addr, port))
    if kind == "tcp":
        print("open"); sys.exit(0)
    msg = b"wirecraft reflect udp echo %d" % port
    s.send(msg)
    print("echo" if s.recv(2048) == msg else "garbled")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
EOF
sock() { # expect kind fam addr port
	local got; got=$(ina 10 "$PY" "$TMP/sock.py" "${@:2}" 2>&1 | tail -1)
	[ "$got" = "$1" ] && ok "$2/$3 [$4]:$5 -> $got" || ko "$2/$3 [$4]:$5 -> $got, want $1"
}
sock open tcp 4 $H4 80
sock refused tcp 4 $H4 81
sock open tcp 4 198.18.9.9 22
sock open tcp 6 $H6 443
sock refused tcp 6 $H6 444
sock refused udp 4 $H4 9
sock echo udp 4 $H4 53
sock refused udp 6 $H6 9
sock echo udp 6 $H6 53

# ---- crafted probes: what a stack never sends --------------------------------------------------
cat >"$TMP/craft.py" <<'EOF'
# send IFACE | check PCAP: the same case table drives both
import sys
from scapy.all import (Ether, Dot1Q, Dot1AD, ARP, IP, IPOption, ICMP, TCP, UDP, Raw, IPv6,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, ICMPv6EchoRequest, ICMPv6EchoReply,
                       ICMPv6ND_NS, ICMPv6ND_NA, ICMPv6NDOptSrcLLAddr, ICMPv6NDOptDstLLAddr,
                       ICMPv6DestUnreach, IPerror, UDPerror, IPerror6, sendp, rdpcap, conf)
conf.verb = 0
AM, M4, M6 = "0a:00:00:00:00:01", "02:00:c6:12:00:4d", "02:00:00:00:00:77"
A4, H4, A6, H6 = "198.18.0.1", "198.18.0.77", "2001:db8::1", "2001:db8::77"
NOPS = IPOption(b"\x01\x01\x01\x00")  # NOP NOP NOP EOL: IHL 6
e4 = lambda: Ether(src=AM, dst=M4)
e6 = lambda: Ether(src=AM, dst=M6)
ip4 = lambda **k: IP(src=A4, dst=H4, **k)
ip6 = lambda **k: IPv6(src=A6, dst=H6, **k)
PAY = Raw(b"wirecraft" * 4)

def tcp_from(p, sport):
    return TCP in p and p[TCP].dport == sport and not p.haslayer(IPerror)

# name: (probe frames, the answers' matcher or None, check(answers, probe) -> error or None)
CASES = {
  "vlan-syn": ([e4()/Dot1Q(vlan=10)/ip4()/TCP(sport=40001, dport=80, flags="S", seq=1000, options=[("MSS", 1460)])],
    lambda p: tcp_from(p, 40001),
    lambda r, q: None if Dot1Q in r and r[Dot1Q].vlan == 10 and r[TCP].flags == "SA" and r[TCP].ack == 1001
        and r[TCP].sport == 80 and dict(r[TCP].options).get("MSS") == 1460 else "want SA in VLAN 10, ack 1001, MSS 1460"),
  "qinq-echo": ([e4()/Dot1AD(vlan=100)/Dot1Q(vlan=10)/ip4()/ICMP(id=0x4242, seq=7)/PAY],
    lambda p: ICMP in p and p[ICMP].id == 0x4242,
    lambda r, q: None if Dot1AD in r and r[Dot1AD].vlan == 100 and r[Dot1Q].vlan == 10 and r[ICMP].type == 0
        and r[ICMP].seq == 7 and bytes(r[ICMP].payload) == bytes(PAY) else "want an echo reply in 100/10"),
  "ipopt-echo": ([e4()/ip4(options=[NOPS])/ICMP(id=0x4343)/PAY],
    lambda p: ICMP in p and p[ICMP].id == 0x4343,
    lambda r, q: None if r[IP].ihl == 5 and r[ICMP].type == 0 and bytes(r[ICMP].payload) == bytes(PAY)
        else "want an echo reply without IP options"),
  "ipopt-unreach": ([e4()/ip4(options=[NOPS])/UDP(sport=40004, dport=9)/PAY],
    lambda p: UDPerror in p and p[UDPerror].sport == 40004,
    lambda r, q: None if r[ICMP].type == 3 and r[ICMP].code == 3 and r[IP].ihl == 5 and r[IPerror].ihl == 6
        and r[IPerror].src == A4 and len(r[ICMP].payload) == 24 + 8 else "want port unreachable quoting 24+8 bytes"),
  "v6-hbh-echo": ([e6()/ip6()/IPv6ExtHdrHopByHop()/ICMPv6EchoRequest(id=0x4545, data=bytes(PAY))],
    lambda p: ICMPv6EchoReply in p and p[ICMPv6EchoReply].id == 0x4545,
    lambda r, q: None if r[IPv6].nh == 58 and r[IPv6].hlim == 64 and r[ICMPv6EchoReply].data == bytes(PAY)
        else "want an echo reply without extension headers"),
  "v6-dst-unreach": ([e6()/ip6()/IPv6ExtHdrDestOpt()/UDP(sport=40006, dport=9)/PAY],
    # Scapy dissects the quoted UDP after an extension header as UDP, not UDPerror
    lambda p: ICMPv6DestUnreach in p and UDP in p and p[UDP].sport == 40006,
    lambda r, q: None if r[ICMPv6DestUnreach].code == 4 and IPv6ExtHdrDestOpt in r[ICMPv6DestUnreach]
        and r[IPv6].src == H6 and r[IPv6].plen == 8 + 40 + 8 + 8 else "want port unreachable quoting 40+8+8"),
  "v6-syn": ([e6()/ip6()/TCP(sport=40023, dport=22, flags="S", seq=9, options=[("MSS", 1440), ("NOP", None)])],
    lambda p: tcp_from(p, 40023),
    lambda r, q: None if r[TCP].flags == "SA" and r[TCP].ack == 10 and dict(r[TCP].options).get("MSS") == 1440
        else "want SA with MSS 1440"),
  "syn-data-closed": ([e4()/ip4()/TCP(sport=40010, dport=81, flags="S", seq=1000)/Raw(b"0123456789")],
    lambda p: tcp_from(p, 40010),
    lambda r, q: None if r[TCP].flags == "RA" and r[TCP].seq == 0 and r[TCP].ack == 1011 else "want RA seq 0 ack 1011"),
  "syn-no-options": ([e4()/ip4()/TCP(sport=40011, dport=80, flags="S", seq=5)],
    lambda p: tcp_from(p, 40011),
    lambda r, q: None if r[TCP].flags == "SA" and r[TCP].ack == 6 and r[TCP].dataofs == 5 else "want SA, no options"),
  "isn-repeat": ([e4()/ip4()/TCP(sport=40014, dport=443, flags="S", seq=1)] * 2 +
                 [e4()/ip4()/TCP(sport=40015, dport=443, flags="S", seq=1)],
    lambda p: TCP in p and p[TCP].dport in (40014, 40015),
    None),  # checked below: same 4-tuple same ISN, another port another one
  "udp-nocsum-echo": ([e4()/ip4()/UDP(sport=40017, dport=53, chksum=0)/Raw(b"abc")],
    lambda p: UDP in p and p[UDP].dport == 40017,
    lambda r, q: None if r[UDP].chksum == 0 and bytes(r[UDP].payload) == b"abc" and r[UDP].sport == 53
        else "want the echo, checksum still 0"),
  # unicast NUD-style, to a host A's own stack never probes (its NUD would answer too)
  "unicast-ns": ([Ether(src=AM, dst="02:00:00:00:00:79")/IPv6(src=A6, dst="2001:db8::79", hlim=255)
                  /ICMPv6ND_NS(tgt="2001:db8::79")],
    lambda p: ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == "2001:db8::79",
    lambda r, q: None if r[ICMPv6ND_NA].S == 1 and r[ICMPv6ND_NA].O == 1 and r[IPv6].src == "2001:db8::79"
        and ICMPv6NDOptDstLLAddr not in r and r[IPv6].hlim == 255 else "want NA S=1 O=1 without option"),
  "ns-sllao": ([Ether(src=AM, dst="33:33:ff:00:00:78")/IPv6(src=A6, dst="ff02::1:ff00:78", hlim=255)
                /ICMPv6ND_NS(tgt="2001:db8::78")/ICMPv6NDOptSrcLLAddr(lladdr=AM)],
    lambda p: ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == "2001:db8::78",
    lambda r, q: None if r[ICMPv6NDOptDstLLAddr].lladdr == "02:00:00:00:00:78" and r[Ether].dst == AM
        and r[Ether].src == "02:00:00:00:00:78" else "want NA with target link-layer 02:00:00:00:00:78"),
  # --- never answered ---
  "bad-tcp-csum": ([e4()/ip4()/TCP(sport=40007, dport=80, flags="S", chksum=0x1234)], lambda p: tcp_from(p, 40007), None),
  "bad-ip-csum": ([e4()/ip4(chksum=0x1234)/ICMP(id=0x4848)], lambda p: ICMP in p and p[ICMP].id == 0x4848, None),
  "bad-icmp-csum": ([e4()/ip4()/ICMP(id=0x4949, chksum=0x1234)], lambda p: ICMP in p and p[ICMP].id == 0x4949, None),
  "bad-udp6-csum": ([e6()/ip6()/UDP(sport=40024, dport=53, chksum=0x1111)], lambda p: UDP in p and p[UDP].dport == 40024, None),
  "fragment": ([e4()/ip4(flags="MF")/UDP(sport=40009, dport=9)], lambda p: UDPerror in p and p[UDPerror].sport == 40009, None),
  "ack-only": ([e4()/ip4()/TCP(sport=40012, dport=80, flags="A")], lambda p: tcp_from(p, 40012), None),
  "broadcast": ([e4()/IP(src=A4, dst="198.18.255.255")/ICMP(id=0x4d4d)], lambda p: ICMP in p and p[ICMP].id == 0x4d4d, None),
  "udp-loop-guard": ([e4()/ip4()/UDP(sport=53, dport=53)], lambda p: UDP in p and p[UDP].sport == 53 and p[UDP].dport == 53 and p[Ether].src == M4, None),
  "three-vlans": ([e4()/Dot1Q(vlan=1)/Dot1Q(vlan=2)/Dot1Q(vlan=3)/ip4()/ICMP(id=0x5252)], lambda p: ICMP in p and p[ICMP].id == 0x5252, None),
  "gratuitous-arp": ([Ether(src=AM, dst="ff:ff:ff:ff:ff:ff")/ARP(op=1, hwsrc=AM, psrc="198.18.0.99", pdst="198.18.0.99")],
    lambda p: ARP in p and p[ARP].op == 2 and p[ARP].psrc == "198.18.0.99", None),
  "dad-ns": ([Ether(src=AM, dst="33:33:ff:00:00:99")/IPv6(src="::", dst="ff02::1:ff00:99", hlim=255)/ICMPv6ND_NS(tgt="2001:db8::99")],
    lambda p: ICMPv6ND_NA in p and p[ICMPv6ND_NA].tgt == "2001:db8::99", None),
}

if sys.argv[1] == "send":
    for name, (frames, _, _) in CASES.items():
        sendp(frames, iface=sys.argv[2], inter=0.02)
    sys.exit(0)

pkts = [p for p in rdpcap(sys.argv[2]) if p[Ether].src.startswith("02:00:")]
bad = 0
def res(name, err):
    global bad
    bad += err is not None
    print(("FAIL: crafted %s: %s" % (name, err)) if err else "ok: crafted %s" % name)
for name, (frames, match, check) in CASES.items():
    ans = [p for p in pkts if match(p)]
    if name == "isn-repeat":
        isn = {}
        for p in ans:
            isn.setdefault(p[TCP].dport, []).append(p[TCP].seq)
        a, b = isn.get(40014, []), isn.get(40015, [])
        res(name, None if len(a) == 2 and a[0] == a[1] and len(b) == 1 and b[0] != a[0] and a[0] != 0
            else "ISNs %r / %r: want two equal, one different" % (a, b))
        continue
    if check is None:
        res(name, None if not ans else "answered %d times, want silence: %s" % (len(ans), ans[0].summary()))
        continue
    if len(ans) != len(frames):
        res(name, "%d answers to %d probes" % (len(ans), len(frames)))
        continue
    err = check(ans[0], frames[0])
    # never more bytes than the probe, except an ICMP error (bounded: headers + quote)
    if err is None and ICMPv6DestUnreach not in ans[0] and not (ICMP in ans[0] and ans[0][ICMP].type == 3):
        if len(ans[0]) > len(frames[0]):
            err = "answer of %d bytes to a probe of %d" % (len(ans[0]), len(frames[0]))
    res(name, err)
print("crafted-bad %d" % bad)
EOF
if ina 60 "$PY" "$TMP/craft.py" send "$IFA" >"$TMP/craft-send.log" 2>&1; then ok "crafted probes sent"; else ko "crafted probes: $(tail -3 "$TMP/craft-send.log")"; fi
sleep 1

# ---- (f) counters: the live lines on stderr, and --stats from another process ----------------
sleep 1.2 # at least one per-second line
grep -q '^reflect: [0-9]*s .*answers/s .*synack=' "$TMP/reflect.err" && ok "per-second counters on stderr" ||
	ko "no per-second counter line: $(tail -2 "$TMP/reflect.err")"
stats=$(inb 10 "$WC" reflect -i "$IFB" --stats 2>&1)
counter() { sed -En "s/(^|.* )$1=([0-9]+).*/\2/p" <<<"$stats"; }
ck() { local v; v=$(counter "$1"); [ -n "$v" ] && [ "$v" -ge "$2" ] && ok "counter $1=$v (>= $2)" || ko "counter $1='$v', want >= $2: $stats"; }
ck arp 2; ck ndp 3; ck synack 5; ck rst 3; ck echo 8; ck udp-echo 3; ck unreach 4; ck malformed 4; ck ignored 4
v=$(counter errors); [ "$v" = 0 ] && ok "counter errors=0" || ko "errors=$v"
out=$(inb 10 "$WC" reflect -i lo --stats 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "no wirecraft reflector" <<<"$out" && ok "--stats without a reflector: exit 1" || ko "--stats on lo: rc=$rc $out"

# ---- (e) kill -9: the kernel closes the bpf_link, the program leaves -------------------------
ip -n "$NAME-b" link show dev "$IFB" | grep -q "prog/xdp" && ok "xdp attached while running" || ko "no xdp on $IFB while running"
kill -9 "$RPID"; wait "$RPID" 2>/dev/null; RPID=
sleep 0.2
if ip -n "$NAME-b" link show dev "$IFB" | grep -q xdp; then ko "XDP left on $IFB after kill -9: $(ip -n "$NAME-b" link show dev "$IFB")"; else ok "kill -9 leaves no XDP program"; fi
ina 5 ping -c 1 -W 1 -q 198.18.0.78 >/dev/null 2>&1 && ko "still answered after kill -9" || ok "no answers after kill -9"

# ---- (d) the capture: tshark checks every answer's checksums, Scapy every answer's fields ------
sleep 0.5
kill -INT "$CPID" 2>/dev/null; wait "$CPID" 2>/dev/null; CPID=
TS="tshark -n -r $TMP/cap.pcap -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
answers=$(timeout 60 $TS -Y 'eth.src[0:2] == 02:00' 2>/dev/null | wc -l)
# ICMP errors quote a probe's UDP header, whose checksum may be the sender's partial one:
# only the outer headers of those are judged
badf='eth.src[0:2] == 02:00 && (ip.checksum.status == 0 || icmp.checksum.status == 0 || icmpv6.checksum.status == 0 ||
	(!icmp && !icmpv6 && (tcp.checksum.status == 0 || udp.checksum.status == 0)))'
bad=$(timeout 60 $TS -Y "$badf" 2>/dev/null | wc -l)
[ "$answers" -ge 30 ] && [ "$bad" -eq 0 ] && ok "tshark: $answers answers, 0 bad checksums" ||
	{ ko "tshark: $answers answers, $bad with bad checksums"; timeout 60 $TS -Y "$badf" 2>/dev/null | head -5; }
# the check is live: the requests of A's own stack carry partial (offloaded) checksums
partial=$(timeout 60 $TS -Y 'eth.src == 0a:00:00:00:00:01 && (tcp.checksum.status == 0 || udp.checksum.status == 0)' 2>/dev/null | wc -l)
[ "$partial" -ge 1 ] && ok "tshark flags A's partial checksums ($partial), so it checks" || ko "tshark saw no partial checksum: is it checking?"
timeout 60 "$PY" "$TMP/craft.py" check "$TMP/cap.pcap" >"$TMP/craft-check.log" 2>&1
while read -r line; do
	case "$line" in
	"ok: "*) ok "${line#ok: }" ;;
	"FAIL: "*) ko "${line#FAIL: }" ;;
	esac
done <"$TMP/craft-check.log"
grep -q '^crafted-bad ' "$TMP/craft-check.log" || ko "crafted check did not run: $(tail -3 "$TMP/craft-check.log")"

# ---- generic XDP, clean exit on SIGTERM, a busy interface --------------------------------------
$NS xdp-off a
start_reflector --mode skb --duration 30 || ko "reflector in skb mode"
ip -n "$NAME-b" link show dev "$IFB" | grep -q xdpgeneric && ok "--mode skb attaches generic XDP" || ko "no xdpgeneric"
ina 10 ping -c 2 -i 0.2 -W 2 -q 198.18.0.79 >/dev/null 2>&1 && ok "ping in skb mode (no program on the peer needed)" || ko "ping in skb mode"
kill -TERM "$RPID"; wait "$RPID"; rc=$?; RPID=
[ $rc -eq 0 ] && grep -q '^reflect: total .* echo=2 ' "$TMP/reflect.out" && ok "SIGTERM: exit 0, totals on stdout" ||
	ko "SIGTERM: rc=$rc out=$(cat "$TMP/reflect.out")"
ip -n "$NAME-b" link show dev "$IFB" | grep -q xdp && ko "XDP left after SIGTERM" || ok "SIGTERM detaches"
$NS xdp-pass b "$PASS_OBJ"
out=$(inb 10 "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 --duration 1 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q "another XDP program" <<<"$out" &&
	ok "busy interface: one line, exit 1" || ko "busy interface: rc=$rc $out"
$NS xdp-off b
out=$(inb 10 "$WC" reflect -i "$IFB" 2>&1); rc=$?
[ $rc -eq 2 ] && ok "no --hosts: usage error, exit 2" || ko "no --hosts: rc=$rc $out"
ip -n "$NAME-b" link set dev "$IFB" down
out=$(inb 10 "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "is down" <<<"$out" && ok "interface down: one line, exit 1" || ko "interface down: rc=$rc $out"

finish
