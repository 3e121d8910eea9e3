#!/usr/bin/env bash
# wirecraft sr / sr1, live, on a private veth pair: steering (bpf/steer.bpf.c) + AF_XDP receive +
# pairing, against
#   1. the XDP reflector in namespace B (198.19.0.0/16 and 2001:db8:1::/64, routed by A through
#      B's own addresses): TCP SYNs to a /24 x 5 ports, ICMP and ICMPv6 echo, UDP -> port
#      unreachable through the quoted header (IPv4 and IPv6), ARP and ND, a /20 x 4 ports at the
#      highest rate the path takes; every pair checked field by field (JSON), the set of
#      answered probes compared with the expected one: zero wrong pairs, zero missed;
#   2. ordinary traffic between the namespaces (a TCP connection, pings) while sr runs;
#   3. forged replies sent from B (wrong cookie, wrong ack, wrong quoted header, wrong id/seq):
#      never steered, never paired;
#   4. B's own kernel stack (no reflector): sr finds exactly the listening ports, the answers
#      carry B's MAC and the kernel's TCP options, and A's kernel sends no RST for the SYN-ACKs
#      it never saw (with --pass-replies it does);
#   5. -w pcap, sr1, --retry, wirecraft stats, kill -9 leaving no program behind.
#
# Root only (CI=true: not being root, or a missing tool, is a failure, not a skip). Bounded:
# every command has a timeout, the reflector a --duration; the namespaces go away on any exit.
# Addresses: 198.18.0.0/15 and 2001:db8::/32 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcs$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-sr

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump tshark ping "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-sr.XXXXXX)
RPID="" BG=""
trap wc_net_cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; ko "build"; finish; }
fi
timeout 5 "$WC" sr --help >/dev/null 2>&1 || { ko "'$WC sr' is not a command"; finish; }

$NS up >/dev/null || { ko "netns up"; finish; }
# the reflector's populations are behind B: the next hop is B's own address, which the
# reflector leaves to B's kernel (so ARP/ND for it is the kernel's)
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2
ip -n "$NAME-a" -6 route add 2001:db8:1::/64 via 2001:db8::2
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }

start_reflector() {
	$NS exec b "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --hosts6 2001:db8:1::/64 \
		--open tcp:22,80,443 --icmp --duration 150 >"$TMP/reflect.out" 2>"$TMP/reflect.err" &
	RPID=$!
	for _ in $(seq 50); do
		grep -q '^reflect: attached' "$TMP/reflect.err" && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/reflect.err"
	return 1
}
stop_reflector() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=""; }

# ---- the pair checker: every pair right, the answered set exactly the expected one ---------
cat >"$TMP/check.py" <<'EOF'
import ipaddress, json, sys
kind, path = sys.argv[1], sys.argv[2]
args = dict(a.split("=", 1) for a in sys.argv[3:])
def layers(pkt):
    d = {}
    for l in pkt:
        d.setdefault(l["layer"], l["fields"])
    return d
def hosts(spec):
    return [str(a) for a in ipaddress.ip_network(spec).hosts()] if "/" in spec else [spec]
def net(spec):  # every address of the prefix, network and broadcast too
    n = ipaddress.ip_network(spec)
    return [str(n.network_address + i) for i in range(n.num_addresses)]
