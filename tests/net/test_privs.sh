#!/usr/bin/env bash
# wirecraft's privileges (doc/privileges.md) on a private veth pair (scripts/netns.sh):
#   - without capabilities, sniff, sniff --steal, send and reflect stop at once with one line
#     that names the capabilities they need;
#   - an unprivileged user (nobody) runs a copy of the binary given capabilities with setcap,
#     in a temporary directory: sniff, send, sniff --steal and reflect work, and once set up the
#     process holds no capability at all (CapEff/CapPrm 0, NoNewPrivs 1 in /proc/PID/status);
#   - root with --user, and root under sudo (SUDO_UID/SUDO_GID), become that user before the
#     output file is made: a directory only root may write is refused, elsewhere the file
#     belongs to the user; plain root keeps its uid but drops every capability after setup;
#   - a bad --user, --user root, and --user without the right to switch are refused;
#   - sr, sr1 and scan (against a reflector in B): refused in one line without capabilities;
#     with setcap as nobody, with --user, under sudo and as plain root they hold nothing (plain
#     root: CAP_DAC_OVERRIDE alone) while the answers come in, still find exactly the right
#     answers, make -w, -o, --metadata and the state as the user, refuse a directory only root
#     may write (making nothing, leaving no program attached); scan --dry-run needs nothing.
# Root only (it makes namespaces and users' files); under CI a skip is a failure.
# Last line: net-privs: N passed, M failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
WC=$(realpath "${WIRECRAFT:-build/wirecraft}")
. tests/net/lib.sh
wc_test_begin net-privs
check() { local what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }

if [ "$(id -u)" -ne 0 ]; then
	skip_all "needs root"
fi
for t in setcap getcap setpriv; do
	command -v $t >/dev/null || { ko "missing $t: libcap2-bin, util-linux"; finish; }
done
NOBODY=65534
getent passwd $NOBODY >/dev/null || { ko "no user $NOBODY"; finish; }

name=wcprv$$
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	scripts/netns.sh -n "$name" down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"
mkdir -m 755 "$tmp/bin"
mkdir -m 700 "$tmp/rootonly"   # only root may write here
mkdir -m 1777 "$tmp/open"      # anyone may
# Copies of the binary: none with capabilities, the documented set, the documented set plus
# CAP_IPC_LOCK (AF_XDP's UMEM is locked memory, beyond an ordinary user's RLIMIT_MEMLOCK).
install -m 755 "$WC" "$tmp/bin/wc-plain"
install -m 755 "$WC" "$tmp/bin/wc"
install -m 755 "$WC" "$tmp/bin/wc-xdp"
install -m 755 "$WC" "$tmp/bin/wc-raw"
setcap cap_net_raw,cap_net_admin,cap_bpf,cap_perfmon+ep "$tmp/bin/wc" &&
	setcap cap_net_raw,cap_net_admin,cap_bpf,cap_perfmon,cap_ipc_lock+ep "$tmp/bin/wc-xdp" &&
	setcap cap_net_raw,cap_bpf+ep "$tmp/bin/wc-raw" ||
	{ ko "setcap failed: no xattrs on $tmp?"; finish; }

scripts/netns.sh -n "$name" up >/dev/null || { ko "netns up"; finish; }
A() { scripts/netns.sh -n "$name" exec a "$@"; }
B() { scripts/netns.sh -n "$name" exec b "$@"; }
# As nobody, in B. nsenter and setpriv both exec, so in the background (bg_start, not through a
# shell function, which would fork a subshell) $! is the wirecraft process itself.
NSB=(nsenter --net="/run/netns/$name-b" --)
ASU=(setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --inh-caps=-all)
U() { "${NSB[@]}" "${ASU[@]}" "$@"; }
for s in a b; do scripts/netns.sh -n "$name" exec $s sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
IFA=$name-a0 IFB=$name-b0
has_xdp() { B ip link show "$IFB" | grep -q "prog/xdp"; }

# Frames from A that B takes in and has nothing to answer (not its address), and the filter
# that matches exactly them.
PROBE='Ether(dst="0a:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.99")/UDP(sport=4000, dport=9999)/"priv"'
FILTER='udp dst port 9999'
send_probes() { A "$WC" send -i "$IFA" --engine packet -q -c "$1" --loop "$PROBE" >/dev/null 2>&1; }

