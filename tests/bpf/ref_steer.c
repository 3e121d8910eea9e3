/* SPDX-License-Identifier: MIT */
/*
 * The reply-steering program's reference decision (bpf/steer.bpf.c), in plain C from its
 * header comment, bpf/cookie.h's description of the cookie, and its judges:
 *
 *   - an answer to one of our probes is recognised by the cookie (TCP: the reply's ack
 *     acknowledges the probe's seq = C, within 2 + the largest payload, or a RST's seq = C; UDP:
 *     our port is the one the cookie chose in the range; ICMP/ICMPv6 echo: id:seq = C) or by an
 *     entry of the expected-reply map (the same key from either direction), or both when both
 *     are on; ICMP errors are judged by the probe they quote;
 *   - ours -> redirected to the AF_XDP socket of its queue, or with WC_SF_COPY copied to the
 *     ring buffer and passed; with no socket on the queue: passed, counted as such;
 *   - ours but with a wrong IPv4 header checksum -> dropped;
 *   - everything else passed, counted by why (not a reply kind we wait for, wrong cookie, no
 *     map entry, malformed, a fragment after the first).
 *
 * The cookie's SipHash-2-4 is written again here, not taken from bpf/cookie.h, so that the
 * harness would notice if the header's hash stopped being SipHash-2-4 over the documented
 * words. The map's key layout is cookie.h's (struct wc_steer_key, wc_steer_key_make): that is
 * the contract between the program and userspace, not something to re-derive.
 */
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "harness.h"
#include "cookie.h"
#include "wirecraft/steer.h"

/* ---- SipHash-2-4 (Aumasson & Bernstein), on 64-bit little-endian words --------------------- */

static uint64_t rotl(uint64_t x, int b)
{
	return x << b | x >> (64 - b);
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1]; v[1] = rotl(v[1], 13); v[1] ^= v[0]; v[0] = rotl(v[0], 32);
	v[2] += v[3]; v[3] = rotl(v[3], 16); v[3] ^= v[2];
	v[0] += v[3]; v[3] = rotl(v[3], 21); v[3] ^= v[0];
	v[2] += v[1]; v[1] = rotl(v[1], 17); v[1] ^= v[2]; v[2] = rotl(v[2], 32);
}

