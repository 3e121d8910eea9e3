#!/usr/bin/env bash
# Runs the libFuzzer targets built by mk/fuzz.mk.
#   run.sh fuzz DIR TARGET...   fuzz each target for FUZZ_SECONDS
#   run.sh test DIR TARGET...   replay every committed crash and seed as a regression input,
#                               then fuzz each target for FUZZ_SECONDS
# DIR holds fuzz_<target> binaries and the working corpora (corpus-<target>, grown by the runs
# and never committed). New crashes are written to tests/fuzz/crashes/<target>/, where they stay
# as regression inputs once fixed. A target passes when neither its replay nor its run crashed,
# leaked, hung or ran out of memory. Ends with `fuzz: N passed, M failed`, one count per target.
set -uo pipefail

mode=${1:?usage: run.sh fuzz|test DIR TARGET...}
dir=${2:?usage: run.sh fuzz|test DIR TARGET...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
seconds=${FUZZ_SECONDS:-60}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout_s=${FUZZ_TIMEOUT:-10}   # one input taking longer is a hang, reported as a failure

max_len() {
	case $1 in
	dissect | format) echo 4096 ;; # a selector byte and a jumbo-ish frame
	expr) echo 512 ;;              # longer expressions only repeat what shorter ones reach
	filter) echo 512 ;;            # as expr: a filter longer than that repeats itself
	pcap) echo 16384 ;;            # a file header and a few frames, each up to a jumbo frame
	*) echo 4096 ;;
	esac
}

# Targets that read the same input as another share its seeds.
seeds_of() {
	case $1 in
	format) echo dissect ;; # a selector byte and a packet, as fuzz_dissect
	*) echo "$1" ;;
	esac
}

# "stat::number_of_executed_units: N" from -print_final_stats=1; empty if the run died early.
execs_of() { sed -n 's/^stat::number_of_executed_units: *//p' "$1" | tail -n 1; }

pass=0
fail=0
case $mode in fuzz | test) ;; *) echo "run.sh: unknown mode '$mode'" >&2; exit 2 ;; esac

for t in "$@"; do
	bin=$dir/fuzz_$t
	seeds=$here/corpus/$(seeds_of "$t")
	crashes=$here/crashes/$t
	corpus=$dir/corpus-$t
	mkdir -p "$corpus" "$crashes"
	opts=(-max_len="$(max_len "$t")" -rss_limit_mb="$rss_mb" -timeout="$timeout_s"
		-artifact_prefix="$crashes/" -print_final_stats=1)
	[ -f "$here/$t.dict" ] && opts+=(-dict="$here/$t.dict")
	ok=1
	note=

	if [ "$mode" = test ]; then
		# Files given one by one are each run once: a fixed crash must stay fixed, and
		# every seed must go through cleanly.
		mapfile -t inputs < <(find "$crashes" "$seeds" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | sort)
		if [ ${#inputs[@]} -gt 0 ]; then
			log=$dir/replay-$t.log
			if ! "$bin" "${opts[@]}" "${inputs[@]}" >"$log" 2>&1; then
				ok=0
				echo "fuzz_$t: replay FAILED (log: $log)"
				grep -E 'ERROR|invariant|Running:|runtime error|SUMMARY' "$log" | tail -n 12
			fi
		fi
		note="${#inputs[@]} replayed, "
	fi

	# A known crash would only be found again (and written out once more): fuzz only a
	# target whose regression inputs pass.
	execs=0
	if [ $ok = 1 ]; then
		log=$dir/fuzz-$t.log
		before=$(find "$crashes" -maxdepth 1 -type f | wc -l)
		"$bin" "${opts[@]}" -max_total_time="$seconds" "$corpus" $([ -d "$seeds" ] && echo "$seeds") >"$log" 2>&1
		rc=$?
		after=$(find "$crashes" -maxdepth 1 -type f | wc -l)
		execs=$(execs_of "$log")
		if [ $rc -ne 0 ]; then
			ok=0
			echo "fuzz_$t: run FAILED, exit $rc, $((after - before)) new input(s) in tests/fuzz/${crashes#"$here"/} (log: $log)"
			grep -E 'ERROR|invariant|runtime error|SUMMARY|Test unit written' "$log" | tail -n 12
		fi
	fi
	echo "fuzz_$t: ${note}${execs:-0} execs in ${seconds} s, corpus $(find "$corpus" -type f | wc -l) inputs, $([ $ok = 1 ] && echo ok || echo FAILED)"
	if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
