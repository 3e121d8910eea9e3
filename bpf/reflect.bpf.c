// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wirecraft reflector: plays a whole population of hosts (an IPv4 and/or an IPv6 prefix) on one
 * interface, answering probes in place with XDP_TX:
 *
 *   ARP who-has X            -> is-at 02:00:<X>             (so senders resolve every host)
 *   IPv6 NS for X            -> NA, solicited + override, target link-layer option
 *   TCP SYN to an open port  -> SYN-ACK, ISN = keyed hash of the 4-tuple, ack = seq + 1
 *   TCP SYN, closed port     -> RST-ACK, seq 0, ack = seq + segment length
 *   ICMP/ICMPv6 echo request -> echo reply
 *   UDP to an open port      -> the datagram echoed back
 *   UDP to a closed port     -> ICMP/ICMPv6 port unreachable quoting IP header + 8 bytes
 *
 * IPv4 (with options) and IPv6 (with extension headers), up to two VLAN tags. Everything that is
 * not a valid probe for the population goes on to the stack with XDP_PASS. A reply is never
 * longer than the probe, except an ICMP error, which is bounded (headers + quoted IP header + 8).
 * Replies carry no IP options or IPv6 extension headers.
 *
 * Configuration is in read-only globals (set by userspace before load, so the verifier sees them
 * as constants and prunes what is switched off) and in the port bitmaps in .bss (writable from
 * userspace at any time through the skeleton's mmap). Counters per verdict in a per-CPU array.
 *
 * What is validated before answering, as a real host would: framing of every header (parse.h),
 * the IPv4 header checksum and the L4 checksum, destination in the population (and not the
 * interface's own address, nor the prefix's network or broadcast address), a unicast source, a
 * unicast Ethernet destination for IP probes, no fragments. A probe with a bad checksum is
 * counted as malformed and passed, unanswered (what nmap --badsum expects of a real host).
 *
 * Checksum offload: a sender on the same machine (the other end of a veth) leaves TCP and UDP
 * checksums "partial": the field holds only the folded pseudo-header sum, for hardware that never
 * comes. The kernel trusts those frames; so does the reflector (l4_csum_ok). It also means that
 * an answer must never inherit a probe's checksum: TCP answers are summed afresh, and the UDP
 * echo gets its checksum from the data sum taken while verifying.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "parse.h"
#include "csum.h"
#include "wirecraft/xdp.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* In a libxdp dispatcher (user/xdp_attach.c): early (30, before the default 50), since the
 * frames it answers are to addresses that only it plays, which no other program can serve;
 * everything else it passes on unchanged (XDP_PASS chains) to the next program. A program that
 * must see every frame first (a filter, a counter) can still run before it with a priority
 * under 30. */
struct {
	__uint(priority, 30);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(wc_reflect);

/* ---- configuration: read-only, set by user/xdp.c before load ---------------------------- */

const volatile __u32 cfg_flags = 0;                     /* WC_RF_* */
const volatile __u32 cfg_net4 = 0;                      /* network order */
const volatile __u32 cfg_mask4 = 0;
const volatile __u32 cfg_net6[4] = {};
const volatile __u32 cfg_mask6[4] = {};
const volatile __u32 cfg_excl4[WC_REFLECT_MAX_EXCL] = {};
const volatile __u32 cfg_n_excl4 = 0;
const volatile __u32 cfg_excl6[WC_REFLECT_MAX_EXCL][4] = {};
const volatile __u32 cfg_n_excl6 = 0;
const volatile __u32 cfg_key[2] = {};                   /* ISN key, random at load */
const volatile __u16 cfg_mss4 = 1460;                   /* MSS announced in SYN-ACKs */
const volatile __u16 cfg_mss6 = 1440;

/* Open ports, one bit each: bit p%64 of word p/64. In .bss so userspace can change them while
 * the program runs (the skeleton maps .bss into the process). */
__u64 tcp_open[1024];
__u64 udp_open[1024];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WC_RC__MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

#define IP_DF_BE bpf_htons(0x4000)
#define REPLY_TTL 64
/* IPv6 extension headers longer than this (in all) are not answered through */
#define MAX_EXT_LEN 2048

/* ---- small predicates -------------------------------------------------------------------- */

static __always_inline int port_is_open(const __u64 *bm, __u16 port)
{
	return (bm[port >> 6] >> (port & 63)) & 1;
}

static __always_inline int in_hosts4(__u32 a)
{
	return (cfg_flags & WC_RF_HOSTS4) && (a & cfg_mask4) == cfg_net4;
}

static __always_inline int excluded4(__u32 a)
{
#pragma unroll
	for (__u32 i = 0; i < WC_REFLECT_MAX_EXCL; i++) {
		if (i >= cfg_n_excl4)
			break;
		if (cfg_excl4[i] == a)
			return 1;
	}
	return 0;
}

/* The network and broadcast addresses of a prefix shorter than /31 are not hosts. */
static __always_inline int host4_ok(__u32 a)
{
	__u32 host = a & ~cfg_mask4;

	if (bpf_ntohl(cfg_mask4) >= 0xfffffffe)
		return 1;
	return host != 0 && host != ~cfg_mask4;
}

/* A source we may answer: not 0/8, 127/8, multicast, class E or broadcast. */
static __always_inline int src4_ok(__u32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

static __always_inline int in_hosts6(const __u32 a[4])
{
	if (!(cfg_flags & WC_RF_HOSTS6))
		return 0;
#pragma unroll
	for (int i = 0; i < 4; i++)
		if ((a[i] & cfg_mask6[i]) != cfg_net6[i])
			return 0;
	return 1;
}

static __always_inline int in6_eq(const __u32 a[4], const volatile __u32 b[4])
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static __always_inline int excluded6(const __u32 a[4])
{
#pragma unroll
	for (__u32 i = 0; i < WC_REFLECT_MAX_EXCL; i++) {
		if (i >= cfg_n_excl6)
			break;
		if (in6_eq(a, cfg_excl6[i]))
			return 1;
	}
	return 0;
}

/* A source we may answer: not ::, not ::1, not multicast. */
static __always_inline int src6_ok(const __u32 a[4])
{
	if ((a[0] & bpf_htonl(0xff000000)) == bpf_htonl(0xff000000))
		return 0;
	if (a[0] == 0 && a[1] == 0 && a[2] == 0 && (a[3] == 0 || a[3] == bpf_htonl(1)))
		return 0;
	return 1;
}

/* 02:00 followed by 32 bits of the address (network order): unicast, locally administered. */
static __always_inline void mac_from32(__u8 *mac, __u32 a)
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	__builtin_memcpy(mac + 2, &a, 4);
}

static __always_inline void swap_mac(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
}

/*
 * The folded sum of len bytes at offset off of the frame, or -1. A global function: the verifier
 * checks it once, by itself. Inlined, its chunking (wc_csum_pkt) would multiply the states of
 * every caller by the 2^7 ways a length can end.
 */
__noinline int wc_reflect_sum(struct xdp_md *ctx, __u64 off, __u64 len)
{
	void *data, *end;
	__u64 sum = 0;

	if (!ctx || off > 0x4000 || len > WC_CSUM_PKT_MAX)
		return -1;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (wc_csum_pkt(data + off, (__u32)len, end, &sum) < 0)
		return -1;
	return wc_csum_fold(sum);
}

/*
 * Is a probe's L4 checksum right? psum is the pseudo-header sum (0 for ICMP over IPv4). With
 * partial_ok, the form left by checksum offload on a local sender (field == folded pseudo-header
 * sum, see the top of this file) is accepted as the kernel accepts it. *dsum gets the sum of the
 * L4 bytes without the checksum field, for an answer that reuses them. Returns 1 if right, 0 if
 * wrong, -1 if the message is too long to check (WC_CSUM_PKT_MAX).
 */
static __always_inline int l4_csum_ok(struct xdp_md *ctx, __u32 off, __u32 len, __u64 psum,
				      __u16 field, int partial_ok, __u64 *dsum)
{
	int sum = wc_reflect_sum(ctx, off, len);

	if (sum < 0)
		return -1;
	*dsum = (__u64)sum + (__u16)~field;
	if (wc_csum_fold(psum + sum) == 0xffff)
		return 1;
	return partial_ok && field == wc_csum_fold(psum);
}

/* Malformed when wrong; too long to verify is not a probe we answer. */
static __always_inline int csum_verdict(int ok)
{
	return ok < 0 ? WC_RC_IGNORED : WC_RC_MALFORMED;
}

/* ---- ISN: HalfSipHash-1-3 of the 4-tuple under a key drawn at load ----------------------- */

#define ROTL32(x, b) (__u32)(((x) << (b)) | ((x) >> (32 - (b))))
#define HSIP_ROUND(v0, v1, v2, v3)                                                         \
	do {                                                                               \
		v0 += v1; v1 = ROTL32(v1, 5); v1 ^= v0; v0 = ROTL32(v0, 16);               \
		v2 += v3; v3 = ROTL32(v3, 8); v3 ^= v2;                                    \
		v0 += v3; v3 = ROTL32(v3, 7); v3 ^= v0;                                    \
		v2 += v1; v1 = ROTL32(v1, 13); v1 ^= v2; v2 = ROTL32(v2, 16);              \
	} while (0)

/* n is a compile-time constant at every call site, so the loop unrolls. */
static __always_inline __u32 hsip13(const __u32 *m, const int n)
{
	__u32 v0 = cfg_key[0], v1 = cfg_key[1];
	__u32 v2 = 0x6c796765 ^ cfg_key[0], v3 = 0x74656462 ^ cfg_key[1];
	__u32 b = (__u32)(n * 4) << 24;

#pragma unroll
	for (int i = 0; i < n; i++) {
		v3 ^= m[i];
		HSIP_ROUND(v0, v1, v2, v3);
		v0 ^= m[i];
	}
	v3 ^= b;
	HSIP_ROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	HSIP_ROUND(v0, v1, v2, v3);
	HSIP_ROUND(v0, v1, v2, v3);
	HSIP_ROUND(v0, v1, v2, v3);
	return v1 ^ v3;
}

/* ---- frame surgery ----------------------------------------------------------------------- */

/*
 * Move the first keep bytes of the frame (the L2 header, maybe the L3 header too) by delta:
 * delta > 0 removes the delta bytes that follow them (IPv4 options, IPv6 extension headers);
 * delta < 0 opens -delta bytes of room after them (the headers of an ICMP error). Every packet
 * pointer is invalid afterwards.
 */
static __always_inline int move_head(struct xdp_md *ctx, __u32 keep, int delta)
{
	__u8 buf[64] = {};

	if (keep < ETH_HLEN || keep > sizeof(buf))
		return -1;
	if (bpf_xdp_load_bytes(ctx, 0, buf, keep))
		return -1;
	if (bpf_xdp_adjust_head(ctx, delta))
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, buf, keep))
		return -1;
	return 0;
}