# A field of /proc/PID/status: CapEff, CapPrm, NoNewPrivs, Uid (first value).
status() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
# Start CMD... in the background with its stderr in $tmp/TAG.err; wait for the line that says
# setup is over (WAITFOR). Sets $bg.
bg_start() { # TAG WAITFOR CMD...
	local tag=$1 want=$2 _
	shift 2
	"$@" > "$tmp/$tag.out" 2> "$tmp/$tag.err" &
	bg=$!
	pids+=("$bg")
	for _ in $(seq 50); do grep -q "$want" "$tmp/$tag.err" 2>/dev/null && return 0; sleep 0.1; done
	echo "  ($tag did not start: $(head -2 "$tmp/$tag.err"))"
	kill -9 "$bg" 2>/dev/null
	wait "$bg" 2>/dev/null
	return 1
}
reap() { # PID SECONDS -> its exit status (255: killed after the time)
	local _
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$1" 2>/dev/null && { kill -9 "$1"; wait "$1" 2>/dev/null; return 255; }
	wait "$1"
}
# The process holds nothing: no capability, no way to get one back.
unprivileged() { # PID UID
	local eff prm nnp uid
	eff=$(status "$1" CapEff) prm=$(status "$1" CapPrm) nnp=$(status "$1" NoNewPrivs) uid=$(status "$1" Uid)
	[ "$eff" = 0000000000000000 ] && [ "$prm" = 0000000000000000 ] && [ "$nnp" = 1 ] && [ "$uid" = "$2" ] ||
		{ echo "  (pid $1: CapEff=$eff CapPrm=$prm NoNewPrivs=$nnp Uid=$uid, want uid $2)"; return 1; }
}
packets() { /usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); o=24; n=0
while o + 16 <= len(d): n += 1; o += 16 + int.from_bytes(d[o+8:o+12], "little")
print(n)' "$1"; }
owner() { stat -c %u "$1"; }
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ]; }

# ---- 1. no capabilities: one line naming what is missing ------------------------------------
out=$(U "$tmp/bin/wc-plain" sniff -i "$IFB" --timeout 1 2>&1); rc=$?
check "no caps: sniff refused, one line naming CAP_NET_RAW (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_NET_RAW* && "$out" == *privileges.md* ]]'
out=$(U "$tmp/bin/wc-plain" sniff -i "$IFB" --steal --timeout 1 2>&1); rc=$?
check "no caps: sniff --steal refused, names CAP_NET_ADMIN and CAP_BPF (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_NET_ADMIN* && "$out" == *CAP_BPF* ]] && ! has_xdp'
out=$(U "$tmp/bin/wc-plain" send -i "$IFB" -c 1 "$PROBE" 2>&1); rc=$?
check "no caps: send refused, names CAP_NET_RAW (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_NET_RAW* ]]'
out=$(U "$tmp/bin/wc-plain" reflect -i "$IFB" --hosts 198.18.0.0/24 2>&1); rc=$?
check "no caps: reflect refused, names CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_BPF* && "$out" == *CAP_NET_ADMIN* && "$out" == *CAP_PERFMON* ]] && ! has_xdp'
out=$(U "$tmp/bin/wc-raw" reflect -i "$IFB" --hosts 198.18.0.0/24 2>&1); rc=$?
check "some caps: reflect says which of its three are missing (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"CAP_NET_ADMIN and CAP_PERFMON are missing"* ]]'
out=$(U "$tmp/bin/wc-plain" send --dry-run -w "$tmp/open/nocap.pcap" -q "$PROBE" 2>&1); rc=$?
check "no caps: send --dry-run needs none (rc=$rc: $out)" \
	eval '[ $rc -eq 0 ] && [ "$(owner "$tmp/open/nocap.pcap")" = $NOBODY ]'

