/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Bounds-checked header walkers for XDP programs (reflect.bpf.c, steer.bpf.c).
 *
 * Each walker takes a cursor (the next unread byte and the end of the frame), checks that the
 * whole header it returns lies inside the frame, checks the few fields that decide where the next
 * header starts, and advances the cursor past it. A walker that fails leaves the cursor where it
 * was and returns a negative value; what a failure means (drop, pass, count as malformed) is the
 * caller's policy, not the walker's.
 *
 * Walkers only read. They check framing, not semantics: e.g. the IPv4 walker checks version,
 * IHL and total length, but not the header checksum (see wc_ipv4_csum_ok) or the addresses.
 */
#ifndef WC_BPF_PARSE_H
#define WC_BPF_PARSE_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "csum.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

/* ICMP (RFC 792). Defined here: <linux/icmp.h> pulls in libc's socket headers, which do not
 * build for the BPF target. */
struct wc_icmphdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__be32 rest; /* identifier and sequence for echo; unused for destination unreachable */
};
#define WC_ICMP_ECHOREPLY    0
#define WC_ICMP_DEST_UNREACH 3
#define WC_ICMP_PORT_UNREACH 3
#define WC_ICMP_ECHO         8

/* At most this many VLAN tags (802.1Q or 802.1ad) before the EtherType that counts. */
#define WC_MAX_VLANS 2
/* Largest L2 header the walkers accept: Ethernet plus WC_MAX_VLANS tags. */
#define WC_L2_MAX (ETH_HLEN + 4 * WC_MAX_VLANS)
/* At most this many IPv6 extension headers are skipped; a longer chain is refused. */
#define WC_MAX_EXTHDRS 6

struct wc_cursor {
	void *pos;
	void *end;
};

static __always_inline void wc_cursor_init(struct wc_cursor *c, struct xdp_md *ctx)
{
	c->pos = (void *)(long)ctx->data;
	c->end = (void *)(long)ctx->data_end;
}

struct wc_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* ARP for IPv4 over Ethernet (RFC 826); byte arrays because spa and tpa are not aligned. */
struct wc_arp_eth4 {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 oper;
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
};

/* Neighbour Solicitation / Advertisement body after the 4-byte ICMPv6 header (RFC 4861). */
struct wc_nd_msg {
	__u8 type;
	__u8 code;
	__u16 check;
	__be32 flags; /* NA: R, S, O in the top bits; NS: reserved */
	__u32 target[4];
};

/* An NDP link-layer address option for Ethernet: type 1 (source) or 2 (target), length 1. */
struct wc_nd_opt_lla {
	__u8 type;
	__u8 len; /* units of 8 bytes */
	__u8 addr[ETH_ALEN];
};

struct wc_l2 {
	struct ethhdr *eth;
	__u32 len;   /* bytes from the frame start to the L3 header: 14, 18 or 22 */
	__u16 proto; /* EtherType of the L3 header, host order */
	__u8 nvlan;
};

/* Ethernet plus up to WC_MAX_VLANS tags. A third tag is refused rather than mistaken for L3. */
static __always_inline int wc_parse_l2(struct wc_cursor *c, struct wc_l2 *l2)
{
	struct ethhdr *eth = c->pos;
	void *pos;
	__u16 proto;

	if ((void *)(eth + 1) > c->end)
		return -1;
	pos = eth + 1;
	proto = bpf_ntohs(eth->h_proto);
	l2->nvlan = 0;

#pragma unroll
	for (int i = 0; i < WC_MAX_VLANS; i++) {
		struct wc_vlan_hdr *vh = pos;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > c->end)
			return -1;
		proto = bpf_ntohs(vh->proto);
		pos = vh + 1;
		l2->nvlan++;
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return -1;

	l2->eth = eth;
	l2->proto = proto;
	l2->len = ETH_HLEN + 4 * l2->nvlan;
	c->pos = pos;
	return 0;
}