/* Cut the frame to len bytes (Ethernet padding, dropped options, a shorter reply). Never grows.
 * The length is the whole frame's: data_end - data is only the first buffer of a multi-buffer
 * frame (BPF_PROG_RUN hands this program such frames), and a cut computed from it would leave
 * the other buffers' bytes after the answer. */
static __always_inline int set_len(struct xdp_md *ctx, __u32 len)
{
	int cur = (int)bpf_xdp_get_buff_len(ctx);
	int delta = (int)len - cur;

	if (delta > 0)
		return -1;
	if (delta == 0)
		return 0;
	return bpf_xdp_adjust_tail(ctx, delta) ? -1 : 0;
}

/* A fresh 20-byte IPv4 header, checksum summed over the words written. */
static __always_inline void ip4_write(struct iphdr *ip, __u32 saddr, __u32 daddr, __u8 proto,
				      __u16 tot_len, __u8 tos, __u16 frag_be)
{
	__u16 *w = (__u16 *)ip;
	__u64 sum;

	w[0] = bpf_htons(0x4500 | tos);
	w[1] = bpf_htons(tot_len);
	w[2] = 0; /* id: Linux uses 0 for DF datagrams too */
	w[3] = frag_be;
	w[4] = bpf_htons((REPLY_TTL << 8) | proto);
	ip->saddr = saddr;
	ip->daddr = daddr;
	sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
	sum = wc_csum_add32(sum, saddr);
	sum = wc_csum_add32(sum, daddr);
	w[5] = wc_csum_finish(sum);
}

