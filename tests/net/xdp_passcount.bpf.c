// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * "Somebody else's" XDP program for tests/net/test_coexist.sh, loaded with xdp-loader into a
 * libxdp dispatcher next to wirecraft's: it passes every frame and counts what it sees, so the
 * test can tell which frames wirecraft took (they never reach it) and which went on.
 *   pc_counts[0]  every frame
 *   pc_counts[1]  IPv4 TCP frames (probes to the reflector, answers to sr and scan)
 *   pc_counts[2]  IPv4 ICMP frames (pings between the two ends' own addresses)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME); /* under xdp-loader's --pin-path, for bpftool */
} pc_counts SEC(".maps");

static void bump(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&pc_counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int pc_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	bump(0);
	if ((void *)(ip + 1) <= end && eth->h_proto == bpf_htons(ETH_P_IP)) {
		if (ip->protocol == IPPROTO_TCP)
			bump(1);
		else if (ip->protocol == IPPROTO_ICMP)
			bump(2);
	}
	return XDP_PASS;
}