# ---- 2. nobody with a setcap'ed binary: works, then holds nothing ---------------------------
mkdir -m 755 "$tmp/nobody" && chown $NOBODY:$NOBODY "$tmp/nobody"
if bg_start u-sniff "sniffing on" "${NSB[@]}" "${ASU[@]}" "$tmp/bin/wc" sniff -i "$IFB" -c 5 --timeout 20 -w "$tmp/nobody/cap.pcap" "$FILTER"; then
	check "setcap, nobody: sniff holds no capability once capturing" unprivileged "$bg" $NOBODY
	send_probes 5
	reap "$bg" 10; rc=$?
	check "setcap, nobody: sniff -c 5 captured 5 (rc=$rc), file owned by nobody" \
		eval '[ $rc -eq 0 ] && [ "$(packets "$tmp/nobody/cap.pcap")" = 5 ] && [ "$(owner "$tmp/nobody/cap.pcap")" = $NOBODY ]'
else
	ko "setcap, nobody: sniff did not start"
fi
out=$(U "$tmp/bin/wc" sniff -i "$IFB" --timeout 1 -q -w "$tmp/rootonly/cap.pcap" 2>&1); rc=$?
check "setcap, nobody: -w into root's directory refused (rc=$rc: $out), nothing made" \
	eval '[ $rc -eq 1 ] && [[ "$out" == *rootonly* ]] && [ -z "$(ls -A "$tmp/rootonly")" ]'

# send: a long enough run to look at it (200 frames at 100/s)
if bg_start r-sniff "sniffing on" "${NSB[@]}" "$WC" sniff -i "$IFB" -c 200 --timeout 30 "$FILTER"; then
	rs=$bg
	nsenter --net="/run/netns/$name-a" -- "${ASU[@]}" \
		"$tmp/bin/wc" send -i "$IFA" --engine packet --rate 100 -c 200 --loop "$PROBE" \
		> "$tmp/u-send.out" 2> "$tmp/u-send.err" &
	us=$!
	pids+=("$us")
	sleep 1
	check "setcap, nobody: send holds no capability while sending" unprivileged "$us" $NOBODY
	reap "$us" 10; rc=$?
	reap "$rs" 10; rc2=$?
	check "setcap, nobody: send delivered 200 (rc=$rc, receiver rc=$rc2: $(tail -1 "$tmp/r-sniff.err"))" \
		eval '[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && grep -q "200 packets captured" "$tmp/r-sniff.err"'
else
	ko "receiver for send did not start"
fi
out=$(U "$tmp/bin/wc" send --dry-run -q -w "$tmp/rootonly/d.pcap" "$PROBE" 2>&1); rc=$?
check "setcap, nobody: send --dry-run into root's directory refused (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" != *"needs root"* ]] && [ -z "$(ls -A "$tmp/rootonly")" ]'

# --steal: AF_XDP, with CAP_IPC_LOCK for its locked memory
if bg_start u-steal "sniffing on" "${NSB[@]}" "${ASU[@]}" "$tmp/bin/wc-xdp" sniff -i "$IFB" --steal -c 3 --timeout 20 "$FILTER" >/dev/null; then
	check "setcap, nobody: sniff --steal holds no capability once attached" unprivileged "$bg" $NOBODY
	send_probes 3
	reap "$bg" 10; rc=$?
	check "setcap, nobody: sniff --steal captured 3 (rc=$rc), nothing left attached" \
		eval '[ $rc -eq 0 ] && grep -q "3 packets captured" "$tmp/u-steal.err" && ! has_xdp'
else
	ko "setcap, nobody: sniff --steal did not start"
fi

# reflect: the population answers A's pings while the process holds nothing
scripts/netns.sh -n "$name" xdp-pass a "$(dirname "$WC")/bpf/reflect.bpf.o" >/dev/null 2>&1
if bg_start u-refl "attached to" "${NSB[@]}" "${ASU[@]}" "$tmp/bin/wc" reflect -i "$IFB" --hosts 198.18.0.64/26 --icmp --interval 0 --duration 20; then
	check "setcap, nobody: reflect holds no capability once attached" unprivileged "$bg" $NOBODY
	check "setcap, nobody: reflect answers a ping for 198.18.0.77" eval 'A ping -c 1 -W 2 -q 198.18.0.77 >/dev/null'
	kill -INT "$bg"; reap "$bg" 10; rc=$?
	check "setcap, nobody: reflect stops on SIGINT (rc=$rc), nothing left attached" eval '[ $rc -eq 0 ] && ! has_xdp'
