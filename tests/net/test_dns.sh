#!/usr/bin/env bash
# DNS against a real server (issue 10): dnsmasq, started here in namespace B on 198.18.0.53
# with a private configuration that answers a.example with 198.18.0.99 from its own data and
# never forwards (no upstream servers, no resolv.conf, no hosts file, every domain local).
#
#   1. a real exchange captured with tcpdump in A (dig over UDP and TCP, A, AAAA, TXT and a
#      name dnsmasq does not know): wirecraft's dissection of every captured frame equals
#      Scapy 2.5's, field by field (compressed names included); `dissect --summary` prints
#      Scapy's summary lines; `match` pairs each query with its response as Scapy's
#      answers()/hashret() do (compared with Scapy's own pairing of the same capture);
#   2. `sr` and `sr1` send DNS queries from A (UDP, source port as sr's cookie, or pinned and
#      steered by the expected-reply map; IPv4 and IPv6) and pair the answers by DNS id: the
#      address dnsmasq returns, the id, qr, rcode for a name it does not know, a set of ids
#      each answered once.
#
# Root only (CI=true: a skip is a failure). Bounded: every command has a timeout; dnsmasq is
# killed at the end; the namespaces go away on any exit. Addresses: 198.18.0.0/15 and 2001:db8::/32 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcd$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
SRV=198.18.0.53
. tests/net/lib.sh
wc_test_begin net-dns

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump dig dnsmasq "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done
"$PY" -c 'import scapy' 2>/dev/null || skip_all "missing python3-scapy"

TMP=$(mktemp -d /tmp/wc-dns.XXXXXX)
RPID="" BG=""
chmod 755 "$TMP" # dnsmasq drops to nobody: its pid file is written before, its log after
trap wc_net_cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; ko "build"; finish; }
fi

$NS up >/dev/null || { ko "netns up"; finish; }
ip -n "$NAME-b" addr add "$SRV/32" dev "$IFB"
ip -n "$NAME-b" addr add 2001:db8::53/128 dev "$IFB" nodad
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }

# ---- dnsmasq: private configuration, answers from its own data only ------------------------
: >"$TMP/dnsmasq.log"
chmod 666 "$TMP/dnsmasq.log"
B 120 dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
	--local=/#/ --address=/a.example/198.18.0.99 --address=/a.example/2001:db8::99 --txt-record=t.a.example,"hello dns" \
	--listen-address="$SRV" --listen-address=2001:db8::53 --bind-interfaces --except-interface=lo --port=53 \
	--pid-file="$TMP/dnsmasq.pid" --cache-size=0 --log-queries --log-facility="$TMP/dnsmasq.log" \
	>"$TMP/dnsmasq.out" 2>&1 &
RPID=$!
for _ in $(seq 50); do
	[ -s "$TMP/dnsmasq.pid" ] && B 2 dig +short +tries=1 +time=1 "@$SRV" a.example >/dev/null 2>&1 && break
	kill -0 "$RPID" 2>/dev/null || break
	sleep 0.1
done
if ! kill -0 "$RPID" 2>/dev/null; then
	ko "dnsmasq did not start: $(cat "$TMP/dnsmasq.out")"
	finish
fi
ok "dnsmasq runs in B on $SRV (pid $(cat "$TMP/dnsmasq.pid"))"

# ---- 1. a real exchange, captured ----------------------------------------------------------
A 30 tcpdump -i "$IFA" -n -U --immediate-mode -w "$TMP/dns.pcap" "host $SRV and port 53" >/dev/null 2>"$TMP/td.err" &
TDP=$!
BG="$BG $TDP"
for _ in $(seq 50); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
got=$(A 5 dig +short +tries=1 +time=2 "@$SRV" a.example A)
[ "$got" = 198.18.0.99 ] && ok "dig: a.example is 198.18.0.99" || ko "dig a.example: '$got'"
A 5 dig +tries=1 +time=2 "@$SRV" a.example AAAA >/dev/null
A 5 dig +tries=1 +time=2 "@$SRV" t.a.example TXT >/dev/null
A 5 dig +tries=1 +time=2 "@$SRV" nx.example A >/dev/null
got=$(A 5 dig +tcp +short +tries=1 +time=2 "@$SRV" a.example A)
[ "$got" = 198.18.0.99 ] && ok "dig +tcp: a.example is 198.18.0.99" || ko "dig +tcp a.example: '$got'"
sleep 0.5
kill "$TDP" 2>/dev/null; wait "$TDP" 2>/dev/null
grep -Eq 'forwarded|to [0-9.]+#53' "$TMP/dnsmasq.log" && ko "dnsmasq forwarded a query: $(grep -E 'forwarded' "$TMP/dnsmasq.log" | head -1)"

