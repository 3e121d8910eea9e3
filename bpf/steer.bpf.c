// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * wirecraft reply steering: runs on the interface while wirecraft waits for answers to its
 * probes. Each frame is parsed (Ethernet, up to two VLAN tags, ARP, IPv4 with options, IPv6 with
 * extension headers, TCP, UDP, ICMP, ICMPv6, and the IP header plus 8 bytes an ICMP error quotes)
 * and judged:
 *
 *   an answer to one of our probes   -> bpf_redirect_map() to the AF_XDP socket of its rx queue
 *                                       (the kernel never sees it: no RST for our half-open
 *                                       SYNs), with the receive time in the frame's metadata
 *                                       (or, WC_SF_HEAD_STAMP, pushed in front of the frame)
 *   anything else                    -> XDP_PASS, untouched: the host keeps working
 *
 * An answer is recognised by the probe cookie (bpf/cookie.h: stateless, keyed per run, carried
 * in the TCP seq/ack, the UDP source port or the ICMP echo id/seq and echoed back by the target)
 * or, for probes whose fields the user pinned, by an entry userspace put in the `expect` map
 * before sending the probe. What to look for is in read-only globals set before load, so the
 * verifier prunes the rest.
 *
 * With WC_SF_COPY (`--pass-replies`) an answer is copied into the `copies` ring buffer and passed
 * to the kernel as well: one frame gets one verdict, so "redirect and also pass" can only be a
 * copy. The kernel then answers SYN-ACKs to our probes with RSTs, as it would for Scapy.
 *
 * A frame that is ours but carries a wrong IPv4 header checksum is dropped (the kernel would drop
 * it too, and userspace should not pair it). Nothing else is ever dropped.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "parse.h"
#include "cookie.h"
#include "wirecraft/steer.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* In a libxdp dispatcher (user/xdp_attach.c): first, before the default priority 50, so that
 * our answers are taken before another program can drop them; every frame that is not one
 * (XDP_PASS) goes on to the next program. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(wc_steer);

/* ---- configuration: read-only, set by user/steer.c before load ---------------------------- */

const volatile __u32 cfg_flags = 0;     /* WC_SF_* */
const volatile __u64 cfg_key0 = 0;      /* cookie key */
const volatile __u64 cfg_key1 = 0;
const volatile __u32 cfg_sport_lo = 0;  /* UDP cookie ports: [lo, lo + n) */
const volatile __u32 cfg_sport_n = 1;
const volatile __u32 cfg_tcp_extra = 0; /* largest TCP probe payload */
/* Tracing (user/trace.c): the low bits of the TCP seq and echo id:seq cookies carry the probe's
 * TTL, so only the bits above this mask are the cookie. 0: the whole word. */
const volatile __u32 cfg_trace_mask = 0;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64); /* rx queues */
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* Expected replies: the keys of probes sent (userspace sets max_entries before load). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct wc_steer_key);
	__type(value, __u8);
} expect SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WC_SC__MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* WC_SF_COPY: frames copied for userspace (size set by userspace before load). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} copies SEC(".maps");

#define TCP_ACK_FLAG 0x10

#define ANY_COOKIE (WC_SF_TCP_SEQ | WC_SF_TCP_ACK | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6)

/* ---- the two ends of an exchange, seen from the probe ------------------------------------ */

/* A reply goes theirs -> ours; the probe it answers (or the one an ICMP error quotes) went
 * ours -> theirs. Everything below is computed in the probe's direction. */
struct flow {
	__u32 ours[4];
	__u32 theirs[4];
	__u8 fam; /* 4 or 6 */
};

/* A global function, verified once on its own: inlined, the SipHash rounds were verified
 * again at every judge that computes a cookie, on every path to it (most of the IPv6 half's
 * verification time). */
