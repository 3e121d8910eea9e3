/* ICMPv6, Neighbor Discovery and ND options: build through the layer API and compare with
 * Scapy 2.5's bytes (the Scapy expression is above each case, with s = "2001:db8::1",
 * d = "2001:db8::2", ll = "fe80::1", m1 = "02:00:00:00:00:01", m2 = "02:00:00:00:00:02"),
 * dissect the bytes back, and dissect every truncation of them. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

static struct wc_pkt pkt;
static uint8_t buf[4096];

#define S "2001:db8::1"
#define D "2001:db8::2"
#define LL "fe80::1"
#define M1 0x020000000001ULL
#define M2 0x020000000002ULL

static struct wc_layer *push(const char *name)
{
	const struct wc_proto *p = wc_proto_find(name);

	assert_non_null(p);
	assert_int_equal(wc_pkt_push(&pkt, p), 0);
	return &pkt.l[pkt.nlayers - 1];
}

static int field(const struct wc_layer *l, const char *name)
{
	int i = wc_field_index(l->proto, name);

	assert_true(i >= 0);
	return i;
}

static void set_u(struct wc_layer *l, const char *f, uint64_t v)
{
	assert_int_equal(wc_layer_set_u(l, f, v), 0);
}

static void set_ip6(struct wc_layer *l, const char *f, const char *addr)
{
	int i = field(l, f);

	assert_int_equal(inet_pton(AF_INET6, addr, l->v[i].a), 1);
	l->set |= 1u << i;
}

static void set_bytes(struct wc_layer *l, const char *f, const void *b, size_t n)
{
	int i = field(l, f);

	l->v[i].b = b;
	l->v[i].blen = (uint32_t)n;
	l->set |= 1u << i;
}

static struct wc_layer *ipv6(const char *src, const char *dst)
{
	struct wc_layer *l = push("IPv6");

	set_ip6(l, "src", src);
	if (dst)
		set_ip6(l, "dst", dst);
	return l;
}

static void start(void)
{
	wc_pkt_init(&pkt, buf, sizeof(buf));
}

static void build_expect(const char *hex)
{
	char out[2 * sizeof(buf) + 1];

	assert_int_equal(wc_build(&pkt), 0);
	for (size_t i = 0; i < pkt.len; i++)
		sprintf(out + 2 * i, "%02x", pkt.buf[i]);
	out[2 * pkt.len] = 0;
	assert_string_equal(out, hex);
}

/* Dissect the built bytes from IPv6 and check the class of each layer. */
static void dissect_expect(struct wc_pkt *d, ...)
{
	va_list ap;
	unsigned i = 0;
	const char *name;

	assert_int_equal(wc_dissect(d, pkt.buf, pkt.len, wc_proto_find("IPv6")), 0);
	va_start(ap, d);
	while ((name = va_arg(ap, const char *))) {
		assert_true(i < d->nlayers);
		assert_string_equal(d->l[i].proto->name, name);
		assert_int_equal(d->l[i].status, WC_LS_OK);
		i++;
	}
	va_end(ap);
	assert_int_equal(d->nlayers, i);
}

static uint64_t get_u(const struct wc_layer *l, const char *f)
{
	uint64_t v;

	assert_int_equal(wc_layer_get_u(l, f, &v), 0);
	return v;
}

static void assert_ip6(const struct wc_layer *l, const char *f, const char *addr)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
	assert_memory_equal(l->v[field(l, f)].a, a, 16);
}

/* Every prefix of the built bytes, in a buffer of exactly that size so ASan catches any
 * read past it: no crash, and every layer within the bytes. */
static void truncations(void)
{
	for (size_t n = 0; n <= pkt.len; n++) {
		struct wc_pkt d;
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, pkt.buf, n);
		assert_int_equal(wc_dissect(&d, copy, n, wc_proto_find("IPv6")), 0);
		for (unsigned i = 0; i < d.nlayers; i++) {
			const struct wc_layer *l = &d.l[i];

			assert_true(l->off + l->hlen <= n);
			for (unsigned f = 0; f < l->proto->nfields; f++)
				if ((l->here & (1u << f)) && l->v[f].b)
					assert_true(l->v[f].b >= copy &&
						    l->v[f].b + l->v[f].blen <= copy + n);
		}
		free(copy);
	}
}

