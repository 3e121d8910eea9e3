/* SPDX-License-Identifier: MIT */
/*
 * The reflector's reference decision, in plain C, from the rules in the header comment of
 * bpf/reflect.bpf.c and the comments of its handlers:
 *
 *   - up to two VLAN tags; a third, or a truncated tag, is malformed
 *   - a multicast Ethernet source is never answered (passed)
 *   - ARP who-has for a population address -> is-at, unless a probe/gratuitous ARP (sender 0 or
 *     sender == target), the target is a network/broadcast address, or the sender MAC is
 *     multicast; ARP that is not IPv4-over-Ethernet, or not a request, is passed
 *   - IPv4: framing (version, IHL, total length inside the frame) or else malformed; not for the
 *     population (or excluded) -> passed; a network/broadcast destination, a source that is not
 *     unicast, or a multicast Ethernet destination -> ignored; a bad header checksum ->
 *     malformed; a fragment -> ignored
 *   - IPv6: framing and at most 6 extension headers or else malformed; the same population and
 *     source rules; Neighbour Solicitations are looked at whatever their destination (they go to
 *     a solicited-node group) and answered when their target is ours, their hop limit is 255,
 *     their code 0, their source unicast and their destination the target or its group
 *   - TCP: only a plain SYN is a probe; open port -> SYN-ACK (MSS option only if the SYN had
 *     options), closed -> RST-ACK if enabled
 *   - UDP: open port -> echo (never when the source port is the destination port or an open
 *     port: two reflectors would ping-pong), closed -> port unreachable if enabled; over IPv6 a
 *     zero checksum is malformed, and at most 64 bytes of extension headers are quoted
 *   - ICMP/ICMPv6 echo request with code 0 -> echo reply if enabled
 *   - L4 checksums are verified (TCP/UDP also accept the "partial" form a local sender's
 *     offload leaves); wrong -> malformed; longer than 4096 bytes -> ignored
 *
 * The reference works on bytes only (it never sees how a frame was made), so it judges corpus
 * frames and random mutations as well as the generated probes.
 */
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "harness.h"
#include "wirecraft/xdp.h"

#define CSUM_MAX 4096 /* WC_CSUM_PKT_MAX: longer L4 messages are not verified, not answered */
#define MAX_EXT_LEN 2048
#define UNREACH6_MAX_EXT 64

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += rd16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* ---- population ------------------------------------------------------------------------- */

static bool in_hosts4(const struct reflect_cfg *c, const uint8_t *a)
{
	if (!(c->flags & WC_RF_HOSTS4))
		return false;
	for (int i = 0; i < 4; i++)
		if ((a[i] & c->mask4[i]) != c->net4[i])
			return false;
	return true;
}

static bool excluded4(const struct reflect_cfg *c, const uint8_t *a)
{
	for (unsigned i = 0; i < c->n_excl4; i++)
		if (!memcmp(c->excl4[i], a, 4))
			return true;
	return false;
}

/* Network and broadcast addresses of a prefix shorter than /31 are not hosts. */
static bool host4_ok(const struct reflect_cfg *c, const uint8_t *a)
{
	uint32_t m = rd32(c->mask4), h = rd32(a) & ~m;

	if (m >= 0xfffffffe)
		return true;
	return h != 0 && h != ~m;
}

static bool src4_ok(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && (a[0] >> 4) < 14;
}

static bool in_hosts6(const struct reflect_cfg *c, const uint8_t *a)
{
	if (!(c->flags & WC_RF_HOSTS6))
		return false;
	for (int i = 0; i < 16; i++)
		if ((a[i] & c->mask6[i]) != c->net6[i])
			return false;
	return true;
}

static bool excluded6(const struct reflect_cfg *c, const uint8_t *a)
{
	for (unsigned i = 0; i < c->n_excl6; i++)
		if (!memcmp(c->excl6[i], a, 16))
			return true;
	return false;
}

static bool src6_ok(const uint8_t *a)
{
	static const uint8_t zero[15];

	if (a[0] == 0xff)
		return false;
	return !(memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1));
}

