/* Pairing replies with requests (user/match.c and the hooks in user/proto/corr_*.c):
 * Scapy 2.5's answers() and hashret() rules layer by layer on hand-built packets, the
 * documented Scapy gaps wirecraft closes, and the matcher: Scapy's pairing order, multi,
 * the unanswered list, expiry, bounded room, and its index checked against a brute-force
 * reference (every held request, Scapy's rules) on random packets built to collide.
 *
 * Packets come from Scapy expressions, built and dissected back from their bytes (the
 * matcher sees dissected packets), or for the random test from a small byte builder.
 * Expected values were checked against Scapy, e.g.
 *   r.answers(s), r.hashret() == s.hashret()   for r, s = Ether(raw(...)), Ether(raw(...))
 * (the oracle, tests/oracle/match_run.py, does that on its whole corpus). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wirecraft/match.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"

/* ---- Packets from expressions --------------------------------------------------------- */

#define POOL 8

static struct wc_pkt *pool[POOL];
static uint8_t *bytes[POOL];
static unsigned next_slot;

static int setup(void **state)
{
	(void)state;
	for (unsigned i = 0; i < POOL; i++) {
		pool[i] = malloc(sizeof(*pool[i]));
		bytes[i] = malloc(WC_MAX_PKT);
		if (!pool[i] || !bytes[i])
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < POOL; i++) {
		free(pool[i]);
		free(bytes[i]);
	}
	return 0;
}

/* The first packet of `expr`, built, then dissected from its bytes. Up to POOL at once. */
static struct wc_pkt *P(const char *expr)
{
	static struct wc_pkt built;
	static uint8_t buf[WC_MAX_PKT];
	struct wc_err err = {0};
	struct wc_set *s = NULL;
	struct wc_iter *it = NULL;
	unsigned k = next_slot++ % POOL;
	int rc = wc_set_parse(expr, &s, &err);

	if (rc)
		print_error("%s: col %d: %s\n", expr, err.col, err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(wc_iter_new(s, &it), 0);
	wc_pkt_init(&built, buf, sizeof(buf));
	assert_int_equal(wc_iter_next(it, &built), 0);
	memcpy(bytes[k], built.buf, built.len);
	assert_int_equal(wc_dissect(pool[k], bytes[k], built.len, wc_set_layer(s, 0)), 0);
	wc_iter_free(it);
	wc_set_free(s);
	return pool[k];
}

static const struct wc_match_opts gaps = {.sz = sizeof(gaps), .scapy_gaps = true};

static bool ans(const char *reply, const char *req)
{
	struct wc_pkt *r = P(reply), *s = P(req);

	return wc_answers(r, s, NULL);
}

/* Scapy's hashret bytes of a packet. */
static size_t hr(const struct wc_pkt *p, const struct wc_match_opts *o, uint8_t out[256])
{
	size_t n = wc_hashret_bytes(p, o, out, 256);

	assert_true(n <= 256);
	return n;
}

static bool same_hash(const char *a, const char *b)
{
	uint8_t x[256], y[256];
	struct wc_pkt *p = P(a), *q = P(b);
	size_t nx = hr(p, NULL, x), ny = hr(q, NULL, y);
	bool same = nx == ny && !memcmp(x, y, nx);

	/* The 32-bit hash follows the bytes. */
	if (same)
		assert_int_equal(wc_hashret(p), wc_hashret(q));
	return same;
}

static void assert_hashret_hex(const char *expr, const char *hex)
{
	uint8_t k[256];
	char txt[513];
	size_t n = hr(P(expr), NULL, k);

	for (size_t i = 0; i < n; i++)
		snprintf(txt + 2 * i, 3, "%02x", k[i]);
	txt[2 * n] = 0;
	assert_string_equal(txt, hex);
}

#define E12 "Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')"
#define E21 "Ether(src='02:00:00:00:00:02', dst='02:00:00:00:00:01')"
#define IPAB "IP(src='198.18.0.1', dst='198.18.0.2')"
#define IPBA "IP(src='198.18.0.2', dst='198.18.0.1')"
#define IPCA "IP(src='198.18.0.3', dst='198.18.0.1')"
#define V6AB "IPv6(src='2001:db8::1', dst='2001:db8::2')"
#define V6BA "IPv6(src='2001:db8::2', dst='2001:db8::1')"
#define V6CA "IPv6(src='2001:db8::3', dst='2001:db8::1')"

/* ---- hashret ------------------------------------------------------------------------------ */

/* Scapy's bytes: struct.pack("H") is host order (little-endian here), ARP's ">HHH" not. */
static void test_hashret_bytes(void **state)
{
	(void)state;
	if (htons(1) == 1)
		skip(); /* the expected bytes below are those of a little-endian host */
	/* Ether type, src^dst, proto, sport^dport (40000 ^ 80 = 0x9c10). */
	assert_hashret_hex(E12 "/" IPAB "/TCP(sport=40000, dport=80)", "00080000000306109c");
	/* UDP: the payload's hash alone, no ports. */
	assert_hashret_hex(E12 "/" IPAB "/UDP(sport=4000, dport=7)/'x'", "000800000003" "11");
	/* ICMP echo: id and seq. */
	assert_hashret_hex(E12 "/" IPAB "/ICMP(id=0x1234, seq=2)", "000800000003" "01" "34120200");
	/* ARP: hwtype, ptype, (op + 1) // 2, big-endian. */
	assert_hashret_hex(E12 "/ARP(op=2, psrc='198.18.0.2', pdst='198.18.0.1')",
			   "0608" "0001" "0800" "0001");
	/* ND: next header and the target as text, no addresses. */
	assert_hashret_hex(E12 "/IPv6(src='2001:db8::1', dst='ff02::1:ff00:2')/"
			   "ICMPv6ND_NS(tgt='2001:db8::2')",
			   "dd86" "3a" "323030313a6462383a3a32");
	/* Dot1Q adds nothing; an ICMP error hashes as its quote. */
	assert_hashret_hex(E21 "/Dot1Q(vlan=3)/" IPBA "/ICMP(type=3, code=3)/"
			   "IPerror(src='198.18.0.1', dst='198.18.0.2')/UDPerror(sport=1, dport=2)",
			   "0081" "00000003" "11");
	/* A request to a multicast group: no addresses. */
	assert_hashret_hex(E12 "/IPv6(src='2001:db8::1', dst='ff02::1')/ICMPv6EchoRequest(id=1)",
			   "dd86" "3a" "01000000");
}

/* A request and its answer hash alike, whatever the direction. */
static void test_hashret_pairs(void **state)
{
	(void)state;
	assert_true(same_hash(E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='S')",
			      E21 "/" IPBA "/TCP(sport=80, dport=40000, flags='SA')"));
	assert_true(same_hash(E12 "/" IPAB "/UDP(sport=4000, dport=7)/'ping'",
			      E21 "/" IPBA "/ICMP(type=3, code=3)/IPerror(src='198.18.0.1', "
			      "dst='198.18.0.2')/UDPerror(sport=4000, dport=7)"));
	assert_true(same_hash(E12 "/" IPAB "/ICMP(id=7, seq=1)",
			      E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', "
			      "dst='198.18.0.2')/ICMPerror(id=7, seq=1)"));
	assert_true(same_hash(E12 "/ARP(op=1, pdst='198.18.0.2')",
			      E21 "/ARP(op=2, psrc='198.18.0.2')"));
	assert_true(same_hash(E12 "/" V6AB "/ICMPv6EchoRequest(id=1, seq=2)",
			      E21 "/" V6BA "/ICMPv6EchoReply(id=1, seq=2)"));
	assert_true(same_hash(E12 "/IPv6(src='2001:db8::1', dst='ff02::1:ff00:2')/"
			      "ICMPv6ND_NS(tgt='2001:db8::2')",
			      E21 "/" V6BA "/ICMPv6ND_NA(tgt='2001:db8::2')"));
	/* ... and differs when Scapy's does. */
	assert_false(same_hash(E12 "/" IPAB "/ICMP(id=7, seq=1)", E21 "/" IPBA "/ICMP(id=7, seq=2)"));
	assert_false(same_hash(E12 "/" IPAB "/ICMP(id=7)", E21 "/" IPCA "/ICMP(type=0, id=7)"));
	assert_false(same_hash(E12 "/ARP(op=2)", E21 "/ARP(op=3)"));
	assert_false(same_hash(E12 "/IPv6(src='2001:db8::1', dst='ff02::1')/ICMPv6EchoRequest()",
			       E21 "/" V6BA "/ICMPv6EchoReply()")); /* Scapy's gap */
	/* Options: no source in the key without checkIPsrc. */
	{
		struct wc_match_opts o = {.sz = sizeof(o), .no_check_ipsrc = true};
		uint8_t x[256], y[256];
		struct wc_pkt *a = P(E12 "/" IPAB "/TCP(sport=1, dport=2)");
		struct wc_pkt *b = P(E21 "/" IPCA "/TCP(sport=5, dport=9)");
		size_t nx = hr(a, &o, x), ny = hr(b, &o, y);

		assert_true(nx == ny && !memcmp(x, y, nx));
		assert_int_equal(wc_hashret_ex(a, &o), wc_hashret_ex(b, &o));
	}
}