/* IPv6(src=s, dst=d)/ICMPv6EchoRequest(id=0x1234, seq=1, data=b"wirecraft") */
static void test_echo_request(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	l = push("ICMPv6EchoRequest");
	set_u(l, "id", 0x1234);
	set_u(l, "seq", 1);
	set_bytes(l, "data", "wirecraft", 9);
	build_expect("6000000000113a4020010db800000000000000000000000120010db80000000000000000"
		     "000000028000ef6112340001776972656372616674");
	dissect_expect(&d, "IPv6", "ICMPv6EchoRequest", NULL);
	assert_int_equal(get_u(&d.l[1], "type"), 128);
	assert_int_equal(get_u(&d.l[1], "cksum"), 0xef61);
	assert_int_equal(get_u(&d.l[1], "id"), 0x1234);
	assert_int_equal(get_u(&d.l[1], "seq"), 1);
	assert_int_equal(d.l[1].v[field(&d.l[1], "data")].blen, 9);
	truncations();
}

/* IPv6(src=d, dst=s)/ICMPv6EchoReply(id=0x1234, seq=1) */
static void test_echo_reply(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(D, S);
	set_u(push("ICMPv6EchoReply"), "id", 0x1234);
	set_u(&pkt.l[1], "seq", 1);
	build_expect("6000000000083a4020010db800000000000000000000000220010db80000000000000000"
		     "000000018100111312340001");
	dissect_expect(&d, "IPv6", "ICMPv6EchoReply", NULL);
	assert_int_equal(get_u(&d.l[0], "nh"), 58);
	truncations();
}

/* IPv6(src=s, dst=d)/ICMPv6DestUnreach(code=4)/IPv6(src=d, dst=s)/UDP(sport=1234,
 * dport=1235)/"abc" -- and the same bytes from IPerror6()/UDPerror(). Dissected, the quote is
 * IPerror6 and UDPerror (a port no layer binds: UDPerror takes UDP's bindings, so port 53
 * would quote DNS, as in Scapy). */
static const char unreach_hex[] =
	"60000000003b3a4020010db800000000000000000000000120010db80000000000000000"
	"00000002010431e20000000060000000000b114020010db8000000000000000000000002"
	"20010db800000000000000000000000104d204d3000bd65b616263";

static void build_unreach(const char *ip, const char *udp)
{
	struct wc_layer *l;

	start();
	ipv6(S, D);
	set_u(push("ICMPv6DestUnreach"), "code", 4);
	l = push(ip);
	set_ip6(l, "src", D);
	set_ip6(l, "dst", S);
	l = push(udp);
	set_u(l, "sport", 1234);
	set_u(l, "dport", 1235);
	set_bytes(push("Raw"), "load", "abc", 3);
}

static void test_dest_unreach(void **state)
{
	struct wc_pkt d;
	(void)state;

	build_unreach("IPv6", "UDP");
	build_expect(unreach_hex);
	build_unreach("IPerror6", "UDPerror");
	build_expect(unreach_hex);
	dissect_expect(&d, "IPv6", "ICMPv6DestUnreach", "IPerror6", "UDPerror", "Raw", NULL);
	assert_int_equal(get_u(&d.l[1], "code"), 4);
	assert_int_equal(get_u(&d.l[2], "plen"), 11);
	assert_int_equal(get_u(&d.l[3], "chksum"), 0xd65b);
	assert_ip6(&d.l[2], "src", D);
	truncations();
}

/* IPv6(src=s, dst=d)/ICMPv6TimeExceeded()/IPv6(src=d, dst=s)/ICMPv6EchoRequest(id=7, seq=9):
 * the quoted echo request keeps its own class inside IPerror6, as in Scapy. */
static void test_time_exceeded(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	push("ICMPv6TimeExceeded");
	ipv6(D, S);
	l = push("ICMPv6EchoRequest");
	set_u(l, "id", 7);
	set_u(l, "seq", 9);
	build_expect("6000000000383a4020010db800000000000000000000000120010db80000000000000000"
		     "0000000203000712000000006000000000083a4020010db8000000000000000000000002"
		     "20010db80000000000000000000000018000243800070009");
	dissect_expect(&d, "IPv6", "ICMPv6TimeExceeded", "IPerror6", "ICMPv6EchoRequest", NULL);
	assert_int_equal(get_u(&d.l[3], "cksum"), 0x2438);
	truncations();
}

/* IPv6(src=s, dst=d)/ICMPv6PacketTooBig(mtu=1400) and
 * IPv6(src=s, dst=d)/ICMPv6ParamProblem(code=1, ptr=40) */
