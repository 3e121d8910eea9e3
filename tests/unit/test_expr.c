/* The expression parser: every value form and field kind into wc_spec, and every kind of
 * error with its message and column. Expected option bytes come from Scapy 2.5, e.g.
 *   python3 -c 'from scapy.all import *; print(bytes(TCP(options=[("MSS",1460)]))[20:].hex())'
 * (Scapy pads options to 4 bytes; the parser keeps them unpadded, the builder pads.) */
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
#include "wirecraft/proto.h"
#include "wirecraft/set.h"

static struct wc_set *S;

static int teardown(void **state)
{
	(void)state;
	wc_set_free(S);
	S = NULL;
	return 0;
}

static struct wc_set *ok(const char *expr)
{
	struct wc_err err = { 0 };
	int rc;

	wc_set_free(S);
	S = NULL;
	rc = wc_set_parse(expr, &S, &err);
	if (rc)
		print_error("%s: rc %d col %d: %s\n", expr, rc, err.col, err.msg);
	assert_int_equal(rc, 0);
	assert_non_null(S);
	return S;
}

/* The spec of field `field` of layer `li` of the last parsed set. */
static const struct wc_spec *sp(unsigned li, const char *field)
{
	int fi;

	assert_true(li < S->n);
	fi = wc_field_index(S->l[li].proto, field);
	assert_true(fi >= 0);
	return &S->l[li].f[fi];
}

