// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The receiving end of the send benchmark (bench/send/): counts the probes that arrive and
 * drops them, and records when the first and the last one arrived, so that the loader can give
 * delivered packets per second = count / (last - first), a rate that leaves out every sender's
 * start-up and shut-down.
 *
 * A probe is an IPv4 frame (optionally one VLAN tag) whose destination is in 198.18.0.0/15, the
 * only addresses the bench sends to. Everything else (ARP, IPv6 neighbour discovery and router
 * solicitations, a sender's own chatter) is passed to the stack uncounted, so that a sender
 * which resolves its next hop through the kernel still can, and noise does not inflate a count.
 *
 * One slot of a per-CPU array per CPU: no atomics on the hot path. Userspace sums the counts,
 * takes the earliest first and the latest last over the CPUs, and resets the slots by writing
 * zeroes (bench/send/counter.c).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct wc_count {
	__u64 packets;  /* probes counted and dropped */
	__u64 bytes;    /* their frame lengths (no FCS) */
	__u64 first_ns; /* bpf_ktime_get_ns() of the first, 0 before any */
	__u64 last_ns;  /* and of the latest */
	__u64 other;    /* frames passed to the stack */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wc_count);
} counts SEC(".maps");

#define NET_198_18 0xc6120000u /* 198.18.0.0/15, host order */
#define MASK_15 0xfffe0000u

SEC("xdp")
int wc_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct wc_count *c;
	__u32 zero = 0;
	__u16 proto;
	__u64 now;

	c = bpf_map_lookup_elem(&counts, &zero);
	if (!c)
		return XDP_PASS;
	if ((void *)(eth + 1) > end)
		goto pass;
	proto = eth->h_proto;
	ip = (void *)(eth + 1);
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		__u16 *tag = (void *)(eth + 1);

		if ((void *)(tag + 2) > end)
			goto pass;
		proto = tag[1];
		ip = (void *)(tag + 2);
	}
	if (proto != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > end)
		goto pass;
	if ((bpf_ntohl(ip->daddr) & MASK_15) != NET_198_18)
		goto pass;
	now = bpf_ktime_get_ns();
	if (!c->first_ns)
		c->first_ns = now;
	c->last_ns = now;
	c->packets++;
	c->bytes += end - data;
	return XDP_DROP;
pass:
	c->other++;
	return XDP_PASS;
}
