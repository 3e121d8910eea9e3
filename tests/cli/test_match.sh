#!/bin/bash
# `wirecraft match` from the outside: usage and file errors (exit 2 and 1, one-line
# messages), the text and JSON output on captures built by `wirecraft build -w`, --unans,
# --multi, and the option flags. The Scapy agreement itself is tests/oracle/match_run.py.
# Usage: tests/cli/test_match.sh [path/to/wirecraft]   (default: build/wirecraft)
# Touches nothing but a private temporary directory; sends nothing.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-${WIRECRAFT:-$HERE/../../build/wirecraft}}
TMP=$(mktemp -d /tmp/wc-test-match.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

run() { # NAME WANT_RC CMD...: stdout in $OUT, stderr in $ERR
	local name=$1 want=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	if [ "$RC" -ne "$want" ]; then
		bad "$name: exit $RC, wanted $want (stderr: $ERR)"
		return 1
	fi
	return 0
}

expect_eq() { # NAME GOT WANT
	if [ "$2" == "$3" ]; then ok; else bad "$1: got [$2] wanted [$3]"; fi
}

expect_one_line_error() { # NAME
	if [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ] && [[ "$ERR" == wirecraft:\ *:\ * ]]; then
		ok
	else
		bad "$1: stderr should be one 'wirecraft: what: why' line, got [$ERR]"
	fi
}

if [ ! -x "$W" ]; then
	echo "match-cli: $W is not built"
	echo "match-cli: 0 passed, 1 failed"
	exit 1
fi

A="Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/IP(src='198.18.0.1', dst='198.18.0.2')"
B="Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')/IP(src='198.18.0.2', dst='198.18.0.1')"

# --- usage and errors ------------------------------------------------------------------
run help 0 "$W" match --help && [[ "$OUT" == "Usage: wirecraft match"* ]] && ok
run "no args" 2 "$W" match && [[ "$ERR" == *"see 'wirecraft match --help'"* ]] && ok
run "one arg" 2 "$W" match "$TMP/x.pcap" && ok
run "bad option" 2 "$W" match --nope a b && ok
run "missing file" 1 "$W" match "$TMP/nonexistent.pcap" "$TMP/nonexistent.pcap" &&
	expect_one_line_error "missing file"

# --- captures --------------------------------------------------------------------------
# Requests: echo id 1 seq 0..2, a SYN to 80 and 81, a UDP probe; replies in another order,
# one duplicate, one stranger.
"$W" build -w "$TMP/req.pcap" "$A/ICMP(id=1, seq=(0,2))" >/dev/null || bad "build req"
"$W" build -w "$TMP/req2.pcap" "$A/TCP(sport=40000, dport=[80,81], flags='S', seq=7)" \
	>/dev/null || bad "build req2"
"$W" build -w "$TMP/rep.pcap" "$B/ICMP(type=0, id=1, seq=[2,0,0,9])" >/dev/null || bad "build rep"
"$W" build -w "$TMP/rep2.pcap" "$B/TCP(sport=81, dport=40000, flags='RA', ack=8)" >/dev/null ||
	bad "build rep2"

run text 0 "$W" match "$TMP/req.pcap" "$TMP/rep.pcap"
expect_eq text "$OUT" "Ether / IP / ICMP 198.18.0.1 > 198.18.0.2 echo-request 0 ==> Ether / IP / ICMP 198.18.0.2 > 198.18.0.1 echo-reply 0
Ether / IP / ICMP 198.18.0.1 > 198.18.0.2 echo-request 0 ==> Ether / IP / ICMP 198.18.0.2 > 198.18.0.1 echo-reply 0
Received 4 packets, got 2 answers, remaining 1 packets"

run unans 0 "$W" match --unans "$TMP/req.pcap" "$TMP/rep.pcap"
expect_eq unans "$(printf '%s\n' "$OUT" | tail -n 2)" "Ether / IP / ICMP 198.18.0.1 > 198.18.0.2 echo-request 0
Received 4 packets, got 2 answers, remaining 1 packets"

# --multi: the duplicate answer of seq 0 pairs again.
run multi 0 "$W" match --multi "$TMP/req.pcap" "$TMP/rep.pcap"
expect_eq multi "$(printf '%s\n' "$OUT" | tail -n 1)" \
	"Received 4 packets, got 3 answers, remaining 1 packets"

# JSON: which frames pair, in reply order, and the last line's counts.
run json 0 "$W" match --json --unans "$TMP/req.pcap" "$TMP/rep.pcap"
got=$(printf '%s\n' "$OUT" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if "reply" in o:
        assert o["request"][1]["layer"] == "IP" and o["reply"][2]["layer"] == "ICMP"
        assert isinstance(o["rtt_us"], int)
        print("pair", o["request_no"], o["reply_no"])
    elif "unanswered" in o:
        print("unans", o["request_no"])
    else:
        print("stats", o["received"], o["answers"], o["remaining"])
' 2>&1)
expect_eq json "$got" "pair 3 1
pair 1 2
unans 2
stats 4 2 1"

# The RST answers the SYN to 81, not the one to 80.
run tcp 0 "$W" match --json "$TMP/req2.pcap" "$TMP/rep2.pcap"
expect_eq tcp "$(printf '%s\n' "$OUT" | head -n 1 | grep -o '"request_no": [0-9]*')" \
	'"request_no": 2'

# Options are accepted (their effect is the oracle's business).
run options 0 "$W" match --no-check-ipaddr --no-check-ipsrc --check-ipid --no-check-ipinip \
	--check-tcperror-seqack --scapy-gaps "$TMP/req.pcap" "$TMP/rep.pcap" && ok

# Requests captured from IP (raw link), replies with Ethernet: compared from IP.
"$W" build -w "$TMP/req3.pcap" "IP(src='198.18.0.1', dst='198.18.0.2')/ICMP(id=1, seq=(0,2))" \
	>/dev/null || bad "build req3"
run l3 0 "$W" match "$TMP/req3.pcap" "$TMP/rep.pcap"
expect_eq l3 "$(printf '%s\n' "$OUT" | head -n 1)" \
	"IP / ICMP 198.18.0.1 > 198.18.0.2 echo-request 0 ==> IP / ICMP 198.18.0.2 > 198.18.0.1 echo-reply 0"
run l3r 0 "$W" match "$TMP/rep.pcap" "$TMP/req3.pcap"
expect_eq l3r "$(printf '%s\n' "$OUT" | tail -n 1)" \
	"Received 3 packets, got 0 answers, remaining 4 packets"

# An empty capture of replies: nothing answered.
"$W" build -c 0 -w "$TMP/none.pcap" "$B/ICMP()" >/dev/null || bad "build none"
run empty 0 "$W" match "$TMP/req.pcap" "$TMP/none.pcap"
expect_eq empty "$OUT" "Received 0 packets, got 0 answers, remaining 3 packets"

echo "match-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
