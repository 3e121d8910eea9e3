/* The probe cookie and the reply-steering program without a network.
 *
 * Userspace half (always): bpf/cookie.h's SipHash-2-4 against the reference algorithm's
 * outputs (key 00..0f, message 00..., as in the SipHash paper's vectors), expected-reply keys
 * that are the same from both directions, the UDP port range and the TCP ack window.
 *
 * Kernel half (root; skipped otherwise): bpf/steer.bpf.c loaded through wc_steer_open and run
 * on crafted frames with BPF_PROG_TEST_RUN. Which per-CPU counter moves says how each frame
 * was judged. No AF_XDP socket is in the XSKMAP, so a frame judged ours shows up as
 * "no-socket" and is passed (the redirect's fallback): that is the "ours" verdict here. Frames
 * are built by wirecraft from Scapy expressions; cookies are computed with bpf/cookie.h, the
 * code userspace uses to write them into probes. */
#include <errno.h>
#include <linux/bpf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <cmocka.h>

#include "../../bpf/cookie.h"
#include "wirecraft/pkt.h"
#include "wirecraft/set.h"
#include "wirecraft/steer.h"

/* ---- userspace ----------------------------------------------------------------------------- */

static const __u64 K0 = 0x0706050403020100ULL, K1 = 0x0f0e0d0c0b0a0908ULL;

static void test_siphash_vectors(void **state)
{
	__u64 m[5];

	(void)state;
	for (int i = 0; i < 5; i++) /* bytes 00 01 02 ... as little-endian words */
		m[i] = 0x0706050403020100ULL + 0x0808080808080808ULL * (__u64)i;
	assert_int_equal(wc_siphash24(m, 1, K0, K1), 0x93f5f5799a932462ULL);
	assert_int_equal(wc_siphash24(m, 2, K0, K1), 0x3f2acc7f57c29bdbULL);
	assert_int_equal(wc_siphash24(m, 5, K0, K1), 0x0e3ea96b5304a7d0ULL);
}

static void test_cookie_inputs(void **state)
{
	struct wc_cookie_key k = {K0, K1};
	__u32 a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};
	__u64 c = wc_cookie4(&k, 1, 2, 6, 20, 80);

	(void)state;
	/* every input counts, and the key too */
	assert_int_not_equal(c, wc_cookie4(&k, 2, 1, 6, 20, 80));
	assert_int_not_equal(c, wc_cookie4(&k, 1, 2, 17, 20, 80));
	assert_int_not_equal(c, wc_cookie4(&k, 1, 2, 6, 21, 80));
	assert_int_not_equal(c, wc_cookie4(&k, 1, 2, 6, 20, 81));
	k.k1 ^= 1;
	assert_int_not_equal(c, wc_cookie4(&k, 1, 2, 6, 20, 80));
	assert_int_not_equal(wc_cookie6(&k, a, b, 6, 1, 2), wc_cookie6(&k, b, a, 6, 1, 2));
}

static void test_key_direction_free(void **state)
{
	__u32 x[4] = {0x010012c6, 0, 0, 0}, y[4] = {0x010113c6, 0, 0, 0};
	struct wc_steer_key k1, k2;

	(void)state;
	/* TCP/UDP: ports travel with their addresses */
	wc_steer_key_make(&k1, WC_SK_TCP, 6, 4, x, 20, y, 80);
	wc_steer_key_make(&k2, WC_SK_TCP, 6, 4, y, 80, x, 20);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	wc_steer_key_make(&k2, WC_SK_TCP, 6, 4, y, 20, x, 80);
	assert_memory_not_equal(&k1, &k2, sizeof(k1));
	/* the same addresses: the ports decide the order */
	wc_steer_key_make(&k1, WC_SK_UDP, 17, 4, x, 53, x, 9);
	wc_steer_key_make(&k2, WC_SK_UDP, 17, 4, x, 9, x, 53);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	/* ICMP: id and seq stay where they are, whichever way */
	wc_steer_key_make(&k1, WC_SK_ICMP, 1, 4, x, 7, y, 9);
	wc_steer_key_make(&k2, WC_SK_ICMP, 1, 4, y, 7, x, 9);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	assert_int_equal(k1.pa, 7);
	assert_int_equal(k1.pb, 9);
}

