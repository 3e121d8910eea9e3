/* ICMP (with quoted datagrams), ARP, 802.1Q/802.1ad and 802.3/LLC/SNAP: built through the
 * layer API and compared with Scapy 2.5's bytes (the Scapy expression above each), then
 * dissected back and compared with Scapy's class names; dissection of every prefix and of
 * mutated copies must stay inside the buffer (this binary runs under ASan/UBSan). */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#define MAXF 8

struct fv {
	const char *f;
	uint64_t v;
};

/* One layer: its proto, integer/MAC/IPv4 fields, IPv6 fields by text, a Raw load. */
struct lay {
	const char *proto;
	struct fv f[MAXF];
	struct {
		const char *f;
		const char *addr;
	} a6[2];
	const char *load;
};

struct tcase {
	const char *scapy;  /* what Scapy was asked (documentation) */
	struct lay l[6];
	const char *hex;    /* bytes(Scapy expression) */
	const char *first;  /* dissect from this proto (NULL: Ether, as Scapy's Ether(b)) */
	const char *names[8]; /* Scapy's dissection: [l.__name__ for l in first(b).layers()] */
};

/* A layer with integer fields, one without, a Raw load. */
#define L(p, ...) {.proto = p, .f = {__VA_ARGS__}}
#define L0(p) {.proto = p}
#define RAW(s) {.proto = "Raw", .load = s}

#define IP_AB {"src", 0xc6120001}, {"dst", 0xc6120002}
#define IP_BA {"src", 0xc6120002}, {"dst", 0xc6120001}
#define ETH_12 {"src", 0x020000000001ULL}, {"dst", 0x020000000002ULL}

