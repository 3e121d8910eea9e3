#!/bin/bash
# The wirecraft CLI from the outside: output, exit codes (0 ok, 1 failure, 2 usage) and
# one-line error messages. Expected packets come from Scapy 2.5 (commands in comments).
# Usage: tests/cli/test_cli.sh [path/to/wirecraft]   (default: build/wirecraft)
# Touches nothing but a private temporary directory; sends nothing.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
W=${1:-${WIRECRAFT:-$HERE/../../build/wirecraft}}
TMP=$(mktemp -d /tmp/wc-test-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run NAME WANT_RC CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR.
run() {
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

# An error is exactly one line "wirecraft: <what>: <why>".
expect_one_line_error() { # NAME
	local n
	n=$(printf '%s\n' "$ERR" | wc -l)
	if [ "$n" -eq 1 ] && [[ "$ERR" == wirecraft:\ *:\ * ]]; then ok; else
		bad "$1: stderr should be one 'wirecraft: what: why' line, got [$ERR]"
	fi
}

if [ ! -x "$W" ]; then
	echo "cli: $W is not built"
	echo "cli: 0 passed, 1 failed"
	exit 1
fi

# --- version, help, usage --------------------------------------------------------------
run version 0 "$W" --version && expect_eq version "${OUT%% *}" "wirecraft"
expect_prefix() { # NAME GOT PREFIX
	if [[ "$2" == "$3"* ]]; then ok; else bad "$1: [$2] does not start with [$3]"; fi
}
run help 0 "$W" help && expect_prefix help "$OUT" "Usage:"
for c in build show dissect; do
	run "$c --help" 0 "$W" "$c" --help && expect_prefix "$c --help" "$OUT" "Usage: wirecraft $c"
	run "help $c" 0 "$W" help "$c" && expect_prefix "help $c" "$OUT" "Usage: wirecraft $c"
done
run "no command" 2 "$W" && expect_prefix "no command" "$ERR" "Usage:"
run "unknown command" 2 "$W" frobnicate && expect_one_line_error "unknown command"
run "unknown option" 2 "$W" build --frob 'IP()' && expect_one_line_error "unknown option"
run "missing EXPR" 2 "$W" build && expect_one_line_error "missing EXPR"
run "bad count" 2 "$W" build -c many 'IP()' && expect_one_line_error "bad count"
run "unknown layer" 2 "$W" dissect --first Nope 00 && expect_one_line_error "unknown layer"
run "json and summary" 2 "$W" dissect --json --summary 00 && expect_one_line_error "json and summary"
run "-r and HEX" 2 "$W" dissect -r x.pcap 00 && expect_one_line_error "-r and HEX"

# --- build -----------------------------------------------------------------------------
# bytes(IP(src="198.18.0.1", dst="198.18.0.2")/TCP(dport=443, flags="S")).hex()
SYN=45000028000100004006eea7c6120001c6120002001401bb00000000000000005002200001ec0000
run "build hex" 0 "$W" build 'IP(src="198.18.0.1",dst="198.18.0.2")/TCP(dport=443,flags="S")' &&
	expect_eq "build hex" "$OUT" "$SYN"
run "build words" 0 "$W" build 'IP(src="198.18.0.1",dst="198.18.0.2")' / 'TCP(dport=443,flags="S")' &&
	expect_eq "build words" "$OUT" "$SYN"
run "build set" 0 "$W" build 'IP(src="198.18.0.1",dst="198.18.0.0/30")/TCP(dport=[22,80])' &&
	expect_eq "build set" "$(printf '%s\n' "$OUT" | wc -l)" 8
run "build -c" 0 "$W" build -c 3 'IP(src="198.18.0.1",dst="198.18.0.0/30")/TCP(dport=[22,80])' &&
	expect_eq "build -c" "$(printf '%s\n' "$OUT" | wc -l)" 3
# A set of 2^24 * 65535 packets: the first line must come at once.
first=$(timeout 10 "$W" build 'IP(src="198.18.0.1",dst="198.18.0.0/8")/TCP(dport=(1,65535))' | head -1)
expect_eq "streaming" "${#first}" 80

# --- expression errors: the message line, the expression, a caret ----------------------
run "bad expression" 1 "$W" build 'IP()/TCP(dprt=80)'
if [[ "$(sed -n 1p "$TMP/err")" == "wirecraft: expression: col "*": "* ]] &&
	[ "$(sed -n 2p "$TMP/err")" == "  IP()/TCP(dprt=80)" ] &&
	[[ "$(sed -n 3p "$TMP/err")" == *^ ]]; then ok; else bad "bad expression: [$ERR]"; fi
expect_eq "bad expression stdout" "$OUT" ""

# --- pcap: write, read back, nothing left over -------------------------------------------
mkdir "$TMP/cap"
E='Ether(src="02:00:00:00:00:01",dst="02:00:00:00:00:02")/IP(src="198.18.0.1",dst="198.18.0.0/31")/UDP(sport=1234,dport=5678)'
run "build -w" 0 "$W" build -w "$TMP/cap/a.pcap" "$E" && expect_eq "build -w stdout" "$OUT" ""
expect_eq "no leftovers" "$(ls "$TMP/cap")" "a.pcap"
# [Ether(bytes(p)).summary() for p in <E>]
run "dissect -r" 0 "$W" dissect -r "$TMP/cap/a.pcap" --summary &&
	expect_eq "dissect -r" "$OUT" "Ether / IP / UDP 198.18.0.1:1234 > 198.18.0.0:5678
Ether / IP / UDP 198.18.0.1:1234 > 198.18.0.1:5678"
run "dissect -r -c" 0 "$W" dissect -r "$TMP/cap/a.pcap" --json -c 1 &&
	expect_eq "dissect -r -c lines" "$(printf '%s\n' "$OUT" | wc -l)" 1
if command -v python3 >/dev/null; then
	if printf '%s' "$OUT" | python3 -m json.tool >/dev/null 2>&1; then ok; else
		bad "JSON does not parse: $OUT"
	fi
fi
if command -v tcpdump >/dev/null; then
	n=$(tcpdump -nr "$TMP/cap/a.pcap" 2>/dev/null | wc -l)
	expect_eq "tcpdump reads it" "$n" 2
fi
# -f: libpcap's filter over the file, compiled for its link type
run "dissect -r -f" 0 "$W" dissect -r "$TMP/cap/a.pcap" -f "dst host 198.18.0.1" --summary &&
	expect_eq "dissect -r -f" "$OUT" "Ether / IP / UDP 198.18.0.1:1234 > 198.18.0.1:5678"
run "dissect -r -f none" 0 "$W" dissect -r "$TMP/cap/a.pcap" --filter tcp --summary &&
	expect_eq "dissect -r -f none" "$OUT" ""
run "bad filter" 2 "$W" dissect -r "$TMP/cap/a.pcap" -f "port 80 and" && expect_one_line_error "bad filter"
run "filter without -r" 2 "$W" dissect -f udp 00 && expect_one_line_error "filter without -r"
# Raw IP when the first layer is not Ether: the link type says so.
run "build -w raw" 0 "$W" build -w "$TMP/cap/r.pcap" 'IP(src="198.18.0.1",dst="198.18.0.2")/TCP(dport=443,flags="S")'
run "dissect raw" 0 "$W" dissect -r "$TMP/cap/r.pcap" --summary &&
	expect_eq "dissect raw" "$OUT" "IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:https S"
run "dissect raw -f" 0 "$W" dissect -r "$TMP/cap/r.pcap" -f "tcp dst port 443" --summary &&
	expect_eq "dissect raw -f" "$OUT" "IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:https S"
run "write into a missing dir" 1 "$W" build -w "$TMP/nodir/x.pcap" "$E" &&
	expect_one_line_error "write into a missing dir"
expect_eq "nothing created" "$(ls "$TMP")" "cap
err
out"

# --- dissect ---------------------------------------------------------------------------
run "dissect hex" 0 "$W" dissect --first IP --summary "$SYN" &&
	expect_eq "dissect hex" "$OUT" "IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:https S"
run "dissect two" 0 "$W" dissect --first IP --summary "$SYN" "$SYN" &&
	expect_eq "dissect two" "$(printf '%s\n' "$OUT" | wc -l)" 2
run "dissect stdin" 0 sh -c "printf '%s\n\n  %s  \n' $SYN $SYN | '$W' dissect --first IP --json -" &&
	expect_eq "dissect stdin" "$(printf '%s\n' "$OUT" | wc -l)" 2
run "dissect show" 0 "$W" dissect --first IP "$SYN" &&
	expect_eq "dissect show" "$(printf '%s\n' "$OUT" | head -1)" "###[ IP ]### "
run "odd hex" 1 "$W" dissect abc && expect_one_line_error "odd hex"
run "not hex" 1 "$W" dissect 00zz && expect_one_line_error "not hex"
run "bad stdin line" 1 sh -c "printf '00\nxyz\n' | '$W' dissect -" && expect_one_line_error "bad stdin line"
run "missing file" 1 "$W" dissect -r "$TMP/none.pcap" && expect_one_line_error "missing file"
printf 'not a capture' >"$TMP/junk.pcap"
run "junk file" 1 "$W" dissect -r "$TMP/junk.pcap" && expect_one_line_error "junk file"
rm -f "$TMP/junk.pcap"

# --- show ------------------------------------------------------------------------------
run show 0 "$W" show 'IP(src="198.18.0.1",dst="198.18.0.2")/TCP(dport=443,flags="S")' &&
	expect_eq show "$(printf '%s\n' "$OUT" | grep -c '^###\[')" 2
run "show -c" 0 "$W" show -c 1 'IP(src="198.18.0.1",dst="198.18.0.0/30")' &&
	expect_eq "show -c" "$(printf '%s\n' "$OUT" | grep -c '^###\[')" 1

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
