/* DNS: name encoding as Scapy 2.5 does it, decompression of names (pointers, and the hostile
 * kinds: a pointer to itself, loops of two, pointers into the header or past the message,
 * chains deeper than WC_DNS_MAX_HOPS, names longer than WC_DNS_NAME_MAX), and what the
 * dissector makes of messages carrying them: malformed, bounded, never a hang. Truncated
 * records and huge counts make the message Raw, as Scapy's exception does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dnsname.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"

static struct wc_pkt pkt;

/* A DNS message after a 12-byte header with these counts. */
static size_t msg(uint8_t *b, uint16_t qd, uint16_t an, const uint8_t *body, size_t n)
{
	memset(b, 0, 12);
	b[0] = 0x12, b[1] = 0x34;
	b[4] = (uint8_t)(qd >> 8), b[5] = (uint8_t)qd;
	b[6] = (uint8_t)(an >> 8), b[7] = (uint8_t)an;
	memcpy(b + 12, body, n);
	return 12 + n;
}

static const struct wc_proto *dns(void)
{
	const struct wc_proto *p = wc_proto_find("DNS");

	assert_non_null(p);
	return p;
}

static void check_encode(const char *txt, const char *hex)
{
	uint8_t out[600], want[300];
	size_t n = strlen(hex) / 2;
	long k;

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &want[i]);
	k = wc_dns_name_encode((const uint8_t *)txt, strlen(txt), out, sizeof(out));
	assert_int_equal(k, (long)n);
	assert_memory_equal(out, want, n);
}

/* Bytes from Scapy 2.5: bytes(DNSQR(qname=...))[:-4]. */
static void test_encode(void **st)
{
	(void)st;
	check_encode("example.com", "076578616d706c6503636f6d00");
	check_encode("example.com.", "076578616d706c6503636f6d00");
	check_encode("", "00");
	check_encode(".", "00");
	check_encode("a..b", "0161000162" "00");
	check_encode("\xc3\xa9.x", "02c3a9017800");
	/* a label of 70 bytes is cut to 63 */
	check_encode("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
		     "3f616161616161616161616161616161616161616161616161616161616161616161616161"
		     "616161616161616161616161616161616161616161616161616161017800");
}

static void test_expand_pointer(void **st)
{
	/* header, then "a.example" at 12, then "www" + pointer to 12 at 23 */
	static const uint8_t body[] = {1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
				       3, 'w', 'w', 'w', 0xc0, 12};
	uint8_t b[64], name[WC_DNS_NAME_MAX + 1], t[64];
	size_t n = msg(b, 0, 0, body, sizeof(body)), nl, end;
	unsigned why;

	(void)st;
	end = wc_dns_expand(b, n, 23, name, &nl, &why);
	assert_int_equal(end, n);
	assert_int_equal(why, WC_DN_PTR);
	assert_int_equal(wc_dns_name_text(name, nl, 1, t, sizeof(t)), 14);
	assert_memory_equal(t, "www.a.example.", 14);
}

static void expect_bad(const uint8_t *body, size_t bn, size_t at, unsigned bit)
{
	uint8_t b[512], name[WC_DNS_NAME_MAX + 1];
	size_t n = msg(b, 0, 0, body, bn), nl, end;
	unsigned why = 0;

	end = wc_dns_expand(b, n, at, name, &nl, &why);
	assert_true(why & bit);
	assert_true(end <= n);
	assert_true(nl >= 1 && nl <= WC_DNS_NAME_MAX + 1);
	assert_int_equal(name[nl - 1], 0);
}

static void test_expand_hostile(void **st)
{
	static const uint8_t self[] = {0xc0, 12};
	static const uint8_t two[] = {0xc0, 14, 0xc0, 12};
	static const uint8_t header[] = {0xc0, 2};
	static const uint8_t past[] = {0xc0, 200};
	static const uint8_t far[] = {0xff, 0xff};
	static const uint8_t cut_ptr[] = {0xc0};
	static const uint8_t cut_label[] = {5, 'a', 'b'};
	static const uint8_t label_loop[] = {1, 'x', 0xc0, 12}; /* x.x.x... */
	uint8_t deep[2 * (WC_DNS_MAX_HOPS + 2) + 1];
	uint8_t longn[300];

	(void)st;
	expect_bad(self, sizeof(self), 12, WC_DN_LOOP);
	expect_bad(two, sizeof(two), 12, WC_DN_LOOP);
	expect_bad(header, sizeof(header), 12, WC_DN_OOB);
	expect_bad(past, sizeof(past), 12, WC_DN_OOB);
	expect_bad(far, sizeof(far), 12, WC_DN_OOB);
	expect_bad(cut_ptr, sizeof(cut_ptr), 12, WC_DN_CUT);
	expect_bad(cut_label, sizeof(cut_label), 12, WC_DN_CUT);
	expect_bad(label_loop, sizeof(label_loop), 12, WC_DN_LOOP);
	/* a chain of distinct pointers, each to the next, longer than the bound */
	for (unsigned i = 0; i < WC_DNS_MAX_HOPS + 2; i++) {
		deep[2 * i] = 0xc0;
		deep[2 * i + 1] = (uint8_t)(12 + 2 * (i + 1));
	}
	deep[sizeof(deep) - 1] = 0;
	expect_bad(deep, sizeof(deep), 12, WC_DN_DEEP);
	/* labels of 63 bytes pointing back to a longer and longer name: over 255 bytes */
	memset(longn, 0, sizeof(longn));
	for (unsigned i = 0; i < 4; i++) {
		longn[64 * i] = 63;
		memset(longn + 64 * i + 1, 'a', 63);
	}
	longn[256] = 63;
	memset(longn + 257, 'b', 40);
	expect_bad(longn, 300, 12, WC_DN_LONG | WC_DN_CUT);
}