static const struct tcase cases[] = {
	/* ------------------------------------------------------------ ICMP, per type */
	{"IP(src=A,dst=B)/ICMP(id=0x1234,seq=7)/\"ping\"",
	 {L("IP", IP_AB), L("ICMP", {"id", 0x1234}, {"seq", 7}), RAW("ping")},
	 "45000020000100004001eeb4c6120001c6120002080006f41234000770696e67",
	 "IP", {"IP", "ICMP", "Raw"}},
	{"IP(src=A,dst=B)/ICMP(type=0,id=0x1234,seq=7)",
	 {L("IP", IP_AB), L("ICMP", {"type", 0}, {"id", 0x1234}, {"seq", 7})},
	 "4500001c000100004001eeb8c6120001c61200020000edc412340007", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=3,code=4,nexthopmtu=1400)",
	 {L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 4}, {"nexthopmtu", 1400})},
	 "4500001c000100004001eeb8c6120001c61200020304f78300000578", "IP", {"IP", "ICMP"}},
	/* unused is Scapy's IntField for type 4 */
	{"IP(src=A,dst=B)/ICMP(type=4,unused=5)",
	 {L("IP", IP_AB), L("ICMP", {"type", 4}, {"unused", 5})},
	 "4500001c000100004001eeb8c6120001c61200020400fbfa00000005", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=5,code=1,gw=\"198.18.0.254\")",
	 {L("IP", IP_AB), L("ICMP", {"type", 5}, {"code", 1}, {"gw", 0xc61200fe})},
	 "4500001c000100004001eeb8c6120001c6120002050133eec61200fe", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=9,unused=0x01001800)",
	 {L("IP", IP_AB), L("ICMP", {"type", 9}, {"unused", 0x01001800})},
	 "4500001c000100004001eeb8c6120001c61200020900ddff01001800", "IP", {"IP", "ICMP"}},
	/* unused is a ShortField after reserved and length for type 11 */
	{"IP(src=A,dst=B)/ICMP(type=11,code=1,unused=0x1234)",
	 {L("IP", IP_AB), L("ICMP", {"type", 11}, {"code", 1}, {"unused", 0x1234})},
	 "4500001c000100004001eeb8c6120001c61200020b01e2ca00001234", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=12,ptr=20,length=3)",
	 {L("IP", IP_AB), L("ICMP", {"type", 12}, {"ptr", 20}, {"length", 3})},
	 "4500001c000100004001eeb8c6120001c61200020c00dffc14030000", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=13,id=1,seq=2,ts_ori=1,ts_rx=2,ts_tx=3)",
	 {L("IP", IP_AB),
	  L("ICMP", {"type", 13}, {"id", 1}, {"seq", 2}, {"ts_ori", 1}, {"ts_rx", 2},
	    {"ts_tx", 3})},
	 "45000028000100004001eeacc6120001c61200020d00f2f600010002000000010000000200000003",
	 "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=14,id=1,seq=2,ts_ori=43200000,ts_rx=43200001,ts_tx=43200002)",
	 {L("IP", IP_AB),
	  L("ICMP", {"type", 14}, {"id", 1}, {"seq", 2}, {"ts_ori", 43200000},
		    {"ts_rx", 43200001}, {"ts_tx", 43200002})},
	 "45000028000100004001eeacc6120001c61200020e0060400001000202932e0002932e0102932e02",
	 "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=15,id=5,seq=6)",
	 {L("IP", IP_AB), L("ICMP", {"type", 15}, {"id", 5}, {"seq", 6})},
	 "4500001c000100004001eeb8c6120001c61200020f00f0f400050006", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=16,id=5,seq=6)",
	 {L("IP", IP_AB), L("ICMP", {"type", 16}, {"id", 5}, {"seq", 6})},
	 "4500001c000100004001eeb8c6120001c61200021000eff400050006", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=17,id=9,seq=1)",
	 {L("IP", IP_AB), L("ICMP", {"type", 17}, {"id", 9}, {"seq", 1})},
	 "45000020000100004001eeb4c6120001c61200021100eef50009000100000000", "IP", {"IP", "ICMP"}},
	{"IP(src=A,dst=B)/ICMP(type=18,id=9,seq=1,addr_mask=\"255.255.254.0\")",
	 {L("IP", IP_AB),
	  L("ICMP", {"type", 18}, {"id", 9}, {"seq", 1}, {"addr_mask", 0xfffffe00})},
	 "45000020000100004001eeb4c6120001c61200021200eff400090001fffffe00", "IP", {"IP", "ICMP"}},
	/* 37/38 have id/seq and the 4-byte unused: 12 bytes */
	{"IP(src=A,dst=B)/ICMP(type=37,id=3,seq=4)",
	 {L("IP", IP_AB), L("ICMP", {"type", 37}, {"id", 3}, {"seq", 4})},
	 "45000020000100004001eeb4c6120001c61200022500daf80003000400000000", "IP", {"IP", "ICMP"}},
	/* Scapy drops unused for echo: it is a 0-byte StrFixedLenField there */
	{"IP(src=A,dst=B)/ICMP(type=0,unused=5)",
	 {L("IP", IP_AB), L("ICMP", {"type", 0}, {"unused", 5})},
	 "4500001c000100004001eeb8c6120001c61200020000ffff00000000", "IP", {"IP", "ICMP"}},

	/* ------------------------------------------------------------ ICMP errors */
	{"IP(src=A,dst=B)/ICMP(type=3,code=3)/IP(src=B,dst=A)/UDP(sport=1234,dport=33434)",
	 {L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 3}), L("IP", IP_BA),
	  L("UDP", {"sport", 1234}, {"dport", 33434})},
	 "45000038000100004001ee9cc6120001c61200020303893e000000004500001c000100004011eea8c6120002"
	 "c612000104d2829a0008ec49",
	 "IP", {"IP", "ICMP", "IPerror", "UDPerror"}},
	/* IPerror/UDPerror build as IP/UDP do: same bytes */
	{"IP(src=A,dst=B)/ICMP(type=3,code=3)/IPerror(src=B,dst=A)/"
	 "UDPerror(sport=1234,dport=33434)",
	 {L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 3}), L("IPerror", IP_BA),
	  L("UDPerror", {"sport", 1234}, {"dport", 33434})},
	 "45000038000100004001ee9cc6120001c61200020303893e000000004500001c000100004011eea8c6120002"
	 "c612000104d2829a0008ec49",
	 "IP", {"IP", "ICMP", "IPerror", "UDPerror"}},
	{"IP(src=A,dst=B)/ICMP(type=11)/IP(src=B,dst=A)/TCP(sport=1234)",
	 {L("IP", IP_AB), L("ICMP", {"type", 11}), L("IP", IP_BA), L("TCP", {"sport", 1234})},
	 "45000044000100004001ee90c6120001c61200020b0081420000000045000028000100004006eea7c6120002"
	 "c612000104d20050000000000000000050022000fe980000",
	 "IP", {"IP", "ICMP", "IPerror", "TCPerror"}},
	{"IP(src=A,dst=B)/ICMP(type=11)/IPerror(src=B,dst=A)/TCPerror(sport=1234)",
	 {L("IP", IP_AB), L("ICMP", {"type", 11}), L("IPerror", IP_BA),
	  L("TCPerror", {"sport", 1234})},
	 "45000044000100004001ee90c6120001c61200020b0081420000000045000028000100004006eea7c6120002"
	 "c612000104d20050000000000000000050022000fe980000",
	 "IP", {"IP", "ICMP", "IPerror", "TCPerror"}},
	{"IP(src=A,dst=B)/ICMP(type=3,code=1)/IP(src=B,dst=A)/ICMP(id=7,seq=9)",
	 {L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 1}), L("IP", IP_BA),
	  L("ICMP", {"id", 7}, {"seq", 9})},
	 "45000038000100004001ee9cc6120001c61200020301fcfe000000004500001c000100004001eeb8c6120002"
	 "c61200010800f7ef00070009",
	 "IP", {"IP", "ICMP", "IPerror", "ICMPerror"}},
	{"IP(src=A,dst=B)/ICMP(type=3,code=1)/IPerror(src=B,dst=A)/ICMPerror(id=7,seq=9)",
	 {L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 1}), L("IPerror", IP_BA),
	  L("ICMPerror", {"id", 7}, {"seq", 9})},
	 "45000038000100004001ee9cc6120001c61200020301fcfe000000004500001c000100004001eeb8c6120002"
	 "c61200010800f7ef00070009",
	 "IP", {"IP", "ICMP", "IPerror", "ICMPerror"}},
	/* IPerror takes IP's bindings (aliastypes): proto 1 */
	{"IPerror(src=A,dst=B)/ICMP()",
	 {L("IPerror", IP_AB), L("ICMP", {"type", 8})},
	 "4500001c000100004001eeb8c6120001c61200020800f7ff00000000",
	 "IPerror", {"IPerror", "ICMPerror"}},
	/* ...but IP does not take ICMPerror's: proto stays 0 */
	{"IP(src=A,dst=B)/ICMPerror()",
	 {L("IP", IP_AB), L("ICMPerror", {"type", 8})},
	 "4500001c000100004000eeb9c6120001c61200020800f7ff00000000", "IP", {"IP", "Raw"}},

	/* ------------------------------------------------------------ ARP */
	{"Ether(src=02:..:01,dst=ff:..:ff)/ARP(hwsrc=\"02:00:00:00:00:01\",psrc=A,pdst=B)",
	 {L("Ether", {"src", 0x020000000001ULL}, {"dst", 0xffffffffffffULL}),
	  L("ARP", {"hwsrc", 0x020000000001ULL}, {"psrc", 0xc6120001}, {"pdst", 0xc6120002})},
	 "ffffffffffff02000000000108060001080006040001020000000001c6120001000000000000c6120002",
	 NULL, {"Ether", "ARP"}},
	{"Ether(src=02:..:02,dst=02:..:01)/"
	 "ARP(op=\"is-at\",hwsrc=02:..:02,psrc=B,hwdst=02:..:01,pdst=A)",
	 {L("Ether", {"src", 0x020000000002ULL}, {"dst", 0x020000000001ULL}),
	  L("ARP", {"op", 2}, {"hwsrc", 0x020000000002ULL}, {"psrc", 0xc6120002},
		   {"hwdst", 0x020000000001ULL}, {"pdst", 0xc6120001})},
	 "02000000000102000000000208060001080006040002020000000002c6120002020000000001c6120001",
	 NULL, {"Ether", "ARP"}},
	/* not Ethernet: hwsrc/hwdst are bytes of hwlen, none given: hwlen 0 */
	{"ARP(hwtype=6,psrc=A,pdst=B)",
	 {L("ARP", {"hwtype", 6}, {"psrc", 0xc6120001}, {"pdst", 0xc6120002})},
	 "0006080000040001c6120001c6120002", "ARP", {"ARP"}},
	{"ARP(ptype=0x86dd,hwsrc=02:..:01,psrc=\"2001:db8::1\",pdst=\"2001:db8::2\")",
	 {{.proto = "ARP",
	   .f = {{"ptype", 0x86dd}, {"hwsrc", 0x020000000001ULL}},
	   .a6 = {{"psrc", "2001:db8::1"}, {"pdst", "2001:db8::2"}}}},
	 "000186dd0610000102000000000120010db800000000000000000000000100000000000020010db800000000"
	 "0000000000000002",
	 "ARP", {"ARP"}},

	/* ------------------------------------------------------------ 802.1Q / 802.1ad */
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1Q(vlan=10,prio=5,id=1)/IP(src=A,dst=B)/UDP()",
	 {L("Ether", ETH_12), L("Dot1Q", {"vlan", 10}, {"prio", 5}, {"id", 1}),
	  L("IP", IP_AB), L0("UDP")},
	 "0200000000020200000000018100b00a08004500001c000100004011eea8c6120001c6120002003500350008"
	 "734c",
	 NULL, {"Ether", "Dot1Q", "IP", "UDP"}},
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1Q(vlan=10)/Dot1Q(vlan=20)/IP(src=A,dst=B)/UDP()",
	 {L("Ether", ETH_12), L("Dot1Q", {"vlan", 10}), L("Dot1Q", {"vlan", 20}),
	  L("IP", IP_AB), L0("UDP")},
	 "0200000000020200000000018100000a8100001408004500001c000100004011eea8c6120001c61200020035"
	 "00350008734c",
	 NULL, {"Ether", "Dot1Q", "Dot1Q", "IP", "UDP"}},
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1AD(vlan=100)/Dot1Q(vlan=20)/IP(src=A,dst=B)",
	 {L("Ether", ETH_12), L("Dot1AD", {"vlan", 100}), L("Dot1Q", {"vlan", 20}),
	  L("IP", IP_AB)},
	 "02000000000202000000000188a8006481000014080045000014000100004000eec1c6120001c6120002",
	 NULL, {"Ether", "Dot1AD", "Dot1Q", "IP"}},
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1Q(vlan=100)/Dot1AD(vlan=20)/"
	 "IPv6(src=2001:db8::1,dst=2001:db8::2)",
	 {L("Ether", ETH_12), L("Dot1Q", {"vlan", 100}), L("Dot1AD", {"vlan", 20}),
	  {.proto = "IPv6",
	   .f = {{"nh", 59}},
	   .a6 = {{"src", "2001:db8::1"}, {"dst", "2001:db8::2"}}}},
	 "0200000000020200000000018100006488a8001486dd6000000000003b4020010db800000000000000000000"
	 "000120010db8000000000000000000000002",
	 NULL, {"Ether", "Dot1Q", "Dot1AD", "IPv6"}},
	{"Ether(src=02:..:01,dst=ff:..:ff)/Dot1Q()/ARP(hwsrc=02:..:01,psrc=A,pdst=B)",
	 {L("Ether", {"src", 0x020000000001ULL}, {"dst", 0xffffffffffffULL}), L0("Dot1Q"),
	  L("ARP", {"hwsrc", 0x020000000001ULL}, {"psrc", 0xc6120001}, {"pdst", 0xc6120002})},
	 "ffffffffffff0200000000018100000108060001080006040001020000000001c6120001000000000000c612"
	 "0002",
	 NULL, {"Ether", "Dot1Q", "ARP"}},
	/* Dot1Q's default type 0 is an 802.3 length of 0: the payload comes back as Padding */
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1Q()/\"abc\"",
	 {L("Ether", ETH_12), L0("Dot1Q"), RAW("abc")},
	 "020000000002020000000001810000010000616263", NULL, {"Ether", "Dot1Q", "Padding"}},
	{"Ether(src=02:..:01,dst=02:..:02)/Dot1Q(vlan=3)/LLC()",
	 {L("Ether", ETH_12), L("Dot1Q", {"vlan", 3}), L0("LLC")},
	 "020000000002020000000001810000038870000000", NULL, {"Ether", "Dot1Q", "LLC"}},

	/* ------------------------------------------------------------ 802.3 / LLC / SNAP */
	{"Dot3(src=02:..:01,dst=02:..:02)/LLC()/\"hello\"",
	 {L("Dot3", ETH_12), L0("LLC"), RAW("hello")},
	 "020000000002020000000001000800000068656c6c6f", NULL, {"Dot3", "LLC", "Raw"}},
	{"Dot3(src=02:..:01,dst=02:..:02)/LLC()/SNAP()/IP(src=A,dst=B)",
	 {L("Dot3", ETH_12), L0("LLC"), L0("SNAP"), L("IP", IP_AB)},
	 "020000000002020000000001001caaaa03000000080045000014000100004000eec1c6120001c6120002",
	 NULL, {"Dot3", "LLC", "SNAP", "IP"}},
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static uint8_t buf[4096];