else
	ko "setcap, nobody: reflect did not start"
fi
scripts/netns.sh -n "$name" xdp-off a >/dev/null 2>&1

# ---- 3. root, --user and sudo ----------------------------------------------------------------
out=$(B "$WC" sniff -i "$IFB" --timeout 1 -q --user nobody -w "$tmp/rootonly/u.pcap" 2>&1); rc=$?
check "root --user nobody: -w into root's directory refused (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && [ -z "$(ls -A "$tmp/rootonly")" ]'
if bg_start r-user "sniffing on" "${NSB[@]}" "$WC" sniff -i "$IFB" -c 3 --timeout 20 --user nobody -w "$tmp/open/u.pcap" "$FILTER"; then
	check "root --user nobody: runs as nobody with no capability" unprivileged "$bg" $NOBODY
	send_probes 3
	reap "$bg" 10; rc=$?
	check "root --user nobody: captured 3 (rc=$rc) into a file nobody owns" \
		eval '[ $rc -eq 0 ] && [ "$(packets "$tmp/open/u.pcap")" = 3 ] && [ "$(owner "$tmp/open/u.pcap")" = $NOBODY ]'
else
	ko "root --user nobody: sniff did not start"
fi
# sudo sets SUDO_UID and SUDO_GID; wirecraft goes back to that user by default
if bg_start r-sudo "sniffing on" env SUDO_UID=$NOBODY SUDO_GID=$NOBODY SUDO_USER=nobody \
	"${NSB[@]}" "$WC" sniff -i "$IFB" -c 2 --timeout 20 -w "$tmp/open/s.pcap" "$FILTER"; then
	check "under sudo: runs as the invoking user with no capability" unprivileged "$bg" $NOBODY
	send_probes 2
	reap "$bg" 10; rc=$?
	check "under sudo: the file belongs to the invoking user (rc=$rc)" \
		eval '[ $rc -eq 0 ] && [ "$(owner "$tmp/open/s.pcap")" = $NOBODY ]'
else
	ko "under sudo: sniff did not start"
fi
out=$(env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "$WC" send --dry-run -q -w "$tmp/rootonly/s.pcap" "$PROBE" 2>&1); rc=$?
check "under sudo: send --dry-run into root's directory refused (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && [ -z "$(ls -A "$tmp/rootonly")" ]'
out=$("$WC" send --dry-run -q --user nobody -w "$tmp/open/d.pcap" "$PROBE" 2>&1); rc=$?
check "root --user nobody: send --dry-run's file belongs to nobody (rc=$rc: $out)" \
	eval '[ $rc -eq 0 ] && [ "$(owner "$tmp/open/d.pcap")" = $NOBODY ]'
# plain root (no sudo, no --user): stays root, but keeps no capability once set up except, for
# its -w file, CAP_DAC_OVERRIDE (the file is renamed into place at the end)
if bg_start r-root "sniffing on" env -u SUDO_UID -u SUDO_GID "${NSB[@]}" \
	"$WC" sniff -i "$IFB" -c 2 --timeout 20 -w "$tmp/rootonly/r.pcap" "$FILTER"; then
	check "plain root: uid 0 and only CAP_DAC_OVERRIDE once capturing" \
		eval '[ "$(status $bg CapEff)" = 0000000000000002 ] && [ "$(status $bg CapPrm)" = 0000000000000002 ] && [ "$(status $bg NoNewPrivs)" = 1 ]'
	send_probes 2
	reap "$bg" 10; rc=$?
	check "plain root: writes where root may (rc=$rc)" \
		eval '[ $rc -eq 0 ] && [ "$(packets "$tmp/rootonly/r.pcap")" = 2 ]'
else
	ko "plain root: sniff did not start"
fi

