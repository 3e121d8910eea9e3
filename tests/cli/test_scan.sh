#!/usr/bin/env bash
# wirecraft scan without a network: usage errors (exit 2), refusals (exit 1, one line), and
# --dry-run, which writes the probes to a pcap file instead of sending them: every target pair
# probed exactly once, blocklists and the default reserved list honoured, shards disjoint and
# complete, the same seed the same order, --max-targets, -I/--allowlist, and a run stopped by
# --max-runtime carried on with --resume to exactly the rest.
# Usage: tests/cli/test_scan.sh [path/to/wirecraft]   (default: build/wirecraft)
# Sends nothing; touches only a private temporary directory.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-${WIRECRAFT:-$HERE/../../build/wirecraft}}
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/wc-test-scan.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME WANT_RC CMD...: stdout in $TMP/out, stderr in $TMP/err
run() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		bad "$name: exit $rc, wanted $want: $(head -3 "$TMP/err")"
		return 1
	fi
	if [ "$want" -ne 0 ] && { [ "$(wc -l <"$TMP/err")" -ne 1 ] || ! grep -q '^wirecraft: ' "$TMP/err"; }; then
		bad "$name: not one 'wirecraft: ...' line: $(cat "$TMP/err")"
		return 1
	fi
	ok
}

S4="-S 198.18.0.1 -S 2001:db8::1"
DRY="$W scan -q $S4 --dry-run $TMP/p.pcap"

# the probes of a dry run as "dst dport" lines, in order
probes() {
	"$W" dissect -r "$TMP/p.pcap" --json | "$PY" -c '
import json, sys
for line in sys.stdin:
    d = {l["layer"]: l["fields"] for l in json.loads(line)}
    ip = d.get("IP") or d.get("IPv6")
    l4 = d.get("TCP") or d.get("UDP") or {}
    print(ip["dst"], l4.get("dport", 0))'
}

# ---- usage and refusals ----
run "no interface" 2 "$W" scan -p 80 198.18.0.0/24
run "no targets" 2 "$W" scan -i lo -p 80
run "no ports" 2 "$W" scan -i lo 198.18.0.0/24
run "bad ports" 2 "$W" scan -i lo -p 80,90-85 198.18.0.0/24
run "bad target" 2 "$W" scan -i lo -p 80 198.18.0.0/33
run "bad probe" 2 "$W" scan -i lo -p 80 --probe tcp-fin 198.18.0.0/24
run "ports with icmp" 2 "$W" scan -i lo -p 80 --probe icmp-echo 198.18.0.0/24
run "--os with udp" 2 "$W" scan -i lo -p 80 --probe udp --os linux 198.18.0.0/24
run "shards without a seed" 2 "$W" scan -i lo -p 80 --shards 4 --shard 1 198.18.0.0/24
run "shard out of range" 2 "$W" scan -i lo -p 80 --shards 4 --shard 4 --seed 1 198.18.0.0/24
run "shard from an unset variable" 2 env -u WC_NO_SUCH "$W" scan -i lo -p 80 --shards 4 --shard env:WC_NO_SUCH --seed 1 198.18.0.0/24
run "unknown output field" 2 "$W" scan -i lo -p 80 -f saddr,nope 198.18.0.0/24
run "bad output format" 2 "$W" scan -i lo -p 80 -O xml 198.18.0.0/24
run "reserved without --allow-reserved" 1 $DRY -p 80 198.18.0.0/24 10.0.0.0/8
grep -q "reserved" "$TMP/err" || bad "reserved: $(cat "$TMP/err")"
[ -e "$TMP/p.pcap" ] && bad "reserved: a probe file was written"
run "expression without a cookie field" 1 $DRY --allow-reserved 198.18.0.0/24 --probe 'IP()/TCP(seq=1)' -p 80
run "expression of several packets" 1 $DRY --allow-reserved 198.18.0.0/24 --probe 'IP()/TCP(sport=[1,2])' -p 80
run "icmp-echo to IPv6 targets" 1 $DRY --allow-reserved 2001:db8::/120 --probe icmp-echo
# banners and UDP probe modules
run "--banner-bytes without --banners" 2 "$W" scan -i lo -p 80 --banner-bytes 10 198.18.0.0/24
run "--banners with udp" 2 "$W" scan -i lo -p 80 --probe udp --banners 198.18.0.0/24
run "--banner-timeout 0" 2 "$W" scan -i lo -p 80 --banners --banner-timeout 0 198.18.0.0/24
run "bad --tls-ports" 2 "$W" scan -i lo -p 80 --banners --tls-ports 1-x 198.18.0.0/24
run "no such UDP module" 2 "$W" scan -i lo --probe udp:nope 198.18.0.0/24
run "--probe-args without a module" 2 "$W" scan -i lo -p 53 --probe udp --probe-args x 198.18.0.0/24
run "a bad DNS name" 2 "$W" scan -i lo --probe udp:dns --probe-args 'a..b' 198.18.0.0/24
run "a module and --udp-payloads" 2 "$W" scan -i lo --probe udp:ntp --udp-payloads /dev/null 198.18.0.0/24
# a module's request on its own port: the DNS query for the name asked, NTP's 48 bytes
run "udp:dns dry run" 0 $DRY --allow-reserved 198.18.0.0/30 --probe udp:dns --probe-args a.example
[ "$(probes | sort -u)" = "$(printf '198.18.0.0 53\n198.18.0.1 53\n198.18.0.2 53\n198.18.0.3 53')" ] &&
	ok || bad "udp:dns goes to port 53 of each target: $(probes | tr '\n' ' ')"