bad, seen = [], []
for n, line in enumerate(open(path)):
    o = json.loads(line)
    q, r = layers(o["request"]), layers(o["reply"])
    ip = "IP" if "IP" in q else "IPv6"
    why = None
    if kind in ("tcp", "tcp-kernel"):
        qt, rt = q["TCP"], r.get("TCP")
        if not rt: why = "no TCP in reply"
        elif r[ip]["src"] != q[ip]["dst"] or r[ip]["dst"] != q[ip]["src"]: why = "addresses"
        elif rt["sport"] != qt["dport"] or rt["dport"] != qt["sport"]: why = "ports"
        elif rt["ack"] != (qt["seq"] + 1) % 2**32: why = "ack %d seq %d" % (rt["ack"], qt["seq"])
        else:
            want = 0x12 if str(qt["dport"]) in args["open"].split(",") else 0x14
            if rt["flags"] != want: why = "flags %#x for port %d" % (rt["flags"], qt["dport"])
            elif kind == "tcp-kernel":
                if r["Ether"]["src"] != "0a:00:00:00:00:02": why = "not from B's MAC"
                elif want == 0x12 and "MSS" not in json.dumps(rt.get("options")): why = "no MSS option"
        seen.append((q[ip]["dst"], qt["dport"]))
    elif kind == "echo":
        qe = q.get("ICMP") or q.get("ICMPv6EchoRequest"); re_ = r.get("ICMP") or r.get("ICMPv6EchoReply")
        if not re_: why = "no echo reply"
        elif "ICMP" in r and r["ICMP"]["type"] != 0: why = "type"
        elif (re_["id"], re_["seq"]) != (qe["id"], qe["seq"]): why = "id/seq"
        elif r[ip]["src"] != q[ip]["dst"]: why = "source"
        seen.append((q[ip]["dst"], 0))
    elif kind == "unreach":
        qu = q["UDP"]; qi = r.get("IPerror") or r.get("IPerror6"); ue = r.get("UDPerror")
        icmp = r.get("ICMP") or r.get("ICMPv6DestUnreach")
        if not (qi and ue and icmp): why = "no quoted UDP"
        elif "ICMP" in r and (icmp["type"], icmp["code"]) != (3, 3): why = "type/code"
        elif "ICMPv6DestUnreach" in r and icmp["code"] != 4: why = "code"
        elif (qi["src"], qi["dst"]) != (q[ip]["src"], q[ip]["dst"]): why = "quoted addresses"
        elif (ue["sport"], ue["dport"]) != (qu["sport"], qu["dport"]): why = "quoted ports"
        seen.append((q[ip]["dst"], qu["dport"]))
    elif kind == "arp":
        qa, ra = q["ARP"], r.get("ARP")
        mac = "02:00:" + ":".join("%02x" % int(b) for b in qa["pdst"].split("."))
        if not ra or ra["op"] != 2 or ra["psrc"] != qa["pdst"] or ra["hwsrc"] != mac: why = "is-at"
        seen.append((qa["pdst"], 0))
    elif kind == "nd":
        qn, rn = q["ICMPv6ND_NS"], r.get("ICMPv6ND_NA")
        if not rn or rn["tgt"] != qn["tgt"]: why = "NA target"
        seen.append((qn["tgt"], 0))
    if why:
        bad.append("pair %d: %s" % (n, why))
if kind in ("arp", "nd", "echo"):
    want = sorted((h, 0) for h in net(args["hosts"]))
else:
    want = sorted((h, p) for h in net(args["hosts"]) for p in map(int, args["ports"].split(",")))
if len(seen) != len(set(seen)): bad.append("a probe paired twice")
if sorted(seen) != want:
    s, w = set(seen), set(want)
    bad.append("answered set differs: %d missed %s, %d unexpected %s" % (
        len(w - s), sorted(w - s)[:3], len(s - w), sorted(s - w)[:3]))
print("; ".join(bad[:5]) if bad else "%d pairs right" % len(seen))
sys.exit(1 if bad else 0)
EOF
# srcheck LABEL KIND CHECKER-ARGS -- SR-ARGS...
srcheck() {
	local label=$1 kind=$2 cargs=() res
	shift 2
	while [ "$1" != -- ]; do cargs+=("$1"); shift; done
	shift
	if ! A 60 "$WC" sr -i "$IFA" --json -v "$@" >"$TMP/out.json" 2>"$TMP/out.err"; then
		ko "$label: sr failed: $(tail -2 "$TMP/out.err")"; return
	fi
	if res=$("$PY" "$TMP/check.py" "$kind" "$TMP/out.json" "${cargs[@]}"); then
		ok "$label: $res ($(grep '^Received' "$TMP/out.err"))"
	else
		ko "$label: $res ($(grep -E '^sr|^Received|^steer' "$TMP/out.err" | tr '\n' ' '))"
	fi
}

# ---- 1. against the reflector ------------------------------------------------------------
start_reflector || { ko "reflector starts"; finish; }
ok "reflector attached"

srcheck "TCP SYN /24 x 5 ports" tcp hosts=198.19.5.0/24 ports=22,80,443,8080,25 open=22,80,443 -- \
	--timeout 2 'IP(dst="198.19.5.0/24")/TCP(dport=[22,80,443,8080,25], flags="S")'