# Scapy's dissection of each captured frame against wirecraft's, field by field; Scapy's
# summaries against `dissect --summary`; Scapy's pairing against `match`.
cat >"$TMP/compare.py" <<'EOF'
import json, subprocess, sys
sys.path.insert(0, sys.argv[1] + "/tests/oracle")
import logging; logging.getLogger("scapy").setLevel(logging.ERROR)
from scapy.all import rdpcap, Ether, DNS, TCP
import gen
gen._check_mac = lambda value, where: None  # the veth MACs are 0a:00:...
wc, pcap = sys.argv[2], sys.argv[3]
ser = gen.Serializer()
pkts = rdpcap(pcap)
bad = 0
def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append("%s.%s only in %s" % (path, k, "scapy" if k in a else "wirecraft"))
            else:
                diff(a[k], b[k], path + "." + k, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out)
    elif a != b:
        out.append("%s: scapy %r, wirecraft %r" % (path, a, b))
ndns = ncomp = 0
for i, p in enumerate(pkts):
    raw = bytes(p)
    want = ser.layers(Ether(raw), "frame %d" % (i + 1))
    got = json.loads(subprocess.check_output([wc, "dissect", "--json", raw.hex()]))
    out = []
    diff(want, got, "", out)
    if any(l["layer"] == "DNS" for l in want):
        ndns += 1
    if b"\xc0\x0c" in raw:
        ncomp += 1
    if out:
        bad += 1
        print("frame %d: %s" % (i + 1, "; ".join(out[:6])))
summ = subprocess.check_output([wc, "dissect", "-r", pcap, "--summary"]).decode().splitlines()
for i, p in enumerate(pkts):
    s = Ether(bytes(p)).summary()
    if i >= len(summ) or summ[i] != s:
        bad += 1
        print("frame %d summary: scapy %r, wirecraft %r" % (i + 1, s, summ[i] if i < len(summ) else None))
# Scapy's sr() pairing of the capture against itself: each frame, in order, answers the
# first not yet answered frame of the same hashret that it answers (no multi)
eth = [Ether(bytes(p)) for p in pkts]
answered, pairs = set(), []
for j, r in enumerate(eth):
    for i, s in enumerate(eth):
        if i not in answered and r.hashret() == s.hashret() and r.answers(s):
            answered.add(i)
            pairs.append((i + 1, j + 1))
            break
pairs.sort()
m = subprocess.check_output([wc, "match", "--json", pcap, pcap]).decode().splitlines()
mp = sorted((o["request_no"], o["reply_no"]) for o in map(json.loads, m) if "reply" in o)
if mp != pairs:
    bad += 1
    print("match: scapy pairs %s, wirecraft %s" % (pairs, mp))
print("frames=%d dns=%d compressed=%d pairs=%d bad=%d" % (len(pkts), ndns, ncomp, len(pairs), bad))
EOF
res=$("$PY" "$TMP/compare.py" "$ROOT" "$WC" "$TMP/dns.pcap" 2>&1)
last=$(tail -1 <<<"$res")
echo "$res" | grep -v '^frames=' | head -20
frames=$(sed -n 's/.*frames=\([0-9]*\).*/\1/p' <<<"$last")
comp=$(sed -n 's/.*compressed=\([0-9]*\).*/\1/p' <<<"$last")
pairs=$(sed -n 's/.*pairs=\([0-9]*\).*/\1/p' <<<"$last")
badn=$(sed -n 's/.*bad=\([0-9]*\).*/\1/p' <<<"$last")
[ "${frames:-0}" -ge 10 ] && [ "${comp:-0}" -ge 3 ] && [ "${badn:-1}" -eq 0 ] &&
	ok "capture: $frames frames ($comp with compressed names) dissect as Scapy's, summaries too" ||
	ko "capture: $last"
[ "${pairs:-0}" -ge 5 ] && [ "${badn:-1}" -eq 0 ] &&
	ok "match: the $pairs pairs of the capture (DNS over UDP and TCP), as Scapy's sr() pairs them" ||
	ko "match: $last"
sum=$("$WC" dissect -r "$TMP/dns.pcap" --summary 2>&1)
grep -q 'DNS Ans "198.18.0.99"' <<<"$sum" && grep -q "DNS Qry \"b'a.example.'\"" <<<"$sum" &&
	ok "dissect --summary: DNS Qry \"b'a.example.'\" / DNS Ans \"198.18.0.99\"" || ko "summary: $sum"

# ---- 2. sr and sr1 against dnsmasq -----------------------------------------------------------
A 30 "$WC" sr -i "$IFA" --json --timeout 2 \
	"IP(dst=\"$SRV\")/UDP()/DNS(id=[101, 102, 103], qd=DNSQR(qname=\"a.example\"))" \
	>"$TMP/sr.json" 2>"$TMP/sr.err"
