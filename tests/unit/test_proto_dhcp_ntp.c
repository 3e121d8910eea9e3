/* BOOTP, DHCP and NTP (wave 2): hostile DHCP options (lengths past the end, no end option,
 * zero lengths, a code without its length byte, values that do not cut into fields) stay
 * inside their bytes and come out as Scapy's m2i gives them; expressions that Scapy would
 * refuse are refused with a message; NTP's fixed-point input, its clock default and its
 * short-packet dispatch; the xid answer rule. Runs under ASan/UBSan. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "dhcpopts.h"
#include "wirecraft/format.h"
#include "wirecraft/match.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"

static uint8_t buf[WC_MAX_PKT];
static char text[1 << 16];

/* The first packet of an expression, built into buf. */
static int build1(const char *expr, struct wc_pkt *p, struct wc_err *err)
{
	struct wc_set *s = NULL;
	struct wc_iter *it = NULL;
	int rc = wc_set_parse(expr, &s, err);

	if (rc)
		return rc;
	assert_int_equal(wc_iter_new(s, &it), 0);
	p->buf = buf;
	p->cap = sizeof(buf);
	rc = wc_iter_next(it, p);
	wc_iter_free(it);
	wc_set_free(s);
	return rc;
}

/* JSON of the DHCP options in `opts` (their bytes, a heap copy of exactly that size). */
static const char *opts_json(const uint8_t *opts, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct wc_sb sb;

	memcpy(copy, opts, n);
	wc_sb_init(&sb, text, sizeof(text));
	wc_sb_dhcpopts_json(&sb, copy, n);
	assert_true(wc_sb_result(&sb) > 0);
	/* show's view of the same bytes must stay inside them as well */
	wc_sb_init(&sb, NULL, 0);
	wc_sb_dhcpopts_repr(&sb, copy, n);
	free(copy);
	return text;
}

static void test_options_hostile(void **state)
{
	static const struct {
		const char *hex, *json;
	} cases[] = {
		/* a length past the end: the rest is one raw string, as in Scapy */
		{ "350101 0c40 6162", "[[\"message-type\",1],{\"raw\":\"0c406162\"}]" },
		/* no end option: fine, nothing more */
		{ "350101 3304 00000e10", "[[\"message-type\",1],[\"lease_time\",3600]]" },
		/* zero lengths: typed options with no value, byte options with empty bytes (Scapy) */
		{ "3500 0100 0c00 c800 ff", "[[\"message-type\"],[\"subnet_mask\"],[\"hostname\",\"\"],[200,\"\"],\"end\"]" },
		/* a code at the very end, without its length byte */
		{ "350101 33", "[[\"message-type\",1],{\"raw\":\"33\"}]" },
		{ "37", "[{\"raw\":\"37\"}]" },
		/* an address of 3 bytes, a 6-byte integer: values that do not cut */
		{ "0103 c61200 ff", "[{\"raw\":\"0103c61200ff\"}]" },
		{ "3306 000000010002", "[{\"raw\":\"3306000000010002\"}]" },
		/* routes: a prefix longer than 32, a route cut short */
		{ "7905 21c6120001", "[{\"raw\":\"790521c6120001\"}]" },
		{ "7904 18c61200", "[{\"raw\":\"790418c61200\"}]" },
		{ "7908 18c61200 c6120001", "[[\"classless_static_routes\",[\"198.18.0.0/24:198.18.0.1\"]]]" },
		/* options after end are still read, as Scapy reads them */
		{ "ff ff 350105", "[\"end\",\"end\",[\"message-type\",5]]" },
		{ "", "[]" },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t b[64];
		size_t n = 0;

		for (const char *h = cases[i].hex; *h;) {
			unsigned v;

			if (*h == ' ') {
				h++;
				continue;
			}
			assert_int_equal(sscanf(h, "%2x", &v), 1);
			b[n++] = (uint8_t)v;
			h += 2;
		}
		if (strcmp(opts_json(b, n), cases[i].json))
			fail_msg("case %zu: %s, want %s", i, text, cases[i].json);
	}
}

/* Every prefix and every single-byte mutation of a real option list: the walk always
 * advances and ends inside the bytes. */
