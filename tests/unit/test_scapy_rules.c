/* Core rules that make wirecraft's bytes and layers Scapy's: each test names the rule and
 * the Scapy code it follows. Expected bytes come from Scapy 2.5 (python3-scapy), printed
 * with raw(pkt).hex() for every packet of the expression; layer names from
 * [l.__name__ for l in IP(raw).layers()]. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"
#include "wirecraft/tmpl.h"

#define A "IP(src='198.18.0.1', dst='198.18.0.2')"

static uint8_t buf[WC_MAX_PKT];

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* Build every packet of `expr` and compare with the `n` hex strings that follow. */
static void builds(const char *expr, unsigned n, ...)
{
	static char out[2 * sizeof(buf) + 1];
	struct wc_set *s = NULL;
	struct wc_iter *it = NULL;
	struct wc_err err = { 0 };
	struct wc_pkt p;
	va_list ap;
	int rc = wc_set_parse(expr, &s, &err);

	if (rc)
		print_error("%s: %s\n", expr, err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(wc_set_count(s), n);
	assert_int_equal(wc_iter_new(s, &it), 0);
	va_start(ap, n);
	for (unsigned i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);

		wc_pkt_init(&p, buf, sizeof(buf));
		assert_int_equal(wc_iter_next(it, &p), 0);
		hex(p.buf, p.len, out);
		if (strcmp(out, want))
			print_error("%s [%u]\n  got  %s\n  want %s\n", expr, i, out, want);
		assert_string_equal(out, want);
	}
	va_end(ap);
	wc_pkt_init(&p, buf, sizeof(buf));
	assert_int_equal(wc_iter_next(it, &p), -ENOENT);
	wc_iter_free(it);
	wc_set_free(s);
}

/* Dissect `hexstr` from `first` and compare the layer names, '/'-joined. */
static void dissects(const char *hexstr, const char *first, const char *want)
{
	static uint8_t raw[2048];
	char names[512] = "";
	size_t n = strlen(hexstr) / 2;
	struct wc_pkt p;

	for (size_t i = 0; i < n; i++)
		sscanf(hexstr + 2 * i, "%2hhx", &raw[i]);
	assert_int_equal(wc_dissect(&p, raw, n, wc_proto_find(first)), 0);
	for (unsigned i = 0; i < p.nlayers; i++) {
		if (i)
			strcat(names, "/");
		strcat(names, p.l[i].proto->name);
	}
	if (strcmp(names, want))
		print_error("%s: got %s, want %s\n", hexstr, names, want);
	assert_string_equal(names, want);
}

/* FlagsField: a list of flag names is one value, the names OR-ed (not a packet set). */
static void test_flags_list_is_one_value(void **state)
{
	(void)state;
	builds("IP(src='198.18.0.1', dst='198.18.0.2', flags=['DF', 'MF'])/ICMP(seq=2)", 1,
	       "4500001c0001600040018eb8c6120001c61200020800f7fd00000002");
	builds(A "/TCP(sport=1025, dport=80, flags=['S', 'A'])", 1,
	       "45000028000100004006eea7c6120001c612000204010050000000000000000050122000ff590000");
}

/* Packet.build_padding: Padding layers build nothing in place; their bytes go after the
 * whole packet, outside every length and checksum. */
static void test_padding_is_a_trailer(void **state)
{
	(void)state;
	builds(A "/UDP(sport=1024, dport=2048)/'x'/Padding(load=b'\\xaa\\xbb')", 1,
	       "4500001d000100004011eea7c6120001c6120002040008000009efb378aabb");
	/* Layers after a Padding stay in the body; UDP over Padding has no IP under it. */
	builds(A "/Padding(load=b'\\xaa\\xbb')/UDP(sport=1024, dport=2048)/'x'", 1,
	       "4500001d000100004000eeb8c6120001c6120002040008000009000078aabb");
	builds(A "/ICMP()/Padding(load=b'\\x01')/Padding(load=b'\\x02')", 1,
	       "4500001c000100004001eeb8c6120001c61200020800f7ff000000000102");
}

/* in4_pseudoheader: a user-set IP len gives the upper length, len - 4 * ihl, where ihl is
 * the user's or what the options make (5 + options in 32-bit words). */
static void test_pseudo_length_from_ip_len(void **state)
{
	(void)state;
	builds("IP(src='198.18.0.1', dst='198.18.0.2', len=28)/UDP(sport=1024, dport=2048)", 1,
	       "4500001c000100004011eea8c6120001c612000204000800000867b6");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', len=40, "
	       "options=[IPOption_RR(routers=['198.18.0.7'])])/UDP(sport=1024, dport=2048)", 1,
	       "47000028000100004011c7cfc6120001c6120002070704c61200070004000800000867b2");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', len=40, ihl=7, "
	       "options=[IPOption_RR(routers=['198.18.0.7'])])/UDP(sport=1024, dport=2048)", 1,
	       "47000028000100004011c7cfc6120001c6120002070704c61200070004000800000867b2");
}