static uint64_t val(unsigned li, const char *field)
{
	const struct wc_spec *p = sp(li, field);

	assert_int_equal(p->kind, WC_SP_VALUE);
	return p->val.u;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* The bytes of a byte-kind field, as hex. */
static const char *bytes_of(unsigned li, const char *field)
{
	static char out[1024];
	const struct wc_spec *p = sp(li, field);

	assert_int_equal(p->kind, WC_SP_VALUE);
	assert_true(p->val.blen < sizeof(out) / 2);
	hex(p->val.b, p->val.blen, out);
	return out;
}

static void check_err(const char *expr, int col, const char *msg)
{
	struct wc_err err = { 0 };
	struct wc_set *s = (struct wc_set *)0x1;
	int rc = wc_set_parse(expr, &s, &err);

	if (rc != -EINVAL || err.col != col || !strstr(err.msg, msg))
		print_error("%s: rc %d col %d (want %d): '%s' (want '%s')\n", expr, rc, err.col,
			    col, err.msg, msg);
	assert_int_equal(rc, -EINVAL);
	assert_null(s);
	assert_int_equal(err.col, col);
	assert_non_null(strstr(err.msg, msg));
}

/* ---- layers and terms ---- */

static void test_stack(void **state)
{
	(void)state;
	ok("Ether()/IP()/TCP()/\"payload\"");
	assert_int_equal(S->n, 4);
	assert_ptr_equal(S->l[0].proto, wc_proto_find("Ether"));
	assert_ptr_equal(S->l[1].proto, wc_proto_find("IP"));
	assert_ptr_equal(S->l[2].proto, wc_proto_find("TCP"));
	assert_ptr_equal(S->l[3].proto, &wc_proto_raw);
	assert_string_equal(bytes_of(3, "load"), "7061796c6f6164");
	for (unsigned f = 0; f < WC_MAX_FIELDS; f++)
		assert_int_equal(S->l[1].f[f].kind, WC_SP_DEFAULT);
	assert_false(S->l[0].fuzz);
	assert_int_equal(S->seed, 0);
	assert_int_equal(wc_set_count(S), 1);

	ok(" \tIP ( dst = '198.18.0.1' , ) /\n TCP( )  ");
	assert_int_equal(S->n, 2);
	assert_int_equal(val(0, "dst"), 0xc6120001);

	ok("b'\\x00\\x01'/Raw(load=b'x')");
	assert_int_equal(S->n, 2);
	assert_string_equal(bytes_of(0, "load"), "0001");

	/* Positional values set fields in table order. */
	ok("TCP(1234, 80)/Raw('x')");
	assert_int_equal(val(0, "sport"), 1234);
	assert_int_equal(val(0, "dport"), 80);
	assert_string_equal(bytes_of(1, "load"), "78");

	ok("TCP(dport=None, sport=5)");
	assert_int_equal(sp(0, "dport")->kind, WC_SP_DEFAULT);
	assert_int_equal(val(0, "sport"), 5);
}

static void test_fuzz(void **state)
{
	(void)state;
	ok("Ether()/fuzz(IP()/TCP())/'x'");
	assert_int_equal(S->n, 4);
	assert_false(S->l[0].fuzz);
	assert_true(S->l[1].fuzz);
	assert_true(S->l[2].fuzz);
	assert_false(S->l[3].fuzz);

	ok("fuzz(fuzz(IP()))/(TCP()/(UDP()))");
	assert_int_equal(S->n, 3);
	assert_true(S->l[0].fuzz);
	assert_false(S->l[1].fuzz);
	assert_false(S->l[2].fuzz);
}

/* ---- values ---- */

static void test_integers(void **state)
{
	(void)state;
	ok("TCP(sport=0x1F90, dport=0b1010000, seq=0o17, ack=1_000_000, window=0, urgptr=00)");
	assert_int_equal(val(0, "sport"), 8080);
	assert_int_equal(val(0, "dport"), 80);
	assert_int_equal(val(0, "seq"), 15);
	assert_int_equal(val(0, "ack"), 1000000);
	assert_int_equal(val(0, "window"), 0);
	assert_int_equal(val(0, "urgptr"), 0);

	ok("TCP(seq=4294967295, reserved=True, urgptr=False)");
	assert_int_equal(val(0, "seq"), 0xffffffffULL);
	assert_int_equal(val(0, "reserved"), 1);
	assert_int_equal(val(0, "urgptr"), 0);

	ok("TCP(dport=(80))"); /* parenthesized value, not a tuple */
	assert_int_equal(val(0, "dport"), 80);
}

static void test_strings(void **state)
{
	(void)state;
	ok("Raw(load='a\\n\\r\\t\\\\\\'\\\"\\x41\\0\\101\\a\\b\\f\\v')");
	assert_string_equal(bytes_of(0, "load"), "610a0d095c272241004107080c0b");
	/* Text is stored as UTF-8, as Scapy does: "\xff" is c3 bf, "\u00e9" and "é" c3 a9. */
	ok("Raw('\\xff')/Raw(\"\\u00e9é\\U0001F600\")/Raw('\\400')");
	assert_string_equal(bytes_of(0, "load"), "c3bf");
	assert_string_equal(bytes_of(1, "load"), "c3a9c3a9f09f9880");
	assert_string_equal(bytes_of(2, "load"), "c480");
	/* Bytes literals are bytes; \u is no escape there. */
	ok("Raw(b'\\xff\\377\\u')/Raw(B\"\")");
	assert_string_equal(bytes_of(0, "load"), "ffff5c75");
	assert_int_equal(sp(1, "load")->val.blen, 0);
	/* Raw strings keep backslashes; unknown escapes stay; line continuation vanishes. */
	ok("Raw(r'\\n\\'')/Raw(rb'\\x')/Raw('\\q')/Raw('a\\\nb')/Raw(u'x')");
	assert_string_equal(bytes_of(0, "load"), "5c6e5c27");
	assert_string_equal(bytes_of(1, "load"), "5c78");
	assert_string_equal(bytes_of(2, "load"), "5c71");
	assert_string_equal(bytes_of(3, "load"), "6162");
	assert_string_equal(bytes_of(4, "load"), "78");
	/* Repetition. */
	ok("IP()/'AB'*3/Raw(load=b'x' * 0)/Raw(load='' * 18446744073709551615)");
	assert_string_equal(bytes_of(1, "load"), "414241424142");
	assert_int_equal(sp(2, "load")->val.blen, 0);
	assert_int_equal(sp(3, "load")->val.blen, 0);
}

static void test_enum_flags(void **state)
{
	(void)state;
	ok("IP(proto='tcp', flags='DF')/TCP(dport='http', sport='ssh', flags='SA')");
	assert_int_equal(val(0, "proto"), 6);
	assert_int_equal(val(0, "flags"), 2);
	assert_int_equal(val(1, "dport"), 80);
	assert_int_equal(val(1, "sport"), 22);
	assert_int_equal(val(1, "flags"), 0x12);

	ok("IP(flags='MF+DF')/TCP(flags='')/UDP(dport=53)");
	assert_int_equal(val(0, "flags"), 3);
	assert_int_equal(val(1, "flags"), 0);
	assert_int_equal(val(2, "dport"), 53);

	ok("IP(flags='')/TCP(flags='FSRPAUECN')/Ether(type='IPv6')");
	assert_int_equal(val(0, "flags"), 0);
	assert_int_equal(val(1, "flags"), 0x1ff);
	assert_int_equal(val(2, "type"), 0x86dd);

	/* A list is one value, its flags OR-ed (Scapy's FlagsField), not a set. */
	ok("IP(flags=['DF', 'MF'])/TCP(flags=['S', 'A'])/TCP(flags=[])/TCP(flags=['S', 'SA', 0x100])");
	assert_int_equal(sp(0, "flags")->kind, WC_SP_VALUE);
	assert_int_equal(val(0, "flags"), 3);
	assert_int_equal(val(1, "flags"), 0x12);
	assert_int_equal(val(2, "flags"), 0);
	assert_int_equal(val(3, "flags"), 0x112);
}

static void test_addresses(void **state)
{
	const struct wc_spec *p;
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t n6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0 };
	(void)state;

	ok("Ether(dst='aa:bb:cc:dd:ee:ff', src='00-11-22-33-44-55')/Ether(dst='0:1:2:3:4:5')");
	assert_int_equal(val(0, "dst"), 0xaabbccddeeffULL);
	assert_int_equal(val(0, "src"), 0x001122334455ULL);
	assert_int_equal(val(1, "dst"), 0x000102030405ULL);

	ok("IP(src='198.18.0.1', dst='0.0.0.0')");
	assert_int_equal(val(0, "src"), 0xc6120001);
	assert_int_equal(val(0, "dst"), 0);

	/* CIDR: one segment from the network address (host bits dropped, as Scapy's Net). */
	ok("IP(src='198.18.0.77/30', dst='198.18.0.0/24')");
	p = sp(0, "src");
	assert_int_equal(p->kind, WC_SP_SET);
	assert_int_equal(p->nsegs, 1);
	assert_int_equal(p->segs[0].lo, 0xc612004c);
	assert_int_equal(p->segs[0].n, 4);
	assert_int_equal(sp(0, "dst")->count, 256);
	assert_int_equal(wc_set_count(S), 1024);

	ok("IP(src='198.18.0.7/32', dst='0.0.0.0/0')");
	assert_int_equal(val(0, "src"), 0xc6120007);
	assert_int_equal(sp(0, "dst")->count, 1ULL << 32);

	ok("IPv6(src='2001:db8::1', dst='2001:db8::ff/120')");
	p = sp(0, "src");
	assert_int_equal(p->kind, WC_SP_VALUE);
	assert_memory_equal(p->val.a, a6, 16);
	p = sp(0, "dst");
	assert_int_equal(p->kind, WC_SP_SET);
	assert_memory_equal(p->segs[0].a, n6, 16);
	assert_int_equal(p->segs[0].n, 256);

	ok("IPv6(src='2001:db8::1/128', dst='2001:db8::/64')");
	assert_memory_equal(sp(0, "src")->val.a, a6, 16);
	assert_int_equal(sp(0, "dst")->segs[0].n, UINT64_MAX);
	assert_int_equal(sp(0, "dst")->count, UINT64_MAX);
}

