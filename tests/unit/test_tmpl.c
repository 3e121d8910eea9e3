/* Templates against full builds: for every set below, every packet wc_tmpl_next() writes
 * (into one frame reused from packet to packet, as AF_XDP does) must be the bytes
 * wc_iter_next() builds for the same set and seed, in the same order. Sets are made by hand
 * (the layer API of set_impl.h) and, where the expression parser is linked in, parsed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "set_impl.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/tmpl.h"

/* The parser lives in expr.c; a build without it still runs the hand-made sets. */
#pragma weak wc_set_parse

#define CAP 2048

/* ---- sets by hand ---- */

static struct wc_set *set_new(void)
{
	struct wc_set *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	return s;
}

static struct wc_xlayer *layer(struct wc_set *s, const char *name)
{
	const struct wc_proto *pr = wc_proto_find(name);

	assert_non_null(pr);
	s->l[s->n].proto = pr;
	return &s->l[s->n++];
}

static struct wc_spec *spec(struct wc_xlayer *xl, const char *field)
{
	int i = wc_field_index(xl->proto, field);

	assert_true(i >= 0);
	return &xl->f[i];
}

static void val(struct wc_xlayer *xl, const char *field, uint64_t v)
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_VALUE;
	sp->val.u = v;
}

static void val6(struct wc_xlayer *xl, const char *field, const uint8_t a[16])
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_VALUE;
	memcpy(sp->val.a, a, 16);
}

static void val_bytes(struct wc_set *s, struct wc_xlayer *xl, const char *field,
		      const void *b, size_t n)
{
	struct wc_spec *sp = spec(xl, field);
	uint8_t *m = wc_set_alloc(s, n ? n : 1);

	assert_non_null(m);
	memcpy(m, b, n);
	sp->kind = WC_SP_VALUE;
	sp->val.b = m;
	sp->val.blen = (uint32_t)n;
}

/* Segments: pairs (lo, n). */
static void segs(struct wc_set *s, struct wc_xlayer *xl, const char *field, unsigned nsegs,
		 const uint64_t *lo_n)
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_SET;
	sp->segs = wc_set_alloc(s, nsegs * sizeof(*sp->segs));
	assert_non_null(sp->segs);
	sp->nsegs = nsegs;
	sp->count = 0;
	for (unsigned i = 0; i < nsegs; i++) {
		sp->segs[i].lo = lo_n[2 * i];
		sp->segs[i].n = lo_n[2 * i + 1];
		sp->count += lo_n[2 * i + 1];
	}
}

static void range(struct wc_set *s, struct wc_xlayer *xl, const char *field, uint64_t lo,
		  uint64_t n)
{
	uint64_t ln[2] = {lo, n};

	segs(s, xl, field, 1, ln);
}

static void list(struct wc_set *s, struct wc_xlayer *xl, const char *field, unsigned n,
		 const uint64_t *v)
{
	uint64_t ln[64];

	assert_true(n <= 32);
	for (unsigned i = 0; i < n; i++) {
		ln[2 * i] = v[i];
		ln[2 * i + 1] = 1;
	}
	segs(s, xl, field, n, ln);
}

static void range6(struct wc_set *s, struct wc_xlayer *xl, const char *field,
		   const uint8_t a[16], uint64_t n)
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_SET;
	sp->segs = wc_set_alloc(s, sizeof(*sp->segs));
	assert_non_null(sp->segs);
	sp->nsegs = 1;
	memcpy(sp->segs[0].a, a, 16);
	sp->segs[0].n = n;
	sp->count = n;
}

static void rnd(struct wc_xlayer *xl, const char *field, uint64_t base, uint64_t mask)
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_RAND;
	sp->rbase = base;
	sp->rmask = mask;
}

static void rnd6(struct wc_xlayer *xl, const char *field, const uint8_t a[16], uint64_t mask)
{
	struct wc_spec *sp = spec(xl, field);

	sp->kind = WC_SP_RAND;
	memcpy(sp->ra, a, 16);
	sp->rmask = mask;
}

static const uint8_t net6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x00};
static const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x01};
static const uint8_t carry6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [8] = 0xff, 0xff, 0xff, 0xff,
				   0xff, 0xff, 0xff, 0xf0};

