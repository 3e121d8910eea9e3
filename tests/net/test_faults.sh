#!/usr/bin/env bash
# Faults while running (issue 6, requirement 3), injected for real on a private veth pair
# (namespaces A and B; A runs the command under test, B answers or captures):
#   send (engines xsk, packet, live): A's interface goes down, is deleted, drops its MTU under
#     the frames' size; B's end goes down (no carrier: frames dropped and counted); AF_PACKET
#     at full speed into a peer that went down (its TX ring stays full: the send must give up
#     rather than wait forever); SIGINT, SIGTERM, SIGKILL at random moments;
#   scan (against `wirecraft reflect` in B): the reflector detached mid-scan (the peer stops
#     answering), A's interface down, deleted, MTU changed; signals at random moments;
#   sr -w (against the reflector): the reflector detached, the interface down; signals;
#   sniff -w (in B, fed by a send from A): B's interface down, deleted; signals.
# For each: the command ends within its bound (else it is killed and that is a failure), with
# a clear one-line message and the documented exit status (signals: the documented clean stop);
# its output files are whole (pcap read to the last record by tcpdump and `wirecraft dissect`,
# CSV and JSON lines whole) or, after SIGKILL of a file that is made complete at the end,
# absent with no temporary left; no XDP program on either end (ip -d link, bpftool net); no new
# pin under /sys/fs/bpf; no wirecraft process left.
#
# Random moments come from a seed, printed first (WC_FAULT_SEED=N repeats a run). Root only
# (CI=true: not being root or a missing tool is a failure). Bounded: every command has a
# watchdog; the namespaces go away on any exit. Addresses: 198.18.0.0/15 only.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
WC=$(realpath "${WIRECRAFT:-build/wirecraft}" 2>/dev/null || echo "${WIRECRAFT:-build/wirecraft}")
OBJ=$(dirname "$WC")/bpf/reflect.bpf.o
NAME=wcflt$$
NAME=${NAME:0:12}
NS="scripts/netns.sh -n $NAME"
IFA=$NAME-a0 IFB=$NAME-b0
. tests/net/lib.sh
wc_test_begin net-faults

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
for t in ip nsenter timeout tcpdump bpftool python3 pgrep; do
	command -v "$t" >/dev/null || skip_all "missing $t (scripts/install-deps.sh)"
done
if [ -z "${WIRECRAFT:-}" ]; then
	timeout 600 make -s build/wirecraft build/bpf/reflect.bpf.o >/dev/null 2>&1 ||
		{ ko "build"; finish; }
fi
[ -x "$WC" ] && [ -f "$OBJ" ] || { ko "$WC or $OBJ not built"; finish; }

