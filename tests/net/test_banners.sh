#!/usr/bin/env bash
# wirecraft scan --banners, live, against real servers from the distribution in namespace B
# (A scans): sshd (own config and host key in a temp dir, -D -f cfg), nginx (private config,
# pid and log paths in the temp dir), openssl s_server (a certificate made here). Each banner
# must equal what the real client sees:
#   - SSH: the version string `ssh -v` reports as the remote's;
#   - HTTP: curl's status code, Server header and the page's title;
#   - TLS: the certificate's SHA-256 fingerprint from `openssl x509 -fingerprint -sha256`, its
#     subject and SAN, version TLS1.2 (the ClientHello offers 1.2 only: see banner_hello.c);
#   - a closed port is accounted as refused; every connection opened is accounted as ended;
#   - the kernel of A sends no RST: every RST on the wire from A (tcpdump on B) is one the
#     scanner sent itself (its count in the metadata);
#   - --names FILE (zgrab2's "ADDRESS,NAME"): the name goes out as the HTTP Host and the TLS
#     SNI, so nginx's name-based server and s_server's -servername certificate answer, as
#     they do `curl -H Host:` and `openssl s_client -servername`;
#   - -O pcap holds whole conversations (SYN-ACK, ACK, hello, data, RST);
#   - the XDP reflector playing a /20 x 4 ports (it answers SYNs, not the ACK or hello): every
#     open port reported once, every connection ended by time-out, none lost.
#
# Root only (CI=true: a skip is a failure). Bounded: every command has a timeout; the servers
# and namespaces go away on any exit. Addresses: 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wcb$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-banners

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump tshark curl openssl ssh ssh-keygen /usr/sbin/sshd \
	/usr/sbin/nginx "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-banners.XXXXXX)