tshark -r "$TMP/p.pcap" -T fields -e dns.qry.name -e dns.flags.recdesired 2>/dev/null | sort -u >"$TMP/q"
[ "$(cat "$TMP/q")" = "$(printf 'a.example\t1')" ] && ok || bad "udp:dns: tshark reads $(cat "$TMP/q")"
run "udp:ntp dry run" 0 $DRY --allow-reserved 198.18.0.0/31 --probe udp:ntp
tshark -r "$TMP/p.pcap" -T fields -e udp.dstport -e ntp.flags.mode -e udp.length 2>/dev/null | sort -u >"$TMP/q"
[ "$(cat "$TMP/q")" = "$(printf '123\t3\t56')" ] && ok || bad "udp:ntp: tshark reads $(cat "$TMP/q")"
run "udp:snmp dry run" 0 $DRY --allow-reserved 198.18.0.0/31 --probe udp:snmp
tshark -r "$TMP/p.pcap" -T fields -e snmp.community -e snmp.name 2>/dev/null | sort -u >"$TMP/q"
[ "$(cat "$TMP/q")" = "$(printf 'public\t1.3.6.1.2.1.1.1.0')" ] && ok || bad "udp:snmp: tshark reads $(cat "$TMP/q")"
echo "wirecraft-scan-state 2" >"$TMP/bad.state"
run "a bad state" 1 $DRY --allow-reserved -p 80 198.18.0.0/24 --resume "$TMP/bad.state"
grep -q "not a wirecraft scan state" "$TMP/err" || bad "bad state: $(cat "$TMP/err")"
printf '198.18.0.0/24\nnonsense\n' >"$TMP/bad.targets"
run "a bad target file" 1 $DRY --allow-reserved -p 80 -I "$TMP/bad.targets"
grep -q "line 2" "$TMP/err" || bad "bad target file: $(cat "$TMP/err")"

# ---- every pair once, nothing blocked ----
printf '# holes\n198.18.0.16/30\n198.18.0.40-198.18.0.47\n2001:db8::8/125\n' >"$TMP/blk"
run "dry run" 0 $DRY --allow-reserved -p 22,80,8000-8002 198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" --seed 5
probes >"$TMP/all.txt"
"$PY" - "$TMP/all.txt" <<'EOF' || bad "dry run: every allowed pair once: $(head -3 "$TMP/all.txt")"
import ipaddress, sys
got = [tuple(l.split()) for l in open(sys.argv[1])]
holes = [ipaddress.ip_network(n) for n in ("198.18.0.16/30", "2001:db8::8/125")]
def allowed(a):
    a = ipaddress.ip_address(a)
    if any(a in n for n in holes if n.version == a.version):
        return False
    return not (a.version == 4 and ipaddress.ip_address("198.18.0.40") <= a <= ipaddress.ip_address("198.18.0.47"))