/* ---- answers(), per layer ------------------------------------------------------------------ */

static void test_ether_dot1q(void **state)
{
	(void)state;
	assert_true(ans(E21 "/" IPBA "/ICMP(type=0)", E12 "/" IPAB "/ICMP()"));
	assert_false(ans(E21 "/Dot1Q()/" IPBA "/ICMP(type=0)", E12 "/" IPAB "/ICMP()"));
	assert_true(ans(E21 "/Dot1Q(vlan=5)/" IPBA "/ICMP(type=0)", E12 "/Dot1Q(vlan=5)/" IPAB "/ICMP()"));
	assert_false(ans(E21 "/Dot1Q(vlan=6)/" IPBA "/ICMP(type=0)", E12 "/Dot1Q(vlan=5)/" IPAB "/ICMP()"));
	/* A Dot1Q facing an untagged request compares its payload with it. */
	{
		struct wc_pkt *r = P(E21 "/Dot1Q(vlan=5)/" IPBA "/ICMP(type=0)");
		struct wc_pkt *s = P(E12 "/" IPAB "/ICMP()");

		assert_true(wc_answers_at(r, 1, s, 1, &gaps));
		assert_false(wc_answers_at(r, 1, s, 2, &gaps));
	}
	/* Dot1AD is a Dot1Q to Scapy's isinstance(). */
	assert_true(ans(E21 "/Dot1AD(vlan=5)/" IPBA "/ICMP(type=0)", E12 "/Dot1AD(vlan=5)/" IPAB "/ICMP()"));
}

static void test_arp(void **state)
{
	(void)state;
	assert_true(ans(E21 "/ARP(op=2, psrc='198.18.0.2', pdst='198.18.0.1')",
			E12 "/ARP(op=1, psrc='198.18.0.1', pdst='198.18.0.2')"));
	assert_false(ans(E21 "/ARP(op=2, psrc='198.18.0.3', pdst='198.18.0.1')",
			 E12 "/ARP(op=1, psrc='198.18.0.1', pdst='198.18.0.2')"));
	assert_false(ans(E21 "/ARP(op=1, psrc='198.18.0.2')", E12 "/ARP(op=1, pdst='198.18.0.2')"));
	/* op + 1, whatever the ops mean (but the hash then differs). */
	assert_true(ans(E21 "/ARP(op=4, psrc='198.18.0.2')", E12 "/ARP(op=3, pdst='198.18.0.2')"));
	/* Loose comparison over the shorter address. */
	assert_true(ans(E21 "/ARP(op=2, plen=2, psrc=b'\\xc6\\x12')", E12 "/ARP(op=1, pdst='198.18.0.2')"));
	assert_false(ans(E21 "/ARP(op=2, plen=2, psrc=b'\\xc6\\x13')", E12 "/ARP(op=1, pdst='198.18.0.2')"));
}