/* The entry of a name that several entries share (Scapy's MultipleTypeField), by kind. */
static const struct wc_spec *twin(unsigned li, const char *field, int kind)
{
	const struct wc_proto *p = S->l[li].proto;

	for (unsigned i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, field) && p->fields[i].kind == kind)
			return &S->l[li].f[i];
	fail_msg("%s has no %s of kind %d", p->name, field, kind);
	return NULL;
}

static void test_names_and_twins(void **state)
{
	(void)state;
	ok("ICMP(type='dest-unreach', code='port-unreachable')/ICMP(type='echo-request')");
	assert_int_equal(val(0, "type"), 3);
	assert_int_equal(val(0, "code"), 3);
	assert_int_equal(val(1, "type"), 8);

	/* ARP's addresses: which entry gets the value depends on ptype/plen, set before or
	 * after the address. */
	ok("ARP(op='is-at', psrc='198.18.0.1', hwsrc='02:00:00:00:00:01')");
	assert_int_equal(val(0, "op"), 2);
	assert_int_equal(twin(0, "psrc", WC_K_IPV4)->val.u, 0xc6120001);
	assert_int_equal(twin(0, "psrc", WC_K_IPV6)->kind, WC_SP_DEFAULT);
	assert_int_equal(twin(0, "hwsrc", WC_K_MAC)->val.u, 0x020000000001ULL);

	ok("ARP(pdst='2001:db8::1', ptype=0x86dd)");
	assert_int_equal(twin(0, "pdst", WC_K_IPV4)->kind, WC_SP_DEFAULT);
	assert_int_equal(twin(0, "pdst", WC_K_IPV6)->kind, WC_SP_VALUE);
	assert_int_equal(twin(0, "pdst", WC_K_IPV6)->val.a[15], 1);

	ok("ARP(plen=2, psrc=b'\\x01\\x02', hwtype=6, hwdst=b'ab')");
	assert_int_equal(twin(0, "psrc", WC_K_BYTES)->val.blen, 2);
	assert_int_equal(twin(0, "psrc", WC_K_IPV4)->kind, WC_SP_DEFAULT);
	assert_int_equal(twin(0, "hwdst", WC_K_BYTES)->val.blen, 2);

	ok("ARP(pdst=['198.18.0.0/30'])");
	assert_int_equal(twin(0, "pdst", WC_K_IPV4)->count, 4);

	/* No entry present takes it: the error is the present entry's. */
	check_err("ARP(psrc='2001:db8::1')", 10, "bad IPv4 address '2001:db8::1'");
	check_err("ARP(psrc='1.2.3.4', psrc='1.2.3.5')", 21, "field 'psrc' set twice");
}

