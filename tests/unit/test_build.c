/* Build and dissect through the layer API, without the expression parser. Expected bytes
 * come from Scapy 2.5 (see the comment above each). */
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

static void hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static struct wc_pkt pkt;
static uint8_t buf[2048];

static void push(const char *name)
{
	assert_int_equal(wc_pkt_push(&pkt, wc_proto_find(name)), 0);
}

/* Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/IP(src="198.18.0.1",
 * dst="198.18.0.2")/TCP(dport=443, flags="S") */
static void test_ether_ip_tcp(void **state)
{
	char out[4096];
	(void)state;

	wc_pkt_init(&pkt, buf, sizeof(buf));
	push("Ether");
	push("IP");
	push("TCP");
	wc_layer_set_u(&pkt.l[0], "dst", 0x020000000002ULL);
	wc_layer_set_u(&pkt.l[0], "src", 0x020000000001ULL);
	wc_layer_set_u(&pkt.l[1], "src", 0xc6120001);
	wc_layer_set_u(&pkt.l[1], "dst", 0xc6120002);
	wc_layer_set_u(&pkt.l[2], "dport", 443);
	assert_int_equal(wc_build(&pkt), 0);
	hex(pkt.buf, pkt.len, out);
	assert_string_equal(out, "02000000000202000000000108004500002800010000400"
				 "6eea7c6120001c6120002001401bb00000000000000005002200001ec0000");
}

/* IP(src="198.18.0.1", dst="198.18.0.2")/UDP()/"hello" then dissected from IP. */
static void test_udp_roundtrip(void **state)
{
	struct wc_pkt d;
	uint64_t v;
	(void)state;

	wc_pkt_init(&pkt, buf, sizeof(buf));
	push("IP");
	push("UDP");
	push("Raw");
	wc_layer_set_u(&pkt.l[0], "src", 0xc6120001);
	wc_layer_set_u(&pkt.l[0], "dst", 0xc6120002);
	pkt.l[2].v[0].b = (const uint8_t *)"hello";
	pkt.l[2].v[0].blen = 5;
	pkt.l[2].set = 1;
	assert_int_equal(wc_build(&pkt), 0);
	assert_int_equal(pkt.len, 33);

	uint8_t padded[64];
	memcpy(padded, pkt.buf, pkt.len);
	memset(padded + pkt.len, 0, 4); /* bytes past IP len become Padding */
	assert_int_equal(wc_dissect(&d, padded, pkt.len + 4, wc_proto_find("IP")), 0);
	assert_int_equal(d.nlayers, 4);
	assert_string_equal(d.l[1].proto->name, "UDP");
	assert_string_equal(d.l[2].proto->name, "Raw");
	assert_string_equal(d.l[3].proto->name, "Padding");
	wc_layer_get_u(&d.l[1], "len", &v);
	assert_int_equal(v, 13);
	wc_layer_get_u(&d.l[1], "chksum", &v);
	assert_int_equal(v, pkt.l[1].v[3].u);
	assert_int_equal(d.l[2].v[0].blen, 5);
	assert_int_equal(d.l[3].v[0].blen, 4);
}

/* Truncated TCP header: the bytes are kept as Raw, marked truncated; never read past. */
static void test_truncated(void **state)
{
	struct wc_pkt d;
	(void)state;

	wc_pkt_init(&pkt, buf, sizeof(buf));
	push("IP");
	push("TCP");
	assert_int_equal(wc_build(&pkt), 0);
	for (size_t n = 0; n < pkt.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, pkt.buf, n);
		assert_int_equal(wc_dissect(&d, copy, n, wc_proto_find("IP")), 0);
		if (n > 0 && n < 20)
			assert_int_equal(d.l[0].status, WC_LS_TRUNCATED);
		if (n > 20)
			assert_int_equal(d.l[1].status, WC_LS_TRUNCATED);
		free(copy);
	}
}

/* A field the user set is never recomputed: chksum=0, len=1000 go out as given. */
static void test_user_set_kept(void **state)
{
	uint64_t v;
	(void)state;

	wc_pkt_init(&pkt, buf, sizeof(buf));
	push("IP");
	wc_layer_set_u(&pkt.l[0], "chksum", 0);
	wc_layer_set_u(&pkt.l[0], "len", 1000);
	assert_int_equal(wc_build(&pkt), 0);
	assert_int_equal(pkt.buf[2] << 8 | pkt.buf[3], 1000);
	assert_int_equal(pkt.buf[10] | pkt.buf[11], 0);
	wc_layer_get_u(&pkt.l[0], "ihl", &v);
	assert_int_equal(v, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_ip_tcp),
		cmocka_unit_test(test_udp_roundtrip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_user_set_kept),
	};
	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