static void to_hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

static size_t from_hex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned x;
		sscanf(h + 2 * i, "%2x", &x);
		out[i] = (uint8_t)x;
	}
	return n;
}

/* An IPv6 field by name: the entry of that name whose kind is IPv6 (ARP has several). */
static void set_ip6(struct wc_layer *l, const char *name, const char *text)
{
	for (unsigned i = 0; i < l->proto->nfields; i++) {
		if (strcmp(l->proto->fields[i].name, name) || l->proto->fields[i].kind != WC_K_IPV6)
			continue;
		assert_int_equal(inet_pton(AF_INET6, text, l->v[i].a), 1);
		l->set |= 1u << i;
		return;
	}
	fail_msg("no IPv6 field %s", name);
}

static void build_case(const struct tcase *c, struct wc_pkt *p)
{
	wc_pkt_init(p, buf, sizeof(buf));
	for (unsigned i = 0; i < 6 && c->l[i].proto; i++) {
		const struct lay *ly = &c->l[i];
		const struct wc_proto *pr = wc_proto_find(ly->proto);
		struct wc_layer *l;

		assert_non_null(pr);
		assert_int_equal(wc_pkt_push(p, pr), 0);
		l = &p->l[p->nlayers - 1];
		for (unsigned k = 0; k < MAXF && ly->f[k].f; k++)
			assert_int_equal(wc_layer_set_u(l, ly->f[k].f, ly->f[k].v), 0);
		for (unsigned k = 0; k < 2 && ly->a6[k].f; k++)
			set_ip6(l, ly->a6[k].f, ly->a6[k].addr);
		if (ly->load) {
			l->v[0].b = (const uint8_t *)ly->load;
			l->v[0].blen = (uint32_t)strlen(ly->load);
			l->set |= 1;
		}
	}
	assert_int_equal(wc_build(p), 0);
}

