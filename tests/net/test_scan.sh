#!/usr/bin/env bash
# wirecraft scan, live, on a private veth pair (namespaces A and B; A scans, B answers):
#   1. the XDP reflector in B plays 198.18.0.0/16 and 2001:db8::/64 with known open ports (A has
#      the /16 on-link): a /16 x 8 ports and a 2001:db8::/112 x 4 ports at the top rate of the path
#      report every open (address, port) exactly once and nothing else; ICMP and ICMPv6 echo and
#      UDP (payloads per port from a file) the same; JSON and pcap outputs, metadata;
#   2. sharding: 3 shards with one seed give disjoint outputs whose union is the unsharded scan;
#   3. resume: a scan stopped by SIGINT saves a state, and the same command with --resume gives
#      the rest: both outputs together are exactly one uninterrupted run's, nothing twice; the
#      same with a retry pass to come;
#   4. B's own kernel stack (no reflector): ports 1-65535 of its IPv4 and IPv6 addresses find
#      exactly its listening sockets; SYN-ACK retransmissions are answers reported once;
#   5. blocklisted targets are never probed: tcpdump on B sees every allowed target probed once
#      and no blocked one; the default blocklist refuses reserved ranges without --allow-reserved.
#
# Root only (CI=true: not being root, or a missing tool, is a failure, not a skip). Bounded: every
# command has a timeout, the reflector a --duration; the namespaces go away on any exit. Addresses:
# 198.18.0.0/15 and 2001:db8::/32 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcn$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-scan

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump tshark "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-scan.XXXXXX)
RPID="" BG=""
trap wc_net_cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft build/bpf/reflect.bpf.o >"$TMP/make.log" 2>&1 ||
		{ cat "$TMP/make.log"; ko "build"; finish; }
fi
timeout 5 "$WC" scan --help >/dev/null 2>&1 || { ko "'$WC scan' is not a command"; finish; }

$NS up >/dev/null || { ko "netns up"; finish; }
# the reflector's whole /16 is on-link for A (its /64 already is)
ip -n "$NAME-a" route add 198.18.0.0/16 dev "$IFA"
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }

OPEN=22,80,443,8443
start_reflector() {
	$NS exec b "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 --hosts6 2001:db8::/64 \
		--open tcp:$OPEN --icmp --udp-open 53 --duration 240 --interval 0 \
		>"$TMP/reflect.out" 2>"$TMP/reflect.err" &
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

# A's own addresses are no target of its scans (the reflector would answer for them too)
printf '# A itself\n198.18.0.1\n2001:db8::1\n' >"$TMP/self.blk"

# ---- the checker: a result file against the truth -------------------------------------------
# check.py FORMAT FILE key=... : FORMAT csv|json|text; the truth is described by
#   net=CIDR[,CIDR]  ports=P,P  minus=ADDR,ADDR  (the reflector also leaves out the network and
#   broadcast addresses of its IPv4 /16 and B's own addresses)
cat >"$TMP/check.py" <<'EOF'
import csv, ipaddress, json, sys
fmt, path = sys.argv[1], sys.argv[2]
args = dict(a.split("=", 1) for a in sys.argv[3:])
def rows():
    if fmt == "csv":
        return [(r["saddr"], int(r["sport"]), r) for r in csv.DictReader(open(path))]
    if fmt == "json":
        out = []
        for line in open(path):
            o = json.loads(line)
            out.append((o["saddr"], int(o.get("sport", 0)), o))
        return out
    return [(l.split()[0], int(l.split()[1]), l) for l in open(path) if l.strip()]
got = rows()
keys = [(str(ipaddress.ip_address(a)), p) for a, p, _ in got]
dups = len(keys) - len(set(keys))
truth = set()
if "net" in args:
    ports = [int(p) for p in args["ports"].split(",")]
    minus = {str(ipaddress.ip_address(a)) for a in args.get("minus", "").split(",") if a}
    for spec in args["net"].split(","):
        n = ipaddress.ip_network(spec)
        for a in (n.network_address + i for i in range(n.num_addresses)):
            if a.version == 4 and (int(a) & 0xffff) in (0, 0xffff):
                continue  # the reflector's /16: network and broadcast
            if str(a) in minus:
                continue
            for p in ports:
                truth.add((str(a), p))
if "file" in args:
    for l in open(args["file"]):
        a, p = l.split()
        truth.add((str(ipaddress.ip_address(a)), int(p)))
if "dump" in args:
    with open(args["dump"], "w") as f:
        for a, p in sorted(set(keys)):
            f.write("%s %d\n" % (a, p))
got_set = set(keys)
missing, extra = truth - got_set, got_set - truth
if "truth" in args and args["truth"] == "none":
    missing, extra = set(), set()
bad = []
if fmt == "csv" and got:
    for a, p, r in got:
        if r["classification"] != "synack" or r["success"] != "1":
            bad.append("%s:%d %s" % (a, p, r["classification"])); break
print("rows %d distinct %d truth %d missing %d extra %d dups %d %s%s%s" % (
    len(got), len(got_set), len(truth), len(missing), len(extra), dups,
    ("missing e.g. %s " % sorted(missing)[:3]) if missing else "",
    ("extra e.g. %s " % sorted(extra)[:3]) if extra else "", " ".join(bad)))
sys.exit(0 if not missing and not extra and not dups and not bad else 1)
EOF
check() { # NAME FORMAT FILE key=...
	local name=$1 out
	shift
	if out=$("$PY" "$TMP/check.py" "$@" 2>&1); then ok "$name: $out"; else ko "$name: $out"; fi
}
meta() { # FILE KEY -> value
	"$PY" -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(json.dumps(v) if isinstance(v,(bool,dict)) or v is None else v)' "$1" "$2"
}

# ---- the default blocklist ---------------------------------------------------------------
A 10 "$WC" scan -i "$IFA" -p 80 198.18.0.0/24 >"$TMP/res.out" 2>"$TMP/res.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "reserved" "$TMP/res.err" && [ ! -s "$TMP/res.out" ]; then
	ok "reserved ranges refused without --allow-reserved: $(head -c 100 "$TMP/res.err")"
else
	ko "reserved ranges: rc $rc, $(cat "$TMP/res.err")"
fi
A 10 "$WC" scan -i "$IFA" -p 80 >/dev/null 2>"$TMP/res.err"
[ $? -eq 2 ] && grep -q "no targets" "$TMP/res.err" && ok "no targets: refused" || ko "no targets: $(cat "$TMP/res.err")"
A 10 "$WC" scan -i "$IFA" -p 80 --allow-reserved=198.51.100.0/24 198.18.0.0/24 >/dev/null 2>&1
[ $? -eq 1 ] && ok "--allow-reserved=CIDR opens only that range" || ko "--allow-reserved=CIDR"

# ---- 1. against the reflector ----------------------------------------------------------------
start_reflector || { ko "reflector starts"; finish; }
ok "reflector attached"

PORTS8=21,22,23,80,443,3389,8080,8443
A 60 "$WC" scan -i "$IFA" -p $PORTS8 198.18.0.0/16 --allow-reserved=198.18.0.0/15 -b "$TMP/self.blk" \
	--rate max -o "$TMP/v4.csv" --metadata "$TMP/v4.json" 2>"$TMP/v4.err"
rc=$?
[ $rc -eq 0 ] || ko "IPv4 /16 x 8 ports: rc $rc: $(tail -3 "$TMP/v4.err")"
check "IPv4 /16 x 8 ports at --rate max: every open pair once, nothing else" csv "$TMP/v4.csv" \
	net=198.18.0.0/16 ports=$OPEN minus=198.18.0.1,198.18.0.2
if [ -s "$TMP/v4.json" ]; then
	sent=$(meta "$TMP/v4.json" sent) drops=$(meta "$TMP/v4.json" drops)
	pps=$(meta "$TMP/v4.json" send_pps) secs=$(meta "$TMP/v4.json" duration_s)
	probed=$(meta "$TMP/v4.json" targets_probed) rep=$(meta "$TMP/v4.json" repair_passes)
	# a veth drops when its peer's softirq runs late (a loaded host): the scan must say so and
	# repair it with a pass over the few silent targets
	[ "$probed" = $((65535 * 8)) ] && [ "$(meta "$TMP/v4.json" complete)" = true ] &&
		{ [ "$drops" = 0 ] || [ "$rep" -ge 1 ]; } &&
		ok "IPv4 metadata: $probed targets, $sent probes, $drops dropped by the device ($rep repair passes), $pps probes/s, $secs s in all" ||
		ko "IPv4 metadata: $(cat "$TMP/v4.json")"
	# the progress line comes once a second while sending: this scan, on a quiet machine, can
	# end before the first (0.97 s seen); a paced one of 1.6 s cannot
	A 30 "$WC" scan -i "$IFA" -p 22,80 198.18.8.0/21 --allow-reserved=198.18.0.0/15 \
		-b "$TMP/self.blk" --rate 2500 -o /dev/null 2>"$TMP/prog.err"
	grep -q '^wirecraft: scan .*%.* sent .* pps.* replies .* hits .* drops .* ETA' "$TMP/prog.err" &&
		ok "progress line on stderr" || ko "progress line: $(head -3 "$TMP/prog.err")"
else
	ko "no metadata"
fi
[ -z "$(ls "$TMP" | grep '\.tmp\.')" ] && ok "no temporary files left" || ko "temporary files left: $(ls "$TMP")"

A 60 "$WC" scan -i "$IFA" -p 22,80,443,8080 2001:db8::/112 --allow-reserved -b "$TMP/self.blk" \
	--rate max -O json -o "$TMP/v6.json" --metadata "$TMP/v6.meta" -q 2>"$TMP/v6.err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$TMP/v6.err" ] && ok "IPv6 scan, -q: nothing on stderr" || ko "IPv6 /112: rc $rc: $(tail -3 "$TMP/v6.err")"