static void test_sets(void **state)
{
	const struct wc_spec *p;
	(void)state;

	ok("TCP(dport=[22, 80, (1000, 1010),], sport=(1, 65535))");
	p = sp(0, "dport");
	assert_int_equal(p->kind, WC_SP_SET);
	assert_int_equal(p->nsegs, 3);
	assert_int_equal(p->segs[0].lo, 22);
	assert_int_equal(p->segs[0].n, 1);
	assert_int_equal(p->segs[2].lo, 1000);
	assert_int_equal(p->segs[2].n, 11);
	assert_int_equal(p->count, 13);
	assert_int_equal(sp(0, "sport")->segs[0].n, 65535);

	ok("IP(ttl=(5, 5), dst=['198.18.0.0/31', '198.18.1.1'])");
	assert_int_equal(val(0, "ttl"), 5);
	p = sp(0, "dst");
	assert_int_equal(p->nsegs, 2);
	assert_int_equal(p->segs[0].lo, 0xc6120000);
	assert_int_equal(p->segs[0].n, 2);
	assert_int_equal(p->segs[1].lo, 0xc6120101);
	assert_int_equal(p->count, 3);

	/* The example of scapy-semantics.md: 2 dst x 2 ttl x 2 dport. */
	ok("IP(dst='198.18.0.0/31', ttl=(1,2))/TCP(dport=[80,443])");
	assert_int_equal(wc_set_count(S), 8);

	ok("Ether(src=['02:00:00:00:00:01', '02:00:00:00:00:02'])/IP(proto=['tcp', 17])");
	assert_int_equal(sp(0, "src")->segs[1].lo, 0x020000000002ULL);
	assert_int_equal(sp(1, "proto")->segs[0].lo, 6);
	assert_int_equal(sp(1, "proto")->segs[1].lo, 17);

	ok("IPv6(dst=['2001:db8::/127', '2001:db8::9'])");
	p = sp(0, "dst");
	assert_int_equal(p->count, 3);
	assert_int_equal(p->segs[1].a[15], 9);

	/* Counts saturate. */
	ok("TCP(seq=(0, 4294967295))/IP(dst='0.0.0.0/0', src='0.0.0.0/0')/TCP(ack=(0,1))");
	assert_int_equal(wc_set_count(S), UINT64_MAX);
}

static void test_random(void **state)
{
	const struct wc_spec *p;
	(void)state;

	ok("TCP(sport=RandShort(), seq=RandInt(), dport=RandByte(), ack=RandLong())");
	p = sp(0, "sport");
	assert_int_equal(p->kind, WC_SP_RAND);
	assert_int_equal(p->rbase, 0);
	assert_int_equal(p->rmask, 0xffff);
	assert_int_equal(sp(0, "seq")->rmask, 0xffffffffULL);
	assert_int_equal(sp(0, "dport")->rmask, 0xff);
	assert_int_equal(sp(0, "ack")->rmask, 0xffffffffULL); /* cut to the field's 32 bits */

	ok("IP(ttl=RandShort(), dst=RandIP(), src=RandIP('198.18.0.0/15'))");
	assert_int_equal(sp(0, "ttl")->rmask, 0xff);
	assert_int_equal(sp(0, "dst")->kind, WC_SP_RAND);
	assert_int_equal(sp(0, "dst")->rmask, 0xffffffffULL);
	assert_int_equal(sp(0, "src")->rbase, 0xc6120000);
	assert_int_equal(sp(0, "src")->rmask, 0x1ffff);

	ok("IP(src=RandIP(iptemplate='198.18.0.9'))");
	assert_int_equal(sp(0, "src")->rbase, 0xc6120009);
	assert_int_equal(sp(0, "src")->rmask, 0);

	ok("Ether(src=RandMAC(), dst=RandMAC('02:00:*'))/Ether(dst=RandMAC('2:*:3'))");
	assert_int_equal(sp(0, "src")->kind, WC_SP_RAND);
	assert_int_equal(sp(0, "src")->rmask, 0xffffffffffffULL);
	assert_int_equal(sp(0, "dst")->rbase, 0x020000000000ULL);
	assert_int_equal(sp(0, "dst")->rmask, 0x0000ffffffffULL);
	assert_int_equal(sp(1, "dst")->rbase, 0x020003000000ULL);
	assert_int_equal(sp(1, "dst")->rmask, 0x00ff00ffffffULL);

	ok("IPv6(src=RandIP6('2001:db8::*:5'), dst=RandIP6(ip6template='2001:db8:0:0:*:*:*:*'))");
	p = sp(0, "src");
	assert_int_equal(p->kind, WC_SP_RAND);
	assert_int_equal(p->ra[0], 0x20);
	assert_int_equal(p->ra[3], 0xb8);
	assert_int_equal(p->rmask, 0xffff0000ULL);
	assert_int_equal(p->rbase, 5);
	assert_int_equal(sp(0, "dst")->rmask, UINT64_MAX);

	/* Random fields do not multiply the count. */
	assert_int_equal(wc_set_count(S), 1);
}

