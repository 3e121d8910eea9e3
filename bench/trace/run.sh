#!/usr/bin/env bash
# Tracing a whole prefix behind a chain of real Linux routers (tests/net/trace_topo.sh: five
# hops, an ECMP fork): wirecraft traceroute against the distribution's traceroute (one process
# per target, in parallel with xargs -P as a user would) and scamper (its own parallel tracer,
# at its top probe rate), all with TCP SYN probes to port 80, one probe per hop, TTLs up to 16.
# `make bench-trace` (root) builds what this needs and runs it; the table goes to
# bench/trace/README.md.
#
# Every tool traces the same targets (PREFIX, default a /20: 4096 targets) through the same
# routers; its result is checked against the chain (tests/net/trace_check.py: every hop of
# every target, the branch of the fork consistent per target) and the wall time of the whole
# command is measured. Configs run round-robin RUNS times (default 3); the table has the
# medians and the ratios.
#
# Network safety: the namespaces are made here and removed on any exit; targets and routers in
# 198.18.0.0/15 only; every command has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH=$PATH:/usr/sbin:/sbin
B=${B:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
RUNS=${RUNS:-3}
OUT=${OUT:-bench/trace/README.md}
PREFIX=${PREFIX:-198.18.16.0/20}
JOBS=${JOBS:-128} # traceroute processes at once (xargs -P; of 8, 32 and 128, 128 was fastest)
SCAMPER_PPS=${SCAMPER_PPS:-10000}
MAXTTL=16
P=bt$$
WC=$B/wirecraft
PY=/usr/bin/python3

die() { echo "bench/trace: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF, XDP)"
[ -x "$WC" ] || die "$WC missing: make"
for t in traceroute scamper bc; do command -v $t >/dev/null || die "missing $t (scripts/install-deps.sh)"; done
. tests/net/trace_topo.sh

tmp=$(mktemp -d)
cleanup() { trace_topo_down "$P"; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

trace_topo_up "$P" >"$tmp/topo.log" 2>&1 || die "topology: $(cat "$tmp/topo.log")"
# no XDP program on r1s: wirecraft's copy-mode AF_XDP frames reach it as any others do (with
# the trivial wc_pass there, its copy of every probe into a page cost 7% of a fast trace)
S() { timeout "$1" nsenter --net="/run/netns/${P}s" -- "${@:2}"; }
"$PY" -c 'import ipaddress, sys
for a in ipaddress.ip_network(sys.argv[1]): print(a)' "$PREFIX" >"$tmp/targets.txt"
NT=$(wc -l <"$tmp/targets.txt")
S 5 ping -c 1 -W 2 "$(head -1 "$tmp/targets.txt")" >/dev/null 2>&1 || true

# -v: where each run's time went (set-up, phases, tear-down, output), kept for the notes
run_wirecraft() {
	S 120 "$WC" traceroute -i s0 --allow-reserved -q -v --rate max -m $MAXTTL -p 80 -O text \
		-o "$1" "$PREFIX" 2>"$1.err"
}
run_wirecraft_pre() {
	S 120 "$WC" traceroute -i s0 --allow-reserved -q -v --rate max -m $MAXTTL -p 80 -O text \
		--preprobe -o "$1" "$PREFIX" 2>"$1.err"
}
run_wirecraft_pre2t() {
	S 120 "$WC" traceroute -i s0 --allow-reserved -q -v --rate max -m $MAXTTL -p 80 -O text \
		--preprobe --threads 2 -o "$1" "$PREFIX" 2>"$1.err"
}
run_traceroute() {
	mkdir -p "$tmp/tr"
	rm -f "$tmp/tr"/*
	S 600 xargs -P "$JOBS" -I{} sh -c 'traceroute -n -q 1 -T -p 80 -m '$MAXTTL' -w 1 {} >'"$tmp"'/tr/{} 2>&1' \
		<"$tmp/targets.txt"
	cat "$tmp/tr"/* >"$1"
}
run_scamper() {
	S 600 scamper -O text -p "$SCAMPER_PPS" -c "trace -P tcp -d 80 -q 1 -m $MAXTTL -w 1" \
		-f "$tmp/targets.txt" >"$1" 2>"$tmp/scamper.err"
}
FMT_wirecraft=text FMT_wirecraft_pre=text FMT_wirecraft_pre2t=text FMT_traceroute=traceroute FMT_scamper=scamper
LABEL_wirecraft="wirecraft traceroute --rate max"
LABEL_wirecraft_pre="wirecraft traceroute --rate max --preprobe"
LABEL_wirecraft_pre2t="wirecraft traceroute --rate max --preprobe --threads 2"
LABEL_traceroute="traceroute -T (xargs -P $JOBS)"
LABEL_scamper="scamper -p $SCAMPER_PPS trace -P tcp"
TOOLS="wirecraft wirecraft_pre wirecraft_pre2t traceroute scamper"
WTOOLS="wirecraft wirecraft_pre wirecraft_pre2t"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

for r in $(seq "$RUNS"); do
	for t in $TOOLS; do
		echo "== run $r: $t" >&2
		s=$(date +%s.%N)
		# a run that failed counts as nothing found (and says why), not as the end of the bench
		"run_$t" "$tmp/$t.$r.out" || echo "bench/trace: $t exited $?: $(tail -1 "$tmp/$t.$r.out.err" 2>/dev/null)" >&2
		[ -f "$tmp/$t.$r.out" ] || : >"$tmp/$t.$r.out"
		e=$(date +%s.%N)
		echo "$t $(echo "$e - $s" | bc)" >>"$tmp/times"
		fmt=FMT_$t
		# complete: every hop found, the chain's router at that TTL (hops 2 and 3: either
		# branch, as traceroute -T changes its source port between probes); paris: hops 2 and
		# 3 on one branch as well
		read -r good paris < <("$PY" - "${!fmt}" "$tmp/$t.$r.out" <<'EOF'
import sys
sys.path.insert(0, "tests/net")
import trace_check as tc
h = tc.read_hops(sys.argv[1], sys.argv[2])
print(sum(tc.chain_ok(a, x, "4", True) is None for a, x in h.items()),
      sum(tc.chain_ok(a, x, "4") is None for a, x in h.items()))
EOF
)
		echo "$t $good $paris" >>"$tmp/found"
		# an incomplete wirecraft run: what it counted (replies, drops) goes to the notes
		case " $WTOOLS " in *" $t "*) [ "$good" -lt "$NT" ] &&
			echo "- run $r, ${t}: $good of $NT complete; $(sed -n 's/^wirecraft: traceroute done: //p' \
				"$tmp/$t.$r.out.err")" >>"$tmp/incomplete" ;; esac
	done
done

{
	echo "# wirecraft traceroute: a whole prefix through a chain of routers, against traceroute and scamper"
	echo
	echo "Generated by \`bench/trace/run.sh\` (\`make bench-trace\`, root) on $(date -u +%Y-%m-%d), $(nproc) CPUs,"
	echo "kernel $(uname -r), load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $RUNS runs each,"
	echo "medians."
	echo "Targets: $PREFIX ($NT addresses), behind five real Linux routers in namespaces"
	echo "(tests/net/trace_topo.sh: hop 1 r1, hop 2 r2a or r2b by ECMP, hop 3 r3, hop 4 r4, hop 5 the target),"
	echo "TCP SYN probes to port 80, one probe per hop, TTLs up to $MAXTTL. wirecraft probes all $MAXTTL TTLs of"
	echo "every target (stateless, as yarrp: $((NT * MAXTTL)) probes), or with --preprobe a sample of the targets"
	echo "(every 16th) at TTL $MAXTTL (as FlashRoute) for the distance, the others once at the sample's distance"
	echo "(the split TTL, where the target's own answer is its hop), then only the TTLs below; traceroute and"
	echo "scamper stop at the target. Every hop any tool reports answered a probe sent with that TTL."
	echo "Wall time is the whole command. A target is complete when every one of its five hops was found"
	echo "with the right address (hops 2 and 3: either branch); on one branch: hops 2 and 3 on the same"
	echo "branch of the fork, as one flow takes it (Paris: wirecraft and scamper keep the flow; traceroute -T"
	echo "changes its source port from probe to probe)."
	echo "$(traceroute -V 2>&1 | head -1), scamper $(dpkg-query -W -f='${Version}' scamper 2>/dev/null)."
	echo
	echo "| tool | wall time, s (median) | min | max | targets complete (worst run) | of them on one branch |"
	echo "|---|---:|---:|---:|---:|---:|"
	for t in $TOOLS; do
		l=LABEL_$t
		read -r med mn mx < <(awk -v t=$t '$1 == t {print $2}' "$tmp/times" | sort -g |
			awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}')
		read -r worst paris < <(awk -v t=$t '$1 == t {print $2, $3}' "$tmp/found" | sort -g | head -1)
		printf '| %s | %.2f | %.2f | %.2f | %s of %s | %s |\n' "${!l}" "$med" "$mn" "$mx" "$worst" "$NT" "$paris"
		eval "MED_$t=$med"
	done
	echo
	for w in $WTOOLS; do
		for t in traceroute scamper; do
			m=MED_$t l=LABEL_$t wm=MED_$w wl=LABEL_$w
			printf -- '- %s over %s: %.2f s / %.2f s = %.1fx\n' "${!l}" "${!wl}" "${!m}" "${!wm}" \
				"$(echo "scale=3; ${!m} / ${!wm}" | bc)"
		done
	done
	echo
	echo "Where wirecraft's time went, in its last run of each (-v; wall time also counts the process's"
	echo "start and exit):"
	for w in $WTOOLS; do
		l=LABEL_$w
		echo "- ${!l}: $(sed -n 's/^wirecraft: traceroute done: \([0-9]* probes\).*/\1/p' "$tmp/$w.$RUNS.out.err");" \
			"$(sed -n 's/^wirecraft: traceroute times: //p' "$tmp/$w.$RUNS.out.err")"
	done
	if [ -s "$tmp/incomplete" ]; then
		echo
		echo "Incomplete wirecraft runs (-v):"
		cat "$tmp/incomplete"
	fi
} >"$OUT"
cat "$OUT"