static const struct wc_proto *first_proto(const struct tcase *c)
{
	return c->first ? wc_proto_find(c->first) : NULL;
}

static void test_build_like_scapy(void **state)
{
	static char out[8192];
	struct wc_pkt p;
	(void)state;

	for (size_t i = 0; i < NCASES; i++) {
		build_case(&cases[i], &p);
		to_hex(p.buf, p.len, out);
		if (strcmp(out, cases[i].hex))
			fail_msg("%s\n  want %s\n  got  %s", cases[i].scapy, cases[i].hex, out);
	}
}

static void test_dissect_like_scapy(void **state)
{
	static uint8_t bytes[4096];
	struct wc_pkt d;
	(void)state;

	for (size_t i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		size_t n = from_hex(c->hex, bytes);
		unsigned k;

		assert_int_equal(wc_dissect(&d, bytes, n, first_proto(c)), 0);
		for (k = 0; k < d.nlayers && c->names[k]; k++)
			if (strcmp(d.l[k].proto->name, c->names[k]))
				fail_msg("%s: layer %u is %s, Scapy says %s", c->scapy, k,
					 d.l[k].proto->name, c->names[k]);
		if (k != d.nlayers || c->names[k])
			fail_msg("%s: %u layers", c->scapy, d.nlayers);
		for (k = 0; k < d.nlayers; k++)
			assert_int_equal(d.l[k].status, WC_LS_OK);
	}
}