static void test_sport_and_ack_window(void **state)
{
	unsigned hits[8] = {0};

	(void)state;
	for (__u32 c = 0; c < 1u << 16; c++) {
		__u16 p = wc_cookie_sport(c * 65537u, 32768, 32768);

		assert_true(p >= 32768);
		hits[(p - 32768) >> 12]++;
	}
	for (int i = 0; i < 8; i++) /* spread over the whole range */
		assert_true(hits[i] > 6000 && hits[i] < 10500);
	assert_int_equal(wc_cookie_sport(0xffffffffu, 1000, 1), 1000);
	assert_int_equal(wc_cookie_sport(0xffffffffu, 0, 65536), 65535);
	/* ack = seq + 1 for a SYN; Scapy's slack of 2; a payload widens it */
	assert_true(wc_cookie_ack_ok(101, 100, 0));
	assert_true(wc_cookie_ack_ok(100, 100, 0));
	assert_true(wc_cookie_ack_ok(102, 100, 0));
	assert_false(wc_cookie_ack_ok(103, 100, 0));
	assert_false(wc_cookie_ack_ok(99, 100, 0));
	assert_true(wc_cookie_ack_ok(110, 100, 8));
	assert_true(wc_cookie_ack_ok(1, 0xffffffffu, 0)); /* across the wrap */
}

/* ---- the BPF program ------------------------------------------------------------------------ */

#define OUR4 "198.18.0.1"
#define THEIR4 "198.19.1.1"
#define OUR6 "2001:db8::1"
#define THEIR6 "2001:db8:1::1"

struct bpf_ctx {
	struct wc_steer *s;
	struct wc_cookie_key k;
	__u32 o4, t4, o6[4], t6[4];
};

static int setup_bpf(void **state)
{
	struct bpf_ctx *c = calloc(1, sizeof(*c));
	struct wc_steer_opts o = {
		.sz = sizeof(o),
		.flags = WC_SF_TCP_SEQ | WC_SF_TCP_ACK | WC_SF_UDP | WC_SF_ICMP | WC_SF_ICMP6 |
			 WC_SF_MAP,
		.key = {0x1122334455667788ULL, 0x99aabbccddeeff00ULL},
		.sport_lo = 32768,
		.sport_n = 32768,
		.map_entries = 64,
	};

	assert_non_null(c);
	c->k.k0 = o.key[0];
	c->k.k1 = o.key[1];
	inet_pton(AF_INET, OUR4, &c->o4);
	inet_pton(AF_INET, THEIR4, &c->t4);
	inet_pton(AF_INET6, OUR6, c->o6);
	inet_pton(AF_INET6, THEIR6, c->t6);
	if (geteuid() != 0 || wc_steer_open(&c->s, &o) < 0)
		c->s = NULL;
	*state = c;
	return 0;
}

static int teardown_bpf(void **state)
{
	struct bpf_ctx *c = *state;

	wc_steer_close(c->s);
	free(c);
	return 0;
}

/* Build the first packet of expression `e` (printf style) into buf. */
static size_t frame(uint8_t *buf, size_t cap, const char *fmt, ...)
{
	char e[1024];
	struct wc_set *s;
	struct wc_iter *it;
	struct wc_err err;
	static struct wc_pkt p;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e, sizeof(e), fmt, ap);
	va_end(ap);
	if (wc_set_parse(e, &s, &err) < 0)
		fail_msg("%s: col %d: %s", e, err.col, err.msg);
	assert_int_equal(wc_iter_new(s, &it), 0);
	p.buf = buf;
	p.cap = cap;
	assert_int_equal(wc_iter_next(it, &p), 0);
	wc_iter_free(it);
	wc_set_free(s);
	return p.len;
}

/* Run the program on the frame; returns the counter that moved, *ret its XDP verdict. */
static int judge(struct bpf_ctx *c, const uint8_t *f, size_t n, int *ret)
{
	uint64_t before[WC_SC__MAX], after[WC_SC__MAX];
	uint8_t out[2048];
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = f, .data_size_in = (uint32_t)n,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);
	int moved = -1;

	assert_int_equal(wc_steer_counters(c->s, before), 0);
	assert_int_equal(bpf_prog_test_run_opts(wc_steer_prog_fd(c->s), &t), 0);
	assert_int_equal(wc_steer_counters(c->s, after), 0);
	for (int i = 0; i < WC_SC__MAX; i++)
		if (after[i] != before[i]) {
			assert_int_equal(moved, -1); /* exactly one */
			moved = i;
		}
	*ret = (int)t.retval;
	return moved;
}

#define EXPECT(c, want, fmt, ...)                                                          \
	do {                                                                               \
		uint8_t b_[2048];                                                          \
		size_t n_ = frame(b_, sizeof(b_), fmt, __VA_ARGS__);                       \
		int r_, v_ = judge(c, b_, n_, &r_);                                        \
		if (v_ != (want))                                                          \
			fail_msg("%s: judged %s, want %s", fmt, wc_steer_counter_name(v_), \
				 wc_steer_counter_name(want));                             \
		assert_int_equal(r_, (want) == WC_SC_DROP_IPCSUM ? XDP_DROP : XDP_PASS);   \
	} while (0)