/* ARP request/reply for IPv4 over Ethernet. Other hardware/protocol types are refused. */
static __always_inline int wc_parse_arp(struct wc_cursor *c, struct wc_arp_eth4 **out)
{
	struct wc_arp_eth4 *arp = c->pos;

	if ((void *)(arp + 1) > c->end)
		return -1;
	if (arp->htype != bpf_htons(1) || arp->ptype != bpf_htons(ETH_P_IP) ||
	    arp->hlen != ETH_ALEN || arp->plen != 4)
		return -1;
	*out = arp;
	c->pos = arp + 1;
	return 0;
}

/*
 * IPv4 with options: version 4, 5 <= IHL, the whole header (options too) inside the frame, and a
 * total length that covers the header and does not run past the frame (a frame may be longer:
 * Ethernet padding). The cursor moves to the L4 header. *l4len gets total length - header length.
 */
static __always_inline int wc_parse_ipv4(struct wc_cursor *c, struct iphdr **out, __u32 *l4len)
{
	struct iphdr *iph = c->pos;
	__u32 hlen, tot;

	if ((void *)(iph + 1) > c->end)
		return -1;
	if (iph->version != 4 || iph->ihl < 5)
		return -1;
	hlen = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen)
		return -1;
	/* tot <= 65535: a bounded offset, so the verifier accepts the comparison */
	if ((void *)iph + tot > c->end)
		return -1;
	*out = iph;
	*l4len = tot - hlen;
	c->pos = (void *)iph + hlen;
	return 0;
}

/* Is the IPv4 header checksum right? hlen is IHL * 4, already checked by wc_parse_ipv4. The
 * common 20-byte header is summed without a loop; options go through the bounded loop. */
static __always_inline int wc_ipv4_csum_ok(struct iphdr *iph, void *end)
{
	__u16 *w = (__u16 *)iph;
	__u64 sum = 0;

	if ((void *)(iph + 1) > end)
		return 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	if (iph->ihl > 5 && wc_csum_words(w + 10, (iph->ihl - 5) * 2, end, &sum) < 0)
		return 0;
	return wc_csum_fold(sum) == 0xffff;
}

struct wc_ipv6 {
	struct ipv6hdr *ip6;
	__u32 ext_len; /* bytes of extension headers between the IPv6 header and the upper layer */
	__u32 l4len;   /* payload length - ext_len */
	__u8 proto;    /* upper-layer protocol (or IPPROTO_NONE / the last header seen) */
	__u8 frag;     /* a Fragment header that is not atomic (offset != 0 or M set) was seen */
};

/* Bound on an offset the walk below hands around: more than an XDP frame's linear part (a
 * page) ever holds, and small enough that the verifier trusts data + offset. */
#define WC_EXT_MAX 0x3fff

/* Whether nh names an extension header the walk skips. */
static __always_inline int wc_ipv6_is_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_AH || nh == IPPROTO_FRAGMENT || nh == 135 /* Mobility */;
}

/*
 * One extension header of kind nh at offset off from the frame's start, which with what it
 * covers must end by `end` (an offset too): the offset after it, its next header and whether
 * it is a fragment header that is not atomic, as off << 16 | frag << 8 | next; -1 when it is
 * cut short or runs past `end`. Every extension header is at least 8 bytes long.
 *
 * Why a global function (not static: the verifier checks it once, on its own, for any
 * arguments): inline, each kind of header left the walk with an offset of its own shape (a
 * constant after fragments, multiples of 8 or of 4 in ranges after the others), the paths
 * through the unrolled walk never merged, and the walk was most of the IPv6 parsers'
 * verification time. What this returns is just a number, the same on every path.
 */
__noinline __s64 wc_ipv6_ext_step(struct xdp_md *ctx, __u64 off, __u64 nh, __u64 end)
{
	void *data, *data_end;
	__u8 *h;
	__u64 len, frag = 0;

	if (!ctx || off > WC_EXT_MAX)
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	h = data + off;
	if ((void *)(h + 8) > data_end)
		return -1;
	if (nh == IPPROTO_FRAGMENT) {
		/* offset in the top 13 bits, M in bit 0: both zero = atomic fragment */
		if (*(__be16 *)(h + 2) & bpf_htons(0xfff9))
			frag = 1;
		len = 8;
	} else if (nh == IPPROTO_AH) {
		len = ((__u64)h[1] + 2) * 4;
	} else {
		len = ((__u64)h[1] + 1) * 8;
	}
	off += len;
	if (off > end)
		return -1;
	return (__s64)(off << 16 | frag << 8 | h[0]);
}

