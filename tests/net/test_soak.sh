#!/usr/bin/env bash
# Nothing lost (issue 6): a soak of `wirecraft scan` against the XDP reflector on a private veth
# pair, at the top rate the path takes, for SOAK_SECONDS (default 60), after which every probe
# sent must be accounted for: answered, unanswered for a named reason, or dropped and counted by
# whoever dropped it. Counters come from five places and must add up exactly:
#   S  the scanner's --metadata (sender, receiver, its AF_XDP sockets' XDP_STATISTICS and the
#      steering program's per-verdict BPF counters, "accounting");
#   R  the reflector's per-verdict BPF counters (`wirecraft reflect --stats`);
#   Ea, Eb  `ethtool -S` of the veth ends (the driver's XDP counters: frames run through XDP,
#      XDP_TX, XDP_TX errors, redirects, drops), A scanning, B reflecting;
#   La, Lb  `ip -s -s link` of the veth ends (packets, dropped).
# Every figure is the difference between after and before the scan. The identities, and why
# each holds on this datapath, are in tests/README.md ("Nothing lost (soak)") and in
# tests/net/soak_account.py, which checks them. Zero unexplained differences is the pass
# criterion. Two runs:
#   1. soak: SOAK_SECONDS on the usual path (each veth end's NAPI in the sender's softirq),
#      where nothing is dropped;
#   2. drops: SOAK_DROP_SECONDS (default 10, at most 20, 0: none) with both ends' NAPI in
#      kernel threads, so that the veth rings overflow: the same sums must close with the drop
#      terms non-zero, and something must have been dropped (a run that happened to drop
#      nothing is tried once more).
#
# Quiet by construction, so that nothing but the scan's frames crosses the veth: IPv6 off in
# both namespaces (no ND, no MLD), the next hop's MAC given (-G: no ARP), both ends' own
# addresses blocklisted (B's kernel would answer for its own, outside the reflector).
#
# Root only (CI=true: not being root, or a missing tool, is a failure, not a skip). Bounded: the
# whole test ends within SOAK_SECONDS + 60 s (a watchdog sees to it); every command has a timeout, the reflector a
# --duration; the namespaces go away on any exit. Addresses: 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
SOAK=${SOAK_SECONDS:-60}
NAME=wcsoak$(($$ % 100000))
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-soak

DROPS=${SOAK_DROP_SECONDS:-10}
[[ "$SOAK" =~ ^[0-9]+$ ]] && [ "$SOAK" -ge 1 ] && [ "$SOAK" -le 3600 ] ||
	{ echo "test_soak: SOAK_SECONDS '$SOAK': 1 to 3600" >&2; exit 2; }