static void test_too_big_param_problem(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	l = push("ICMPv6PacketTooBig");
	assert_int_equal(get_u(l, "mtu"), 1280); /* Scapy's default */
	set_u(l, "mtu", 1400);
	build_expect("6000000000083a4020010db800000000000000000000000120010db80000000000000000"
		     "0000000202009cd000000578");
	dissect_expect(&d, "IPv6", "ICMPv6PacketTooBig", NULL);
	assert_int_equal(get_u(&d.l[1], "mtu"), 1400);

	start();
	ipv6(S, D);
	l = push("ICMPv6ParamProblem");
	assert_int_equal(get_u(l, "ptr"), 6);
	set_u(l, "code", 1);
	set_u(l, "ptr", 40);
	build_expect("6000000000083a4020010db800000000000000000000000120010db80000000000000000"
		     "000000020401a01f00000028");
	dissect_expect(&d, "IPv6", "ICMPv6ParamProblem", NULL);
	assert_int_equal(get_u(&d.l[1], "ptr"), 40);
	truncations();
}

/* IPv6(src=ll)/ICMPv6ND_RS()/ICMPv6NDOptSrcLLAddr(lladdr=m1): the RS sets the IPv6
 * destination to ff02::2 and the hop limit to 255. */
static void test_rs(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(LL, NULL);
	push("ICMPv6ND_RS");
	set_u(push("ICMPv6NDOptSrcLLAddr"), "lladdr", M1);
	build_expect("6000000000103afffe800000000000000000000000000001ff0200000000000000000000"
		     "0000000285007a2c000000000101020000000001");
	dissect_expect(&d, "IPv6", "ICMPv6ND_RS", "ICMPv6NDOptSrcLLAddr", NULL);
	assert_ip6(&d.l[0], "dst", "ff02::2");
	assert_int_equal(get_u(&d.l[2], "lladdr"), M1);
	truncations();
}

/* IPv6(src=ll)/ICMPv6ND_RA(chlim=64, M=1, routerlifetime=600)/ICMPv6NDOptSrcLLAddr(
 * lladdr=m1)/ICMPv6NDOptMTU(mtu=1500)/ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::") */
static void test_ra(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(LL, NULL);
	l = push("ICMPv6ND_RA");
	set_u(l, "chlim", 64);
	set_u(l, "M", 1);
	set_u(l, "routerlifetime", 600);
	set_u(push("ICMPv6NDOptSrcLLAddr"), "lladdr", M1);
	set_u(push("ICMPv6NDOptMTU"), "mtu", 1500);
	set_ip6(push("ICMPv6NDOptPrefixInfo"), "prefix", "2001:db8:1::");
	build_expect("6000000000403afffe800000000000000000000000000001ff0200000000000000000000"
		     "000000018600b9c1408802580000000000000000010102000000000105010000000005dc"
		     "030440c0ffffffffffffffff0000000020010db8000100000000000000000000");
	dissect_expect(&d, "IPv6", "ICMPv6ND_RA", "ICMPv6NDOptSrcLLAddr", "ICMPv6NDOptMTU",
		       "ICMPv6NDOptPrefixInfo", NULL);
	assert_int_equal(get_u(&d.l[1], "M"), 1);
	assert_int_equal(get_u(&d.l[1], "O"), 0);
	assert_int_equal(get_u(&d.l[1], "prf"), 1); /* Scapy's default: High */
	assert_int_equal(get_u(&d.l[1], "routerlifetime"), 600);
	assert_int_equal(get_u(&d.l[3], "mtu"), 1500);
	assert_int_equal(get_u(&d.l[4], "prefixlen"), 64);
	assert_int_equal(get_u(&d.l[4], "L"), 1);
	assert_int_equal(get_u(&d.l[4], "A"), 1);
	assert_int_equal(get_u(&d.l[4], "validlifetime"), 0xffffffff);
	assert_ip6(&d.l[4], "prefix", "2001:db8:1::");
	truncations();
}

/* IPv6(src=s, dst="ff02::1:ff00:2")/ICMPv6ND_NS(tgt=d)/ICMPv6NDOptSrcLLAddr(lladdr=m1):
 * the checksum covers the option; the user's destination stays. */