__noinline __u32 wc_steer_cookie(const struct flow *f, __u64 proto, __u64 ourp, __u64 theirp)
{
	struct wc_cookie_key k = { cfg_key0, cfg_key1 };
	__u64 c;

	if (!f)
		return 0;
	if (f->fam == 4)
		c = wc_cookie4(&k, f->ours[0], f->theirs[0], proto, ourp, theirp);
	else
		c = wc_cookie6(&k, f->ours, f->theirs, proto, ourp, theirp);
	return wc_cookie32(c);
}

static __always_inline __u32 cookie_of(const struct flow *f, __u8 proto, __u16 ourp, __u16 theirp)
{
	return wc_steer_cookie(f, proto, ourp, theirp);
}

static __always_inline int lookup(const struct flow *f, __u8 kind, __u8 proto, __u16 px, __u16 py)
{
	struct wc_steer_key key;

	wc_steer_key_make(&key, kind, proto, f->fam, f->ours, px, f->theirs, py);
	return bpf_map_lookup_elem(&expect, &key) ? WC_SC_MAP : WC_SC_NO_ENTRY;
}

/* The map decides what the cookie did not claim, when it is on too (a set that mixes probes
 * with and without room for a cookie); a miss there leaves the cookie's verdict. */
static __always_inline int or_map(int cookie_verdict, const struct flow *f, __u8 kind, __u8 proto,
				  __u16 px, __u16 py)
{
	if (cookie_verdict == WC_SC_COOKIE || !(cfg_flags & WC_SF_MAP))
		return cookie_verdict;
	return lookup(f, kind, proto, px, py) == WC_SC_MAP ? WC_SC_MAP : cookie_verdict;
}

/* ---- TCP, UDP, ICMP: one judge each, for replies and for quoted probes -------------------- */

/*
 * TCP. A reply: ourp/theirp are its dport/sport, seq/ack its own; the cookie was in the probe's
 * seq (acknowledged: ack - C in [0, 2 + payload]) or in its ack (a RST takes seq = that ack).
 * A quoted probe: its own seq (only the first 8 bytes are quoted, so an ack cookie can't be seen).
 */
static __always_inline int judge_tcp(const struct flow *f, __u16 ourp, __u16 theirp, __u32 seq,
				     __u32 ack, int has_ack, int quoted)
{
	int v = WC_SC_PASS;

	if (cfg_flags & (WC_SF_TCP_SEQ | WC_SF_TCP_ACK)) {
		/* tracing: the reply's ack window covers the TTL bits (cfg_tcp_extra) */
		__u32 c = cookie_of(f, IPPROTO_TCP, ourp, theirp) & ~cfg_trace_mask;

		v = WC_SC_BAD_COOKIE;
		if (quoted) {
			if ((cfg_flags & WC_SF_TCP_SEQ) && seq - c <= cfg_trace_mask)
				v = WC_SC_COOKIE;
		} else {
			if ((cfg_flags & WC_SF_TCP_SEQ) && has_ack &&
			    wc_cookie_ack_ok(ack, c, cfg_tcp_extra))
				v = WC_SC_COOKIE;
			if ((cfg_flags & WC_SF_TCP_ACK) && (__u32)(seq - c) <= 2)
				v = WC_SC_COOKIE;
		}
	} else if (cfg_flags & WC_SF_MAP) {
		return lookup(f, WC_SK_TCP, IPPROTO_TCP, ourp, theirp);
	}
	return or_map(v, f, WC_SK_TCP, IPPROTO_TCP, ourp, theirp);
}

/* UDP: the cookie chose our port from the range; a port outside it is not ours. */
static __always_inline int judge_udp(const struct flow *f, __u16 ourp, __u16 theirp)
{
	int v = WC_SC_PASS;

	if ((cfg_flags & WC_SF_UDP) && (__u32)(ourp - cfg_sport_lo) < cfg_sport_n) {
		__u32 c = cookie_of(f, IPPROTO_UDP, 0, theirp);

		v = ourp == wc_cookie_sport(c, cfg_sport_lo, cfg_sport_n) ? WC_SC_COOKIE
									   : WC_SC_BAD_COOKIE;
	} else if (cfg_flags & WC_SF_MAP) {
		return lookup(f, WC_SK_UDP, IPPROTO_UDP, ourp, theirp);
	}
	return or_map(v, f, WC_SK_UDP, IPPROTO_UDP, ourp, theirp);
}