/* Ether(dst=..., src=...) as the first layer of most sets. */
static struct wc_xlayer *ether(struct wc_set *s)
{
	struct wc_xlayer *e = layer(s, "Ether");

	val(e, "dst", 0x020000000002ULL);
	val(e, "src", 0x020000000001ULL);
	return e;
}

/* ---- the comparison ---- */

static uint8_t ref[CAP], frame[CAP];

/* Every packet of the template equals the iterator's; returns how many there were. */
static uint64_t same_as_iter(struct wc_set *s, uint64_t seed, int want_fast)
{
	struct wc_iter *it;
	struct wc_tmpl *t;
	struct wc_pkt p;
	const uint8_t *tb;
	size_t tlen, len;
	uint64_t n = 0;
	int r1, r2;

	wc_set_seed(s, seed);
	assert_int_equal(wc_iter_new(s, &it), 0);
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	if (want_fast >= 0)
		assert_int_equal(wc_tmpl_is_fast(t), want_fast);
	assert_int_equal(wc_tmpl_count(t), wc_set_count(s));
	tb = wc_tmpl_bytes(t, &tlen);
	memset(frame, 0xa5, sizeof(frame));
	memcpy(frame, tb, tlen);
	for (;; n++) {
		wc_pkt_init(&p, ref, sizeof(ref));
		r1 = wc_iter_next(it, &p);
		r2 = wc_tmpl_next(t, frame, sizeof(frame), &len);
		assert_int_equal(r1, r2);
		if (r1)
			break;
		if (n == 0) { /* the template is the first packet */
			assert_int_equal(tlen, p.len);
			assert_memory_equal(tb, p.buf, tlen);
		}
		assert_int_equal(len, p.len);
		if (memcmp(frame, p.buf, len)) {
			fprintf(stderr, "packet %llu differs\n", (unsigned long long)n);
			assert_memory_equal(frame, p.buf, len);
		}
	}
	assert_int_equal(r1, -ENOENT);
	assert_int_equal(wc_tmpl_next(t, frame, sizeof(frame), &len), -ENOENT);
	if (wc_set_count(s) != UINT64_MAX)
		assert_int_equal(n, wc_set_count(s));
	wc_iter_free(it);
	wc_tmpl_free(t);
	return n;
}

/* ---- sets ---- */

/* Ether()/IP(dst="198.18.0.0/24")/TCP(dport=[22, 80, 443, 65535]) */
static void test_cidr_x_ports(void **state)
{
	struct wc_set *s = set_new();
	uint64_t ports[] = {22, 80, 443, 65535};
	(void)state;

	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	val(ip, "src", 0xc612fffe);
	range(s, ip, "dst", 0xc6120000, 256);
	list(s, layer(s, "TCP"), "dport", 4, ports);
	assert_int_equal(same_as_iter(s, 1, 1), 1024);
	wc_set_free(s);
}

/* IP ttl ranges and a source range crossing a carry into the high bytes. */
static void test_ttl_ranges(void **state)
{
	struct wc_set *s = set_new();
	uint64_t ttl[] = {1, 10, 60, 10, 250, 6}; /* (1..10), (60..69), (250..255) */
	(void)state;

	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	segs(s, ip, "ttl", 3, ttl);
	range(s, ip, "src", 0xc612fff0, 0x20);
	val(ip, "dst", 0xc6130001);
	struct wc_xlayer *tcp = layer(s, "TCP");
	val(tcp, "sport", 40000);
	same_as_iter(s, 2, 1);
	wc_set_free(s);
}

/* The UDP sport that makes the checksum come out 0 (sent as 0xffff): with sport 0 the
 * checksum is c0, so sport = c0 adds exactly its complement. */