static bool port_open(const uint16_t *ports, unsigned n, uint16_t p)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == p)
			return true;
	return false;
}

/* ---- checksums -------------------------------------------------------------------------- */

/* 1 right, 0 wrong, -1 too long to verify. `partial` accepts a field holding just the folded
 * pseudo-header sum (checksum offload on a local sender). */
static int l4_ok(const uint8_t *l4, size_t len, uint32_t psum, size_t field_off, bool partial)
{
	if (len > CSUM_MAX)
		return -1;
	if (csum_fold(csum_add(psum, l4, len)) == 0xffff)
		return 1;
	return partial && rd16(l4 + field_off) == csum_fold(psum);
}

static uint32_t psum4(const uint8_t *ip, uint8_t proto, uint32_t len)
{
	uint32_t s = csum_add(0, ip + 12, 8);

	return s + proto + (uint16_t)len;
}

static uint32_t psum6(const uint8_t *ip6, uint8_t proto, uint32_t len)
{
	uint32_t s = csum_add(0, ip6 + 8, 32);

	return s + proto + (uint16_t)len;
}

static int csum_verdict(int ok)
{
	return ok < 0 ? WC_RC_IGNORED : WC_RC_MALFORMED;
}

/* ---- L4 --------------------------------------------------------------------------------- */

/* TCP over either family; iphl is the reply's IP header length (20 or 40). */
static int tcp_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r,
		   uint32_t psum, size_t iphl)
{
	size_t l4 = r->l4, doff;
	uint8_t fl;
	int rc, ok;

	if (l4 + 20 > n || r->l4len < 20)
		return WC_RC_MALFORMED;
	doff = (size_t)(f[l4 + 12] >> 4) * 4;
	if (doff < 20 || doff > r->l4len)
		return WC_RC_MALFORMED;
	fl = f[l4 + 13];
	if ((fl & 0x17) != 0x02) /* SYN without ACK, RST, FIN */
		return WC_RC_IGNORED;
	if (port_open(c->tcp_open, c->n_tcp_open, rd16(f + l4 + 2)))
		rc = WC_RC_SYNACK;
	else if (c->flags & WC_RF_RST)
		rc = WC_RC_RST;
	else
		return WC_RC_IGNORED;
	ok = l4_ok(f + l4, r->l4len, psum, 16, true);
	if (ok <= 0)
		return csum_verdict(ok);
	r->hlen = doff;
	r->newlen = r->l2 + iphl + (rc == WC_RC_SYNACK && doff > 20 ? 24 : 20);
	return rc;
}

static int udp_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r,
		   uint32_t psum_nolen, int family)
{
	size_t l4 = r->l4;
	uint16_t sp, dp;
	int ok;

	if (l4 + 8 > n || r->l4len < 8)
		return WC_RC_MALFORMED;
	r->ulen = rd16(f + l4 + 4);
	if (r->ulen < 8 || r->ulen > r->l4len)
		return WC_RC_MALFORMED;
	if (rd16(f + l4 + 6) == 0) {
		if (family == 6) /* mandatory over IPv6 */
			return WC_RC_MALFORMED;
	} else {
		ok = l4_ok(f + l4, r->ulen, psum_nolen + (uint32_t)r->ulen, 6, true);
		if (ok <= 0)
			return csum_verdict(ok);
	}
	sp = rd16(f + l4);
	dp = rd16(f + l4 + 2);
	if (!port_open(c->udp_open, c->n_udp_open, dp)) {
		if (!(c->flags & WC_RF_UNREACH))
			return WC_RC_IGNORED;
		if (family == 4) {
			r->newlen = r->l2 + 28 + r->hlen + 8;
		} else {
			if (r->ext > UNREACH6_MAX_EXT)
				return WC_RC_IGNORED;
			r->newlen = r->l2 + 48 + 40 + r->ext + 8;
		}
		return WC_RC_UNREACH;
	}
	if (sp == dp || port_open(c->udp_open, c->n_udp_open, sp))
		return WC_RC_IGNORED;
	r->newlen = r->l2 + (family == 4 ? 20 : 40) + r->ulen;
	return WC_RC_UDP_ECHO;
}