/* A fresh 40-byte IPv6 header (traffic class and flow label 0). */
static __always_inline void ip6_write(struct ipv6hdr *ip6, const __u32 s[4], const __u32 d[4],
				      __u8 proto, __u16 plen, __u8 hop)
{
	*(__u32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(plen);
	ip6->nexthdr = proto;
	ip6->hop_limit = hop;
	__builtin_memcpy(&ip6->saddr, s, 16);
	__builtin_memcpy(&ip6->daddr, d, 16);
}

/* ---- TCP --------------------------------------------------------------------------------- */

struct tcp_ans {
	__u32 seq, ack;  /* network order */
	__u16 sport, dport;
	__u16 offflags;  /* data offset and flags word, network order */
	__u16 window;
	__u16 mss;
	__u8 mss_opt;    /* append an MSS option (4 bytes) */
	__u8 len;        /* 20 or 24 */
};

/* What to answer to this segment: SYN-ACK (seq left for the caller, which has the addresses),
 * RST-ACK, or nothing. Only a plain SYN (no ACK, RST, FIN) is a probe. */
static __always_inline int tcp_decide(struct tcphdr *th, __u32 l4len, __u16 mss, struct tcp_ans *a)
{
	__u8 fl = ((__u8 *)th)[13];
	__u32 seq = bpf_ntohl(th->seq);
	__u32 doff = th->doff;

	if ((fl & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN)
		return WC_RC_IGNORED;
	a->sport = th->dest;
	a->dport = th->source;
	if (port_is_open(tcp_open, bpf_ntohs(th->dest))) {
		/* An MSS option only where the SYN had room for options: the answer never grows. */
		a->mss_opt = doff > 5;
		a->len = a->mss_opt ? 24 : 20;
		a->ack = bpf_htonl(seq + 1);
		a->offflags = bpf_htons(((__u16)(a->len / 4) << 12) | TCP_SYN | TCP_ACK);
		a->window = bpf_htons(65535);
		a->mss = bpf_htons(mss);
		return WC_RC_SYNACK;
	}
	if (!(cfg_flags & WC_RF_RST))
		return WC_RC_IGNORED;
	/* RFC 9293 3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SEG.LEN counts the SYN */
	a->seq = 0;
	a->ack = bpf_htonl(seq + 1 + (l4len - doff * 4));
	a->mss_opt = 0;
	a->len = 20;
	a->offflags = bpf_htons((5 << 12) | TCP_RST | TCP_ACK);
	a->window = 0;
	a->mss = 0;
	return WC_RC_RST;
}

/* Write the answer's TCP header at t; psum is the pseudo-header sum. */
static __always_inline int tcp_write(struct tcphdr *t, void *end, const struct tcp_ans *a, __u64 psum)
{
	__u16 *w = (__u16 *)t;
	__u64 sum = psum;

	if ((void *)(t + 1) > end)
		return -1;
	t->source = a->sport;
	t->dest = a->dport;
	t->seq = a->seq;
	t->ack_seq = a->ack;
	w[6] = a->offflags;
	t->window = a->window;
	t->urg_ptr = 0;
	sum += (__u64)a->sport + a->dport + a->offflags + a->window;
	sum = wc_csum_add32(sum, a->seq);
	sum = wc_csum_add32(sum, a->ack);
	if (a->mss_opt) {
		__u16 *o = (__u16 *)(t + 1);

		if ((void *)(o + 2) > end)
			return -1;
		o[0] = bpf_htons(0x0204); /* kind 2, length 4 */
		o[1] = a->mss;
		sum += (__u64)o[0] + o[1];
	}
	t->check = wc_csum_finish(sum);
	return 0;
}

/* ---- IPv4 -------------------------------------------------------------------------------- */

/* Shared tail of the two echo answers (ICMP and UDP), whose L4 part is already rewritten:
 * swap the addresses, reset the TTL, drop IP options, trim padding. */
static __always_inline int echo4_finish(struct xdp_md *ctx, struct wc_l2 *l2, struct iphdr *iph,
					__u32 l4len, __u32 *newlen, int verdict)
{
	__u32 l2len = l2->len, saddr = iph->saddr, hlen = iph->ihl * 4;
	__u16 *w = (__u16 *)iph;
	__u16 old = w[4], tot = bpf_htons(hlen + l4len);

	swap_mac(l2->eth);
	iph->saddr = iph->daddr;
	iph->daddr = saddr; /* a swap leaves the header sum as it was */
	iph->ttl = REPLY_TTL;
	wc_csum_replace2(&iph->check, old, w[4]);
	if (w[1] != tot) { /* a UDP datagram shorter than the IP payload: the rest is not echoed */
		old = w[1];
		w[1] = tot;
		wc_csum_replace2(&iph->check, old, tot);
	}

	if (hlen > 20) {
		void *data, *end;
		__u64 sum = 0;

		if (hlen > 60 || move_head(ctx, l2len + 20, (int)(hlen - 20)) < 0)
			return WC_RC_ERROR;
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		if (l2len > WC_L2_MAX || data + l2len + 20 > end)
			return WC_RC_ERROR;
		w = data + l2len;
		/* the options are gone: IHL, total length and the sum change, so sum afresh */
		w[0] = (w[0] & bpf_htons(0x00ff)) | bpf_htons(0x4500);
		w[1] = bpf_htons(20 + l4len);
		w[5] = 0;
#pragma unroll
		for (int i = 0; i < 10; i++)
			sum += w[i];
		w[5] = wc_csum_finish(sum);
	}
	*newlen = l2len + 20 + l4len;
	return verdict;
}

static __always_inline int tcp4(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				struct iphdr *iph, __u32 l4len, __u32 *newlen)
{
	__u32 saddr = iph->saddr, daddr = iph->daddr;
	struct tcp_ans a = {};
	struct tcphdr *th;
	__u64 psum, dsum;
	int v, ok;

	if (wc_parse_tcp(c, l4len, &th) < 0)
		return WC_RC_MALFORMED;
	v = tcp_decide(th, l4len, cfg_mss4, &a);
	if (v != WC_RC_SYNACK && v != WC_RC_RST)
		return v;
	psum = wc_csum_add32(wc_csum_add32(0, saddr), daddr);
	psum += bpf_htons(IPPROTO_TCP) + bpf_htons((__u16)l4len);
	ok = l4_csum_ok(ctx, l2->len + iph->ihl * 4, l4len, psum, th->check, 1, &dsum);
	if (ok <= 0)
		return csum_verdict(ok);
	if (v == WC_RC_SYNACK) {
		__u32 m[3] = { saddr, daddr, ((__u32)th->source << 16) | th->dest };

		a.seq = bpf_htonl(hsip13(m, 3));
	}
	/* The answer goes where the probe's IP header was, without options, TCP right after. */
	if ((void *)iph + 20 + sizeof(struct tcphdr) > c->end)
		return WC_RC_ERROR;
	ip4_write(iph, daddr, saddr, IPPROTO_TCP, 20 + a.len, 0, IP_DF_BE);
	psum = wc_csum_add32(wc_csum_add32(0, daddr), saddr);
	psum += bpf_htons(IPPROTO_TCP) + bpf_htons((__u16)a.len);
	if (tcp_write((void *)iph + 20, c->end, &a, psum) < 0)
		return WC_RC_ERROR;
	swap_mac(l2->eth);
	*newlen = l2->len + 20 + a.len;
	return v;
}

/* ICMP port unreachable, quoting the probe's IP header (options too) and 8 bytes: the frame
 * grows by 28 bytes at the front (a new IP and ICMP header) and is cut after the quote. */
static __always_inline int unreach4(struct xdp_md *ctx, struct wc_l2 *l2, struct iphdr *iph,
				    __u32 *newlen)
{
	__u32 l2len = l2->len, saddr = iph->saddr, daddr = iph->daddr;
	__u32 qlen = iph->ihl * 4 + 8;
	__u64 qsum, sum;
	void *data, *end;
	__u16 *w;
	int qs;

	qs = wc_reflect_sum(ctx, l2len, qlen);
	if (qs < 0)
		return WC_RC_ERROR;
	qsum = (__u64)qs;
	swap_mac(l2->eth);
	if (l2len > WC_L2_MAX || move_head(ctx, l2len, -28) < 0)
		return WC_RC_ERROR;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + l2len + 28 > end)
		return WC_RC_ERROR;
	ip4_write(data + l2len, daddr, saddr, IPPROTO_ICMP, 28 + qlen, 0xc0, 0);
	w = data + l2len + 20;
	w[0] = bpf_htons((WC_ICMP_DEST_UNREACH << 8) | WC_ICMP_PORT_UNREACH);
	w[1] = 0;
	w[2] = 0; /* unused */
	w[3] = 0;
	sum = qsum + w[0];
	w[1] = wc_csum_finish(sum);
	*newlen = l2len + 28 + qlen;
	return WC_RC_UNREACH;
}

static __always_inline int udp4(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				struct iphdr *iph, __u32 l4len, __u32 *newlen)
{
	struct udphdr *uh;
	__u16 sport, dport, p;
	__u64 psum, dsum = 0;
	int ok;

	if (wc_parse_udp(c, l4len, &uh) < 0)
		return WC_RC_MALFORMED;
	psum = wc_csum_add32(wc_csum_add32(0, iph->saddr), iph->daddr);
	psum += bpf_htons(IPPROTO_UDP) + uh->len;
	if (uh->check) { /* 0: the sender computed none (RFC 768) */
		ok = l4_csum_ok(ctx, l2->len + iph->ihl * 4, bpf_ntohs(uh->len), psum, uh->check, 1,
				&dsum);
		if (ok <= 0)
			return csum_verdict(ok);
	}
	sport = bpf_ntohs(uh->source);
	dport = bpf_ntohs(uh->dest);
	if (!port_is_open(udp_open, dport)) {
		if (!(cfg_flags & WC_RF_UNREACH))
			return WC_RC_IGNORED;
		return unreach4(ctx, l2, iph, newlen);
	}
	/* Two reflectors facing each other would echo forever: never echo what looks like an
	 * echo (from an open port of ours, or port to same port). */
	if (sport == dport || port_is_open(udp_open, sport))
		return WC_RC_IGNORED;
	p = uh->source;
	uh->source = uh->dest;
	uh->dest = p;
	/* Swaps leave both sums as they were; the probe's own field may be a partial one, so the
	 * answer's is computed from the verified sums, never copied. */
	if (uh->check) {
		__u16 ck = wc_csum_finish(psum + dsum);

		uh->check = ck ? ck : 0xffff; /* 0 would mean "no checksum" */
	}
	return echo4_finish(ctx, l2, iph, bpf_ntohs(uh->len), newlen, WC_RC_UDP_ECHO);
}

static __always_inline int icmp4(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				 struct iphdr *iph, __u32 l4len, __u32 *newlen)
{
	struct wc_icmphdr *ih;
	__u64 dsum;
	__u16 old;
	int ok;

	if (wc_parse_icmp(c, l4len, &ih) < 0)
		return WC_RC_MALFORMED;
	if (ih->type != WC_ICMP_ECHO || ih->code != 0 || !(cfg_flags & WC_RF_ICMP))
		return WC_RC_IGNORED;
	/* ICMP is always summed in software: no partial form to accept */
	ok = l4_csum_ok(ctx, l2->len + iph->ihl * 4, l4len, 0, ih->checksum, 0, &dsum);
	if (ok <= 0)
		return csum_verdict(ok);
	/* the request's checksum is right, so adjusting it for the type change (RFC 1624) makes
	 * the reply's right, at a cost that does not depend on the payload */
	old = *(__u16 *)ih;
	ih->type = WC_ICMP_ECHOREPLY;
	wc_csum_replace2(&ih->checksum, old, *(__u16 *)ih);
	return echo4_finish(ctx, l2, iph, l4len, newlen, WC_RC_ECHO);
}

/* ---- ARP --------------------------------------------------------------------------------- */

static __always_inline int do_arp(struct wc_cursor *c, struct wc_l2 *l2)
{
	struct wc_arp_eth4 *arp;
	__u8 sha[ETH_ALEN];
	__u32 spa, tpa;

	if (wc_parse_arp(c, &arp) < 0)
		return WC_RC_PASS; /* not IPv4 over Ethernet: not ours to judge */
	if (arp->oper != bpf_htons(1))
		return WC_RC_PASS;
	__builtin_memcpy(&tpa, arp->tpa, 4);
	if (!in_hosts4(tpa) || excluded4(tpa))
		return WC_RC_PASS;
	__builtin_memcpy(&spa, arp->spa, 4);
	/* Gratuitous ARP and address probes (RFC 5227) announce or test an address: a host that
	 * owns it would defend it, but answering a probe for a /16 of pretend hosts would only
	 * stop a real host from taking an address. Stay quiet. */
	if (spa == 0 || spa == tpa || !host4_ok(tpa) || (arp->sha[0] & 1))
		return WC_RC_IGNORED;
	__builtin_memcpy(sha, arp->sha, ETH_ALEN);
	arp->oper = bpf_htons(2);
	__builtin_memcpy(arp->tha, sha, ETH_ALEN);
	__builtin_memcpy(arp->tpa, &spa, 4);
	mac_from32(arp->sha, tpa);
	__builtin_memcpy(arp->spa, &tpa, 4);
	__builtin_memcpy(l2->eth->h_dest, sha, ETH_ALEN);
	mac_from32(l2->eth->h_source, tpa);
	return WC_RC_ARP;
}

/* ---- IPv6 -------------------------------------------------------------------------------- */

/* Shared tail of the two echo answers over IPv6: addresses swapped, hop limit reset, extension
 * headers dropped. The upper-layer checksums cover the addresses as a sum: swaps change nothing,
 * and the hop limit and payload length are outside them. */
static __always_inline int echo6_finish(struct xdp_md *ctx, struct wc_l2 *l2, struct wc_ipv6 *p,
					__u32 l4len, __u32 *newlen, int verdict)
{
	struct ipv6hdr *ip6 = p->ip6;
	__u32 l2len = l2->len, s[4];

	swap_mac(l2->eth);
	__builtin_memcpy(s, &ip6->saddr, 16);
	__builtin_memcpy(&ip6->saddr, &ip6->daddr, 16);
	__builtin_memcpy(&ip6->daddr, s, 16);
	ip6->hop_limit = REPLY_TTL;
	ip6->payload_len = bpf_htons(l4len);
	if (p->ext_len) {
		__u8 proto = p->proto;
		void *data, *end;

		if (p->ext_len > MAX_EXT_LEN || move_head(ctx, l2len + 40, (int)p->ext_len) < 0)
			return WC_RC_ERROR;
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		if (l2len > WC_L2_MAX || data + l2len + 40 > end)
			return WC_RC_ERROR;
		ip6 = data + l2len;
		ip6->nexthdr = proto;
	}
	*newlen = l2len + 40 + l4len;
	return verdict;
}

static __always_inline int tcp6(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				struct wc_ipv6 *p, __u32 *newlen)
{
	struct ipv6hdr *ip6 = p->ip6;
	struct tcp_ans a = {};
	struct tcphdr *th;
	__u32 s[4], d[4];
	__u64 psum, dsum;
	int v, ok;

	if (wc_parse_tcp(c, p->l4len, &th) < 0)
		return WC_RC_MALFORMED;
	v = tcp_decide(th, p->l4len, cfg_mss6, &a);
	if (v != WC_RC_SYNACK && v != WC_RC_RST)
		return v;
	__builtin_memcpy(s, &ip6->saddr, 16);
	__builtin_memcpy(d, &ip6->daddr, 16);
	psum = wc_csum_add_in6(wc_csum_add_in6(0, s), d);
	psum += bpf_htons(IPPROTO_TCP) + bpf_htons((__u16)p->l4len);
	ok = l4_csum_ok(ctx, l2->len + 40 + p->ext_len, p->l4len, psum, th->check, 1, &dsum);
	if (ok <= 0)
		return csum_verdict(ok);
	if (v == WC_RC_SYNACK) {
		__u32 m[9] = { s[0], s[1], s[2], s[3], d[0], d[1], d[2], d[3],
			       ((__u32)th->source << 16) | th->dest };

		a.seq = bpf_htonl(hsip13(m, 9));
	}
	if ((void *)ip6 + 40 + sizeof(struct tcphdr) > c->end)
		return WC_RC_ERROR;
	ip6_write(ip6, d, s, IPPROTO_TCP, a.len, REPLY_TTL);
	psum = wc_csum_add_in6(wc_csum_add_in6(0, d), s);
	psum += bpf_htons(IPPROTO_TCP) + bpf_htons((__u16)a.len);
	if (tcp_write((void *)ip6 + 40, c->end, &a, psum) < 0)
		return WC_RC_ERROR;
	swap_mac(l2->eth);
	*newlen = l2->len + 40 + a.len;
	return v;
}

/* ICMPv6 destination unreachable / port unreachable (type 1 code 4), quoting the IPv6 header,
 * its extension headers (at most 64 bytes of them) and 8 bytes: 48 bytes grown at the front. */
#define UNREACH6_MAX_EXT 64
static __always_inline int unreach6(struct xdp_md *ctx, struct wc_l2 *l2, struct wc_ipv6 *p,
				    __u32 *newlen)
{
	struct ipv6hdr *ip6 = p->ip6;
	__u32 l2len = l2->len, ext = p->ext_len, qlen, s[4], d[4];
	__u64 qsum, sum;
	void *data, *end;
	__u16 *w;
	int qs;

	if (ext > UNREACH6_MAX_EXT)
		return WC_RC_IGNORED;
	qlen = 40 + ext + 8;
	qs = wc_reflect_sum(ctx, l2len, qlen);
	if (qs < 0)
		return WC_RC_ERROR;
	qsum = (__u64)qs;
	__builtin_memcpy(s, &ip6->saddr, 16);
	__builtin_memcpy(d, &ip6->daddr, 16);
	swap_mac(l2->eth);
	if (l2len > WC_L2_MAX || move_head(ctx, l2len, -48) < 0)
		return WC_RC_ERROR;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + l2len + 48 > end)
		return WC_RC_ERROR;
	ip6_write(data + l2len, d, s, IPPROTO_ICMPV6, 8 + qlen, REPLY_TTL);
	w = data + l2len + 40;
	w[0] = bpf_htons((ICMPV6_DEST_UNREACH << 8) | ICMPV6_PORT_UNREACH);
	w[1] = 0;
	w[2] = 0; /* unused */
	w[3] = 0;
	sum = wc_csum_add_in6(wc_csum_add_in6(qsum, d), s);
	sum += bpf_htons((__u16)(8 + qlen)) + bpf_htons(IPPROTO_ICMPV6) + w[0];
	w[1] = wc_csum_finish(sum);
	*newlen = l2len + 48 + qlen;
	return WC_RC_UNREACH;
}