/* in4_pseudoheader: exactly one LSRR/SSRR option with routers puts its last router in the
 * pseudo-header; two of them, or none with routers, leave dst. */
static void test_source_route_pseudo_dst(void **state)
{
	(void)state;
	builds("IP(src='198.18.0.1', dst='198.18.0.2', "
	       "options=[IPOption_LSRR(routers=['198.18.0.9'])])/TCP(sport=1025, dport=80)", 1,
	       "4700003000010000400649d2c6120001c6120002830704c612000900"
	       "04010050000000000000000050022000ff620000");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', options=[IPOption_NOP(), "
	       "IPOption_SSRR(routers=['198.18.0.9', '198.18.0.10'])])/UDP(sport=1024, dport=2048)",
	       1, "4800002800010000401152d7c6120001c612000201890b04c6120009c612000a"
		  "04000800000867ae");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', "
	       "options=[IPOption_LSRR(routers=['198.18.0.9']), "
	       "IPOption_SSRR(routers=['198.18.0.7'])])/TCP(sport=1025, dport=80)", 1,
	       "490000380001000040067a23c6120001c6120002830704c6120009890704c6120007000004010050"
	       "000000000000000050022000ff690000");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', options=[IPOption_LSRR(routers=[])])"
	       "/TCP(sport=1025, dport=80)", 1,
	       "4600002c00010000400666a0c6120001c61200028303040004010050000000000000000050022000"
	       "ff690000");
}

/* TCP and UDP take the pseudo-header only from an IP layer right below them (or under
 * IPv6 extension headers) and otherwise leave the checksum 0; ICMPv6 looks any depth. */
static void test_no_ip_below_leaves_checksum(void **state)
{
	(void)state;
	builds("TCP()", 1, "0014005000000000000000005002200000000000");
	builds("UDP()", 1, "0035003500080000");
	builds("ICMPv6EchoRequest()", 1, "8000000000000000");
	builds(A "/Raw(load=b'ab')/UDP()", 1,
	       "4500001e000100004000eeb7c6120001c612000261620035003500080000");
	builds("IPv6(src='2001:db8::1', dst='2001:db8::2')/Raw(load=b'ab')/ICMPv6EchoRequest()",
	       1, "60000000000a3b4020010db800000000000000000000000120010db8000000000000000000000002"
		  "61628000244800000000");
}

/* Scapy's tunnel bindings: IP/IP (proto 4, frag 0), IP/IPv6 (proto 41), IPv6/IPv6 (nh 41),
 * IPv6/IP (nh 4); IPerror/IPerror inside ICMP errors. Both ways: building and dissecting. */
static void test_tunnels(void **state)
{
	static const char *ip_ip = "45000030000100004004eea1c6120001c61200024500001c000100004011"
				   "eea4c6120003c612000404000800000867b2";
	(void)state;
	builds(A "/IP(src='198.18.0.3', dst='198.18.0.4')/UDP(sport=1024, dport=2048)", 1, ip_ip);
	dissects(ip_ip, "IP", "IP/IP/UDP");
	builds(A "/IPv6(src='2001:db8::1', dst='2001:db8::2')/UDP(sport=1024, dport=2048)", 1,
	       "45000044000100004029ee68c6120001c6120002600000000008114020010db80000000000000000"
	       "0000000120010db80000000000000000000000020400080000089869");
	dissects("45000044000100004029ee68c6120001c6120002600000000008114020010db80000000000000000"
		 "0000000120010db80000000000000000000000020400080000089869",
		 "IP", "IP/IPv6/UDP");
	builds("IPv6(src='2001:db8::1', dst='2001:db8::2')/IP(src='198.18.0.3', dst='198.18.0.4')"
	       "/UDP(sport=1024, dport=2048)", 1,
	       "60000000001c044020010db800000000000000000000000120010db8000000000000000000000002"
	       "4500001c000100004011eea4c6120003c612000404000800000867b2");
	builds("IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6(src='2001:db8::3', "
	       "dst='2001:db8::4')/UDP(sport=1024, dport=2048)", 1,
	       "600000000030294020010db800000000000000000000000120010db8000000000000000000000002"
	       "600000000008114020010db800000000000000000000000320010db8000000000000000000000004"
	       "0400080000089865");
	dissects("600000000030294020010db800000000000000000000000120010db8000000000000000000000002"
		 "600000000008114020010db800000000000000000000000320010db8000000000000000000000004"
		 "0400080000089865", "IPv6", "IPv6/IPv6/UDP");
	builds(A "/ICMP(type=3, code=1)/IPerror(src='198.18.0.2', dst='198.18.0.5')"
		 "/IPerror(src='198.18.0.6', dst='198.18.0.7')/UDPerror(sport=1024, dport=2048)", 1,
	       "4500004c000100004001ee88c6120001c61200020301894a0000000045000030000100004004ee9d"
	       "c6120002c61200054500001c000100004011ee9ec6120006c612000704000800000867ac");
	dissects("4500004c000100004001ee88c6120001c61200020301894a0000000045000030000100004004ee9d"
		 "c6120002c61200054500001c000100004011ee9ec6120006c612000704000800000867ac",
		 "IP", "IP/ICMP/IPerror/IPerror/UDPerror");
}