# the receive time comes from the steering program: in the metadata area, or where this kernel
# refuses XDP programs the metadata helper (some builds do; tests/net/kernel_refuses.py asks
# it), pushed in front of the frame and taken off by sr
where="metadata"
kernel_refuses xdp-meta && where="pushed in front of the frame: this kernel refuses XDP metadata"
grep -q 'cookie in TCP' "$TMP/out.err" && grep -q 'rtt_clock":"kernel"' "$TMP/out.json" &&
	! grep -q 'rtt_clock":"user"' "$TMP/out.json" &&
	ok "TCP: cookie in seq, kernel receive timestamps ($where)" || ko "TCP: $(head -1 "$TMP/out.err")"
srcheck "TCP SYN IPv6 /120 x 3 ports" tcp hosts=2001:db8:1::100/120 ports=22,80,8080 open=22,80,443 -- \
	--timeout 2 'IPv6(dst="2001:db8:1::100/120")/TCP(dport=[22,80,8080])'
srcheck "TCP SYN /20 x 4 ports at max rate" tcp hosts=198.19.16.0/20 ports=22,80,443,8080 open=22,80,443 -- \
	--timeout 2 'IP(dst="198.19.16.0/20")/TCP(dport=[22,80,443,8080], flags="S")'
srcheck "ICMP echo /26" echo hosts=198.19.6.0/26 -- --timeout 2 'IP(dst="198.19.6.0/26")/ICMP()'
srcheck "ICMPv6 echo /122" echo hosts=2001:db8:1::200/122 -- --timeout 2 'IPv6(dst="2001:db8:1::200/122")/ICMPv6EchoRequest()'
srcheck "UDP -> port unreachable (quoted header)" unreach hosts=198.19.7.0/28 ports=53,123,161 -- \
	--timeout 2 'IP(dst="198.19.7.0/28")/UDP(dport=[53,123,161])'
grep -q 'cookie in UDP source port' "$TMP/out.err" && ok "UDP: cookie in the source port" || ko "UDP: $(head -1 "$TMP/out.err")"
srcheck "UDP IPv6 -> port unreachable" unreach hosts=2001:db8:1::300/124 ports=53,123 -- \
	--timeout 2 'IPv6(dst="2001:db8:1::300/124")/UDP(dport=[53,123])'
srcheck "ARP who-has /27" arp hosts=198.19.8.0/27 -- --timeout 2 'Ether(dst="ff:ff:ff:ff:ff:ff")/ARP(pdst="198.19.8.0/27")'
grep -q 'expected-reply map' "$TMP/out.err" && ok "ARP: through the expected-reply map" || ko "ARP: $(head -1 "$TMP/out.err")"
srcheck "ND NS to the solicited-node group" nd hosts=2001:db8:1::77 -- --timeout 2 \
	'IPv6(dst="ff02::1:ff00:77")/ICMPv6ND_NS(tgt="2001:db8:1::77")/ICMPv6NDOptSrcLLAddr(lladdr="0a:00:00:00:00:01")'
srcheck "ND NS unicast" nd hosts=2001:db8:1::78 -- --timeout 2 'IPv6(dst="2001:db8:1::78")/ICMPv6ND_NS(tgt="2001:db8:1::78")'
srcheck "pinned seq: expected-reply map" tcp hosts=198.19.9.0/29 ports=22,81 open=22,80,443 -- \
	--timeout 2 'IP(dst="198.19.9.0/29")/TCP(dport=[22,81], seq=1000)'
grep -q 'map=16 ' "$TMP/out.err" && ok "pinned seq: 16 map hits" || ko "pinned seq: $(grep ^steer "$TMP/out.err")"
srcheck "--pass-replies" tcp hosts=198.19.10.0/30 ports=22,81 open=22,80,443 -- \
	--timeout 2 --pass-replies 'IP(dst="198.19.10.0/30")/TCP(dport=[22,81])'

# the next hop asked on the wire: with A's neighbour table empty, sr has A's kernel ask (ARP),
# reads the answer from the table, and leaves the table as it was
ip -n "$NAME-a" neigh flush all
out=$(A 20 "$WC" sr -i "$IFA" --timeout 2 'IP(dst="198.19.11.2")/ICMP()' 2>&1)
if grep -q '==> Ether / IP / ICMP 198.19.11.2 > 198.18.0.1 echo-reply' <<<"$out" &&
	! ip -n "$NAME-a" neigh show | grep -q '198.18.0.2 .*lladdr'; then
	ok "next hop resolved by ARP (kernel table left as found)"
else
	ko "next hop resolution: $out / $(ip -n "$NAME-a" neigh show)"
fi

