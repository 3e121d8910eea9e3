/* The text, summary and JSON views and the pcap files. Expected text comes from Scapy 2.5:
 * each test names the packet it dissects and the Scapy commands that printed the
 * expectation (show(dump=True) is show2() without print's final newline). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "wirecraft/format.h"
#include "wirecraft/pcapio.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

static uint8_t bytes[4096];
static char text[65536];

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(h + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void dissect_hex(struct wc_pkt *p, const char *h, const char *first)
{
	size_t n = unhex(h, bytes);

	assert_int_equal(wc_dissect(p, bytes, n, wc_proto_find(first)), 0);
}

/* Both the whole text and what the formatter says it needs. */
static void check(int (*fn)(const struct wc_pkt *, char *, size_t), const struct wc_pkt *p,
		  const char *want)
{
	int n = fn(p, text, sizeof(text));

	assert_string_equal(text, want);
	assert_int_equal(n, (int)strlen(want));
}

/* p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1",
 *     dst="198.18.0.2")/UDP(sport=1234, dport=5678)/"hi"
 * Ether(bytes(p)).show(dump=True); Ether(bytes(p)).summary() */
static const char udp_hex[] = "02000000000202000000000108004500001e000100004011eea6c6120001"
			      "c612000204d2162e000af0486869";

static void test_show_udp(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, udp_hex, "Ether");
	check(wc_fmt_show, &p,
	      "###[ Ethernet ]### \n"
	      "  dst       = 02:00:00:00:00:02\n"
	      "  src       = 02:00:00:00:00:01\n"
	      "  type      = IPv4\n"
	      "###[ IP ]### \n"
	      "     version   = 4\n"
	      "     ihl       = 5\n"
	      "     tos       = 0x0\n"
	      "     len       = 30\n"
	      "     id        = 1\n"
	      "     flags     = \n"
	      "     frag      = 0\n"
	      "     ttl       = 64\n"
	      "     proto     = udp\n"
	      "     chksum    = 0xeea6\n"
	      "     src       = 198.18.0.1\n"
	      "     dst       = 198.18.0.2\n"
	      "     \\options   \\\n"
	      "###[ UDP ]### \n"
	      "        sport     = 1234\n"
	      "        dport     = 5678\n"
	      "        len       = 10\n"
	      "        chksum    = 0xf048\n"
	      "###[ Raw ]### \n"
	      "           load      = 'hi'\n");
	check(wc_fmt_summary, &p, "Ether / IP / UDP 198.18.0.1:1234 > 198.18.0.2:5678 / Raw");
	/* The oracle's serialisation of the same dissection (tests/oracle/gen.py). */
	check(wc_fmt_json, &p,
	      "[{\"layer\":\"Ether\",\"fields\":{\"dst\":\"02:00:00:00:00:02\",\"src\":"
	      "\"02:00:00:00:00:01\",\"type\":2048}},{\"layer\":\"IP\",\"fields\":{\"version\":4,"
	      "\"ihl\":5,\"tos\":0,\"len\":30,\"id\":1,\"flags\":0,\"frag\":0,\"ttl\":64,"
	      "\"proto\":17,\"chksum\":61094,\"src\":\"198.18.0.1\",\"dst\":\"198.18.0.2\","
	      "\"options\":\"\"}},{\"layer\":\"UDP\",\"fields\":{\"sport\":1234,\"dport\":5678,"
	      "\"len\":10,\"chksum\":61512}},{\"layer\":\"Raw\",\"fields\":{\"load\":\"6869\"}}]");
}

/* p = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1",
 *     dst="198.18.0.2", flags="MF+DF")/TCP(dport=443, flags="SA", options=[('MSS', 1460),
 *     ('SAckOK', b''), ('Timestamp', (1, 2)), ('NOP', None), ('WScale', 7)])/
 *     b"a'\"\\\x00\xff\xc3\xa9\xc2\xa0\xe2\x80\x8b\xf0\x9f\x98\x80"
 * The load covers Scapy's text rules: quotes, a backslash, a control byte, a byte that is
 * not UTF-8 (\\xff), a printable letter (é), unprintable ones (NBSP, ZWSP), an emoji. */