/* ICMP / ICMPv6 with id and seq (echo and its kin): id:seq is the cookie when `cookie` says the
 * probes carry one (only echo does). id and seq are host order. */
static __always_inline int judge_icmp(const struct flow *f, __u8 proto, __u8 kind, int cookie,
				      __u16 id, __u16 seq)
{
	int v = WC_SC_PASS;

	if (cookie) {
		__u32 c = cookie_of(f, proto, 0, 0) & ~cfg_trace_mask;

		v = (((__u32)id << 16) | seq) - c <= cfg_trace_mask ? WC_SC_COOKIE : WC_SC_BAD_COOKIE;
	} else if (cfg_flags & WC_SF_MAP) {
		return lookup(f, kind, proto, id, seq);
	}
	return or_map(v, f, kind, proto, id, seq);
}

/* Any other IP protocol: only the map knows. */
static __always_inline int judge_ip(const struct flow *f, __u8 proto)
{
	if (!(cfg_flags & WC_SF_MAP))
		return WC_SC_PASS;
	return lookup(f, WC_SK_IP, proto, 0, 0);
}

/* The probe's L4 header as quoted (8 bytes at l4, already bounds-checked by the caller): TCP
 * and UDP ports first, then the TCP seq; ICMP type, code, checksum, then id and seq. */
static __always_inline int judge_quoted_l4(const struct flow *f, __u8 proto, __u8 *l4)
{
	__u16 sport = ((__u16)l4[0] << 8) | l4[1];
	__u16 dport = ((__u16)l4[2] << 8) | l4[3];
	__u32 seq = ((__u32)l4[4] << 24) | ((__u32)l4[5] << 16) | ((__u32)l4[6] << 8) | l4[7];

	switch (proto) {
	case IPPROTO_TCP:
		return judge_tcp(f, sport, dport, seq, 0, 0, 1);
	case IPPROTO_UDP:
		return judge_udp(f, sport, dport);
	case IPPROTO_ICMP:
		/* requests with id and seq: echo, timestamp, information, address mask */
		if (l4[0] == 8 || l4[0] == 13 || l4[0] == 15 || l4[0] == 17)
			return judge_icmp(f, IPPROTO_ICMP, WC_SK_ICMP,
					  (cfg_flags & WC_SF_ICMP) && l4[0] == 8, seq >> 16, seq & 0xffff);
		return judge_ip(f, proto);
	case IPPROTO_ICMPV6:
		if (l4[0] == ICMPV6_ECHO_REQUEST)
			return judge_icmp(f, IPPROTO_ICMPV6, WC_SK_ICMP6, cfg_flags & WC_SF_ICMP6,
					  seq >> 16, seq & 0xffff);
		return judge_ip(f, proto);
	}
	return judge_ip(f, proto);
}

/* ---- IPv4 ------------------------------------------------------------------------------- */

/* The datagram an ICMP error quotes: its IP header (options too) and 8 bytes. Only its own
 * header has to be inside the frame: its total length is the original one, longer than the
 * quote, so wc_parse_ipv4 (which insists on it) does not apply. */
static __always_inline int quoted4(struct wc_cursor *c)
{
	struct iphdr *q = c->pos;
	struct flow f = { .fam = 4 };
	__u8 *l4;

	if ((void *)(q + 1) > c->end)
		return WC_SC_MALFORMED;
	if (q->version != 4 || q->ihl < 5)
		return WC_SC_MALFORMED;
	l4 = (__u8 *)q + q->ihl * 4;
	if ((void *)(l4 + 8) > c->end)
		return WC_SC_MALFORMED;
	if (q->frag_off & bpf_htons(0x1fff))
		return WC_SC_FRAGMENT;
	f.ours[0] = q->saddr;
	f.theirs[0] = q->daddr;
	return judge_quoted_l4(&f, q->protocol, l4);
}

