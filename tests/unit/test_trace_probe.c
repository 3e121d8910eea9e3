/* Tracing probes (wc_probe_opts.trace): for every kind, family and a spread of TTLs, the probe
 * has valid checksums and the TTL in its IP header; its flow (ports, and for ICMP the
 * checksum) is the same for every TTL of a target (Paris traceroute); a router's time
 * exceeded quoting it and the target's own answer (RST, echo reply, port unreachable) both
 * give back the target and the TTL; a quote whose cookie bits are wrong is refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "wirecraft/probe.h"

static const uint8_t TTLS[] = {1, 2, 5, 17, 64, 200, 255};

static struct wc_ipaddr addr(const char *s)
{
	struct wc_ipaddr a = {0};

	if (inet_pton(AF_INET, s, a.a) == 1)
		a.family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, s, a.a), 1);
		a.family = AF_INET6;
	}
	return a;
}

static struct wc_probe *mk(enum wc_probe_kind k, uint16_t dport)
{
	struct wc_probe_opts o = {
		.sz = sizeof(o), .kind = k, .src_mac = 0x0a0000000001ull,
		.dst_mac = 0x0a0000000002ull, .has_src4 = true, .has_src6 = true,
		.src4 = {198, 18, 0, 1}, .src6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .sport = 61000,
		.key = {0x0123456789abcdefull, 0xfedcba9876543210ull}, .trace = true,
		.trace_dport = dport,
	};
	struct wc_probe *p;
	char why[160] = "";
	int err = wc_probe_new(&o, &p, why);

	if (err)
		fprintf(stderr, "probe: %s\n", why);
	assert_int_equal(err, 0);
	return p;
}

static uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)rd16(b) << 16 | rd16(b + 2);
}

static void wr16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static uint32_t sum(uint32_t s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(b + i);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Checksums verified independently; returns the L4 offset. */
static size_t check_frame(const uint8_t *f, size_t len, int fam)
{
	size_t l4 = fam == 4 ? 34 : 54;
	uint32_t s = 0, l4len = (uint32_t)(len - l4);
	uint8_t proto = fam == 4 ? f[23] : f[20];

	if (fam == 4) {
		assert_int_equal(fold(sum(0, f + 14, 20)), 0xffff);
		if (proto != IPPROTO_ICMP)
			s = sum(s, f + 26, 8) + proto + l4len;
	} else {
		s = sum(s, f + 22, 32) + proto + l4len;
	}
	assert_int_equal(fold(sum(s, f + l4, l4len)), 0xffff);
	return l4;
}

struct frame {
	uint8_t b[256];
	size_t len;
};

/* Ether + IP/IPv6 from `from` to `to`, protocol proto, l4len bytes to follow. */
static uint8_t *reply_hdr(struct frame *fr, const struct wc_ipaddr *from, const struct wc_ipaddr *to,
			  uint8_t proto, size_t l4len)
{
	uint8_t *b = fr->b;

	memset(fr, 0, sizeof(*fr));
	memcpy(b, "\x0a\x00\x00\x00\x00\x01\x0a\x00\x00\x00\x00\x02", 12);
	if (from->family == AF_INET) {
		b[12] = 0x08;
		b[14] = 0x45;
		wr16(b + 16, (uint16_t)(20 + l4len));
		b[22] = 60;
		b[23] = proto;
		memcpy(b + 26, from->a, 4);
		memcpy(b + 30, to->a, 4);
		fr->len = 34 + l4len;
		return b + 34;
	}
	b[12] = 0x86, b[13] = 0xdd;
	b[14] = 0x60;
	wr16(b + 18, (uint16_t)l4len);
	b[20] = proto;
	b[21] = 60;
	memcpy(b + 22, from->a, 16);
	memcpy(b + 38, to->a, 16);
	fr->len = 54 + l4len;
	return b + 54;
}

/* A router's time exceeded quoting the probe (its IP header and 8 bytes). */
static void time_exceeded(struct frame *fr, const uint8_t *probe, int fam,
			  const struct wc_ipaddr *router, const struct wc_ipaddr *us)
{
	size_t ql = (fam == 4 ? 20 : 40) + 8;
	uint8_t *ic = reply_hdr(fr, router, us, fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, 8 + ql);

	ic[0] = fam == 4 ? 11 : 3;
	memcpy(ic + 8, probe + 14, ql);
	if (fam == 4)
		ic[8 + 8] = 1; /* the quoted TTL, as the router saw it: not what carries ours */
	else
		ic[8 + 7] = 1;
}