/* Dissected fields read back through the name API pick the entry that is present. */
static void test_alternatives_read_back(void **state)
{
	static uint8_t bytes[256];
	struct wc_pkt d;
	uint64_t v;
	(void)state;

	/* ICMP(type=11,code=1,unused=0x1234): the 16-bit unused */
	size_t n = from_hex(cases[6].hex, bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, wc_proto_find("IP")), 0);
	assert_int_equal(wc_layer_get_u(&d.l[1], "unused", &v), 0);
	assert_int_equal(v, 0x1234);
	assert_int_equal(d.l[1].hlen, 8);

	/* ICMP(type=4,unused=5): the 32-bit unused */
	n = from_hex(cases[3].hex, bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, wc_proto_find("IP")), 0);
	assert_int_equal(wc_layer_get_u(&d.l[1], "unused", &v), 0);
	assert_int_equal(v, 5);

	/* ARP is-at: hwsrc, psrc as MAC and IPv4 */
	n = from_hex(cases[25].hex, bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, NULL), 0);
	assert_string_equal(d.l[1].proto->name, "ARP");
	assert_int_equal(wc_layer_get_u(&d.l[1], "hwsrc", &v), 0);
	assert_int_equal(v, 0x020000000002ULL);
	assert_int_equal(wc_layer_get_u(&d.l[1], "psrc", &v), 0);
	assert_int_equal(v, 0xc6120002);
	assert_int_equal(wc_layer_get_u(&d.l[1], "hwlen", &v), 0);
	assert_int_equal(v, 6);
}

/* A setter that looks the name up by index (as the expression parser and packet sets do)
 * sets the first entry of that name; the build moves the value to the present one. */
static void test_alternative_set_by_index(void **state)
{
	char out[128];
	struct wc_pkt p;
	struct wc_layer *l;
	int fi;
	(void)state;

	wc_pkt_init(&p, buf, sizeof(buf));
	assert_int_equal(wc_pkt_push(&p, wc_proto_find("ICMP")), 0);
	l = &p.l[0];
	wc_layer_set_u(l, "type", 11);
	fi = wc_field_index(l->proto, "unused");
	l->v[fi].u = 0x1234;
	l->set |= 1u << fi;
	assert_int_equal(wc_build(&p), 0);
	to_hex(p.buf, p.len, out);
	/* ICMP(type=11,unused=0x1234) */
	assert_string_equal(out, "0b00e2cb00001234");
}