static __always_inline int icmp4(struct wc_cursor *c, __u32 l4len, const struct flow *f)
{
	struct wc_icmphdr *ih;
	__u32 rest;

	if (wc_parse_icmp(c, l4len, &ih) < 0)
		return WC_SC_MALFORMED;
	rest = bpf_ntohl(ih->rest);
	switch (ih->type) {
	case 0: /* echo reply */
		return judge_icmp(f, IPPROTO_ICMP, WC_SK_ICMP, cfg_flags & WC_SF_ICMP, rest >> 16,
				  rest & 0xffff);
	case 14: /* timestamp, information, address mask replies */
	case 16:
	case 18:
		return judge_icmp(f, IPPROTO_ICMP, WC_SK_ICMP, 0, rest >> 16, rest & 0xffff);
	case 3:  /* destination unreachable */
	case 4:  /* source quench */
	case 5:  /* redirect */
	case 11: /* time exceeded */
	case 12: /* parameter problem */
		return quoted4(c);
	}
	return judge_ip(f, IPPROTO_ICMP);
}

__noinline int wc_steer_ip4(struct xdp_md *ctx, __u64 l2len)
{
	struct wc_cursor c;
	struct iphdr *iph;
	struct tcphdr *th;
	struct udphdr *uh;
	struct flow f = { .fam = 4 };
	__u32 l4len;
	int v;

	if (!ctx || l2len < ETH_HLEN || l2len > WC_L2_MAX)
		return WC_SC_MALFORMED;
	wc_cursor_init(&c, ctx);
	c.pos += l2len;
	if (wc_parse_ipv4(&c, &iph, &l4len) < 0)
		return WC_SC_MALFORMED;
	if (iph->frag_off & bpf_htons(0x1fff))
		return WC_SC_FRAGMENT;
	f.ours[0] = iph->daddr;
	f.theirs[0] = iph->saddr;
	switch (iph->protocol) {
	case IPPROTO_TCP:
		if (wc_parse_tcp(&c, l4len, &th) < 0)
			return WC_SC_MALFORMED;
		v = judge_tcp(&f, bpf_ntohs(th->dest), bpf_ntohs(th->source), bpf_ntohl(th->seq),
			      bpf_ntohl(th->ack_seq), ((__u8 *)th)[13] & TCP_ACK_FLAG, 0);
		break;
	case IPPROTO_UDP:
		if (wc_parse_udp(&c, l4len, &uh) < 0)
			return WC_SC_MALFORMED;
		v = judge_udp(&f, bpf_ntohs(uh->dest), bpf_ntohs(uh->source));
		break;
	case IPPROTO_ICMP:
		v = icmp4(&c, l4len, &f);
		break;
	default:
		v = judge_ip(&f, iph->protocol);
	}
	if ((v == WC_SC_COOKIE || v == WC_SC_MAP) && !wc_ipv4_csum_ok(iph, c.end))
		return WC_SC_DROP_IPCSUM;
	return v;
}

/* ---- IPv6 ------------------------------------------------------------------------------- */

/*
 * Why the IPv6 paths end in global functions (__noinline, not static: the verifier checks those
 * once, on their own, instead of inline at every call). Each kind of extension header leaves the
 * cursor at its own range of offsets, so the paths through an unrolled walk of WC_MAX_EXTHDRS
 * headers never merge, and everything after the walk was verified again for every one of them:
 * half a million instructions and a third of a second of load time before every scan or sr.
 * After a walk, only offsets (plain numbers) go on, and the path count stops multiplying.
 */

/* Bound on an offset handed to the functions below. An XDP frame's linear part is at most a
 * page; the verifier wants offset + header size <= 0xffff before it trusts a bounds check. */
#define WC_OFF_MAX 0x3fff

/* The quoted probe's L4 header, 8 bytes at l4off; its IPv6 header at qoff (offsets from the
 * frame's start). Arguments are 64-bit: a 32-bit one is widened in a copy of the register
 * that the bounds check did not see, and the verifier then refuses the access. */
