#!/usr/bin/env bash
# The main job, end to end on this machine. First offline: craft packet sets, look at them as
# Scapy would, write and read a pcap. Then live, inside a private pair of network namespaces
# joined by a veth (nothing touches the host's interfaces; addresses from 198.18.0.0/15 and
# 2001:db8::/32 only): the XDP reflector plays a /16 of hosts on one end, and wirecraft
# probes it from the other end and reads the answers.
set -euo pipefail
cd "$(dirname "$0")/.."
wc=$(realpath build/wirecraft)
tmp=$(mktemp -d)
ns=wcdemo$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	scripts/netns.sh -n "$ns" down >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
# The same, with standard output kept in a file (the first argument) to be looked at after.
step_to() { local f=$1; shift; printf '\n\033[1m$ %s > %s\033[0m\n' "$*" "${f##*/}"; "$@" > "$f"; }
title() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

title "Crafting, offline"
step $wc build 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.2")/TCP(dport=443, flags="S")'
step $wc show 'IP(src="198.18.0.1", dst="198.18.0.2")/UDP(dport=53)/"hello"'
step $wc build -w "$tmp/probes.pcap" 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.0/24")/TCP(dport=[22,80,443], flags="S")'
echo "($(tcpdump -r "$tmp/probes.pcap" 2>/dev/null | wc -l) packets in the pcap: a /24 times 3 ports)"
step $wc dissect -r "$tmp/probes.pcap" --summary -c 4
hex=$($wc build 'IP(src="198.18.0.1", dst="198.18.0.2")/TCP(dport=80, flags="SA", options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)])')
step $wc dissect --first IP --json "$hex"

if [ "$(id -u)" -ne 0 ]; then
	echo; echo "The live part needs root (network namespaces, XDP): run 'sudo make demo'."
	exit 0
fi

title "Live: a private veth pair, the XDP reflector playing 198.18.0.0/16 on one end"
scripts/netns.sh -n "$ns" up >/dev/null
scripts/netns.sh -n "$ns" xdp-pass a >/dev/null
A() { ip netns exec "$ns-a" "$@"; }
B() { ip netns exec "$ns-b" "$@"; }
# The whole /16 is on the link: A resolves every host with ARP, which the reflector answers.
A ip route add 198.18.0.0/16 dev "$ns-a0"
B "$wc" reflect -i "$ns-b0" --hosts 198.18.0.0/16 --hosts6 2001:db8::/64 \
	--open tcp:22,80,443 --icmp --udp-open 53 --duration 60 --interval 0 \
	> "$tmp/reflect.out" 2> "$tmp/reflect.err" &
pids+=($!)
for _ in $(seq 50); do B "$wc" reflect -i "$ns-b0" --stats >/dev/null 2>&1 && break; sleep 0.1; done
echo "reflector up on $ns-b0: TCP 22, 80, 443 open, ICMP echo, UDP 53 echoed"

step A ping -c 2 -i 0.2 198.18.7.7
# sr brings its own XDP program (reply steering) to A's end, which also lets the veth deliver
# the reflector's answers: the placeholder goes while sr runs.
scripts/netns.sh -n "$ns" xdp-off a >/dev/null

title "Scapy's sr(), at XDP speed: 16 hosts x 4 ports, answers steered by XDP and paired"
step_to "$tmp/sr.out" A "$wc" sr -i "$ns-a0" --timeout 1 'IP(dst="198.18.1.0/28")/TCP(dport=[22,80,443,8080], flags="S")'
head -6 "$tmp/sr.out"; echo "..."
echo "$(grep -c '==>.* SA' "$tmp/sr.out") SYN-ACKs (open: 16 hosts x 3 ports), $(grep -c '==>.* RA' "$tmp/sr.out") RST-ACKs (closed: port 8080)"
step A "$wc" sr1 -i "$ns-a0" 'IP(dst="198.18.3.4")/ICMP()'

title "A bigger scan: a /20 x 4 ports (16384 probes) at full rate"
step A "$wc" sr -i "$ns-a0" -q --timeout 1 'IP(dst="198.18.16.0/20")/TCP(dport=[22,80,443,8080], flags="S")'

title "Watching the wire: wirecraft sniff while wirecraft send probes UDP"
scripts/netns.sh -n "$ns" xdp-pass a >/dev/null
A "$wc" sniff -i "$ns-a0" --timeout 3 -c 8 'udp or icmp' 2> "$tmp/sniff.err" &
sp=$!
pids+=($sp)
sleep 0.5
step A "$wc" send -i "$ns-a0" -q 'IP(dst="198.18.2.1")/UDP(sport=40000, dport=[53,54])/"hello"'
wait $sp || true

title "Reflector counters"
step B "$wc" reflect -i "$ns-b0" --stats