static uint64_t udp_zero_sport(const char *l3)
{
	struct wc_set *s = set_new();
	struct wc_iter *it;
	struct wc_pkt p;
	unsigned ul;

	ether(s);
	struct wc_xlayer *ip = layer(s, l3);
	if (!strcmp(l3, "IP")) {
		val(ip, "src", 0xc6120001);
		val(ip, "dst", 0xc6120002);
	} else {
		val6(ip, "src", src6);
		val6(ip, "dst", net6);
	}
	struct wc_xlayer *udp = layer(s, "UDP");
	val(udp, "sport", 0);
	val(udp, "dport", 53);
	val_bytes(s, layer(s, "Raw"), "load", "zero sum", 8);
	assert_int_equal(wc_iter_new(s, &it), 0);
	wc_pkt_init(&p, ref, sizeof(ref));
	assert_int_equal(wc_iter_next(it, &p), 0);
	ul = p.l[2].off;
	wc_iter_free(it);
	wc_set_free(s);
	return (uint64_t)ref[ul + 6] << 8 | ref[ul + 7];
}

static void udp_zero(const char *l3, bool zero_first)
{
	uint64_t z = udp_zero_sport(l3);
	uint64_t sports[] = {zero_first ? z : 7, zero_first ? 7 : z, z ^ 1};
	uint64_t dports[] = {53, 5353};
	struct wc_set *s = set_new();
	struct wc_tmpl *t;
	size_t len;
	bool seen = false;

	ether(s);
	struct wc_xlayer *ip = layer(s, l3);
	if (!strcmp(l3, "IP")) {
		val(ip, "src", 0xc6120001);
		val(ip, "dst", 0xc6120002);
	} else {
		val6(ip, "src", src6);
		val6(ip, "dst", net6);
	}
	struct wc_xlayer *udp = layer(s, "UDP");
	list(s, udp, "sport", 3, sports);
	list(s, udp, "dport", 2, dports);
	val_bytes(s, layer(s, "Raw"), "load", "zero sum", 8);
	same_as_iter(s, 3, 1);

	/* and the 0 -> 0xffff case really is among them */
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	const uint8_t *tb = wc_tmpl_bytes(t, &len);
	unsigned uo = !strcmp(l3, "IP") ? 34 : 54;
	memcpy(frame, tb, len);
	while (wc_tmpl_next(t, frame, sizeof(frame), &len) == 0)
		if ((uint64_t)(frame[uo] << 8 | frame[uo + 1]) == z && frame[uo + 2] == 0 && frame[uo + 3] == 53)
			seen = frame[uo + 6] == 0xff && frame[uo + 7] == 0xff;
	assert_true(seen);
	wc_tmpl_free(t);
	wc_set_free(s);
}

static void test_udp_zero_csum(void **state)
{
	(void)state;
	udp_zero("IP", true);
	udp_zero("IP", false);
	udp_zero("IPv6", true);
	udp_zero("IPv6", false);
}

/* TCP has no 0 -> 0xffff rule: the same search gives a 0x0000 checksum, exactly. */
static void test_tcp_zero_csum(void **state)
{
	struct wc_set *s = set_new();
	struct wc_iter *it;
	struct wc_pkt p;
	(void)state;

	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	val(ip, "dst", 0xc6120002);
	struct wc_xlayer *tcp = layer(s, "TCP");
	val(tcp, "sport", 0);
	assert_int_equal(wc_iter_new(s, &it), 0);
	wc_pkt_init(&p, ref, sizeof(ref));
	assert_int_equal(wc_iter_next(it, &p), 0);
	wc_iter_free(it);
	uint64_t z = (uint64_t)ref[50] << 8 | ref[51];
	uint64_t sp[] = {1, z, 2};
	list(s, tcp, "sport", 3, sp);
	same_as_iter(s, 4, 1);
	wc_set_free(s);
}

/* Ether()/IPv6(dst="2001:db8::/120")/TCP(dport=[80, 443]) and UDP, and a range whose low
 * 64 bits wrap. */
static void test_ipv6(void **state)
{
	uint64_t ports[] = {80, 443};
	(void)state;

	for (int k = 0; k < 3; k++) {
		struct wc_set *s = set_new();

		ether(s);
		struct wc_xlayer *ip6 = layer(s, "IPv6");
		val6(ip6, "src", src6);
		range6(s, ip6, "dst", k == 2 ? carry6 : net6, 256);
		list(s, layer(s, k == 1 ? "UDP" : "TCP"), "dport", 2, ports);
		assert_int_equal(same_as_iter(s, 5, 1), 512);
		wc_set_free(s);
	}
}

