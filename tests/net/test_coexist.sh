#!/usr/bin/env bash
# wirecraft next to other people's XDP programs, on a private veth pair:
#   - another program, loaded with xdp-loader (libxdp) on each end (tests/net/xdp_passcount.bpf.c:
#     passes everything, counts every frame, IPv4 TCP and IPv4 ICMP frames);
#   - where libxdp could make a multiprog dispatcher of it: the reflector (in B) and sr and scan
#     (in A) join the dispatchers; answers are right; the other program still counts the frames
#     wirecraft does not take (pings) and none of those it takes (TCP probes and answers); after
#     wirecraft exits (its end, SIGINT, SIGTERM) only the other program is left; after kill -9
#     the stale component is there, and `wirecraft xdp-clean` or the next run removes it;
#   - where the kernel refuses the dispatcher's freplace programs (libxdp then loads the program
#     alone, through netlink): reflect, sr, scan and sniff --steal refuse with the one-line
#     reason, exit non-zero, leave the other program attached and working;
#   - then, the interface free again: the bpf_link path (reflect + sr answer; kill -9 leaves
#     nothing), and xdp-loader refused while wirecraft holds the interface.
#
# libxdp keeps its state in bpffs: the test runs in a private mount namespace with its own bpffs
# on /sys/fs/bpf, so it neither needs nor touches the host's. Root only (CI=true: not root, or a
# missing tool, is a failure). Bounded: every command has a timeout; the namespaces, and with the
# mount namespace every pin, go away on any exit. Addresses: 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
PY=/usr/bin/python3
NAME=wccox$$
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-coexist

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout unshare mount xdp-loader bpftool clang cc ping "$PY"; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done
# Our own bpffs, seen by everything started from here (netns.sh enters network namespaces only).
if [ -z "${WCCOX_PRIVATE_MNT:-}" ]; then
	WCCOX_PRIVATE_MNT=1 exec unshare -m --propagation private bash "$0" "$@"
fi
mount -t bpf bpf /sys/fs/bpf || { ko "mounting a private bpffs"; finish; }

TMP=$(mktemp -d /tmp/wc-coexist.XXXXXX)
RPID=""
trap wc_net_cleanup EXIT
trap 'exit 1' INT TERM

if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft >"$TMP/make.log" 2>&1 || { cat "$TMP/make.log"; ko "build"; finish; }
fi
timeout 5 "$WC" xdp-clean --help >/dev/null 2>&1 || { ko "'$WC xdp-clean' is not a command"; finish; }
BPF_MULTIARCH=$(cc -print-multiarch 2>/dev/null)
timeout 60 clang -O2 -g -target bpf -Wall -Werror ${BPF_MULTIARCH:+-idirafter /usr/include/$BPF_MULTIARCH} \
	-c tests/net/xdp_passcount.bpf.c -o "$TMP/pc.o" || { ko "building the other program"; finish; }

$NS up >/dev/null || { ko "netns up"; finish; }
# the reflector's population is behind B: the next hop is B's own address
ip -n "$NAME-a" route add 198.19.0.0/16 via 198.18.0.2
A() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec a "${@:2}"; }
B() { timeout "$1" "$ROOT"/scripts/netns.sh -n "$NAME" exec b "${@:2}"; }
side() { case $1 in a) echo A ;; b) echo B ;; esac; }
ifc() { case $1 in a) echo "$IFA" ;; b) echo "$IFB" ;; esac; }

load_other() { # a|b: the other program, with its counters pinned under $TMP's bpffs dir
	mkdir -p "/sys/fs/bpf/$NAME-$1"
	$(side "$1") 20 xdp-loader load -m native -p "/sys/fs/bpf/$NAME-$1" "$(ifc "$1")" "$TMP/pc.o"
}
status() { $(side "$1") 20 xdp-loader status "$(ifc "$1")" 2>&1; }
# the names of the XDP programs on an end, sorted, one line ("pc_count wc_reflect xdp_dispatcher")
progs() { status "$1" | awk 'NR > 4 && NF >= 4 { for (i = 1; i <= NF; i++) if ($i ~ /^(pc_count|wc_[a-z]+|xdp_dispatcher)$/) print $i }' | sort | tr '\n' ' ' | sed 's/ $//'; }
count() { # a|b KEY -> the other program's counter
	bpftool -j map dump pinned "/sys/fs/bpf/$NAME-$1/pc_counts" 2>/dev/null | "$PY" -c '
import json, sys
k = int(sys.argv[1])
for e in json.load(sys.stdin):
    key = e.get("key"); val = e.get("value")
    key = key if isinstance(key, int) else int.from_bytes(bytes(int(x, 16) for x in key), "little")
    val = val if isinstance(val, int) else int.from_bytes(bytes(int(x, 16) for x in val), "little")
    if key == k: print(val)' "$2"
}
ALL=0 TCP=1 ICMP=2

