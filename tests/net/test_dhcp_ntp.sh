#!/usr/bin/env bash
# BOOTP/DHCP and NTP against real servers nobody here wrote, on a private veth pair:
#   1. dnsmasq (the distribution's) serves DHCP in namespace B; busybox udhcpc asks for a lease
#      from namespace A (its event script only writes a file: no address, route or resolv.conf
#      changes anywhere). tcpdump captures the exchange; wirecraft dissects it and every layer,
#      field and summary line must be Scapy's; `wirecraft match` pairs it as Scapy's sr() rules
#      do: nothing with checkIPaddr (the DISCOVER is broadcast from 0.0.0.0), DISCOVER->OFFER
#      and REQUEST->ACK by xid with --no-check-ipaddr;
#   2. `wirecraft sr` sends a DISCOVER built by wirecraft as a relay would (giaddr = A, port 67
#      to port 67: the OFFER comes back unicast to A); the answer pairs by xid, offers an address
#      of dnsmasq's range, and Scapy's dissection of the pair is ours;
#   3. chronyd (the distribution's) serves NTP in B with a private config: no upstream sources,
#      `local stratum 8`, its own pid and drift files, -x (it never touches the clock);
#      `wirecraft sr` sends an NTP client query: the reply has mode 4, stratum 8 and our sent
#      timestamp as its orig, and Scapy's dissection of the pair is ours.
# Root only (CI=true: not being root or a missing tool is a failure). Bounded: every command
# and server has a timeout; the namespaces, servers and files go away on any exit. Addresses:
# 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcd$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-dhcp-ntp

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump dnsmasq udhcpc chronyd "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done
"$PY" -c 'import scapy.all' 2>/dev/null || skip_all "missing python3-scapy"

TMP=$(mktemp -d /tmp/wc-dhcp.XXXXXX)
RPID="" BG=""
# The servers by their own pid files first: killing the timeout wrappers (wc_net_cleanup's
# kill -9 of BG) would leave them running in the deleted namespace.
stop_servers() {
	for f in "$TMP/dnsmasq.pid" "$TMP/chronyd.pid" "$TMP/udhcpc.pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	for p in $BG; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	BG=""
}
trap 'stop_servers; wc_net_cleanup' EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; ko "build"; finish; }
fi
$NS up >/dev/null || { ko "netns up"; finish; }
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }
CHECK="$PY tests/net/dhcp_ntp_check.py"