/* ---- TCP options ---- */

static void tcpopts(const char *opts, const char *want)
{
	char expr[512];

	snprintf(expr, sizeof(expr), "TCP(options=%s)", opts);
	ok(expr);
	assert_string_equal(bytes_of(0, "options"), want);
}

static void test_tcp_options(void **state)
{
	(void)state;
	tcpopts("[('MSS', 1460), ('NOP', None), ('WScale', 2)]", "020405b401030302");
	tcpopts("[('EOL', None)]", "00");
	tcpopts("[('SAckOK', b'')]", "0402");
	tcpopts("[('SAckOK', '')]", "0402");
	tcpopts("[('SAckOK', None)]", "0402");
	tcpopts("[('SAck', (1, 2, 3, 4))]", "0512" "00000001000000020000000300000004");
	tcpopts("[('SAck', ())]", "0502");
	tcpopts("[('Timestamp', (1, 2))]", "080a0000000100000002");
	tcpopts("[('AltChkSum', (1, 0x1234))]", "0e05011234");
	tcpopts("[('AltChkSumOpt', b'')]", "0f02");
	tcpopts("[('MD5', b'abc')]", "1312616263" "00000000000000000000000000");
	tcpopts("[('MD5', b'a' * 20)]", "1312" "61616161616161616161616161616161");
	tcpopts("[('Mood', b'LOL')]", "19054c4f4c");
	tcpopts("[('UTO', 300)]", "1c04012c");
	tcpopts("[('UTO', (1,))]", "1c040001");
	tcpopts("[('AO', b'ab')]", "1d046162");
	tcpopts("[('TFO', b'cookie')]", "2208636f6f6b6965");
	tcpopts("[('TFO', (1, 2))]", "220a0000000100000002");
	tcpopts("[(99, b'xy'), (0, None), (1, b'zz')]", "6304787900" "01");
	tcpopts("[('MSS', b'\\x05\\xb4'), ['MSS', 1460], ('Timestamp', 'x')]",
		"020405b4" "020405b4" "080378");
	tcpopts("b'\\x02\\x04\\x05\\xb4'", "020405b4");
	tcpopts("[]", "");
}

/* ---- IP options ---- */

static void ipopts(const char *opts, const char *want)
{
	char expr[512];

	snprintf(expr, sizeof(expr), "IP(options=%s)", opts);
	ok(expr);
	assert_string_equal(bytes_of(0, "options"), want);
}

static void test_ip_options(void **state)
{
	(void)state;
	ipopts("[IPOption_NOP()]", "01");
	ipopts("[IPOption_EOL()]", "00");
	ipopts("IPOption_NOP()", "01");
	ipopts("[IPOption_RR()]", "070304");
	ipopts("[IPOption_RR(routers=['198.18.3.4', '198.19.7.8'])]", "070b04c6120304c6130708");
	ipopts("[IPOption_RR(routers='198.18.3.4')]", "070704c6120304");
	ipopts("[IPOption_LSRR(routers=['198.18.3.4'])]", "830704c6120304");
	ipopts("[IPOption_SSRR(routers=['198.18.3.4'], pointer=8)]", "890708c6120304");
	ipopts("[IPOption_RR(length=9)]", "070904");
	ipopts("[IPOption_Router_Alert()]", "94040000");
	ipopts("[IPOption_Router_Alert(alert=5)]", "94040005");
	ipopts("[IPOption_Router_Alert(alert='router_shall_examine_packet')]", "94040000");
	ipopts("[IPOption_Timestamp()]", "440c09010000000000000000");
	ipopts("[IPOption_Timestamp(flg=0, timestamp=7)]", "4408090000000007");
	ipopts("[IPOption_Timestamp(flg=3, internet_address='198.18.3.4')]",
	       "440c0903c612030400000000");
	ipopts("[IPOption_Timestamp(oflw=1, flg=1)]", "440c09110000000000000000");
	ipopts("[IPOption_Security()]", "820b0000000000007878" "78");
	ipopts("[IPOption_Security(transmission_control_code='ab')]", "820b000000000000616200");
	ipopts("[IPOption_Security(transmission_control_code='abcd')]", "820b000000000000616263");
	ipopts("[IPOption_Stream_Id(security=0x1234)]", "88041234");
	ipopts("[IPOption_MTU_Probe(mtu=1500), IPOption_MTU_Reply(mtu=1500)]", "0b0405dc0c0405dc");
	ipopts("[IPOption_Traceroute(id=1, outbound_hops=2, return_hops=3, "
	       "originator_ip='198.18.3.4')]",
	       "120c000100020003c6120304");
	ipopts("[IPOption_Address_Extension(src_ext='198.18.1.1', dst_ext='198.18.2.2')]",
	       "930ac6120101c6120202");
	ipopts("[IPOption_SDBM(addresses=['198.18.3.4'])]", "9506c6120304");
	ipopts("[IPOption(option=30, value=b'ab'), IPOption()]", "1e046162" "0002");
	ipopts("[IPOption_NOP(copy_flag=1), IPOption_NOP(option='nop')]", "8101");
	ipopts("b'\\x01\\x01'", "0101");
	ipopts("[]", "");
}