static __always_inline int udp6(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				struct wc_ipv6 *p, __u32 *newlen)
{
	struct ipv6hdr *ip6 = p->ip6;
	struct udphdr *uh;
	__u16 sport, dport, tmp, ck;
	__u64 psum, dsum;
	int ok;

	if (wc_parse_udp(c, p->l4len, &uh) < 0)
		return WC_RC_MALFORMED;
	if (uh->check == 0) /* mandatory over IPv6 (RFC 8200 8.1): the stack would drop it */
		return WC_RC_MALFORMED;
	psum = wc_csum_add_in6(wc_csum_add_in6(0, ip6->saddr.in6_u.u6_addr32),
			       ip6->daddr.in6_u.u6_addr32);
	psum += bpf_htons(IPPROTO_UDP) + uh->len;
	ok = l4_csum_ok(ctx, l2->len + 40 + p->ext_len, bpf_ntohs(uh->len), psum, uh->check, 1,
			&dsum);
	if (ok <= 0)
		return csum_verdict(ok);
	sport = bpf_ntohs(uh->source);
	dport = bpf_ntohs(uh->dest);
	if (!port_is_open(udp_open, dport)) {
		if (!(cfg_flags & WC_RF_UNREACH))
			return WC_RC_IGNORED;
		return unreach6(ctx, l2, p, newlen);
	}
	if (sport == dport || port_is_open(udp_open, sport))
		return WC_RC_IGNORED;
	tmp = uh->source;
	uh->source = uh->dest;
	uh->dest = tmp;
	ck = wc_csum_finish(psum + dsum); /* as for IPv4: never copy a possibly partial field */
	uh->check = ck ? ck : 0xffff;
	return echo6_finish(ctx, l2, p, bpf_ntohs(uh->len), newlen, WC_RC_UDP_ECHO);
}