static int icmp_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r,
		    uint32_t psum, int family)
{
	size_t l4 = r->l4;
	int ok;

	if (l4 + 8 > n || r->l4len < 8)
		return WC_RC_MALFORMED;
	if (f[l4] != (family == 4 ? 8 : 128) || f[l4 + 1] != 0 || !(c->flags & WC_RF_ICMP))
		return WC_RC_IGNORED;
	ok = l4_ok(f + l4, r->l4len, psum, 2, false); /* ICMP is never offloaded */
	if (ok <= 0)
		return csum_verdict(ok);
	r->newlen = r->l2 + (family == 4 ? 20 : 40) + r->l4len;
	return WC_RC_ECHO;
}

/* ---- ARP -------------------------------------------------------------------------------- */

static int arp_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	const uint8_t *a = f + r->l3;
	const uint8_t *spa, *tpa;

	if (r->l3 + 28 > n || rd16(a) != 1 || rd16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4)
		return WC_RC_PASS;
	if (rd16(a + 6) != 1)
		return WC_RC_PASS;
	spa = a + 14;
	tpa = a + 24;
	if (!in_hosts4(c, tpa) || excluded4(c, tpa))
		return WC_RC_PASS;
	if (rd32(spa) == 0 || !memcmp(spa, tpa, 4) || !host4_ok(c, tpa) || (a[8] & 1))
		return WC_RC_IGNORED;
	r->newlen = 0; /* answered in place, at the length it came with, padding and all */
	return WC_RC_ARP;
}

/* ---- IPv4 ------------------------------------------------------------------------------- */

static int ip4_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	const uint8_t *ip = f + r->l3;
	size_t tot;

	if (r->l3 + 20 > n || ip[0] >> 4 != 4 || (ip[0] & 15) < 5)
		return WC_RC_MALFORMED;
	r->hlen = (size_t)(ip[0] & 15) * 4;
	tot = rd16(ip + 2);
	if (tot < r->hlen || r->l3 + tot > n)
		return WC_RC_MALFORMED;
	r->l4 = r->l3 + r->hlen;
	r->l4len = tot - r->hlen;
	if (!in_hosts4(c, ip + 16) || excluded4(c, ip + 16))
		return WC_RC_PASS;
	if (!host4_ok(c, ip + 16) || !src4_ok(ip + 12) || (f[0] & 1))
		return WC_RC_IGNORED;
	if (csum_fold(csum_add(0, ip, r->hlen)) != 0xffff)
		return WC_RC_MALFORMED;
	if (rd16(ip + 6) & 0x3fff)
		return WC_RC_IGNORED;
	switch (ip[9]) {
	case 6:
		return tcp_ref(c, f, n, r, psum4(ip, 6, (uint32_t)r->l4len), 20);
	case 17:
		return udp_ref(c, f, n, r, psum4(ip, 17, 0), 4);
	case 1:
		return icmp_ref(c, f, n, r, 0, 4);
	}
	return WC_RC_IGNORED;
}

/* ---- IPv6 ------------------------------------------------------------------------------- */

static bool is_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 51 || nh == 44;
}

static int ns_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	const uint8_t *ip6 = f + r->l3, *ns = f + r->l4, *t = ns + 8, *d = ip6 + 24;
	static const uint8_t snm[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
	int ok;

	if (r->l4 + 24 > n || r->l4len < 24)
		return WC_RC_MALFORMED;
	if (!in_hosts6(c, t) || excluded6(c, t))
		return WC_RC_PASS;
	ok = l4_ok(ns, r->l4len, psum6(ip6, 58, (uint32_t)r->l4len), 2, false);
	if (ok <= 0)
		return csum_verdict(ok);
	if (ns[1] != 0 || ip6[7] != 255 || !src6_ok(ip6 + 8))
		return WC_RC_IGNORED;
	/* to the target itself or to its solicited-node group ff02::1:ffXX:XXXX */
	if (memcmp(d, t, 16) && !(memcmp(d, snm, 13) == 0 && !memcmp(d + 13, t + 13, 3)))
		return WC_RC_IGNORED;
	r->newlen = r->l2 + 40 + 24 + (r->l4len >= 32 ? 8 : 0);
	return WC_RC_NDP;
}