/* A message whose question name is hostile: the DNS layer is there, marked malformed,
 * and its views (show, JSON, summary) finish. */
static void dissect_malformed(const uint8_t *body, size_t bn)
{
	static uint8_t b[600];
	static char out[65536];
	size_t n = msg(b, 1, 0, body, bn);

	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_ptr_equal(pkt.l[0].proto, dns());
	assert_int_equal(pkt.l[0].status, WC_LS_MALFORMED);
	assert_true(wc_fmt_show(&pkt, out, sizeof(out)) > 0);
	assert_true(wc_fmt_json(&pkt, out, sizeof(out)) > 0);
	assert_true(wc_fmt_summary(&pkt, out, sizeof(out)) > 0);
}

static void test_dissect_loops(void **st)
{
	static const uint8_t self[] = {0xc0, 12, 0, 1, 0, 1};
	static const uint8_t two[] = {0xc0, 18, 0, 1, 0, 1, 0xc0, 12};
	static const uint8_t oob[] = {0xc0, 250, 0, 1, 0, 1};
	static const uint8_t hdr[] = {0xc0, 4, 0, 1, 0, 1};

	(void)st;
	dissect_malformed(self, sizeof(self));
	dissect_malformed(two, sizeof(two));
	dissect_malformed(oob, sizeof(oob));
	dissect_malformed(hdr, sizeof(hdr));
}

/* A record in an answer whose rdata (CNAME) points at itself. */
static void test_dissect_rdata_loop(void **st)
{
	static const uint8_t body[] = {0, 0, 5, 0, 1, 0, 0, 0, 0, 0, 2, 0xc0, 23};
	static uint8_t b[64];
	size_t n = msg(b, 0, 1, body, sizeof(body));

	(void)st;
	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_ptr_equal(pkt.l[0].proto, dns());
	assert_int_equal(pkt.l[0].status, WC_LS_MALFORMED);
}

/* Records cut short: Raw, as Scapy's exception makes it; a cut question keeps the layer,
 * marked (Scapy does not raise there); counts far beyond the bytes take no record. */
static void test_dissect_truncated(void **st)
{
	static const uint8_t q[] = {1, 'a', 0, 0, 1, 0, 1};
	static const uint8_t r[] = {1, 'a', 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 198, 18, 0, 1};
	static uint8_t b[64];
	size_t n;

	(void)st;
	for (size_t cut = 1; cut < sizeof(q); cut++) {
		n = msg(b, 1, 0, q, cut);
		assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
		assert_ptr_equal(pkt.l[0].proto, dns());
		assert_int_equal(pkt.l[0].status, WC_LS_MALFORMED);
	}
	for (size_t cut = 1; cut < sizeof(r); cut++) {
		n = msg(b, 0, 1, r, cut);
		assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
		assert_ptr_equal(pkt.l[0].proto, &wc_proto_raw);
	}
	n = msg(b, 0, 1, r, sizeof(r));
	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_ptr_equal(pkt.l[0].proto, dns());
	assert_int_equal(pkt.l[0].status, WC_LS_OK);
	n = msg(b, 65535, 65535, q, sizeof(q));
	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_ptr_equal(pkt.l[0].proto, dns());
	assert_int_equal(pkt.l[0].v[wc_field_index(dns(), "qd")].blen, 0);
	n = msg(b, 1, 0, q, sizeof(q));
	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_ptr_equal(pkt.l[0].proto, dns());
	assert_int_equal(pkt.l[0].status, WC_LS_OK);
}