static void test_ns(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(S, "ff02::1:ff00:2");
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	set_u(push("ICMPv6NDOptSrcLLAddr"), "lladdr", M1);
	build_expect("6000000000203aff20010db8000000000000000000000001ff0200000000000000000001"
		     "ff00000287001c270000000020010db80000000000000000000000020101020000000001");
	dissect_expect(&d, "IPv6", "ICMPv6ND_NS", "ICMPv6NDOptSrcLLAddr", NULL);
	assert_int_equal(get_u(&d.l[0], "hlim"), 255);
	assert_ip6(&d.l[1], "tgt", D);
	assert_int_equal(get_u(&d.l[2], "type"), 1);
	assert_int_equal(get_u(&d.l[2], "len"), 1);
	truncations();
}

/* IPv6(src=s)/ICMPv6ND_NS(tgt=d): Scapy's overload sends it to ff02::1 with hop limit 255;
 * a user-set hop limit stays (IPv6(src=s, hlim=3)/ICMPv6ND_NS(tgt=d) below). */
static void test_ns_overload(void **state)
{
	(void)state;

	start();
	ipv6(S, NULL);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	build_expect("6000000000183aff20010db8000000000000000000000001ff0200000000000000000000"
		     "0000000187001e340000000020010db8000000000000000000000002");

	start();
	set_u(ipv6(S, NULL), "hlim", 3);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	assert_int_equal(wc_build(&pkt), 0);
	assert_int_equal(pkt.buf[7], 3);
	assert_int_equal(pkt.buf[24], 0xff);
}

/* IPv6(src=d, dst=s)/ICMPv6ND_NA(tgt=d, R=0, S=1)/ICMPv6NDOptDstLLAddr(lladdr=m2) */
static void test_na(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(D, S);
	l = push("ICMPv6ND_NA");
	assert_int_equal(get_u(l, "R"), 1);
	assert_int_equal(get_u(l, "O"), 1);
	set_ip6(l, "tgt", D);
	set_u(l, "R", 0);
	set_u(l, "S", 1);
	set_u(push("ICMPv6NDOptDstLLAddr"), "lladdr", M2);
	build_expect("6000000000203aff20010db800000000000000000000000220010db80000000000000000"
		     "0000000188008a716000000020010db80000000000000000000000020201020000000002");
	dissect_expect(&d, "IPv6", "ICMPv6ND_NA", "ICMPv6NDOptDstLLAddr", NULL);
	assert_int_equal(get_u(&d.l[1], "R"), 0);
	assert_int_equal(get_u(&d.l[1], "S"), 1);
	assert_int_equal(get_u(&d.l[1], "O"), 1);
	assert_int_equal(get_u(&d.l[2], "lladdr"), M2);
	truncations();
}

/* IPv6(src=ll, dst=s)/ICMPv6ND_Redirect(tgt="fe80::2", dst="2001:db8::99")/
 * ICMPv6NDOptDstLLAddr(lladdr=m2)/ICMPv6NDOptRedirectedHdr(pkt=bytes(IPv6(src=s,
 * dst="2001:db8::99")/UDP()/"abc")): the 51-byte quote is cut to 48, len = 7. */
static void test_redirect(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	uint8_t quote[64];
	(void)state;

	start();
	ipv6(S, "2001:db8::99");
	push("UDP");
	set_bytes(push("Raw"), "load", "abc", 3);
	assert_int_equal(wc_build(&pkt), 0);
	memcpy(quote, pkt.buf, pkt.len);
	assert_int_equal(pkt.len, 51);

	start();
	ipv6(LL, S);
	l = push("ICMPv6ND_Redirect");
	set_ip6(l, "tgt", "fe80::2");
	set_ip6(l, "dst", "2001:db8::99");
	set_u(push("ICMPv6NDOptDstLLAddr"), "lladdr", M2);
	set_bytes(push("ICMPv6NDOptRedirectedHdr"), "pkt", quote, 51);
	build_expect("6000000000683afffe80000000000000000000000000000120010db80000000000000000"
		     "000000018900687500000000fe80000000000000000000000000000220010db800000000"
		     "00000000000000990201020000000002040700000000000060000000000b114020010db8"
		     "00000000000000000000000120010db800000000000000000000009900350035000bdeff");
	dissect_expect(&d, "IPv6", "ICMPv6ND_Redirect", "ICMPv6NDOptDstLLAddr",
		       "ICMPv6NDOptRedirectedHdr", NULL);
	assert_ip6(&d.l[1], "dst", "2001:db8::99");
	assert_int_equal(get_u(&d.l[3], "len"), 7);
	assert_int_equal(d.l[3].v[field(&d.l[3], "pkt")].blen, 48);
	truncations();
}