/*
 * IPv6 and its extension headers: the fixed header inside the frame, payload length inside the
 * frame (jumbograms, payload length 0 with a Jumbo option, are refused), then up to
 * WC_MAX_EXTHDRS extension headers (hop-by-hop, routing, fragment, destination options, AH,
 * mobility) skipped. A chain longer than that is refused. The cursor moves to the upper layer.
 */
static __always_inline int wc_parse_ipv6(struct xdp_md *ctx, struct wc_cursor *c,
					 struct wc_ipv6 *out)
{
	struct ipv6hdr *ip6 = c->pos;
	void *data = (void *)(long)ctx->data;
	__u64 base, off, end;
	__u32 plen;
	__u8 nh, frag = 0;

	if ((void *)(ip6 + 1) > c->end)
		return -1;
	if (ip6->version != 6)
		return -1;
	plen = bpf_ntohs(ip6->payload_len);
	if (plen == 0 && ip6->nexthdr != IPPROTO_NONE)
		return -1;
	if ((void *)(ip6 + 1) + plen > c->end)
		return -1;
	base = off = (__u64)((void *)(ip6 + 1) - data);
	end = base + plen;
	nh = ip6->nexthdr;
#pragma unroll
	for (int i = 0; i < WC_MAX_EXTHDRS; i++) {
		__s64 r;

		if (!wc_ipv6_is_ext(nh))
			goto done;
		r = wc_ipv6_ext_step(ctx, off, nh, end);
		if (r < 0)
			return -1;
		off = (__u64)r >> 16;
		frag |= (r >> 8) & 1;
		nh = r & 0xff;
	}
	if (wc_ipv6_is_ext(nh))
		return -1; /* chain too long to follow */
done:
	barrier_var(off);
	if (off < base || off > WC_EXT_MAX || off > end)
		return -1;
	out->ip6 = ip6;
	out->proto = nh;
	out->frag = frag;
	out->ext_len = (__u32)(off - base);
	out->l4len = (__u32)(end - off);
	c->pos = data + off;
	return 0;
}

/* TCP: 20 bytes, 5 <= data offset, options inside l4len (and so inside the frame). */
static __always_inline int wc_parse_tcp(struct wc_cursor *c, __u32 l4len, struct tcphdr **out)
{
	struct tcphdr *th = c->pos;
	__u32 hlen;

	if ((void *)(th + 1) > c->end || l4len < sizeof(*th))
		return -1;
	hlen = th->doff * 4;
	if (hlen < sizeof(*th) || hlen > l4len)
		return -1;
	if ((void *)th + hlen > c->end)
		return -1;
	*out = th;
	c->pos = (void *)th + hlen;
	return 0;
}

/* UDP: 8 bytes, 8 <= length <= l4len. */
static __always_inline int wc_parse_udp(struct wc_cursor *c, __u32 l4len, struct udphdr **out)
{
	struct udphdr *uh = c->pos;
	__u32 ulen;

	if ((void *)(uh + 1) > c->end || l4len < sizeof(*uh))
		return -1;
	ulen = bpf_ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > l4len)
		return -1;
	*out = uh;
	c->pos = uh + 1;
	return 0;
}

/* ICMP: the 8-byte header (type, code, checksum, rest-of-header). */
static __always_inline int wc_parse_icmp(struct wc_cursor *c, __u32 l4len, struct wc_icmphdr **out)
{
	struct wc_icmphdr *ih = c->pos;

	if ((void *)(ih + 1) > c->end || l4len < sizeof(*ih))
		return -1;
	*out = ih;
	c->pos = ih + 1;
	return 0;
}

/* ICMPv6: the 8-byte header (type, code, checksum, 4 bytes of message body). */
static __always_inline int wc_parse_icmp6(struct wc_cursor *c, __u32 l4len, struct icmp6hdr **out)
{
	struct icmp6hdr *ih = c->pos;

	if ((void *)(ih + 1) > c->end || l4len < sizeof(*ih))
		return -1;
	*out = ih;
	c->pos = ih + 1;
	return 0;
}

#endif /* WC_BPF_PARSE_H */