check "IPv6 /112 x 4 ports at --rate max (JSON lines): every open pair once, nothing else" json \
	"$TMP/v6.json" net=2001:db8::/112 ports=22,80,443 minus=2001:db8::1,2001:db8::2
echo "   IPv6: $(meta "$TMP/v6.meta" send_pps) probes/s, drops $(meta "$TMP/v6.meta" drops)"

# ICMP and ICMPv6 echo: every host of the range once
A 30 "$WC" scan -q -i "$IFA" --probe icmp-echo 198.18.7.0/24 --allow-reserved -b "$TMP/self.blk" \
	-O text -f saddr,sport,classification >"$TMP/echo4.txt"
check "icmp-echo /24: every host once" text "$TMP/echo4.txt" net=198.18.7.0/24 ports=0
A 30 "$WC" scan -q -i "$IFA" --probe icmpv6-echo 2001:db8::/120 --allow-reserved -b "$TMP/self.blk" \
	-O text -f saddr,sport,classification >"$TMP/echo6.txt"
check "icmpv6-echo /120: every host once" text "$TMP/echo6.txt" net=2001:db8::/120 ports=0 \
	minus=2001:db8::1,2001:db8::2
grep -qv " echo-reply$" "$TMP/echo4.txt" && ko "echo classification: $(head -2 "$TMP/echo4.txt")" || ok "echo classification"

# UDP with payloads per port: the reflector echoes 53, answers port unreachable elsewhere
printf '# DNS-ish\n53 12 34 01 00 00 01 00 00 00 00 00 00\ndefault "wirecraft"\n' >"$TMP/payloads"
A 30 "$WC" scan -q -i "$IFA" --probe udp -p 53,54 --udp-payloads "$TMP/payloads" 198.18.8.0/26 \
	--allow-reserved -O text -f saddr,sport,classification >"$TMP/udp.txt"
check "udp: port 53 answers (echo), 54 does not count" text "$TMP/udp.txt" net=198.18.8.0/26 ports=53
A 30 "$WC" scan -q -i "$IFA" --probe udp -p 53,54 --udp-payloads "$TMP/payloads" 198.18.8.0/26 \
	--allow-reserved --all-replies -O text -f saddr,tport,classification >"$TMP/udpall.txt"
n_unr=$(grep -c " 54 port-unreach$" "$TMP/udpall.txt")
n_udp=$(grep -c " 53 udp$" "$TMP/udpall.txt")
[ "$n_unr" = 64 ] && [ "$n_udp" = 64 ] && ok "udp --all-replies: 64 udp + 64 port-unreach (through the quoted header)" ||
	ko "udp --all-replies: $n_udp udp, $n_unr port-unreach: $(head -3 "$TMP/udpall.txt")"