# sr1: the first answer in full
out=$(A 20 "$WC" sr1 -i "$IFA" --timeout 2 'IP(dst="198.19.11.1")/TCP(dport=80)' 2>"$TMP/sr1.err")
grep -q '^###\[ TCP \]###' <<<"$out" && grep -qE '^ +flags += SA$' <<<"$out" &&
	ok "sr1: the SYN-ACK shown in full" || ko "sr1: $out $(cat "$TMP/sr1.err")"

# -w: request then reply, in pair order
if A 30 "$WC" sr -i "$IFA" -q --timeout 2 -w "$TMP/pairs.pcap" 'IP(dst="198.19.12.0/28")/ICMP()' 2>/dev/null &&
	[ "$(tshark -r "$TMP/pairs.pcap" -T fields -e icmp.type 2>/dev/null | paste -sd, -)" = \
	  "$(printf '8,0%.0s,' $(seq 16) | sed 's/,$//')" ]; then
	ok "-w: 16 pairs, each request then its reply"
else
	ko "-w: $(tshark -r "$TMP/pairs.pcap" -T fields -e icmp.type 2>&1 | paste -sd, - | cut -c 1-80)"
fi

# stats from another process while sr runs; kill -9 leaves nothing on the interface
ip netns exec "$NAME-a" "$WC" sr -i "$IFA" -q --timeout 20 --rate 10 'IP(dst="198.19.13.0/24")/ICMP()' >/dev/null 2>&1 &
SPID=$!
BG="$BG $SPID"
sleep 1.5
st=$(A 5 "$WC" stats -i "$IFA" 2>&1)
grep -q '^steer: cookie=' <<<"$st" && ok "stats: $st" || ko "stats: $st"
kill -9 "$SPID"; wait "$SPID" 2>/dev/null
ip -n "$NAME-a" link show "$IFA" | grep -q xdp && ko "kill -9: an XDP program is left" || ok "kill -9: no XDP program left"

# ---- 2. ordinary traffic keeps working while sr runs -----------------------------------------
cat >"$TMP/echo.py" <<'EOF'
import socket, sys, time
if sys.argv[1] == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("198.18.0.2", 7000)); s.listen(1); s.settimeout(20)
    c, _ = s.accept(); c.settimeout(5)
    while True:
        d = c.recv(4096)
        if not d: break
        c.sendall(d)
else:
    c = socket.create_connection(("198.18.0.2", 7000), timeout=5); good = 0
    end = time.time() + float(sys.argv[2])
    while time.time() < end:
        msg = b"wirecraft %d" % good
        c.sendall(msg)
        if c.recv(4096) == msg: good += 1
        time.sleep(0.02)
    print(good)
EOF
B 30 "$PY" "$TMP/echo.py" server &
BG="$BG $!"
sleep 0.5
A 30 "$PY" "$TMP/echo.py" client 6 >"$TMP/tcp.out" 2>&1 &
TCPC=$!
A 30 ping -c 50 -i 0.1 -W 1 -q 198.18.0.2 >"$TMP/ping.out" 2>&1 &
PINGP=$!
A 30 ping -6 -c 50 -i 0.1 -W 1 -q 2001:db8::2 >"$TMP/ping6.out" 2>&1 &
PING6P=$!
srcheck "TCP SYN while other traffic runs" tcp hosts=198.19.32.0/22 ports=22,81 open=22,80,443 -- \
	--timeout 1 --rate 2000 'IP(dst="198.19.32.0/22")/TCP(dport=[22,81])'
srcheck "ICMP echo while other traffic runs" echo hosts=198.19.40.0/22 -- \
	--timeout 1 --rate 2000 'IP(dst="198.19.40.0/22")/ICMP()'
wait $TCPC $PINGP $PING6P
grep -q ' 0% packet loss' "$TMP/ping.out" && ok "ping during sr: $(grep -o '[0-9]* received' "$TMP/ping.out")" || ko "ping during sr: $(tail -2 "$TMP/ping.out")"
grep -q ' 0% packet loss' "$TMP/ping6.out" && ok "ping -6 during sr" || ko "ping -6 during sr: $(tail -2 "$TMP/ping6.out")"
n=$(tail -1 "$TMP/tcp.out")
[ "${n:-0}" -gt 100 ] 2>/dev/null && ok "TCP connection during sr: $n round trips" || ko "TCP connection during sr: $(cat "$TMP/tcp.out")"

