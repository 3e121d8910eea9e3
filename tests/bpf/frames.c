/* SPDX-License-Identifier: MIT */
/*
 * Frames for the BPF harness: well-formed probes of every kind the reflector answers (and frames
 * it must leave alone), then hostile variants of each, and malformed constructions.
 *
 * Nothing here uses the wirecraft library: the frames and their checksums come from this file
 * alone, so a bug shared by the library and the BPF programs cannot hide itself.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "cookie.h"

uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* ---- a small builder -------------------------------------------------------------------- */

struct fb {
	uint8_t b[FRAME_MAX];
	size_t n;
	struct layout lo;
	size_t nh_at; /* where the current "next header" byte is (IPv6 chain), 0: none */
	char tag[96];
};

static void *fb_put(struct fb *f, const void *p, size_t len)
{
	uint8_t *at = f->b + f->n;
	size_t room = f->n < sizeof(f->b) ? sizeof(f->b) - f->n : 0;

	if (len > room) /* never past the buffer: a frame that does not fit is cut */
		len = room;
	if (p)
		memcpy(at, p, len);
	else
		memset(at, 0, len);
	f->n += len;
	return at;
}

static void fb_eth(struct fb *f, const char *tag, const uint8_t dst[6], const uint8_t src[6],
		   uint16_t type)
{
	uint8_t t[2];

	f->n = 0;
	f->nh_at = 0;
	snprintf(f->tag, sizeof(f->tag), "%s", tag);
	fb_put(f, dst, 6);
	fb_put(f, src, 6);
	wr16(t, type);
	fb_put(f, t, 2);
	f->lo.l2 = f->lo.l3 = f->n;
	f->lo.l4 = 0;
	f->lo.family = type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
}

/* IPv4 header with options (optlen a multiple of 4); the protocol and the lengths are fixed up
 * by fb_done. */
static void fb_ip4(struct fb *f, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		   const uint8_t *opts, size_t optlen, uint16_t frag)
{
	uint8_t *ip = fb_put(f, NULL, 20);

	ip[0] = (uint8_t)(0x40 | (5 + optlen / 4));
	wr16(ip + 4, 1);
	wr16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	if (optlen)
		fb_put(f, opts, optlen);
	f->lo.l4 = f->n;
}

static void fb_ip6(struct fb *f, const uint8_t src[16], const uint8_t dst[16], uint8_t hop)
{
	uint8_t *ip = fb_put(f, NULL, 40);

	ip[0] = 0x60;
	ip[7] = hop;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	f->nh_at = f->lo.l3 + 6;
	f->lo.l4 = f->n;
}

/* An IPv6 extension header of `len` bytes (a multiple of 8, or of 4 for AH) chained in. */
static void fb_ext6(struct fb *f, uint8_t type, size_t len, uint16_t fragoff)
{
	uint8_t *h;

	f->b[f->nh_at] = type;
	h = fb_put(f, NULL, len);
	f->nh_at = (size_t)(h - f->b);
	if (type == 44) {
		wr16(h + 2, fragoff);
		wr32(h + 4, 0x12345678);
	} else if (type == 51) {
		h[1] = (uint8_t)(len / 4 - 2);
	} else {
		h[1] = (uint8_t)(len / 8 - 1); /* the rest stays zero: Pad1 options, well-formed */
	}
	f->lo.l4 = f->n;
}

static void fb_l4proto(struct fb *f, uint8_t proto)
{
	if (f->lo.family == 6)
		f->b[f->nh_at] = proto;
	else if (f->lo.family == 4)
		f->b[f->lo.l3 + 9] = proto;
}

static void fb_tcp(struct fb *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
		   size_t optlen, size_t paylen)
{
	static const uint8_t opts[40] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
	uint8_t *t;

	if (optlen > sizeof(opts)) /* TCP has room for 40 bytes of options */
		optlen = sizeof(opts);
	fb_l4proto(f, 6);
	t = fb_put(f, NULL, 20);
	wr16(t, sport);
	wr16(t + 2, dport);
	wr32(t + 4, seq);
	t[12] = (uint8_t)((5 + optlen / 4) << 4);
	t[13] = flags;
	wr16(t + 14, 8192);
	fb_put(f, opts, optlen);
	for (size_t i = 0; i < paylen; i++)
		f->b[f->n++] = (uint8_t)('a' + i % 26);
}

static void fb_udp(struct fb *f, uint16_t sport, uint16_t dport, size_t paylen)
{
	uint8_t *u;

	fb_l4proto(f, 17);
	u = fb_put(f, NULL, 8);
	wr16(u, sport);
	wr16(u + 2, dport);
	for (size_t i = 0; i < paylen; i++)
		f->b[f->n++] = (uint8_t)(0x30 + i % 10);
}

static void fb_icmp(struct fb *f, uint8_t type, uint8_t code, uint32_t rest, size_t paylen)
{
	uint8_t *h;

	fb_l4proto(f, f->lo.family == 6 ? 58 : 1);
	h = fb_put(f, NULL, 8);
	h[0] = type;
	h[1] = code;
	wr32(h + 4, rest);
	for (size_t i = 0; i < paylen; i++)
		f->b[f->n++] = (uint8_t)(i * 7);
}

/* Lengths: IPv4 total length, IPv6 payload length, UDP length; then every checksum. */
static void fb_done(struct fb *f)
{
	uint8_t *ip = f->b + f->lo.l3;

	if (f->lo.family == 4) {
		wr16(ip + 2, (uint16_t)(f->n - f->lo.l3));
		if (ip[9] == 17)
			wr16(f->b + f->lo.l4 + 4, (uint16_t)(f->n - f->lo.l4));
	} else if (f->lo.family == 6) {
		wr16(ip + 4, (uint16_t)(f->n - f->lo.l3 - 40));
		if (f->b[f->nh_at] == 17 && f->n >= f->lo.l4 + 8)
			wr16(f->b + f->lo.l4 + 4, (uint16_t)(f->n - f->lo.l4));
	}
	frame_refix(f->b, f->n);
}

/* ---- checksum repair -------------------------------------------------------------------- */

static void fix_l4(uint8_t *l4, size_t len, uint8_t proto, uint32_t psum, bool v6)
{
	size_t at;
	uint16_t ck;

	switch (proto) {
	case 6: at = 16; break;
	case 17: at = 6; break;
	case 1: at = 2; psum = 0; break;
	case 58: at = 2; break;
	default: return;
	}
	if (len < at + 2)
		return;
	if (proto == 17 && !v6 && rd16(l4 + at) == 0)
		return; /* no checksum, on purpose */
	wr16(l4 + at, 0);
	ck = (uint16_t)~csum_fold(csum_add(psum, l4, len));
	if (proto == 17 && ck == 0)
		ck = 0xffff;
	wr16(l4 + at, ck);
}