# an expression as the probe: the cookie goes in the field the user left free
A 30 "$WC" scan -q -i "$IFA" --probe 'IP(ttl=33)/TCP(flags="S",window=1024)/"hi"' -p 80,81 \
	198.18.9.0/28 --allow-reserved -O text -f saddr,sport,classification >"$TMP/expr.txt"
check "expression probe (TCP SYN with a payload)" text "$TMP/expr.txt" net=198.18.9.0/28 ports=80

# pcap of the answers, readable by tshark, one per target
A 30 "$WC" scan -q -i "$IFA" -p 80 198.18.10.0/26 --allow-reserved -O pcap -o "$TMP/ans.pcap"
n=$(tshark -r "$TMP/ans.pcap" -Y "tcp.flags.syn==1 && tcp.flags.ack==1" 2>/dev/null | wc -l)
[ "$n" = 64 ] && ok "-O pcap: 64 SYN-ACKs" || ko "-O pcap: $n SYN-ACKs"

# retries: a second pass probes only the silent (here: the closed-and-silent port 9 of a host set
# that answers; with everything answered, the retry pass sends nothing)
A 60 "$WC" scan -q -i "$IFA" -p 80,9 198.18.11.0/24 --allow-reserved --retries 2 -o "$TMP/rt.csv" \
	--metadata "$TMP/rt.json"
s=$(meta "$TMP/rt.json" sent) r=$(meta "$TMP/rt.json" replies)
[ "$s" = 512 ] && [ "$r" = 512 ] && ok "--retries 2 with every target answering: 512 probes, no resend" ||
	ko "--retries: sent $s replies $r"
check "--retries output" csv "$TMP/rt.csv" net=198.18.11.0/24 ports=80

# ---- 2. sharding -----------------------------------------------------------------------------
SH="198.18.16.0/20 --allow-reserved -p 22,80,443,8080 --seed 4242 --rate max -q"
A 60 "$WC" scan -i "$IFA" $SH -O text -f saddr,sport -o "$TMP/sh-all.txt"
for i in 0 1 2; do
	A 60 "$WC" scan -i "$IFA" $SH --shards 3 --shard $i -O text -f saddr,sport -o "$TMP/sh-$i.txt"
done
A 60 env JOB_COMPLETION_INDEX=1 "$WC" scan -i "$IFA" $SH --shards 3 --shard env:JOB_COMPLETION_INDEX \
	-O text -f saddr,sport -o "$TMP/sh-env.txt"
check "unsharded /20" text "$TMP/sh-all.txt" net=198.18.16.0/20 ports=22,80,443
cat "$TMP"/sh-[012].txt >"$TMP/sh-union.txt"
check "3 shards: disjoint, union = the unsharded scan" text "$TMP/sh-union.txt" file=<(sort "$TMP/sh-all.txt")
sizes=$(wc -l <"$TMP/sh-0.txt"),$(wc -l <"$TMP/sh-1.txt"),$(wc -l <"$TMP/sh-2.txt")
[ "$(sort "$TMP/sh-env.txt")" = "$(sort "$TMP/sh-1.txt")" ] && ok "--shard env:JOB_COMPLETION_INDEX (sizes $sizes)" ||
	ko "--shard env:JOB_COMPLETION_INDEX"

