// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The receiving end of tests/net/test_live.sh: drops every frame. A veth counts what its XDP
 * program drops in rx_packets, so the test reads exact arrival counts from the interface,
 * IPv6 frames included, without the stack (which would fall behind a live-frames sender and
 * make the veth ring overflow) ever seeing them. Attached with `ip link ... xdpdrv object
 * build/bpf/livesink.bpf.o program wc_sink`, it also gives the veth the NAPI that XDP frames
 * sent to it need.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int wc_sink(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}