start_reflector() { # extra args for reflect; waits for its "attached" line
	: >"$TMP/reflect.err" # not the last run's line
	$NS exec b "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --open tcp:22,80 --icmp "$@" \
		>"$TMP/reflect.out" 2>"$TMP/reflect.err" &
	RPID=$!
	for _ in $(seq 100); do
		grep -q '^reflect: attached' "$TMP/reflect.err" && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
stop_reflector() { # SIGNAL: stop it that way, wait for it
	[ -n "$RPID" ] || return 0
	kill "-$1" "$RPID" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$RPID" 2>/dev/null || break; sleep 0.1; done
	{ wait "$RPID"; } 2>/dev/null
	RPID=""
}
sr3() { # the three probes sr sends in every round: 22 and 80 open, 81 closed
	A 30 "$WC" sr -i "$IFA" --timeout 2 'IP(dst="198.19.0.7")/TCP(dport=[22,80,81], flags="S")' \
		>"$TMP/sr.out" 2>"$TMP/sr.err"
}
sr3_right() { # exit 0, three answers: SA from 22 and 80, RA from 81
	grep -q "got 3 answers" "$TMP/sr.err" &&
		[ "$(grep -c 'SA' "$TMP/sr.out")" -eq 2 ] && [ "$(grep -c 'RA' "$TMP/sr.out")" -eq 1 ]
}
scan16() { # 16 addresses x 22,80 (open), 81 (closed): the 32 open pairs, each once
	A 60 "$WC" scan -i "$IFA" -p 22,80,81 --allow-reserved=198.19.0.0/16 198.19.1.0/28 \
		-o "$TMP/scan.csv" 2>"$TMP/scan.err"
	rc=$?
	n=$(grep -c '^198\.19\.1\.' "$TMP/scan.csv" 2>/dev/null)
	[ $rc -eq 0 ] && [ "${n:-0}" -eq 32 ] && [ "$(sort -u "$TMP/scan.csv" | grep -c '^198\.19\.1\.')" -eq 32 ]
}

# ---- the other program on both ends ------------------------------------------------------
load_other b >"$TMP/load.log" 2>&1 && load_other a >>"$TMP/load.log" 2>&1 ||
	{ cat "$TMP/load.log"; ko "xdp-loader load"; finish; }
case "$(progs b)" in
"pc_count xdp_dispatcher") DISPATCHER=1; ok "xdp-loader put the other program in a libxdp dispatcher on each end" ;;
"pc_count") DISPATCHER=0
	echo "NOTE: this kernel refuses the dispatcher's freplace (BPF_PROG_TYPE_EXT) programs; libxdp"
	echo "NOTE: attached the other program alone. The joining half of this test cannot run here:"
	echo "NOTE: what it checks instead is that wirecraft refuses such a program cleanly."
	ok "xdp-loader attached the other program (alone: no dispatcher on this kernel)" ;;
*) ko "xdp-loader status: $(status b)"; finish ;;
esac
if [ "${WC_COEXIST_NEED_DISPATCHER:-}" = 1 ] && [ "$DISPATCHER" = 0 ]; then
	ko "WC_COEXIST_NEED_DISPATCHER=1, and this kernel gives no dispatcher"
fi
B0=$(count b $ALL)
A 10 ping -q -c 3 -i 0.2 198.18.0.2 >/dev/null 2>&1 || ko "ping A -> B with the other programs on"
[ "$(count b $ICMP)" -ge 3 ] && [ "$(count a $ICMP)" -ge 3 ] &&
	ok "the other programs count the pings ($B0 -> $(count b $ALL) frames on B)" ||
	ko "the other programs' counters: B icmp $(count b $ICMP), A icmp $(count a $ICMP)"