# ---- 3. resume after SIGINT ------------------------------------------------------------------
RS="198.18.32.0/19 --allow-reserved -p 22,80 --seed 99 --rate 5000"
resume_case() { # NAME EXTRA-ARGS
	local name=$1 extra=$2 pid rc1 rc2
	rm -f "$TMP/st" "$TMP/r1.csv" "$TMP/r2.csv"
	$NS exec a "$WC" scan -i "$IFA" $RS $extra -q -o "$TMP/r1.csv" --state "$TMP/st" 2>"$TMP/r1.err" &
	pid=$!
	sleep 1.5
	kill -INT "$pid"
	wait "$pid"
	rc1=$?
	if [ $rc1 -ne 130 ] || [ ! -s "$TMP/st" ] || ! grep -q '^complete 0' "$TMP/st"; then
		ko "$name: SIGINT: rc $rc1, state: $(head -c 300 "$TMP/st" 2>&1) $(cat "$TMP/r1.err")"
		return
	fi
	A 60 "$WC" scan -i "$IFA" $RS $extra -q -o "$TMP/r2.csv" --resume "$TMP/st" 2>"$TMP/r2.err"
	rc2=$?
	local n1 n2
	n1=$(($(wc -l <"$TMP/r1.csv") - 1)) n2=$(($(wc -l <"$TMP/r2.csv") - 1))
	[ $rc2 -eq 0 ] && grep -q '^complete 1' "$TMP/st" &&
		ok "$name: stopped with $n1 results, resumed with $n2 more" ||
		ko "$name: resume rc $rc2: $(cat "$TMP/r2.err")"
	{ cat "$TMP/r1.csv"; tail -n +2 "$TMP/r2.csv"; } >"$TMP/r12.csv"
	check "$name: stopped + resumed = one uninterrupted run, nothing twice" csv "$TMP/r12.csv" \
		net=198.18.32.0/19 ports=22,80
}
resume_case "resume" ""
resume_case "resume, a retry pass to come" "--retries 1"