/* IPv6(src=s, dst=d)/ICMPv6Unknown(type=200, msgbody=b"xy"): builds; dissects as Raw, since
 * Scapy has no class for type 200. */
static void test_unknown(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	l = push("ICMPv6Unknown");
	assert_int_equal(get_u(l, "type"), 1);
	set_u(l, "type", 200);
	set_bytes(l, "msgbody", "xy", 2);
	build_expect("6000000000063a4020010db800000000000000000000000120010db80000000000000000"
		     "00000002c80063d07879");
	dissect_expect(&d, "IPv6", "Raw", NULL);
}

/* IPv6(src=s, dst=d)/ICMPv6ND_NS(tgt=d)/ICMPv6NDOptUnknown(type=99, data=b"abcdef"):
 * Scapy's fallback option counts len in bytes (8), and dissects type 99 as Raw. */
static void test_nd_option_unknown(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	l = push("ICMPv6NDOptUnknown");
	set_u(l, "type", 99);
	set_bytes(l, "data", "abcdef", 6);
	build_expect("6000000000203aff20010db800000000000000000000000120010db80000000000000000"
		     "000000028700623f0000000020010db80000000000000000000000026308616263646566");
	dissect_expect(&d, "IPv6", "ICMPv6ND_NS", "Raw", NULL);

	/* Starting from the class itself, the byte length reads back. */
	assert_int_equal(wc_dissect(&d, pkt.buf + 64, 8, wc_proto_find("ICMPv6NDOptUnknown")), 0);
	assert_int_equal(d.nlayers, 1);
	assert_int_equal(d.l[0].v[field(&d.l[0], "data")].blen, 6);
}

/* IPv6(src=ll)/ICMPv6ND_RA()/ICMPv6NDOptRDNSS(dns=["2001:db8::53"])/ICMPv6NDOptDNSSL(
 * searchlist=["example.com"])/ICMPv6NDOptRouteInfo(prefix="2001:db8::", plen=32): variable
 * options, their len computed in 8-byte units; the search list padded to 8 bytes. */
