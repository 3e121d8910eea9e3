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