want = {(str(a), p) for net in ("198.18.0.0/26", "2001:db8::/124") for a in ipaddress.ip_network(net)
        if allowed(str(a)) for p in ("22", "80", "8000", "8001", "8002")}
norm = [(str(ipaddress.ip_address(a)), p) for a, p in got]
sys.exit(0 if len(norm) == len(set(norm)) and set(norm) == want else 1)
EOF
# not in address order: the permutation
sort -c -V "$TMP/all.txt" 2>/dev/null && bad "dry run: probes in sorted order"
run "same seed" 0 $DRY --allow-reserved -p 22,80,8000-8002 198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" --seed 5
probes >"$TMP/again.txt"
cmp -s "$TMP/all.txt" "$TMP/again.txt" || bad "same seed: another order"
run "another seed" 0 $DRY --allow-reserved -p 22,80,8000-8002 198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" --seed 6
probes >"$TMP/other.txt"
cmp -s "$TMP/all.txt" "$TMP/other.txt" && bad "another seed: the same order"
[ "$(sort "$TMP/all.txt")" = "$(sort "$TMP/other.txt")" ] || bad "another seed: another set"

# ---- shards ----
: >"$TMP/union.txt"
for i in 0 1 2 3 4; do
	run "shard $i of 5" 0 $DRY --allow-reserved -p 22,80,8000-8002 198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" \
		--seed 5 --shards 5 --shard $i
	probes >>"$TMP/union.txt"
done
[ "$(sort "$TMP/union.txt")" = "$(sort "$TMP/all.txt")" ] || bad "shards: the union is not the whole"
[ -z "$(sort "$TMP/union.txt" | uniq -d)" ] || bad "shards: not disjoint"
run "shard from the environment" 0 env SLURM_ARRAY_TASK_ID=3 $DRY --allow-reserved -p 22,80,8000-8002 \
	198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" --seed 5 --shards 5 --shard env:SLURM_ARRAY_TASK_ID
probes >"$TMP/env.txt"
run "shard 3 again" 0 $DRY --allow-reserved -p 22,80,8000-8002 198.18.0.0/26 2001:db8::/124 -b "$TMP/blk" \
	--seed 5 --shards 5 --shard 3
probes >"$TMP/s3.txt"
cmp -s "$TMP/env.txt" "$TMP/s3.txt" || bad "--shard env:SLURM_ARRAY_TASK_ID is not --shard 3"

# ---- --max-targets, -I, --allowlist ----
run "--max-targets" 0 $DRY --allow-reserved -p 80 198.18.0.0/20 --max-targets 100
[ "$(probes | wc -l)" = 100 ] || bad "--max-targets 100: $(probes | wc -l) probes"
printf '198.18.1.0/28\n# and\n198.18.2.5\n' >"$TMP/targets"
printf '198.18.1.0/29\n198.18.2.0/24\n' >"$TMP/allow"
run "-I and --allowlist" 0 $DRY --allow-reserved -p 80 -I "$TMP/targets" --allowlist "$TMP/allow"
[ "$(probes | sort -V | tr '\n' ' ')" = "198.18.1.0 80 198.18.1.1 80 198.18.1.2 80 198.18.1.3 80 198.18.1.4 80 198.18.1.5 80 198.18.1.6 80 198.18.1.7 80 198.18.2.5 80 " ] ||
	bad "-I and --allowlist: $(probes | sort -V | tr '\n' ' ')"
run "--allowlist alone is the targets" 0 $DRY --allow-reserved -p 80 --allowlist "$TMP/allow"
[ "$(probes | wc -l)" = 264 ] || bad "--allowlist alone: $(probes | wc -l)"