__noinline int wc_steer_quoted6_l4(struct xdp_md *ctx, __u64 qoff, __u64 l4off, __u64 nh)
{
	void *data, *end;
	struct ipv6hdr *q;
	__u8 *l4;
	struct flow f = { .fam = 6 };

	/* one test per variable, with a barrier between them: clang otherwise merges the two
	 * into (qoff | l4off) > WC_OFF_MAX, which leaves the verifier without a bound on either */
	if (!ctx || qoff > WC_OFF_MAX)
		return WC_SC_MALFORMED;
	barrier_var(l4off);
	if (l4off > WC_OFF_MAX)
		return WC_SC_MALFORMED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	q = data + qoff;
	l4 = data + l4off;
	if ((void *)(q + 1) > end || (void *)(l4 + 8) > end)
		return WC_SC_MALFORMED;
	__builtin_memcpy(f.ours, &q->saddr, 16);
	__builtin_memcpy(f.theirs, &q->daddr, 16);
	return judge_quoted_l4(&f, nh, l4);
}

/* The quoted IPv6 datagram: fixed header, up to WC_MAX_EXTHDRS extension headers, 8 bytes. As
 * for IPv4, its payload length is the original's and is not checked against the frame. */
static __always_inline int quoted6(struct xdp_md *ctx, struct wc_cursor *c)
{
	struct ipv6hdr *q = c->pos;
	void *data = (void *)(long)ctx->data;
	__u8 *pos, nh;

	if ((void *)(q + 1) > c->end)
		return WC_SC_MALFORMED;
	if (q->version != 6)
		return WC_SC_MALFORMED;
	nh = q->nexthdr;
	pos = (__u8 *)(q + 1);
#pragma unroll
	for (int i = 0; i < WC_MAX_EXTHDRS; i++) {
		__u32 len;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
		    nh != IPPROTO_FRAGMENT && nh != IPPROTO_AH)
			break;
		if ((void *)(pos + 8) > c->end)
			return WC_SC_MALFORMED;
		if (nh == IPPROTO_FRAGMENT) {
			if ((pos[2] << 8 | pos[3]) & 0xfff8) /* not the first fragment */
				return WC_SC_FRAGMENT;
			len = 8;
		} else if (nh == IPPROTO_AH) {
			len = ((__u32)pos[1] + 2) * 4;
		} else {
			len = ((__u32)pos[1] + 1) * 8;
		}
		nh = pos[0];
		pos += len;
	}
	if ((void *)(pos + 8) > c->end)
		return WC_SC_MALFORMED;
	return wc_steer_quoted6_l4(ctx, (void *)q - data, (void *)pos - data, nh);
}

/* Neighbour Advertisement: the map entry of a Neighbour Solicitation for the same target. */
static __always_inline int na6(struct wc_cursor *c, __u32 l4len)
{
	struct wc_nd_msg *na = c->pos;
	struct flow t = { .fam = 6 };

	if (!(cfg_flags & WC_SF_MAP))
		return WC_SC_PASS;
	if ((void *)(na + 1) > c->end || l4len < sizeof(*na))
		return WC_SC_MALFORMED;
	__builtin_memcpy(t.ours, na->target, 16);
	return lookup(&t, WC_SK_ND, 0, 0, 0);
}

static __always_inline int icmp6(struct xdp_md *ctx, struct wc_cursor *c, __u32 l4len,
				 const struct flow *f)
{
	struct icmp6hdr *ih = c->pos;

	if ((void *)(ih + 1) > c->end || l4len < sizeof(*ih))
		return WC_SC_MALFORMED;
	switch (ih->icmp6_type) {
	case ICMPV6_ECHO_REPLY:
		return judge_icmp(f, IPPROTO_ICMPV6, WC_SK_ICMP6, cfg_flags & WC_SF_ICMP6,
				  bpf_ntohs(ih->icmp6_identifier), bpf_ntohs(ih->icmp6_sequence));
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_PKT_TOOBIG:
	case ICMPV6_TIME_EXCEED:
	case ICMPV6_PARAMPROB:
		c->pos = ih + 1;
		return quoted6(ctx, c);
	case 136:
		return na6(c, l4len);
	}
	return judge_ip(f, IPPROTO_ICMPV6);
}