if [ "$DISPATCHER" = 1 ]; then
	# ---- joining the dispatchers -----------------------------------------------------------
	start_reflector --duration 60 || { cat "$TMP/reflect.err"; ko "reflect joins B's dispatcher"; finish; }
	grep -q "joined it" "$TMP/reflect.err" && [ "$(progs b)" = "pc_count wc_reflect xdp_dispatcher" ] &&
		ok "reflect joined B's dispatcher: $(progs b)" || ko "reflect on B: $(progs b); $(cat "$TMP/reflect.err")"
	tb=$(count b $TCP) ta=$(count a $TCP) ib=$(count b $ICMP) ia=$(count a $ICMP)
	sr3 && sr3_right && ok "sr through A's dispatcher: 3 right answers" ||
		ko "sr: $(cat "$TMP/sr.out" "$TMP/sr.err")"
	[ "$(progs a)" = "pc_count xdp_dispatcher" ] && ok "sr left A's dispatcher at its end" ||
		ko "after sr, A has: $(progs a)"
	scan16 && ok "scan through A's dispatcher: 32 open pairs of 48" ||
		ko "scan: rc $rc, ${n:-0} lines: $(tail -2 "$TMP/scan.err")"
	[ "$(progs a)" = "pc_count xdp_dispatcher" ] && ok "scan left A's dispatcher at its end" ||
		ko "after scan, A has: $(progs a)"
	A 10 ping -q -c 3 -i 0.2 198.18.0.2 >/dev/null 2>&1
	[ "$(count b $TCP)" -eq "$tb" ] && [ "$(count a $TCP)" -eq "$ta" ] &&
		ok "the other programs saw none of the TCP probes and answers wirecraft took" ||
		ko "TCP frames reached the other programs: B $tb -> $(count b $TCP), A $ta -> $(count a $TCP)"
	[ "$(count b $ICMP)" -ge $((ib + 3)) ] && [ "$(count a $ICMP)" -ge $((ia + 3)) ] &&
		ok "the other programs still count the frames wirecraft does not take (pings)" ||
		ko "pings not counted: B $ib -> $(count b $ICMP), A $ia -> $(count a $ICMP)"
	stop_reflector INT
	[ "$(progs b)" = "pc_count xdp_dispatcher" ] && ok "reflect left B's dispatcher on SIGINT" ||
		ko "after SIGINT, B has: $(progs b)"
	start_reflector --duration 60 && stop_reflector TERM
	[ "$(progs b)" = "pc_count xdp_dispatcher" ] && ok "reflect left B's dispatcher on SIGTERM" ||
		ko "after SIGTERM, B has: $(progs b)"
	start_reflector --duration 1 && { wait "$RPID"; RPID=""; }
	[ "$(progs b)" = "pc_count xdp_dispatcher" ] && ok "reflect left B's dispatcher at the end of --duration" ||
		ko "after --duration, B has: $(progs b)"
	# ---- kill -9: the component stays, until xdp-clean or the next run ----------------------
	start_reflector --duration 60 && stop_reflector KILL
	[ "$(progs b)" = "pc_count wc_reflect xdp_dispatcher" ] && ok "kill -9 leaves the component (libxdp pins it)" ||
		ko "after kill -9, B has: $(progs b)"
	B 20 "$WC" xdp-clean -i "$IFB" >"$TMP/clean.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q "wc_reflect .*: no process holds it: removed" "$TMP/clean.out" &&
		grep -q "pc_count .*left alone" "$TMP/clean.out" && [ "$(progs b)" = "pc_count xdp_dispatcher" ] &&
		ok "xdp-clean removed the stale component, left the other: $(tr '\n' ' ' <"$TMP/clean.out")" ||
		ko "xdp-clean: rc $rc: $(cat "$TMP/clean.out"); B has $(progs b)"
	start_reflector --duration 60 && stop_reflector KILL
	start_reflector --duration 60 || ko "reflect after a kill -9"
	[ "$(progs b)" = "pc_count wc_reflect xdp_dispatcher" ] &&
		ok "the next reflect removed the stale component and joined: one wc_reflect" ||
		ko "next run: B has $(progs b)"
	sr3 && sr3_right && ok "its answers are right" || ko "sr after the rejoin: $(cat "$TMP/sr.err")"
	stop_reflector TERM