/* Scapy: ICMP(type=13) stamps the time of day in ms (UTC) when ts_* are not given. */
static void test_icmp_timestamp_default(void **state)
{
	struct wc_pkt p;
	struct timespec t0, t1;
	uint64_t v, a, b;
	(void)state;

	wc_pkt_init(&p, buf, sizeof(buf));
	assert_int_equal(wc_pkt_push(&p, wc_proto_find("ICMP")), 0);
	wc_layer_set_u(&p.l[0], "type", 13);
	wc_layer_set_u(&p.l[0], "ts_tx", 7);
	clock_gettime(CLOCK_REALTIME, &t0);
	assert_int_equal(wc_build(&p), 0);
	clock_gettime(CLOCK_REALTIME, &t1);
	a = (uint64_t)(t0.tv_sec % 86400) * 1000 + (uint64_t)t0.tv_nsec / 1000000;
	b = (uint64_t)(t1.tv_sec % 86400) * 1000 + (uint64_t)t1.tv_nsec / 1000000;
	assert_int_equal(p.len, 20);
	v = (uint64_t)p.buf[8] << 24 | p.buf[9] << 16 | p.buf[10] << 8 | p.buf[11];
	assert_true(v == a || v == b || (v > a && v < b));
	assert_int_equal(p.buf[12] << 24 | p.buf[13] << 16 | p.buf[14] << 8 | p.buf[15], (int)v);
	assert_int_equal(p.buf[19], 7); /* set by the user: kept */
	assert_int_equal(wc_csum_fold(wc_csum_add(0, p.buf, p.len)), 0);
}

static const char *name_for(const struct wc_name *t, uint64_t v)
{
	for (; t && t->name; t++)
		if (t->v == v)
			return t->name;
	return NULL;
}

/* Code names depend on the type (MultiEnumField); the flat list reads every name. */
static void test_icmp_code_names(void **state)
{
	const struct wc_proto *icmp = wc_proto_find("ICMP");
	const struct wc_field *code = &icmp->fields[wc_field_index(icmp, "code")];
	struct wc_layer l = {.proto = icmp};
	(void)state;

	assert_non_null(code->names_for);
	wc_layer_set_u(&l, "type", 3);
	assert_string_equal(name_for(code->names_for(&l), 3), "port-unreachable");
	wc_layer_set_u(&l, "type", 5);
	assert_string_equal(name_for(code->names_for(&l), 3), "TOS-host-redirect");
	wc_layer_set_u(&l, "type", 11);
	assert_string_equal(name_for(code->names_for(&l), 1), "ttl-zero-during-reassembly");
	wc_layer_set_u(&l, "type", 8);
	assert_null(name_for(code->names_for(&l), 0));
	/* Every name once in the flat list: a name alone is a code. */
	for (const struct wc_name *a = code->names; a->name; a++)
		for (const struct wc_name *b = a + 1; b->name; b++)
			assert_string_not_equal(a->name, b->name);
}

/* Scapy's IPerror and UDPerror cut Padding by their len like IP and UDP. */
static void test_quoted_padding(void **state)
{
	static uint8_t bytes[256];
	struct wc_pkt d;
	size_t n;
	(void)state;

	/* IP(src=A,dst=B)/ICMP(type=3,code=3)/Raw(bytes(IP(src=B,dst=A)/UDP(sport=1234,
	 * dport=33434)) + b"EXTENSION") -> IP / ICMP / IPerror / UDPerror / Padding */
	n = from_hex("45000041000100004001ee93c6120001c6120002030309fe000000004500001c00010000"
		     "4011eea8c6120002c612000104d2829a0008ec49455854454e53494f4e", bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, wc_proto_find("IP")), 0);
	assert_int_equal(d.nlayers, 5);
	assert_string_equal(d.l[2].proto->name, "IPerror");
	assert_string_equal(d.l[3].proto->name, "UDPerror");
	assert_string_equal(d.l[4].proto->name, "Padding");
	assert_int_equal(d.l[4].hlen, 9);

	/* ... Raw(bytes(IP(src=B,dst=A,len=100)/UDP(sport=1234,dport=33434,len=10)) +
	 * b"ABCDEFGH") -> ... / UDPerror / Raw 'AB' / Padding 'CDEFGH' */
	n = from_hex("45000040000100004001ee94c6120001c6120002030378710000000045000064000100004011"
		     "ee60c6120002c612000104d2829a000aebff4142434445464748", bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, wc_proto_find("IP")), 0);
	assert_int_equal(d.nlayers, 6);
	assert_string_equal(d.l[3].proto->name, "UDPerror");
	assert_string_equal(d.l[4].proto->name, "Raw");
	assert_int_equal(d.l[4].hlen, 2);
	assert_string_equal(d.l[5].proto->name, "Padding");
	assert_int_equal(d.l[5].hlen, 6);
}