static void test_ip(void **state)
{
	(void)state;
	/* Addresses: from the request's destination to its source. */
	assert_false(ans(E21 "/" IPCA "/ICMP(type=0)", E12 "/" IPAB "/ICMP()"));
	assert_false(ans(E21 "/IP(src='198.18.0.2', dst='198.18.0.3')/ICMP(type=0)", E12 "/" IPAB "/ICMP()"));
	assert_false(ans(E21 "/" IPBA "/UDP()", E12 "/" IPAB "/TCP()")); /* proto */
	/* ICMP errors: from anyone, quoting the request. */
	assert_true(ans(E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', dst='198.18.0.2')/"
			"UDPerror(sport=1, dport=2)", E12 "/" IPAB "/UDP(sport=1, dport=2)"));
	assert_false(ans(E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', dst='198.18.0.3')/"
			 "UDPerror(sport=1, dport=2)", E12 "/" IPAB "/UDP(sport=1, dport=2)"));
	assert_false(ans(E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', dst='198.18.0.2')/"
			 "UDPerror(sport=2, dport=1)", E12 "/" IPAB "/UDP(sport=1, dport=2)"));
	/* A quote cut to Raw answers anything (Scapy's Raw.answers). */
	assert_true(ans(E21 "/" IPCA "/ICMP(type=3)/IPerror(src='198.18.0.1', dst='198.18.0.2', "
			"proto=17)/'ab'", E12 "/" IPAB "/UDP(sport=1, dport=2)"));
	/* No quote at all: NoPayload does not answer an IP header. */
	assert_false(ans(E21 "/" IPCA "/ICMP(type=3)", E12 "/" IPAB "/UDP(sport=1, dport=2)"));
	/* checkIPID: the quoted id, or its byte swap. */
	{
		struct wc_match_opts o = {.sz = sizeof(o), .check_ipid = true};
		struct wc_pkt *s = P(E12 "/IP(src='198.18.0.1', dst='198.18.0.2', id=0x1234)/UDP()");
		struct wc_pkt *r1 = P(E21 "/" IPBA "/ICMP(type=3)/IPerror(src='198.18.0.1', "
				      "dst='198.18.0.2', id=0x3412)/UDPerror()");
		struct wc_pkt *r2 = P(E21 "/" IPBA "/ICMP(type=3)/IPerror(src='198.18.0.1', "
				      "dst='198.18.0.2', id=0x3413)/UDPerror()");

		assert_true(wc_answers(r1, s, &o));
		assert_false(wc_answers(r2, s, &o));
		assert_true(wc_answers(r2, s, NULL));
	}
	/* checkIPaddr off: a broadcast request. */
	{
		struct wc_match_opts o = {.sz = sizeof(o), .no_check_ipaddr = true};
		struct wc_pkt *s = P(E12 "/IP(src='198.18.0.1', dst='198.18.0.255')/ICMP(id=3)");
		struct wc_pkt *r = P(E21 "/" IPBA "/ICMP(type=0, id=3)");

		assert_false(wc_answers(r, s, NULL));
		assert_true(wc_answers(r, s, &o));
	}
}