/* Sets of byte strings: Raw(load=[b"a", b"bb"]) is two packets, as Scapy's SetGen. */
static void test_byte_string_sets(void **state)
{
	(void)state;
	builds(A "/UDP(sport=1024, dport=2048)/Raw(load=[b'a', b'bb'])", 2,
	       "4500001d000100004011eea7c6120001c612000204000800000906b461",
	       "4500001e000100004011eea6c6120001c612000204000800000a05506262");
}

/* The template path serves a set of byte strings by full builds, with the same bytes. */
static void test_byte_string_sets_template(void **state)
{
	static uint8_t a[256], b[256];
	struct wc_set *s = NULL;
	struct wc_tmpl *t = NULL;
	struct wc_iter *it = NULL;
	struct wc_pkt p;
	size_t n, tn;
	unsigned count = 0;
	(void)state;

	assert_int_equal(wc_set_parse(A "/UDP(sport=1024, dport=(2048, 2049))/Raw(load=[b'a', b'bb'])",
				      &s, NULL), 0);
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	assert_int_equal(wc_iter_new(s, &it), 0);
	memcpy(a, wc_tmpl_bytes(t, &tn), tn);
	while (wc_tmpl_next(t, a, sizeof(a), &n) == 0) {
		wc_pkt_init(&p, b, sizeof(b));
		assert_int_equal(wc_iter_next(it, &p), 0);
		assert_int_equal(n, p.len);
		assert_memory_equal(a, b, n);
		count++;
	}
	assert_int_equal(count, 4);
	wc_iter_free(it);
	wc_tmpl_free(t);
	wc_set_free(s);
}

/* Integer fields with names (XShortEnumField: Dot1Q type) take the names too. */
static void test_names_on_hex_fields(void **state)
{
	(void)state;
	builds("Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')/Dot1Q(vlan=3, type='IPv6')",
	       1, "0200000000020200000000018100000386dd");
	/* Scapy's own spellings, from the distribution's tables. */
	builds("Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02', type='802_AD')", 1,
	       "02000000000202000000000188a8");
	builds("IP(src='198.18.0.1', dst='198.18.0.2', proto='ipip')", 1,
	       "4500001400010000405eee63c6120001c6120002");
}

/* extract_padding reading a length that was not dissected (default None) raises, and the
 * layer becomes Raw: IP cut before len, UDP cut before len. Dot1Q's type defaults to 0,
 * so a Dot1Q cut before it stays Dot1Q. */
static void test_partial_without_length_is_raw(void **state)
{
	(void)state;
	/* ihl=6 swallows the UDP ports as options: 4 bytes of UDP are left. */
	dissects("4600001c000100004011eda8c6120001c612000204000800000867b6", "IP", "IP/Raw");
	dissects("4500001e000100004001eeb6c6120001c61200020301b7fe000000004500", "IP",
		 "IP/ICMP/Raw");
	dissects("45000020000100004001eeb4c6120001c61200020301b7e2000000004500001c", "IP",
		 "IP/ICMP/IPerror");
	dissects("45000036000100004001ee9ec6120001c61200020301f0f5000000004500001c00010000"
		 "4011eea5c6120002c6120005040008000008", "IP", "IP/ICMP/IPerror/UDPerror");
	dissects("02000000000202000000000181000003", "Ether", "Ether/Dot1Q");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_list_is_one_value),
		cmocka_unit_test(test_padding_is_a_trailer),
		cmocka_unit_test(test_pseudo_length_from_ip_len),
		cmocka_unit_test(test_source_route_pseudo_dst),
		cmocka_unit_test(test_no_ip_below_leaves_checksum),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_byte_string_sets),
		cmocka_unit_test(test_byte_string_sets_template),
		cmocka_unit_test(test_names_on_hex_fields),
		cmocka_unit_test(test_partial_without_length_is_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