/* "ours" without a socket to go to */
#define OURS WC_SC_NO_SOCKET

static __u32 c4(struct bpf_ctx *c, __u8 proto, __u16 sp, __u16 dp)
{
	return wc_cookie32(wc_cookie4(&c->k, c->o4, c->t4, proto, sp, dp));
}

static __u32 c6(struct bpf_ctx *c, __u8 proto, __u16 sp, __u16 dp)
{
	return wc_cookie32(wc_cookie6(&c->k, c->o6, c->t6, proto, sp, dp));
}

#define R4 "Ether()/IP(src=\"" THEIR4 "\", dst=\"" OUR4 "\")"
#define R6 "Ether()/IPv6(src=\"" THEIR6 "\", dst=\"" OUR6 "\")"
#define Q4 "IP(src=\"" OUR4 "\", dst=\"" THEIR4 "\")"
#define Q6 "IPv6(src=\"" OUR6 "\", dst=\"" THEIR6 "\")"

static void test_bpf_tcp(void **state)
{
	struct bpf_ctx *c = *state;
	__u32 k;

	if (!c->s)
		skip();
	k = c4(c, 6, 20, 80);
	EXPECT(c, OURS, R4 "/TCP(sport=80, dport=20, flags=\"SA\", ack=%u)", k + 1);
	EXPECT(c, OURS, R4 "/TCP(sport=80, dport=20, flags=\"RA\", ack=%u)", k + 1);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/TCP(sport=80, dport=20, flags=\"SA\", ack=%u)", k + 3);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/TCP(sport=81, dport=20, flags=\"SA\", ack=%u)", k + 1);
	/* no ACK flag: the ack field means nothing */
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/TCP(sport=80, dport=20, flags=\"S\", ack=%u)", k + 1);
	/* an ACK probe's cookie comes back as the RST's seq */
	EXPECT(c, OURS, R4 "/TCP(sport=80, dport=20, flags=\"R\", seq=%u)", k);
	/* VLAN tags, IPv4 options */
	EXPECT(c, OURS, "Ether()/Dot1Q(vlan=7)/IP(src=\"%s\", dst=\"%s\")/TCP(sport=80, dport=20, "
			"flags=\"SA\", ack=%u)", THEIR4, OUR4, k + 1);
	EXPECT(c, OURS, "Ether()/Dot1AD(vlan=5)/Dot1Q(vlan=7)/IP(src=\"%s\", dst=\"%s\")/TCP(sport=80, "
			"dport=20, flags=\"SA\", ack=%u)", THEIR4, OUR4, k + 1);
	EXPECT(c, OURS, "Ether()/IP(src=\"%s\", dst=\"%s\", options=b\"\\x01\\x01\\x01\\x00\")/TCP(sport=80, "
			"dport=20, flags=\"SA\", ack=%u)", THEIR4, OUR4, k + 1);
	/* ours, but the IPv4 header is damaged: dropped */
	EXPECT(c, WC_SC_DROP_IPCSUM, "Ether()/IP(src=\"%s\", dst=\"%s\", chksum=4660)/TCP(sport=80, "
				     "dport=20, flags=\"SA\", ack=%u)", THEIR4, OUR4, k + 1);
	/* IPv6 through extension headers */
	k = c6(c, 6, 20, 80);
	EXPECT(c, OURS, R6 "/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/TCP(sport=80, dport=20, "
			"flags=\"SA\", ack=%u)", k + 1);
	EXPECT(c, WC_SC_BAD_COOKIE, R6 "/TCP(sport=80, dport=20, flags=\"SA\", ack=%u)", k - 1);
}

static void test_bpf_icmp_errors(void **state)
{
	struct bpf_ctx *c = *state;
	__u32 k;
	__u16 sp;

	if (!c->s)
		skip();
	/* the quoted probe: TCP seq, UDP source port, echo id/seq */
	k = c4(c, 6, 20, 80);
	EXPECT(c, OURS, R4 "/ICMP(type=3, code=3)/" Q4 "/TCP(sport=20, dport=80, seq=%u)", k);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/ICMP(type=11)/" Q4 "/TCP(sport=20, dport=80, seq=%u)", k + 1);
	sp = wc_cookie_sport(c4(c, 17, 0, 53), 32768, 32768);
	EXPECT(c, OURS, R4 "/ICMP(type=3, code=3)/" Q4 "/UDP(sport=%u, dport=53)", sp);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/ICMP(type=3, code=3)/" Q4 "/UDP(sport=%u, dport=54)", sp);
	k = c4(c, 1, 0, 0);
	EXPECT(c, OURS, R4 "/ICMP(type=11)/" Q4 "/ICMP(id=%u, seq=%u)", k >> 16, k & 0xffff);
	/* quoted IPv4 options */
	k = c4(c, 6, 20, 80);
	EXPECT(c, OURS, R4 "/ICMP(type=3, code=3)/IP(src=\"%s\", dst=\"%s\", options=b\"\\x01\\x01\\x01\\x00\")"
			"/TCP(sport=20, dport=80, seq=%u)", OUR4, THEIR4, k);
	/* IPv6, the quote with an extension header */
	sp = wc_cookie_sport(c6(c, 17, 0, 53), 32768, 32768);
	EXPECT(c, OURS, R6 "/ICMPv6DestUnreach(code=4)/" Q6 "/IPv6ExtHdrDestOpt()/UDP(sport=%u, dport=53)", sp);
	EXPECT(c, WC_SC_BAD_COOKIE, R6 "/ICMPv6TimeExceeded()/" Q6 "/UDP(sport=%u, dport=53)", sp ^ 1);
}