static const char tcp_hex[] =
	"02000000000202000000000108004500004d0001600040068e82c6120001c6120002001401bb00000000"
	"00000000a0122000010e0000020405b40402080a0000000100000002010303076127225c00ffc3a9c2a0"
	"e2808bf09f9880";

static void test_show_tcp(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, tcp_hex, "Ether");
	check(wc_fmt_show, &p,
	      "###[ Ethernet ]### \n"
	      "  dst       = 02:00:00:00:00:02\n"
	      "  src       = 02:00:00:00:00:01\n"
	      "  type      = IPv4\n"
	      "###[ IP ]### \n"
	      "     version   = 4\n"
	      "     ihl       = 5\n"
	      "     tos       = 0x0\n"
	      "     len       = 77\n"
	      "     id        = 1\n"
	      "     flags     = MF+DF\n"
	      "     frag      = 0\n"
	      "     ttl       = 64\n"
	      "     proto     = tcp\n"
	      "     chksum    = 0x8e82\n"
	      "     src       = 198.18.0.1\n"
	      "     dst       = 198.18.0.2\n"
	      "     \\options   \\\n"
	      "###[ TCP ]### \n"
	      "        sport     = ftp_data\n"
	      "        dport     = https\n"
	      "        seq       = 0\n"
	      "        ack       = 0\n"
	      "        dataofs   = 10\n"
	      "        reserved  = 0\n"
	      "        flags     = SA\n"
	      "        window    = 8192\n"
	      "        chksum    = 0x10e\n"
	      "        urgptr    = 0\n"
	      "        options   = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1, 2)), "
	      "('NOP', None), ('WScale', 7)]\n"
	      "###[ Raw ]### \n"
	      "           load      = 'a\\'\"\\\\\\x00\\\\xff\xc3\xa9\\xa0\\u200b\xf0\x9f\x98\x80'\n");
	check(wc_fmt_summary, &p,
	      "Ether / IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:https SA / Raw");
	assert_true(wc_fmt_json(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "\"options\":[[\"MSS\",1460],[\"SAckOK\",\"\"],"
				     "[\"Timestamp\",[1,2]],[\"NOP\",null],[\"WScale\",7]]"));
	assert_non_null(strstr(text, "\"flags\":18"));
}

/* p = IP(src="198.18.0.1", dst="198.18.0.2", options=[IPOption_RR(routers=["198.18.0.9"]),
 *     IPOption_Router_Alert(), IPOption_NOP(), IPOption(b"\x5e\x04ab")])/
 *     UDP(sport=1234, dport=5678)
 * IP(bytes(p)).show(dump=True) */
