#!/usr/bin/env bash
# wirecraft scan --probe udp:MODULE, live, against real servers from the distribution in
# namespace B (A scans), each with a private configuration in a temp dir:
#   - dnsmasq (--conf-file=/dev/null --no-resolv --no-hosts --address=/a.example/198.18.0.99,
#     an AAAA and a TXT record): udp:dns with --probe-args a.example reports NOERROR, 1 answer
#     and the A record that `dig +short` gets; AAAA,a.example and TXT,t.example (ZMap's
#     TYPE,NAME) the AAAA and the TXT strings dig gets;
#   - chronyd (no upstream, local stratum 8, -x: never touches the host's clock): udp:ntp
#     reports mode 4 and the stratum `chronyc tracking` shows;
#   - snmpd (agentAddress udp:198.18.0.2:161, community public): udp:snmp (v2c) and udp:snmp1
#     report the sysDescr `snmpget` gets;
#   - nmbd from samba (netbios name WCTEST, workgroup WCGROUP, its own directories in the temp
#     dir): udp:netbios-ns reports the first unique name, the first group name and the MAC
#     that `nmblookup -A` lists;
#   - memcached (UDP on 11211, -l 198.18.0.2, 8 MB): udp:memcached reports the version that
#     the same binary's `memcached -V` prints;
#   - every answer carries its amplification factor (reply bytes / probe bytes, UDP payloads),
#     checked against the sizes on the wire (tcpdump in B); a port without a server is
#     reported as port-unreach only with --all-replies.
#
# Root only (CI=true: a skip is a failure). Bounded: every command has a timeout; the servers
# and namespaces go away on any exit. Addresses: 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcu$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-udp-probes

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump tshark dig snmpget chronyc /usr/sbin/dnsmasq \
	/usr/sbin/chronyd /usr/sbin/snmpd /usr/bin/memcached /usr/sbin/nmbd nmblookup "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-udpp.XXXXXX)
chmod 755 "$TMP"
RPID="" BG=""
stop_servers() {
	for p in $BG; do kill "$p" 2>/dev/null; done
	sleep 0.3
}
trap 'stop_servers; wc_net_cleanup' EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 ||
		{ cat "$TMP/make.log"; ko "build"; finish; }