/* ARP of other sizes: hwsrc/hwdst as bytes of hwlen; the rest Padding (extract_padding). */
static void test_arp_other_sizes(void **state)
{
	static uint8_t bytes[64];
	struct wc_pkt d;
	uint64_t v;
	size_t n;
	(void)state;

	/* ARP(bytes.fromhex("00060800080400010102030405060708c61200011112131415161718c6120002"
	 * "0000")) -> ARP hwlen=8 hwsrc='\x01..\x08' psrc=198.18.0.1 ... / Padding */
	n = from_hex("00060800080400010102030405060708c61200011112131415161718c61200020000", bytes);
	assert_int_equal(wc_dissect(&d, bytes, n, wc_proto_find("ARP")), 0);
	assert_int_equal(d.nlayers, 2);
	assert_string_equal(d.l[0].proto->name, "ARP");
	assert_int_equal(d.l[0].hlen, 32);
	assert_string_equal(d.l[1].proto->name, "Padding");
	assert_int_equal(wc_layer_get_u(&d.l[0], "psrc", &v), 0);
	assert_int_equal(v, 0xc6120001);
	assert_int_equal(wc_layer_get_u(&d.l[0], "pdst", &v), 0);
	assert_int_equal(v, 0xc6120002);
	for (unsigned i = 0; i < d.l[0].proto->nfields; i++)
		if ((d.l[0].here & (1u << i)) && !strcmp(d.l[0].proto->fields[i].name, "hwsrc")) {
			assert_int_equal(d.l[0].proto->fields[i].kind, WC_K_BYTES);
			assert_int_equal(d.l[0].v[i].blen, 8);
			assert_memory_equal(d.l[0].v[i].b, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
		}
}

static void summary_of(const struct wc_pkt *p, unsigned li, const char *want)
{
	char out[160];
	const struct wc_proto *pr = p->l[li].proto;
	int n;

	assert_non_null(pr->summary);
	n = pr->summary(p, li, NULL, 0); /* the length alone, as the summary walker asks */
	assert_int_equal(n, (int)strlen(want));
	pr->summary(p, li, out, sizeof(out));
	assert_string_equal(out, want);
}

/* Scapy's mysummary of each layer, e.g. (IP(src=A,dst=B)/ICMP(type=3,code=3))[ICMP]
 * .mysummary(). */
static void test_summaries(void **state)
{
	static const struct {
		struct lay l[3];
		unsigned li;
		const char *want;
	} s[] = {
		{{L("IP", IP_AB), L("ICMP", {"type", 3}, {"code", 3})}, 1,
		 "ICMP 198.18.0.1 > 198.18.0.2 dest-unreach port-unreachable"},
		{{L("IP", IP_AB), L("ICMP", {"type", 8}, {"code", 3})}, 1,
		 "ICMP 198.18.0.1 > 198.18.0.2 echo-request 3"},
		{{L("IP", IP_AB), L("ICMP", {"type", 99}, {"code", 7})}, 1,
		 "ICMP 198.18.0.1 > 198.18.0.2 99 7"},
		{{L("ICMP", {"type", 11}, {"code", 1})}, 0,
		 "ICMP time-exceeded ttl-zero-during-reassembly"},
		{{L("ARP", {"hwsrc", 0x020000000001ULL}, {"psrc", 0xc6120001},
		    {"pdst", 0xc6120002})},
		 0, "ARP who has 198.18.0.2 says 198.18.0.1"},
		{{L("ARP", {"op", 2}, {"hwsrc", 0x020000000001ULL}, {"psrc", 0xc6120001},
			   {"pdst", 0xc6120002})},
		 0, "ARP is at 02:00:00:00:00:01 says 198.18.0.1"},
		{{L("ARP", {"op", 3}, {"psrc", 0xc6120001}, {"pdst", 0xc6120002})}, 0,
		 "ARP RARP-req 198.18.0.1 > 198.18.0.2"},
		{{L("ARP", {"op", 77}, {"psrc", 0xc6120001}, {"pdst", 0xc6120002})}, 0,
		 "ARP 77 198.18.0.1 > 198.18.0.2"},
		{{L("Ether", ETH_12), L("Dot1Q", {"vlan", 5}, {"type", 0x1234})}, 1,
		 "802.1q 02:00:00:00:00:01 > 02:00:00:00:00:02 (0x1234) vlan 5"},
		{{L("Dot1Q", {"vlan", 7}), L("IP", IP_AB)}, 0, "802.1q (IPv4) vlan 7"},
		{{L("Dot3", ETH_12), L0("LLC")}, 0, "802.3 02:00:00:00:00:01 > 02:00:00:00:00:02"},
	};
	struct wc_pkt p;
	(void)state;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		struct tcase c = {.scapy = s[i].want};

		memcpy(c.l, s[i].l, sizeof(s[i].l));
		build_case(&c, &p);
		summary_of(&p, s[i].li, s[i].want);
	}
}