static void test_tcp(void **state)
{
	(void)state;
#define SYN E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='S', seq=1000)"
#define REP(f, s, a) E21 "/" IPBA "/TCP(sport=80, dport=40000, flags='" f "', seq=" #s ", ack=" #a ")"
	assert_true(ans(REP("SA", 7, 1001), SYN));
	assert_true(ans(REP("RA", 0, 1001), SYN));
	assert_true(ans(REP("R", 0, 0), SYN));
	assert_true(ans(REP("SA", 7, 998), SYN));  /* within 2 */
	assert_false(ans(REP("SA", 7, 997), SYN));
	assert_false(ans(REP("SA", 7, 1003), SYN));
	assert_false(ans(REP("S", 7, 1001), SYN)); /* a SYN answers only as a SYN-ACK */
	assert_false(ans(E21 "/" IPBA "/TCP(sport=81, dport=40000, flags='SA', ack=1001)", SYN));
	/* A SYN-ACK answers only a SYN. */
	assert_false(ans(REP("SA", 7, 1001),
			 E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='A', seq=1000)"));
	/* RST requests get no answer. */
	assert_false(ans(REP("RA", 0, 1001),
			 E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='R', seq=1000)"));
	/* Data: the reply acks within 2 plus the request's payload. */
#define DATA E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='PA', seq=1000, ack=50)/'hello'"
	assert_true(ans(REP("A", 50, 1005), DATA));
	assert_true(ans(REP("A", 50, 1007), DATA));
	assert_false(ans(REP("A", 50, 1008), DATA));
	assert_false(ans(REP("A", 53, 1005), DATA)); /* its seq follows the request's ack */
	/* No wraparound: Scapy compares integers. */
	assert_false(ans(REP("SA", 7, 0),
			 E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='S', seq=4294967295)"));
	/* The quoted TCP header has the request's ports; with check_TCPerror_seqack its seq. */
	{
		struct wc_match_opts o = {.sz = sizeof(o), .check_tcperror_seqack = true};
		struct wc_pkt *s = P(SYN);
		struct wc_pkt *r1 = P(E21 "/" IPBA "/ICMP(type=3, code=13)/IPerror(src='198.18.0.1', "
				      "dst='198.18.0.2')/TCPerror(sport=40000, dport=80, seq=1000)");
		struct wc_pkt *r2 = P(E21 "/" IPBA "/ICMP(type=3, code=13)/IPerror(src='198.18.0.1', "
				      "dst='198.18.0.2')/TCPerror(sport=40000, dport=80, seq=1001)");

		assert_true(wc_answers(r1, s, NULL));
		assert_true(wc_answers(r2, s, NULL));
		assert_true(wc_answers(r1, s, &o));
		assert_false(wc_answers(r2, s, &o));
	}
}

/* Scapy's gap: a RST with seq 0 to a request without ACK but with a nonzero ack field. */
static void test_tcp_rst_seq0_gap(void **state)
{
	struct wc_pkt *s, *r;

	(void)state;
	s = P(E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='F', seq=100, ack=5555)");
	r = P(REP("RA", 0, 101));
	assert_true(wc_answers(r, s, NULL));
	assert_false(wc_answers(r, s, &gaps));
	r = P(REP("R", 0, 0));
	assert_true(wc_answers(r, s, NULL));
	assert_false(wc_answers(r, s, &gaps));
	/* With ACK set, RFC 793 says the RST's seq is the request's ack: 0 is no answer. */
	s = P(E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='A', seq=100, ack=5555)");
	assert_false(wc_answers(r, s, NULL));
	assert_true(wc_answers(P(REP("R", 5555, 0)), s, NULL));
}

static void test_udp(void **state)
{
	(void)state;
#define UREQ E12 "/" IPAB "/UDP(sport=4000, dport=7)/'ping'"
	assert_true(ans(E21 "/" IPBA "/UDP(sport=7, dport=4000)/'pong'", UREQ));
	assert_true(ans(E21 "/" IPBA "/UDP(sport=9, dport=4000)/'pong'", UREQ)); /* sport not checked */
	assert_false(ans(E21 "/" IPBA "/UDP(sport=7, dport=4001)/'pong'", UREQ));
	/* Scapy's NoPayload answers only NoPayload or Padding. */
	assert_false(ans(E21 "/" IPBA "/UDP(sport=7, dport=4000)", UREQ));
	assert_true(ans(E21 "/" IPBA "/UDP(sport=7, dport=4000)", E12 "/" IPAB "/UDP(sport=4000, dport=7)"));
	{
		struct wc_match_opts o = {.sz = sizeof(o), .no_check_ipsrc = true};

		assert_true(wc_answers(P(E21 "/" IPBA "/UDP(sport=7, dport=4001)/'x'"), P(UREQ), &o));
	}
}

static void test_icmp(void **state)
{
	(void)state;
#define PING E12 "/" IPAB "/ICMP(id=9, seq=3)"
	assert_true(ans(E21 "/" IPBA "/ICMP(type=0, id=9, seq=3)", PING));
	assert_false(ans(E21 "/" IPBA "/ICMP(type=0, id=9, seq=4)", PING));
	assert_false(ans(E21 "/" IPBA "/ICMP(type=8, id=9, seq=3)", PING));
	assert_true(ans(E21 "/" IPBA "/ICMP(type=14, id=1, seq=2, ts_ori=1, ts_rx=2, ts_tx=3)",
			E12 "/" IPAB "/ICMP(type=13, id=1, seq=2, ts_ori=1, ts_rx=0, ts_tx=0)"));
	assert_true(ans(E21 "/" IPBA "/ICMP(type=16, id=1, seq=2)", E12 "/" IPAB "/ICMP(type=15, id=1, seq=2)"));
	assert_true(ans(E21 "/" IPBA "/ICMP(type=18, id=1, seq=2)", E12 "/" IPAB "/ICMP(type=17, id=1, seq=2)"));
	assert_false(ans(E21 "/" IPBA "/ICMP(type=18, id=1, seq=2)", E12 "/" IPAB "/ICMP(type=15, id=1, seq=2)"));
	/* A quoted echo: same type and code, id and seq. */
	assert_true(ans(E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', dst='198.18.0.2')/"
			"ICMPerror(id=9, seq=3)", PING));
	assert_false(ans(E21 "/" IPCA "/ICMP(type=11)/IPerror(src='198.18.0.1', dst='198.18.0.2')/"
			 "ICMPerror(id=9, seq=4)", PING));
}

static void test_ipv6(void **state)
{
	(void)state;
#define PING6 E12 "/" V6AB "/ICMPv6EchoRequest(id=1, seq=2, data='abc')"
	assert_true(ans(E21 "/" V6BA "/ICMPv6EchoReply(id=1, seq=2, data='abc')", PING6));
	assert_false(ans(E21 "/" V6BA "/ICMPv6EchoReply(id=1, seq=2, data='abd')", PING6));
	assert_false(ans(E21 "/" V6BA "/ICMPv6EchoReply(id=1, seq=3, data='abc')", PING6));
	/* Scapy checks where an IPv6 reply goes, not where it comes from (its hash does). */
	assert_true(ans(E21 "/" V6CA "/ICMPv6EchoReply(id=1, seq=2, data='abc')", PING6));
	assert_false(same_hash(E21 "/" V6CA "/ICMPv6EchoReply(id=1, seq=2, data='abc')", PING6));
	assert_false(ans(E21 "/IPv6(src='2001:db8::2', dst='2001:db8::3')/"
			 "ICMPv6EchoReply(id=1, seq=2, data='abc')", PING6));
	/* A request to a group is answered from anyone, to our address. */
	assert_true(ans(E21 "/" V6CA "/ICMPv6EchoReply(id=1)",
			E12 "/IPv6(src='2001:db8::1', dst='ff02::1')/ICMPv6EchoRequest(id=1)"));
	/* ND: an advertisement for the solicited target. */
#define NS E12 "/IPv6(src='2001:db8::1', dst='ff02::1:ff00:2')/ICMPv6ND_NS(tgt='2001:db8::2')"
	assert_true(ans(E21 "/" V6BA "/ICMPv6ND_NA(tgt='2001:db8::2')", NS));
	assert_false(ans(E21 "/" V6BA "/ICMPv6ND_NA(tgt='2001:db8::3')", NS));
	assert_true(ans(E21 "/IPv6(src='fe80::2', dst='ff02::1')/ICMPv6ND_RA()",
			E12 "/IPv6(src='fe80::1', dst='ff02::2')/ICMPv6ND_RS()"));
	/* Errors: the quoted bytes are the request's. */
	assert_true(ans(E21 "/" V6CA "/ICMPv6DestUnreach()/IPerror6(src='2001:db8::1', dst='2001:db8::2')/"
			"UDPerror(sport=5, dport=6)", E12 "/" V6AB "/UDP(sport=5, dport=6)"));
	assert_false(ans(E21 "/" V6CA "/ICMPv6DestUnreach()/IPerror6(src='2001:db8::1', dst='2001:db8::2')/"
			 "UDPerror(sport=5, dport=7)", E12 "/" V6AB "/UDP(sport=5, dport=6)"));
	/* A clamped MSS: compared without options. */
	assert_true(ans(E21 "/" V6CA "/ICMPv6PacketTooBig()/IPerror6(src='2001:db8::1', dst='2001:db8::2')/"
			"TCPerror(sport=5, dport=6, seq=9, options=[('MSS', 1220)])",
			E12 "/" V6AB "/TCP(sport=5, dport=6, seq=9, options=[('MSS', 1460)])"));
	assert_false(ans(E21 "/" V6CA "/ICMPv6PacketTooBig()/IPerror6(src='2001:db8::1', dst='2001:db8::2')/"
			 "TCPerror(sport=5, dport=6, seq=8, options=[('MSS', 1220)])",
			 E12 "/" V6AB "/TCP(sport=5, dport=6, seq=9, options=[('MSS', 1460)])"));
	/* A fragment header in the request is skipped; a hop-by-hop one is not (Scapy). */
	assert_true(ans(E21 "/" V6BA "/ICMPv6EchoReply(id=1)",
			E12 "/" V6AB "/IPv6ExtHdrFragment()/ICMPv6EchoRequest(id=1)"));
	assert_false(ans(E21 "/" V6BA "/ICMPv6EchoReply(id=1)",
			 E12 "/" V6AB "/IPv6ExtHdrHopByHop()/ICMPv6EchoRequest(id=1)"));
}

/* ---- The matcher ------------------------------------------------------------------------------ */

static struct wc_matcher *new_matcher(bool multi, uint32_t max, size_t arena, bool scapy)
{
	struct wc_matcher_opts o = {.sz = sizeof(o), .multi = multi, .max_requests = max,
				    .arena_bytes = arena};
	struct wc_matcher *m;

	o.match.scapy_gaps = scapy;
	assert_int_equal(wc_matcher_new(&o, &m), 0);
	return m;
}

static void add(struct wc_matcher *m, const char *expr, uint64_t id)
{
	struct timespec ts = {.tv_sec = (time_t)id};

	assert_int_equal(wc_matcher_add_pkt(m, P(expr), id, &ts), 0);
}

/* The id of the request the reply answers, 0 for none. */
static uint64_t offer(struct wc_matcher *m, const char *expr)
{
	struct wc_match_req q;
	struct wc_pkt *r = P(expr);
	int rc = wc_matcher_offer(m, r->buf, r->len, r->l[0].proto, &q);

	assert_true(rc >= 0);
	return rc ? q.id : 0;
}

static int collect(const struct wc_match_req *q, void *ctx)
{
	uint64_t *ids = ctx;

	ids[++ids[0]] = q->id;
	return 0;
}

static void test_matcher_order_multi(void **state)
{
	struct wc_matcher *m;
	struct wc_matcher_stats st;
	uint64_t ids[8] = {0};

	(void)state;
	for (int multi = 0; multi < 2; multi++) {
		m = new_matcher(multi, 8, 0, false);
		add(m, PING, 1);
		add(m, PING, 2); /* the same request again: Scapy answers the first sent first */
		add(m, E12 "/" IPAB "/ICMP(id=9, seq=4)", 3);
		assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=9, seq=3)"), 1);
		assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=9, seq=3)"), multi ? 1 : 2);
		assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=9, seq=3)"), multi ? 1 : 0);
		assert_int_equal(offer(m, E21 "/" IPCA "/ICMP(type=0, id=9, seq=4)"), 0);
		wc_matcher_stats(m, &st);
		assert_int_equal(st.requests, 3);
		assert_int_equal(st.received, 4);
		assert_int_equal(st.answers, multi ? 3 : 2);
		assert_int_equal(st.answered, multi ? 1 : 2);
		memset(ids, 0, sizeof(ids));
		assert_int_equal(wc_matcher_unanswered(m, collect, ids), 0);
		if (multi) {
			assert_int_equal(ids[0], 2);
			assert_int_equal(ids[1], 2);
			assert_int_equal(ids[2], 3);
		} else {
			assert_int_equal(ids[0], 1);
			assert_int_equal(ids[1], 3);
		}
		wc_matcher_free(m);
	}
}