/* Pseudo-header sum of an ICMPv6 message of len bytes in p. */
static __always_inline __u64 icmp6_psum(struct wc_ipv6 *p, __u32 len)
{
	__u64 psum = wc_csum_add_in6(wc_csum_add_in6(0, p->ip6->saddr.in6_u.u6_addr32),
				     p->ip6->daddr.in6_u.u6_addr32);

	return psum + bpf_htons(IPPROTO_ICMPV6) + bpf_htons((__u16)len);
}

static __always_inline int icmp6_echo(struct xdp_md *ctx, struct wc_cursor *c, struct icmp6hdr *ih,
				      struct wc_l2 *l2, struct wc_ipv6 *p, __u32 *newlen)
{
	__u64 dsum;
	__u16 old;
	int ok;

	if (ih->icmp6_type != ICMPV6_ECHO_REQUEST || ih->icmp6_code != 0 ||
	    !(cfg_flags & WC_RF_ICMP))
		return WC_RC_IGNORED;
	ok = l4_csum_ok(ctx, l2->len + 40 + p->ext_len, p->l4len, icmp6_psum(p, p->l4len),
			ih->icmp6_cksum, 0, &dsum);
	if (ok <= 0)
		return csum_verdict(ok);
	old = *(__u16 *)ih;
	ih->icmp6_type = ICMPV6_ECHO_REPLY;
	wc_csum_replace2(&ih->icmp6_cksum, old, *(__u16 *)ih);
	return echo6_finish(ctx, l2, p, p->l4len, newlen, WC_RC_ECHO);
}