/* Bit fields sharing bytes: IP flags x frag, TCP reserved x flags, IPv6 tc x fl. */
static void test_bit_fields(void **state)
{
	uint64_t flags[] = {0, 1, 2, 4, 7}, frag[] = {0, 1, 0x100, 0x1fff};
	uint64_t tflags[] = {0x02, 0x12, 0x1ff, 0x100, 0x04}, rsv[] = {0, 7};
	uint64_t tc[] = {0, 0xff, 0x5a}, fl[] = {0, 0xfffff, 0x12345, 0xff, 0xf0000};
	(void)state;

	struct wc_set *s = set_new();
	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	list(s, ip, "flags", 5, flags);
	list(s, ip, "frag", 4, frag);
	val(ip, "dst", 0xc6120009);
	struct wc_xlayer *tcp = layer(s, "TCP");
	list(s, tcp, "reserved", 2, rsv);
	list(s, tcp, "flags", 5, tflags);
	same_as_iter(s, 6, 1);
	wc_set_free(s);

	s = set_new();
	ether(s);
	struct wc_xlayer *ip6 = layer(s, "IPv6");
	list(s, ip6, "tc", 3, tc);
	list(s, ip6, "fl", 5, fl);
	val6(ip6, "dst", net6);
	layer(s, "UDP");
	same_as_iter(s, 7, 1);
	wc_set_free(s);
}

/* RandShort() on IP id, RandInt() on TCP seq, RandIP("198.18.0.0/16") on dst, a random IPv6
 * source: random values must be drawn in the iterator's order. */
static void test_random(void **state)
{
	uint64_t ports[] = {22, 80, 443};
	(void)state;

	struct wc_set *s = set_new();
	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	rnd(ip, "id", 0, 0xffff);
	rnd(ip, "dst", 0xc6120000, 0xffff);
	struct wc_xlayer *tcp = layer(s, "TCP");
	list(s, tcp, "dport", 3, ports);
	rnd(tcp, "seq", 0, 0xffffffff);
	same_as_iter(s, 0x1234, 1);
	same_as_iter(s, 99, 1);
	wc_set_free(s);

	s = set_new();
	ether(s);
	struct wc_xlayer *ip6 = layer(s, "IPv6");
	rnd6(ip6, "src", src6, 0xffffffff);
	rnd(ip6, "fl", 0, 0xfffff);
	range6(s, ip6, "dst", net6, 16);
	layer(s, "UDP");
	same_as_iter(s, 42, 1);
	wc_set_free(s);
}

/* fuzz(IP()/TCP()): every fixed field left alone gets a random value. */
static void test_fuzz(void **state)
{
	(void)state;

	for (int v6 = 0; v6 < 2; v6++) {
		struct wc_set *s = set_new();
		ether(s);
		struct wc_xlayer *ip = layer(s, v6 ? "IPv6" : "IP");
		ip->fuzz = true;
		struct wc_xlayer *tcp = layer(s, v6 ? "UDP" : "TCP");
		tcp->fuzz = true;
		range(s, tcp, "dport", 1, 40);
		same_as_iter(s, 77, 1);
		wc_set_free(s);
	}
}

/* Nested checksums without ICMP: UDP carrying a quoted IP+TCP (IPerror/TCPerror). A change
 * of the quoted dst moves the quoted IP checksum, the quoted TCP checksum (pseudo-header)
 * and, through both and directly, the outer UDP checksum. */
static void test_nested_quoted(void **state)
{
	uint64_t ports[] = {80, 443, 8080};
	(void)state;

	struct wc_set *s = set_new();
	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	range(s, ip, "dst", 0xc6120000, 3);
	layer(s, "UDP");
	struct wc_xlayer *qip = layer(s, "IPerror");
	range(s, qip, "src", 0xc6120010, 5);
	list(s, layer(s, "TCPerror"), "dport", 3, ports);
	same_as_iter(s, 8, 1);
	wc_set_free(s);

	s = set_new();
	ether(s);
	layer(s, "IPv6");
	layer(s, "UDP");
	struct wc_xlayer *q6 = layer(s, "IPerror6");
	range6(s, q6, "dst", net6, 7);
	list(s, layer(s, "UDPerror"), "dport", 3, ports);
	val_bytes(s, layer(s, "Raw"), "load", "abc", 3); /* odd length */
	same_as_iter(s, 9, 1);
	wc_set_free(s);

	/* one byte before the quote: its checksums sit at odd positions of the UDP sum */
	s = set_new();
	ether(s);
	layer(s, "IP");
	layer(s, "UDP");
	val_bytes(s, layer(s, "Raw"), "load", "x", 1);
	qip = layer(s, "IPerror");
	range(s, qip, "dst", 0xc6120010, 5);
	rnd(qip, "ttl", 0, 0xff);
	list(s, layer(s, "TCPerror"), "sport", 3, ports);
	same_as_iter(s, 19, 1);
	wc_set_free(s);
}