static void test_matcher_gaps(void **state)
{
	(void)state;
	for (int scapy = 0; scapy < 2; scapy++) {
		struct wc_matcher *m = new_matcher(false, 4, 0, scapy);

		add(m, E12 "/IPv6(src='2001:db8::1', dst='ff02::1')/ICMPv6EchoRequest(id=5)", 1);
		add(m, E12 "/" IPAB "/TCP(sport=40000, dport=80, flags='F', seq=100, ack=5555)", 2);
		assert_int_equal(offer(m, E21 "/" V6BA "/ICMPv6EchoReply(id=5)"), scapy ? 0 : 1);
		assert_int_equal(offer(m, REP("RA", 0, 101)), scapy ? 0 : 2);
		wc_matcher_free(m);
	}
}

/* Bounded room: -ENOSPC when full, room again once answered or expired. */
static void test_matcher_room(void **state)
{
	struct wc_matcher *m = new_matcher(false, 3, 0, false);
	struct wc_matcher_stats st;
	struct timespec t;
	uint64_t ids[8] = {0};
	struct wc_pkt *p;

	(void)state;
	add(m, E12 "/" IPAB "/ICMP(id=1)", 1);
	add(m, E12 "/" IPAB "/ICMP(id=2)", 2);
	add(m, E12 "/" IPAB "/ICMP(id=3)", 3);
	p = P(E12 "/" IPAB "/ICMP(id=4)");
	assert_int_equal(wc_matcher_add_pkt(m, p, 4, NULL), -ENOSPC);
	/* Answering the oldest frees its place. */
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=1)"), 1);
	add(m, E12 "/" IPAB "/ICMP(id=4)", 4);
	/* Answering one in the middle frees nothing until the older ones go. */
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=3)"), 3);
	assert_int_equal(wc_matcher_add_pkt(m, p, 5, NULL), -ENOSPC);
	/* Expire what was sent before t=4: request 2 (never answered). */
	t.tv_sec = 4;
	t.tv_nsec = 0;
	assert_int_equal(wc_matcher_expire(m, &t, collect, ids), 0);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 2);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=2)"), 0);
	add(m, E12 "/" IPAB "/ICMP(id=6)", 6);
	add(m, E12 "/" IPAB "/ICMP(id=7)", 7);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=4)"), 4);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=7)"), 7);
	wc_matcher_stats(m, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.held, 1);
	wc_matcher_free(m);

	/* The arena: 3 requests of 42 bytes fit in 128; a 4th wraps to the start once there
	 * is more room there than it needs (one byte more: a full ring must not look empty). */
	m = new_matcher(false, 16, 128, false);
	add(m, E12 "/" IPAB "/ICMP(id=1)", 1);
	add(m, E12 "/" IPAB "/ICMP(id=2)", 2);
	add(m, E12 "/" IPAB "/ICMP(id=3)", 3);
	assert_int_equal(wc_matcher_add_pkt(m, p, 4, NULL), -ENOSPC);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=1)"), 1);
	assert_int_equal(wc_matcher_add_pkt(m, p, 4, NULL), -ENOSPC);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=2)"), 2);
	add(m, E12 "/" IPAB "/ICMP(id=4)", 4);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=4)"), 4);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=3)"), 3);
	/* Empty again: the whole arena. */
	add(m, E12 "/" IPAB "/ICMP(id=5)", 5);
	add(m, E12 "/" IPAB "/ICMP(id=6)", 6);
	add(m, E12 "/" IPAB "/ICMP(id=7)", 7);
	assert_int_equal(offer(m, E21 "/" IPBA "/ICMP(type=0, id=6)"), 6);
	wc_matcher_free(m);
}