static void test_options_walk_bounded(void **state)
{
	static const uint8_t opts[] = { 0x35, 0x01, 0x01, 0x37, 0x03, 0x01, 0x03, 0x06, 0x3d,
					0x07, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06,
					0x08, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02,
					0x79, 0x08, 0x18, 0xc6, 0x12, 0x00, 0xc6, 0x12, 0x00,
					0x01, 0xff };
	(void)state;

	for (size_t n = 0; n <= sizeof(opts); n++) {
		for (size_t m = 0; m <= n; m++) {
			uint8_t *b = malloc(n ? n : 1);
			struct wc_dhcpopt o;
			size_t pos = 0, last = 0;
			unsigned steps = 0;

			memcpy(b, opts, n);
			if (m < n)
				b[m] = (uint8_t)(b[m] * 37 + 11);
			while (wc_dhcpopt_next(b, n, &pos, &o)) {
				assert_true(pos > last && pos <= n);
				if (o.kind == WC_DO_OPT)
					assert_true(o.v >= b && o.v + o.vlen <= b + n);
				last = pos;
				assert_true(++steps <= n);
			}
			opts_json(b, n);
			free(b);
		}
	}
}

/* Hostile DHCP inside a whole frame: dissected, shown and written as JSON. */
static void test_dissect_hostile_frame(void **state)
{
	struct wc_pkt p;
	struct wc_err err;
	(void)state;

	assert_int_equal(build1("Ether(src=\"02:00:00:00:00:01\",dst=\"02:00:00:00:00:02\")/"
				"IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(sport=68,dport=67)/"
				"BOOTP(options=b\"\\x63\\x82\\x53\\x63\\x35\\x01\\x01\\x0c\\xf0ab\")",
				&p, &err), 0);
	size_t n = p.len;
	uint8_t *copy = malloc(n);
	struct wc_pkt d;

	memcpy(copy, buf, n);
	assert_int_equal(wc_dissect(&d, copy, n, NULL), 0);
	assert_int_equal(d.nlayers, 5);
	assert_string_equal(d.l[3].proto->name, "BOOTP");
	assert_string_equal(d.l[4].proto->name, "DHCP");
	assert_true(wc_fmt_json(&d, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "{\"raw\":\"0cf06162\"}"));
	assert_true(wc_fmt_show(&d, text, sizeof(text)) > 0);
	assert_non_null(strstr(text, "options   = [message-type=discover ..ab]"));
	assert_true(wc_fmt_summary(&d, text, sizeof(text)) > 0);
	assert_string_equal(text, "Ether / IP / UDP / BOOTP / DHCP Discover");
	/* every cut of it dissects inside the bytes */
	for (size_t k = 0; k < n; k++) {
		uint8_t *c = malloc(k ? k : 1);

		memcpy(c, copy, k);
		assert_int_equal(wc_dissect(&d, c, k, NULL), 0);
		assert_true(wc_fmt_json(&d, text, sizeof(text)) > 0);
		assert_true(wc_fmt_show(&d, text, sizeof(text)) >= 0);
		free(c);
	}
	free(copy);
}

static void expect_refused(const char *expr, const char *msg)
{
	struct wc_pkt p;
	struct wc_err err = { 0 };
	int rc = build1(expr, &p, &err);

	if (rc != -EINVAL || !strstr(err.msg, msg))
		fail_msg("%s: rc %d '%s' (want '%s')", expr, rc, err.msg, msg);
	assert_true(err.col > 0);
}

static void test_expr_refusals(void **state)
{
	(void)state;
	expect_refused("BOOTP()/DHCP(options=[(\"no_such\",1)])", "unknown DHCP option 'no_such'");
	expect_refused("BOOTP()/DHCP(options=[(\"lease_time\",\"x\")])", "needs integers of 32");
	expect_refused("BOOTP()/DHCP(options=[(\"message-type\",\"bogus\")])", "message type");
	expect_refused("BOOTP()/DHCP(options=[(\"router\",5)])", "IPv4 addresses");
	expect_refused("BOOTP()/DHCP(options=[(\"router\",\"198.18.0.300\")])", "IPv4 addresses");
	expect_refused("BOOTP()/DHCP(options=[(300,b\"x\")])", "does not fit a byte");
	expect_refused("BOOTP()/DHCP(options=[(\"end\",)])", "a DHCP option is");
	expect_refused("BOOTP()/DHCP(options=[(\"classless_static_routes\",\"198.18.0.0/33:198.18.0.1\")])",
		       "routes");
	expect_refused("BOOTP()/DHCP(options=[(\"param_req_list\",[1,256])])", "8 bits");
	expect_refused("BOOTP()/DHCP(options=5)", "needs a list of DHCP options");
	expect_refused("NTP(sent=4294967296)", "does not fit sent");
	expect_refused("NTP(delay=(1,2))", "fixed-point");
	/* a value that would make an option longer than 255 bytes */
	char big[1200];
	int k = snprintf(big, sizeof(big), "BOOTP()/DHCP(options=[(\"name_server\"");
	for (int i = 0; i < 64; i++)
		k += snprintf(big + k, sizeof(big) - (size_t)k, ",\"198.18.0.1\"");
	snprintf(big + k, sizeof(big) - (size_t)k, ")])");
	expect_refused(big, "too long");
}