/* ICMP errors quoting IP/UDP and IP/TCP, ICMP echo with varying id/seq, ICMPv6 echo. */
static void test_nested_icmp(void **state)
{
	uint64_t ports[] = {53, 123, 161};
	(void)state;

	if (!wc_proto_find("ICMP") || !wc_proto_find("ICMPv6EchoRequest")) {
		skip();
		return;
	}
	struct wc_set *s = set_new();
	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	range(s, ip, "dst", 0xc6120000, 4);
	struct wc_xlayer *icmp = layer(s, "ICMP");
	val(icmp, "type", 3);
	val(icmp, "code", 3);
	struct wc_xlayer *qip = layer(s, "IPerror");
	range(s, qip, "dst", 0xc6120100, 3);
	rnd(qip, "id", 0, 0xffff);
	list(s, layer(s, "UDPerror"), "dport", 3, ports);
	same_as_iter(s, 10, 1);
	wc_set_free(s);

	s = set_new();
	ether(s);
	ip = layer(s, "IP");
	range(s, ip, "dst", 0xc6120000, 16);
	icmp = layer(s, "ICMP");
	range(s, icmp, "id", 0xfff0, 4);
	range(s, icmp, "seq", 0, 8);
	same_as_iter(s, 11, 1);
	wc_set_free(s);

	/* ICMP echo reply, id 0, seq 0, nothing else: the bytes summed can all be zero */
	s = set_new();
	icmp = layer(s, "ICMP");
	val(icmp, "type", 0);
	range(s, icmp, "seq", 0, 3);
	same_as_iter(s, 12, 1);
	wc_set_free(s);

	s = set_new();
	ether(s);
	struct wc_xlayer *ip6 = layer(s, "IPv6");
	range6(s, ip6, "dst", net6, 32);
	struct wc_xlayer *e6 = layer(s, "ICMPv6EchoRequest");
	range(s, e6, "seq", 1, 3);
	same_as_iter(s, 13, 1);
	wc_set_free(s);
}