SEED=${WC_FAULT_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "net-faults: seed $SEED (WC_FAULT_SEED=$SEED repeats these moments)"

TMP=$(mktemp -d /tmp/wc-faults.XXXXXX)
RPID="" BG=""
trap wc_net_cleanup EXIT
trap 'exit 1' INT TERM

pins() { find /sys/fs/bpf -mindepth 1 2>/dev/null | sort; }
pins >"$TMP/pins.before"

net_up() {
	$NS up >/dev/null || return 1
	ip -n "$NAME-a" route add 198.18.0.0/16 dev "$IFA"
}
# the pair as net_up left it, or made anew (a fault deleted, downed or changed it)
net_ok() {
	local s
	for s in a b; do
		ip -n "$NAME-$s" link show "$NAME-${s}0" 2>/dev/null |
			grep -q 'mtu 1500 .*state UP' || { net_up; return; }
	done
}
A() { "$ROOT"/scripts/netns.sh -n "$NAME" exec a "$@"; }
B() { "$ROOT"/scripts/netns.sh -n "$NAME" exec b "$@"; }

# a random moment in [LO, HI) milliseconds, as seconds for sleep
moment() { local ms=$(($1 + RANDOM % ($2 - $1))); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

# start CMD... in namespace a|b, output to $TMP/run.out and .err; $PID is wirecraft itself
# (netns.sh and nsenter exec it)
start() {
	local side=$1
	shift
	"$ROOT"/scripts/netns.sh -n "$NAME" exec "$side" "$@" >"$TMP/run.out" 2>"$TMP/run.err" &
	PID=$!
	T0=$(date +%s%N)
}
# wait for $PID at most S seconds: sets RC (255 and a kill -9 when it hung) and SECS (bash's
# own "Killed" notice of a SIGKILLed job is not a result: its stderr goes)
reap() { reap_ "$@" 2>/dev/null; }
reap_() {
	local lim=$(($1 * 10))
	for _ in $(seq "$lim"); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$PID" 2>/dev/null; then
		kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
		RC=255
	else
		wait "$PID" 2>/dev/null
		RC=$?
	fi
	SECS=$(( ($(date +%s%N) - T0) / 1000000 ))
	SECS=$((SECS / 1000)).$(printf '%03d' $((SECS % 1000)))
}

# what every case checks once the command is over: no XDP program on either end, no new pin,
# no wirecraft process on our interfaces
leftovers() {
	local what="" s ns ifc
	for s in a b; do
		ns=$NAME-$s ifc=$NAME-${s}0
		[ -e "/run/netns/$ns" ] || continue
		if ip -n "$ns" -d link show "$ifc" 2>/dev/null | grep -q 'prog/xdp'; then
			what+=" XDP on $ifc (ip -d link)"
		fi
		if nsenter --net="/run/netns/$ns" bpftool net show dev "$ifc" 2>/dev/null |
			grep -q "$ifc(.*id"; then
			what+=" XDP on $ifc (bpftool net)"
		fi
	done
	pins >"$TMP/pins.after"
	if comm -13 "$TMP/pins.before" "$TMP/pins.after" | grep -q .; then
		what+=" new pins: $(comm -13 "$TMP/pins.before" "$TMP/pins.after" | head -3 | tr '\n' ' ')"
	fi
	if pgrep -f -- "-i $IFA" >/dev/null || pgrep -f -- "-i $IFB" | grep -vqx "${RPID:-none}"; then
		what+=" wirecraft processes left: $(pgrep -af -- "-i $NAME-" | grep -v "^${RPID:-none} " | head -2)"
	fi
	echo "${what# }"
}

# the last line of stderr
last() { tail -n 1 "$TMP/run.err"; }
# a pcap file whole: tcpdump reads it to the end without complaint, and wirecraft dissect reads
# as many packets; echoes the count
pcap_whole() {
	local n m
	tcpdump -nr "$1" >"$TMP/td.out" 2>"$TMP/td.err" || return 1
	grep -qi 'truncated\|bogus\|error' "$TMP/td.err" && return 1
	n=$(wc -l <"$TMP/td.out")
	m=$(timeout 20 "$WC" dissect -r "$1" --summary 2>/dev/null | wc -l) || return 1
	[ "$n" -eq "$m" ] || return 1
	echo "$n"
}
# CSV or JSON lines whole: ends with a newline, every line has the header's field count or
# parses as JSON; echoes the count of records
lines_whole() { # FORMAT FILE
	python3 - "$1" "$2" <<'EOF'
import csv, io, json, sys
fmt, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if data and not data.endswith(b"\n"):
    sys.exit("last line cut")
lines = data.decode().splitlines()
if fmt == "json":
    for l in lines:
        json.loads(l)
    print(len(lines))
else:
    rows = list(csv.reader(io.StringIO(data.decode())))
    if rows and any(len(r) != len(rows[0]) for r in rows):
        sys.exit("a row with another field count")
    print(max(len(rows) - 1, 0))
EOF
}
# no final file and no temporary next to it (after SIGKILL of a temp+rename output)
no_file_no_tmp() { # PATH
	[ ! -e "$1" ] && ! ls "$1".tmp.* >/dev/null 2>&1
}

# One verdict for a case. NAME BOUND_OK(0/1) DETAILS...: adds the leftovers check.
verdict() {
	local name=$1 good=$2 lo
	shift 2
	lo=$(leftovers)
	if [ "$good" -eq 0 ] && [ -z "$lo" ]; then ok "$name ($*; ${SECS}s)"
	else ko "$name (rc=$RC, ${SECS}s, $* ${lo:+leftovers: $lo}; stderr: $(tail -n 2 "$TMP/run.err" | tr '\n' '|'))"; fi
}

start_reflector() {
	$NS exec b "$WC" reflect -i "$IFB" --hosts 198.18.0.0/16 --open tcp:22,80 --icmp \
		--duration 100 --interval 0 >"$TMP/reflect.out" 2>"$TMP/reflect.err" &
	RPID=$!
	for _ in $(seq 50); do
		grep -q '^reflect: attached' "$TMP/reflect.err" && return 0
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/reflect.err"
	return 1
}
# the peer stops answering: the reflector killed, its XDP program gone with its link
detach_reflector() { [ -n "$RPID" ] && kill -9 "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=""; }

net_up || { ko "netns up"; finish; }

# ==== send ====================================================================================
# 900-byte frames (over the 576 MTU the MTU fault sets), 100k pps for at most 2 s: a bounded
# load on 2 vCPUs (a fault that stops the send must do so before)
SEXPR='IP(dst="198.18.0.2")/UDP(sport=9,dport=9)/Raw(load=b"x"*900)'
send_case() { # ENGINE FAULT
	local eng=$1 f=$2 at good=1 msg="" lim
	net_ok
	# the live engine's frames reach a veth peer only when it runs NAPI (an XDP program)
	[ "$eng" = live ] && $NS xdp-pass b "$OBJ"
	# ringfull: no bound but the count (50M), at full speed: only giving up ends it
	if [ "$f" = ringfull ]; then lim="-c 50000000"; else lim="--duration 2 --rate 100000"; fi
	# shellcheck disable=SC2086
	start a "$WC" send -i "$IFA" --engine "$eng" --loop $lim "$SEXPR"
	case $f in
	INT | TERM | KILL) at=$(moment 200 1500) ;;
	*) at=0.6 ;;
	esac
	sleep "$at"
	case $f in
	down) ip -n "$NAME-a" link set "$IFA" down ;;
	del) ip -n "$NAME-a" link del "$IFA" ;;
	mtu) ip -n "$NAME-a" link set "$IFA" mtu 576 ;;
	peerdown | ringfull) ip -n "$NAME-b" link set "$IFB" down ;;
	INT | TERM | KILL) kill -"$f" "$PID" ;;
	esac
	reap 12
	[ "$eng" = live ] && [ "$f" != del ] && $NS xdp-off b # ours, not its
	case $f in
	down) # a clear line naming the interface, exit 1, within the 1 s watch + 2 s drain
		[ $RC -eq 1 ] && last | grep -Eq "^wirecraft: send: ($IFA went down|Network is down)" &&
			good=0
		msg="one line, rc 1" ;;
	del)
		[ $RC -eq 1 ] && last | grep -Eq "^wirecraft: send: ($IFA is gone|No such device)" &&
			good=0
		msg="one line, rc 1" ;;
	mtu) # veth forwards by the receiver's MTU: the send goes on to its end, or stops with one line
		if [ $RC -eq 0 ]; then grep -q '^wirecraft: done: sent' "$TMP/run.err" && good=0
		else [ $RC -eq 1 ] && last | grep -q '^wirecraft: send: ' && good=0; fi
		msg="$(last)" ;;
	peerdown) # no carrier: said at once; the frames dropped are counted, or a full ring stops it
		grep -q "$IFA has no carrier" "$TMP/run.err" &&
			{ { [ $RC -eq 1 ] && last | grep -q "nothing could be sent for 3 s (no carrier)"; } ||
			  grep -Eq "(dropped|counted) [0-9]+ (frames|transmit drops)" "$TMP/run.err"; } &&
			good=0
		msg="$(grep -Eo '(dropped|counted) [0-9]+ (frames|transmit drops)|nothing could be sent[^;]*' "$TMP/run.err" | head -1)" ;;
	ringfull) # the ring stays full: given up on after 3 s with one line, exit 1
		[ $RC -eq 1 ] && last | grep -q "nothing could be sent for 3 s (no carrier)" && good=0
		msg="$(last | cut -c 12-100)" ;;
	INT | TERM) # the documented clean stop: the done line, exit 0
		[ $RC -eq 0 ] && grep -q '^wirecraft: done: sent' "$TMP/run.err" && good=0
		msg="at ${at}s, rc 0 and the done line" ;;
	KILL) [ $RC -eq 137 ] && good=0; msg="at ${at}s, rc $RC" ;;
	esac
	# a deleted or downed interface: everything of ours went with it, and it can be rebuilt
	[ $RC -eq 255 ] && msg+=" HUNG past 10 s"
	verdict "send --engine $eng: $f" $good "$msg"
}
# A kernel that refuses live frames to root (some builds do; tests/net/kernel_refuses.py asks it
# directly): there are no live frames to fault. What is left to check is that --engine live
# says why and falls back to an engine that sends, with the usual done line.
live_refused_case() {
	net_ok
	start a "$WC" send -i "$IFA" --engine live --duration 1 --rate 10000 "$SEXPR"
	reap 12
	[ $RC -eq 0 ] && grep -q 'live frames unavailable (.*this kernel refuses live frames)' "$TMP/run.err" &&
		grep -q '^wirecraft: done: sent' "$TMP/run.err"
	local good=$?
	verdict "send --engine live on a kernel that refuses live frames: falls back, says why" $good \
		"rc $RC, $(grep -o 'using [a-z-]*' "$TMP/run.err" | head -1)"
	echo "note: the 7 fault cases of --engine live need live frames, which this kernel refuses"
}
for eng in xsk packet live; do
	if [ $eng = live ] && kernel_refuses live-frames; then live_refused_case; continue; fi
	for f in down del mtu peerdown INT TERM KILL; do send_case $eng $f; done