static void test_ntp(void **state)
{
	struct wc_pkt p, d;
	struct wc_err err;
	uint64_t v;
	(void)state;

	/* integers are whole seconds (Scapy's FixedPointField.any2i) */
	assert_int_equal(build1("NTP(orig=5,sent=3900000000,delay=1)", &p, &err), 0);
	assert_string_equal(p.l[0].proto->name, "NTPHeader");
	assert_int_equal(wc_layer_get_u(&p.l[0], "orig", &v), 0);
	assert_true(v == 5ULL << 32);
	assert_int_equal(wc_layer_get_u(&p.l[0], "delay", &v), 0);
	assert_true(v == 1ULL << 16);
	assert_int_equal(p.len, 48);
	/* orig and sent default to the clock (after 2020 in NTP seconds) */
	assert_int_equal(build1("NTP()", &p, &err), 0);
	assert_int_equal(wc_layer_get_u(&p.l[0], "sent", &v), 0);
	assert_true(v >> 32 > 3786825600ULL);
	/* under 8 bytes, and control/private modes: Raw */
	static const uint8_t shortp[7] = { 0x23 };
	static const uint8_t ctl[48] = { 0x26 };
	assert_int_equal(wc_dissect(&d, shortp, sizeof(shortp), wc_proto_find("NTPHeader")), 0);
	assert_string_equal(d.l[0].proto->name, "Raw");
	assert_int_equal(wc_dissect(&d, ctl, sizeof(ctl), wc_proto_find("NTPHeader")), 0);
	assert_string_equal(d.l[0].proto->name, "Raw");
	/* a header cut inside: a partial or Raw layer, never a read past the end */
	for (size_t n = 8; n < 48; n++) {
		uint8_t *c = malloc(n);

		memcpy(c, p.buf, n);
		assert_int_equal(wc_dissect(&d, c, n, wc_proto_find("NTPHeader")), 0);
		assert_true(wc_fmt_show(&d, text, sizeof(text)) >= 0);
		assert_true(wc_fmt_json(&d, text, sizeof(text)) > 0);
		free(c);
	}
}

/* Scapy's BOOTP.answers: the same xid; UDP and IP rules below it. */
static void test_answers_xid(void **state)
{
	static uint8_t b1[2048], b2[2048];
	struct wc_pkt req, rep, r2;
	struct wc_err err;
	struct wc_match_opts o = { .sz = sizeof(o) };
	(void)state;

	assert_int_equal(build1("IP(src=\"198.18.0.2\",dst=\"198.18.0.1\")/UDP(sport=67,dport=67)/"
				"BOOTP(xid=77,giaddr=\"198.18.0.2\")/DHCP(options=[(\"message-type\",\"discover\"),\"end\"])",
				&req, &err), 0);
	memcpy(b1, buf, req.len);
	assert_int_equal(wc_dissect(&req, b1, req.len, wc_proto_find("IP")), 0);
	assert_int_equal(build1("IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(sport=67,dport=67)/"
				"BOOTP(op=2,xid=77,yiaddr=\"198.18.0.100\")/DHCP(options=[(\"message-type\",\"offer\"),\"end\"])",
				&rep, &err), 0);
	memcpy(b2, buf, rep.len);
	assert_int_equal(wc_dissect(&rep, b2, rep.len, wc_proto_find("IP")), 0);
	assert_true(wc_answers(&rep, &req, &o));
	assert_int_equal(wc_hashret(&rep), wc_hashret(&req));
	assert_int_equal(build1("IP(src=\"198.18.0.1\",dst=\"198.18.0.2\")/UDP(sport=67,dport=67)/"
				"BOOTP(op=2,xid=78)/DHCP(options=[(\"message-type\",\"offer\"),\"end\"])",
				&r2, &err), 0);
	assert_false(wc_answers(&r2, &req, &o));
	assert_true(wc_hashret(&r2) != wc_hashret(&req));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_hostile),
		cmocka_unit_test(test_options_walk_bounded),
		cmocka_unit_test(test_dissect_hostile_frame),
		cmocka_unit_test(test_expr_refusals),
		cmocka_unit_test(test_ntp),
		cmocka_unit_test(test_answers_xid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