static void test_show_ip_options(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, "4900002c000100004011ffcfc6120001c6120002070704c612000994040000015e0461"
			"6204d2162e000858b6", "IP");
	check(wc_fmt_show, &p,
	      "###[ IP ]### \n"
	      "  version   = 4\n"
	      "  ihl       = 9\n"
	      "  tos       = 0x0\n"
	      "  len       = 44\n"
	      "  id        = 1\n"
	      "  flags     = \n"
	      "  frag      = 0\n"
	      "  ttl       = 64\n"
	      "  proto     = udp\n"
	      "  chksum    = 0xffcf\n"
	      "  src       = 198.18.0.1\n"
	      "  dst       = 198.18.0.2\n"
	      "  \\options   \\\n"
	      "   |###[ IP Option Record Route ]### \n"
	      "   |  copy_flag = 0\n"
	      "   |  optclass  = control\n"
	      "   |  option    = record_route\n"
	      "   |  length    = 7\n"
	      "   |  pointer   = 4\n"
	      "   |  routers   = [198.18.0.9]\n"
	      "   |###[ IP Option Router Alert ]### \n"
	      "   |  copy_flag = 1\n"
	      "   |  optclass  = control\n"
	      "   |  option    = router_alert\n"
	      "   |  length    = 4\n"
	      "   |  alert     = router_shall_examine_packet\n"
	      "   |###[ IP Option No Operation ]### \n"
	      "   |  copy_flag = 0\n"
	      "   |  optclass  = control\n"
	      "   |  option    = nop\n"
	      "   |###[ IP Option ]### \n"
	      "   |  copy_flag = 0\n"
	      "   |  optclass  = debug\n"
	      "   |  option    = rfc4727_experiment\n"
	      "   |  length    = 4\n"
	      "   |  value     = 'ab'\n"
	      "###[ UDP ]### \n"
	      "     sport     = 1234\n"
	      "     dport     = 5678\n"
	      "     len       = 8\n"
	      "     chksum    = 0x58b6\n");
	check(wc_fmt_summary, &p, "IP / UDP 198.18.0.1:1234 > 198.18.0.2:5678");
}

/* Options Scapy reads in its own way: fields that run out keep their defaults, a negative
 * length slices from the end, a field that does not fit turns the rest into Raw.
 * h = "4a00002c000100004000000000000000c6120002" + OPTS; IP(bytes.fromhex(h)).show(),
 * lines of the options only. */
static void test_ip_options_odd(void **state)
{
	static const struct {
		const char *opts, *want;
	} cases[] = {
		/* generic option, length 1: the value is s[:-1] */
		{"5e01aabbcc",
		 "   |###[ IP Option ]### \n   |  copy_flag = 0\n   |  optclass  = debug\n"
		 "   |  option    = rfc4727_experiment\n   |  length    = 1\n"
		 "   |  value     = '\\\\xaa\\\\xbb'\n"
		 "   |###[ IP Option MTU Reply ]### \n   |  copy_flag = 1\n"
		 "   |  optclass  = debug\n   |  option    = mtu_reply\n   |  length    = 4\n"
		 "   |  mtu       = 0\n"},
		/* timestamp cut after its length: defaults, the address shown (flg 1) */
		{"4408",
		 "   |###[ IP Option Timestamp ]### \n   |  copy_flag = 0\n"
		 "   |  optclass  = debug\n   |  option    = timestamp\n   |  length    = 8\n"
		 "   |  pointer   = 9\n   |  oflw      = 0\n"
		 "   |  flg       = timestamp_and_ip_addr\n   |  internet_address= 0.0.0.0\n"
		 "   |  timestamp = 0\n"},
		/* record route with 2 address bytes: IPField cannot read them */
		{"0707040102",
		 "   |###[ Raw ]### \n   |  load      = '\\x07\\x07\\x04\\x01\\x02'\n"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char h[256];
		struct wc_pkt p;

		snprintf(h, sizeof(h), "4a00002c000100004000000000000000c6120002%s",
			 cases[i].opts);
		dissect_hex(&p, h, "IP");
		assert_true(wc_fmt_show_ex(&p, WC_FMT_NO_STATUS, text, sizeof(text)) > 0);
		char *at = strstr(text, "\\options   \\\n");
		assert_non_null(at);
		assert_string_equal(at + strlen("\\options   \\\n"), cases[i].want);
	}
}

/* TCP options as Scapy lists them, bytes after the fixed header of
 * TCP(bytes.fromhex(h)): repr(TCP(...).options). */
static void test_tcp_options_odd(void **state)
{
	static const struct {
		const char *opts, *want;
	} cases[] = {
		{"1d06010203040000",
		 "[('AO', <TCPAOValue  keyid=1 rnextkeyid=2 mac='\\x03\\x04' |>), ('EOL', None)]"},
		{"0500050401020304", "[('SAck', ()), ('SAck', b'\\x01\\x02'), ('WScale', b'')]"},
		{"1903410000000000", "[('Mood', b''), ('EOL', None)]"},
		{"0a03410040200001", "[(10, b'A'), ('EOL', None)]"},
		{"02040578", "[('MSS', 1400)]"},
		{"0e050102", "[('AltChkSum', b'\\x01\\x02')]"},
		{"0e05010203000000", "[('AltChkSum', (1, 515)), ('EOL', None)]"},
		{"050a00000001000000020000", "[('SAck', (1, 2)), ('EOL', None)]"},
		{"0506000000ff0000", "[('SAck', 255), ('EOL', None)]"},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wc_sb sb;
		uint8_t b[64];
		size_t n = unhex(cases[i].opts, b);

		wc_sb_init(&sb, text, sizeof(text));
		wc_sb_tcpopts_repr(&sb, b, n);
		assert_string_equal(text, cases[i].want);
	}
}

/* TCP(bytes.fromhex("0014005000000000000000005002200000000000")).show(): with no byte left
 * for them, the options keep their default b'' ... and JSON leaves them out, as the
 * oracle does for fields Scapy's dissection did not reach. */
static void test_unreached_options(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, "0014005000000000000000005002200000000000", "TCP");
	assert_true(wc_fmt_show(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "  options   = ''\n"));
	assert_true(wc_fmt_json(&p, text, sizeof(text)) > 0);
	assert_null(strstr(text, "options"));
	check(wc_fmt_summary, &p, "TCP ftp_data > http S");

	/* With a payload the list is read: [] */
	dissect_hex(&p, "001400500000000000000000500220000000000041", "TCP");
	assert_true(wc_fmt_show(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "  options   = []\n"));
}