static int ip6_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	const uint8_t *ip6 = f + r->l3;
	size_t pos, end, plen;
	bool frag = false;
	uint8_t nh;
	int i;

	if (r->l3 + 40 > n || ip6[0] >> 4 != 6)
		return WC_RC_MALFORMED;
	plen = rd16(ip6 + 4);
	nh = ip6[6];
	if (plen == 0 && nh != 59) /* a jumbogram */
		return WC_RC_MALFORMED;
	pos = r->l3 + 40;
	end = pos + plen;
	if (end > n)
		return WC_RC_MALFORMED;
	for (i = 0; i < 6 && is_ext(nh); i++) {
		size_t len;

		if (nh == 44) {
			if (pos + 8 > n)
				return WC_RC_MALFORMED;
			if (rd16(f + pos + 2) & 0xfff9) /* offset or M: not an atomic fragment */
				frag = true;
			len = 8;
		} else {
			if (pos + 2 > n)
				return WC_RC_MALFORMED;
			len = nh == 51 ? ((size_t)f[pos + 1] + 2) * 4 : ((size_t)f[pos + 1] + 1) * 8;
		}
		nh = f[pos];
		pos += len;
		if (pos > end)
			return WC_RC_MALFORMED;
	}
	if (is_ext(nh)) /* a chain too long to follow */
		return WC_RC_MALFORMED;
	r->ext = pos - (r->l3 + 40);
	r->l4 = pos;
	r->l4len = end - pos;
	if (!(c->flags & WC_RF_HOSTS6))
		return WC_RC_PASS;
	if (r->ext > MAX_EXT_LEN)
		return WC_RC_IGNORED;
	if (nh == 58) {
		if (pos + 8 > n)
			return WC_RC_MALFORMED;
		if (f[pos] == 135)
			return frag ? WC_RC_IGNORED : ns_ref(c, f, n, r);
	}
	if (!in_hosts6(c, ip6 + 24) || excluded6(c, ip6 + 24))
		return WC_RC_PASS;
	if (!src6_ok(ip6 + 8) || (f[0] & 1) || frag)
		return WC_RC_IGNORED;
	switch (nh) {
	case 6:
		return tcp_ref(c, f, n, r, psum6(ip6, 6, (uint32_t)r->l4len), 40);
	case 17:
		return udp_ref(c, f, n, r, psum6(ip6, 17, 0), 6);
	case 58:
		return icmp_ref(c, f, n, r, psum6(ip6, 58, (uint32_t)r->l4len), 6);
	}
	return WC_RC_IGNORED;
}

/* ---- entry ------------------------------------------------------------------------------ */

static int l2_ref(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	uint16_t proto = rd16(f + 12);
	size_t off = 14;

	for (int i = 0; i < 2 && (proto == 0x8100 || proto == 0x88a8); i++) {
		if (off + 4 > n)
			return WC_RC_MALFORMED;
		proto = rd16(f + off + 2);
		off += 4;
	}
	if (proto == 0x8100 || proto == 0x88a8)
		return WC_RC_MALFORMED;
	r->l2 = r->l3 = off;
	if (f[6] & 1)
		return WC_RC_PASS;
	switch (proto) {
	case 0x0806:
		return arp_ref(c, f, n, r);
	case 0x0800:
		return ip4_ref(c, f, n, r);
	case 0x86dd:
		return ip6_ref(c, f, n, r);
	}
	return WC_RC_PASS;
}