# ---- probes: kinds and presets ----
for k in "--probe tcp-ack" "--probe udp" "--os windows" "--os bsd" "--os none"; do
	run "dry run $k" 0 $DRY --allow-reserved -p 53 198.18.0.0/30 2001:db8::/126 $k
	[ "$(probes | wc -l)" = 8 ] || bad "$k: $(probes | wc -l) probes"
done
run "dry run icmpv6-echo" 0 $DRY --allow-reserved --probe icmpv6-echo 2001:db8::/126
[ "$(probes | wc -l)" = 4 ] || bad "icmpv6-echo: $(probes | wc -l) probes"
run "expression: its dport when no -p" 0 $DRY --allow-reserved --probe 'IP()/UDP(dport=53)/b"\x12\x34"' 198.18.0.0/30
[ "$(probes | awk '{print $2}' | sort -u)" = 53 ] || bad "expression port: $(probes | head -2)"

# ---- stopped by --max-runtime, carried on with --resume ----
rm -f "$TMP/st"
run "stopped by --max-runtime" 0 $DRY --allow-reserved -p 80,81 198.18.0.0/24 --seed 9 --rate 400 \
	--max-runtime 0.5 --state "$TMP/st"
probes >"$TMP/first.txt"
grep -q '^complete 0' "$TMP/st" || bad "max-runtime: no state: $(cat "$TMP/st" 2>&1 | head -3)"
n1=$(wc -l <"$TMP/first.txt")
run "resumed" 0 $DRY --allow-reserved -p 80,81 198.18.0.0/24 --rate max --resume "$TMP/st"
probes >"$TMP/rest.txt"
grep -q '^complete 1' "$TMP/st" || bad "resume: state not complete"
run "full run" 0 $DRY --allow-reserved -p 80,81 198.18.0.0/24 --seed 9
probes >"$TMP/full.txt"
[ "$n1" -gt 0 ] && [ "$n1" -lt 512 ] || bad "max-runtime: $n1 probes before the stop"
cat "$TMP/first.txt" "$TMP/rest.txt" | cmp -s - "$TMP/full.txt" ||
	bad "stopped + resumed is not the full run, in order ($n1 + $(wc -l <"$TMP/rest.txt"))"
run "resume a finished scan" 0 $DRY --allow-reserved -p 80,81 198.18.0.0/24 --resume "$TMP/st"
run "resume with another target set" 1 $DRY --allow-reserved -p 80,82 198.18.0.0/24 --resume "$TMP/st"

# ---- outputs that are not plain files are written in place, never replaced ----
# (a temporary file renamed over /dev/null would make it a plain file for the whole machine)
mkfifo "$TMP/fifo"
cat "$TMP/fifo" >"$TMP/fifo.out" &
ln -s real.csv "$TMP/link.csv"
ln -s meta.real "$TMP/meta.lnk"
run "outputs to a FIFO and through symlinks" 0 $DRY --allow-reserved -p 80 198.18.0.0/30 -o "$TMP/link.csv" \
	--metadata "$TMP/meta.lnk"
run "output to a FIFO" 0 $DRY --allow-reserved -p 80 198.18.0.0/30 -o "$TMP/fifo"
wait
[ -p "$TMP/fifo" ] && grep -q '^saddr,' "$TMP/fifo.out" || bad "FIFO replaced or not written: $(ls -l "$TMP/fifo")"
[ -L "$TMP/link.csv" ] && [ -L "$TMP/meta.lnk" ] && grep -q '^saddr,' "$TMP/real.csv" && grep -q '"seed"' "$TMP/meta.real" ||
	bad "symlinks replaced or targets not written: $(ls -l "$TMP")"
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 666 "$TMP/null" c 1 3
	run "outputs to a character device" 0 $DRY --allow-reserved -p 80 198.18.0.0/24 -o "$TMP/null" \
		--metadata "$TMP/null" --state "$TMP/null" --rate 200 --max-runtime 0.2
	[ -c "$TMP/null" ] || bad "a character device replaced by a plain file: $(ls -l "$TMP/null")"
fi
ls "$TMP" | grep -q '\.tmp\.' && bad "temporary files left: $(ls "$TMP")"

echo "cli-scan: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