cat >"$TMP/srcheck.py" <<'EOF'
import json, sys
want_rcode, want_rdata, ids = int(sys.argv[2]), sys.argv[3], set(int(x) for x in sys.argv[4].split(","))
seen, errs = set(), []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "reply" not in o:
        continue
    q = [l for l in o["request"] if l["layer"] == "DNS"][0]["fields"]
    r = [l for l in o["reply"] if l["layer"] == "DNS"][0]["fields"]
    ru = [l for l in o["reply"] if l["layer"] == "UDP"][0]["fields"]
    qu = [l for l in o["request"] if l["layer"] == "UDP"][0]["fields"]
    if r["id"] != q["id"] or r["qr"] != 1 or q["qr"] != 0 or ru["dport"] != qu["sport"] or ru["sport"] != 53:
        errs.append("pair %s/%s" % (q, r))
    if r["rcode"] != want_rcode:
        errs.append("rcode %d" % r["rcode"])
    an = r.get("an") or []
    rd = an[0]["fields"]["rdata"] if an else ""
    if rd != want_rdata:
        errs.append("rdata %r" % rd)
    if q["id"] in seen:
        errs.append("id %d twice" % q["id"])
    seen.add(q["id"])
if seen != ids:
    errs.append("answered ids %s, want %s" % (sorted(seen), sorted(ids)))
print("ok" if not errs else "; ".join(errs[:5]))
EOF
res=$("$PY" "$TMP/srcheck.py" "$TMP/sr.json" 0 198.18.0.99 101,102,103 2>&1)
[ "$res" = ok ] && grep -q 'got 3 answers' "$TMP/sr.err" &&
	ok "sr: 3 queries (ids 101-103), each paired with its answer 198.18.0.99 by DNS id" ||
	ko "sr: $res; $(cat "$TMP/sr.err")"
A 30 "$WC" sr -i "$IFA" --json --timeout 2 \
	"IP(dst=\"$SRV\")/UDP()/DNS(id=7, qd=DNSQR(qname=\"nx.example\"))" >"$TMP/srnx.json" 2>"$TMP/srnx.err"
res=$("$PY" "$TMP/srcheck.py" "$TMP/srnx.json" 3 "" 7 2>&1)
[ "$res" = ok ] && ok "sr: nx.example answered name-error (rcode 3), paired by id" ||
	ko "sr nx.example: $res; $(cat "$TMP/srnx.err")"
out=$(A 30 "$WC" sr1 -i "$IFA" --timeout 2 "IP(dst=\"$SRV\")/UDP()/DNS(id=4242, qd=DNSQR(qname=\"a.example\"))" 2>"$TMP/sr1.err")
grep -q 'rdata *= 198.18.0.99' <<<"$out" && grep -q 'id *= 4242' <<<"$out" && grep -q 'qr *= 1' <<<"$out" &&
	ok "sr1: the answer in full (id 4242, qr 1, rdata 198.18.0.99)" || ko "sr1: $out $(cat "$TMP/sr1.err")"
out=$(A 30 "$WC" sr -i "$IFA" --timeout 2 "IP(dst=\"$SRV\")/UDP()/DNS(id=55, qd=DNSQR(qname=\"a.example\", qtype=\"TXT\"))" 2>&1)
grep -q "DNS Qry \"b'a.example.'\" *==> .*DNS Ans" <<<"$out" && grep -q 'got 1 answers' <<<"$out" &&
	ok "sr: a TXT query answered (no record), one pair line" || ko "sr TXT: $out"

# a pinned source port: no cookie, the expected-reply map steers the answer
A 30 "$WC" sr -i "$IFA" --json --timeout 2 \
	"IP(dst=\"$SRV\")/UDP(sport=40053)/DNS(id=[201, 202], qd=DNSQR(qname=\"a.example\"))" \
	>"$TMP/srpin.json" 2>"$TMP/srpin.err"
res=$("$PY" "$TMP/srcheck.py" "$TMP/srpin.json" 0 198.18.0.99 201,202 2>&1)
[ "$res" = ok ] && ok "sr, source port 40053 pinned (expected-reply map): ids 201, 202 answered" ||
	ko "sr pinned sport: $res; $(cat "$TMP/srpin.err")"
# over IPv6: the AAAA answer
out=$(A 30 "$WC" sr1 -i "$IFA" --timeout 2 "IPv6(dst=\"2001:db8::53\")/UDP()/DNS(id=66, qd=DNSQR(qname=\"a.example\", qtype=\"AAAA\"))" 2>"$TMP/sr16.err")
grep -q 'rdata *= 2001:db8::99' <<<"$out" && grep -q 'id *= 66' <<<"$out" &&
	ok "sr1 over IPv6: the AAAA answer 2001:db8::99" || ko "sr1 IPv6: $out $(cat "$TMP/sr16.err")"

kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=""
finish