void ref_reflect(const struct reflect_cfg *c, const uint8_t *f, size_t n, struct ref_result *r)
{
	memset(r, 0, sizeof(*r));
	r->rc = n < 14 ? WC_RC_MALFORMED : l2_ref(c, f, n, r);
	switch (r->rc) {
	case WC_RC_PASS:
	case WC_RC_IGNORED:
	case WC_RC_MALFORMED:
		r->xdp = XDP_PASS;
		r->newlen = 0;
		break;
	case WC_RC_ERROR:
		r->xdp = XDP_DROP;
		break;
	default:
		r->xdp = XDP_TX;
	}
}

/* ---- HalfSipHash-1-3, as the program computes the SYN-ACK ISN --------------------------- */

#define ROTL(x, b) (uint32_t)(((x) << (b)) | ((x) >> (32 - (b))))
static void hround(uint32_t *v)
{
	v[0] += v[1]; v[1] = ROTL(v[1], 5); v[1] ^= v[0]; v[0] = ROTL(v[0], 16);
	v[2] += v[3]; v[3] = ROTL(v[3], 8); v[3] ^= v[2];
	v[0] += v[3]; v[3] = ROTL(v[3], 7); v[3] ^= v[0];
	v[2] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[2]; v[2] = ROTL(v[2], 16);
}

uint32_t ref_hsip13(const uint32_t key[2], const uint32_t *m, int n)
{
	uint32_t v[4] = {key[0], key[1], 0x6c796765 ^ key[0], 0x74656462 ^ key[1]};
	uint32_t b = (uint32_t)(n * 4) << 24;

	for (int i = 0; i < n; i++) {
		v[3] ^= m[i];
		hround(v);
		v[0] ^= m[i];
	}
	v[3] ^= b;
	hround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	hround(v);
	hround(v);
	hround(v);
	return v[1] ^ v[3];
}

/* ---- the answer check ------------------------------------------------------------------- */

#define FAIL(...)                                                                          \
	do {                                                                               \
		snprintf(why, whylen, __VA_ARGS__);                                        \
		return why;                                                                \
	} while (0)

static uint32_t ld32(const uint8_t *p) /* a host-order load, as the program does */
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void mac_of(uint8_t mac[6], const uint8_t a4[4])
{
	mac[0] = 0x02;
	mac[1] = 0x00;
	memcpy(mac + 2, a4, 4);
}

/* TCP answer at t (len bytes) to the probe segment at p; addresses for the ISN. */
static const char *check_tcp(const struct reflect_cfg *c, const struct ref_result *r,
			     const uint8_t *p, const uint8_t *t, size_t len, uint32_t psum,
			     const uint8_t *sa, const uint8_t *da, int alen, uint16_t mss, char *why,
			     size_t whylen)
{
	uint32_t seq = rd32(p + 4);

	if (csum_fold(csum_add(psum, t, len)) != 0xffff)
		FAIL("TCP checksum wrong");
	if (rd16(t) != rd16(p + 2) || rd16(t + 2) != rd16(p))
		FAIL("TCP ports not swapped");
	if ((size_t)(t[12] >> 4) * 4 != len || t[12] & 15)
		FAIL("TCP data offset %u for %zu bytes", (unsigned)(t[12] >> 4), len);
	if (rd16(t + 18))
		FAIL("TCP urgent pointer set");
	if (r->rc == WC_RC_SYNACK) {
		uint32_t m[9];
		int nm = 0;

		if (t[13] != 0x12)
			FAIL("SYN-ACK flags 0x%02x", (unsigned)t[13]);
		if (rd32(t + 8) != seq + 1)
			FAIL("SYN-ACK ack %u, want %u", rd32(t + 8), seq + 1);
		for (int i = 0; i < alen / 4; i++)
			m[nm++] = ld32(sa + 4 * i);
		for (int i = 0; i < alen / 4; i++)
			m[nm++] = ld32(da + 4 * i);
		m[nm++] = (uint32_t)ld16(p) << 16 | ld16(p + 2);
		if (rd32(t + 4) != ref_hsip13(c->key, m, nm))
			FAIL("SYN-ACK ISN is not the keyed hash of the 4-tuple");
		if (len != (r->hlen > 20 ? 24u : 20u))
			FAIL("SYN-ACK of %zu bytes for a SYN with %zu", len, r->hlen);
		if (len == 24 && (rd16(t + 20) != 0x0204 || rd16(t + 22) != mss))
			FAIL("SYN-ACK MSS option wrong");
	} else {
		uint32_t want = seq + 1 + (uint32_t)(r->l4len - r->hlen);

		if (t[13] != 0x14)
			FAIL("RST flags 0x%02x", (unsigned)t[13]);
		if (rd32(t + 4) != 0 || rd32(t + 8) != want)
			FAIL("RST seq/ack %u/%u, want 0/%u", rd32(t + 4), rd32(t + 8), want);
		if (rd16(t + 14))
			FAIL("RST with a window");
	}
	return NULL;
}