/* ---- The index against a brute-force reference --------------------------------------------- */

/* A tiny byte builder: headers with zero checksums (matching never looks at them). */
struct bb {
	uint8_t b[512];
	size_t n;
};

static void put(struct bb *b, const void *p, size_t n)
{
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void put8(struct bb *b, unsigned v)
{
	b->b[b->n++] = (uint8_t)v;
}

static void put16(struct bb *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v & 0xff);
}

static void put32(struct bb *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

static void eth(struct bb *b, unsigned type)
{
	static const uint8_t mac[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};

	b->n = 0;
	put(b, mac, 12);
	put16(b, type);
}

/* An IPv4 header claiming `len` bytes of payload (a quote may be cut shorter). */
static void ip4(struct bb *b, uint32_t src, uint32_t dst, unsigned proto, unsigned len)
{
	put8(b, 0x45), put8(b, 0), put16(b, 20 + len), put16(b, 1), put16(b, 0);
	put8(b, 64), put8(b, proto), put16(b, 0), put32(b, src), put32(b, dst);
}

static void ip6(struct bb *b, const uint8_t *src, const uint8_t *dst, unsigned nh, unsigned len)
{
	put32(b, 0x60000000), put16(b, len), put8(b, nh), put8(b, 64);
	put(b, src, 16), put(b, dst, 16);
}

static void udp(struct bb *b, unsigned sport, unsigned dport, unsigned paylen)
{
	put16(b, sport), put16(b, dport), put16(b, 8 + paylen), put16(b, 0);
}

/* Up to `cut` bytes of a UDP header and payload (a quote). */
static void udp_cut(struct bb *b, unsigned sport, unsigned dport, unsigned cut)
{
	struct bb t = {.n = 0};

	udp(&t, sport, dport, 1);
	put8(&t, 'x');
	put(b, t.b, cut < t.n ? cut : t.n);
}

static void arp(struct bb *b, unsigned op, unsigned plen, uint32_t psrc, uint32_t pdst)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 9};
	uint8_t a[8] = {0}, d[8] = {0};

	for (unsigned i = 0; i < 4; i++) {
		a[i] = (uint8_t)(psrc >> (24 - 8 * i));
		d[i] = (uint8_t)(pdst >> (24 - 8 * i));
	}
	put16(b, 1), put16(b, 0x0800), put8(b, 6), put8(b, plen), put16(b, op);
	put(b, mac, 6), put(b, a, plen), put(b, mac, 6), put(b, d, plen);
}

static uint32_t rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

static const uint32_t V4[] = {0xc6120001, 0xc6120002, 0xc6120003};
static const uint8_t V6[4][16] = {
	{0x20, 0x01, 0x0d, 0xb8, [15] = 1}, {0x20, 0x01, 0x0d, 0xb8, [15] = 2},
	{0x20, 0x01, 0x0d, 0xb8, [15] = 3}, {0xff, 0x02, [15] = 1},
};

/* A random request: UDP (IPv4, IPv6, to a group), ARP, ICMPv6 echo, TCP SYN. Small value
 * domains, so that keys collide and near misses abound. */