chmod 755 "$TMP" # nginx's workers read the page as nobody
RPID="" BG=""
# the servers first, gently (nginx's master takes its worker with it), then the namespaces
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
bg_b() { # a server in B, in the background (its own pid in BG: killed at the end)
	$NS exec b "$@" &
	BG="$BG $!"
}
wait_port() { # PORT: until B listens on 198.18.0.2:PORT
	for _ in $(seq 100); do
		B 2 ss -Hltn "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}
jq_py() { "$PY" -c "$1" "${@:2}"; }

# ---- the servers ------------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -f "$TMP/ssh_host_ed25519_key" || { ko "ssh-keygen"; finish; }
cat >"$TMP/sshd_config" <<EOF
Port 22
ListenAddress 198.18.0.2
ListenAddress 2001:db8::2
HostKey $TMP/ssh_host_ed25519_key
PidFile $TMP/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
EOF
mkdir -p /run/sshd # sshd's privilege separation directory (the package's own)
bg_b /usr/sbin/sshd -D -e -f "$TMP/sshd_config" 2>"$TMP/sshd.err"

mkdir -p "$TMP/www" "$TMP/ngx"
printf '<html><head><title>\n  wirecraft banner\n test </title></head><body>hello</body></html>\n' \
	>"$TMP/www/index.html"
cat >"$TMP/nginx.conf" <<EOF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/nginx.err;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $TMP/ngx/body;
	proxy_temp_path $TMP/ngx/proxy;
	fastcgi_temp_path $TMP/ngx/fastcgi;
	server {
		listen 198.18.0.2:80;
		root $TMP/www;
	}
	server {
		listen 198.18.0.2:80;
		server_name sni.test;
		root $TMP/www2;
	}
}
EOF
mkdir -p "$TMP/www2"
printf '<html><head><title>the sni.test site</title></head></html>\n' >"$TMP/www2/index.html"
bg_b /usr/sbin/nginx -p "$TMP/ngx" -c "$TMP/nginx.conf" -g 'daemon off;'

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 30 \
	-subj "/CN=banner.test/O=wirecraft" -addext "subjectAltName=DNS:banner.test,IP:198.18.0.2" \
	>/dev/null 2>&1 || { ko "openssl req"; finish; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key2.pem" -out "$TMP/cert2.pem" -days 30 \
	-subj "/CN=sni.test/O=wirecraft" -addext "subjectAltName=DNS:sni.test" >/dev/null 2>&1 ||
	{ ko "openssl req (sni.test)"; finish; }
# no SNI, or another name: cert.pem; SNI sni.test: cert2.pem
bg_b openssl s_server -accept 198.18.0.2:443 -cert "$TMP/cert.pem" -key "$TMP/key.pem" -quiet \
	-servername sni.test -cert2 "$TMP/cert2.pem" -key2 "$TMP/key2.pem" \
	>"$TMP/s_server.out" 2>&1 </dev/null

for p in 22 80 443; do wait_port $p || { ko "a server on port $p"; cat "$TMP"/*.err; finish; }; done
ok "sshd, nginx and openssl s_server listen in B"

# ---- what the real clients see (before the scan: its steering program is gone by then) -------
A 10 ssh -v -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	-o ConnectTimeout=5 -p 22 nobody@198.18.0.2 true >/dev/null 2>"$TMP/ssh.v"
SSH_SW=$(sed -n 's/.*Remote protocol version \([0-9.]*\), remote software version \(.*\)$/SSH-\1-\2/p' \
	"$TMP/ssh.v" | tr -d '\r' | head -1)
[ -n "$SSH_SW" ] && ok "ssh -v: $SSH_SW" || { ko "ssh -v says no remote version"; cat "$TMP/ssh.v"; }
A 10 curl -s -o /dev/null -D "$TMP/curl.h" http://198.18.0.2/ || ko "curl"
CURL_STATUS=$(head -1 "$TMP/curl.h" | awk '{print $2}')
CURL_SERVER=$(sed -n 's/^[Ss]erver: *//p' "$TMP/curl.h" | tr -d '\r')
ok "curl: status $CURL_STATUS, Server $CURL_SERVER"
FP=$(openssl x509 -in "$TMP/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
	tr 'A-F' 'a-f')
# the same servers by name, as their real clients ask
A 10 curl -s -H 'Host: sni.test' http://198.18.0.2/ >"$TMP/curl2.html" || ko "curl -H Host: sni.test"
TITLE2=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$TMP/curl2.html")
A 10 openssl s_client -connect 198.18.0.2:443 -servername sni.test </dev/null 2>/dev/null |
	openssl x509 -noout -fingerprint -sha256 >"$TMP/fp2" 2>/dev/null
FP2=$(sed 's/.*=//; s/://g' "$TMP/fp2" | tr 'A-F' 'a-f')
[ -n "$TITLE2" ] && [ -n "$FP2" ] && [ "$FP2" != "$FP" ] &&
	ok "by name: curl -H Host: '$TITLE2', s_client -servername: the other certificate" ||
	ko "by name: curl title '$TITLE2', s_client fingerprint '$FP2' (default $FP)"

# ---- the banner scan, with B counting the RSTs that come from A ----------------------------
$NS exec b tcpdump -i "$IFB" -n -U --immediate-mode -w "$TMP/b.pcap" 'tcp and src host 198.18.0.1' 2>"$TMP/td.err" &
TD=$!
BG="$BG $TD"
for _ in $(seq 150); do grep -q listening "$TMP/td.err" && break; sleep 0.1; done
grep -q listening "$TMP/td.err" || ko "tcpdump in B does not start: $(cat "$TMP/td.err")"
sleep 0.3 # "listening" is printed just before the capture loop starts
start=$(date +%s.%N)
A 60 "$WC" scan -i "$IFA" -p 22,23,80,443 198.18.0.2 --allow-reserved --banners \
	--banner-timeout 2 -q -O json -o "$TMP/b.json" --metadata "$TMP/b.meta" 2>"$TMP/scan.err"
rc=$?
end=$(date +%s.%N)
[ $rc -eq 0 ] && ok "banner scan of 4 ports ($(echo "$end - $start" | bc) s)" ||
	{ ko "banner scan exit $rc: $(cat "$TMP/scan.err")"; }
sleep 1
kill -INT $TD 2>/dev/null
wait $TD 2>/dev/null

field() { # PORT FIELD: that field of the record for PORT
	"$PY" - "$TMP/b.json" "$1" "$2" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["sport"] == int(sys.argv[2]):
        print(r.get(sys.argv[3], ""))
EOF
}
n=$(wc -l <"$TMP/b.json")
[ "$n" -eq 3 ] && ok "3 records (22, 80, 443; 23 is closed)" || ko "$n records, not 3"
[ "$(field 22 service)" = ssh ] && ok "22: service ssh" || ko "22: service $(field 22 service)"
[ "$(field 22 banner)" = "$SSH_SW" ] && ok "22: banner = ssh -v's: $SSH_SW" ||
	ko "22: banner '$(field 22 banner)' != '$SSH_SW'"
[ "$(field 80 service)" = http ] && ok "80: service http" || ko "80: service $(field 80 service)"
[ "$(field 80 status)" = "$CURL_STATUS" ] && ok "80: status $CURL_STATUS = curl's" ||
	ko "80: status '$(field 80 status)' != '$CURL_STATUS'"
[ "$(field 80 server)" = "$CURL_SERVER" ] && ok "80: Server '$CURL_SERVER' = curl's" ||
	ko "80: server '$(field 80 server)' != '$CURL_SERVER'"
[ "$(field 80 title)" = "wirecraft banner test" ] && ok "80: title" ||
	ko "80: title '$(field 80 title)'"
[ "$(field 443 service)" = tls ] && ok "443: service tls" || ko "443: service $(field 443 service)"
[ "$(field 443 tls_version)" = TLS1.2 ] && ok "443: TLS1.2, $(field 443 tls_cipher)" ||
	ko "443: version '$(field 443 tls_version)'"
[ "$(field 443 cert_sha256)" = "$FP" ] && ok "443: certificate SHA-256 = openssl x509's ($FP)" ||
	ko "443: cert_sha256 '$(field 443 cert_sha256)' != '$FP'"
[ "$(field 443 cert_subject)" = "O=wirecraft,CN=banner.test" ] && ok "443: subject" ||
	ko "443: subject '$(field 443 cert_subject)'"
[ "$(field 443 cert_san)" = "DNS:banner.test,IP:198.18.0.2" ] && ok "443: SAN" ||
	ko "443: SAN '$(field 443 cert_san)'"
NA=$(openssl x509 -in "$TMP/cert.pem" -noout -enddate | sed 's/notAfter=//')
NA_ISO=$(date -u -d "$NA" +%Y-%m-%dT%H:%M:%SZ)
[ "$(field 443 cert_not_after)" = "$NA_ISO" ] && ok "443: not after $NA_ISO" ||
	ko "443: not after '$(field 443 cert_not_after)' != '$NA_ISO'"

# every connection accounted; the RSTs on the wire are all ours
"$PY" - "$TMP/b.meta" <<'EOF' >"$TMP/acct" && ok "accounting: $(cat "$TMP/acct")" || ko "accounting: $(cat "$TMP/acct")"
import json, sys
m = json.load(open(sys.argv[1]))
c = m["connections"]
print(json.dumps(c, separators=(",", ":")))
ok = c["opened"] == 3 and c["open"] == 0 and sum(c["ended"].values()) == 3 and c["refused"] == 1
ok = ok and c["with_data"] == 3 and c["ended"]["timeout"] == 0
sys.exit(0 if ok else 1)
EOF
RSTS_WIRE=$(tcpdump -r "$TMP/b.pcap" -n 'tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | wc -l)
# the capture saw the conversations at all: the scanner's ACKs (no capture, no proof)
ACKS_WIRE=$(tcpdump -r "$TMP/b.pcap" -n 'tcp[tcpflags] == tcp-ack' 2>/dev/null | wc -l)
[ "$ACKS_WIRE" -ge 3 ] || ko "tcpdump in B saw $ACKS_WIRE of the scanner's ACKs: the RST count below proves nothing"
RSTS_OURS=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["connections"]["rsts"])' "$TMP/b.meta")
[ "$RSTS_WIRE" -eq "$RSTS_OURS" ] && [ "$RSTS_OURS" -ge 3 ] &&
	ok "no RST from A's kernel: $RSTS_WIRE RSTs on the wire, all $RSTS_OURS the scanner's" ||
	ko "RSTs on the wire from A: $RSTS_WIRE, the scanner's: $RSTS_OURS"

# ---- IPv6: the same banner from sshd's IPv6 address -------------------------------------------
A 30 "$WC" scan -i "$IFA" -p 22 2001:db8::2 --allow-reserved --banners --banner-timeout 2 -q \
	-O text -f saddr,sport,service,banner -o "$TMP/b6.txt" 2>"$TMP/scan6.err" ||
	ko "IPv6 banner scan: $(cat "$TMP/scan6.err")"
[ "$(cat "$TMP/b6.txt")" = "2001:db8::2 22 ssh $SSH_SW" ] && ok "IPv6: $(cat "$TMP/b6.txt")" ||
	ko "IPv6: '$(cat "$TMP/b6.txt")'"

# ---- after the privilege drop (-u nobody): the connections' socket was opened before it ----
mkdir -p "$TMP/pub"
chmod 1777 "$TMP/pub"
A 30 "$WC" scan -i "$IFA" -p 22 198.18.0.2 --allow-reserved --banners --banner-timeout 2 -q \
	-u nobody -O text -f saddr,sport,service -o "$TMP/pub/u.txt" 2>"$TMP/scanu.err" ||
	ko "banner scan as nobody: $(cat "$TMP/scanu.err")"
[ "$(cat "$TMP/pub/u.txt" 2>/dev/null)" = "198.18.0.2 22 ssh" ] &&
	[ "$(stat -c %U "$TMP/pub/u.txt")" = nobody ] && ok "-u nobody: the banner, in nobody's file" ||
	ko "-u nobody: '$(cat "$TMP/pub/u.txt" 2>/dev/null)'"

# ---- --names: a name per target, in the Host header and the SNI --------------------------------
printf '# zgrab2 input\n198.18.0.2,sni.test\n2001:db8::2 v6.test\n' >"$TMP/names.csv"
A 60 "$WC" scan -i "$IFA" -p 22,80,443 --names "$TMP/names.csv" --allow-reserved --banners \
	--banner-timeout 2 -q -O json -o "$TMP/bn.json" 2>"$TMP/scann.err" ||
	ko "--names scan: $(cat "$TMP/scann.err")"
cat >"$TMP/names.py" <<'PYEOF'
import json, sys
rows = {(r["saddr"], r["sport"]): r for r in map(json.loads, open(sys.argv[1]))}
title, fp = sys.argv[2], sys.argv[3]
web, tls, ssh, ssh6 = (rows.get(k, {}) for k in (("198.18.0.2", 80), ("198.18.0.2", 443),
                                                  ("198.18.0.2", 22), ("2001:db8::2", 22)))
print(f"{len(rows)} records; 80: '{web.get('title')}' name {web.get('name')}; 443: "
      f"{tls.get('cert_subject')} name {tls.get('name')}; 22: name {ssh.get('name')}")
ok = len(rows) == 4 and web.get("title") == title and web.get("name") == "sni.test"
ok = ok and tls.get("cert_sha256") == fp and tls.get("name") == "sni.test"
ok = ok and "name" not in ssh and ssh6.get("service") == "ssh"  # nothing sent to sshd
if not ok:
    print(json.dumps(list(rows.values())))
sys.exit(0 if ok else 1)
PYEOF
"$PY" "$TMP/names.py" "$TMP/bn.json" "$TITLE2" "$FP2" >"$TMP/names.out" &&
	ok "--names: $(cat "$TMP/names.out")" || ko "--names: $(cat "$TMP/names.out")"
printf '198.18.0.2,sni.test\n198.18.0.2,other.test\n' >"$TMP/names2.csv"
case "$(A 10 "$WC" scan -i "$IFA" -p 443 --names "$TMP/names2.csv" --allow-reserved --banners -q 2>&1)" in
*"line 2: a second name for the same address"*) ok "--names: one name an address" ;;
*) ko "--names: a second name for an address is not refused" ;;
esac

