#!/usr/bin/env bash
# `make test-asan` (mk/asan.mk): the CLI tests, the Scapy oracles and (as root) the network tests
# against the ASan+UBSan build of the CLI ($ASAN_DIR/wirecraft, LeakSanitizer on), then a few
# normal-path commands of the plain build ($B/wirecraft) under valgrind.
# Environment (the Makefile sets it): B, ASAN_DIR, ASAN_LOGS (the directory the binary was
# built to report into, tests/asan/default_options.c), VALGRIND (the command line),
# MATCH_HARNESS (tests/oracle/match_run.py's library half, the plain build's).
#
# A report anywhere fails the step, even when the test that ran the command swallowed its
# stderr or its exit status: every report is a file of its own under $ASAN_LOGS, and the step
# fails if any is there at the end. A canary first proves that reports do land there.
# Not run here: tests/cli/test_install.sh (it installs and links the plain library with `make
# install`; there is no binary to swap in). The soak runs 10 s + 5 s instead of 60 s + 10 s:
# the same paths and the same exact accounting, shorter. Under CI=true, not being root (net
# tests skipped) is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${B:?}" "${ASAN_DIR:?}" "${ASAN_LOGS:?}" "${VALGRIND:?}" "${MATCH_HARNESS:?}"
export WIRECRAFT=$(realpath "$ASAN_DIR/wirecraft")
fail=0 runs=0
T0=$SECONDS

rm -rf "$ASAN_LOGS" "$ASAN_DIR/run"
mkdir -p "$ASAN_LOGS" "$ASAN_DIR/run"
chmod 1777 "$ASAN_LOGS" # test_privs.sh runs the binary as nobody: its reports count too

# The canary leaks, then (with an argument) overflows a shift: two reports, exit 23 each.
"$ASAN_DIR/canary"; rc1=$?
"$ASAN_DIR/canary" ub; rc2=$?
if [ $rc1 -ne 23 ] || [ $rc2 -ne 23 ] || [ "$(grep -l 'LeakSanitizer: detected memory leaks' "$ASAN_LOGS"/* | wc -l)" -ne 1 ] ||
	[ "$(grep -l 'runtime error: shift exponent' "$ASAN_LOGS"/* | wc -l)" -ne 1 ]; then
	echo "asan: FAIL the canary's reports did not reach $ASAN_LOGS (exit $rc1, $rc2): the checks would be blind"
	exit 1
fi
rm -f "$ASAN_LOGS"/*

run() { # NAME SECONDS CMD...: one line per run, its output only when it failed
	local name=$1 limit=$2 t=$SECONDS rc
	shift 2
	runs=$((runs + 1))
	timeout -k 10 "$limit" "$@" >"$ASAN_DIR/run/$name.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "asan: ok   $name ($((SECONDS - t)) s)"
	else
		fail=$((fail + 1))
		echo "asan: FAIL $name (exit $rc, $((SECONDS - t)) s); the end of its output:"
		grep -v '^ok: ' "$ASAN_DIR/run/$name.log" | tail -30 | sed 's/^/    /'
	fi
}

for t in tests/cli/test_*.sh; do
	[ "$t" = tests/cli/test_install.sh ] && continue
	run "cli-$(basename "$t" .sh)" 600 bash "$t"
done
run oracle 900 env ORACLE_DIR="$ASAN_DIR/oracle" /usr/bin/python3 tests/oracle/run.py
# the match oracle: `wirecraft match` is the sanitized binary; its library half (MATCH_HARNESS)
# is the plain build's
run oracle-match 600 env ORACLE_DIR="$ASAN_DIR/oracle" /usr/bin/python3 tests/oracle/match_run.py

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/net/test_*.sh; do
		run "net-$(basename "$t" .sh)" 900 env SOAK_SECONDS=10 SOAK_DROP_SECONDS=5 bash "$t"
	done
elif [ "${CI:-}" = true ]; then
	echo "asan: FAIL net tests: need root (CI=true: cannot skip)"
	fail=$((fail + 1))
else
	echo "asan: net tests skipped (not root)"
fi

# valgrind: the plain build (gcc -O2 -g), offline commands on their normal paths. Definite
# leaks and memory errors (uninitialized reads included) exit 1.
W=$B/wirecraft V=$ASAN_DIR/valgrind
rm -rf "$V" && mkdir -p "$V"
E='Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.0/29")/TCP(dport=[22,80], flags="S", options=[("MSS", 1460)])'
R='Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")/IP(src="198.18.0.0/29", dst="198.18.0.1")/TCP(sport=[22,80], dport=20, flags="SA")'
HEX=$("$W" build 'Ether()/IP(dst="198.18.0.2", options=b"\x01\x01\x01\x00")/UDP(dport=53)/"hello"')
"$W" build -w "$V/recv.pcap" "$R"
run vg-build 120 $VALGRIND "$W" build -w "$V/sent.pcap" "$E"
run vg-build-v6 120 $VALGRIND "$W" build 'IPv6(dst="2001:db8::/126")/IPv6ExtHdrFragment()/ICMPv6EchoRequest()/Raw(load=b"x")'
run vg-show 120 $VALGRIND "$W" show 'IP(dst="198.18.0.2")/TCP(dport=80, options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0))])/"hi"'
run vg-dissect 120 $VALGRIND "$W" dissect "$HEX"
run vg-dissect-json 120 $VALGRIND "$W" dissect --json "$HEX"
run vg-dissect-pcap 120 $VALGRIND "$W" dissect -r "$V/sent.pcap" --summary
run vg-send-dry 120 $VALGRIND "$W" send --dry-run -q -w "$V/dry.pcap" "$E"
run vg-match 120 $VALGRIND "$W" match "$V/sent.pcap" "$V/recv.pcap"
run vg-match-json 120 $VALGRIND "$W" match --json "$V/sent.pcap" "$V/recv.pcap"

# Any report file fails the step, whatever the test that caused it made of it.
reports=$(find "$ASAN_LOGS" -type f | sort)
nrep=$(printf '%s' "$reports" | grep -c .)
echo "asan: $((runs - fail)) of $runs runs passed, $nrep sanitizer report(s), $((SECONDS - T0)) s"
for f in $reports; do
	echo "  == $f"
	head -40 "$f" | sed 's/^/    /'
done
[ $fail -eq 0 ] && [ "$nrep" -eq 0 ]