/* ---- errors ---- */

static void test_errors_syntax(void **state)
{
	char many[400] = "";
	(void)state;

	check_err("", 1, "empty expression");
	check_err("   ", 1, "empty expression");
	check_err("Foo()", 1, "unknown layer 'Foo'");
	check_err("IP()/Foo(dst=1)", 6, "unknown layer 'Foo'");
	check_err("IP", 3, "expected '(' after the layer name");
	check_err("IP(", 4, "expected a value, found end of input");
	check_err("IP()/", 6, "expected a layer such as IP() or a string, found end of input");
	check_err("IP() TCP()", 6, "expected '/' or the end, found 'TCP'");
	check_err("TCP(dport=80 sport=1)", 14, "expected ')' or ','");
	check_err("IP(dst='1.2.3.4'", 17, "expected ')' or ','");
	check_err("TCP(dport=[80 443])", 15, "expected ']' or ','");
	check_err("TCP(dport=(1 2))", 14, "expected ')' or ','");
	check_err("TCP(dport=,)", 11, "expected a value, found ','");
	check_err("TCP(dport=-1)", 11, "negative numbers are not allowed");
	check_err("TCP(dport=http)", 11, "unknown name 'http' (strings need quotes)");
	check_err("IP(dst=1.2.3.4)", 8, "bad number '1.2.3.4' (addresses and names need quotes)");
	check_err("IP(ttl=12ab)", 8, "bad number '12ab'");
	check_err("IP(ttl=0x)", 8, "bad number '0x'");
	check_err("IP(ttl=007)", 8, "leading zeros are not allowed");
	check_err("TCP(seq=18446744073709551616)", 9, "integer too large");
	check_err("IP(ttl=1) @", 11, "unexpected character '@'");
	check_err("IP(ttl=1)\x01", 10, "unexpected byte 0x01");
	check_err("Raw(\"abc)", 5, "unterminated string");
	check_err("Raw('abc\nd')", 5, "unterminated string");
	check_err("Raw('abc\\", 5, "unterminated string");
	check_err("Raw('\\x4')", 6, "bad \\x escape");
	check_err("Raw('\\uD800')", 6, "not a character");
	check_err("Raw('\\N{DASH}')", 6, "not supported");
	check_err("Raw(b'\\400')", 7, "octal escape out of range");
	check_err("Raw(b'\xc3\xa9')", 7, "bytes can only contain ASCII characters");
	check_err("Raw('ab' * x)", 12, "expected a count after '*'");
	check_err("Raw('ab' * 40000)", 12, "string too long");
	check_err("fuzz(IP()", 10, "expected ')' or '/'");

	/* Bounded nesting and layer count. */
	check_err("IP(ttl=[[[[[[[[[1]]]]]]]]])", 16, "nested too deeply");
	check_err("fuzz(fuzz(fuzz(fuzz(fuzz(fuzz(fuzz(fuzz(fuzz(IP())))))))))", 41,
		  "nested too deeply");
	for (int i = 0; i < WC_MAX_LAYERS + 1; i++)
		strcat(many, i ? "/Raw()" : "Raw()");
	check_err(many, 6 * WC_MAX_LAYERS + 1, "too many layers");
}

