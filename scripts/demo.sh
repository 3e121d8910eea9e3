#!/usr/bin/env bash
# The main job, end to end on this machine: craft packet sets, look at them as Scapy would,
# write and read a pcap. Nothing here sends a packet.
set -euo pipefail
cd "$(dirname "$0")/.."
wc=build/wirecraft
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step $wc build 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.0.2")/TCP(dport=443, flags="S")'
step $wc show 'IP(src="198.18.0.1", dst="198.18.0.2")/UDP(dport=53)/"hello"'
step $wc build -w "$tmp/probes.pcap" 'Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1", dst="198.18.1.0/24")/TCP(dport=[22,80,443], flags="S")'
echo "(768 packets expected)"
step $wc dissect -r "$tmp/probes.pcap" --summary -c 5
hex=$($wc build 'IP(src="198.18.0.1", dst="198.18.0.2")/TCP(dport=80, flags="SA", options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)), ("NOP", None), ("WScale", 7)])')
step $wc dissect --first IP "$hex"
step $wc dissect --json --first IP "$hex"