done
send_case packet ringfull

# ==== scan against the reflector ==============================================================
printf '198.18.0.1\n198.18.0.2\n' >"$TMP/self.blk"
# /19 x 2 ports = 8190 x 2 probes at 20k pps: about 0.8 s of sending, then a 0.5 s cooldown
scan_case() { # FAULT [json]
	local f=$1 fmt=${2:-csv} at good=1 msg="" out n
	out=$TMP/scan.$fmt
	net_ok
	start_reflector || { ko "scan $f: reflector did not start"; return; }
	rm -f "$out" "$out".tmp.* "$TMP/meta.json" "$TMP/scan.state"
	start a "$WC" scan -q -i "$IFA" -p 22,80 198.18.64.0/19 --allow-reserved -b "$TMP/self.blk" \
		--rate 20000 --cooldown 0.5 -O "$fmt" -o "$out" --metadata "$TMP/meta.json" \
		--state "$TMP/scan.state"
	# (KILL while probes still leave: the cooldown ends as soon as every target answered)
	case $f in
	KILL) at=$(moment 200 750) ;;
	INT | TERM) at=$(moment 200 1300) ;;
	*) at=0.6 ;;
	esac
	sleep "$at"
	case $f in
	peerstop) detach_reflector ;;
	down) ip -n "$NAME-a" link set "$IFA" down ;;
	del) ip -n "$NAME-a" link del "$IFA" ;;
	mtu) ip -n "$NAME-a" link set "$IFA" mtu 576 ;;
	INT | TERM | KILL) kill -"$f" "$PID" ;;
	esac
	reap 15
	case $f in
	peerstop) # ends by itself, output whole; the metadata says all was sent, fewer answered
		if n=$(lines_whole "$fmt" "$out") && [ $RC -eq 0 ]; then
			local sent rep
			sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"])' "$TMP/meta.json" 2>/dev/null)
			rep=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m.get("replies", m.get("hits", "")))' "$TMP/meta.json" 2>/dev/null)
			[ "${sent:-0}" -ge 16380 ] && [ "$n" -lt 16380 ] && good=0
			msg="rc 0, $n records whole, metadata sent=$sent replies=$rep"
		else msg="output not whole or rc $RC"; fi ;;
	down) # the sender notices within a second or two: one line, exit 1, the output whole
		# (down while it was still setting up, on a loaded machine: no output at all)
		if [ $RC -eq 1 ] && last | grep -q '^wirecraft: scan: .*Network is down' &&
			{ n=$(lines_whole "$fmt" "$out") || [ ! -e "$out" ]; }; then good=0; fi
		msg="rc $RC, $(last | cut -c1-100), ${n:-no} records" ;;
	del | mtu) # bounded, and either a clean end or one line; any output whole
		if [ $RC -eq 0 ] || { [ $RC -eq 1 ] && last | grep -q '^wirecraft: scan: '; }; then
			if [ ! -e "$out" ] || n=$(lines_whole "$fmt" "$out"); then good=0; fi
		fi
		msg="rc $RC, $(last | cut -c1-100), ${n:-no} records" ;;
	INT | TERM) # documented (doc/scan.md): 130 when stopped, outputs whole and a state saved;
		# 0 when the signal came in the cooldown, after the last probe: the scan is complete
		local complete
		complete=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["complete"])' "$TMP/meta.json" 2>/dev/null)
		if n=$(lines_whole "$fmt" "$out") && ! ls "$out".tmp.* "$TMP"/scan.state.tmp.* >/dev/null 2>&1 &&
			{ { [ $RC -eq 130 ] && [ -s "$TMP/scan.state" ] && [ "$complete" = False ]; } ||
			  { [ $RC -eq 0 ] && [ "$complete" = True ]; }; }; then good=0; fi
		msg="at ${at}s, rc $RC, complete=$complete, ${n:-?} $fmt records whole" ;;
	KILL) # no result file, no temporary of it or of the state
		[ $RC -eq 137 ] && no_file_no_tmp "$out" && no_file_no_tmp "$TMP/meta.json" &&
			! ls "$TMP"/scan.state.tmp.* >/dev/null 2>&1 && good=0
		msg="at ${at}s, rc $RC, no $fmt file, no temporary" ;;
	esac
	[ $RC -eq 255 ] && msg+=" HUNG past 15 s"
	detach_reflector
	verdict "scan: $f" $good "$msg"
}
scan_case peerstop
scan_case down
scan_case del
scan_case mtu
scan_case INT
scan_case TERM json
scan_case KILL
scan_case INT json
scan_case TERM
scan_case KILL json