# plain root may still write where root may, a directory of another user's included; and
# without -w it keeps nothing at all
if bg_start r-root0 "sniffing on" env -u SUDO_UID -u SUDO_GID "${NSB[@]}" "$WC" sniff -i "$IFB" --timeout 20 -c 1 "$FILTER"; then
	check "plain root without -w: uid 0, no capability once capturing" unprivileged "$bg" 0
	send_probes 1
	reap "$bg" 10
else
	ko "plain root without -w: sniff did not start"
fi
out=$(env -u SUDO_UID -u SUDO_GID "${NSB[@]}" "$WC" sniff -i "$IFB" --timeout 1 -q -w "$tmp/nobody/root.pcap" 2>&1); rc=$?
check "plain root: writes into another user's directory as root may (rc=$rc: $out)" \
	eval '[ $rc -eq 0 ] && [ "$(owner "$tmp/nobody/root.pcap")" = 0 ]'

# ---- 4. refusals -----------------------------------------------------------------------------
out=$(B "$WC" sniff -i "$IFB" --timeout 1 --user no_such_user_wc 2>&1); rc=$?
check "--user no_such_user: refused before anything opens (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"no such user"* ]]'
out=$(B "$WC" sniff -i "$IFB" --timeout 1 --user root 2>&1); rc=$?
check "--user root: refused (rc=$rc: $out)" eval '[ $rc -eq 1 ] && one_line "$out"'
out=$(U "$tmp/bin/wc" sniff -i "$IFB" --timeout 1 --user daemon 2>&1); rc=$?
check "setcap, nobody: --user daemon refused, no right to switch (rc=$rc: $out)" \
	eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_SETUID* ]]'

# ---- 5. sr, sr1 and scan: set up with privileges, then nothing while the answers come in ----
# The reflector (root, in B) plays 198.19.0.0/16 behind B: port 22 and 80 open, the rest closed
# (RST), every host but the network address .0 answers. A routes there through B's address.
NSA=(nsenter --net="/run/netns/$name-a" --)
has_xdp_a() { A ip link show "$IFA" | grep -q "prog/xdp"; }
ip -n "$name-a" route add 198.19.0.0/16 via 198.18.0.2
RO5=$tmp/ro5; mkdir -m 700 "$RO5"   # only root may write here; stays empty
# The drop sets no_new_privs: wait for it, then look at the process (PID UID [CAPEFF]).
dropped() {
	local _
	for _ in $(seq 100); do [ "$(status "$1" NoNewPrivs)" = 1 ] && return 0; sleep 0.05; done
	echo "  (pid $1 never dropped: $(status "$1" Uid) $(status "$1" CapEff))"
	return 1
}
# sr: hosts .0-.7 x ports 22, 80, 81: .0 never answers, so sr waits its whole -t (3 s) after the
# last probe, which leaves time to look at it. 21 answers: 7 SYN-ACKs each to 22 and 80, 7 RSTs.
SR_SET='IP(dst="198.19.0.0/29")/TCP(dport=[22,80,81], flags="S")'
sr_right() { # OUT ERR
	[ "$(grep -c ' SA$' "$1")" = 14 ] && [ "$(grep -c ' RA$' "$1")" = 7 ] &&
		grep -q "got 21 answers, remaining 3 packets" "$2"
}
if ! bg_start refl5 "attached to" "${NSB[@]}" "$WC" reflect -i "$IFB" --hosts 198.19.0.0/16 --open tcp:22,80 --interval 0 --duration 120; then
	ko "sr/scan: the reflector did not start"