static void run(enum wc_probe_kind kind, uint16_t dport)
{
	struct wc_probe *p = mk(kind, dport);

	assert_int_equal(wc_probe_trace_mask(p), WC_PROBE_TRACE_MASK);
	for (int fam = 4; fam <= 6; fam += 2) {
		struct wc_ipaddr dst = addr(fam == 4 ? "198.18.16.9" : "2001:db8:f::9");
		struct wc_ipaddr us = addr(fam == 4 ? "198.18.0.1" : "2001:db8::1");
		struct wc_ipaddr router = addr(fam == 4 ? "198.18.100.2" : "2001:db8:100::2");
		uint8_t f[256];
		uint32_t flow0 = 0;
		uint16_t ick0 = 0;

		for (size_t i = 0; i < sizeof(TTLS); i++) {
			uint8_t ttl = TTLS[i];
			int len = wc_probe_make(p, &dst, ttl, f, sizeof(f));
			size_t l4;
			struct frame fr;
			struct wc_probe_reply r;

			assert_true(len > 0);
			l4 = check_frame(f, (size_t)len, fam);
			assert_int_equal(f[fam == 4 ? 22 : 21], ttl);
			if (kind != WC_PROBE_ICMP_ECHO) {
				/* the ports: the same for every TTL */
				assert_int_equal(rd16(f + l4 + 2), dport);
				if (!i)
					flow0 = rd32(f + l4);
				assert_int_equal(rd32(f + l4), flow0);
			} else {
				/* the type, id and checksum: the same for every TTL */
				assert_int_equal(f[l4], fam == 4 ? 8 : 128);
				if (!i) {
					flow0 = rd16(f + l4 + 4);
					ick0 = rd16(f + l4 + 2);
				}
				assert_int_equal(rd16(f + l4 + 4), flow0);
				assert_int_equal(rd16(f + l4 + 2), ick0);
			}
			/* a router's time exceeded */
			time_exceeded(&fr, f, fam, &router, &us);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			assert_string_equal(r.classification, "ttl-exceeded");
			assert_int_equal(r.tport, ttl);
			assert_memory_equal(r.target.a, dst.a, fam == 4 ? 4 : 16);
			assert_memory_equal(r.saddr.a, router.a, fam == 4 ? 4 : 16);
			/* a cookie bit off: not ours */
			{
				/* byte 6 of the quoted L4 header: above the TTL's in the TCP seq,
				 * the echo seq and the UDP checksum alike */
				size_t q4 = (fam == 4 ? 34 + 8 + 20 : 54 + 8 + 40);

				fr.b[q4 + 6] ^= 0x01;
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			}
			/* the target's own answer */
			if (kind == WC_PROBE_TCP_SYN) {
				uint8_t *t = reply_hdr(&fr, &dst, &us, IPPROTO_TCP, 20);

				memcpy(t, f + l4 + 2, 2);
				memcpy(t + 2, f + l4, 2);
				wr16(t + 8, (uint16_t)((rd32(f + l4 + 4) + 1) >> 16));
				wr16(t + 10, (uint16_t)(rd32(f + l4 + 4) + 1));
				t[12] = 0x50;
				t[13] = 0x14; /* RST, ACK */
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
				assert_string_equal(r.classification, "rst");
			} else if (kind == WC_PROBE_ICMP_ECHO) {
				uint8_t *ic = reply_hdr(&fr, &dst, &us, fam == 4 ? IPPROTO_ICMP
										 : IPPROTO_ICMPV6, 10);

				ic[0] = fam == 4 ? 0 : 129;
				memcpy(ic + 4, f + l4 + 4, 6);
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
				assert_string_equal(r.classification, "echo-reply");
			} else {
				time_exceeded(&fr, f, fam, &dst, &us);
				fr.b[fam == 4 ? 34 : 54] = fam == 4 ? 3 : 1;
				fr.b[fam == 4 ? 35 : 55] = fam == 4 ? 3 : 4;
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
				assert_string_equal(r.classification, "port-unreach");
			}
			assert_int_equal(r.tport, ttl);
			assert_memory_equal(r.target.a, dst.a, fam == 4 ? 4 : 16);
		}
		assert_int_equal(wc_probe_make(p, &dst, 0, f, sizeof(f)), -ERANGE);
		assert_int_equal(wc_probe_make(p, &dst, 256, f, sizeof(f)), -ERANGE);
	}
	wc_probe_free(p);
}

static void test_tcp_syn(void **state)
{
	(void)state;
	run(WC_PROBE_TCP_SYN, 80);
}

static void test_udp(void **state)
{
	(void)state;
	run(WC_PROBE_UDP, 33434);
}

static void test_icmp(void **state)
{
	(void)state;
	run(WC_PROBE_ICMP_ECHO, 0);
}

static void test_refused(void **state)
{
	struct wc_probe_opts o = {.sz = sizeof(o), .kind = WC_PROBE_TCP_ACK, .has_src4 = true,
				  .src4 = {198, 18, 0, 1}, .trace = true};
	struct wc_probe *p = NULL;
	char why[160] = "";

	(void)state;
	assert_int_equal(wc_probe_new(&o, &p, why), -EINVAL);
	assert_non_null(strstr(why, "tcp-syn, udp or icmp-echo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn), cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp), cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