static void test_errors_fields(void **state)
{
	(void)state;
	check_err("IP(dstt=1)", 4, "IP has no field 'dstt'");
	check_err("TCP(dport=1, dport=2)", 14, "field 'dport' set twice");
	check_err("TCP(1, sport=2)", 8, "field 'sport' set twice");
	check_err("TCP(dport=1, 2)", 14, "positional value after name=value");
	check_err("UDP(1, 2, 3, 4, 5)", 17, "too many values for UDP (it has 4 fields)");
	check_err("TCP(dport=70000)", 11, "value 70000 does not fit dport (16 bits)");
	check_err("IP(flags=8)", 10, "value 8 does not fit flags (3 bits)");
	check_err("IP(ttl=[1, 256])", 12, "value 256 does not fit ttl (8 bits)");
	check_err("IP(ttl='x')", 8, "ttl needs an integer");
	check_err("IP(dst=3232235777)", 8, "dst needs an address in quotes");
	check_err("IP(proto='foo')", 10, "unknown value 'foo' for proto");
	check_err("TCP(flags='SX')", 11, "unknown flag 'X' for flags");
	check_err("IP(flags='DF+XX')", 10, "unknown flag 'XX' for flags");
	check_err("IP(flags='DF+')", 10, "unknown flag '' for flags");
	check_err("IP(dst='1.2.3')", 8, "bad IPv4 address '1.2.3'");
	check_err("IP(dst='1.2.3.256')", 8, "bad IPv4 address");
	check_err("IP(dst='01.2.3.4')", 8, "bad IPv4 address");
	check_err("IP(dst='1.2.3.4/33')", 8, "bad IPv4 address '1.2.3.4/33'");
	check_err("IP(dst='1.2.3.4/')", 8, "bad IPv4 address");
	check_err("IP(src='example.com')", 8, "src needs an address, not a name: 'example.com'");
	check_err("IPv6(dst='2001:db8::zz')", 10, "bad IPv6 address '2001:db8::zz'");
	check_err("IPv6(dst='localhost')", 10, "needs an address, not a name");
	check_err("IPv6(dst='2001:db8::/48')", 10, "prefix /48 of '2001:db8::/48' is too short");
	check_err("IPv6(dst='2001:db8::/129')", 10, "bad IPv6 address");
	check_err("Ether(dst='aa:bb:cc')", 11, "bad MAC address 'aa:bb:cc'");
	check_err("Ether(dst='aa:bb:cc-dd:ee:ff')", 11, "bad MAC address");
	check_err("Ether(dst='aaa:bb:cc:dd:ee:ff')", 11, "bad MAC address");
	check_err("IP(ttl=(5, 3))", 8, "empty range (5, 3)");
	check_err("IP(ttl=(1, 2, 3))", 8, "a range is a pair of integers");
	check_err("IP(dst=('1.2.3.4', '1.2.3.5'))", 8, "ranges (lo, hi) are only for integer");
	check_err("IP(ttl=[])", 8, "empty list for ttl");
	check_err("IP(ttl=[[1]])", 9, "lists cannot be nested here");
	check_err("IP(ttl=[None])", 9, "None cannot be part of a set");
	check_err("IP(ttl=[RandByte()])", 9, "random values cannot be part of a set");
	check_err("Raw(load=['a', 5])", 16, "load needs strings or bytes in its list");
	check_err("Raw(load=[])", 10, "empty list for load");
	check_err("TCP(flags=['S', (1, 2)])", 17, "a list of flags holds flag names");
	check_err("TCP(flags=['S', 'X'])", 17, "unknown flag 'X' for flags");
	check_err("Dot1Q(type='nope')", 12, "unknown value 'nope' for type");
	check_err("IP(ttl='x')", 8, "ttl needs an integer");
	check_err("Raw(load=5)", 10, "load needs a string or bytes");
	check_err("Raw(load=RandShort())", 10, "random values are not supported for load");
	check_err("Raw('x' * 70000)", 11, "string too long");
}