fi
$NS up >/dev/null || { ko "netns up"; finish; }
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }
bg_b() { $NS exec b "$@" & BG="$BG $!"; }
wait_udp() { # PORT
	for _ in $(seq 100); do
		B 2 ss -Hlun "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# ---- the servers ------------------------------------------------------------------------------
bg_b /usr/sbin/dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--listen-address=198.18.0.2 --bind-interfaces --port=53 --address=/a.example/198.18.0.99 \
	--address=/a.example/2001:db8::99 --txt-record=t.example,"v=spf1 -all","wirecraft test" \
	--pid-file="$TMP/dnsmasq.pid" --user=root --group=root 2>"$TMP/dnsmasq.err"
cat >"$TMP/chrony.conf" <<EOF
local stratum 8
allow all
bindaddress 198.18.0.2
port 123
bindcmdaddress 198.18.0.2
cmdport 323
cmdallow all
pidfile $TMP/chronyd.pid
EOF
bg_b /usr/sbin/chronyd -d -x -u root -f "$TMP/chrony.conf" 2>"$TMP/chronyd.err"
mkdir -p "$TMP/snmp"
cat >"$TMP/snmpd.conf" <<EOF
agentAddress udp:198.18.0.2:161
rocommunity public default
sysDescr wirecraft test agent: UDP probe modules
EOF
SNMP_PERSISTENT_DIR=$TMP/snmp bg_b /usr/sbin/snmpd -f -Lo -C -c "$TMP/snmpd.conf" \
	-p "$TMP/snmpd.pid" -M /dev/null >"$TMP/snmpd.out" 2>&1
# UDP is off by default since memcached 1.5.6 (-U turns it on); TCP on a port of its own
bg_b /usr/bin/memcached -U 11211 -p 11212 -l 198.18.0.2 -m 8 -u root 2>"$TMP/memcached.err"
mkdir -p "$TMP/smb/lock" "$TMP/smb/state" "$TMP/smb/cache" "$TMP/smb/private"
cat >"$TMP/smb.conf" <<EOF
[global]
netbios name = WCTEST
workgroup = WCGROUP
interfaces = 198.18.0.2/24
bind interfaces only = yes
lock directory = $TMP/smb/lock
state directory = $TMP/smb/state
cache directory = $TMP/smb/cache
private dir = $TMP/smb/private
pid directory = $TMP/smb
ncalrpc dir = $TMP/smb/ncalrpc
log file = $TMP/smb/nmbd.log
EOF
bg_b /usr/sbin/nmbd -F --no-process-group -s "$TMP/smb.conf" >"$TMP/nmbd.err" 2>&1
for p in 53 123 161 11211 137; do
	wait_udp $p || { ko "a server on UDP port $p"; cat "$TMP"/*.err "$TMP/snmpd.out"; finish; }
done
ok "dnsmasq, chronyd, snmpd, memcached and nmbd listen in B"

# ---- what the real clients see ----------------------------------------------------------------
DIG=$(A 10 dig +short +tries=1 +time=2 @198.18.0.2 a.example A)
[ "$DIG" = 198.18.0.99 ] && ok "dig: a.example A $DIG" || ko "dig says '$DIG'"
DIG6=$(A 10 dig +short +tries=1 +time=2 @198.18.0.2 a.example AAAA)
DIGT=$(A 10 dig +short +tries=1 +time=2 @198.18.0.2 t.example TXT)
[ "$DIG6" = 2001:db8::99 ] && [ -n "$DIGT" ] && ok "dig: AAAA $DIG6, TXT $DIGT" ||
	ko "dig says AAAA '$DIG6' TXT '$DIGT'"
STRATUM=""
for _ in $(seq 30); do # chronyd takes a moment to settle on its local reference
	STRATUM=$(A 5 chronyc -h 198.18.0.2 -p 323 -n tracking 2>/dev/null | sed -n 's/^Stratum *: *//p')
	[ -n "$STRATUM" ] && [ "$STRATUM" != 0 ] && break
	sleep 0.2
done
[ -n "$STRATUM" ] && ok "chronyc tracking: stratum $STRATUM" || ko "chronyc tracking: no stratum"
mkdir -p "$TMP/snmpc" # the client's persistent files too: never /var/lib/snmp
DESCR=$(SNMP_PERSISTENT_DIR=$TMP/snmpc A 10 snmpget -v2c -c public -Oqv -t 2 -r 1 198.18.0.2 1.3.6.1.2.1.1.1.0 2>/dev/null | tr -d '"')
[ -n "$DESCR" ] && ok "snmpget: sysDescr $DESCR" || ko "snmpget: no sysDescr"
# nmblookup -A: the name table, "NAME <xx> - [<GROUP>] B <ACTIVE>", then "MAC Address = ..."
A 10 nmblookup -s "$TMP/smb.conf" -A 198.18.0.2 >"$TMP/nmblookup" 2>&1
NBU=$(awk '/<ACTIVE>/ && !/<GROUP>/ {print $1; exit}' "$TMP/nmblookup")
NBG=$(awk '/<ACTIVE>/ && /<GROUP>/ {print $1; exit}' "$TMP/nmblookup")
NBM=$(sed -n 's/.*MAC Address = *//p' "$TMP/nmblookup" | tr 'A-F' 'a-f')
[ -n "$NBU" ] && [ -n "$NBG" ] && [ -n "$NBM" ] && ok "nmblookup -A: $NBU, group $NBG, MAC $NBM" ||
	ko "nmblookup -A: $(cat "$TMP/nmblookup")"
MCV=$(/usr/bin/memcached -V | sed -n 's/^memcached //p')
[ -n "$MCV" ] && ok "memcached -V: $MCV" || ko "memcached -V says nothing"

# ---- the scans, with B capturing what comes and goes on UDP -----------------------------------
$NS exec b tcpdump -i "$IFB" -n -U --immediate-mode -w "$TMP/b.pcap" 'udp' 2>"$TMP/td.err" &
TD=$!
BG="$BG $TD"
for _ in $(seq 150); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
grep -q listening "$TMP/td.err" || ko "tcpdump in B does not start: $(cat "$TMP/td.err")"
sleep 0.3 # "listening" is printed just before the capture loop starts
scan() { # NAME ARGS...: a scan of B, JSON lines into $TMP/NAME.json
	local n=$1
	shift
	A 30 "$WC" scan -i "$IFA" 198.18.0.2 --allow-reserved -q -O json -o "$TMP/$n.json" "$@" \
		2>"$TMP/$n.err" || ko "scan $n: $(cat "$TMP/$n.err")"
}
scan dns --probe udp:dns --probe-args a.example
scan dns6 --probe udp:dns --probe-args AAAA,a.example
scan dnstxt --probe udp:dns --probe-args txt,t.example
scan ntp --probe udp:ntp
scan snmp --probe udp:snmp
scan snmp1 --probe udp:snmp1
scan memcached --probe udp:memcached
scan nbns --probe udp:netbios-ns
scan closed --probe udp:dns -p 5353 --all-replies
# the existing payload files get the sizes and the amplification too (the dns query, by hand)
printf '53 57 43 01 00 00 01 00 00 00 00 00 00 01 61 07 65 78 61 6d 70 6c 65 00 00 01 00 01\n' \
	>"$TMP/payloads"
scan file --probe udp --udp-payloads "$TMP/payloads" -p 53 -f saddr,sport,reply_bytes,probe_bytes,amp
sleep 1
kill -INT $TD 2>/dev/null
wait $TD 2>/dev/null

field() { # NAME FIELD
	"$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    print(json.loads(l).get(sys.argv[2], ""))' "$TMP/$1.json" "$2"
}
for n in dns ntp snmp snmp1 memcached nbns; do
	[ "$(wc -l <"$TMP/$n.json")" -eq 1 ] && ok "udp:$n: one answer: $(cat "$TMP/$n.json")" ||
		ko "udp:$n: $(cat "$TMP/$n.json")"
done
[ "$(field dns service)" = dns ] && [ "$(field dns rcode)" = NOERROR ] &&
	[ "$(field dns ancount)" = 1 ] && ok "udp:dns: NOERROR, 1 answer" ||
	ko "udp:dns: service $(field dns service) rcode $(field dns rcode) ancount $(field dns ancount)"
[ "$(field dns banner)" = "NOERROR 1 answer A $DIG" ] && ok "udp:dns: the A record dig gets" ||
	ko "udp:dns: '$(field dns banner)'"
[ "$(field dns6 banner)" = "NOERROR 1 answer AAAA $DIG6" ] && ok "udp:dns AAAA,a.example: the AAAA dig gets" ||
	ko "udp:dns AAAA: '$(field dns6 banner)'"
[ "$(field dnstxt banner)" = "NOERROR 1 answer TXT $DIGT" ] && ok "udp:dns txt,t.example: the TXT strings dig gets" ||
	ko "udp:dns TXT: '$(field dnstxt banner)' (dig: $DIGT)"
[ "$(field ntp service)" = ntp ] && ok "udp:ntp: service ntp" || ko "udp:ntp: service '$(field ntp service)'"
NTP=$(field ntp banner)
case "$NTP" in
"NTPv4 stratum $STRATUM "*) ok "udp:ntp: '$NTP' (chronyc: stratum $STRATUM)" ;;
*) ko "udp:ntp: '$NTP', chronyc says stratum $STRATUM" ;;
esac
for n in snmp snmp1; do
	[ "$(field $n service)" = $n ] && [ "$(field $n banner)" = "$DESCR" ] &&
		ok "udp:$n: sysDescr = snmpget's" || ko "udp:$n: '$(field $n banner)' != '$DESCR'"