static const char *check_ip4(const struct reflect_cfg *c, const uint8_t *f, size_t n,
			     const struct ref_result *r, const uint8_t *x, size_t xn, char *why,
			     size_t whylen)
{
	const uint8_t *pi = f + r->l3, *ri = x + r->l2, *pl4 = f + r->l4, *rl4 = ri + 20;
	size_t l4n = xn - r->l2 - 20;
	uint8_t proto = r->rc == WC_RC_UNREACH ? 1 : pi[9];

	(void)n;
	if (ri[0] != 0x45)
		FAIL("reply IP version/IHL 0x%02x (options must go)", (unsigned)ri[0]);
	if (rd16(ri + 2) != xn - r->l2)
		FAIL("reply IP total length %u for %zu bytes", (unsigned)rd16(ri + 2), xn - r->l2);
	if (csum_fold(csum_add(0, ri, 20)) != 0xffff)
		FAIL("reply IP header checksum wrong");
	if (memcmp(ri + 12, pi + 16, 4) || memcmp(ri + 16, pi + 12, 4))
		FAIL("reply IP addresses not swapped");
	if (ri[8] != 64)
		FAIL("reply TTL %u", (unsigned)ri[8]);
	if (ri[9] != proto)
		FAIL("reply IP protocol %u, want %u", (unsigned)ri[9], (unsigned)proto);
	if (rd16(ri + 6) & 0x3fff)
		FAIL("reply is a fragment");
	switch (r->rc) {
	case WC_RC_SYNACK:
	case WC_RC_RST:
		return check_tcp(c, r, pl4, rl4, l4n, psum4(ri, 6, (uint32_t)l4n), pi + 12, pi + 16,
				 4, c->mss4, why, whylen);
	case WC_RC_UDP_ECHO:
		if (l4n != r->ulen || rd16(rl4 + 4) != r->ulen)
			FAIL("UDP echo of %zu bytes, probe had %zu", l4n, r->ulen);
		if (rd16(rl4) != rd16(pl4 + 2) || rd16(rl4 + 2) != rd16(pl4))
			FAIL("UDP ports not swapped");
		if (memcmp(rl4 + 8, pl4 + 8, r->ulen - 8))
			FAIL("UDP echo payload differs");
		if (rd16(pl4 + 6) == 0) {
			if (rd16(rl4 + 6))
				FAIL("UDP echo has a checksum the probe did not");
		} else if (csum_fold(csum_add(psum4(ri, 17, (uint32_t)l4n), rl4, l4n)) != 0xffff) {
			FAIL("UDP echo checksum wrong");
		}
		return NULL;
	case WC_RC_ECHO:
		if (rl4[0] != 0 || rl4[1] != 0)
			FAIL("echo reply type/code %u/%u", (unsigned)rl4[0], (unsigned)rl4[1]);
		if (l4n != r->l4len || memcmp(rl4 + 4, pl4 + 4, l4n - 4))
			FAIL("echo reply id/seq/data differ from the request");
		if (csum_fold(csum_add(0, rl4, l4n)) != 0xffff)
			FAIL("echo reply checksum wrong");
		return NULL;
	case WC_RC_UNREACH:
		if (rl4[0] != 3 || rl4[1] != 3 || rd32(rl4 + 4))
			FAIL("port unreachable header wrong (%u/%u)", (unsigned)rl4[0], (unsigned)rl4[1]);
		if (l4n != 8 + r->hlen + 8 || memcmp(rl4 + 8, pi, r->hlen + 8))
			FAIL("port unreachable does not quote the IP header + 8 bytes exactly");
		if (csum_fold(csum_add(0, rl4, l4n)) != 0xffff)
			FAIL("port unreachable checksum wrong");
		return NULL;
	}
	FAIL("unexpected answer kind %d over IPv4", r->rc);
}