/* IPv6(src="2001:db8::1", dst="2001:db8::2")/UDP(sport=1234, dport=5678)/b"x": summary()
 * and the Teredo/6to4 notes of IP6Field for IPv6(src="2001::1", dst="2002:c612:1::2")/TCP()
 */
static void test_ipv6(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, "6000000000091140" "20010db8000000000000000000000001"
			"20010db8000000000000000000000002" "04d2162e0009116778", "IPv6");
	check(wc_fmt_summary, &p, "IPv6 / UDP 2001:db8::1:1234 > 2001:db8::2:5678 / Raw");
	assert_true(wc_fmt_json(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\""));

	dissect_hex(&p, "6000000000140640" "20010000000000000000000000000001"
			"2002c612000100000000000000000002"
			"0014005000000000000000005002200089650000", "IPv6");
	check(wc_fmt_summary, &p,
	      "IPv6 / TCP 2001::1 [Teredo srv: 0.0.0.0 cli: 255.255.255.254:65535]:ftp_data > "
	      "2002:c612:1::2 [6to4 GW: 198.18.0.1]:http S");
	/* IPv6's own summary has the bare addresses and nh as a number. */
	p.nlayers = 1;
	check(wc_fmt_summary, &p, "2001::1 > 2002:c612:1::2 (6)");
}

/* A layer cut short is Raw, marked in show (unless asked not to) and in JSON. */
static void test_status_marks(void **state)
{
	struct wc_pkt p;
	(void)state;

	dissect_hex(&p, "45000028000100004006eea9c6120001c6120002001400500000", "IP");
	assert_int_equal(p.l[1].status, WC_LS_TRUNCATED);
	assert_true(wc_fmt_show(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "###[ Raw ]### \n     [truncated]\n     load      = "));
	assert_true(wc_fmt_show_ex(&p, WC_FMT_NO_STATUS, text, sizeof(text)) > 0);
	assert_null(strstr(text, "[truncated]"));
	assert_true(wc_fmt_json(&p, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, ",\"status\":\"truncated\"}]"));
	/* IP(bytes.fromhex(...)).summary() */
	check(wc_fmt_summary, &p, "198.18.0.1 > 198.18.0.2 tcp / Raw");
}