/* Neighbour Solicitation for a population address -> Neighbour Advertisement from it. */
static __always_inline int ns6(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
			       struct wc_ipv6 *p, __u32 *newlen)
{
	struct ipv6hdr *ip6 = p->ip6;
	struct wc_nd_msg *ns = c->pos, *na;
	struct wc_nd_opt_lla *opt;
	__u32 t[4], s[4], d[4], icmplen;
	__u16 *w;
	__u64 sum;
	int has_opt, ok;

	if ((void *)(ns + 1) > c->end || p->l4len < sizeof(*ns))
		return WC_RC_MALFORMED;
	__builtin_memcpy(t, ns->target, 16);
	if (!in_hosts6(t) || excluded6(t))
		return WC_RC_PASS;
	ok = l4_csum_ok(ctx, l2->len + 40 + p->ext_len, p->l4len, icmp6_psum(p, p->l4len),
			ns->check, 0, &sum);
	if (ok <= 0)
		return csum_verdict(ok);
	__builtin_memcpy(s, &ip6->saddr, 16);
	__builtin_memcpy(d, &ip6->daddr, 16);
	/* RFC 4861 7.1.1: hop limit 255, code 0. An unspecified source is duplicate address
	 * detection: same reasoning as for ARP probes, stay quiet. */
	if (ns->code != 0 || ip6->hop_limit != 255 || !src6_ok(s) || p->frag)
		return WC_RC_IGNORED;
	/* to the target itself, or to its solicited-node multicast address ff02::1:ffXX:XXXX */
	if (!(d[0] == t[0] && d[1] == t[1] && d[2] == t[2] && d[3] == t[3]) &&
	    !(d[0] == bpf_htonl(0xff020000) && d[1] == 0 && d[2] == bpf_htonl(1) &&
	      (d[3] & bpf_htonl(0xff000000)) == bpf_htonl(0xff000000) &&
	      (d[3] & bpf_htonl(0x00ffffff)) == (t[3] & bpf_htonl(0x00ffffff))))
		return WC_RC_IGNORED;