void frame_refix(uint8_t *f, size_t n)
{
	size_t off = 14, l4, len;
	uint16_t type;

	if (n < 14)
		return;
	type = rd16(f + 12);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= n) {
		type = rd16(f + off + 2);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= n && f[off] >> 4 == 4) {
		uint8_t *ip = f + off;
		size_t hl = (size_t)(ip[0] & 15) * 4, tot = rd16(ip + 2);
		uint32_t ps;

		if (hl < 20 || off + hl > n)
			return;
		wr16(ip + 10, 0);
		wr16(ip + 10, (uint16_t)~csum_fold(csum_add(0, ip, hl)));
		if (tot < hl || off + tot > n || (rd16(ip + 6) & 0x3fff))
			return;
		l4 = off + hl;
		len = tot - hl;
		if (ip[9] == 17 && len >= 8 && rd16(f + l4 + 4) >= 8 && rd16(f + l4 + 4) <= len)
			len = rd16(f + l4 + 4);
		ps = csum_add(0, ip + 12, 8) + ip[9] + (uint32_t)len;
		fix_l4(f + l4, len, ip[9], ps, false);
	} else if (type == 0x86dd && off + 40 <= n && f[off] >> 4 == 6) {
		uint8_t *ip = f + off, nh = ip[6];
		size_t end = off + 40 + rd16(ip + 4);
		uint32_t ps;

		if (end > n)
			return;
		l4 = off + 40;
		for (int i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51); i++) {
			if (l4 + 8 > end)
				return;
			len = nh == 44 ? 8 : nh == 51 ? ((size_t)f[l4 + 1] + 2) * 4
						      : ((size_t)f[l4 + 1] + 1) * 8;
			nh = f[l4];
			l4 += len;
		}
		if (l4 > end)
			return;
		len = end - l4;
		if (nh == 17 && len >= 8 && rd16(f + l4 + 4) >= 8 && rd16(f + l4 + 4) <= len)
			len = rd16(f + l4 + 4);
		ps = csum_add(0, ip + 8, 32) + nh + (uint32_t)len;
		fix_l4(f + l4, len, nh, ps, true);
	}
}

/* ---- base frames ------------------------------------------------------------------------ */

static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_mcast6[6] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x05};
static const uint8_t mac_mcsrc[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};

static void out(struct fb *f, emit_fn emit, void *ctx)
{
	emit(ctx, f->b, f->n, f->tag);
}