# ---- 3. forged replies from B: never steered, never paired ----------------------------------
stop_reflector # 198.19.0.0/16 falls silent: B does not forward
forge() { # label sr-expr forged-expr...
	local label=$1 expr=$2 c; shift 2
	A 30 "$WC" sr -i "$IFA" -v --timeout 3 "$expr" >"$TMP/forge.out" 2>"$TMP/forge.err" &
	local p=$!
	sleep 1
	for f in "$@"; do B 10 "$WC" send -i "$IFB" -q "$f" >/dev/null 2>&1 || ko "$label: send from B: $f"; done
	wait $p
	c=$(grep '^steer' "$TMP/forge.err")
	if grep -q 'got 0 answers' "$TMP/forge.err" && grep -q 'cookie=0 map=0 ' <<<"$c" &&
		[ ! -s "$TMP/forge.out" ] && grep -qE 'bad-cookie=[1-9]' <<<"$c"; then
		ok "forged $label: not steered, not paired ($(sed 's/.*\(bad-cookie=[0-9]*\).*/\1/' <<<"$c"))"
	else
		ko "forged $label: $(cat "$TMP/forge.out") $c $(grep Received "$TMP/forge.err")"
	fi
}
F='Ether(dst="0a:00:00:00:00:01", src="0a:00:00:00:00:02")/IP(src="198.19.9.9", dst="198.18.0.1")'
forge "SYN-ACK/RST (wrong ack)" 'IP(dst="198.19.9.9")/TCP(dport=[80,443])' \
	"$F/TCP(sport=[80,443], dport=20, flags=[\"SA\",\"RA\"], seq=7, ack=[0,1,2,3,1000,4294967295])"
forge "echo reply (wrong id/seq)" 'IP(dst="198.19.9.9")/ICMP()' \
	"$F/ICMP(type=0, id=[0,1,65535], seq=[0,1,65535])"
forge "port unreachable (wrong quoted sport)" 'IP(dst="198.19.9.9")/UDP(dport=53)' \
	"$F/ICMP(type=3, code=3)/IP(src=\"198.18.0.1\", dst=\"198.19.9.9\")/UDP(sport=[32768,40000,65535], dport=53)" \
	"$F/UDP(sport=53, dport=[32768,40001,65535])"
forge "port unreachable quoting a TCP SYN (wrong quoted seq)" 'IP(dst="198.19.9.9")/TCP(dport=80)' \
	"$F/ICMP(type=3, code=3)/IP(src=\"198.18.0.1\", dst=\"198.19.9.9\")/TCP(sport=20, dport=80, seq=[0,1,12345])"
# map mode: a reply with the probe's ports is steered, but a wrong ack is still never paired
A 30 "$WC" sr -i "$IFA" -v --timeout 3 'IP(dst="198.19.9.9")/TCP(dport=80, seq=1000)' >"$TMP/forge.out" 2>"$TMP/forge.err" &
p=$!
sleep 1
B 10 "$WC" send -i "$IFB" -q "$F/TCP(sport=80, dport=20, flags=\"SA\", ack=[1004,99,5000])" >/dev/null 2>&1
B 10 "$WC" send -i "$IFB" -q "$F/TCP(sport=81, dport=20, flags=\"SA\", ack=1001)" >/dev/null 2>&1
wait $p
grep -q 'got 0 answers' "$TMP/forge.err" && [ ! -s "$TMP/forge.out" ] && grep -qE 'bad-cookie=[1-9]' "$TMP/forge.err" &&
	ok "forged replies to pinned probes: never paired ($(grep -o 'map=[0-9]*' "$TMP/forge.err") steered, matcher refused)" ||
	ko "forged (map): $(cat "$TMP/forge.out") $(grep -E '^steer|Received' "$TMP/forge.err")"

# --retry: a silent target gets every probe 1 + N times; --unans lists them
A 30 "$WC" sr -i "$IFA" -v --unans --timeout 0.3 --retry 2 'IP(dst="198.19.9.9")/TCP(dport=[80,81,82])' >"$TMP/retry.out" 2>"$TMP/retry.err"
grep -q ', 9 sent' "$TMP/retry.err" && grep -q 'remaining 3 packets' "$TMP/retry.err" &&
	ok "--retry 2: 3 probes sent 9 times in all, 3 unanswered" || ko "--retry: $(head -1 "$TMP/retry.err")"
[ "$(grep -c '^Ether / IP / TCP 198.18.0.1:ftp_data > 198.19.9.9:[a-z0-9]* S$' "$TMP/retry.out")" -eq 3 ] &&
	ok "--unans: the 3 unanswered probes listed" || ko "--unans: $(cat "$TMP/retry.out")"