/* Sets patches cannot express still come out right, by full builds. */
static void test_fallback(void **state)
{
	uint64_t lens[] = {40, 60, 20}, ihl[] = {5, 6}, dofs[] = {5, 15};
	static const uint8_t opts[] = {0x83, 0x07, 0x04, 0xc6, 0x12, 0x00, 0x09, 0x00}; /* LSRR */
	(void)state;

	struct wc_set *s = set_new(); /* a length the user varies */
	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	list(s, ip, "len", 3, lens);
	range(s, ip, "dst", 0xc6120000, 3);
	layer(s, "TCP");
	same_as_iter(s, 14, 0);
	wc_set_free(s);

	s = set_new(); /* ihl: decides the options' size for the pseudo-header length */
	ether(s);
	ip = layer(s, "IP");
	list(s, ip, "ihl", 2, ihl);
	layer(s, "UDP");
	same_as_iter(s, 15, 0);
	wc_set_free(s);

	s = set_new(); /* a source route before a varying destination */
	ether(s);
	ip = layer(s, "IP");
	val_bytes(s, ip, "options", opts, sizeof(opts));
	range(s, ip, "dst", 0xc6120000, 5);
	layer(s, "TCP");
	same_as_iter(s, 16, 0);
	wc_set_free(s);

	if (wc_proto_find("IPv6ExtHdrRouting")) { /* the routing header names the final dst */
		static const uint8_t hop[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x99};
		uint64_t ports[] = {1, 2};

		s = set_new();
		ether(s);
		range6(s, layer(s, "IPv6"), "dst", net6, 4);
		struct wc_xlayer *rt = layer(s, "IPv6ExtHdrRouting");
		val(rt, "len", 2); /* set: nothing left for its post_build hook */
		val(rt, "segleft", 1);
		val_bytes(s, rt, "addresses", hop, 16);
		list(s, layer(s, "TCP"), "dport", 2, ports);
		same_as_iter(s, 20, 0);
		wc_set_free(s);
	}

	s = set_new(); /* TCP dataofs */
	ether(s);
	layer(s, "IP");
	list(s, layer(s, "TCP"), "dataofs", 2, dofs);
	same_as_iter(s, 17, 0);
	wc_set_free(s);

	if (wc_proto_find("ICMP")) { /* varying type decides which fields exist */
		uint64_t types[] = {8, 13, 3};
		s = set_new();
		ether(s);
		layer(s, "IP");
		struct wc_xlayer *icmp = layer(s, "ICMP");
		list(s, icmp, "type", 3, types);
		val(icmp, "ts_ori", 1); /* timestamps fixed: otherwise the time of day */
		val(icmp, "ts_rx", 2);
		val(icmp, "ts_tx", 3);
		same_as_iter(s, 18, 0);
		wc_set_free(s);
	}

	if (wc_proto_find("ICMP")) { /* timestamps left to the hook: the time of each build */
		struct wc_tmpl *t;

		s = set_new();
		ether(s);
		ip = layer(s, "IP");
		range(s, ip, "dst", 0xc6120000, 5);
		val(layer(s, "ICMP"), "type", 13);
		assert_int_equal(wc_tmpl_new(s, &t), 0);
		assert_false(wc_tmpl_is_fast(t));
		wc_tmpl_free(t);
		wc_set_free(s);
	}
}

/* No varying field at all: one packet, the template itself. */
static void test_single(void **state)
{
	struct wc_set *s = set_new();
	(void)state;

	ether(s);
	layer(s, "IP");
	layer(s, "TCP");
	assert_int_equal(same_as_iter(s, 1, 1), 1);
	wc_set_free(s);
}

/* Shards: seek to [k*n/T, (k+1)*n/T) and the union is the whole set, randoms included. */
static void test_seek_shards(void **state)
{
	uint64_t ports[] = {22, 80, 443};
	struct wc_set *s = set_new();
	struct wc_iter *it;
	struct wc_tmpl *t, *c;
	struct wc_pkt p;
	const unsigned T = 7;
	const uint8_t *tb;
	uint8_t *all;
	size_t len, plen = 0;
	uint64_t n;
	(void)state;

	ether(s);
	struct wc_xlayer *ip = layer(s, "IP");
	rnd(ip, "id", 0, 0xffff);
	range(s, ip, "dst", 0xc6120000, 100);
	list(s, layer(s, "TCP"), "dport", 3, ports);
	wc_set_seed(s, 0xabcdef);
	n = wc_set_count(s);
	all = malloc(n * 64);
	assert_non_null(all);
	assert_int_equal(wc_iter_new(s, &it), 0);
	for (uint64_t i = 0; i < n; i++) {
		wc_pkt_init(&p, all + i * 64, 64);
		assert_int_equal(wc_iter_next(it, &p), 0);
		plen = p.len;
	}
	wc_iter_free(it);
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	assert_true(wc_tmpl_is_fast(t));
	for (unsigned k = 0; k < T; k++) {
		uint64_t lo = k * n / T, hi = (k + 1) * n / T;

		assert_int_equal(wc_tmpl_clone(t, &c), 0);
		assert_int_equal(wc_tmpl_seek(c, lo), 0);
		tb = wc_tmpl_bytes(c, &len);
		memcpy(frame, tb, len);
		for (uint64_t i = lo; i < hi; i++) {
			assert_int_equal(wc_tmpl_next(c, frame, sizeof(frame), &len), 0);
			assert_int_equal(len, plen);
			assert_memory_equal(frame, all + i * 64, len);
		}
		wc_tmpl_free(c);
	}
	assert_int_equal(wc_tmpl_seek(t, n - 1), 0);
	assert_int_equal(wc_tmpl_next(t, frame, sizeof(frame), &len), 0);
	assert_memory_equal(frame, all + (n - 1) * 64, len);
	assert_int_equal(wc_tmpl_next(t, frame, sizeof(frame), &len), -ENOENT);
	assert_int_equal(wc_tmpl_seek(t, n), 0);
	assert_int_equal(wc_tmpl_next(t, frame, sizeof(frame), &len), -ENOENT);
	assert_int_equal(wc_tmpl_seek(t, 0), 0);
	assert_int_equal(wc_tmpl_next(t, frame, 10, &len), -ENOSPC);
	assert_int_equal(wc_tmpl_next(t, frame, sizeof(frame), &len), 0);
	assert_memory_equal(frame, all, len);
	wc_tmpl_free(t);
	free(all);
	wc_set_free(s);
}

