#!/usr/bin/env bash
# -i IFACE takes the host's facts as Scapy does: the interface's MAC and addresses, the next
# hop's MAC from the kernel's routes and neighbour table. Runs in a namespace of its own with a
# veth pair and static neighbour entries; nothing is sent.
set -u
cd "$(dirname "$0")/../.."
WC=${WIRECRAFT:-build/wirecraft}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

if [ "$(id -u)" -ne 0 ]; then
	if [ "${CI:-}" = true ]; then echo "net-iface: needs root under CI"; echo "net-iface: 0 passed, 1 failed"; exit 1; fi
	echo "net-iface: skipped (not root)"; exit 0
fi

ns=wc-if-$$
cleanup() { ip netns del "$ns" 2>/dev/null; }
trap cleanup EXIT
ip netns add "$ns" || { echo "net-iface: cannot create a namespace"; exit 1; }
nsx() { ip netns exec "$ns" "$@"; }
nsx ip link add wcx0 address 02:00:00:00:05:01 type veth peer name wcx1 address 02:00:00:00:05:02
nsx ip link set wcx0 up
nsx ip link set wcx1 up
nsx ip addr add 198.18.5.1/24 dev wcx0
nsx ip -6 addr add 2001:db8:5::1/64 dev wcx0 nodad
nsx ip neigh add 198.18.5.2 lladdr 02:00:00:00:05:02 dev wcx0 nud permanent
nsx ip neigh add 198.18.5.254 lladdr 02:00:00:00:05:fe dev wcx0 nud permanent
nsx ip -6 neigh add 2001:db8:5::2 lladdr 02:00:00:00:06:02 dev wcx0 nud permanent
nsx ip route add 198.19.0.0/16 via 198.18.5.254

check() { # name, expected hex prefix, wirecraft args...
	local name=$1 want=$2; shift 2
	local got; got=$(nsx timeout 10 "$WC" "$@" 2>&1 | head -1)
	case "$got" in "$want"*) ok ;; *) ko "$name: got ${got:0:80}, want prefix $want" ;; esac
}

# On-link destination: its own MAC; our MAC and address as sources.
check on-link 020000000502020000000501080045000028000100004006 build -i wcx0 'Ether()/IP(dst="198.18.5.2")/TCP()'
got=$(nsx "$WC" build -i wcx0 'Ether()/IP(dst="198.18.5.2")/TCP()')
[ "${got:52:16}" = c6120501c6120502 ] && ok || ko "IP src/dst: ${got:52:16}"
# Routed destination: the gateway's MAC.
check via-gateway 0200000005fe020000000501 build -i wcx0 'Ether()/IP(dst="198.19.1.1")/UDP()'
# IPv6: the neighbour's MAC and our global address as source.
got=$(nsx "$WC" build -i wcx0 'Ether()/IPv6(dst="2001:db8:5::2")/ICMPv6EchoRequest()')
[ "${got:0:24}" = 020000000602020000000501 ] && ok || ko "IPv6 ether: ${got:0:24}"
[ "${got:44:32}" = 20010db8000500000000000000000001 ] && ok || ko "IPv6 src: ${got:44:32}"
# Unknown neighbour: broadcast, as without an interface; user values are kept.
check unknown-neighbour ffffffffffff020000000501 build -i wcx0 'Ether()/IP(dst="198.18.5.9")/TCP()'
check user-set 0a0000000001 build -i wcx0 'Ether(dst="0a:00:00:00:00:01")/IP(dst="198.18.5.2")/TCP()'
# ARP gets our MAC and address as its sources.
got=$(nsx "$WC" build -i wcx0 'Ether()/ARP(pdst="198.18.5.2")')
[ "${got:44:20}" = 020000000501c6120501 ] && ok || ko "ARP sources: ${got:44:20}"
# A missing interface is one clear line and exit 1.
out=$(nsx "$WC" build -i nosuch0 'IP()' 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && ok || ko "missing interface: rc=$rc out=$out"

echo "net-iface: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