static const char *check_ip6(const struct reflect_cfg *c, const uint8_t *f, size_t n,
			     const struct ref_result *r, const uint8_t *x, size_t xn, char *why,
			     size_t whylen)
{
	const uint8_t *pi = f + r->l3, *ri = x + r->l2, *pl4 = f + r->l4, *rl4 = ri + 40;
	size_t l4n = xn - r->l2 - 40;
	uint8_t nh = r->rc == WC_RC_UNREACH || r->rc == WC_RC_NDP || r->rc == WC_RC_ECHO ? 58
		   : r->rc == WC_RC_UDP_ECHO ? 17 : 6;

	(void)n;
	/* Echo answers keep the probe's traffic class and flow label (the program rewrites only
	 * what it must); answers built afresh have zero there. */
	if (ri[0] >> 4 != 6 ||
	    (r->rc != WC_RC_ECHO && r->rc != WC_RC_UDP_ECHO && rd32(ri) != 0x60000000))
		FAIL("reply IPv6 version/class/flow 0x%08x", rd32(ri));
	if (rd16(ri + 4) != l4n)
		FAIL("reply payload length %u for %zu bytes", (unsigned)rd16(ri + 4), l4n);
	if (ri[6] != nh)
		FAIL("reply next header %u, want %u (extension headers must go)", (unsigned)ri[6], (unsigned)nh);
	if (ri[7] != (r->rc == WC_RC_NDP ? 255 : 64))
		FAIL("reply hop limit %u", (unsigned)ri[7]);
	if (r->rc == WC_RC_NDP) {
		const uint8_t *t = pl4 + 8;
		uint8_t mac[6];

		if (memcmp(ri + 8, t, 16) || memcmp(ri + 24, pi + 8, 16))
			FAIL("NA not from the target to the solicitor");
		if (rl4[0] != 136 || rl4[1] || rd32(rl4 + 4) != 0x60000000 || memcmp(rl4 + 8, t, 16))
			FAIL("NA header wrong");
		if (csum_fold(csum_add(psum6(ri, 58, (uint32_t)l4n), rl4, l4n)) != 0xffff)
			FAIL("NA checksum wrong");
		mac_of(mac, t + 12);
		if (l4n == 32 && (rl4[24] != 2 || rl4[25] != 1 || memcmp(rl4 + 26, mac, 6)))
			FAIL("NA target link-layer option wrong");
		if (memcmp(x + 6, mac, 6))
			FAIL("NA Ethernet source is not the target's MAC");
		return NULL;
	}
	if (memcmp(ri + 8, pi + 24, 16) || memcmp(ri + 24, pi + 8, 16))
		FAIL("reply IPv6 addresses not swapped");
	switch (r->rc) {
	case WC_RC_SYNACK:
	case WC_RC_RST:
		return check_tcp(c, r, pl4, rl4, l4n, psum6(ri, 6, (uint32_t)l4n), pi + 8, pi + 24,
				 16, c->mss6, why, whylen);
	case WC_RC_UDP_ECHO:
		if (l4n != r->ulen || rd16(rl4 + 4) != r->ulen)
			FAIL("UDP echo of %zu bytes, probe had %zu", l4n, r->ulen);
		if (rd16(rl4) != rd16(pl4 + 2) || rd16(rl4 + 2) != rd16(pl4))
			FAIL("UDP ports not swapped");
		if (memcmp(rl4 + 8, pl4 + 8, r->ulen - 8))
			FAIL("UDP echo payload differs");
		if (rd16(rl4 + 6) == 0 ||
		    csum_fold(csum_add(psum6(ri, 17, (uint32_t)l4n), rl4, l4n)) != 0xffff)
			FAIL("UDP echo checksum wrong");
		return NULL;
	case WC_RC_ECHO:
		if (rl4[0] != 129 || rl4[1] != 0)
			FAIL("echo reply type/code %u/%u", (unsigned)rl4[0], (unsigned)rl4[1]);
		if (l4n != r->l4len || memcmp(rl4 + 4, pl4 + 4, l4n - 4))
			FAIL("echo reply id/seq/data differ from the request");
		if (csum_fold(csum_add(psum6(ri, 58, (uint32_t)l4n), rl4, l4n)) != 0xffff)
			FAIL("echo reply checksum wrong");
		return NULL;
	case WC_RC_UNREACH:
		if (rl4[0] != 1 || rl4[1] != 4 || rd32(rl4 + 4))
			FAIL("port unreachable header wrong (%u/%u)", (unsigned)rl4[0], (unsigned)rl4[1]);
		if (l4n != 8 + 40 + r->ext + 8 || memcmp(rl4 + 8, pi, 40 + r->ext + 8))
			FAIL("port unreachable does not quote the headers + 8 bytes exactly");
		if (csum_fold(csum_add(psum6(ri, 58, (uint32_t)l4n), rl4, l4n)) != 0xffff)
			FAIL("port unreachable checksum wrong");
		return NULL;
	}
	FAIL("unexpected answer kind %d over IPv6", r->rc);
}