/* Build through the layer API, then show what the bytes say (show2). */
static void test_built(void **state)
{
	static uint8_t buf[256];
	struct wc_pkt b, d;
	(void)state;

	wc_pkt_init(&b, buf, sizeof(buf));
	assert_int_equal(wc_pkt_push(&b, wc_proto_find("IP")), 0);
	assert_int_equal(wc_pkt_push(&b, wc_proto_find("TCP")), 0);
	wc_layer_set_u(&b.l[0], "src", 0xc6120001);
	wc_layer_set_u(&b.l[0], "dst", 0xc6120002);
	wc_layer_set_u(&b.l[1], "flags", 0x12);
	assert_int_equal(wc_build(&b), 0);
	/* The built packet's own values already say what its bytes say. */
	check(wc_fmt_summary, &b, "IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:http SA");
	assert_int_equal(wc_dissect(&d, b.buf, b.len, b.l[0].proto), 0);
	check(wc_fmt_summary, &d, "IP / TCP 198.18.0.1:ftp_data > 198.18.0.2:http SA");
	/* IP(bytes(IP(src="198.18.0.1", dst="198.18.0.2")/TCP(flags="SA")))[TCP].chksum */
	assert_int_equal(wc_fmt_field_value(&d.l[1], 8, true, text, sizeof(text)), 5);
	assert_string_equal(text, "0x347"); /* TCP chksum, XShortField */
	assert_int_equal(wc_fmt_field_value(&d.l[1], 8, false, text, sizeof(text)), 3);
	assert_string_equal(text, "839");
}

/* ---- snprintf contract, hostile input --------------------------------------------------- */

/* A strict little JSON reader: true when s is exactly one valid JSON value. */
static const char *js_value(const char *s, int depth);

static const char *js_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

static const char *js_string(const char *s)
{
	if (*s++ != '"')
		return NULL;
	for (; *s != '"'; s++) {
		if ((unsigned char)*s < 0x20)
			return NULL;
		if (*s == '\\') {
			s++;
			if (*s == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
						return NULL;
				s += 4;
			} else if (!*s || !strchr("\"\\/bfnrt", *s)) {
				return NULL;
			}
		}
	}
	return s + 1;
}

static const char *js_number(const char *s)
{
	const char *b = s;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else
		while (*s >= '0' && *s <= '9')
			s++;
	return s == b ? NULL : s;
}

static const char *js_seq(const char *s, char close, bool keyed, int depth)
{
	s = js_ws(s + 1);
	if (*s == close)
		return s + 1;
	for (;;) {
		if (keyed) {
			if (!(s = js_string(js_ws(s))))
				return NULL;
			s = js_ws(s);
			if (*s++ != ':')
				return NULL;
		}
		if (!(s = js_value(s, depth + 1)))
			return NULL;
		s = js_ws(s);
		if (*s == close)
			return s + 1;
		if (*s++ != ',')
			return NULL;
	}
}

static const char *js_value(const char *s, int depth)
{
	if (depth > 64)
		return NULL;
	s = js_ws(s);
	switch (*s) {
	case '{':
		return js_seq(s, '}', true, depth);
	case '[':
		return js_seq(s, ']', false, depth);
	case '"':
		return js_string(s);
	case 'n':
		return strncmp(s, "null", 4) ? NULL : s + 4;
	case 't':
		return strncmp(s, "true", 4) ? NULL : s + 4;
	case 'f':
		return strncmp(s, "false", 5) ? NULL : s + 5;
	default:
		return js_number(s);
	}
}

static bool json_valid(const char *s)
{
	const char *e = js_value(s, 0);

	return e && *js_ws(e) == '\0';
}

/* Every cap from 0 to the full length: what fits is a prefix of the full text, always
 * NUL-terminated, nothing written past cap, and the same length returned. */