[[ "$DROPS" =~ ^[0-9]+$ ]] && [ "$DROPS" -le 20 ] ||
	{ echo "test_soak: SOAK_DROP_SECONDS '$DROPS': 0 to 20 (the test ends within SOAK_SECONDS + 60 s)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout ethtool sysctl "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done

TMP=$(mktemp -d /tmp/wc-soak.XXXXXX)
RPID="" SPID=""
# the whole test within SOAK_SECONDS + 60 s, whatever hangs: a watchdog ends it (and so the
# trap below cleans up) 5 s before that
(
	trap 'kill "$sp" 2>/dev/null; exit 0' TERM
	sleep $((SOAK + 55)) &
	sp=$!
	wait "$sp" && echo "FAIL: net-soak: watchdog: over $((SOAK + 55)) s" && kill -TERM $$
) &
WATCHDOG=$!
cleanup() {
	kill "$WATCHDOG" 2>/dev/null
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null # timeout hands the signal on to the scan
	wc_net_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 ||
		{ cat "$TMP/make.log"; ko "build"; finish; }
fi
timeout 5 "$WC" scan --help >/dev/null 2>&1 || { ko "'$WC scan' is not a command"; finish; }

$NS up >/dev/null || { ko "netns up"; finish; }
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }
for side in A B; do
	$side 5 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 ||
		{ ko "IPv6 off in $side"; finish; }
done
if A 5 ip -6 addr show dev "$IFA" | grep -q inet6 || B 5 ip -6 addr show dev "$IFB" | grep -q inet6; then
	ko "IPv6 still on the veth"; finish
fi

$NS exec b "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 --open tcp:22,80,443 \
	--duration $((SOAK + 58)) --interval 0 >"$TMP/reflect.out" 2>"$TMP/reflect.err" &
RPID=$!
for _ in $(seq 50); do
	grep -q '^reflect: attached' "$TMP/reflect.err" && break
	kill -0 "$RPID" 2>/dev/null || break
	sleep 0.1
done
grep -q '^reflect: attached' "$TMP/reflect.err" || { ko "reflector starts: $(cat "$TMP/reflect.err")"; finish; }

# every counter outside the scanner, as one file per moment
counters() { # OUT
	{
		echo "R $(B 5 "$WC" reflect -i "$IFB" --stats)"
		echo "La $(A 5 ip -j -s -s link show dev "$IFA")"
		echo "Lb $(B 5 ip -j -s -s link show dev "$IFB")"
		A 5 ethtool -S "$IFA" | sed -n 's/^ *\([a-z0-9_]*\): *\([0-9]*\)$/Ea \1 \2/p'
		B 5 ethtool -S "$IFB" | sed -n 's/^ *\([a-z0-9_]*\): *\([0-9]*\)$/Eb \1 \2/p'
	} >"$1"
}

# NAPI in a kernel thread of its own instead of the sending CPU's softirq: the ring of the
# veth end lags behind its peer and overflows, so that the drop terms are exercised. Written
# through `ip netns exec` (its own /sys); A's end has NAPI only while the scan's steering
# program is attached, so it is switched once that shows.
threaded() { # a|b
	local ns=$NAME-$1 ifc=$NAME-${1}0
	timeout 5 ip netns exec "$ns" sh -c "echo 1 >/sys/class/net/$ifc/threaded" 2>/dev/null
}
thread_a_when_attached() {
	for _ in $(seq 100); do
		A 5 ip link show dev "$IFA" | grep -q ' xdp' && threaded a && return 0
		sleep 0.05
	done
	return 1
}

# both ends' own addresses are no targets: B's kernel would answer for its own, A's is ours
printf '198.18.0.1\n198.18.0.2\n' >"$TMP/self.blk"

# One run: counters, a scan of SECONDS, counters, the accounting. /16 x 2000 ports = 131M
# targets, more than SOAK_SECONDS of the fastest path we have measured; --max-runtime ends the
# sending, then the cooldown waits for the answers to what was sent. In the background: `wait`
# lets the watchdog's signal in, a foreground command would not.
soak() { # LABEL SECONDS [--need-drops] [--threaded] [retry]
	local label=$1 secs=$2 need=${3:-} thr=${4:-} retry=${5:-} rc tpid=""
	counters "$TMP/$label.before"
	timeout $((secs + 40)) "$ROOT"/scripts/netns.sh -n "$NAME" exec a "$WC" scan -i "$IFA" \
		-G 0a:00:00:00:00:02 -b "$TMP/self.blk" -p 1-2000 198.18.0.0/16 --allow-reserved \
		--rate max --max-runtime "$secs" -q -o "$TMP/$label.csv" --metadata "$TMP/$label.json" \
		--state "$TMP/$label.state" 2>"$TMP/$label.err" &
	SPID=$!
	if [ -n "$thr" ]; then thread_a_when_attached & tpid=$!; fi
	wait "$SPID"
	rc=$?
	SPID=""
	if [ -n "$tpid" ]; then
		wait "$tpid" || ko "$label: A's end never went threaded"
	fi
	[ $rc -eq 0 ] && ok "$label: scan ran $secs s at --rate max" ||
		ko "$label: scan: rc $rc: $(tail -3 "$TMP/$label.err")"
	counters "$TMP/$label.after"
	[ -s "$TMP/$label.json" ] || { ko "$label: no metadata"; return; }
	"$PY" "$ROOT/tests/net/soak_account.py" "$TMP/$label.before" "$TMP/$label.after" \
		"$TMP/$label.json" "$secs" $need >"$TMP/$label.out"
	if [ $? -eq 3 ] && [ -n "$retry" ]; then
		echo "   $label: every sum closed, but no ring overflowed this time: once more"
		return 3
	fi
	sed -e "s/^\(ok\|FAIL\): /\1: $label: /" "$TMP/$label.out"
	pass=$((pass + $(grep -c '^ok: ' "$TMP/$label.out")))
	fail=$((fail + $(grep -c '^FAIL: ' "$TMP/$label.out")))
	grep -q '^\(ok\|FAIL\): ' "$TMP/$label.out" || ko "$label: the accounting did not run"
}

echo "== soak: $SOAK s at the top rate, NAPI in softirq (the usual path)"
soak soak "$SOAK"
# the drop terms, with real drops: both ends' NAPI threaded, a shorter run
if [ "$DROPS" -gt 0 ]; then
	echo "== drops: $DROPS s at the top rate, NAPI in threads (rings overflow)"
	threaded b || ko "B's end: threaded NAPI refused"
	soak drops "$DROPS" --need-drops --threaded retry || [ $? -ne 3 ] ||
		soak drops "$DROPS" --need-drops --threaded
fi
finish