else
	# ---- a program that is not a dispatcher: refused, cleanly ------------------------------
	before=$(status b | grep pc_count)
	B 20 "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --open tcp:22 --duration 5 >/dev/null 2>"$TMP/r.err"
	rc=$?
	[ $rc -ne 0 ] && [ "$(wc -l <"$TMP/r.err")" -eq 1 ] && grep -q "not a libxdp dispatcher" "$TMP/r.err" &&
		ok "reflect refuses: $(cat "$TMP/r.err")" || ko "reflect: rc $rc: $(cat "$TMP/r.err")"
	sr3
	rc=$?
	[ $rc -ne 0 ] && grep -q "not a libxdp dispatcher" "$TMP/sr.err" && ok "sr refuses: $(head -1 "$TMP/sr.err")" ||
		ko "sr: rc $rc: $(cat "$TMP/sr.err")"
	A 20 "$WC" scan -i "$IFA" -p 22 --allow-reserved=198.19.0.0/16 198.19.1.0/30 >/dev/null 2>"$TMP/scan.err"
	rc=$?
	[ $rc -ne 0 ] && grep -q "not a libxdp dispatcher" "$TMP/scan.err" && ok "scan refuses: $(grep -m1 dispatcher "$TMP/scan.err")" ||
		ko "scan: rc $rc: $(cat "$TMP/scan.err")"
	A 20 "$WC" sniff -i "$IFA" --steal --timeout 1 >/dev/null 2>"$TMP/sniff.err"
	rc=$?
	[ $rc -ne 0 ] && grep -q "not a libxdp dispatcher" "$TMP/sniff.err" && ok "sniff --steal refuses: $(head -1 "$TMP/sniff.err")" ||
		ko "sniff --steal: rc $rc: $(cat "$TMP/sniff.err")"
	[ "$(status b | grep pc_count)" = "$before" ] && [ "$(progs a)" = pc_count ] && [ "$(progs b)" = pc_count ] &&
		ok "the other programs are untouched" || ko "after the refusals: A $(progs a), B $(progs b)"
	ib=$(count b $ICMP)
	A 10 ping -q -c 3 -i 0.2 198.18.0.2 >/dev/null 2>&1
	[ "$(count b $ICMP)" -ge $((ib + 3)) ] && ok "and still counting" || ko "B's counter stopped at $ib"
	B 20 "$WC" xdp-clean -i "$IFB" >"$TMP/clean.out" 2>&1 && grep -q "no libxdp dispatcher" "$TMP/clean.out" &&
		ok "xdp-clean: $(cat "$TMP/clean.out")" || ko "xdp-clean: $(cat "$TMP/clean.out")"
fi

# ---- the interface free again: the bpf_link path ----------------------------------------
A 20 xdp-loader unload --all "$IFA" >/dev/null 2>&1
B 20 xdp-loader unload --all "$IFB" >/dev/null 2>&1
[ -z "$(progs a)" ] && [ -z "$(progs b)" ] && ok "xdp-loader unloaded the other programs" ||
	ko "left after unload: A $(progs a), B $(progs b)"