	/* A target link-layer option needs 8 bytes: take them from the NS's own options so the
	 * answer never grows; a NS without options (unicast NUD) gets an NA without it, which RFC
	 * 4861 7.2.4 allows for unicast solicitations. */
	has_opt = p->l4len >= sizeof(*ns) + 8;
	icmplen = sizeof(*ns) + (has_opt ? 8 : 0);

	ip6_write(ip6, t, s, IPPROTO_ICMPV6, icmplen, 255);
	na = (void *)(ip6 + 1);
	if ((void *)(na + 1) > c->end)
		return WC_RC_ERROR;
	na->type = 136;
	na->code = 0;
	na->check = 0;
	na->flags = bpf_htonl(0x60000000); /* Solicited, Override */
	__builtin_memcpy(na->target, t, 16);
	sum = wc_csum_add_in6(wc_csum_add_in6(0, t), s);
	sum += bpf_htons((__u16)icmplen) + bpf_htons(IPPROTO_ICMPV6);
	sum += bpf_htons(136 << 8);
	sum = wc_csum_add32(sum, na->flags);
	sum = wc_csum_add_in6(sum, t);
	if (has_opt) {
		opt = (void *)(na + 1);
		if ((void *)(opt + 1) > c->end)
			return WC_RC_ERROR;
		opt->type = 2; /* target link-layer address */
		opt->len = 1;
		mac_from32(opt->addr, t[3]);
		w = (__u16 *)opt;
		sum += (__u64)w[0] + w[1] + w[2] + w[3];
	}
	na->check = wc_csum_finish(sum);

	swap_mac(l2->eth); /* h_dest = the solicitor; then our own MAC as the source */
	mac_from32(l2->eth->h_source, t[3]);
	*newlen = l2->len + 40 + icmplen;
	return WC_RC_NDP;
}

/* ---- entry points ------------------------------------------------------------------------ */

/*
 * The handlers run in global functions. The verifier checks a global function once, on its own,
 * instead of once for every path that reaches it; inlined into one function, the three L2
 * lengths (0, 1, 2 VLAN tags) times the IPv6 extension-header walk times every branch of every
 * protocol come close to its budget of a million instructions. The price is small: arguments
 * are plain numbers (L2 length, extension-header length) that each function checks again and
 * turns back into packet pointers, and results come back packed as (answer length << 8) |
 * verdict. Arguments are 64-bit on purpose: a 32-bit one is zero-extended afresh at each use,
 * and the verifier does not carry a range check over to such a copy.
 */
#define PACK(v, len) ((int)((((__u32)(len)) & 0xffff) << 8) | (v))

static __always_inline int l3_start(struct xdp_md *ctx, __u64 l2len, struct wc_cursor *c,
				    struct wc_l2 *l2)
{
	wc_cursor_init(c, ctx);
	if (l2len < ETH_HLEN || l2len > WC_L2_MAX)
		return -1;
	if (c->pos + ETH_HLEN > c->end || c->pos + l2len > c->end)
		return -1;
	l2->eth = c->pos;
	l2->len = l2len;
	c->pos += l2len;
	return 0;
}

/* IPv4 handlers: the dispatcher has validated the IP header; re-walk its framing only. */
#define L4_HANDLER4(name, fn)                                                               \
	__noinline int name(struct xdp_md *ctx, __u64 l2len)                                \
	{                                                                                   \
		struct wc_cursor c;                                                         \
		struct wc_l2 l2;                                                            \
		struct iphdr *iph;                                                          \
		__u32 l4len, newlen = 0;                                                    \
		int v;                                                                      \
                                                                                            \
		if (!ctx || l3_start(ctx, l2len, &c, &l2) < 0 ||                            \
		    wc_parse_ipv4(&c, &iph, &l4len) < 0)                                    \
			return WC_RC_MALFORMED;                                             \
		v = fn(ctx, &c, &l2, iph, l4len, &newlen);                                  \
		return PACK(v, newlen);                                                     \
	}
L4_HANDLER4(wc_reflect_tcp4, tcp4)
L4_HANDLER4(wc_reflect_udp4, udp4)
L4_HANDLER4(wc_reflect_icmp4, icmp4)

/* IPv6 handlers: the dispatcher has walked the extension headers; ext_len says how far. */
static __always_inline int l4_start6(struct xdp_md *ctx, __u64 l2len, __u64 ext_len, __u8 proto,
				     struct wc_cursor *c, struct wc_l2 *l2, struct wc_ipv6 *p)
{
	struct ipv6hdr *ip6;
	__u32 plen;

	if (!ctx || l3_start(ctx, l2len, c, l2) < 0 || ext_len > MAX_EXT_LEN)
		return -1;
	ip6 = c->pos;
	if ((void *)(ip6 + 1) > c->end)
		return -1;
	plen = bpf_ntohs(ip6->payload_len);
	if (ext_len > plen || (void *)(ip6 + 1) + plen > c->end)
		return -1;
	p->ip6 = ip6;
	p->ext_len = ext_len;
	p->l4len = plen - ext_len;
	p->proto = proto;
	p->frag = 0;
	c->pos = (void *)(ip6 + 1) + ext_len;
	return 0;
}

#define L4_HANDLER6(name, proto, call)                                                      \
	__noinline int name(struct xdp_md *ctx, __u64 l2len, __u64 ext_len)                 \
	{                                                                                   \
		struct wc_cursor c;                                                         \
		struct wc_l2 l2;                                                            \
		struct wc_ipv6 p;                                                           \
		__u32 newlen = 0;                                                           \
		int v;                                                                      \
                                                                                            \
		if (l4_start6(ctx, l2len, ext_len, proto, &c, &l2, &p) < 0)                 \
			return WC_RC_MALFORMED;                                             \
		v = call;                                                                   \
		return PACK(v, newlen);                                                     \
	}
L4_HANDLER6(wc_reflect_tcp6, IPPROTO_TCP, tcp6(ctx, &c, &l2, &p, &newlen))
L4_HANDLER6(wc_reflect_udp6, IPPROTO_UDP, udp6(ctx, &c, &l2, &p, &newlen))
L4_HANDLER6(wc_reflect_ns6, IPPROTO_ICMPV6, ns6(ctx, &c, &l2, &p, &newlen))