static void check_caps(int (*fn)(const struct wc_pkt *, char *, size_t), const struct wc_pkt *p,
		       const char *full, int n)
{
	static char small[65536 + 16];
	size_t caps[] = {0, 1, 2, 7, (size_t)n / 2, (size_t)n, (size_t)n + 1};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t cap = caps[i];

		memset(small, 0x5a, cap + 16);
		assert_int_equal(fn(p, small, cap), n);
		for (size_t k = cap; k < cap + 16; k++)
			assert_int_equal((unsigned char)small[k], 0x5a);
		if (cap) {
			size_t got = cap - 1 < (size_t)n ? cap - 1 : (size_t)n;

			assert_memory_equal(small, full, got);
			assert_int_equal(small[got], '\0');
		}
	}
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random bytes dissected from every protocol: all three views stay in bounds, JSON stays
 * valid, and cutting the output changes nothing but its length. */
static void test_hostile_input(void **state)
{
	static uint8_t pk[1600];
	size_t nprotos;
	const struct wc_proto *const *protos = wc_proto_all(&nprotos);
	(void)state;

	for (int iter = 0; iter < 3000; iter++) {
		const struct wc_proto *first = protos[rnd() % nprotos];
		size_t n = rnd() % (iter % 10 ? 120 : sizeof(pk));
		struct wc_pkt p;

		for (size_t i = 0; i < n; i++)
			pk[i] = (uint8_t)rnd();
		/* Often a plausible start so the upper layers get exercised too. */
		if (n >= 20 && iter % 3 == 0 && !strcmp(first->name, "IP"))
			pk[0] = (uint8_t)(0x45 + rnd() % 11), pk[9] = iter % 2 ? 6 : 17;
		assert_int_equal(wc_dissect(&p, pk, n, first), 0);

		int m = wc_fmt_json(&p, text, sizeof(text));
		assert_true(m > 0 && (size_t)m < sizeof(text));
		if (!json_valid(text))
			fail_msg("invalid JSON from %s: %s", first->name, text);
		if (iter % 50 == 0)
			check_caps(wc_fmt_json, &p, text, m);

		m = wc_fmt_show(&p, text, sizeof(text));
		assert_true(m >= 0 && (size_t)m < sizeof(text));
		/* Whatever the bytes, show writes them escaped: no control byte but newlines. */
		for (int k = 0; k < m; k++)
			if ((unsigned char)text[k] < 0x20 && text[k] != '\n')
				fail_msg("raw byte 0x%02x in show of %s", (unsigned char)text[k],
					 first->name);
		if (iter % 50 == 0)
			check_caps(wc_fmt_show, &p, text, m);

		m = wc_fmt_summary(&p, text, sizeof(text));
		assert_true(m >= 0 && (size_t)m < sizeof(text));
		if (iter % 50 == 0)
			check_caps(wc_fmt_summary, &p, text, m);
	}
}

/* JSON strings are escaped whatever a table holds. */
static void test_json_escapes(void **state)
{
	static const struct wc_field f[] = {{.name = "we\"ird\\\x01\xc3", .kind = WC_K_UINT,
					     .bits = 8}};
	static const struct wc_proto odd = {.name = "Odd\"", .title = "Odd", .fields = f,
					    .nfields = 1};
	struct wc_pkt p;
	(void)state;

	memset(&p, 0, sizeof(p));
	p.nlayers = 1;
	p.len = 1;
	p.l[0].proto = &odd;
	p.l[0].here = 1;
	p.l[0].hlen = 1;
	p.l[0].v[0].u = 7;
	check(wc_fmt_json, &p,
	      "[{\"layer\":\"Odd\\\"\",\"fields\":{\"we\\\"ird\\\\\\u0001\\u00c3\":7}}]");
	assert_true(json_valid(text));
}