done
[ "$(field memcached service)" = memcached ] && [ "$(field memcached banner)" = "version $MCV" ] &&
	ok "udp:memcached: version $MCV, as memcached -V" ||
	ko "udp:memcached: service '$(field memcached service)' banner '$(field memcached banner)'"
[ "$(field nbns service)" = netbios-ns ] && [ "$(field nbns banner)" = "$NBU group $NBG mac $NBM" ] &&
	ok "udp:netbios-ns: '$(field nbns banner)', as nmblookup -A" ||
	ko "udp:netbios-ns: '$(field nbns banner)' (nmblookup: $NBU group $NBG mac $NBM)"
[ "$(field file probe_bytes)" = 27 ] && [ "$(field file reply_bytes)" = 43 ] &&
	[ "$(field file amp)" = 1.593 ] && ok "--udp-payloads: 43 bytes back for 27: amp 1.593" ||
	ko "--udp-payloads: $(cat "$TMP/file.json")"
[ "$(field closed classification)" = port-unreach ] && ok "a port without a server: port-unreach" ||
	ko "closed port: $(cat "$TMP/closed.json")"

# amplification: the sizes on the wire, request and answer per module port
tshark -r "$TMP/b.pcap" -T fields -e udp.srcport -e udp.dstport -e udp.length 2>/dev/null >"$TMP/sizes"
cat >"$TMP/amp.py" <<'PYEOF'
import json, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
out, bad = [], []
for n, port in (("dns", "53"), ("ntp", "123"), ("snmp", "161"), ("memcached", "11211"),
                ("nbns", "137")):
    r = json.loads(open(f"{sys.argv[2]}/{n}.json").readline())
    sent = [int(x[2]) - 8 for x in rows if x[1] == port]
    back = [int(x[2]) - 8 for x in rows if x[0] == port]
    want = round(back[0] / sent[0], 3) if sent and back else None
    out.append(f"{n} {r.get('reply_bytes')}/{r.get('probe_bytes')} = {r.get('amp')}")
    if not sent or not back or r["probe_bytes"] != sent[0] or r["reply_bytes"] != back[0] \
            or abs(r["amp"] - want) > 0.0005:
        bad.append(n)
print(", ".join(out) + (f"; wrong: {bad}" if bad else ""))
sys.exit(1 if bad else 0)
PYEOF
"$PY" "$TMP/amp.py" "$TMP/sizes" "$TMP" >"$TMP/amp" &&
	ok "amplification = wire sizes: $(cat "$TMP/amp")" || ko "amplification: $(cat "$TMP/amp")"

finish