static __always_inline int icmp6_start(struct xdp_md *ctx, struct wc_cursor *c, struct wc_l2 *l2,
				       struct wc_ipv6 *p, __u32 *newlen)
{
	struct icmp6hdr *ih;

	if (wc_parse_icmp6(c, p->l4len, &ih) < 0)
		return WC_RC_MALFORMED;
	return icmp6_echo(ctx, c, ih, l2, p, newlen);
}
L4_HANDLER6(wc_reflect_icmp6, IPPROTO_ICMPV6, icmp6_start(ctx, &c, &l2, &p, &newlen))

/* IPv4: is this frame for the population, and a well-formed, unfragmented datagram? */
__noinline int wc_reflect_ip4(struct xdp_md *ctx, __u64 l2len)
{
	struct wc_cursor c;
	struct wc_l2 l2;
	struct iphdr *iph;
	__u32 l4len;

	if (!ctx || l3_start(ctx, l2len, &c, &l2) < 0)
		return WC_RC_MALFORMED;
	if (wc_parse_ipv4(&c, &iph, &l4len) < 0)
		return WC_RC_MALFORMED;
	if (!in_hosts4(iph->daddr) || excluded4(iph->daddr))
		return WC_RC_PASS;
	if (!host4_ok(iph->daddr) || !src4_ok(iph->saddr) || (l2.eth->h_dest[0] & 1))
		return WC_RC_IGNORED;
	if (!wc_ipv4_csum_ok(iph, c.end))
		return WC_RC_MALFORMED;
	if (iph->frag_off & bpf_htons(0x3fff)) /* MF or a fragment offset */
		return WC_RC_IGNORED;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		return wc_reflect_tcp4(ctx, l2len);
	case IPPROTO_UDP:
		return wc_reflect_udp4(ctx, l2len);
	case IPPROTO_ICMP:
		return wc_reflect_icmp4(ctx, l2len);
	}
	return WC_RC_IGNORED;
}

/* IPv6: the same, plus neighbour solicitations, which are addressed to a multicast group and
 * name the population address inside. */
__noinline int wc_reflect_ip6(struct xdp_md *ctx, __u64 l2len)
{
	struct wc_cursor c;
	struct wc_l2 l2;
	struct wc_ipv6 p;
	__u32 d[4], s[4];

	if (!ctx || l3_start(ctx, l2len, &c, &l2) < 0)
		return WC_RC_MALFORMED;
	if (wc_parse_ipv6(ctx, &c, &p) < 0)
		return WC_RC_MALFORMED;
	if (!(cfg_flags & WC_RF_HOSTS6))
		return WC_RC_PASS;
	if (p.ext_len > MAX_EXT_LEN)
		return WC_RC_IGNORED;
	if (p.proto == IPPROTO_ICMPV6) {
		struct icmp6hdr *ih = c.pos;

		if ((void *)(ih + 1) > c.end)
			return WC_RC_MALFORMED;
		if (ih->icmp6_type == 135)
			return p.frag ? WC_RC_IGNORED : wc_reflect_ns6(ctx, l2len, p.ext_len);
	}
	__builtin_memcpy(d, &p.ip6->daddr, 16);
	if (!in_hosts6(d) || excluded6(d))
		return WC_RC_PASS;
	__builtin_memcpy(s, &p.ip6->saddr, 16);
	if (!src6_ok(s) || (l2.eth->h_dest[0] & 1) || p.frag)
		return WC_RC_IGNORED;
	switch (p.proto) {
	case IPPROTO_TCP:
		return wc_reflect_tcp6(ctx, l2len, p.ext_len);
	case IPPROTO_UDP:
		return wc_reflect_udp6(ctx, l2len, p.ext_len);
	case IPPROTO_ICMPV6:
		return wc_reflect_icmp6(ctx, l2len, p.ext_len);
	}
	return WC_RC_IGNORED;
}

static __always_inline void count(__u32 idx)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &idx);

	if (n)
		*n += 1;
}

SEC("xdp")
int wc_reflect(struct xdp_md *ctx)
{
	struct wc_cursor c;
	struct wc_l2 l2;
	__u32 newlen = 0;
	int v;

	wc_cursor_init(&c, ctx);
	if (wc_parse_l2(&c, &l2) < 0) {
		v = WC_RC_MALFORMED;
		goto out;
	}
	if (l2.eth->h_source[0] & 1) { /* a multicast source is never a sender to answer */
		v = WC_RC_PASS;
		goto out;
	}
	switch (l2.proto) {
	case ETH_P_ARP:
		v = do_arp(&c, &l2);
		break;
	case ETH_P_IP:
		v = wc_reflect_ip4(ctx, l2.len);
		newlen = (__u32)v >> 8;
		v &= 0xff;
		break;
	case ETH_P_IPV6:
		v = wc_reflect_ip6(ctx, l2.len);
		newlen = (__u32)v >> 8;
		v &= 0xff;
		break;
	default:
		v = WC_RC_PASS;
	}
	if (v >= WC_RC__MAX)
		v = WC_RC_ERROR;
	if (v >= WC_RC_ARP && v < WC_RC_ERROR && newlen && set_len(ctx, newlen) < 0)
		v = WC_RC_ERROR;
out:
	count(v);
	switch (v) {
	case WC_RC_PASS:
	case WC_RC_IGNORED:
	case WC_RC_MALFORMED:
		return XDP_PASS;
	case WC_RC_ERROR:
		return XDP_DROP; /* the frame may be half rewritten: never let it reach the stack */
	}
	return XDP_TX;
}

/*
 * For the other end of a veth pair. A veth hands XDP_TX'd (and redirected) frames to its peer
 * only when the peer runs NAPI, which it does when it has an XDP program of its own or GRO on.
 * Attaching this one to the peer is the lightest way:
 *     ip link set dev PEER xdpdrv object build/bpf/reflect.bpf.o program wc_pass
 * user/xdp.c does not load it.
 */
SEC("xdp")
int wc_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