/* Build-side: counts and rdlen computed, TCP length prefix, as Scapy. */
static void test_build_set(void **st)
{
	struct wc_set *s;
	struct wc_iter *it;
	struct wc_err err;
	static uint8_t bb[2048];
	char hex[512];
	unsigned n = 0;

	(void)st;
	assert_int_equal(wc_set_parse("TCP(sport=40000, dport=53)/DNS(id=[1, 2], "
				      "qd=DNSQR(qname=\"a.example\")/DNSQR(qname=\"b\"), "
				      "an=DNSRR(rrname=\"a.example\", rdata=\"198.18.0.1\"))",
				      &s, &err),
			 0);
	assert_int_equal(wc_iter_new(s, &it), 0);
	wc_pkt_init(&pkt, bb, sizeof(bb));
	while (wc_iter_next(it, &pkt) == 0) {
		n++;
		wc_fmt_hex(pkt.buf + 20, pkt.len - 20, hex, sizeof(hex));
		/* Scapy: bytes(TCP(...)/DNS(...))[20:] */
		assert_string_equal(hex, n == 1 ? "003b00010100000200010000000001610765786"
						  "16d706c650000010001016200000100010161076578616d706c65000001"
						  "0001000000000004c6120001"
						: "003b00020100000200010000000001610765786"
						  "16d706c650000010001016200000100010161076578616d706c65000001"
						  "0001000000000004c6120001");
	}
	assert_int_equal(n, 2);
	wc_iter_free(it);
	wc_set_free(s);
}

/* show of a dissected message, as Scapy 2.5's DNS(raw).show() prints it (the fields of the
 * record after a DNSRRMX one indented further, an empty OPT option list as \\rdata\\):
 * DNS(qr=1, qd=DNSQR(qname="a.example"), an=DNSRRMX(type="MX", preference=5,
 * exchange="m.a.example")/DNSRR(rrname="a.example", type="TXT", rdata=["x","y"]),
 * ar=DNSRROPT()) */
static const char show_want[] =
	"###[ DNS ]### \n"
	"  id        = 0\n"
	"  qr        = 1\n"
	"  opcode    = QUERY\n"
	"  aa        = 0\n"
	"  tc        = 0\n"
	"  rd        = 1\n"
	"  ra        = 0\n"
	"  z         = 0\n"
	"  ad        = 0\n"
	"  cd        = 0\n"
	"  rcode     = ok\n"
	"  qdcount   = 1\n"
	"  ancount   = 2\n"
	"  nscount   = 0\n"
	"  arcount   = 1\n"
	"  \\qd        \\\n"
	"   |###[ DNS Question Record ]### \n"
	"   |  qname     = 'a.example.'\n"
	"   |  qtype     = A\n"
	"   |  qclass    = IN\n"
	"  \\an        \\\n"
	"   |###[ DNS MX Resource Record ]### \n"
	"   |  rrname    = '.'\n"
	"   |  type      = MX\n"
	"   |  rclass    = IN\n"
	"   |  ttl       = 0\n"
	"   |  rdlen     = 15\n"
	"   |  preference= 5\n"
	"   |  exchange  = 'm.a.example.'\n"
	"   |###[ DNS Resource Record ]### \n"
	"   |     rrname    = 'a.example.'\n"
	"   |     type      = TXT\n"
	"   |     rclass    = IN\n"
	"   |     ttl       = 0\n"
	"   |     rdlen     = 4\n"
	"   |     rdata     = [b'x', b'y']\n"
	"  ns        = None\n"
	"  \\ar        \\\n"
	"   |###[ DNS OPT Resource Record ]### \n"
	"   |  rrname    = '.'\n"
	"   |  type      = OPT\n"
	"   |  rclass    = 4096\n"
	"   |  extrcode  = 0\n"
	"   |  version   = 0\n"
	"   |  z         = D0\n"
	"   |  rdlen     = 0\n"
	"   |  \\rdata     \\\n";

static void test_show(void **st)
{
	static const char hex[] = "0000810000010002000000010161076578616d706c65000001000100000f000100000000000f0005016d0161076578616d706c65000161076578616d706c650000100001000000000004017801790000291000000080000000";
	static uint8_t b[256];
	static char out[8192];
	size_t n = strlen(hex) / 2;

	(void)st;
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &b[i]);
	assert_int_equal(wc_dissect(&pkt, b, n, dns()), 0);
	assert_true(wc_fmt_show(&pkt, out, sizeof(out)) > 0);
	assert_string_equal(out, show_want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_expand_pointer),
		cmocka_unit_test(test_expand_hostile),
		cmocka_unit_test(test_dissect_loops),
		cmocka_unit_test(test_dissect_rdata_loop),
		cmocka_unit_test(test_dissect_truncated),
		cmocka_unit_test(test_build_set),
		cmocka_unit_test(test_show),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