/* Everything from the upper-layer header on: l3off is the IPv6 header's offset, l4off the
 * upper-layer header's, l4len its length (payload length less extension headers). */
__noinline int wc_steer_ip6_l4(struct xdp_md *ctx, __u64 l3off, __u64 l4off, __u64 proto,
			       __u64 l4len)
{
	struct wc_cursor c;
	struct ipv6hdr *ip6;
	struct tcphdr *th;
	struct udphdr *uh;
	struct flow f = { .fam = 6 };

	/* see wc_steer_quoted6_l4 for the barrier; l4len is only compared, never added */
	if (!ctx || l3off > WC_L2_MAX)
		return WC_SC_MALFORMED;
	barrier_var(l4off);
	if (l4off > WC_OFF_MAX)
		return WC_SC_MALFORMED;
	wc_cursor_init(&c, ctx);
	ip6 = c.pos + l3off;
	if ((void *)(ip6 + 1) > c.end)
		return WC_SC_MALFORMED;
	__builtin_memcpy(f.ours, &ip6->daddr, 16);
	__builtin_memcpy(f.theirs, &ip6->saddr, 16);
	c.pos += l4off;
	switch (proto) {
	case IPPROTO_TCP:
		if (wc_parse_tcp(&c, l4len, &th) < 0)
			return WC_SC_MALFORMED;
		return judge_tcp(&f, bpf_ntohs(th->dest), bpf_ntohs(th->source), bpf_ntohl(th->seq),
				 bpf_ntohl(th->ack_seq), ((__u8 *)th)[13] & TCP_ACK_FLAG, 0);
	case IPPROTO_UDP:
		if (wc_parse_udp(&c, l4len, &uh) < 0)
			return WC_SC_MALFORMED;
		return judge_udp(&f, bpf_ntohs(uh->dest), bpf_ntohs(uh->source));
	case IPPROTO_ICMPV6:
		return icmp6(ctx, &c, l4len, &f);
	}
	return judge_ip(&f, proto);
}

__noinline int wc_steer_ip6(struct xdp_md *ctx, __u64 l2len)
{
	struct wc_cursor c;
	struct wc_ipv6 p;

	if (!ctx || l2len < ETH_HLEN || l2len > WC_L2_MAX)
		return WC_SC_MALFORMED;
	wc_cursor_init(&c, ctx);
	c.pos += l2len;
	if (wc_parse_ipv6(ctx, &c, &p) < 0)
		return WC_SC_MALFORMED;
	if (p.frag)
		return WC_SC_FRAGMENT;
	return wc_steer_ip6_l4(ctx, l2len, l2len + sizeof(struct ipv6hdr) + p.ext_len, p.proto,
			       p.l4len);
}

/* ---- ARP ---------------------------------------------------------------------------------- */

static __always_inline int arp(struct wc_cursor *c)
{
	struct wc_arp_eth4 *a;
	struct flow f = { .fam = 4 };

	if (!(cfg_flags & WC_SF_MAP))
		return WC_SC_PASS;
	if (wc_parse_arp(c, &a) < 0)
		return WC_SC_PASS; /* not IPv4 over Ethernet: never ours */
	if (a->oper != bpf_htons(2))
		return WC_SC_PASS;
	__builtin_memcpy(f.ours, a->tpa, 4);
	__builtin_memcpy(f.theirs, a->spa, 4);
	return lookup(&f, WC_SK_ARP, 0, 0, 0);
}

/* ---- delivery ---------------------------------------------------------------------------- */

static __always_inline void count(__u32 idx)
{
	__u64 *n = bpf_map_lookup_elem(&counters, &idx);

	if (n)
		*n += 1;
}