static void test_bpf_udp_icmp(void **state)
{
	struct bpf_ctx *c = *state;
	__u32 k;
	__u16 sp;

	if (!c->s)
		skip();
	sp = wc_cookie_sport(c4(c, 17, 0, 53), 32768, 32768);
	EXPECT(c, OURS, R4 "/UDP(sport=53, dport=%u)", sp);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/UDP(sport=53, dport=%u)", sp == 65535 ? 32768 : sp + 1);
	EXPECT(c, WC_SC_NO_ENTRY, R4 "/UDP(sport=53, dport=%u)", 1000); /* outside the range */
	k = c4(c, 1, 0, 0);
	EXPECT(c, OURS, R4 "/ICMP(type=0, id=%u, seq=%u)", k >> 16, k & 0xffff);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/ICMP(type=0, id=%u, seq=%u)", k >> 16, (k + 1) & 0xffff);
	k = c6(c, 58, 0, 0);
	EXPECT(c, OURS, R6 "/ICMPv6EchoReply(id=%u, seq=%u)", k >> 16, k & 0xffff);
	/* what is not an answer to anything passes: fragments, others' traffic, broken frames */
	EXPECT(c, WC_SC_FRAGMENT, "Ether()/IP(src=\"%s\", dst=\"%s\", frag=5)/Raw(load=b\"x\")", THEIR4,
	       OUR4);
	EXPECT(c, WC_SC_PASS, "Ether()/ARP(op=%d)", 1);
	EXPECT(c, WC_SC_MALFORMED, "Ether(type=0x800)/Raw(load=b\"%s\")", "\\x45\\x00");
}

static void test_bpf_map(void **state)
{
	struct bpf_ctx *c = *state;
	struct wc_steer_key keys[3];
	__u32 t6[4] = {0};

	if (!c->s)
		skip();
	/* ARP who-has THEIR4 from OUR4; NS for THEIR6; a TCP probe with a pinned seq */
	wc_steer_key_make(&keys[0], WC_SK_ARP, 0, 4, (__u32[4]){c->o4}, 0, (__u32[4]){c->t4}, 0);
	wc_steer_key_make(&keys[1], WC_SK_ND, 0, 6, c->t6, 0, t6, 0);
	wc_steer_key_make(&keys[2], WC_SK_TCP, 6, 4, (__u32[4]){c->o4}, 1234, (__u32[4]){c->t4}, 443);
	assert_int_equal(wc_steer_expect(c->s, keys, 3), 0);
	EXPECT(c, OURS, "Ether()/ARP(op=2, psrc=\"%s\", pdst=\"%s\")", THEIR4, OUR4);
	EXPECT(c, WC_SC_NO_ENTRY, "Ether()/ARP(op=2, psrc=\"%s\", pdst=\"%s\")", "198.19.1.2", OUR4);
	EXPECT(c, OURS, R6 "/ICMPv6ND_NA(tgt=\"%s\")", THEIR6);
	EXPECT(c, WC_SC_NO_ENTRY, R6 "/ICMPv6ND_NA(tgt=\"%s\")", "2001:db8:1::2");
	/* the map knows addresses and ports; the ack is the matcher's business */
	EXPECT(c, OURS, R4 "/TCP(sport=443, dport=1234, flags=\"SA\", ack=%u)", 5);
	EXPECT(c, WC_SC_BAD_COOKIE, R4 "/TCP(sport=443, dport=1235, flags=\"SA\", ack=%u)", 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_cookie_inputs),
		cmocka_unit_test(test_key_direction_free),
		cmocka_unit_test(test_sport_and_ack_window),
		cmocka_unit_test(test_bpf_tcp),
		cmocka_unit_test(test_bpf_icmp_errors),
		cmocka_unit_test(test_bpf_udp_icmp),
		cmocka_unit_test(test_bpf_map),
	};

	return cmocka_run_group_tests(tests, setup_bpf, teardown_bpf);
}
