// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wirecraft sniff --steal: every frame that arrives on a queue goes to the AF_XDP socket that
 * userspace bound to that queue. Nothing is parsed here: the tcpdump filter runs in userspace
 * (pcap_offline_filter), so the program stays trivial and the verifier has nothing to think
 * about. Frames on a queue without a socket go on to the stack (redirect_map's fallback
 * action), so a queue whose socket could not be made is not silently blackholed.
 *
 * The map's size is set by userspace before load (one entry per receive queue). The program is
 * attached through a bpf_link that only the sniffing process holds: when it exits, however it
 * exits, the kernel takes the program off the interface.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* In a libxdp dispatcher (user/xdp_attach.c): last (90, after the default 50). It takes every
 * frame, so anywhere earlier it would starve the other programs; after them it captures what
 * they let through, as the stack would have seen it. A queue without a socket passes on. */
struct {
	__uint(priority, 90);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(wc_steal);

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1); /* resized by user/port_steal.c to the number of queues */
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int wc_steal(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}
