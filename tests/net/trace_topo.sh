# A chain of real Linux routers in network namespaces, for tests/net/test_traceroute.sh and
# bench/trace/run.sh. Sourced (after cd to the top of the tree); needs root.
#
#   trace_topo_up P      build it; namespaces are P + s, r1, r2a, r2b, r3, r4, d (P holds the
#                        caller's $$, and P + 3 characters is at most 12)
#   trace_topo_down P    remove every namespace (and so every veth); idempotent
#
#                    .--- r2a ---.
#   s ---- r1 ------+             +----- r3 ---- r4 ---- d        d holds 198.18.16.0/20 and
#                    '--- r2b ---'                                2001:db8:f::/64 as local
#                                                                  routes: its kernel answers
#   hop 1: r1, hop 2: r2a or r2b (ECMP at r1,                      for every address in them
#   fib_multipath_hash_policy=1: by ports), hop 3: r3 (it answers from the inbound interface:
#   198.18.103.2 behind r2a, 198.18.104.2 behind r2b, so the branch shows at hop 3 too), hop 4:
#   r4, hop 5: the destination.
#
# Each router forwards IPv4 and IPv6 and sends ICMP errors unthrottled (icmp_ratelimit 0, the
# global ICMP budget raised): a fast trace is not starved by the per-source limit. Routers skip
# the early socket lookup of every TCP segment (ip_early_demux 0, as the kernel's ip-sysctl
# documentation advises for pure routing): a router has no socket to find, and without the
# lookups the probes of a fast trace take 10-15% less time. Interface names are short and
# fixed: every link is created inside its namespaces, never in the host's.
# Addresses only from 198.18.0.0/15 and 2001:db8::/32.
#
# Link n (100..106) is 198.18.n.0/24 and 2001:db8:n::/64 (hex digits of the decimal n), the
# end nearer s is .1 / ::1, the far end .2 / ::2, except s - r1, where s is .1 and r1 .2.

TOPO_T4=198.18.16.0/20
TOPO_T6=2001:db8:f::/64
TOPO_S4=198.18.100.1 TOPO_S6=2001:db8:100::1
# The routers' addresses as they answer (see above)
TOPO_R1=198.18.100.2 TOPO_R1_6=2001:db8:100::2
TOPO_R2A=198.18.101.2 TOPO_R2A_6=2001:db8:101::2
TOPO_R2B=198.18.102.2 TOPO_R2B_6=2001:db8:102::2
TOPO_R3A=198.18.103.2 TOPO_R3A_6=2001:db8:103::2
TOPO_R3B=198.18.104.2 TOPO_R3B_6=2001:db8:104::2
TOPO_R4=198.18.105.2 TOPO_R4_6=2001:db8:105::2

topo_ns() { ip netns exec "$@"; }

# link P NS1 IF1 NS2 IF2 NET [QUEUES]: a veth between two namespaces, NS1's end .1, NS2's .2
topo_link() {
	local p=$1 n1=$2 i1=$3 n2=$4 i2=$5 net=$6 q=${7:-1}
	ip link add "$i1" netns "$p$n1" numtxqueues "$q" numrxqueues "$q" type veth \
		peer name "$i2" netns "$p$n2" numtxqueues "$q" numrxqueues "$q" || return 1
	ip -n "$p$n1" addr add "198.18.$net.1/24" dev "$i1"
	ip -n "$p$n2" addr add "198.18.$net.2/24" dev "$i2"
	ip -n "$p$n1" addr add "2001:db8:$net::1/64" dev "$i1" nodad
	ip -n "$p$n2" addr add "2001:db8:$net::2/64" dev "$i2" nodad
	ip -n "$p$n1" link set "$i1" up
	ip -n "$p$n2" link set "$i2" up
}

trace_topo_down() {
	local p=$1 n
	for n in s r1 r2a r2b r3 r4 d; do
		[ -e "/run/netns/$p$n" ] && ip netns del "$p$n" 2>/dev/null
	done
	return 0
}

trace_topo_up() {
	local p=$1 n
	trace_topo_down "$p"
	for n in s r1 r2a r2b r3 r4 d; do
		ip netns add "$p$n" || return 1
		ip -n "$p$n" link set lo up
		topo_ns "$p$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	for n in r1 r2a r2b r3 r4; do
		topo_ns "$p$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
			net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
			net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000 \
			net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1 \
			net.ipv4.ip_early_demux=0 || return 1
	done
	topo_ns "${p}r3" sysctl -qw net.ipv4.icmp_errors_use_inbound_ifaddr=1
	# s - r1: s is .1, r1 .2 (r1 is s's gateway)
	# two queues each way: `--threads 2` sends on both, and a veth hands a frame to the peer
	# queue of the sending CPU, so both CPUs share the routers' work
	topo_link "$p" s s0 r1 r1s 100 2 || return 1
	topo_link "$p" r1 r1a r2a r2au 101 || return 1
	topo_link "$p" r1 r1b r2b r2bu 102 || return 1
	topo_link "$p" r2a r2ad r3 r3a 103 || return 1
	topo_link "$p" r2b r2bd r3 r3b 104 || return 1
	topo_link "$p" r3 r3d r4 r4u 105 || return 1
	topo_link "$p" r4 r4d d d0 106 || return 1
	# towards the targets
	ip -n "${p}s" route add default via 198.18.100.2
	ip -n "${p}s" -6 route add default via 2001:db8:100::2
	ip -n "${p}r1" route add "$TOPO_T4" nexthop via 198.18.101.2 nexthop via 198.18.102.2
	ip -n "${p}r1" -6 route add "$TOPO_T6" nexthop via 2001:db8:101::2 nexthop via 2001:db8:102::2
	ip -n "${p}r2a" route add "$TOPO_T4" via 198.18.103.2
	ip -n "${p}r2a" -6 route add "$TOPO_T6" via 2001:db8:103::2
	ip -n "${p}r2b" route add "$TOPO_T4" via 198.18.104.2
	ip -n "${p}r2b" -6 route add "$TOPO_T6" via 2001:db8:104::2
	ip -n "${p}r3" route add "$TOPO_T4" via 198.18.105.2
	ip -n "${p}r3" -6 route add "$TOPO_T6" via 2001:db8:105::2
	ip -n "${p}r4" route add "$TOPO_T4" via 198.18.106.2
	ip -n "${p}r4" -6 route add "$TOPO_T6" via 2001:db8:106::2
	ip -n "${p}d" route add local "$TOPO_T4" dev lo
	ip -n "${p}d" -6 route add local "$TOPO_T6" dev lo
	# back towards s: every router's default points at its upstream neighbour
	ip -n "${p}r2a" route add default via 198.18.101.1
	ip -n "${p}r2a" -6 route add default via 2001:db8:101::1
	ip -n "${p}r2b" route add default via 198.18.102.1
	ip -n "${p}r2b" -6 route add default via 2001:db8:102::1
	ip -n "${p}r3" route add default via 198.18.103.1
	ip -n "${p}r3" -6 route add default via 2001:db8:103::1
	ip -n "${p}r4" route add default via 198.18.105.1
	ip -n "${p}r4" -6 route add default via 2001:db8:105::1
	ip -n "${p}d" route add default via 198.18.106.1
	ip -n "${p}d" -6 route add default via 2001:db8:106::1
	# d answers from its local routes; the kernel's own answers (RST, echo reply, port
	# unreachable) are ICMP-limited too
	topo_ns "${p}d" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.icmp_msgs_per_sec=1000000 net.ipv4.icmp_msgs_burst=1000000
}