else
	refl=$bg
	out=$(U "$tmp/bin/wc-plain" sr -i "$IFB" -t 1 "$SR_SET" 2>&1); rc=$?
	check "no caps: sr refused, one line naming its four capabilities (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *CAP_NET_RAW* && "$out" == *CAP_NET_ADMIN* && "$out" == *CAP_BPF* && "$out" == *CAP_PERFMON* ]]'
	out=$(U "$tmp/bin/wc-raw" scan -i "$IFB" -p 22 --allow-reserved 198.19.0.1 2>&1); rc=$?
	check "some caps: scan says which are missing (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"CAP_NET_ADMIN and CAP_PERFMON are missing"* ]]'
	out=$(cd "$tmp/nobody" && U "$tmp/bin/wc-plain" scan --dry-run "$tmp/nobody/dry.pcap" -q -p 22,80 --allow-reserved --source-ip 198.18.0.1 --gateway-mac 0a:00:00:00:00:02 198.19.0.0/30 2>&1); rc=$?
	check "no caps: scan --dry-run needs none, its file is nobody's (rc=$rc: $out)" \
		eval '[ $rc -eq 0 ] && [ "$(packets "$tmp/nobody/dry.pcap")" = 8 ] && [ "$(owner "$tmp/nobody/dry.pcap")" = $NOBODY ]'

	# setcap'ed, as nobody (CAP_IPC_LOCK for the UMEM): sr -w, sr1, scan -o --metadata
	"${NSA[@]}" "${ASU[@]}" "$tmp/bin/wc-xdp" sr -i "$IFA" -t 3 -w "$tmp/nobody/sr.pcap" "$SR_SET" \
		> "$tmp/u-sr.out" 2> "$tmp/u-sr.err" &
	bg=$!; pids+=("$bg")
	check "setcap, nobody: sr holds no capability once set up" eval 'dropped $bg && unprivileged $bg $NOBODY'
	reap "$bg" 15; rc=$?
	check "setcap, nobody: sr finds the 21 answers (rc=$rc: $(tail -1 "$tmp/u-sr.err")), -w's 42 packets are nobody's" \
		eval '[ $rc -eq 0 ] && sr_right "$tmp/u-sr.out" "$tmp/u-sr.err" && [ "$(packets "$tmp/nobody/sr.pcap")" = 42 ] && [ "$(owner "$tmp/nobody/sr.pcap")" = $NOBODY ] && ! has_xdp_a'
	out=$("${NSA[@]}" "${ASU[@]}" "$tmp/bin/wc-xdp" sr1 -i "$IFA" -t 1 'IP(dst="198.19.0.9")/TCP(dport=80, flags="S")' 2>&1); rc=$?
	check "setcap, nobody: sr1 gets the SYN-ACK (rc=$rc)" eval '[ $rc -eq 0 ] && [[ "$out" == *"flags     = SA"* ]]'
	out=$("${NSA[@]}" "${ASU[@]}" "$tmp/bin/wc-xdp" sr -i "$IFA" -t 1 -w "$RO5/sr.pcap" "$SR_SET" 2>&1); rc=$?
	check "setcap, nobody: sr -w into root's directory refused (rc=$rc: $out), nothing made, nothing attached" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *ro5* ]] && [ -z "$(ls -A "$RO5")" ] && ! has_xdp_a'
	# scan: 16 hosts x 3 ports at 20 probes/s (2.4 s): 15 hosts answer on 22 and 80
	SCAN=(scan -i "$IFA" -p 22,80,81 --allow-reserved --rate 20 -q -O text -f saddr,sport 198.19.0.0/28)
	scan_right() { [ "$(wc -l < "$1")" = 30 ] && ! grep -qv ' \(22\|80\)$' "$1" && ! grep -q '^198.19.0.0 ' "$1"; }
	(cd "$tmp/nobody" && exec "${NSA[@]}" "${ASU[@]}" "$tmp/bin/wc-xdp" "${SCAN[@]}" -o "$tmp/nobody/scan.txt" --metadata "$tmp/nobody/meta.json") \
		> "$tmp/u-scan.out" 2> "$tmp/u-scan.err" &
	bg=$!; pids+=("$bg")
	check "setcap, nobody: scan holds no capability while it scans" eval 'dropped $bg && unprivileged $bg $NOBODY'
	reap "$bg" 20; rc=$?
	check "setcap, nobody: scan finds the 30 open ports (rc=$rc: $(tail -1 "$tmp/u-scan.err")); -o and --metadata are nobody's" \
		eval '[ $rc -eq 0 ] && scan_right "$tmp/nobody/scan.txt" && [ "$(owner "$tmp/nobody/scan.txt")" = $NOBODY ] && [ "$(owner "$tmp/nobody/meta.json")" = $NOBODY ] && ! has_xdp_a'

	# root --user nobody
	"${NSA[@]}" "$WC" sr -i "$IFA" -t 3 --user nobody -w "$tmp/open/sr-u.pcap" "$SR_SET" > "$tmp/r-sr.out" 2> "$tmp/r-sr.err" &
	bg=$!; pids+=("$bg")
	check "root sr --user nobody: runs as nobody with no capability once set up" eval 'dropped $bg && unprivileged $bg $NOBODY'
	reap "$bg" 15; rc=$?
	check "root sr --user nobody: the 21 answers (rc=$rc), -w's file is nobody's" \
		eval '[ $rc -eq 0 ] && sr_right "$tmp/r-sr.out" "$tmp/r-sr.err" && [ "$(owner "$tmp/open/sr-u.pcap")" = $NOBODY ]'
	out=$("${NSA[@]}" "$WC" scan -i "$IFA" -p 22 --allow-reserved -q --user nobody -o "$RO5/scan.csv" 198.19.0.1 2>&1); rc=$?
	check "root scan --user nobody: -o into root's directory refused (rc=$rc: $out), nothing made, nothing attached" \
		eval '[ $rc -eq 1 ] && [[ "$out" == *ro5* ]] && [ -z "$(ls -A "$RO5")" ] && ! has_xdp_a'

	# under sudo: the invoking user; a scan cut short leaves its state, as that user
	(cd "$tmp/open" && exec env SUDO_UID=$NOBODY SUDO_GID=$NOBODY SUDO_USER=nobody "${NSA[@]}" "$WC" "${SCAN[@]}" \
		-o "$tmp/open/scan-s.txt" --metadata "$tmp/open/meta-s.json") > "$tmp/s-scan.out" 2> "$tmp/s-scan.err" &
	bg=$!; pids+=("$bg")
	check "under sudo: scan runs as the invoking user with no capability while it scans" eval 'dropped $bg && unprivileged $bg $NOBODY'
	reap "$bg" 20; rc=$?
	check "under sudo: scan finds the 30 open ports (rc=$rc), its files are the invoking user's" \
		eval '[ $rc -eq 0 ] && scan_right "$tmp/open/scan-s.txt" && [ "$(owner "$tmp/open/scan-s.txt")" = $NOBODY ] && [ "$(owner "$tmp/open/meta-s.json")" = $NOBODY ]'
	out=$(cd "$tmp/open" && env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "${NSA[@]}" "$WC" scan -i "$IFA" -p 22,80,81 --allow-reserved --rate 20 --max-runtime 1 -q -o "$tmp/open/cut.csv" --state "$tmp/open/cut.state" 198.19.0.0/24 2>&1); rc=$?
	check "under sudo: a scan cut short saves its state as the invoking user (rc=$rc: $out)" \
		eval '[ $rc -eq 0 ] && grep -q . "$tmp/open/cut.state" && [ "$(owner "$tmp/open/cut.state")" = $NOBODY ] && [ "$(owner "$tmp/open/cut.csv")" = $NOBODY ]'
	out=$(cd "$tmp/open" && env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "${NSA[@]}" "$WC" scan -i "$IFA" -p 22 --allow-reserved -q -o "$tmp/open/x.csv" --rate 20 --max-runtime 1 --state "$RO5/st" 198.19.0.0/24 2>&1); rc=$?
	check "under sudo: a state into root's directory refused (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && [[ "$out" == *ro5/st* ]] && [ -z "$(ls -A "$RO5")" ]'
	# the files it reads are read with the user's rights: root's own are refused
	echo 198.19.0.0/28 > "$tmp/rootonly/targets.txt"
	DRY=(scan -q -p 22 --allow-reserved --source-ip 198.18.0.1 --gateway-mac 0a:00:00:00:00:02)
	out=$(env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "$WC" "${DRY[@]}" --dry-run "$tmp/open/i.pcap" -I "$tmp/rootonly/targets.txt" 2>&1); rc=$?
	check "under sudo: scan -I of a file only root may read refused (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"rootonly/targets.txt: Permission denied"* ]] && [ ! -e "$tmp/open/i.pcap" ]'
	out=$(env -u SUDO_UID -u SUDO_GID "$WC" "${DRY[@]}" --dry-run "$tmp/open/i.pcap" -I "$tmp/rootonly/targets.txt" 2>&1); rc=$?
	check "plain root: reads the same -I file (rc=$rc: $out)" eval '[ $rc -eq 0 ] && [ "$(packets "$tmp/open/i.pcap")" = 16 ]'
	cp "$tmp/open/cut.state" "$tmp/rootonly/cut.state"
	out=$(env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "${NSA[@]}" "$WC" scan -i "$IFA" -p 22,80,81 --allow-reserved -q -o "$tmp/open/r.csv" --resume "$tmp/rootonly/cut.state" 198.19.0.0/24 2>&1); rc=$?
	check "under sudo: --resume of a state only root may read refused (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"Permission denied"* ]] && ! has_xdp_a'
	out=$(env SUDO_UID=$NOBODY SUDO_GID=$NOBODY "${NSA[@]}" "$WC" sr1 -i "$IFA" -t 1 -w "$RO5/s.pcap" 'IP(dst="198.19.0.9")/TCP(dport=80, flags="S")' 2>&1); rc=$?
	check "under sudo: sr1 -w into root's directory refused (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && [ -z "$(ls -A "$RO5")" ] && ! has_xdp_a'

	# plain root: stays uid 0, keeps CAP_DAC_OVERRIDE alone (sr with -w, scan), nothing else
	env -u SUDO_UID -u SUDO_GID "${NSA[@]}" "$WC" sr -i "$IFA" -t 3 -w "$tmp/nobody/root-sr.pcap" "$SR_SET" > "$tmp/p-sr.out" 2> "$tmp/p-sr.err" &
	bg=$!; pids+=("$bg")
	check "plain root: sr -w keeps CAP_DAC_OVERRIDE alone once set up" \
		eval 'dropped $bg && [ "$(status $bg CapEff)" = 0000000000000002 ] && [ "$(status $bg CapPrm)" = 0000000000000002 ] && [ "$(status $bg Uid)" = 0 ]'
	reap "$bg" 15; rc=$?
	check "plain root: sr writes where root may, another user's directory too (rc=$rc)" \
		eval '[ $rc -eq 0 ] && sr_right "$tmp/p-sr.out" "$tmp/p-sr.err" && [ "$(packets "$tmp/nobody/root-sr.pcap")" = 42 ] && [ "$(owner "$tmp/nobody/root-sr.pcap")" = 0 ]'
	env -u SUDO_UID -u SUDO_GID "${NSA[@]}" "$WC" sr -i "$IFA" -t 3 -q "$SR_SET" > /dev/null 2> "$tmp/p-sr0.err" &
	bg=$!; pids+=("$bg")
	check "plain root: sr without -w keeps no capability" eval 'dropped $bg && unprivileged $bg 0'
	reap "$bg" 15
	(cd "$tmp/nobody" && exec env -u SUDO_UID -u SUDO_GID "${NSA[@]}" "$WC" "${SCAN[@]}" -o "$tmp/nobody/root-scan.txt") > /dev/null 2> "$tmp/p-scan.err" &
	bg=$!; pids+=("$bg")
	check "plain root: scan keeps CAP_DAC_OVERRIDE alone while it scans" \
		eval 'dropped $bg && [ "$(status $bg CapEff)" = 0000000000000002 ] && [ "$(status $bg Uid)" = 0 ]'
	reap "$bg" 20; rc=$?
	check "plain root: scan finds the 30 open ports (rc=$rc)" eval '[ $rc -eq 0 ] && scan_right "$tmp/nobody/root-scan.txt" && [ "$(owner "$tmp/nobody/root-scan.txt")" = 0 ]'
	out=$("${NSA[@]}" "$WC" sr -i "$IFA" -t 1 --user no_such_user_wc "$SR_SET" 2>&1); rc=$?
	check "sr --user no_such_user: refused before anything opens (rc=$rc: $out)" \
		eval '[ $rc -eq 1 ] && one_line "$out" && [[ "$out" == *"no such user"* ]] && ! has_xdp_a'
	kill "$refl" 2>/dev/null; reap "$refl" 10
fi

finish