# wait_for FILE PATTERN: up to 5 s for a server's log line
wait_for() {
	for _ in $(seq 50); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1. dnsmasq and udhcpc ------------------------------------------------------------------
# --no-ping: dnsmasq would otherwise ping an address for seconds before offering it
: >"$TMP/dnsmasq.conf" # empty: no config file of the host is read
timeout 120 "$ROOT"/scripts/netns.sh -n "$NAME" exec b dnsmasq --conf-file="$TMP/dnsmasq.conf" --no-resolv --no-hosts --port=0 --keep-in-foreground \
	--interface="$IFB" --bind-interfaces --dhcp-range=198.18.0.100,198.18.0.150,255.255.255.0,1h \
	--dhcp-leasefile="$TMP/leases" --pid-file="$TMP/dnsmasq.pid" --user=root --group=root \
	--no-ping --log-dhcp --log-facility="$TMP/dnsmasq.log" >"$TMP/dnsmasq.out" 2>&1 &
BG="$BG $!"
wait_for "$TMP/dnsmasq.log" "sockets bound exclusively" || { cat "$TMP/dnsmasq.out" "$TMP/dnsmasq.log"; ko "dnsmasq did not start"; finish; }
ok "dnsmasq serves 198.18.0.100-150 in namespace B"

cat >"$TMP/udhcpc.sh" <<'EOS'
#!/bin/sh
# udhcpc's event script: writes down what it was told, configures nothing
echo "$1 ip=$ip serverid=$serverid" >>"$(dirname "$0")/udhcpc.events"
EOS
chmod +x "$TMP/udhcpc.sh"
timeout 20 "$ROOT"/scripts/netns.sh -n "$NAME" exec a tcpdump -i "$IFA" -n -U --immediate-mode -w "$TMP/dhcp.pcap" 'udp port 67 or udp port 68' >/dev/null 2>"$TMP/tcpdump.err" &
TPID=$!
BG="$BG $TPID"
wait_for "$TMP/tcpdump.err" "listening on" || { ko "tcpdump did not start"; finish; }
A 30 udhcpc -i "$IFA" -f -q -n -t 3 -T 2 -s "$TMP/udhcpc.sh" -p "$TMP/udhcpc.pid" >"$TMP/udhcpc.out" 2>&1
rc=$?
sleep 0.3 # --immediate-mode: every frame is written as it comes; then TERM (timeout passes it on)
kill "$TPID" 2>/dev/null; wait "$TPID" 2>/dev/null
lease=$(sed -n 's/^bound ip=\([0-9.]*\) serverid=198.18.0.2$/\1/p' "$TMP/udhcpc.events" 2>/dev/null)
if [ "$rc" -eq 0 ] && [[ "$lease" =~ ^198\.18\.0\.1([0-4][0-9]|50)$ ]]; then
	ok "udhcpc got a lease from dnsmasq: $lease"
else
	cat "$TMP/udhcpc.out"; ko "udhcpc got no lease (rc $rc, '$lease')"
fi
sums=$("$WC" dissect --summary -r "$TMP/dhcp.pcap" 2>&1)
for t in Discover Offer Request Ack; do
	grep -q "BOOTP / DHCP $t\$" <<<"$sums" || ko "no DHCP $t in the capture: $sums"
done
if out=$($CHECK dissect "$WC" "$TMP/dhcp.pcap" 2>&1); then ok "udhcpc <-> dnsmasq: $out"; else ko "dissection: $out"; fi
# who sent what: the client's frames are A's MAC
tcpdump -r "$TMP/dhcp.pcap" -w "$TMP/client.pcap" ether src 0a:00:00:00:00:01 2>/dev/null
tcpdump -r "$TMP/dhcp.pcap" -w "$TMP/server.pcap" ether src 0a:00:00:00:00:02 2>/dev/null
if out=$($CHECK match "$WC" "$TMP/client.pcap" "$TMP/server.pcap" 2>&1); then
	ok "match: $out"
else
	ko "match: $out"
fi
n=$("$WC" match --no-check-ipaddr "$TMP/client.pcap" "$TMP/server.pcap" | grep -c "DHCP Discover ==> .*DHCP Offer\|DHCP Request ==> .*DHCP Ack")
[ "$n" -ge 2 ] && ok "match --no-check-ipaddr: DISCOVER->OFFER and REQUEST->ACK ($n pairs)" ||
	ko "match --no-check-ipaddr: $n DISCOVER->OFFER / REQUEST->ACK pairs"
n=$("$WC" match "$TMP/client.pcap" "$TMP/server.pcap" | tail -1)
[[ "$n" == *"got 0 answers"* ]] && ok "match with checkIPaddr: no pairs for the broadcast exchange, as Scapy" ||
	ko "match with checkIPaddr: $n"

# ---- 2. sr: a relayed DISCOVER built by wirecraft ---------------------------------------------
XID=0x5eed1234
A 30 "$WC" sr -i "$IFA" --timeout 2 --json -w "$TMP/sr-dhcp.pcap" \
	"IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(sport=67,dport=67)/BOOTP(xid=$XID,giaddr=\"198.18.0.1\",chaddr=b\"\\x02\\x00\\x00\\x00\\x00\\x42\")/DHCP(options=[(\"message-type\",\"discover\"),(\"param_req_list\",[1,3,6]),\"end\"])" \
	>"$TMP/sr-dhcp.json" 2>"$TMP/sr-dhcp.err"
rc=$?
out=$("$PY" - "$TMP/sr-dhcp.json" "$XID" <<'EOS'
import ipaddress, json, sys
pairs = [o for o in map(json.loads, open(sys.argv[1])) if "reply" in o]
if len(pairs) != 1:
    sys.exit("%d pairs, want 1" % len(pairs))
q = {l["layer"]: l["fields"] for l in pairs[0]["request"]}
r = {l["layer"]: l["fields"] for l in pairs[0]["reply"]}
b, opts = r.get("BOOTP", {}), r.get("DHCP", {}).get("options", [])
why = []
if b.get("xid") != int(sys.argv[2], 16) or b["xid"] != q["BOOTP"]["xid"]: why.append("xid %r" % b.get("xid"))
if b.get("op") != 2: why.append("op %r" % b.get("op"))
ya = ipaddress.ip_address(b.get("yiaddr", "0.0.0.0"))
if not ipaddress.ip_address("198.18.0.100") <= ya <= ipaddress.ip_address("198.18.0.150"):
    why.append("yiaddr %s outside the range" % ya)
if ["message-type", 2] not in opts: why.append("not an offer: %r" % opts[:2])
if ["server_id", "198.18.0.2"] not in opts: why.append("server_id")
if (r["IP"]["src"], r["IP"]["dst"], r["UDP"]["dport"]) != ("198.18.0.2", "198.18.0.1", 67):
    why.append("not back to the relay")
print("; ".join(why) if why else "OFFER of %s, xid %#x" % (ya, b["xid"]))
sys.exit(1 if why else 0)
EOS
)
st=$?
if [ "$rc" -eq 0 ] && [ "$st" -eq 0 ] && [[ "$out" == OFFER* ]]; then ok "sr DISCOVER -> dnsmasq: $out"; else cat "$TMP/sr-dhcp.err"; ko "sr DISCOVER: rc $rc: $out"; fi
if out=$($CHECK dissect "$WC" "$TMP/sr-dhcp.pcap" 2>&1); then ok "sr DHCP pair: $out"; else ko "sr DHCP pair: $out"; fi

# ---- 3. chronyd and an NTP query --------------------------------------------------------------
cat >"$TMP/chrony.conf" <<EOS
# a private NTP server: no upstream sources, its own files; chronyd -x never sets the clock
local stratum 8
allow 198.18.0.0/15
bindaddress 198.18.0.2
cmdport 0
driftfile $TMP/chrony.drift
pidfile $TMP/chronyd.pid
EOS
timeout 60 "$ROOT"/scripts/netns.sh -n "$NAME" exec b chronyd -x -d -f "$TMP/chrony.conf" -u root >"$TMP/chronyd.out" 2>&1 &
BG="$BG $!"
wait_for "$TMP/chronyd.out" "Disabled control of system clock" || { cat "$TMP/chronyd.out"; ko "chronyd did not start with -x"; finish; }
ok "chronyd serves NTP in namespace B, clock control disabled"
SENT=3900000000
for try in 1 2 3; do # chronyd may still be opening its socket: a few tries, each bounded
	A 30 "$WC" sr -i "$IFA" --timeout 1 --json -w "$TMP/sr-ntp.pcap" \
		"IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(dport=123)/NTP(sent=$SENT)" \
		>"$TMP/sr-ntp.json" 2>"$TMP/sr-ntp.err"
	grep -q '"reply"' "$TMP/sr-ntp.json" && break
	sleep 0.5
done
out=$("$PY" - "$TMP/sr-ntp.json" "$SENT" <<'EOS'
import json, sys
pairs = [o for o in map(json.loads, open(sys.argv[1])) if "reply" in o]
if len(pairs) != 1:
    sys.exit("%d pairs, want 1" % len(pairs))
q = {l["layer"]: l["fields"] for l in pairs[0]["request"]}["NTPHeader"]
r = {l["layer"]: l["fields"] for l in pairs[0]["reply"]}.get("NTPHeader", {})
why = []
if q["sent"] != int(sys.argv[2]) << 32: why.append("our sent %r" % q["sent"])
if r.get("mode") != 4: why.append("mode %r" % r.get("mode"))
if r.get("stratum") != 8: why.append("stratum %r" % r.get("stratum"))
if r.get("orig") != q["sent"]: why.append("orig %r, our sent %r" % (r.get("orig"), q["sent"]))
if not r.get("recv") or not r.get("sent"): why.append("no server timestamps")
print("; ".join(why) if why else "mode 4, stratum 8, orig = our sent")
sys.exit(1 if why else 0)
EOS
)
[[ "$out" == "mode 4"* ]] && ok "sr NTP -> chronyd: $out" || { cat "$TMP/sr-ntp.err"; ko "sr NTP: $out"; }
if out=$($CHECK dissect "$WC" "$TMP/sr-ntp.pcap" 2>&1); then ok "sr NTP pair: $out"; else ko "sr NTP pair: $out"; fi

stop_servers
for p in dnsmasq chronyd; do
	[ -s "$TMP/$p.pid" ] && kill -0 "$(cat "$TMP/$p.pid")" 2>/dev/null && ko "$p still running after stop"
done
finish