/* Every prefix of every case, and every case with each byte set to 0x00 and 0xff (types,
 * lengths, hwlen/plen, ihl...): exact-size copies, so ASan sees any read past the end. */
static void check_dissect(const uint8_t *b, size_t n, const struct wc_proto *first)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct wc_pkt d;

	memcpy(copy, b, n);
	assert_int_equal(wc_dissect(&d, copy, n, first), 0);
	for (unsigned k = 0; k < d.nlayers; k++)
		assert_true((size_t)d.l[k].off + d.l[k].hlen <= n);
	free(copy);
}

static void test_truncated_and_mutated(void **state)
{
	static uint8_t bytes[4096];
	(void)state;

	for (size_t i = 0; i < NCASES; i++) {
		const struct wc_proto *first = first_proto(&cases[i]);
		size_t n = from_hex(cases[i].hex, bytes);

		for (size_t len = 0; len <= n; len++)
			check_dissect(bytes, len, first);
		for (size_t pos = 0; pos < n; pos++) {
			uint8_t keep = bytes[pos];

			bytes[pos] = 0x00;
			check_dissect(bytes, n, first);
			bytes[pos] = 0xff;
			check_dissect(bytes, n, first);
			bytes[pos] = keep;
		}
	}
}

/* A header cut inside a field is Raw, marked truncated; cut between two fields it stays
 * the layer with the fields that arrived (both as in Scapy), also marked truncated. */
static void test_truncated_status(void **state)
{
	static uint8_t bytes[256];
	struct wc_pkt d;
	size_t n;
	(void)state;

	/* IP/ICMP(type=13) cut inside ts_tx */
	n = from_hex(cases[8].hex, bytes);
	assert_int_equal(wc_dissect(&d, bytes, n - 3, wc_proto_find("IP")), 0);
	assert_int_equal(d.nlayers, 2);
	assert_string_equal(d.l[1].proto->name, "Raw");
	assert_int_equal(d.l[1].status, WC_LS_TRUNCATED);
	/* ... and cut before ts_tx: ICMP without it */
	assert_int_equal(wc_dissect(&d, bytes, n - 4, wc_proto_find("IP")), 0);
	assert_int_equal(d.nlayers, 2);
	assert_string_equal(d.l[1].proto->name, "ICMP");
	assert_int_equal(d.l[1].status, WC_LS_TRUNCATED);
	assert_int_equal(d.l[1].here & (1u << wc_field_index(d.l[1].proto, "ts_tx")), 0);

	/* Ether/Dot1Q cut inside the tag: 14 bytes of Ether, then 2 bytes */
	n = from_hex(cases[28].hex, bytes);
	assert_int_equal(wc_dissect(&d, bytes, 16, NULL), 0);
	assert_int_equal(d.nlayers, 2);
	assert_string_equal(d.l[0].proto->name, "Ether");
	assert_int_equal(d.l[1].status, WC_LS_TRUNCATED);

	/* Fewer than 14 bytes: Ether's dispatch does not look, Ether itself is cut short. */
	assert_int_equal(wc_dissect(&d, bytes, 13, NULL), 0);
	assert_int_equal(d.nlayers, 1);
	assert_int_equal(d.l[0].status, WC_LS_TRUNCATED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_like_scapy),
		cmocka_unit_test(test_dissect_like_scapy),
		cmocka_unit_test(test_alternatives_read_back),
		cmocka_unit_test(test_alternative_set_by_index),
		cmocka_unit_test(test_icmp_timestamp_default),
		cmocka_unit_test(test_icmp_code_names),
		cmocka_unit_test(test_quoted_padding),
		cmocka_unit_test(test_arp_other_sizes),
		cmocka_unit_test(test_summaries),
		cmocka_unit_test(test_truncated_and_mutated),
		cmocka_unit_test(test_truncated_status),
	};
	return cmocka_run_group_tests_name("proto_icmp_arp_vlan", tests, NULL, NULL);
}