# ==== sr -w against the reflector =============================================================
# 2 x 254 probes at 400 pps: about 1.3 s of sending, then the 1 s timeout
sr_case() { # FAULT
	local f=$1 at good=1 msg="" out=$TMP/sr.pcap n
	net_ok
	start_reflector || { ko "sr $f: reflector did not start"; return; }
	rm -f "$out" "$out".tmp.*
	start a "$WC" sr -q -i "$IFA" --rate 400 -t 1 -w "$out" \
		'IP(dst="198.18.1.0/24")/TCP(dport=[22,80])'
	# (KILL before the last probe leaves at 1.27 s: once every probe is answered sr ends at
	# once, and a KILL that comes after it has nothing to kill)
	case $f in
	KILL) at=$(moment 200 1100) ;;
	INT | TERM) at=$(moment 200 1500) ;;
	*) at=0.6 ;;
	esac
	sleep "$at"
	case $f in
	peerstop) detach_reflector ;;
	down) ip -n "$NAME-a" link set "$IFA" down ;;
	INT | TERM | KILL) kill -"$f" "$PID" 2>/dev/null ;; # (sr may be done: then it just ended)
	esac
	reap 10
	case $f in
	peerstop) # ends by itself: the counts say some were answered, the rest not; pairs whole
		if n=$(pcap_whole "$out") && [ $RC -eq 0 ] && [ $((n % 2)) -eq 0 ] &&
			last | grep -Eq '^Received [0-9]+ packets, got [0-9]+ answers, remaining [1-9][0-9]* packets'; then
			good=0
		fi
		msg="rc $RC, ${n:-?} packets (pairs) whole, '$(last)'" ;;
	down) # the pairs found are written, the counts printed, then one line and exit 1
		if [ $RC -eq 1 ] && last | grep -q "^wirecraft: sr: $IFA went down while sending" &&
			n=$(pcap_whole "$out") && grep -q '^Received ' "$TMP/run.err"; then good=0; fi
		msg="rc $RC, '$(last | cut -c1-60)...', ${n:-no} packets whole" ;;
	INT | TERM) # stops sending, writes the pairs so far: a whole pcap of pairs, exit 0
		if [ $RC -eq 0 ] && n=$(pcap_whole "$out") && [ $((n % 2)) -eq 0 ] &&
			! ls "$out".tmp.* >/dev/null 2>&1; then good=0; fi
		msg="at ${at}s, rc $RC, ${n:-?} packets whole" ;;
	KILL)
		[ $RC -eq 137 ] && no_file_no_tmp "$out" && good=0
		msg="at ${at}s, rc $RC, no pcap, no temporary" ;;
	esac
	[ $RC -eq 255 ] && msg+=" HUNG past 10 s"
	detach_reflector
	verdict "sr -w: $f" $good "$msg"
}
for f in peerstop down INT TERM KILL INT TERM KILL; do sr_case $f; done

