#!/usr/bin/env bash
# wirecraft traceroute without a network: --help, usage errors (exit 2, one line) and bad
# targets; the live behaviour is tests/net/test_traceroute.sh's.
# Usage: tests/cli/test_traceroute.sh [path/to/wirecraft]   (default: build/wirecraft)
# Sends nothing (every case fails before a probe could leave); touches only a temporary directory.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-${WIRECRAFT:-$HERE/../../build/wirecraft}}
TMP=$(mktemp -d /tmp/wc-test-trace.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME WANT_RC PATTERN CMD...: exit status, and for a failure one 'wirecraft: ' line
# matching PATTERN
run() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ $rc -ne "$want" ]; then
		bad "$name: exit $rc, wanted $want: $(head -3 "$TMP/err")"
		return
	fi
	if [ "$want" -ne 0 ] && { [ "$(wc -l <"$TMP/err")" -ne 1 ] || ! grep -q "^wirecraft: .*$pat" "$TMP/err"; }; then
		bad "$name: not one 'wirecraft: ...$pat' line: $(cat "$TMP/err")"
		return
	fi
	ok
}

run "--help" 0 "" "$W" traceroute --help
grep -q -- '--max-ttl' "$TMP/out" && grep -q -- '--preprobe' "$TMP/out" && ok || bad "--help text"
run "no interface" 2 "no interface" "$W" traceroute 198.18.0.1
run "no targets" 2 "no targets" "$W" traceroute -i lo
run "--max-ttl 0" 2 "max-ttl wants 1 to 255" "$W" traceroute -i lo -m 0 198.18.0.1
run "--max-ttl 256" 2 "max-ttl wants 1 to 255" "$W" traceroute -i lo -m 256 198.18.0.1
run "--first-ttl above --max-ttl" 2 "first-ttl 9 is above --max-ttl 5" "$W" traceroute -i lo -f 9 -m 5 198.18.0.1
run "-O bad" 2 "-O wants text, json, csv or dot" "$W" traceroute -i lo -O xml 198.18.0.1
run "--probe bad" 2 "--probe wants tcp-syn, udp or icmp" "$W" traceroute -i lo --probe tcp-ack 198.18.0.1
run "icmp with a port" 2 "icmp probe has no ports" "$W" traceroute -i lo --probe icmp -p 53 198.18.0.1
run "--port 0" 2 "--port wants 1 to 65535" "$W" traceroute -i lo -p 0 198.18.0.1
run "bad target" 2 "not an address, a CIDR or a range" "$W" traceroute -i lo 198.18.0.300
run "unknown option" 2 "unknown option" "$W" traceroute -i lo --bogus 198.18.0.1
if [ "$(id -u)" -eq 0 ]; then
	# root gets past the capability check to the target set: reserved refused, as scan does
	run "reserved" 1 "every target is in a reserved range" "$W" traceroute -i lo -q 198.18.0.1
	run "missing -I file" 1 "No such file" "$W" traceroute -i lo -I "$TMP/none" --allow-reserved
fi
echo "cli-traceroute: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