/* ---- pcap files -------------------------------------------------------------------------- */

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wc-test-format.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	char cmd[128];
	(void)state;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The names in the test directory, sorted, joined by spaces. */
static const char *listing(void)
{
	static char out[1024];
	struct dirent **ents;
	int n = scandir(tmpdir, &ents, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			if (out[0])
				strcat(out, " ");
			strncat(out, ents[i]->d_name, sizeof(out) - strlen(out) - 2);
		}
		free(ents[i]);
	}
	free(ents);
	return out;
}

static void test_pcap_roundtrip(void **state)
{
	char path[128];
	struct wc_pcap_writer *w;
	struct wc_pcap_reader *r;
	uint8_t frame[64];
	size_t n = unhex(udp_hex, frame), len, skip;
	const uint8_t *data;
	struct timespec ts = {.tv_sec = 1700000000, .tv_nsec = 123456000}, got;
	char eb[WC_PCAP_ERRBUF];
	(void)state;

	snprintf(path, sizeof(path), "%s/out.pcap", tmpdir);
	assert_int_equal(wc_pcap_open_write(path, WC_LINK_ETHER, &w), 0);
	for (int i = 0; i < 3; i++) {
		frame[n - 1] = (uint8_t)i;
		assert_int_equal(wc_pcap_write(w, frame, n, &ts), 0);
	}
	/* Until closed, nothing has a name (O_TMPFILE: a SIGKILL leaves nothing behind); on a
	 * filesystem without O_TMPFILE, only the temporary file exists. */
	assert_true(listing()[0] == '\0' || strncmp(listing(), "out.pcap.tmp.", 13) == 0);
	assert_int_equal(wc_pcap_close_write(w), 0);
	assert_string_equal(listing(), "out.pcap");

	assert_int_equal(wc_pcap_open_read(path, &r, eb), 0);
	assert_int_equal(wc_pcap_link(r), WC_LINK_ETHER);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(wc_pcap_next(r, &data, &len, &got), 0);
		frame[n - 1] = (uint8_t)i;
		assert_int_equal(len, n);
		assert_memory_equal(data, frame, n);
		assert_int_equal(got.tv_sec, ts.tv_sec);
		assert_int_equal(got.tv_nsec, ts.tv_nsec);
		assert_ptr_equal(wc_pcap_first_proto(wc_pcap_link(r), data, len, &skip),
				 &wc_proto_ether);
		assert_int_equal(skip, 0);
	}
	assert_int_equal(wc_pcap_next(r, &data, &len, NULL), -ENOENT);
	wc_pcap_close_read(r);
}

/* Raw IP captures: IPv4 and IPv6 frames told apart by their version. */
static void test_pcap_raw(void **state)
{
	char path[128];
	struct wc_pcap_writer *w;
	struct wc_pcap_reader *r;
	uint8_t v4[20] = {0x45}, v6[40] = {0x60};
	const uint8_t *data;
	size_t len, skip;
	(void)state;

	snprintf(path, sizeof(path), "%s/raw.pcap", tmpdir);
	assert_int_equal(wc_pcap_open_write(path, WC_LINK_RAW, &w), 0);
	assert_int_equal(wc_pcap_write(w, v4, sizeof(v4), NULL), 0);
	assert_int_equal(wc_pcap_write(w, v6, sizeof(v6), NULL), 0);
	assert_int_equal(wc_pcap_close_write(w), 0);
	assert_int_equal(wc_pcap_open_read(path, &r, NULL), 0);
	assert_int_equal(wc_pcap_link(r), WC_LINK_RAW);
	assert_int_equal(wc_pcap_next(r, &data, &len, NULL), 0);
	assert_string_equal(wc_pcap_first_proto(WC_LINK_RAW, data, len, &skip)->name, "IP");
	assert_int_equal(wc_pcap_next(r, &data, &len, NULL), 0);
	assert_string_equal(wc_pcap_first_proto(WC_LINK_RAW, data, len, &skip)->name, "IPv6");
	wc_pcap_close_read(r);
	unlink(path);
}