# ==== sniff -w in B, fed from A ===============================================================
sniff_case() { # FAULT
	local f=$1 at good=1 msg="" out=$TMP/sniff.pcap n got feeder
	net_ok
	rm -f "$out" "$out".tmp.*
	start b "$WC" sniff -i "$IFB" -w "$out" udp
	sleep 0.3
	# (exec'd down to timeout: killing $! stops the feeder itself)
	"$ROOT"/scripts/netns.sh -n "$NAME" exec a timeout 6 "$WC" send -q -i "$IFA" --engine packet \
		--loop --rate 2000 --duration 4 'IP(dst="198.18.0.2")/UDP(sport=9,dport=9)/"fault"' \
		>/dev/null 2>&1 &
	feeder=$!
	BG="$BG $feeder"
	case $f in
	INT | TERM | KILL) at=$(moment 200 1500) ;;
	*) at=0.8 ;;
	esac
	sleep "$at"
	case $f in
	down) ip -n "$NAME-b" link set "$IFB" down ;;
	del) ip -n "$NAME-b" link del "$IFB" ;;
	INT | TERM | KILL) kill -"$f" "$PID" ;;
	esac
	reap 8
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	got=$(grep -o '[0-9]* packets captured' "$TMP/run.err" | grep -o '^[0-9]*')
	case $f in
	down | del) # the capture ends: one line naming the interface, the count, exit 1; the
		# packets captured until then are all in the pcap
		if [ $RC -eq 1 ] && grep -q "^wirecraft: $IFB: Network is down" "$TMP/run.err" &&
			n=$(pcap_whole "$out") && [ "$n" = "$got" ] && [ "$n" -gt 0 ] &&
			! ls "$out".tmp.* >/dev/null 2>&1; then good=0; fi
		msg="rc $RC, '$(grep "^wirecraft: $IFB" "$TMP/run.err")', $got captured, ${n:-no} packets whole" ;;
	INT | TERM) # the documented clean stop: exit 0, the count line, and the pcap has them all
		if [ $RC -eq 0 ] && n=$(pcap_whole "$out") && [ "$n" = "$got" ] && [ "$n" -gt 0 ] &&
			! ls "$out".tmp.* >/dev/null 2>&1; then good=0; fi
		msg="at ${at}s, rc $RC, $got captured, ${n:-?} packets whole in the pcap" ;;
	KILL)
		[ $RC -eq 137 ] && no_file_no_tmp "$out" && good=0
		msg="at ${at}s, rc $RC, no pcap, no temporary" ;;
	esac
	[ $RC -eq 255 ] && msg+=" HUNG past 8 s"
	verdict "sniff -w: $f" $good "$msg"
}
for f in down del INT TERM KILL INT TERM KILL; do sniff_case $f; done

# ==== and nothing of the network is left =======================================================
"$ROOT"/scripts/netns.sh -n "$NAME" down
newpins=$(pins | comm -13 "$TMP/pins.before" - | wc -l)
if ip netns list | grep -q "^$NAME-" || ls /run/netns/"$NAME"-* >/dev/null 2>&1; then
	ko "namespaces $NAME-a/b left after down"
elif [ "$newpins" -ne 0 ]; then
	ko "$newpins new pins under /sys/fs/bpf after the whole run"
else
	ok "no namespace $NAME-* left, no new pin under /sys/fs/bpf after the whole run"
fi
finish