static uint64_t sip24(const uint64_t *m, int n, uint64_t k0, uint64_t k1)
{
	uint64_t v[4] = {0x736f6d6570736575ULL ^ k0, 0x646f72616e646f6dULL ^ k1,
			 0x6c7967656e657261ULL ^ k0, 0x7465646279746573ULL ^ k1};
	uint64_t b = (uint64_t)(n * 8) << 56;

	for (int i = 0; i < n; i++) {
		v[3] ^= m[i];
		sipround(v);
		sipround(v);
		v[0] ^= m[i];
	}
	v[3] ^= b;
	sipround(v);
	sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- the flow and the cookie ------------------------------------------------------------ */

/* Seen from the probe: ours -> theirs. Addresses as the 32-bit words they are in memory. */
struct flow {
	uint32_t ours[4], theirs[4];
	uint8_t fam;
};

static void load_addr(uint32_t out[4], const uint8_t *p, int fam)
{
	memset(out, 0, 16);
	memcpy(out, p, fam == 4 ? 4 : 16);
}

uint32_t steer_cookie(const struct steer_cfg *c, const uint32_t *ours, const uint32_t *theirs,
		      int fam, uint8_t proto, uint16_t ourp, uint16_t theirp)
{
	uint64_t m[5], h, tail = (uint64_t)fam << 56 | (uint64_t)proto << 32 |
				   (uint64_t)ourp << 16 | theirp;

	if (fam == 4) {
		m[0] = (uint64_t)ours[0] << 32 | theirs[0];
		m[1] = tail;
		h = sip24(m, 2, c->key[0], c->key[1]);
	} else {
		m[0] = (uint64_t)ours[0] << 32 | ours[1];
		m[1] = (uint64_t)ours[2] << 32 | ours[3];
		m[2] = (uint64_t)theirs[0] << 32 | theirs[1];
		m[3] = (uint64_t)theirs[2] << 32 | theirs[3];
		m[4] = tail;
		h = sip24(m, 5, c->key[0], c->key[1]);
	}
	return (uint32_t)(h ^ h >> 32);
}

uint16_t steer_sport(const struct steer_cfg *c, uint32_t c32)
{
	return (uint16_t)(c->sport_lo + (uint16_t)(((uint64_t)c32 * c->sport_n) >> 32));
}

static uint32_t cookie_of(const struct steer_cfg *c, const struct flow *f, uint8_t proto,
			  uint16_t ourp, uint16_t theirp)
{
	return steer_cookie(c, f->ours, f->theirs, f->fam, proto, ourp, theirp);
}

/* ---- the expected-reply map ------------------------------------------------------------- */

static bool lookup(const struct steer_cfg *c, const struct flow *f, uint8_t kind, uint8_t proto,
		   uint16_t px, uint16_t py)
{
	struct wc_steer_key k;

	memset(&k, 0, sizeof(k));
	wc_steer_key_make(&k, kind, proto, f->fam, f->ours, px, f->theirs, py);
	for (unsigned i = 0; i < c->nexpect; i++)
		if (!memcmp(&c->expect[i], &k, sizeof(k)))
			return true;
	return false;
}

static int map_verdict(const struct steer_cfg *c, const struct flow *f, uint8_t kind,
		       uint8_t proto, uint16_t px, uint16_t py)
{
	return lookup(c, f, kind, proto, px, py) ? WC_SC_MAP : WC_SC_NO_ENTRY;
}

static int or_map(const struct steer_cfg *c, int v, const struct flow *f, uint8_t kind,
		  uint8_t proto, uint16_t px, uint16_t py)
{
	if (v == WC_SC_COOKIE || !(c->flags & WC_SF_MAP))
		return v;
	return lookup(c, f, kind, proto, px, py) ? WC_SC_MAP : v;
}

/* ---- judges ----------------------------------------------------------------------------- */

static int judge_tcp(const struct steer_cfg *c, const struct flow *f, uint16_t ourp,
		     uint16_t theirp, uint32_t seq, uint32_t ack, bool has_ack, bool quoted)
{
	int v = WC_SC_PASS;

	if (c->flags & (WC_SF_TCP_SEQ | WC_SF_TCP_ACK)) {
		/* tracing: the TTL in the low bits; the rest is the cookie */
		uint32_t ck = cookie_of(c, f, 6, ourp, theirp) & ~c->trace_mask;

		v = WC_SC_BAD_COOKIE;
		if (quoted) {
			if ((c->flags & WC_SF_TCP_SEQ) && seq - ck <= c->trace_mask)
				v = WC_SC_COOKIE;
		} else {
			if ((c->flags & WC_SF_TCP_SEQ) && has_ack && ack - ck <= 2 + c->tcp_extra)
				v = WC_SC_COOKIE;
			if ((c->flags & WC_SF_TCP_ACK) && seq - ck <= 2)
				v = WC_SC_COOKIE;
		}
	} else if (c->flags & WC_SF_MAP) {
		return map_verdict(c, f, WC_SK_TCP, 6, ourp, theirp);
	}
	return or_map(c, v, f, WC_SK_TCP, 6, ourp, theirp);
}

static int judge_udp(const struct steer_cfg *c, const struct flow *f, uint16_t ourp,
		     uint16_t theirp)
{
	int v = WC_SC_PASS;

	if ((c->flags & WC_SF_UDP) && (uint32_t)(ourp - c->sport_lo) < c->sport_n) {
		uint32_t ck = cookie_of(c, f, 17, 0, theirp);

		v = ourp == steer_sport(c, ck) ? WC_SC_COOKIE : WC_SC_BAD_COOKIE;
	} else if (c->flags & WC_SF_MAP) {
		return map_verdict(c, f, WC_SK_UDP, 17, ourp, theirp);
	}
	return or_map(c, v, f, WC_SK_UDP, 17, ourp, theirp);
}

static int judge_icmp(const struct steer_cfg *c, const struct flow *f, uint8_t proto,
		      uint8_t kind, bool cookie, uint16_t id, uint16_t seq)
{
	int v = WC_SC_PASS;

	if (cookie) {
		uint32_t ck = cookie_of(c, f, proto, 0, 0) & ~c->trace_mask;

		v = ((uint32_t)id << 16 | seq) - ck <= c->trace_mask ? WC_SC_COOKIE : WC_SC_BAD_COOKIE;
	} else if (c->flags & WC_SF_MAP) {
		return map_verdict(c, f, kind, proto, id, seq);
	}
	return or_map(c, v, f, kind, proto, id, seq);
}

static int judge_ip(const struct steer_cfg *c, const struct flow *f, uint8_t proto)
{
	if (!(c->flags & WC_SF_MAP))
		return WC_SC_PASS;
	return map_verdict(c, f, WC_SK_IP, proto, 0, 0);
}

/* The probe's first 8 L4 bytes, as an ICMP error quotes them. */
static int judge_quoted_l4(const struct steer_cfg *c, const struct flow *f, uint8_t proto,
			   const uint8_t *l4)
{
	uint16_t sport = rd16(l4), dport = rd16(l4 + 2);
	uint32_t seq = rd32(l4 + 4);

	switch (proto) {
	case 6:
		return judge_tcp(c, f, sport, dport, seq, 0, false, true);
	case 17:
		return judge_udp(c, f, sport, dport);
	case 1:
		if (l4[0] == 8 || l4[0] == 13 || l4[0] == 15 || l4[0] == 17)
			return judge_icmp(c, f, 1, WC_SK_ICMP, (c->flags & WC_SF_ICMP) && l4[0] == 8,
					  (uint16_t)(seq >> 16), (uint16_t)seq);
		return judge_ip(c, f, proto);
	case 58:
		if (l4[0] == 128)
			return judge_icmp(c, f, 58, WC_SK_ICMP6, c->flags & WC_SF_ICMP6,
					  (uint16_t)(seq >> 16), (uint16_t)seq);
		return judge_ip(c, f, proto);
	}
	return judge_ip(c, f, proto);
}

/* The quoted datagram: only its own header and 8 bytes need be in the frame (its lengths are
 * the original's, longer than the quote). Checked against the frame's end. */
static int quoted4(const struct steer_cfg *c, const uint8_t *f, size_t n, size_t at)
{
	const uint8_t *q = f + at;
	struct flow fl = {.fam = 4};
	size_t l4;

	if (at + 20 > n || q[0] >> 4 != 4 || (q[0] & 15) < 5)
		return WC_SC_MALFORMED;
	l4 = at + (size_t)(q[0] & 15) * 4;
	if (l4 + 8 > n)
		return WC_SC_MALFORMED;
	if (rd16(q + 6) & 0x1fff)
		return WC_SC_FRAGMENT;
	load_addr(fl.ours, q + 12, 4);
	load_addr(fl.theirs, q + 16, 4);
	return judge_quoted_l4(c, &fl, q[9], f + l4);
}

static int quoted6(const struct steer_cfg *c, const uint8_t *f, size_t n, size_t at)
{
	const uint8_t *q = f + at;
	struct flow fl = {.fam = 6};
	size_t pos = at + 40;
	uint8_t nh;

	if (at + 40 > n || q[0] >> 4 != 6)
		return WC_SC_MALFORMED;
	nh = q[6];
	for (int i = 0; i < 6; i++) {
		size_t len;

		if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
			break;
		if (pos + 8 > n)
			return WC_SC_MALFORMED;
		if (nh == 44) {
			if (rd16(f + pos + 2) & 0xfff8) /* not the first fragment */
				return WC_SC_FRAGMENT;
			len = 8;
		} else if (nh == 51) {
			len = ((size_t)f[pos + 1] + 2) * 4;
		} else {
			len = ((size_t)f[pos + 1] + 1) * 8;
		}
		nh = f[pos];
		pos += len;
	}
	if (pos + 8 > n)
		return WC_SC_MALFORMED;
	load_addr(fl.ours, q + 8, 6);
	load_addr(fl.theirs, q + 24, 6);
	return judge_quoted_l4(c, &fl, nh, f + pos);
}

static bool ipv4_csum_ok(const uint8_t *ip)
{
	return csum_fold(csum_add(0, ip, (size_t)(ip[0] & 15) * 4)) == 0xffff;
}

static int ip4(const struct steer_cfg *c, const uint8_t *f, size_t n, size_t l3)
{
	const uint8_t *ip = f + l3;
	struct flow fl = {.fam = 4};
	size_t hl, tot, l4, l4len;
	int v;

	if (l3 + 20 > n || ip[0] >> 4 != 4 || (ip[0] & 15) < 5)
		return WC_SC_MALFORMED;
	hl = (size_t)(ip[0] & 15) * 4;
	tot = rd16(ip + 2);
	if (tot < hl || l3 + tot > n)
		return WC_SC_MALFORMED;
	if (rd16(ip + 6) & 0x1fff)
		return WC_SC_FRAGMENT;
	l4 = l3 + hl;
	l4len = tot - hl;
	load_addr(fl.ours, ip + 16, 4);
	load_addr(fl.theirs, ip + 12, 4);
	switch (ip[9]) {
	case 6: {
		size_t doff;

		if (l4 + 20 > n || l4len < 20)
			return WC_SC_MALFORMED;
		doff = (size_t)(f[l4 + 12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return WC_SC_MALFORMED;
		v = judge_tcp(c, &fl, rd16(f + l4 + 2), rd16(f + l4), rd32(f + l4 + 4),
			      rd32(f + l4 + 8), f[l4 + 13] & 0x10, false);
		break;
	}
	case 17:
		if (l4 + 8 > n || l4len < 8 || rd16(f + l4 + 4) < 8 || rd16(f + l4 + 4) > l4len)
			return WC_SC_MALFORMED;
		v = judge_udp(c, &fl, rd16(f + l4 + 2), rd16(f + l4));
		break;
	case 1: {
		uint32_t rest;

		if (l4 + 8 > n || l4len < 8)
			return WC_SC_MALFORMED;
		rest = rd32(f + l4 + 4);
		switch (f[l4]) {
		case 0:
			v = judge_icmp(c, &fl, 1, WC_SK_ICMP, c->flags & WC_SF_ICMP,
				       (uint16_t)(rest >> 16), (uint16_t)rest);
			break;
		case 14:
		case 16:
		case 18:
			v = judge_icmp(c, &fl, 1, WC_SK_ICMP, false, (uint16_t)(rest >> 16),
				       (uint16_t)rest);
			break;
		case 3:
		case 4:
		case 5:
		case 11:
		case 12:
			v = quoted4(c, f, n, l4 + 8);
			break;
		default:
			v = judge_ip(c, &fl, 1);
		}
		break;
	}
	default:
		v = judge_ip(c, &fl, ip[9]);
	}
	if ((v == WC_SC_COOKIE || v == WC_SC_MAP) && !ipv4_csum_ok(ip))
		return WC_SC_DROP_IPCSUM;
	return v;
}

static bool is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 51 || nh == 44;
}

static int ip6(const struct steer_cfg *c, const uint8_t *f, size_t n, size_t l3)
{
	const uint8_t *ip = f + l3;
	struct flow fl = {.fam = 6};
	size_t pos, end, plen, l4len;
	bool frag = false;
	uint8_t nh;

	/* the same framing rules as the reflector's (bpf/parse.h: wc_parse_ipv6) */
	if (l3 + 40 > n || ip[0] >> 4 != 6)
		return WC_SC_MALFORMED;
	plen = rd16(ip + 4);
	nh = ip[6];
	if (plen == 0 && nh != 59)
		return WC_SC_MALFORMED;
	pos = l3 + 40;
	end = pos + plen;
	if (end > n)
		return WC_SC_MALFORMED;
	for (int i = 0; i < 6 && is_ext(nh); i++) {
		size_t len;

		if (nh == 44) {
			if (pos + 8 > n)
				return WC_SC_MALFORMED;
			if (rd16(f + pos + 2) & 0xfff9)
				frag = true;
			len = 8;
		} else {
			if (pos + 2 > n)
				return WC_SC_MALFORMED;
			len = nh == 51 ? ((size_t)f[pos + 1] + 2) * 4 : ((size_t)f[pos + 1] + 1) * 8;
		}
		nh = f[pos];
		pos += len;
		if (pos > end)
			return WC_SC_MALFORMED;
	}
	if (is_ext(nh))
		return WC_SC_MALFORMED;
	if (frag)
		return WC_SC_FRAGMENT;
	l4len = end - pos;
	load_addr(fl.ours, ip + 24, 6);
	load_addr(fl.theirs, ip + 8, 6);
	switch (nh) {
	case 6: {
		size_t doff;

		if (pos + 20 > n || l4len < 20)
			return WC_SC_MALFORMED;
		doff = (size_t)(f[pos + 12] >> 4) * 4;
		if (doff < 20 || doff > l4len)
			return WC_SC_MALFORMED;
		return judge_tcp(c, &fl, rd16(f + pos + 2), rd16(f + pos), rd32(f + pos + 4),
				 rd32(f + pos + 8), f[pos + 13] & 0x10, false);
	}
	case 17:
		if (pos + 8 > n || l4len < 8 || rd16(f + pos + 4) < 8 || rd16(f + pos + 4) > l4len)
			return WC_SC_MALFORMED;
		return judge_udp(c, &fl, rd16(f + pos + 2), rd16(f + pos));
	case 58:
		if (pos + 8 > n || l4len < 8)
			return WC_SC_MALFORMED;
		switch (f[pos]) {
		case 129:
			return judge_icmp(c, &fl, 58, WC_SK_ICMP6, c->flags & WC_SF_ICMP6,
					  rd16(f + pos + 4), rd16(f + pos + 6));
		case 1:
		case 2:
		case 3:
		case 4:
			return quoted6(c, f, n, pos + 8);
		case 136: {
			struct flow t = {.fam = 6};

			if (!(c->flags & WC_SF_MAP))
				return WC_SC_PASS;
			if (pos + 24 > n || l4len < 24)
				return WC_SC_MALFORMED;
			load_addr(t.ours, f + pos + 8, 6);
			return map_verdict(c, &t, WC_SK_ND, 0, 0, 0);
		}
		}
		return judge_ip(c, &fl, 58);
	}
	return judge_ip(c, &fl, nh);
}

static int arp(const struct steer_cfg *c, const uint8_t *f, size_t n, size_t l3)
{
	const uint8_t *a = f + l3;
	struct flow fl = {.fam = 4};

	if (!(c->flags & WC_SF_MAP))
		return WC_SC_PASS;
	if (l3 + 28 > n || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
		return WC_SC_PASS;
	if (rd16(a + 6) != 2)
		return WC_SC_PASS;
	load_addr(fl.ours, a + 24, 4);
	load_addr(fl.theirs, a + 14, 4);
	return map_verdict(c, &fl, WC_SK_ARP, 0, 0, 0);
}

int ref_steer(const struct steer_cfg *c, const uint8_t *f, size_t n, int *xdp)
{
	uint16_t proto;
	size_t off = 14;
	int v;

	*xdp = XDP_PASS;
	if (n < 14)
		return WC_SC_MALFORMED;
	proto = rd16(f + 12);
	for (int i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		if (off + 4 > n)
			return WC_SC_MALFORMED;
		proto = rd16(f + off + 2);
		off += 4;
	}
	if (proto == 0x8100 || proto == 0x88a8)
		return WC_SC_MALFORMED;
	switch (proto) {
	case 0x0806:
		v = arp(c, f, n, off);
		break;
	case 0x0800: /* a family without probes: never ours, not even looked at */
		v = (c->flags & WC_SF_NO_IP4) ? WC_SC_PASS : ip4(c, f, n, off);
		break;
	case 0x86dd:
		v = (c->flags & WC_SF_NO_IP6) ? WC_SC_PASS : ip6(c, f, n, off);
		break;
	default:
		v = WC_SC_PASS;
	}
	if (v == WC_SC_COOKIE || v == WC_SC_MAP) {
		/* a copy, or a redirect; the harness gives the XSKMAP no socket, so a redirect
		 * finds none */
		return (c->flags & WC_SF_COPY) ? v : WC_SC_NO_SOCKET;
	}
	if (v == WC_SC_DROP_IPCSUM)
		*xdp = XDP_DROP;
	return v;
}