static void test_ra_variable_options(void **state)
{
	static const uint8_t dns[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
	static const uint8_t names[] = "\7example\3com"; /* 13 bytes with the final 0 */
	static const uint8_t prefix[16] = {0x20, 0x01, 0x0d, 0xb8};
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(LL, NULL);
	push("ICMPv6ND_RA");
	set_bytes(push("ICMPv6NDOptRDNSS"), "dns", dns, 16);
	set_bytes(push("ICMPv6NDOptDNSSL"), "searchlist", names, sizeof(names));
	l = push("ICMPv6NDOptRouteInfo");
	set_bytes(l, "prefix", prefix, 16);
	set_u(l, "plen", 32);
	build_expect("6000000000583afffe800000000000000000000000000001ff0200000000000000000000"
		     "000000018600dc9b00080708000000000000000019030000ffffffff20010db800000000"
		     "00000000000000531f030000ffffffff076578616d706c6503636f6d0000000018032000"
		     "ffffffff20010db8000000000000000000000000");
	dissect_expect(&d, "IPv6", "ICMPv6ND_RA", "ICMPv6NDOptRDNSS", "ICMPv6NDOptDNSSL",
		       "ICMPv6NDOptRouteInfo", NULL);
	assert_int_equal(get_u(&d.l[2], "len"), 3);
	assert_int_equal(d.l[2].v[field(&d.l[2], "dns")].blen, 16);
	assert_int_equal(d.l[3].v[field(&d.l[3], "searchlist")].blen, 16);
	assert_int_equal(d.l[4].v[field(&d.l[4], "prefix")].blen, 16);
	truncations();
}

/* IPv6(src=ll)/ICMPv6MLQuery(): to ff02::1 with hop limit 1, mrd 10000. */
static void test_mld_query(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(LL, NULL);
	push("ICMPv6MLQuery");
	build_expect("6000000000183a01fe800000000000000000000000000001ff0200000000000000000000"
		     "00000001820059172710000000000000000000000000000000000000");
	dissect_expect(&d, "IPv6", "ICMPv6MLQuery", NULL);
	assert_int_equal(get_u(&d.l[1], "mrd"), 10000);
}

/* Option len set by the user is sent as is and not used to read fixed-size options:
 * IPv6(src=s, dst=d)/ICMPv6ND_NS(tgt=d)/ICMPv6NDOptSrcLLAddr(lladdr=m1, len=2)/
 * ICMPv6NDOptMTU() dissects as SrcLLAddr then MTU, as in Scapy. */
static void test_option_len_user_set(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	l = push("ICMPv6NDOptSrcLLAddr");
	set_u(l, "lladdr", M1);
	set_u(l, "len", 2);
	push("ICMPv6NDOptMTU");
	build_expect("6000000000283aff20010db800000000000000000000000120010db800000000000000"
		     "00000000028700e2680000000020010db80000000000000000000000020102020000000001"
		     "0501000000000500");
	dissect_expect(&d, "IPv6", "ICMPv6ND_NS", "ICMPv6NDOptSrcLLAddr", "ICMPv6NDOptMTU",
		       NULL);
	assert_int_equal(get_u(&d.l[2], "len"), 2);
}

/* A message shorter than Scapy's minimum for its type stays Raw: a 23-byte NS. A single
 * byte after an ND message is Raw too. */
static void test_short_messages(void **state)
{
	struct wc_pkt d;
	uint8_t b[80];
	(void)state;

	start();
	ipv6(S, D);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	assert_int_equal(wc_build(&pkt), 0);
	memcpy(b, pkt.buf, pkt.len);
	b[5] = 23; /* plen */
	assert_int_equal(wc_dissect(&d, b, 40 + 23, wc_proto_find("IPv6")), 0);
	assert_int_equal(d.nlayers, 2);
	assert_string_equal(d.l[1].proto->name, "Raw");

	b[5] = 25;
	b[64] = 1;
	assert_int_equal(wc_dissect(&d, b, 40 + 25, wc_proto_find("IPv6")), 0);
	assert_int_equal(d.nlayers, 3);
	assert_string_equal(d.l[1].proto->name, "ICMPv6ND_NS");
	assert_string_equal(d.l[2].proto->name, "Raw");
}

/* ---- IPv6 extension headers ---------------------------------------------------------- */

#define A3 "2001:db8::3"
#define A4 "2001:db8::4"

/* IPv6(src=s, dst=d)/IPv6ExtHdrHopByHop()/ICMPv6EchoRequest(): the empty options are
 * padded to 8 bytes with one PadN, and the header's nh comes from IPv6's binding. */
static void test_hopbyhop(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(S, D);
	push("IPv6ExtHdrHopByHop");
	push("ICMPv6EchoRequest");
	build_expect("600000000010004020010db800000000000000000000000120010db80000000000000000"
		     "000000023a000104000000008000244800000000");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrHopByHop", "ICMPv6EchoRequest", NULL);
	assert_int_equal(get_u(&d.l[1], "nh"), 58);
	assert_int_equal(get_u(&d.l[1], "len"), 0);
	assert_int_equal(d.l[1].v[field(&d.l[1], "options")].blen, 6);
	truncations();
}

/* IPv6(src=s, dst=d)/IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])/
 * IPv6ExtHdrDestOpt()/UDP(): an extension header after another takes nh from IPv6's
 * bindings too; the 4 option bytes get a 2-byte PadN. */
static void test_hopbyhop_destopt(void **state)
{
	static const uint8_t router_alert[] = {5, 2, 0, 0};
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(S, D);
	set_bytes(push("IPv6ExtHdrHopByHop"), "options", router_alert, 4);
	push("IPv6ExtHdrDestOpt");
	push("UDP");
	build_expect("600000000018004020010db800000000000000000000000120010db80000000000000000"
		     "000000023c000502000001001100010400000000003500350008a3ff");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrHopByHop", "IPv6ExtHdrDestOpt", "UDP", NULL);
	assert_int_equal(get_u(&d.l[2], "nh"), 17);
	truncations();
}

/* IPv6(src=s, dst=d)/IPv6ExtHdrRouting(addresses=[a3, a4])/UDP(): the UDP checksum uses
 * the last address as destination; with segleft=0 it uses the IPv6 destination. */
static void build_routing(const uint8_t *addrs, size_t n, int segleft)
{
	struct wc_layer *l;

	start();
	ipv6(S, D);
	l = push("IPv6ExtHdrRouting");
	set_bytes(l, "addresses", addrs, n);
	if (segleft >= 0)
		set_u(l, "segleft", (uint64_t)segleft);
}

static void test_routing(void **state)
{
	uint8_t addrs[32];
	struct wc_pkt d;
	(void)state;

	assert_int_equal(inet_pton(AF_INET6, A3, addrs), 1);
	assert_int_equal(inet_pton(AF_INET6, A4, addrs + 16), 1);
	build_routing(addrs, 32, -1);
	push("UDP");
	build_expect("6000000000302b4020010db800000000000000000000000120010db80000000000000000"
		     "00000002110400020000000020010db800000000000000000000000320010db800000000"
		     "0000000000000004003500350008a3fd");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrRouting", "UDP", NULL);
	assert_int_equal(get_u(&d.l[1], "len"), 4);
	assert_int_equal(get_u(&d.l[1], "segleft"), 2);
	assert_int_equal(get_u(&d.l[2], "chksum"), 0xa3fd);
	truncations();

	build_routing(addrs, 32, 0);
	push("UDP");
	build_expect("6000000000302b4020010db800000000000000000000000120010db80000000000000000"
		     "00000002110400000000000020010db800000000000000000000000320010db800000000"
		     "0000000000000004003500350008a3ff");

	/* IPv6(src=s, dst=d)/IPv6ExtHdrRouting(addresses=[a3])/ICMPv6EchoRequest() */
	build_routing(addrs, 16, -1);
	push("ICMPv6EchoRequest");
	build_expect("6000000000202b4020010db800000000000000000000000120010db80000000000000000"
		     "000000023a0200010000000020010db80000000000000000000000038000244700000000");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrRouting", "ICMPv6EchoRequest", NULL);
}

/* IPv6(src=s, dst=d)/IPv6ExtHdrFragment(id=0x1234, m=1)/ICMPv6EchoRequest(data=b"abcd"),
 * and IPv6(src=s, dst=d)/IPv6ExtHdrFragment(id=0x1234, offset=3)/UDP(), whose payload a
 * later fragment carries: Raw, as in Scapy. */
static void test_fragment(void **state)
{
	struct wc_pkt d;
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	l = push("IPv6ExtHdrFragment");
	set_u(l, "id", 0x1234);
	set_u(l, "m", 1);
	set_bytes(push("ICMPv6EchoRequest"), "data", "abcd", 4);
	build_expect("6000000000142c4020010db800000000000000000000000120010db80000000000000000"
		     "000000023a0000010000123480005f7d0000000061626364");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrFragment", "ICMPv6EchoRequest", NULL);
	assert_int_equal(get_u(&d.l[1], "m"), 1);
	truncations();

	start();
	ipv6(S, D);
	l = push("IPv6ExtHdrFragment");
	set_u(l, "id", 0x1234);
	set_u(l, "offset", 3);
	push("UDP");
	build_expect("6000000000102c4020010db800000000000000000000000120010db80000000000000000"
		     "000000021100001800001234003500350008a3ff");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrFragment", "Raw", NULL);
	assert_int_equal(get_u(&d.l[1], "offset"), 3);
}

/* IPv6(src=s)/IPv6ExtHdrHopByHop()/ICMPv6ND_NS(tgt=d): behind an extension header the NS
 * sets only nh (the header has no dst or hlim), so IPv6 keeps ::1 and 64. */
static void test_nd_behind_hopbyhop(void **state)
{
	struct wc_pkt d;
	(void)state;

	start();
	ipv6(S, NULL);
	push("IPv6ExtHdrHopByHop");
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	build_expect("600000000020004020010db8000000000000000000000001000000000000000000000000"
		     "000000013a0001040000000087001d370000000020010db8000000000000000000000002");
	dissect_expect(&d, "IPv6", "IPv6ExtHdrHopByHop", "ICMPv6ND_NS", NULL);
}

/* Scapy's summary() of the dissected packets: the innermost layer with a mysummary speaks.
 * IPv6(bytes(IPv6(src=s, dst=d)/ICMPv6EchoRequest(id=0x1234, seq=1))).summary() and the
 * like. */
static void summary_expect(const char *want)
{
	struct wc_pkt d;
	char out[512];

	assert_int_equal(wc_build(&pkt), 0);
	assert_int_equal(wc_dissect(&d, pkt.buf, pkt.len, wc_proto_find("IPv6")), 0);
	assert_true(wc_fmt_summary(&d, out, sizeof(out)) > 0);
	assert_string_equal(out, want);
}

static void test_summaries(void **state)
{
	static const uint8_t dns[32] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53,
					0x20, 0x01, 0x0d, 0xb8, [31] = 0x54};
	static const uint8_t names[] = "\7example\3com\0\1a\1b"; /* padded to 24 */
	static const uint8_t prefix[16] = {0x20, 0x01, 0x0d, 0xb8};
	struct wc_layer *l;
	(void)state;

	start();
	ipv6(S, D);
	l = push("ICMPv6EchoRequest");
	set_u(l, "id", 0x1234);
	set_u(l, "seq", 1);
	summary_expect("IPv6 / ICMPv6 Echo Request (id: 0x1234 seq: 0x1)");

	/* IPv6(src=s, dst=d)/ICMPv6ND_NS(tgt=d) */
	start();
	ipv6(S, D);
	set_ip6(push("ICMPv6ND_NS"), "tgt", D);
	summary_expect("IPv6 / ICMPv6 Neighbor Discovery - Neighbor Solicitation (tgt: 2001:db8::2)");

	/* ... /ICMPv6NDOptSrcLLAddr(lladdr=m1) */
	set_u(push("ICMPv6NDOptSrcLLAddr"), "lladdr", M1);
	summary_expect("IPv6 / ICMPv6ND_NS / ICMPv6 Neighbor Discovery Option - Source Link-Layer "
		       "Address 02:00:00:00:00:01");

	/* IPv6(src=s, dst=d)/ICMPv6ND_RA() */
	start();
	ipv6(S, D);
	push("ICMPv6ND_RA");
	summary_expect("IPv6 / ICMPv6 Neighbor Discovery - Router Advertisement Lifetime 1800 Hop "
		       "Limit 0 Preference High Managed 0 Other 0 Home 0");

	/* ... /ICMPv6NDOptPrefixInfo(prefix="2001:db8::") */
	set_ip6(push("ICMPv6NDOptPrefixInfo"), "prefix", "2001:db8::");
	summary_expect("IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - Prefix Information "
		       "2001:db8::/64 On-link 1 Autonomous Address 1 Router Address 0");

	/* IPv6(src=s, dst=d)/ICMPv6ND_RA()/ICMPv6NDOptRDNSS(dns=["2001:db8::53",
	 * "2001:db8::54"]) */
	start();
	ipv6(S, D);
	push("ICMPv6ND_RA");
	set_bytes(push("ICMPv6NDOptRDNSS"), "dns", dns, 32);
	summary_expect("IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - Recursive DNS "
		       "Server Option 2001:db8::53, 2001:db8::54");

	/* IPv6(src=s, dst=d)/ICMPv6ND_RA()/ICMPv6NDOptDNSSL(searchlist=["example.com", "a.b"]) */
	start();
	ipv6(S, D);
	push("ICMPv6ND_RA");
	set_bytes(push("ICMPv6NDOptDNSSL"), "searchlist", names, sizeof(names));
	summary_expect("IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - DNS Search List "
		       "Option example.com., a.b.");

	/* IPv6(src=s, dst=d)/ICMPv6ND_RA()/ICMPv6NDOptRouteInfo(prefix="2001:db8::", plen=32) */
	start();
	ipv6(S, D);
	push("ICMPv6ND_RA");
	l = push("ICMPv6NDOptRouteInfo");
	set_bytes(l, "prefix", prefix, 16);
	set_u(l, "plen", 32);
	summary_expect("IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - Route Information "
		       "Option 2001:db8::/32 Preference Medium (default)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_request),
		cmocka_unit_test(test_echo_reply),
		cmocka_unit_test(test_dest_unreach),
		cmocka_unit_test(test_time_exceeded),
		cmocka_unit_test(test_too_big_param_problem),
		cmocka_unit_test(test_rs),
		cmocka_unit_test(test_ra),
		cmocka_unit_test(test_ns),
		cmocka_unit_test(test_ns_overload),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_nd_option_unknown),
		cmocka_unit_test(test_ra_variable_options),
		cmocka_unit_test(test_mld_query),
		cmocka_unit_test(test_option_len_user_set),
		cmocka_unit_test(test_short_messages),
		cmocka_unit_test(test_hopbyhop),
		cmocka_unit_test(test_hopbyhop_destopt),
		cmocka_unit_test(test_routing),
		cmocka_unit_test(test_fragment),
		cmocka_unit_test(test_nd_behind_hopbyhop),
		cmocka_unit_test(test_summaries),
	};
	return cmocka_run_group_tests_name("proto_icmp6", tests, NULL, NULL);
}
