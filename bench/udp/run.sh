#!/usr/bin/env bash
# A UDP probe module on one private veth pair: wirecraft scan --probe udp:ntp against ZMap's
# ntp module, same path, same targets, same server, in the same run (ZMap 2.1's modules have
# ntp and upnp; its dns module came later, so NTP is the one both speak here).
#
# Namespace B holds 198.19.0.0/20 (a local route: every address is B's own) and runs chronyd
# (a private config: no upstream, local stratum 8, -x: it never touches the clock) answering
# on all of them. Each tool sends an NTP client request to every address at the same rate
# (RATE, default 4000 per second: above about that both lose answers on the way to chronyd,
# at the top rate half of them; this benchmark does not tune the host to find out where) with
# the shortest wait it has (wirecraft: its adaptive cooldown; ZMap -c 1) and reports the
# addresses that answered as NTP servers. Wall time of the whole command, answers,
# answers per second; RUNS rounds (default 3), medians and the ratio in bench/udp/README.md.
#
# Network safety: two namespaces made here (scripts/netns.sh) and removed on any exit; targets
# 198.19.0.0/20 only, on the veth; every command has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
OUT=${OUT:-bench/udp/README.md}
NAME=${NAME:-wcbu$$}
NAME=${NAME:0:12}
WC=$B/wirecraft
PY=/usr/bin/python3
IFA=$NAME-a0
NET=198.19.0.0/20
GW=0a:00:00:00:00:02
RATE=${RATE:-4000}

die() { echo "bench/udp: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF, XDP)"
[ -x "$WC" ] || die "$WC missing: make"
missing=()
for t in zmap chronyd bc; do command -v $t >/dev/null || missing+=("$t"); done
[ ${#missing[@]} -eq 0 ] || {
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq --no-install-recommends zmap chrony bc >/dev/null ||
		die "could not install ${missing[*]}"
}

tmp=$(mktemp -d)
CPID=""
cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && sleep 0.3
	wait 2>/dev/null || true
	"$ROOT/scripts/netns.sh" -n "$NAME" down || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/scripts/netns.sh" -n "$NAME" up >/dev/null
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2 dev "$IFA"
ip -n "$NAME-b" route add local $NET dev lo
# chronyd's socket gets the default buffer: deep enough for a burst of 4096 requests
ip netns exec "$NAME-b" sysctl -qw net.core.rmem_default=16777216 net.core.rmem_max=16777216
A() { timeout "$1" nsenter --net="/run/netns/$NAME-a" -- "${@:2}"; }
cat >"$tmp/chrony.conf" <<EOF
local stratum 8
allow all
port 123
cmdport 0
pidfile $tmp/chronyd.pid
EOF
nsenter --net="/run/netns/$NAME-b" -- chronyd -d -x -u root -f "$tmp/chrony.conf" 2>"$tmp/chronyd.err" &
CPID=$!
sleep 1
: >"$tmp/empty"

now() { date +%s.%N; }
declare -A T N
for r in $(seq "$RUNS"); do
	echo "== run $r/$RUNS" >&2
	s=$(now)
	A 60 "$WC" scan -i "$IFA" --probe udp:ntp $NET --allow-reserved --rate $RATE -G $GW -q -O csv \
		-f saddr,service -o "$tmp/wc.csv"
	e=$(now)
	T[wc]+="$(echo "$e - $s" | bc) "
	N[wc]+="$(grep -c ',ntp$' "$tmp/wc.csv" || true) "
	s=$(now)
	A 60 zmap -q -M ntp -p 123 -i "$IFA" -G $GW -S 198.18.0.1 -b "$tmp/empty" -r $RATE -c 1 \
		-o "$tmp/zm.out" $NET >/dev/null 2>"$tmp/zm.err" || true
	e=$(now)
	T[zm]+="$(echo "$e - $s" | bc) "
	N[zm]+="$(sort -u "$tmp/zm.out" | grep -c . || true) "
	echo "   wirecraft: ${T[wc]} / ${N[wc]}; zmap: ${T[zm]} / ${N[zm]}" >&2
done
"$PY" - "$RUNS" "${T[wc]}" "${N[wc]}" "${T[zm]}" "${N[zm]}" "$RATE" >"$tmp/table" <<'PYEOF'
import statistics, sys
runs = sys.argv[1]
rows = []
for name, t, n in (("wirecraft --probe udp:ntp --rate " + sys.argv[6], sys.argv[2], sys.argv[3]),
                   ("zmap -M ntp -c 1 -r " + sys.argv[6], sys.argv[4], sys.argv[5])):
    t, n = list(map(float, t.split())), list(map(float, n.split()))
    rows.append((name, statistics.median(t), statistics.median(n),
                 statistics.median([x / y for x, y in zip(n, t)])))
print("| tool | wall time (s) | NTP answers (of 4096) | answers/s |")
print("|---|---|---|---|")
for name, t, n, r in rows:
    print(f"| {name} | {t:.2f} | {n:.0f} | {r:.0f} |")
print()
print(f"Ratio (medians of {runs} runs, answers per second): wirecraft / ZMap = "
      + (f"{rows[0][3] / rows[1][3]:.1f}x" if rows[1][3] > 0 else "ZMap got none"))
PYEOF
cat "$tmp/table"
{
	echo "# UDP probe module benchmark"
	echo
	echo "\`bench/udp/run.sh\` ($(date -u +%Y-%m-%d), $(nproc) vCPUs, kernel $(uname -r)): NTP client"
	echo "requests to a /20 of chronyd addresses in a peer namespace, $(zmap --version 2>&1 | head -1)."
	echo "Medians of $RUNS runs, same run."
	echo
	cat "$tmp/table"
} >"$OUT"