# ---- 4. B's kernel, no reflector --------------------------------------------------------------
ip -n "$NAME-b" link show "$IFB" | grep -q xdp && ko "B still has an XDP program"
# one SYN-ACK per SYN: a retransmission after sr has left would meet A's kernel, which answers
# it with a RST (as it does for Scapy), and this test counts RSTs
B 5 sysctl -qw net.ipv4.tcp_synack_retries=0
cat >"$TMP/listen.py" <<'EOF'
import socket, time
ss = []
for fam, a in ((socket.AF_INET, "198.18.0.2"), (socket.AF_INET6, "2001:db8::2")):
    for p in (22, 8080):
        s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a, p)); s.listen(64); ss.append(s)
time.sleep(25)
EOF
B 30 "$PY" "$TMP/listen.py" &
BG="$BG $!"
B 30 tcpdump -i "$IFB" -n -U -w "$TMP/rst.pcap" 'tcp[tcpflags] & tcp-rst != 0 and src host 198.18.0.1' >/dev/null 2>"$TMP/td.err" &
TDP=$!
BG="$BG $TDP"
for _ in $(seq 50); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
sleep 0.5
srcheck "kernel: finds exactly the listening ports" tcp-kernel hosts=198.18.0.2 ports=21,22,23,80,443,8080,9000 open=22,8080 -- \
	--timeout 2 'IP(dst="198.18.0.2")/TCP(dport=[21,22,23,80,443,8080,9000], flags="S")'
srcheck "kernel IPv6: finds exactly the listening ports" tcp-kernel hosts=2001:db8::2 ports=21,22,8080 open=22,8080 -- \
	--timeout 2 'IPv6(dst="2001:db8::2")/TCP(dport=[21,22,8080])'
srcheck "kernel: ICMP echo" echo hosts=198.18.0.2 -- --timeout 2 'IP(dst="198.18.0.2")/ICMP()'
srcheck "kernel: UDP -> port unreachable" unreach hosts=198.18.0.2 ports=9,19 -- --timeout 2 'IP(dst="198.18.0.2")/UDP(dport=[9,19])'
sleep 1
kill "$TDP" 2>/dev/null; wait "$TDP" 2>/dev/null
n=$(tshark -r "$TMP/rst.pcap" 2>/dev/null | wc -l)
[ "$n" -eq 0 ] && ok "A's kernel sent no RST (it never saw the SYN-ACKs)" || ko "A's kernel sent $n RSTs"
B 30 tcpdump -i "$IFB" -n -U -w "$TMP/rst2.pcap" 'tcp[tcpflags] & tcp-rst != 0 and src host 198.18.0.1' >/dev/null 2>"$TMP/td.err" &
TDP=$!
BG="$BG $TDP"
for _ in $(seq 50); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
srcheck "kernel with --pass-replies" tcp-kernel hosts=198.18.0.2 ports=22,8080 open=22,8080 -- \
	--timeout 2 --pass-replies 'IP(dst="198.18.0.2")/TCP(dport=[22,8080])'
sleep 1
kill "$TDP" 2>/dev/null; wait "$TDP" 2>/dev/null
n=$(tshark -r "$TMP/rst2.pcap" 2>/dev/null | wc -l)
[ "$n" -ge 2 ] && ok "--pass-replies: A's kernel saw the SYN-ACKs too ($n RSTs)" || ko "--pass-replies: $n RSTs from A"

# --multi: B's kernel sends the SYN-ACK again after a second (A's kernel never saw the first,
# so sent no RST); a probe collects both answers
B 5 sysctl -qw net.ipv4.tcp_synack_retries=2
A 30 "$WC" sr -i "$IFA" --multi --timeout 2 'IP(dst="198.18.0.2")/TCP(dport=22)' >"$TMP/multi.out" 2>"$TMP/multi.err"
[ "$(grep -c ' ==> .* SA$' "$TMP/multi.out")" -ge 2 ] &&
	ok "--multi: one probe, $(grep -c ' ==> ' "$TMP/multi.out") answers ($(grep Received "$TMP/multi.err"))" ||
	ko "--multi: $(cat "$TMP/multi.out" "$TMP/multi.err")"

# errors are one line
out=$("$WC" sr -i nosuch0 'IP()' 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok "missing interface: $out" || ko "missing interface: rc=$rc $out"

finish