static void test_errors_values(void **state)
{
	(void)state;
	check_err("TCP(dport=RandShort(1))", 21, "RandShort() takes no arguments");
	check_err("TCP(dport=RandFoo())", 11, "unknown function 'RandFoo()' for dport");
	check_err("IP(dst=RandMAC())", 8, "RandMAC() does not fit dst");
	check_err("IPv6(dst=RandShort())", 10, "RandShort() does not fit dst");
	check_err("IP(dst=RandIP('1.2.3.4', 2))", 15, "takes one template argument");
	check_err("IP(dst=RandIP(foo='1.2.3.4'))", 15, "takes one template argument");
	check_err("IP(dst=RandIP(5))", 15, "template must be a string");
	check_err("Ether(dst=RandMAC('zz:*'))", 19, "bad RandMAC template");
	check_err("IPv6(dst=RandIP6())", 10, "RandIP6() needs a template");
	check_err("IPv6(dst=RandIP6('**'))", 18, "bad RandIP6 template");
	check_err("IPv6(dst=RandIP6('2001:*::1'))", 18, "only the low 64 bits can be random");

	check_err("TCP(options=[('Foo', 1)])", 15, "unknown TCP option 'Foo'");
	check_err("TCP(options=[('MSS', 70000)])", 22, "value 70000 does not fit TCP option 'MSS'");
	check_err("TCP(options=[('Timestamp', 5)])", 28, "TCP option 'Timestamp' needs 2 integers");
	check_err("TCP(options=[('SAck', 5)])", 23, "needs a tuple of integers");
	check_err("TCP(options=[('Mood', 5)])", 23, "TCP option 'Mood' needs bytes");
	check_err("TCP(options=[('SAckOK', 1)])", 25, "TCP option 'SAckOK' needs bytes");
	check_err("TCP(options=[('MSS',)])", 14, "a TCP option is a (name, value) pair");
	check_err("TCP(options=['MSS'])", 14, "a TCP option is a (name, value) pair");
	check_err("TCP(options=[(300, b'')])", 15, "does not fit a byte");
	check_err("TCP(options=[(5, 5)])", 18, "TCP option 5 needs bytes");
	check_err("TCP(options=[(b'x' * 300, 5)])", 15, "unknown TCP option");
	check_err("TCP(options=[(5, b'x' * 254)])", 18, "too long");
	check_err("TCP(options=5)", 13, "options needs a list of (name, value) options or bytes");

	check_err("IP(options=[IPOption_Foo()])", 13, "unknown IP option 'IPOption_Foo()'");
	check_err("IP(options=[IPOption_RR(foo=1)])", 25, "IPOption_RR has no field 'foo'");
	check_err("IP(options=[IPOption_RR(pointer=1, pointer=2)])", 36, "set twice");
	check_err("IP(options=[IPOption_RR(pointer=256)])", 33, "value 256 does not fit pointer");
	check_err("IP(options=[IPOption_RR(routers=['1.2.3.0/24'])])", 34, "one address, not a block");
	check_err("IP(options=[IPOption_RR(routers=[5])])", 34, "needs an IPv4 address in quotes");
	check_err("IP(options=[IPOption_NOP(1)])", 26, "takes name=value arguments");
	check_err("IP(options=[b'x'])", 13, "an IP option is written IPOption_...()");
	check_err("IP(options=5)", 12, "needs bytes or a list of IPOption_...() values");
	check_err("IP(options=[IPOption(value=b'x' * 300)])", 28, "option too long");
}

/* Garbage built from the grammar's own tokens: whatever the input, the parser answers 0
 * or -EINVAL with a column inside the input, and (under ASan) reads nothing outside it
 * and leaks nothing. */
static void test_garbage(void **state)
{
	static const char *const toks[] = {
		"IP", "TCP", "Raw", "fuzz", "(", ")", "[", "]", ",", "=", "/", "*", "-", "'",
		"\"", "b'", "\\", "\\x", "\\u12", "0x", "1", "65536", "dst", "flags", "'S'",
		"'1.2.3.4/24'", "options", "('MSS',", "IPOption_RR(", "routers", "RandIP(",
		"None", " ", "\n", "é", "'2001:db8::/64'", "@",
	};
	uint64_t st = 42;
	char buf[256];
	(void)state;

	for (int it = 0; it < 20000; it++) {
		size_t n = 0, k = wc_rand_next(&st) % 24;
		struct wc_err err;
		struct wc_set *s = NULL;
		int rc;

		buf[0] = '\0';
		for (size_t i = 0; i < k; i++) {
			const char *t = toks[wc_rand_next(&st) % (sizeof(toks) / sizeof(toks[0]))];

			if (n + strlen(t) + 1 > sizeof(buf))
				break;
			memcpy(buf + n, t, strlen(t) + 1);
			n += strlen(t);
		}
		rc = wc_set_parse(buf, &s, &err);
		assert_true(rc == 0 || rc == -EINVAL);
		if (rc) {
			assert_null(s);
			assert_true(err.col >= 1 && (size_t)err.col <= n + 1);
			assert_true(strlen(err.msg) > 0);
		}
		wc_set_free(s);
	}
}

static void test_api(void **state)
{
	struct wc_set *s = (struct wc_set *)0x1;
	(void)state;

	assert_int_equal(wc_set_parse("IP()", NULL, NULL), -EINVAL);
	assert_int_equal(wc_set_parse(NULL, &s, NULL), -EINVAL);
	assert_null(s);
	assert_int_equal(wc_set_parse("Foo()", &s, NULL), -EINVAL); /* err is optional */
	assert_int_equal(wc_set_parse("IP()", &s, NULL), 0);
	wc_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_stack, teardown),
		cmocka_unit_test_teardown(test_fuzz, teardown),
		cmocka_unit_test_teardown(test_integers, teardown),
		cmocka_unit_test_teardown(test_strings, teardown),
		cmocka_unit_test_teardown(test_enum_flags, teardown),
		cmocka_unit_test_teardown(test_addresses, teardown),
		cmocka_unit_test_teardown(test_names_and_twins, teardown),
		cmocka_unit_test_teardown(test_sets, teardown),
		cmocka_unit_test_teardown(test_random, teardown),
		cmocka_unit_test_teardown(test_tcp_options, teardown),
		cmocka_unit_test_teardown(test_ip_options, teardown),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_fields),
		cmocka_unit_test(test_errors_values),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