static void rand_request(struct bb *b)
{
	unsigned pay = rnd(3); /* none, one byte, padding */

	switch (rnd(6)) {
	case 5:
		eth(b, 0x0800);
		ip4(b, V4[0], V4[1 + rnd(2)], 1, 8);
		put8(b, 8), put8(b, 0), put16(b, 0), put16(b, 1 + rnd(2)), put16(b, 1);
		break;
	case 0:
		eth(b, 0x0800);
		ip4(b, V4[0], V4[1 + rnd(2)], 17, 8 + (pay == 1));
		udp(b, 1000 + rnd(2), 7 + rnd(2), pay == 1);
		if (pay == 1)
			put8(b, 'x');
		if (pay == 2)
			put16(b, 0);
		break;
	case 1:
		eth(b, 0x86dd);
		ip6(b, V6[0], V6[1 + 2 * rnd(2)], 17, 8 + (pay == 1));
		udp(b, 1000 + rnd(2), 7 + rnd(2), pay == 1);
		if (pay == 1)
			put8(b, 'x');
		break;
	case 2:
		eth(b, 0x0806);
		arp(b, 1, rnd(4) ? 4 : 2 + 4 * rnd(2), V4[0], V4[1 + rnd(2)]);
		break;
	case 3:
		eth(b, 0x86dd);
		ip6(b, V6[0], V6[1 + 2 * rnd(2)], 58, 8 + (pay == 1));
		put8(b, 128), put8(b, 0), put16(b, 0), put16(b, 1 + rnd(2)), put16(b, 1);
		if (pay == 1)
			put8(b, 'a');
		break;
	default:
		eth(b, 0x0800);
		ip4(b, V4[0], V4[1 + rnd(2)], 6, 20);
		put16(b, 40000 + rnd(2)), put16(b, 80), put32(b, 1000), put32(b, 0);
		put16(b, 0x5002), put16(b, 8192), put32(b, 0);
		break;
	}
}

/* A random reply: direct answers, ICMP and ICMPv6 errors with quotes cut anywhere, ARP
 * replies with short and long addresses, echo replies, SYN-ACKs and RSTs. */
static void rand_reply(struct bb *b)
{
	unsigned pay = rnd(3), cut = (unsigned[]){0, 2, 4, 6, 8, 9}[rnd(6)];

	switch (rnd(9)) {
	case 7:
		eth(b, 0x0800);
		ip4(b, V4[1 + rnd(2)], V4[0], 1, 8);
		put8(b, 0), put8(b, 0), put16(b, 0), put16(b, 1 + rnd(2)), put16(b, 1);
		break;
	case 8: /* an error quoting a SYN or an echo request, cut after `cut` bytes */
		eth(b, 0x0800);
		ip4(b, V4[1 + rnd(2)], V4[0], 1, 8 + 20 + cut);
		put8(b, 11), put8(b, 0), put16(b, 0), put32(b, 0);
		if (rnd(2)) {
			struct bb t = {.n = 0};

			ip4(b, V4[0], V4[1 + rnd(2)], 6, 20);
			put16(&t, 40000 + rnd(2)), put16(&t, 80), put32(&t, 1000);
			put(b, t.b, cut < t.n ? cut : t.n);
		} else {
			struct bb t = {.n = 0};

			ip4(b, V4[0], V4[1 + rnd(2)], 1, 8);
			put8(&t, 8), put8(&t, 0), put16(&t, 0), put16(&t, 1 + rnd(2)), put16(&t, 1);
			put(b, t.b, cut < t.n ? cut : t.n);
		}
		break;
	case 0:
		eth(b, 0x0800);
		ip4(b, V4[1 + rnd(2)], V4[0], 17, 8 + (pay == 1));
		udp(b, 7 + rnd(3), 1000 + rnd(3), pay == 1);
		if (pay == 1)
			put8(b, 'y');
		if (pay == 2)
			put16(b, 0);
		break;
	case 1:
		eth(b, 0x0800);
		ip4(b, V4[1 + rnd(2)], V4[0], 1, 8 + 20 + 9);
		put8(b, 3), put8(b, 3), put16(b, 0), put32(b, 0);
		ip4(b, V4[0], V4[1 + rnd(2)], 17, 9);
		udp_cut(b, 1000 + rnd(2), 7 + rnd(2), cut);
		break;
	case 2:
		eth(b, 0x86dd);
		ip6(b, V6[1 + rnd(2)], V6[0], 17, 8 + (pay == 1));
		udp(b, 7 + rnd(3), 1000 + rnd(3), pay == 1);
		if (pay == 1)
			put8(b, 'y');
		break;
	case 3:
		eth(b, 0x86dd);
		ip6(b, V6[1 + rnd(2)], V6[0], 58, 8 + 40 + cut);
		put8(b, 1), put8(b, 4), put16(b, 0), put32(b, 0);
		ip6(b, V6[0], V6[1 + 2 * rnd(2)], 17, 9);
		udp_cut(b, 1000 + rnd(2), 7 + rnd(2), cut);
		break;
	case 4:
		eth(b, 0x0806);
		arp(b, 2, rnd(4) ? 4 : 2 + 4 * rnd(2), V4[1 + rnd(2)], V4[0]);
		break;
	case 5:
		eth(b, 0x86dd);
		ip6(b, V6[1 + rnd(2)], V6[0], 58, 8 + (pay == 1));
		put8(b, 129), put8(b, 0), put16(b, 0), put16(b, 1 + rnd(2)), put16(b, 1);
		if (pay == 1)
			put8(b, 'a');
		break;
	default:
		eth(b, 0x0800);
		ip4(b, V4[1 + rnd(2)], V4[0], 6, 20);
		put16(b, 80), put16(b, 40000 + rnd(2)), put32(b, rnd(2) ? 7 : 0), put32(b, 1001);
		put16(b, rnd(2) ? 0x5012 : 0x5014), put16(b, 8192), put32(b, 0);
		break;
	}
}

#define NREQ 48
#define NREP 64

struct ref {
	struct bb b;
	uint8_t key[256];
	size_t klen;
	bool alive, answered;
};