# ---- 4. B's own kernel stack -----------------------------------------------------------------
stop_reflector
cat >"$TMP/listen.py" <<'EOF'
import socket, sys, time
ss = []
for spec in sys.argv[1:]:
    fam, port = spec.split(":")
    s = socket.socket(socket.AF_INET6 if fam == "6" else socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == "6":
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind(("2001:db8::2", int(port)))
    else:
        s.bind(("198.18.0.2", int(port)))
    s.listen(64)
    ss.append(s)
print("listening", flush=True)
time.sleep(60)
EOF
B 70 "$PY" "$TMP/listen.py" 4:1 4:22 4:8080 4:31337 4:65535 6:22 6:443 6:50000 >"$TMP/listen.out" 2>&1 &
BG="$BG $!"
for _ in $(seq 50); do grep -q listening "$TMP/listen.out" && break; sleep 0.1; done
printf '198.18.0.2 1\n198.18.0.2 22\n198.18.0.2 8080\n198.18.0.2 31337\n198.18.0.2 65535\n' >"$TMP/k4.truth"
printf '2001:db8::2 22\n2001:db8::2 443\n2001:db8::2 50000\n' >"$TMP/k6.truth"
for fam in 4 6; do
	addr=198.18.0.2; [ $fam = 6 ] && addr=2001:db8::2
	start=$(date +%s.%N)
	A 60 "$WC" scan -i "$IFA" -p 1-65535 $addr --allow-reserved --rate max -q -O text -f saddr,sport \
		-o "$TMP/k$fam.txt" --metadata "$TMP/k$fam.json"
	end=$(date +%s.%N)
	check "kernel IPv$fam: ports 1-65535 of $addr find exactly the listening sockets ($(echo "$end - $start" | bc) s in all, $(meta "$TMP/k$fam.json" send_pps) probes/s)" \
		text "$TMP/k$fam.txt" file="$TMP/k$fam.truth"
done
# the kernel resends its SYN-ACK (1 s later): answers again, reported once
A 30 "$WC" scan -i "$IFA" -p 22,8080 198.18.0.2 --allow-reserved --cooldown 2.5 -q -O text -f saddr,sport \
	-o "$TMP/rep.txt" --metadata "$TMP/rep.json"
rep=$(meta "$TMP/rep.json" repeats)
[ "${rep:-0}" -ge 2 ] && ok "SYN-ACK retransmissions: $rep repeats, each target once" || ko "repeats: $rep"
check "retransmitted answers reported once" text "$TMP/rep.txt" file=<(printf '198.18.0.2 22\n198.18.0.2 8080\n')

# ---- 5. blocklisted targets never probed (seen from B) ---------------------------------------
cat >"$TMP/blk" <<'EOF'
# a subnet, an address, a range
198.18.41.0/24
198.18.42.7
198.18.43.250-198.18.43.255
2001:db8::a:0/124
EOF
B 40 tcpdump -i "$IFB" -n -U -w "$TMP/blk.pcap" 'tcp dst port 80 or tcp dst port 81' >/dev/null 2>"$TMP/td.err" &
BG="$BG $!"
for _ in $(seq 50); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
# every probe to B's MAC: B's tcpdump sees them all (its kernel ignores addresses not its own)
A 60 "$WC" scan -i "$IFA" -p 80,81 198.18.40.0/22 2001:db8::a:0/120 --allow-reserved -b "$TMP/blk" \
	-G 0a:00:00:00:00:02 --cooldown 0.5 -q -o "$TMP/discard.csv" --metadata "$TMP/blk.json"
sleep 0.5
kill -INT ${BG##* } 2>/dev/null
wait ${BG##* } 2>/dev/null
tshark -r "$TMP/blk.pcap" -T fields -e ip.dst -e ipv6.dst -e tcp.dstport 2>/dev/null |
	awk '{print $1, $2}' >"$TMP/probed.txt"
"$PY" - "$TMP/probed.txt" <<'EOF' && ok "blocklist: $(cat "$TMP/blk.res")" || ko "blocklist: $(cat "$TMP/blk.res")"
import ipaddress, sys
probed = [tuple(l.split()) for l in open(sys.argv[1]) if l.strip()]
blocked = [ipaddress.ip_network(n) for n in ("198.18.41.0/24", "198.18.42.7/32", "2001:db8::a:0/124")]
def is_blocked(a):
    a = ipaddress.ip_address(a)
    if any(a in n for n in blocked if n.version == a.version):
        return True
    return a.version == 4 and ipaddress.ip_address("198.18.43.250") <= a <= ipaddress.ip_address("198.18.43.255")
allowed = set()
for net in ("198.18.40.0/22", "2001:db8::a:0/120"):
    for a in ipaddress.ip_network(net):
        if not is_blocked(str(a)):
            allowed |= {(str(a), "80"), (str(a), "81")}
got = [(str(ipaddress.ip_address(a)), p) for a, p in probed]
hit = [g for g in got if is_blocked(g[0])]
ok = not hit and set(got) == allowed and len(got) == len(allowed)
open(sys.argv[1].replace("probed.txt", "blk.res"), "w").write(
    "%d probes seen on B, %d allowed pairs, %d to blocked addresses%s" % (
        len(got), len(allowed), len(hit), "" if ok else " MISMATCH"))
sys.exit(0 if ok else 1)
EOF

# retries against silence (B's kernel drops what is not its own): every pass probes everyone
A 30 "$WC" scan -i "$IFA" -p 80 198.18.50.0/28 --allow-reserved -G 0a:00:00:00:00:02 --retries 2 \
	--cooldown 0.2 -q -o "$TMP/discard.csv" --metadata "$TMP/rs.json"
s=$(meta "$TMP/rs.json" sent)
[ "$s" = 48 ] && ok "--retries 2 against silence: 3 passes of 16 probes" || ko "--retries against silence: sent $s"

# a second scan on an interface a scan is using: refused in one line, the first one unharmed
A 30 "$WC" scan -i "$IFA" -p 80 198.18.60.0/24 --allow-reserved -G 0a:00:00:00:00:02 --rate 200 \
	-q -o "$TMP/first.csv" --metadata "$TMP/first.json" 2>"$TMP/first.err" &
first=$!
BG="$BG $first"
# busy once its program is on (its sockets are bound before that)
for _ in $(seq 100); do
	ip -n "$NAME-a" link show "$IFA" | grep -q xdp && break
	sleep 0.05
done
out=$(A 10 "$WC" scan -i "$IFA" -p 80 198.18.61.0/24 --allow-reserved -G 0a:00:00:00:00:02 -q \
	-o "$TMP/second.csv" 2>&1)
rc=$?
wait "$first"
frc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && grep -q "another XDP program" <<<"$out" &&
	[ ! -e "$TMP/second.csv" ] && [ $frc -eq 0 ] && [ "$(meta "$TMP/first.json" sent)" = 256 ]; then
	ok "second scan on a busy interface: one line, exit 1, no output; the first sent its 256"
else
	ko "second scan on a busy interface: rc=$rc '$out', first rc=$frc $(cat "$TMP/first.err")"
fi

finish