/* IPv4 options: NOP NOP + record route (3 slots) + EOL padding; then a timestamp option. */
static const uint8_t opt_rr[16] = {1, 1, 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const uint8_t opt_ts[40] = {68, 40, 5, 0};

static void v4(struct fb *f, const struct world *w, const char *tag, const uint8_t *src,
	       const uint8_t *dst, const uint8_t *optv, size_t optlen, uint16_t frag)
{
	fb_eth(f, tag, w->mac_local, w->mac_peer, 0x0800);
	fb_ip4(f, src, dst, 0, optv, optlen, frag);
}

static void v6(struct fb *f, const struct world *w, const char *tag, const uint8_t *src,
	       const uint8_t *dst)
{
	fb_eth(f, tag, w->mac_local, w->mac_peer, 0x86dd);
	fb_ip6(f, src, dst, 64);
}

static void base4(const struct world *w, emit_fn emit, void *ctx, struct fb *f)
{
	static const uint8_t srcs[][4] = {{0, 0, 0, 0}, {0, 1, 2, 3}, {127, 0, 0, 1}, {224, 0, 0, 1},
					  {240, 0, 0, 1}, {255, 255, 255, 255}, {198, 18, 9, 9}};
	static const uint8_t tcpflags[] = {0x02, 0x12, 0x10, 0x04, 0x01, 0x03, 0x06, 0xc2, 0x0a,
					   0x22, 0x00, 0xff, 0x42};
	static const struct { const uint8_t *o; size_t n; const char *name; } opts[] = {
		{NULL, 0, ""}, {opt_rr, 16, "+rr"}, {opt_ts, 40, "+ts"},
	};
	const uint8_t *dsts[] = {w->dst4, w->other4, w->excl4, w->net4, w->bcast4};
	static const char *const dname[] = {"pop", "other", "excl", "net", "bcast"};
	char tag[64];

	for (size_t o = 0; o < 3; o++) {
		for (size_t d = 0; d < 5; d++) {
			/* TCP SYN: open (no options, MSS only, full options), closed, with payload */
			static const size_t tcpopt[] = {0, 4, 20};

			for (size_t k = 0; k < 3; k++) {
				snprintf(tag, sizeof(tag), "v4%s/%s/syn-open/opt%zu", opts[o].name, dname[d], tcpopt[k]);
				v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
				fb_tcp(f, 40000, w->tcp_open, 0x02, 1000, tcpopt[k], 0);
				fb_done(f);
				out(f, emit, ctx);
			}
			snprintf(tag, sizeof(tag), "v4%s/%s/syn-closed", opts[o].name, dname[d]);
			v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
			fb_tcp(f, 40001, w->tcp_closed, 0x02, 0xfffffffe, 4, 0);
			fb_done(f);
			out(f, emit, ctx);
			snprintf(tag, sizeof(tag), "v4%s/%s/syn-closed+data", opts[o].name, dname[d]);
			v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
			fb_tcp(f, 40001, w->tcp_closed, 0x02, 77, 0, 33);
			fb_done(f);
			out(f, emit, ctx);
			/* UDP: open (echo), closed (unreachable), odd payload */
			snprintf(tag, sizeof(tag), "v4%s/%s/udp-open", opts[o].name, dname[d]);
			v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
			fb_udp(f, 5353, w->udp_open, 21);
			fb_done(f);
			out(f, emit, ctx);
			snprintf(tag, sizeof(tag), "v4%s/%s/udp-closed", opts[o].name, dname[d]);
			v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
			fb_udp(f, 5353, w->udp_closed, 100);
			fb_done(f);
			out(f, emit, ctx);
			/* ICMP echo request, odd length */
			snprintf(tag, sizeof(tag), "v4%s/%s/echo", opts[o].name, dname[d]);
			v4(f, w, tag, w->src4, dsts[d], opts[o].o, opts[o].n, 0);
			fb_icmp(f, 8, 0, 0x12340001, 57);
			fb_done(f);
			out(f, emit, ctx);
		}
		/* Flags other than a plain SYN, to an open and a closed port. */
		for (size_t k = 0; k < sizeof(tcpflags); k++) {
			for (int open = 0; open < 2; open++) {
				snprintf(tag, sizeof(tag), "v4%s/tcp-flags-%02x/%s", opts[o].name, tcpflags[k],
					 open ? "open" : "closed");
				v4(f, w, tag, w->src4, w->dst4, opts[o].o, opts[o].n, 0);
				fb_tcp(f, 40002, open ? w->tcp_open : w->tcp_closed, tcpflags[k], 5, 0, 0);
				fb_done(f);
				out(f, emit, ctx);
			}
		}
	}
	/* Sources that are never answered, over each L4. */
	for (size_t s = 0; s < sizeof(srcs) / sizeof(srcs[0]); s++) {
		snprintf(tag, sizeof(tag), "v4/src-%u.%u.%u.%u/syn", srcs[s][0], srcs[s][1], srcs[s][2],
			 srcs[s][3]);
		v4(f, w, tag, srcs[s], w->dst4, NULL, 0, 0);
		fb_tcp(f, 40000, w->tcp_open, 0x02, 1, 0, 0);
		fb_done(f);
		out(f, emit, ctx);
		snprintf(tag, sizeof(tag), "v4/src-%u.%u.%u.%u/udp", srcs[s][0], srcs[s][1], srcs[s][2],
			 srcs[s][3]);
		v4(f, w, tag, srcs[s], w->dst4, NULL, 0, 0);
		fb_udp(f, 1234, w->udp_closed, 4);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* UDP loops that must not start: from an open port, or port to same port. */
	v4(f, w, "v4/udp-from-open-port", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, w->udp_open2, w->udp_open, 8);
	fb_done(f);
	out(f, emit, ctx);
	v4(f, w, "v4/udp-same-port", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, w->udp_open, w->udp_open, 8);
	fb_done(f);
	out(f, emit, ctx);
	/* UDP without a checksum (allowed over IPv4), with an empty payload, shorter than the IP
	 * payload (the rest is not echoed) */
	v4(f, w, "v4/udp-nocsum", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, 999, w->udp_open, 13);
	fb_done(f);
	wr16(f->b + f->lo.l4 + 6, 0);
	out(f, emit, ctx);
	v4(f, w, "v4/udp-empty", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, 999, w->udp_open, 0);
	fb_done(f);
	out(f, emit, ctx);
	v4(f, w, "v4/udp-short-len", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, 999, w->udp_open, 30);
	fb_done(f);
	wr16(f->b + f->lo.l4 + 4, 20);
	frame_refix(f->b, f->n);
	out(f, emit, ctx);
	/* Checksum offload's partial form: the field holds the folded pseudo-header sum. */
	for (int p = 0; p < 3; p++) {
		uint8_t *ip;
		size_t l4len;
		uint32_t ps;

		v4(f, w, p == 0 ? "v4/tcp-partial-csum" : p == 1 ? "v4/udp-partial-csum" : "v4/icmp-partial-csum",
		   w->src4, w->dst4, NULL, 0, 0);
		if (p == 0)
			fb_tcp(f, 40000, w->tcp_open, 0x02, 1, 4, 0);
		else if (p == 1)
			fb_udp(f, 999, w->udp_open, 10);
		else
			fb_icmp(f, 8, 0, 7, 10);
		fb_done(f);
		ip = f->b + f->lo.l3;
		l4len = f->n - f->lo.l4;
		ps = p == 2 ? 0 : csum_add(0, ip + 12, 8) + ip[9] + (uint32_t)l4len;
		wr16(f->b + f->lo.l4 + (p == 0 ? 16 : p == 1 ? 6 : 2), csum_fold(ps));
		out(f, emit, ctx);
	}
	/* Wrong checksums: IP header, TCP, UDP, ICMP. */
	for (int p = 0; p < 4; p++) {
		v4(f, w, p == 0 ? "v4/bad-ip-csum" : p == 1 ? "v4/bad-tcp-csum" : p == 2 ? "v4/bad-udp-csum"
										  : "v4/bad-icmp-csum",
		   w->src4, w->dst4, NULL, 0, 0);
		if (p <= 1)
			fb_tcp(f, 40000, w->tcp_open, 0x02, 1, 0, 0);
		else if (p == 2)
			fb_udp(f, 999, w->udp_open, 10);
		else
			fb_icmp(f, 8, 0, 7, 10);
		fb_done(f);
		f->b[p == 0 ? f->lo.l3 + 10 : f->lo.l4 + (p == 1 ? 16 : p == 2 ? 6 : 2)] ^= 0x5a;
		out(f, emit, ctx);
	}
	/* Fragments: first (MF), later (offset), DF alone is fine. */
	static const uint16_t frags[] = {0x2000, 0x0008, 0x4000, 0x6000, 0x8000};
	for (size_t k = 0; k < sizeof(frags) / sizeof(frags[0]); k++) {
		snprintf(tag, sizeof(tag), "v4/frag-%04x", frags[k]);
		v4(f, w, tag, w->src4, w->dst4, NULL, 0, frags[k]);
		fb_icmp(f, 8, 0, 1, 16);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* ICMP that is not an echo request: replies, errors quoting garbage, other types. */
	static const uint8_t itypes[][2] = {{0, 0}, {3, 3}, {3, 1}, {11, 0}, {5, 1}, {13, 0}, {8, 1},
					    {8, 255}, {42, 0}, {128, 0}};
	for (size_t k = 0; k < sizeof(itypes) / sizeof(itypes[0]); k++) {
		snprintf(tag, sizeof(tag), "v4/icmp-%u-%u", itypes[k][0], itypes[k][1]);
		v4(f, w, tag, w->src4, w->dst4, NULL, 0, 0);
		fb_icmp(f, itypes[k][0], itypes[k][1], 0, 28);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* Other IP protocols. */
	static const uint8_t protos[] = {0, 2, 4, 41, 47, 50, 132, 255};
	for (size_t k = 0; k < sizeof(protos); k++) {
		snprintf(tag, sizeof(tag), "v4/proto-%u", protos[k]);
		v4(f, w, tag, w->src4, w->dst4, NULL, 0, 0);
		fb_put(f, "0123456789abcdef0123", 20);
		fb_l4proto(f, protos[k]);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* Ethernet: broadcast/multicast destination (ignored), multicast source (passed). */
	v4(f, w, "v4/eth-dst-bcast", w->src4, w->dst4, NULL, 0, 0);
	memcpy(f->b, mac_bcast, 6);
	fb_tcp(f, 40000, w->tcp_open, 0x02, 1, 0, 0);
	fb_done(f);
	out(f, emit, ctx);
	v4(f, w, "v4/eth-src-mcast", w->src4, w->dst4, NULL, 0, 0);
	memcpy(f->b + 6, mac_mcsrc, 6);
	fb_icmp(f, 8, 0, 1, 8);
	fb_done(f);
	out(f, emit, ctx);
	/* Ethernet padding after a short datagram (frames of 60 bytes on the wire). */
	v4(f, w, "v4/padded-syn", w->src4, w->dst4, NULL, 0, 0);
	fb_tcp(f, 40000, w->tcp_closed, 0x02, 1, 0, 0);
	fb_done(f);
	fb_put(f, "\xee\xee\xee\xee\xee\xee", 6);
	out(f, emit, ctx);
	v4(f, w, "v4/padded-echo", w->src4, w->dst4, NULL, 0, 0);
	fb_icmp(f, 8, 0, 1, 0);
	fb_done(f);
	fb_put(f, NULL, 18);
	out(f, emit, ctx);
	/* Big: an echo of 1472 bytes and a UDP datagram of 3000 (answers as long as the probe). */
	v4(f, w, "v4/echo-1500", w->src4, w->dst4, NULL, 0, 0);
	fb_icmp(f, 8, 0, 1, 1472);
	fb_done(f);
	out(f, emit, ctx);
	v4(f, w, "v4/udp-3000", w->src4, w->dst4, NULL, 0, 0);
	fb_udp(f, 999, w->udp_open, 3000);
	fb_done(f);
	out(f, emit, ctx);
}

static void arp(const struct world *w, emit_fn emit, void *ctx, struct fb *f)
{
	static const uint8_t zero[4];
	struct {
		const char *tag;
		uint16_t oper, htype, ptype;
		uint8_t hlen, plen;
		const uint8_t *spa, *tpa, *sha, *edst;
	} cases[] = {
		{"arp/who-has", 1, 1, 0x0800, 6, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/who-has-unicast", 1, 1, 0x0800, 6, 4, w->src4, w->dst4, w->mac_peer, w->mac_local},
		{"arp/other", 1, 1, 0x0800, 6, 4, w->src4, w->other4, w->mac_peer, mac_bcast},
		{"arp/excluded", 1, 1, 0x0800, 6, 4, w->src4, w->excl4, w->mac_peer, mac_bcast},
		{"arp/net", 1, 1, 0x0800, 6, 4, w->src4, w->net4, w->mac_peer, mac_bcast},
		{"arp/bcast", 1, 1, 0x0800, 6, 4, w->src4, w->bcast4, w->mac_peer, mac_bcast},
		{"arp/probe", 1, 1, 0x0800, 6, 4, zero, w->dst4, w->mac_peer, mac_bcast},
		{"arp/gratuitous", 1, 1, 0x0800, 6, 4, w->dst4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/is-at", 2, 1, 0x0800, 6, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/oper3", 3, 1, 0x0800, 6, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/htype6", 1, 6, 0x0800, 6, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/ptype-v6", 1, 1, 0x86dd, 6, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/hlen8", 1, 1, 0x0800, 8, 4, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/plen16", 1, 1, 0x0800, 6, 16, w->src4, w->dst4, w->mac_peer, mac_bcast},
		{"arp/mcast-sha", 1, 1, 0x0800, 6, 4, w->src4, w->dst4, mac_mcsrc, mac_bcast},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *a;

		for (int pad = 0; pad < 2; pad++) {
			char tag[64];

			snprintf(tag, sizeof(tag), "%s%s", cases[i].tag, pad ? "+pad" : "");
			fb_eth(f, tag, cases[i].edst, w->mac_peer, 0x0806);
			a = fb_put(f, NULL, 28);
			wr16(a, cases[i].htype);
			wr16(a + 2, cases[i].ptype);
			a[4] = cases[i].hlen;
			a[5] = cases[i].plen;
			wr16(a + 6, cases[i].oper);
			memcpy(a + 8, cases[i].sha, 6);
			memcpy(a + 14, cases[i].spa, 4);
			memcpy(a + 24, cases[i].tpa, 4);
			if (pad)
				fb_put(f, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12", 18);
			out(f, emit, ctx);
		}
	}
}

/* Solicited-node multicast address of a: ff02::1:ffXX:XXXX. */
static void snm6(uint8_t out6[16], const uint8_t a[16])
{
	static const uint8_t pre[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};

	memcpy(out6, pre, 13);
	memcpy(out6 + 13, a + 13, 3);
}

static void ns(const struct world *w, emit_fn emit, void *ctx, struct fb *f)
{
	static const uint8_t unspec[16], lo6[16] = {[15] = 1};
	uint8_t grp[16], grp_other[16], wrong[16];
	struct {
		const char *tag;
		const uint8_t *src, *dst, *target;
		uint8_t hop, code;
		bool slla, frag;
	} cases[] = {
		{"ns/group", w->src6, grp, w->dst6, 255, 0, true, false},
		{"ns/unicast", w->src6, w->dst6, w->dst6, 255, 0, false, false},
		{"ns/unicast+slla", w->src6, w->dst6, w->dst6, 255, 0, true, false},
		{"ns/hop254", w->src6, grp, w->dst6, 254, 0, true, false},
		{"ns/code1", w->src6, grp, w->dst6, 255, 1, true, false},
		{"ns/dad", unspec, grp, w->dst6, 255, 0, false, false},
		{"ns/loopback-src", lo6, grp, w->dst6, 255, 0, false, false},
		{"ns/mcast-src", grp, grp, w->dst6, 255, 0, false, false},
		{"ns/other-target", w->src6, grp_other, w->other6, 255, 0, true, false},
		{"ns/excluded-target", w->src6, grp, w->excl6, 255, 0, true, false},
		{"ns/wrong-group", w->src6, wrong, w->dst6, 255, 0, true, false},
		{"ns/to-other", w->src6, w->other6, w->dst6, 255, 0, true, false},
		{"ns/frag", w->src6, grp, w->dst6, 255, 0, true, true},
	};

	snm6(grp, w->dst6);
	snm6(grp_other, w->other6);
	snm6(wrong, w->dst6);
	wrong[15] ^= 1;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *h;

		fb_eth(f, cases[i].tag, mac_mcast6, w->mac_peer, 0x86dd);
		fb_ip6(f, cases[i].src, cases[i].dst, cases[i].hop);
		if (cases[i].frag)
			fb_ext6(f, 44, 8, 0x0001);
		fb_l4proto(f, 58);
		h = fb_put(f, NULL, 24);
		h[0] = 135;
		h[1] = cases[i].code;
		memcpy(h + 8, cases[i].target, 16);
		if (cases[i].slla) {
			h = fb_put(f, NULL, 8);
			h[0] = 1;
			h[1] = 1;
			memcpy(h + 2, w->mac_peer, 6);
		}
		fb_done(f);
		out(f, emit, ctx);
	}
}

/* IPv6 extension header chains in front of a probe. */
struct chain {
	const char *name;
	uint8_t type[7];
	uint16_t len[7];
	uint16_t fragoff[7];
	int n;
};

static void base6(const struct world *w, emit_fn emit, void *ctx, struct fb *f)
{
	static const struct chain chains[] = {
		{"", {0}, {0}, {0}, 0},
		{"+hbh", {0}, {8}, {0}, 1},
		{"+dst", {60}, {16}, {0}, 1},
		{"+rt", {43}, {24}, {0}, 1},
		{"+frag-atomic", {44}, {8}, {0}, 1},
		{"+frag-first", {44}, {8}, {0x0001}, 1},
		{"+frag-later", {44}, {8}, {0x0100}, 1},
		{"+ah", {51}, {24}, {0}, 1},
		{"+mobility", {135}, {8}, {0}, 1},
		{"+hbh+dst+rt", {0, 60, 43}, {8, 8, 8}, {0}, 3},
		{"+ext72", {60}, {72}, {0}, 1},
		{"+six", {0, 60, 43, 44, 51, 60}, {8, 8, 8, 8, 12, 8}, {0}, 6},
		{"+seven", {0, 60, 43, 44, 51, 60, 60}, {8, 8, 8, 8, 12, 8, 8}, {0}, 7},
		{"+ext2048", {60, 60}, {2048, 8}, {0}, 2},
	};
	static const uint8_t unspec[16], lo6[16] = {[15] = 1}, mc6[16] = {0xff, 0x02, [15] = 1};
	const uint8_t *dsts[] = {w->dst6, w->other6, w->excl6};
	static const char *const dname[] = {"pop", "other", "excl"};
	char tag[80];

	for (size_t ci = 0; ci < sizeof(chains) / sizeof(chains[0]); ci++) {
		const struct chain *ch = &chains[ci];

		for (size_t d = 0; d < 3; d++) {
			for (int kind = 0; kind < 7; kind++) {
				static const char *const kname[] = {"syn-open", "syn-open-mss", "syn-closed",
								    "udp-open", "udp-closed", "echo",
								    "echo-reply"};

				if (d && kind != 0 && kind != 4)
					continue; /* not ours: two kinds are enough */
				snprintf(tag, sizeof(tag), "v6%s/%s/%s", ch->name, dname[d], kname[kind]);
				v6(f, w, tag, w->src6, dsts[d]);
				for (int e = 0; e < ch->n; e++)
					fb_ext6(f, ch->type[e], ch->len[e], ch->fragoff[e]);
				switch (kind) {
				case 0: fb_tcp(f, 40000, w->tcp_open, 0x02, 9, 0, 0); break;
				case 1: fb_tcp(f, 40000, w->tcp_open, 0x02, 9, 20, 0); break;
				case 2: fb_tcp(f, 40000, w->tcp_closed, 0x02, 9, 0, 5); break;
				case 3: fb_udp(f, 5353, w->udp_open, 33); break;
				case 4: fb_udp(f, 5353, w->udp_closed, 12); break;
				case 5: fb_icmp(f, 128, 0, 0xabcd0001, 31); break;
				case 6: fb_icmp(f, 129, 0, 0xabcd0001, 31); break;
				}
				fb_done(f);
				out(f, emit, ctx);
			}
		}
	}
	/* Sources never answered. */
	const uint8_t *srcs[] = {unspec, lo6, mc6};
	for (size_t s = 0; s < 3; s++) {
		snprintf(tag, sizeof(tag), "v6/src%zu/syn", s);
		v6(f, w, tag, srcs[s], w->dst6);
		fb_tcp(f, 40000, w->tcp_open, 0x02, 1, 0, 0);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* Zero UDP checksum (malformed over IPv6), partial checksums, wrong checksums. */
	v6(f, w, "v6/udp-zero-csum", w->src6, w->dst6);
	fb_udp(f, 999, w->udp_open, 9);
	fb_done(f);
	wr16(f->b + f->lo.l4 + 6, 0);
	out(f, emit, ctx);
	for (int p = 0; p < 3; p++) {
		uint8_t *ip;
		uint32_t ps;

		v6(f, w, p == 0 ? "v6/tcp-partial-csum" : p == 1 ? "v6/udp-partial-csum" : "v6/icmp-partial-csum",
		   w->src6, w->dst6);
		if (p == 0)
			fb_tcp(f, 40000, w->tcp_closed, 0x02, 1, 0, 0);
		else if (p == 1)
			fb_udp(f, 999, w->udp_open, 10);
		else
			fb_icmp(f, 128, 0, 7, 10);
		fb_done(f);
		ip = f->b + f->lo.l3;
		ps = csum_add(0, ip + 8, 32) + ip[6] + (uint32_t)(f->n - f->lo.l4);
		wr16(f->b + f->lo.l4 + (p == 0 ? 16 : p == 1 ? 6 : 2), csum_fold(ps));
		out(f, emit, ctx);
		snprintf(tag, sizeof(tag), "v6/bad-csum-%d", p);
		memcpy(f->tag, tag, strlen(tag) + 1);
		f->b[f->n - 1] ^= 0x80;
		out(f, emit, ctx);
	}
	/* ICMPv6 that is not an echo request nor an NS. */
	static const uint8_t itypes[][2] = {{1, 4}, {2, 0}, {3, 0}, {4, 1}, {128, 1}, {133, 0},
					    {134, 0}, {136, 0}, {137, 0}, {143, 0}};
	for (size_t k = 0; k < sizeof(itypes) / sizeof(itypes[0]); k++) {
		snprintf(tag, sizeof(tag), "v6/icmp6-%u-%u", itypes[k][0], itypes[k][1]);
		v6(f, w, tag, w->src6, w->dst6);
		fb_icmp(f, itypes[k][0], itypes[k][1], 0, 48);
		fb_done(f);
		out(f, emit, ctx);
	}
	/* No next header, a payload length of 0 with it. */
	v6(f, w, "v6/no-next", w->src6, w->dst6);
	f->b[f->nh_at] = 59;
	fb_done(f);
	out(f, emit, ctx);
	v6(f, w, "v6/eth-dst-mcast", w->src6, w->dst6);
	memcpy(f->b, mac_mcast6, 6);
	fb_icmp(f, 128, 0, 1, 8);
	fb_done(f);
	out(f, emit, ctx);
	v6(f, w, "v6/echo-1452", w->src6, w->dst6);
	fb_icmp(f, 128, 0, 1, 1452);
	fb_done(f);
	out(f, emit, ctx);
}

void frames_reflect_base(const struct world *w, emit_fn emit, void *ctx)
{
	static struct fb f; /* 9 KiB: not on the stack */
	static const uint16_t types[] = {0x88cc, 0x8847, 0x0842, 0x9000, 0x0000, 0x05dc, 0xffff};

	base4(w, emit, ctx, &f);
	arp(w, emit, ctx, &f);
	ns(w, emit, ctx, &f);
	base6(w, emit, ctx, &f);
	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++) {
		char tag[32];

		snprintf(tag, sizeof(tag), "ethertype-%04x", types[k]);
		fb_eth(&f, tag, w->mac_local, w->mac_peer, types[k]);
		fb_put(&f, "\x45\x00\x00\x14\x00\x00\x00\x00\x40\x06\x00\x00\xc6\x12\x00\x02\xc6\x12\x01\x05", 20);
		out(&f, emit, ctx);
	}
}

/* ---- malformed constructions ------------------------------------------------------------ */

void frames_malformed(const struct world *w, emit_fn emit, void *ctx, uint64_t *seed)
{
	static struct fb f;
	char tag[80];

	/* IPv4 version and IHL, each value, header checksum right so that framing decides. */
	for (int ver = 0; ver < 16; ver++) {
		for (int ihl = 0; ihl < 16; ihl++) {
			snprintf(tag, sizeof(tag), "mal/v4-ver%d-ihl%d", ver, ihl);
			v4(&f, w, tag, w->src4, w->dst4, NULL, 0, 0);
			fb_put(&f, NULL, 40); /* room for any IHL: zeros are EOL options */
			fb_tcp(&f, 40000, w->tcp_open, 0x02, 1, 0, 0);
			fb_done(&f);
			f.b[f.lo.l3] = (uint8_t)(ver << 4 | ihl);
			frame_refix(f.b, f.n);
			out(&f, emit, ctx);
		}
	}
	/* IPv4 total length: below the header, one past the frame, 0, 65535, one short. */
	static const int dtot[] = {-1000, -21, -1, 1, 1000, 65535};
	for (size_t k = 0; k < sizeof(dtot) / sizeof(dtot[0]); k++) {
		uint8_t *ip;
		long tot;

		snprintf(tag, sizeof(tag), "mal/v4-totlen%+d", dtot[k]);
		v4(&f, w, tag, w->src4, w->dst4, NULL, 0, 0);
		fb_icmp(&f, 8, 0, 1, 30);
		fb_done(&f);
		ip = f.b + f.lo.l3;
		tot = dtot[k] == 65535 ? 65535 : (long)rd16(ip + 2) + dtot[k];
		wr16(ip + 2, (uint16_t)(tot < 0 ? 0 : tot));
		frame_refix(f.b, f.n);
		out(&f, emit, ctx);
	}
	/* IPv4 options of every length and odd contents (garbage options are still framing-valid:
	 * the reflector strips them, it does not interpret them). */
	for (int k = 0; k < 40; k++) {
		uint8_t opts[40];

		for (int i = 0; i < 40; i++)
			opts[i] = (uint8_t)rnd(seed);
		snprintf(tag, sizeof(tag), "mal/v4-opts-garbage%d", k);
		v4(&f, w, tag, w->src4, w->dst4, opts, (size_t)(k % 10 + 1) * 4, 0);
		if (k % 3 == 0)
			fb_tcp(&f, 40000, w->tcp_open, 0x02, 1, 0, 0);
		else if (k % 3 == 1)
			fb_udp(&f, 40000, w->udp_closed, 3);
		else
			fb_icmp(&f, 8, 0, 1, 3);
		fb_done(&f);
		out(&f, emit, ctx);
	}
	/* TCP data offset, each value. */
	for (int doff = 0; doff < 16; doff++) {
		snprintf(tag, sizeof(tag), "mal/tcp-doff%d", doff);
		v4(&f, w, tag, w->src4, w->dst4, NULL, 0, 0);
		fb_tcp(&f, 40000, doff & 1 ? w->tcp_open : w->tcp_closed, 0x02, 1, 20, 0);
		f.b[f.lo.l4 + 12] = (uint8_t)(doff << 4);
		fb_done(&f);
		out(&f, emit, ctx);
	}
	/* UDP length field against the IP payload. */
	static const int ulens[] = {0, 7, 8, 9, 27, 28, 29, 65535};
	for (size_t k = 0; k < sizeof(ulens) / sizeof(ulens[0]); k++) {
		for (int fam = 4; fam <= 6; fam += 2) {
			snprintf(tag, sizeof(tag), "mal/udp%d-len%d", fam, ulens[k]);
			if (fam == 4)
				v4(&f, w, tag, w->src4, w->dst4, NULL, 0, 0);
			else
				v6(&f, w, tag, w->src6, w->dst6);
			fb_udp(&f, 1000, k & 1 ? w->udp_open : w->udp_closed, 20);
			fb_done(&f);
			wr16(f.b + f.lo.l4 + 4, (uint16_t)ulens[k]);
			frame_refix(f.b, f.n);
			out(&f, emit, ctx);
		}
	}
	/* ICMP errors quoting garbage, to the population. */
	for (int k = 0; k < 24; k++) {
		uint8_t q[64];
		size_t qn = (size_t)(rnd(seed) % sizeof(q));

		for (size_t i = 0; i < qn; i++)
			q[i] = (uint8_t)rnd(seed);
		if (k & 1)
			q[0] = 0x45;
		snprintf(tag, sizeof(tag), "mal/icmp-error-garbage%d", k);
		if (k < 12) {
			v4(&f, w, tag, w->src4, w->dst4, NULL, 0, 0);
			fb_icmp(&f, k % 3 == 0 ? 3 : k % 3 == 1 ? 11 : 12, (uint8_t)(k % 4), 0, 0);
		} else {
			v6(&f, w, tag, w->src6, w->dst6);
			fb_icmp(&f, (uint8_t)(1 + k % 4), (uint8_t)(k % 5), 0, 0);
		}
		fb_put(&f, q, qn);
		fb_done(&f);
		out(&f, emit, ctx);
	}
	/* IPv6: version, payload length past the frame, jumbogram form, random extension chains. */
	for (int ver = 0; ver < 16; ver += 3) {
		snprintf(tag, sizeof(tag), "mal/v6-ver%d", ver);
		v6(&f, w, tag, w->src6, w->dst6);
		fb_icmp(&f, 128, 0, 1, 8);
		fb_done(&f);
		f.b[f.lo.l3] = (uint8_t)(ver << 4);
		out(&f, emit, ctx);
	}
	static const int dplen[] = {-65535, -1, 1, 100};
	for (size_t k = 0; k < sizeof(dplen) / sizeof(dplen[0]); k++) {
		uint8_t *ip;
		long pl;

		snprintf(tag, sizeof(tag), "mal/v6-plen%+d", dplen[k]);
		v6(&f, w, tag, w->src6, w->dst6);
		fb_icmp(&f, 128, 0, 1, 8);
		fb_done(&f);
		ip = f.b + f.lo.l3;
		pl = (long)rd16(ip + 4) + dplen[k];
		wr16(ip + 4, (uint16_t)(pl < 0 ? 0 : pl));
		out(&f, emit, ctx);
	}
	for (int k = 0; k < 200; k++) {
		static const uint8_t types[] = {0, 43, 44, 51, 60, 135, 6, 17, 58, 59, 253};
		int n = (int)(rnd(seed) % 9);

		snprintf(tag, sizeof(tag), "mal/v6-chain%d", k);
		v6(&f, w, tag, w->src6, w->dst6);
		for (int e = 0; e < n; e++) {
			uint8_t t = types[rnd(seed) % 6];
			size_t len = t == 44 ? 8 : t == 51 ? 4 * (2 + rnd(seed) % 6) : 8 * (1 + rnd(seed) % 5);

			fb_ext6(&f, t, len, (uint16_t)(rnd(seed) & (k & 1 ? 0xfff9 : 0)));
		}
		switch (k % 4) {
		case 0: fb_tcp(&f, 40000, w->tcp_open, 0x02, 1, 0, 0); break;
		case 1: fb_udp(&f, 40000, w->udp_closed, 8); break;
		case 2: fb_icmp(&f, 128, 0, 1, 8); break;
		default: f.b[f.nh_at] = types[rnd(seed) % sizeof(types)]; fb_put(&f, "12345678", 8);
		}
		fb_done(&f);
		/* and sometimes a header length that runs past the payload */
		if (n && k % 5 == 0) {
			f.b[f.lo.l3 + 41] = (uint8_t)rnd(seed);
			frame_refix(f.b, f.n);
		}
		out(&f, emit, ctx);
	}
}

/* ---- hostile variants of one frame ------------------------------------------------------ */

static void emitf(emit_fn emit, void *ctx, const uint8_t *b, size_t n, const char *tag,
		  const char *fmt, long v)
{
	char t[160], x[48];

	snprintf(x, sizeof(x), fmt, v);
	snprintf(t, sizeof(t), "%s/%s", tag, x);
	emit(ctx, b, n, t);
}

void frames_hostile(const uint8_t *f, size_t n, const char *tag, uint64_t *seed, int flips,
		    emit_fn emit, void *ctx)
{
	static uint8_t b[FRAME_MAX + 64];
	static const uint16_t tpids[] = {0x8100, 0x88a8};
	static const size_t sizes[] = {1514, 3000, 3498, 3600, 4096, 9000};

	if (n > FRAME_MAX)
		return;
	emit(ctx, f, n, tag);
	/* every prefix: truncation at each byte */
	for (size_t k = 0; k < n; k++)
		emitf(emit, ctx, f, k, tag, "trunc%ld", (long)k);
	/* VLAN tags: 1, 2 (answered through), 3 (refused), both TPIDs, and their truncations */
	if (n >= 14) {
		for (int tags = 1; tags <= 3; tags++) {
			for (int t = 0; t < 2; t++) {
				size_t m = 12;

				if (n + 4 * (size_t)tags > sizeof(b))
					break;
				memcpy(b, f, 12);
				for (int i = 0; i < tags; i++) {
					wr16(b + m, tpids[(t + i) & 1]);
					wr16(b + m + 2, (uint16_t)(100 + i));
					m += 4;
				}
				memcpy(b + m, f + 12, n - 12);
				m += n - 12;
				emitf(emit, ctx, b, m, tag, "vlan%ld", tags * 10 + t);
				if (tags == 2 && t == 0)
					for (size_t k = 14; k < m; k += 3)
						emitf(emit, ctx, b, k, tag, "vlan2-trunc%ld", (long)k);
			}
		}
	}
	/* Ethernet padding / trailing bytes up to sizes past what XDP takes in one buffer */
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		if (sizes[s] <= n || sizes[s] > FRAME_MAX)
			continue;
		memcpy(b, f, n);
		memset(b + n, 0xa5, sizes[s] - n);
		emitf(emit, ctx, b, sizes[s], tag, "oversize%ld", (long)sizes[s]);
	}
	/* byte flips in the headers, raw and with checksums repaired (so that the logic past the
	 * checksum checks is reached too) */
	for (int k = 0; k < flips && n >= 14; k++) {
		size_t span = n < 96 ? n : 96;
		int nflip = 1 + (int)(rnd(seed) % 3);

		memcpy(b, f, n);
		for (int i = 0; i < nflip; i++)
			b[rnd(seed) % span] ^= (uint8_t)(1 + rnd(seed) % 255);
		emitf(emit, ctx, b, n, tag, "flip%ld", k);
		frame_refix(b, n);
		emitf(emit, ctx, b, n, tag, "flipfix%ld", k);
	}
}

/* ---- replies for the steering program -------------------------------------------------- */

/* Ports and ids of the probes the expected-reply map knows (steer_expect_keys). */
#define ST_TCP_OURS 40000
#define ST_TCP_THEIRS 80
#define ST_UDP_OURS 5353
#define ST_UDP_THEIRS 53
#define ST_ECHO_ID 0x1234
#define ST_ECHO_SEQ 1
#define ST_TS_ID 0x4321
#define ST_TS_SEQ 2
#define ST_ECHO6_ID 0x5678
#define ST_ECHO6_SEQ 3

static void words(uint32_t out[4], const uint8_t *a, int fam)
{
	memset(out, 0, 16);
	memcpy(out, a, fam == 4 ? 4 : 16);
}

unsigned steer_expect_keys(const struct world *w, struct wc_steer_key *k, unsigned cap)
{
	uint32_t o4[4], t4[4], o6[4], t6[4], tgt[4], zero[4] = {0};
	unsigned n = 0;

	if (cap < 9)
		return 0;
	words(o4, w->src4, 4);
	words(t4, w->dst4, 4);
	words(o6, w->src6, 6);
	words(t6, w->dst6, 6);
	words(tgt, w->dst6, 6);
	memset(k, 0, 9 * sizeof(*k));
	wc_steer_key_make(&k[n++], WC_SK_TCP, 6, 4, o4, ST_TCP_OURS, t4, ST_TCP_THEIRS);
	wc_steer_key_make(&k[n++], WC_SK_UDP, 17, 4, o4, ST_UDP_OURS, t4, ST_UDP_THEIRS);
	wc_steer_key_make(&k[n++], WC_SK_ICMP, 1, 4, o4, ST_ECHO_ID, t4, ST_ECHO_SEQ);
	wc_steer_key_make(&k[n++], WC_SK_ICMP, 1, 4, o4, ST_TS_ID, t4, ST_TS_SEQ);
	wc_steer_key_make(&k[n++], WC_SK_ARP, 0, 4, o4, 0, t4, 0);
	wc_steer_key_make(&k[n++], WC_SK_ND, 0, 6, tgt, 0, zero, 0);
	wc_steer_key_make(&k[n++], WC_SK_IP, 47, 4, o4, 0, t4, 0);
	wc_steer_key_make(&k[n++], WC_SK_TCP, 6, 6, o6, ST_TCP_OURS, t6, ST_TCP_THEIRS);
	wc_steer_key_make(&k[n++], WC_SK_ICMP6, 58, 6, o6, ST_ECHO6_ID, t6, ST_ECHO6_SEQ);
	return n;
}

/* A reply theirs -> ours: Ethernet to our MAC. */
static void rep(struct fb *f, const struct world *w, int fam, const char *tag)
{
	if (fam == 4)
		v4(f, w, tag, w->dst4, w->src4, NULL, 0, 0);
	else
		v6(f, w, tag, w->dst6, w->src6);
}

static void tcp_reply(struct fb *f, uint8_t flags, uint32_t seq, uint32_t ack)
{
	fb_tcp(f, ST_TCP_THEIRS, ST_TCP_OURS, flags, seq, 0, 0);
	wr32(f->b + f->lo.l4 + 8, ack);
}

/* Append what an ICMP error quotes of probe p: its IP header (and extension headers) and the
 * first qn bytes of its L4 header. */
static void quote(struct fb *f, const struct fb *p, size_t qn)
{
	fb_put(f, p->b + p->lo.l3, p->lo.l4 - p->lo.l3 + qn);
}

void frames_steer_base(const struct steer_cfg *c, const struct world *w, emit_fn emit, void *ctx)
{
	static struct fb f, p;
	uint32_t o[4], t[4], ck;
	char tag[80];

	for (int fam = 4; fam <= 6; fam += 2) {
		const char *fs = fam == 4 ? "v4" : "v6";
		uint8_t icmp = fam == 4 ? 1 : 58, echo = fam == 4 ? 8 : 128, echorep = fam == 4 ? 0 : 129;

		words(o, fam == 4 ? w->src4 : w->src6, fam);
		words(t, fam == 4 ? w->dst4 : w->dst6, fam);
		/* TCP: the cookie acknowledged (SYN-ACK, RST-ACK), outside the window, a RST
		 * carrying it in seq (probes with ACK set), none at all (the map's) */
		ck = steer_cookie(c, o, t, fam, 6, ST_TCP_OURS, ST_TCP_THEIRS);
		static const struct { const char *n; uint8_t fl; int dseq, dack; } tc[] = {
			{"synack-ack=C+1", 0x12, -1, 1}, {"rstack-ack=C+1", 0x14, -2, 1},
			{"ack-ack=C+2", 0x10, -1, 2}, {"synack-ack=C+3", 0x12, -1, 3},
			{"synack-ack=C", 0x12, -1, 0}, {"rst-seq=C", 0x04, 0, -3},
			{"rst-seq=C+2", 0x04, 2, -3}, {"rst-seq=C+3", 0x04, 3, -3},
			{"synack-nocookie", 0x12, -1, -3}, {"syn-noack", 0x02, -1, 1},
		};
		for (size_t k = 0; k < sizeof(tc) / sizeof(tc[0]); k++) {
			snprintf(tag, sizeof(tag), "st/%s/tcp-%s", fs, tc[k].n);
			rep(&f, w, fam, tag);
			tcp_reply(&f, tc[k].fl, tc[k].dseq == -1 ? 0x11223344u : tc[k].dseq == -2 ? 0 : ck + (uint32_t)tc[k].dseq,
				  tc[k].dack == -3 ? 0x55667788u : ck + (uint32_t)tc[k].dack);
			fb_done(&f);
			out(&f, emit, ctx);
		}
		/* UDP: to the port the cookie chose, to its neighbour, and outside the range */
		ck = steer_cookie(c, o, t, fam, 17, 0, ST_UDP_THEIRS);
		uint16_t ports[3] = {steer_sport(c, ck), (uint16_t)(steer_sport(c, ck) + 1), ST_UDP_OURS};
		static const char *const pn[3] = {"cookie-port", "next-port", "map-port"};
		for (int k = 0; k < 3; k++) {
			snprintf(tag, sizeof(tag), "st/%s/udp-%s", fs, pn[k]);
			rep(&f, w, fam, tag);
			fb_udp(&f, ST_UDP_THEIRS, ports[k], 12);
			fb_done(&f);
			out(&f, emit, ctx);
		}
		/* echo replies: id:seq = the cookie, off by one, the map's */
		ck = steer_cookie(c, o, t, fam, icmp, 0, 0);
		uint32_t rests[3] = {ck, ck + 1, fam == 4 ? (uint32_t)ST_ECHO_ID << 16 | ST_ECHO_SEQ
							  : (uint32_t)ST_ECHO6_ID << 16 | ST_ECHO6_SEQ};
		for (int k = 0; k < 3; k++) {
			snprintf(tag, sizeof(tag), "st/%s/echo-reply-%s", fs, k == 0 ? "cookie" : k == 1 ? "wrong" : "map");
			rep(&f, w, fam, tag);
			fb_icmp(&f, echorep, 0, rests[k], 20);
			fb_done(&f);
			out(&f, emit, ctx);
		}
		/* ICMP errors from a router, quoting our probes: TCP SYN seq = C, UDP from the
		 * cookie port, echo with id:seq = C, a wrong seq, a later fragment, a cut quote */
		for (int k = 0; k < 8; k++) {
			static const char *const qn[8] = {"tcp", "udp", "echo", "tcp-wrong", "frag",
							  "cut", "map-tcp", "first-frag"};
			const uint8_t *router = fam == 4 ? w->other4 : w->other6;

			if (fam == 4)
				v4(&p, w, "probe", w->src4, w->dst4, NULL, 0,
				   k == 4 ? 0x0010 : k == 7 ? 0x2000 : 0);
			else
				v6(&p, w, "probe", w->src6, w->dst6);
			if (fam == 6 && (k & 1))
				fb_ext6(&p, 0, 8, 0); /* a quoted extension header */
			if (fam == 6 && (k == 4 || k == 7))
				fb_ext6(&p, 44, 8, k == 4 ? 0x0010 : 0x0001);
			switch (k) {
			case 0:
			case 3:
			case 4:
			case 5:
			case 7:
				fb_tcp(&p, ST_TCP_OURS, ST_TCP_THEIRS, 0x02,
				       steer_cookie(c, o, t, fam, 6, ST_TCP_OURS, ST_TCP_THEIRS) + (k == 3), 0, 0);
				break;
			case 1:
				fb_udp(&p, steer_sport(c, steer_cookie(c, o, t, fam, 17, 0, ST_UDP_THEIRS)),
				       ST_UDP_THEIRS, 4);
				break;
			case 2:
				fb_icmp(&p, echo, 0, steer_cookie(c, o, t, fam, icmp, 0, 0), 4);
				break;
			default:
				fb_tcp(&p, ST_TCP_OURS, ST_TCP_THEIRS, 0x02, 7, 0, 0);
			}
			fb_done(&p);
			snprintf(tag, sizeof(tag), "st/%s/error-quoting-%s", fs, qn[k]);
			if (fam == 4)
				v4(&f, w, tag, router, w->src4, NULL, 0, 0);
			else
				v6(&f, w, tag, router, w->src6);
			fb_icmp(&f, fam == 4 ? (k & 1 ? 11 : 3) : (k & 1 ? 3 : 1), fam == 4 ? 3 : 4, 0, 0);
			quote(&f, &p, k == 5 ? 4 : 8);
			fb_done(&f);
			out(&f, emit, ctx);
		}
		/* a frame the map alone knows: NA for the target (v6), ARP reply, GRE (v4) */
		if (fam == 6) {
			uint8_t *h;

			fb_eth(&f, "st/v6/na", w->mac_local, w->mac_peer, 0x86dd);
			fb_ip6(&f, w->dst6, w->src6, 255);
			fb_l4proto(&f, 58);
			h = fb_put(&f, NULL, 32);
			h[0] = 136;
			wr32(h + 4, 0x60000000);
			memcpy(h + 8, w->dst6, 16);
			h[24] = 2;
			h[25] = 1;
			memcpy(h + 26, w->mac_peer, 6);
			fb_done(&f);
			out(&f, emit, ctx);
		} else {
			for (int oper = 1; oper <= 2; oper++) {
				uint8_t *a;

				fb_eth(&f, oper == 2 ? "st/v4/arp-reply" : "st/v4/arp-request", w->mac_local,
				       w->mac_peer, 0x0806);
				a = fb_put(&f, NULL, 28);
				wr16(a, 1);
				wr16(a + 2, 0x0800);
				a[4] = 6;
				a[5] = 4;
				wr16(a + 6, (uint16_t)oper);
				memcpy(a + 8, w->mac_peer, 6);
				memcpy(a + 14, w->dst4, 4);
				memcpy(a + 18, w->mac_local, 6);
				memcpy(a + 24, w->src4, 4);
				out(&f, emit, ctx);
			}
			rep(&f, w, 4, "st/v4/gre");
			fb_put(&f, "\x00\x00\x08\x00" "0123456789abcdef", 20);
			fb_l4proto(&f, 47);
			fb_done(&f);
			out(&f, emit, ctx);
			rep(&f, w, 4, "st/v4/timestamp-reply-map");
			fb_icmp(&f, 14, 0, (uint32_t)ST_TS_ID << 16 | ST_TS_SEQ, 12);
			fb_done(&f);
			out(&f, emit, ctx);
			/* ours by the cookie, but with a wrong IP header checksum: dropped */
			rep(&f, w, 4, "st/v4/cookie-bad-ipcsum");
			tcp_reply(&f, 0x12, 1, steer_cookie(c, o, t, 4, 6, ST_TCP_OURS, ST_TCP_THEIRS) + 1);
			fb_done(&f);
			f.b[f.lo.l3 + 10] ^= 0x40;
			out(&f, emit, ctx);
			/* fragments: the first (MF) is judged, a later one is not */
			for (int k = 0; k < 2; k++) {
				rep(&f, w, 4, k ? "st/v4/frag-later" : "st/v4/frag-first");
				f.b[f.lo.l3 + 6] = k ? 0x00 : 0x20;
				f.b[f.lo.l3 + 7] = k ? 0x20 : 0x00;
				fb_icmp(&f, 0, 0, steer_cookie(c, o, t, 4, 1, 0, 0), 16);
				fb_done(&f);
				out(&f, emit, ctx);
			}
		}
	}
}