/* Scapy's sr() over every request (plus wirecraft's multicast lookup unless scapy). */
static int reference(struct ref *q, struct wc_pkt *rp, struct wc_pkt *sp, bool multi,
		     bool scapy)
{
	struct wc_match_opts o = {.sz = sizeof(o), .scapy_gaps = scapy};
	uint8_t key[256], alt[256];
	struct wc_hr h;
	size_t klen = wc_hashret_bytes(rp, &o, key, sizeof(key)), alen = 0;

	/* The second lookup: only when the reply's outermost IPv6 hashed its addresses. */
	wc_hr_init(&h, &o, WC_HR_REPLY, NULL, 0);
	wc_hr_walk(&h, rp);
	if (!scapy && h.v6_addr) {
		wc_hr_init(&h, &o, WC_HR_REPLY, alt, sizeof(alt));
		h.v6_noaddr = true;
		wc_hr_walk(&h, rp);
		alen = h.len;
	}
	for (int i = 0; i < NREQ; i++) {
		bool same = (q[i].klen == klen && !memcmp(q[i].key, key, klen)) ||
			    (alen && q[i].klen == alen && !memcmp(q[i].key, alt, alen));

		if (!q[i].alive || !same)
			continue;
		assert_int_equal(wc_dissect(sp, q[i].b.b, q[i].b.n, NULL), 0);
		if (wc_answers(rp, sp, &o)) {
			q[i].answered = true;
			if (!multi)
				q[i].alive = false;
			return i + 1;
		}
	}
	return 0;
}

static void test_matcher_index(void **state)
{
	static struct ref q[NREQ];
	struct wc_pkt *rp = pool[0], *sp = pool[1];
	unsigned pairs = 0;

	(void)state;
	for (int round = 0; round < 400; round++) {
		bool multi = round & 1, scapy = round & 2;
		struct wc_matcher *m = new_matcher(multi, NREQ, 0, scapy);
		struct wc_match_opts o = {.sz = sizeof(o), .scapy_gaps = scapy};
		struct wc_matcher_stats st;

		for (int i = 0; i < NREQ; i++) {
			rand_request(&q[i].b);
			assert_int_equal(wc_dissect(sp, q[i].b.b, q[i].b.n, NULL), 0);
			q[i].klen = wc_hashret_bytes(sp, &o, q[i].key, sizeof(q[i].key));
			q[i].alive = true;
			q[i].answered = false;
			assert_int_equal(wc_matcher_add(m, q[i].b.b, q[i].b.n, NULL, (uint64_t)i + 1,
							NULL), 0);
		}
		for (int j = 0; j < NREP; j++) {
			struct bb r;
			struct wc_match_req got;
			int want, rc;

			rand_reply(&r);
			assert_int_equal(wc_dissect(rp, r.b, r.n, NULL), 0);
			want = reference(q, rp, sp, multi, scapy);
			rc = wc_matcher_offer(m, r.b, r.n, NULL, &got);
			assert_true(rc >= 0);
			if ((rc ? (int)got.id : 0) != want) {
				char hex[1100];

				for (size_t k = 0; k < r.n; k++)
					snprintf(hex + 2 * k, 3, "%02x", r.b[k]);
				print_error("round %d reply %d: matcher %d, reference %d: %s\n", round, j,
					    rc ? (int)got.id : 0, want, hex);
			}
			assert_int_equal(rc ? (int)got.id : 0, want);
			pairs += want != 0;
		}
		wc_matcher_stats(m, &st);
		assert_int_equal(st.received, NREP);
		wc_matcher_free(m);
	}
	/* The random packets pair often enough to mean something. */
	assert_true(pairs > 400 * 5);
}

/* The index keeps a reply's candidates few where Scapy's key is shared: an ARP scan (one
 * Scapy key for all), a UDP scan of one host from one port (one key per host). */
static void test_matcher_index_cost(void **state)
{
	enum { N = 4096 };
	struct wc_matcher *m = new_matcher(false, N, 0, false);
	struct wc_matcher_stats st;
	struct wc_match_req got;
	struct bb b;

	(void)state;
	for (unsigned i = 0; i < N / 2; i++) {
		eth(&b, 0x0806);
		arp(&b, 1, 4, V4[0], 0xc6130000 + i);
		assert_int_equal(wc_matcher_add(m, b.b, b.n, NULL, i, NULL), 0);
		eth(&b, 0x0800);
		ip4(&b, V4[0], V4[1], 17, 9);
		udp(&b, 53000, 1000 + i, 1);
		put8(&b, 'p');
		assert_int_equal(wc_matcher_add(m, b.b, b.n, NULL, N + i, NULL), 0);
	}
	for (unsigned i = N / 2; i-- > 0;) { /* the last asked answers first */
		eth(&b, 0x0806);
		arp(&b, 2, 4, 0xc6130000 + i, V4[0]);
		assert_int_equal(wc_matcher_offer(m, b.b, b.n, NULL, &got), 1);
		assert_int_equal(got.id, i);
		eth(&b, 0x0800);
		ip4(&b, V4[1], V4[0], 1, 8 + 20 + 9);
		put8(&b, 3), put8(&b, 3), put16(&b, 0), put32(&b, 0);
		ip4(&b, V4[0], V4[1], 17, 9);
		udp_cut(&b, 53000, 1000 + i, 9);
		assert_int_equal(wc_matcher_offer(m, b.b, b.n, NULL, &got), 1);
		assert_int_equal(got.id, N + i);
	}
	wc_matcher_stats(m, &st);
	assert_int_equal(st.answers, N);
	assert_int_equal(st.candidates, N); /* one answers() call a reply */
	assert_int_equal(st.wild, 0);
	wc_matcher_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashret_bytes),
		cmocka_unit_test(test_hashret_pairs),
		cmocka_unit_test(test_ether_dot1q),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_tcp_rst_seq0_gap),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_matcher_order_multi),
		cmocka_unit_test(test_matcher_gaps),
		cmocka_unit_test(test_matcher_room),
		cmocka_unit_test(test_matcher_index),
		cmocka_unit_test(test_matcher_index_cost),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