const char *check_reflect_reply(const struct reflect_cfg *c, const uint8_t *f, size_t n,
				const struct ref_result *r, const uint8_t *x, size_t xn,
				char *why, size_t whylen)
{
	size_t bound = n;

	/* No amplification: an answer is never longer than the probe, except an ICMP error,
	 * which is bounded by its own headers and the quote. */
	if (r->rc == WC_RC_UNREACH)
		bound = r->l2 + (r->l3 && f[r->l2] >> 4 == 4 ? 28 + 60 + 8 : 48 + 40 + 64 + 8);
	if (xn > bound && xn > n)
		FAIL("answer of %zu bytes to a probe of %zu: amplification", xn, n);
	if (xn != (r->newlen ? r->newlen : n))
		FAIL("answer of %zu bytes, expected %zu", xn, r->newlen ? r->newlen : n);
	/* L2: tags kept; to the prober (for ARP: to the sender hardware address it gave, as
	 * Linux answers too) */
	if (memcmp(x + 12, f + 12, r->l2 - 12))
		FAIL("answer's VLAN tags / EtherType differ from the probe's");
	if (r->rc == WC_RC_ARP) {
		const uint8_t *a = f + r->l3, *y = x + r->l3;
		uint8_t mac[6];

		if (memcmp(x, a + 8, 6))
			FAIL("ARP answer not sent to the sender hardware address");
		mac_of(mac, a + 24);
		if (memcmp(x + 6, mac, 6))
			FAIL("ARP answer's Ethernet source is not 02:00:<address>");
		if (rd16(y + 6) != 2 || memcmp(y, a, 6) || memcmp(y + 8, mac, 6) ||
		    memcmp(y + 14, a + 24, 4) || memcmp(y + 18, a + 8, 6) || memcmp(y + 24, a + 14, 4))
			FAIL("ARP is-at fields wrong");
		if (memcmp(x + r->l3 + 28, f + r->l3 + 28, n - r->l3 - 28))
			FAIL("ARP answer's trailing bytes changed");
		return NULL;
	}
	if (memcmp(x, f + 6, 6))
		FAIL("answer not sent to the probe's Ethernet source");
	if (r->rc != WC_RC_NDP && memcmp(x + 6, f, 6))
		FAIL("answer's Ethernet source is not the probe's destination");
	return f[r->l3] >> 4 == 4 ? check_ip4(c, f, n, r, x, xn, why, whylen)
				  : check_ip6(c, f, n, r, x, xn, why, whylen);
}