/* An abandoned write leaves the old file as it was and no temporary file. */
static void test_pcap_abort(void **state)
{
	char path[128], back[16] = "";
	struct wc_pcap_writer *w;
	uint8_t b[14] = {0};
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/keep.pcap", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(wc_pcap_open_write(path, WC_LINK_ETHER, &w), 0);
	assert_int_equal(wc_pcap_write(w, b, sizeof(b), NULL), 0);
	assert_int_equal(wc_pcap_write(w, b, 70000, NULL), -EMSGSIZE);
	wc_pcap_abort_write(w);
	assert_string_equal(listing(), "keep.pcap out.pcap");
	f = fopen(path, "r");
	assert_non_null(fgets(back, sizeof(back), f));
	fclose(f);
	assert_string_equal(back, "old");
	unlink(path);
}

static void test_pcap_errors(void **state)
{
	char path[128], eb[WC_PCAP_ERRBUF] = "";
	struct wc_pcap_writer *w;
	struct wc_pcap_reader *r;
	FILE *f;
	(void)state;

	snprintf(path, sizeof(path), "%s/no/such/dir.pcap", tmpdir);
	assert_int_equal(wc_pcap_open_write(path, WC_LINK_ETHER, &w), -ENOENT);
	assert_int_equal(wc_pcap_open_write(path, WC_LINK_OTHER, &w), -EINVAL);
	assert_int_equal(wc_pcap_open_read(path, &r, eb), -ENOENT);
	assert_string_equal(eb, strerror(ENOENT));

	snprintf(path, sizeof(path), "%s/junk.pcap", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a capture at all", f);
	fclose(f);
	eb[0] = '\0';
	assert_int_equal(wc_pcap_open_read(path, &r, eb), -EINVAL);
	assert_true(eb[0] != '\0');
	unlink(path);
	assert_string_equal(listing(), "out.pcap");
}

/* Cooked and loopback captures: the header is skipped, the protocol field decides. */
static void test_pcap_first_proto(void **state)
{
	uint8_t sll[16 + 20] = {[14] = 0x08, [15] = 0x00, [16] = 0x45};
	uint8_t sll2[20 + 40] = {[0] = 0x86, [1] = 0xdd, [20] = 0x60};
	uint8_t null4[4 + 20] = {[0] = 2, [4] = 0x45};
	size_t skip;
	(void)state;

	assert_string_equal(wc_pcap_first_proto(WC_LINK_LINUX_SLL, sll, sizeof(sll), &skip)->name,
			    "IP");
	assert_int_equal(skip, 16);
	assert_string_equal(
		wc_pcap_first_proto(WC_LINK_LINUX_SLL2, sll2, sizeof(sll2), &skip)->name, "IPv6");
	assert_int_equal(skip, 20);
	assert_string_equal(wc_pcap_first_proto(WC_LINK_NULL, null4, sizeof(null4), &skip)->name,
			    "IP");
	assert_int_equal(skip, 4);
	assert_null(wc_pcap_first_proto(WC_LINK_LINUX_SLL, sll, 10, &skip));
	assert_null(wc_pcap_first_proto(WC_LINK_OTHER, sll, sizeof(sll), &skip));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_show_udp),
		cmocka_unit_test(test_show_tcp),
		cmocka_unit_test(test_show_ip_options),
		cmocka_unit_test(test_ip_options_odd),
		cmocka_unit_test(test_tcp_options_odd),
		cmocka_unit_test(test_unreached_options),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_status_marks),
		cmocka_unit_test(test_built),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_pcap_roundtrip),
		cmocka_unit_test(test_pcap_raw),
		cmocka_unit_test(test_pcap_abort),
		cmocka_unit_test(test_pcap_errors),
		cmocka_unit_test(test_pcap_first_proto),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