# ---- stale components, on any kernel: what a killed wirecraft leaves in a dispatcher, as libxdp
# records it (tests/net/fake_dispatcher.c: the dispatcher, its pins, no freplace needed) --------
DISP_O=$(ls /usr/lib/*/bpf/xdp-dispatcher.o /usr/lib/bpf/xdp-dispatcher.o 2>/dev/null | head -1)
REFLECT_O=$(dirname "$WC")/bpf/reflect.bpf.o
fake() { B 20 "$TMP/fake" "$IFB" "$DISP_O" "$@" >>"$TMP/fake.log" 2>&1; }
if [ -z "$DISP_O" ] || [ ! -f "$REFLECT_O" ]; then
	ko "libxdp's xdp-dispatcher.o or $REFLECT_O not found"
elif ! timeout 60 cc -O1 -Wall -Werror tests/net/fake_dispatcher.c -o "$TMP/fake" -lbpf; then
	ko "building tests/net/fake_dispatcher.c"
else
	fake "$REFLECT_O" wc_reflect
	[ "$(progs b)" = "wc_reflect xdp_dispatcher" ] && ok "a stale wc_reflect in a dispatcher on B" ||
		ko "fake dispatcher: $(progs b); $(cat "$TMP/fake.log")"
	out=$(B 20 "$WC" xdp-clean -i "$IFB" --dry-run 2>&1)
	[ $? -eq 0 ] && grep -q "wc_reflect .*no process holds it: would be removed" <<<"$out" &&
		[ "$(progs b)" = "wc_reflect xdp_dispatcher" ] && ok "xdp-clean --dry-run: $out" || ko "xdp-clean --dry-run: $out"
	out=$(B 20 "$WC" xdp-clean -i "$IFB" 2>&1)
	[ $? -eq 0 ] && grep -q "wc_reflect .*no process holds it: removed" <<<"$out" && [ -z "$(progs b)" ] &&
		[ -z "$(ls /sys/fs/bpf/xdp 2>/dev/null)" ] && ok "xdp-clean removed it, pins included: $out" ||
		ko "xdp-clean: $out; B has $(progs b); pins: $(ls /sys/fs/bpf/xdp)"
	# a component whose owner still runs is not stale
	$NS exec b "$TMP/fake" "$IFB" "$DISP_O" "$REFLECT_O" wc_reflect --hold >"$TMP/hold.log" 2>&1 &
	HPID=$!
	for _ in $(seq 50); do grep -q pinned "$TMP/hold.log" && break; sleep 0.1; done
	out=$(B 20 "$WC" xdp-clean -i "$IFB" 2>&1)
	[ $? -eq 0 ] && grep -q "wc_reflect .*held by pid [0-9]*: kept" <<<"$out" &&
		[ "$(progs b)" = "wc_reflect xdp_dispatcher" ] && ok "a held component is kept: $out" || ko "held: $out"
	out=$(B 20 "$WC" stats -i "$IFB" 2>&1)
	[ $? -eq 0 ] && grep -q "^reflect: .*passed=" <<<"$out" && ok "stats finds the reflector inside the dispatcher" ||
		ko "stats: $out"
	if [ "$DISPATCHER" = 0 ]; then
		B 20 "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --duration 5 >/dev/null 2>"$TMP/r.err"
		rc=$?
		[ $rc -ne 0 ] && grep -q "refuses the freplace programs" "$TMP/r.err" &&
			[ "$(progs b)" = "wc_reflect xdp_dispatcher" ] &&
			ok "reflect cannot join on this kernel, says why, touches nothing: $(cat "$TMP/r.err")" ||
			ko "reflect next to a live component: rc $rc: $(cat "$TMP/r.err"); B has $(progs b)"
	fi
	kill "$HPID" 2>/dev/null
	{ wait "$HPID"; } 2>/dev/null
	# now stale (its holder is gone): the next wirecraft run removes it by itself
	start_reflector --duration 60
	[ $? -eq 0 ] && [ "$(progs b)" = wc_reflect ] && [ -z "$(ls /sys/fs/bpf/xdp 2>/dev/null)" ] &&
		ok "the next reflect removed the stale component, then attached with a bpf_link" ||
		ko "next reflect: $(cat "$TMP/reflect.err"); B has $(progs b)"
	stop_reflector TERM
fi
start_reflector --duration 60 || ko "reflect on a free interface: $(cat "$TMP/reflect.err")"
rid=$(sed -n 's/^reflect: attached .*(prog id \([0-9]*\)).*/\1/p' "$TMP/reflect.err")
if bpftool -j link show 2>/dev/null | "$PY" -c '
import json, sys
sys.exit(0 if any(l.get("type") == "xdp" and l.get("prog_id") == int(sys.argv[1]) for l in json.load(sys.stdin)) else 1)' "${rid:-0}"
then ok "reflect holds a bpf_link (prog id $rid)"; else ko "no XDP bpf_link for the reflector's prog id '$rid'"; fi
if B 20 xdp-loader load -m native "$IFB" "$TMP/pc.o" >"$TMP/load2.log" 2>&1; then
	ko "xdp-loader loaded over wirecraft's bpf_link"
else
	ok "xdp-loader cannot load while wirecraft holds the interface"
fi
sr_link_ok=0
for _ in 1 2; do sr3 && sr3_right && { sr_link_ok=1; break; }; done # the first may race the peer's ARP
[ $sr_link_ok = 1 ] && ok "sr against the reflector over bpf_links: 3 right answers" || ko "sr: $(cat "$TMP/sr.err")"
scan16 && ok "scan over bpf_links: the 32 open pairs of 48" || ko "scan: rc $rc, ${n:-0} lines: $(tail -2 "$TMP/scan.err")"
stop_reflector KILL
[ -z "$(progs b)" ] && ok "kill -9 of a bpf_link reflector leaves nothing" || ko "after kill -9: B has $(progs b)"
finish