/* The same through the expression parser, when it is there. */
static const struct {
	const char *expr;
	int fast;
} exprs[] = {
	{"Ether()/IP(dst='198.18.0.0/22')/TCP(dport=[22, 80, 443], flags='S')", 1},
	{"IP(ttl=(1, 64), dst='198.18.0.1')/UDP(sport=(1000, 1010))/'payload'", 1},
	{"Ether()/IPv6(dst='2001:db8::/120')/TCP(dport=[80, 443])", 1},
	{"IP(id=RandShort(), dst='198.18.0.0/28')/TCP(seq=RandInt(), flags=['S', 'SA'])", 1},
	{"Ether()/fuzz(IP()/TCP())", 1},
	{"Ether()/IP(flags=['DF', 'MF', 0], frag=(0, 3))/TCP(flags=['S', 'A', 'FSRPAUECN'])", 1},
	{"Ether()/IPv6(fl=(0xffff0, 0xfffff), tc=[0, 255])/UDP()", 1},
	{"Ether()/IP(dst='198.18.0.0/30')/ICMP(type=3, code=3)/IPerror(dst='198.18.1.0/30')"
	 "/UDPerror(dport=[53, 161])", 1},
	{"Ether()/IP(dst='198.18.0.0/29')/ICMP(id=(1, 4), seq=(0, 3))", 1},
	{"Ether()/IPv6(dst='2001:db8::/124')/ICMPv6EchoRequest(seq=(1, 3))", 1},
	{"Ether()/ARP(pdst='198.18.0.0/28')", 0}, /* post_build computes hwlen, plen */
	{"Ether()/ARP(pdst='198.18.0.0/28', hwlen=6, plen=4)", 1},
	{"Ether()/IP(len=[40, 60])/TCP()", 0},
	{"Ether()/IP(dst='198.18.0.0/29')/TCP(options=[('MSS', 1460)], dport=[1, 2])", 1},
	{"Ether()/IPv6(dst='2001:db8::/126')/IPv6ExtHdrFragment()/UDP(dport=[1, 2])/'xyz'", 1},
	{"Ether()/IP(dst='198.18.0.0/30', options=[IPOption_LSRR(routers=['198.18.9.9'])])"
	 "/UDP(dport=[1, 2])", 0},
	{"Ether()/Dot1Q(vlan=(1, 5))/IP(dst='198.18.0.0/30')/UDP(sport=RandShort())", 1},
	{"Ether()/IP(dst='198.18.0.0/30')/ICMP(type='echo-reply', id=RandShort())", 1},
	{"Ether()/IP()/ICMP(type=[8, 13])", 0},
};

static void test_parsed(void **state)
{
	(void)state;

	if (!wc_set_parse) {
		skip();
		return;
	}
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct wc_set *s = NULL;
		struct wc_err err;
		int r = wc_set_parse(exprs[i].expr, &s, &err);

		if (r) {
			fprintf(stderr, "%s: %s\n", exprs[i].expr, err.msg);
			assert_int_equal(r, 0);
		}
		same_as_iter(s, 1000 + i, exprs[i].fast);
		wc_set_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_x_ports),
		cmocka_unit_test(test_ttl_ranges),
		cmocka_unit_test(test_udp_zero_csum),
		cmocka_unit_test(test_tcp_zero_csum),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bit_fields),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_nested_quoted),
		cmocka_unit_test(test_nested_icmp),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_seek_shards),
		cmocka_unit_test(test_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