# ---- -O pcap: whole conversations ---------------------------------------------------------
A 60 "$WC" scan -i "$IFA" -p 22,80,443 198.18.0.2 --allow-reserved --banners --banner-timeout 2 \
	-q -O pcap -o "$TMP/conv.pcap" 2>"$TMP/scan2.err" || ko "pcap scan: $(cat "$TMP/scan2.err")"
cat >"$TMP/conv.py" <<'PYEOF'
import subprocess, sys
out = subprocess.run(["tshark", "-r", sys.argv[1], "-T", "fields", "-e", "tcp.srcport",
                      "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.len"],
                     capture_output=True, text=True).stdout.strip().split("\n")
rows = [l.split("\t") for l in out if l]
bad = []
for port in ("22", "80", "443"):
    srv = [f for f in rows if f[0] == port]
    ours = [f for f in rows if f[1] == port]
    synack = any(int(f[2], 16) & 0x12 == 0x12 for f in srv)
    data = any(int(f[3] or 0) > 0 for f in srv)
    ack = any(int(f[2], 16) == 0x10 for f in ours)
    rst = any(int(f[2], 16) & 0x04 for f in ours)
    hello = port == "22" or any(int(f[3] or 0) > 0 for f in ours)
    if not (synack and data and ack and rst and hello):
        bad.append(port)