/* WC_SF_COPY: the frame (its first WC_STEER_COPY_MAX bytes) into the ring buffer. */
static __always_inline int copy_out(struct xdp_md *ctx)
{
	struct wc_steer_copy *rec;
	/* 64 bits: a 32-bit length lives in a register whose upper half the verifier can't vouch
	 * for, and clang hands that register to the helper */
	__u64 len = (__u64)ctx->data_end - (__u64)ctx->data;

	rec = bpf_ringbuf_reserve(&copies, sizeof(*rec), 0);
	if (!rec)
		return -1;
	rec->ts_ns = bpf_ktime_get_ns();
	rec->wirelen = bpf_xdp_get_buff_len(ctx);
	if (len > WC_STEER_COPY_MAX)
		len = WC_STEER_COPY_MAX;
	if (len < 1 || len > WC_STEER_COPY_MAX || bpf_xdp_load_bytes(ctx, 0, rec->data, len)) {
		bpf_ringbuf_discard(rec, 0);
		return -1;
	}
	rec->len = len;
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

/* Receive time and queue in the metadata area, for userspace to find in front of the frame. A
 * driver without metadata support refuses the adjustment: the frame goes without it. */
static __always_inline void stamp(struct xdp_md *ctx)
{
	struct wc_steer_meta *m;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return;
	m = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(m + 1) > data)
		return;
	m->ts_ns = bpf_ktime_get_ns();
	m->magic = WC_STEER_META_MAGIC;
	m->queue = ctx->rx_queue_index;
}

/* WC_SF_HEAD_STAMP, where the kernel refuses the metadata helper: the same record pushed in
 * front of the frame as part of its data, for userspace to take off. Returns whether it is
 * there (no headroom: the frame goes without it). */
static __always_inline int stamp_head(struct xdp_md *ctx)
{
	struct wc_steer_meta *m;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(*m)))
		return 0;
	m = (void *)(long)ctx->data;
	if ((void *)(m + 1) > (void *)(long)ctx->data_end) {
		bpf_xdp_adjust_head(ctx, (int)sizeof(*m));
		return 0;
	}
	m->ts_ns = bpf_ktime_get_ns();
	m->magic = WC_STEER_META_MAGIC;
	m->queue = ctx->rx_queue_index;
	return 1;
}

SEC("xdp")
int wc_steer(struct xdp_md *ctx)
{
	struct wc_cursor c;
	struct wc_l2 l2;
	int v;

	wc_cursor_init(&c, ctx);
	if (wc_parse_l2(&c, &l2) < 0) {
		v = WC_SC_MALFORMED;
	} else {
		switch (l2.proto) {
		case ETH_P_ARP:
			v = arp(&c);
			break;
		case ETH_P_IP:
			v = cfg_flags & WC_SF_NO_IP4 ? WC_SC_PASS : wc_steer_ip4(ctx, l2.len);
			break;
		case ETH_P_IPV6:
			v = cfg_flags & WC_SF_NO_IP6 ? WC_SC_PASS : wc_steer_ip6(ctx, l2.len);
			break;
		default:
			v = WC_SC_PASS;
		}
	}
	if (v == WC_SC_COOKIE || v == WC_SC_MAP) {
		if (cfg_flags & WC_SF_COPY) {
			if (copy_out(ctx) < 0)
				v = WC_SC_COPY_FULL;
			count(v);
			return XDP_PASS;
		}
		int pushed = 0;

		if (cfg_flags & WC_SF_HEAD_STAMP)
			pushed = stamp_head(ctx);
		else
			stamp(ctx);
		if (bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS) == XDP_REDIRECT) {
			count(v);
			return XDP_REDIRECT;
		}
		/* passed after all: the stack must get the frame as it came */
		if (pushed)
			bpf_xdp_adjust_head(ctx, (int)sizeof(struct wc_steer_meta));
		v = WC_SC_NO_SOCKET;
	}
	if (v < 0 || v >= WC_SC__MAX)
		v = WC_SC_MALFORMED;
	count(v);
	return v == WC_SC_DROP_IPCSUM ? XDP_DROP : XDP_PASS;
}
