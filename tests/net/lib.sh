# The bookkeeping every network test shares; sourced after the test has cd'ed to the top of
# the tree:   . tests/net/lib.sh; wc_test_begin net-NAME
# ok/ko count checks; finish prints "net-NAME: P passed, F failed" and exits non-zero on any
# failure; skip_all REASON ends the test as skipped, except under CI=true, where a skip is a
# failure (CI runs as root with every package installed: nothing there has a reason to skip).
wc_test_begin() {
	WC_TEST_NAME=$1
	pass=0 fail=0
}
ok() { pass=$((pass + 1)); echo "ok: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
finish() { echo "$WC_TEST_NAME: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }
skip_all() {
	if [ "${CI:-}" = true ]; then ko "$1 (CI=true: cannot skip)"; finish; fi
	echo "$WC_TEST_NAME: skipped ($1)"; exit 0
}

# The end of a network test, also on failure (trap it on EXIT, after the test's own extras):
# the reflector (RPID) and other background processes (BG) killed, the namespaces NAME-a and
# NAME-b removed with their veth, TMP deleted.
wc_net_cleanup() {
	[ -n "${RPID:-}" ] && kill -9 "$RPID" 2>/dev/null
	for p in ${BG:-}; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	"$ROOT"/scripts/netns.sh -n "$NAME" down
	rm -rf "$TMP"
}

# Whether this kernel refuses root what other builds of it allow (live-frames, xdp-meta): asked
# by tests/net/kernel_refuses.py with raw bpf(2) calls, not by wirecraft, whose behaviour the
# answer says what to expect of. True only on a definite refusal.
kernel_refuses() { /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/kernel_refuses.py" "$1"; }