print(f"{len(rows)} frames; SYN-ACK, ACK, hello, data and RST of each conversation"
      + (f"; missing for {bad}" if bad else ""))
sys.exit(1 if bad or not rows else 0)
PYEOF
"$PY" "$TMP/conv.py" "$TMP/conv.pcap" >"$TMP/conv" && ok "pcap: $(cat "$TMP/conv")" ||
	ko "pcap: $(cat "$TMP/conv")"

# ---- the reflector: a /20 x 4 ports, every connection accounted ----------------------------
stop_servers
BG=""
ip -n "$NAME-a" route add 198.18.16.0/20 dev "$IFA"
$NS exec b "$WC" reflect -i "$IFB" --hosts 198.18.16.0/20 --open tcp:22,80,443 --duration 100 \
	--interval 0 >"$TMP/reflect.out" 2>"$TMP/reflect.err" &
RPID=$!
for _ in $(seq 50); do grep -q '^reflect: attached' "$TMP/reflect.err" && break; sleep 0.1; done
A 60 "$WC" scan -i "$IFA" -p 22,23,80,443 198.18.16.0/20 --allow-reserved --rate max -q -O text \
	-f saddr,sport -o "$TMP/r-plain.txt" || ko "plain scan of the reflector"
start=$(date +%s.%N)
A 90 "$WC" scan -i "$IFA" -p 22,23,80,443 198.18.16.0/20 --allow-reserved --rate max --banners \
	--banner-timeout 1 -q -O csv -f saddr,sport,classification,end -o "$TMP/r-ban.csv" \
	--metadata "$TMP/r-ban.meta" 2>"$TMP/scan3.err" ||
	ko "banner scan of the reflector: $(cat "$TMP/scan3.err")"
end=$(date +%s.%N)
cat >"$TMP/refl.py" <<'PYEOF'
import collections, csv, json, sys
plain = [tuple(l.split()) for l in open(sys.argv[1]) if l.strip()]
rows = list(csv.DictReader(open(sys.argv[2])))
ban = [(r["saddr"], r["sport"]) for r in rows]
c = json.load(open(sys.argv[3]))["connections"]
dup = [k for k, n in collections.Counter(ban).items() if n > 1]
ends = collections.Counter(r["end"] for r in rows)
print(f"{len(ban)} open ports reported (plain scan: {len(plain)}), {len(dup)} twice; "
      f"ends {dict(ends)}; connections {c['opened']} opened, {c['open']} open, "
      f"ended {sum(c['ended'].values())}, evicted {c['ended']['evicted']}")
ok = set(ban) == set(plain) and not dup and len(plain) > 12000
ok = ok and c["opened"] == len(ban) and c["open"] == 0 and sum(c["ended"].values()) == c["opened"]
ok = ok and set(ends) <= {"timeout", "reset"} and c["ended"]["evicted"] == 0
sys.exit(0 if ok else 1)
PYEOF
"$PY" "$TMP/refl.py" "$TMP/r-plain.txt" "$TMP/r-ban.csv" "$TMP/r-ban.meta" >"$TMP/refl" &&
	ok "reflector /20 x 4 ports with --banners ($(echo "$end - $start" | bc) s): $(cat "$TMP/refl")" ||
	ko "reflector /20 x 4: $(cat "$TMP/refl")"

finish
