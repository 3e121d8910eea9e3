/* Scan probes: every probe kind and family built with valid checksums and the cookie where
 * its answer hands it back; answers forged by hand (SYN-ACK, RST, echo reply, UDP, ICMP
 * errors quoting the probe) recognised and classified, forgeries and other runs' answers
 * refused, every truncation of an answer read safely; UDP payload files. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "../bpf/cookie.h"
#include "wirecraft/probe.h"
#include "wirecraft/steer.h"

static const uint64_t KEY[2] = {0x0123456789abcdefull, 0xfedcba9876543210ull};

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

static struct wc_probe *mk(enum wc_probe_kind k, enum wc_tcp_preset pre, const char *expr,
			   const struct wc_udp_payloads *u)
{
	struct wc_probe_opts o = {
		.sz = sizeof(o), .kind = k, .preset = pre, .expr = expr, .payloads = u,
		.src_mac = 0x0a0000000001ull, .dst_mac = 0x0a0000000002ull,
		.has_src4 = true, .has_src6 = true, .src4 = {198, 18, 0, 1},
		.src6 = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .sport = 61234,
		.key = {KEY[0], KEY[1]},
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

/* Verify a probe's checksums independently; returns its L4 offset and protocol. */
static size_t check_frame(const uint8_t *f, size_t len, uint8_t *proto)
{
	size_t l3 = 14, l4;
	uint32_t s = 0, l4len;

	assert_true(len >= 34);
	if (rd16(f + 12) == 0x0800) {
		size_t ihl = (f[l3] & 15) * 4u;

		assert_int_equal(rd16(f + l3 + 2), len - l3);
		assert_int_equal(fold(sum(0, f + l3, ihl)), 0xffff);
		l4 = l3 + ihl;
		*proto = f[l3 + 9];
		l4len = (uint32_t)(len - l4);
		if (*proto != IPPROTO_ICMP) {
			s = sum(s, f + l3 + 12, 8);
			s += *proto + l4len;
		}
	} else {
		assert_int_equal(rd16(f + 12), 0x86dd);
		assert_int_equal(rd16(f + l3 + 4), len - l3 - 40);
		l4 = l3 + 40;
		*proto = f[l3 + 6];
		l4len = (uint32_t)(len - l4);
		s = sum(s, f + l3 + 8, 32);
		s += *proto + l4len;
	}
	s = sum(s, f + l4, l4len);
	assert_int_equal(fold(s), 0xffff);
	return l4;
}

static uint32_t cookie_of(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto,
			  uint16_t sp, uint16_t dp)
{
	struct wc_cookie_key k = {KEY[0], KEY[1]};
	__u32 x[4], y[4];

	if (fam == 4) {
		memcpy(x, src, 4);
		memcpy(y, dst, 4);
		return wc_cookie32(wc_cookie4(&k, x[0], y[0], proto, sp, dp));
	}
	memcpy(x, src, 16);
	memcpy(y, dst, 16);
	return wc_cookie32(wc_cookie6(&k, x, y, proto, sp, dp));
}

/* ---- answers by hand ---- */

struct frame {
	uint8_t b[256];
	size_t len;
};

/* Ether + IP/IPv6 header from `from` to `to`, protocol proto, `l4len` bytes to follow. */
static uint8_t *reply_hdr(struct frame *fr, const struct wc_ipaddr *from, const struct wc_ipaddr *to,
			  uint8_t proto, size_t l4len)
{
	uint8_t *b = fr->b;

	memset(fr, 0, sizeof(*fr));
	memcpy(b, "\x0a\x00\x00\x00\x00\x01\x0a\x00\x00\x00\x00\x02", 12);
	if (from->family == AF_INET) {
		b[12] = 0x08, b[13] = 0x00;
		b[14] = 0x45;
		b[16] = (uint8_t)((20 + l4len) >> 8), b[17] = (uint8_t)(20 + l4len);
		b[18] = 0x12, b[19] = 0x34;
		b[22] = 57;
		b[23] = proto;
		memcpy(b + 26, from->a, 4);
		memcpy(b + 30, to->a, 4);
		fr->len = 34 + l4len;
		return b + 34;
	}
	b[12] = 0x86, b[13] = 0xdd;
	b[14] = 0x60;
	b[18] = (uint8_t)(l4len >> 8), b[19] = (uint8_t)l4len;
	b[20] = proto;
	b[21] = 50;
	memcpy(b + 22, from->a, 16);
	memcpy(b + 38, to->a, 16);
	fr->len = 54 + l4len;
	return b + 54;
}

static void wr16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void wr32(uint8_t *b, uint32_t v)
{
	wr16(b, (uint16_t)(v >> 16));
	wr16(b + 2, (uint16_t)v);
}

static void tcp_reply(struct frame *fr, const struct wc_ipaddr *them, const struct wc_ipaddr *us,
		      uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t *t = reply_hdr(fr, them, us, IPPROTO_TCP, 20);

	wr16(t, sp);
	wr16(t + 2, dp);
	wr32(t + 4, seq);
	wr32(t + 8, ack);
	t[12] = 0x50;
	t[13] = flags;
	wr16(t + 14, 29200);
}

/* Every prefix of the frame: read safely (ASan watches), and only the whole is an answer. */
static void truncations(const struct wc_probe *p, const struct frame *fr)
{
	struct wc_probe_reply r;

	for (size_t n = 0; n < fr->len; n++) {
		uint8_t *cut = malloc(n ? n : 1);

		memcpy(cut, fr->b, n);
		assert_int_equal(wc_probe_classify(p, cut, n, &r), -ENOENT);
		free(cut);
	}
}

static void test_tcp_syn(void **state)
{
	static const char *const dsts[] = {"198.18.3.4", "2001:db8::3:4"};

	(void)state;
	for (int pre = WC_TCP_LINUX; pre <= WC_TCP_NONE; pre++) {
		struct wc_probe *p = mk(WC_PROBE_TCP_SYN, pre, NULL, NULL);

		assert_string_equal(wc_probe_name(p), "tcp-syn");
		assert_true(wc_probe_has_ports(p));
		assert_int_equal(wc_probe_steer_flags(p), WC_SF_TCP_SEQ);
		for (int d = 0; d < 2; d++) {
			struct wc_ipaddr dst = addr(dsts[d]), us;
			int fam = d ? 6 : 4;
			uint8_t f[256], proto;
			struct frame fr;
			struct wc_probe_reply r;
			int len = wc_probe_make(p, &dst, 443, f, sizeof(f));
			size_t l4;
			uint32_t seq;

			assert_true(len > 0);
			l4 = check_frame(f, (size_t)len, &proto);
			assert_int_equal(proto, IPPROTO_TCP);
			assert_memory_equal(f + (fam == 4 ? 30 : 38), dst.a, fam == 4 ? 4 : 16);
			assert_int_equal(rd16(f + l4), 61234);
			assert_int_equal(rd16(f + l4 + 2), 443);
			assert_int_equal(f[l4 + 13], 0x02);
			seq = rd32(f + l4 + 4);
			us = addr(fam == 4 ? "198.18.0.1" : "2001:db8::1");
			assert_int_equal(seq, cookie_of(fam, us.a, dst.a, IPPROTO_TCP, 61234, 443));
			if (pre == WC_TCP_NONE)
				assert_int_equal((f[l4 + 12] >> 4) * 4, 20);
			else
				assert_true((f[l4 + 12] >> 4) * 4 > 20 && f[l4 + 20] == 2); /* MSS first */

			/* SYN-ACK: open */
			tcp_reply(&fr, &dst, &us, 443, 61234, 777, seq + 1, 0x12);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			assert_string_equal(r.classification, "synack");
			assert_true(r.success);
			assert_memory_equal(r.target.a, dst.a, fam == 4 ? 4 : 16);
			assert_int_equal(r.target.family, fam == 4 ? AF_INET : AF_INET6);
			assert_int_equal(r.tport, 443);
			assert_int_equal(r.sport, 443);
			assert_int_equal(r.dport, 61234);
			assert_int_equal(r.window, 29200);
			assert_int_equal(r.ttl, fam == 4 ? 57 : 50);
			truncations(p, &fr);
			/* RST-ACK: closed */
			tcp_reply(&fr, &dst, &us, 443, 61234, 0, seq + 1, 0x14);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			assert_string_equal(r.classification, "rst");
			assert_false(r.success);
			/* not ours: wrong ack, another port pair, another source, no ACK flag */
			tcp_reply(&fr, &dst, &us, 443, 61234, 777, seq + 9, 0x12);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			tcp_reply(&fr, &dst, &us, 444, 61234, 777, seq + 1, 0x12);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			tcp_reply(&fr, &dst, &us, 443, 61235, 777, seq + 1, 0x12);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			{
				struct wc_ipaddr other = addr(fam == 4 ? "198.18.3.5" : "2001:db8::3:5");

				tcp_reply(&fr, &other, &us, 443, 61234, 777, seq + 1, 0x12);
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			}
			tcp_reply(&fr, &dst, &us, 443, 61234, 777, seq + 1, 0x02);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);

			/* an ICMP error quoting the probe: the quote's seq is the cookie */
			{
				uint8_t *ic;
				size_t ql = fam == 4 ? 20 : 40;

				ic = reply_hdr(&fr, &dst, &us, fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
					       8 + ql + 8);
				ic[0] = fam == 4 ? 3 : 1;
				ic[1] = fam == 4 ? 13 : 1;
				memcpy(ic + 8, f + 14, ql + 8);
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
				assert_string_equal(r.classification, "admin-prohib");
				assert_false(r.success);
				assert_int_equal(r.tport, 443);
				assert_memory_equal(r.target.a, dst.a, fam == 4 ? 4 : 16);
				truncations(p, &fr);
				ic[8 + ql + 7] ^= 1; /* another seq */
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			}
		}
		/* another run (another key) never recognises these answers */
		{
			struct wc_probe_opts o = {
				.sz = sizeof(o), .kind = WC_PROBE_TCP_SYN, .has_src4 = true,
				.src4 = {198, 18, 0, 1}, .sport = 61234, .key = {1, 2},
			};
			struct wc_probe *q;
			struct wc_ipaddr dst = addr("198.18.3.4"), us = addr("198.18.0.1");
			uint8_t f[256];
			struct frame fr;
			struct wc_probe_reply r;

			assert_int_equal(wc_probe_new(&o, &q, NULL), 0);
			assert_true(wc_probe_make(p, &dst, 443, f, sizeof(f)) > 0);
			tcp_reply(&fr, &dst, &us, 443, 61234, 1, rd32(f + 34 + 4) + 1, 0x12);
			assert_int_equal(wc_probe_classify(q, fr.b, fr.len, &r), -ENOENT);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			wc_probe_free(q);
		}
		wc_probe_free(p);
	}
}

static void test_tcp_ack(void **state)
{
	struct wc_probe *p = mk(WC_PROBE_TCP_ACK, 0, NULL, NULL);
	struct wc_ipaddr dst = addr("198.18.7.7"), us = addr("198.18.0.1");
	uint8_t f[256], proto;
	struct frame fr;
	struct wc_probe_reply r;
	int len;
	size_t l4;
	uint32_t ack;

	(void)state;
	assert_int_equal(wc_probe_steer_flags(p), WC_SF_TCP_ACK);
	len = wc_probe_make(p, &dst, 80, f, sizeof(f));
	assert_true(len > 0);
	l4 = check_frame(f, (size_t)len, &proto);
	assert_int_equal(f[l4 + 13], 0x10);
	ack = rd32(f + l4 + 8);
	assert_int_equal(ack, cookie_of(4, us.a, dst.a, IPPROTO_TCP, 61234, 80));
	/* the RST takes our ack as its seq */
	tcp_reply(&fr, &dst, &us, 80, 61234, ack, 0, 0x04);
	assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
	assert_string_equal(r.classification, "rst");
	assert_true(r.success);
	tcp_reply(&fr, &dst, &us, 80, 61234, ack + 100, 0, 0x04);
	assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
	wc_probe_free(p);
}

static void test_icmp(void **state)
{
	(void)state;
	for (int fam = 4; fam <= 6; fam += 2) {
		struct wc_probe *p = mk(fam == 4 ? WC_PROBE_ICMP_ECHO : WC_PROBE_ICMP6_ECHO, 0, NULL, NULL);
		struct wc_ipaddr dst = addr(fam == 4 ? "198.18.9.9" : "2001:db8::9:9");
		struct wc_ipaddr us = addr(fam == 4 ? "198.18.0.1" : "2001:db8::1");
		struct wc_ipaddr other = addr(fam == 4 ? "198.18.0.0" : "2001:db8::");
		uint8_t f[256], proto, *ic;
		struct frame fr;
		struct wc_probe_reply r;
		int len;
		size_t l4;
		uint32_t c;

		assert_false(wc_probe_has_ports(p));
		assert_false(wc_probe_family(p, fam == 4 ? AF_INET6 : AF_INET));
		{
			struct wc_ipaddr wrong = {.family = fam == 4 ? AF_INET6 : AF_INET};

			assert_int_equal(wc_probe_make(p, &wrong, 0, f, sizeof(f)), -EAFNOSUPPORT);
		}
		len = wc_probe_make(p, &dst, 0, f, sizeof(f));
		assert_true(len > 0);
		l4 = check_frame(f, (size_t)len, &proto);
		assert_int_equal(proto, fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
		assert_int_equal(f[l4], fam == 4 ? 8 : 128);
		c = rd32(f + l4 + 4);
		assert_int_equal(c, cookie_of(fam, us.a, dst.a, proto, 0, 0));
		ic = reply_hdr(&fr, &dst, &us, proto, 8);
		ic[0] = fam == 4 ? 0 : 129;
		wr32(ic + 4, c);
		assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
		assert_string_equal(r.classification, "echo-reply");
		assert_true(r.success);
		assert_int_equal(r.tport, 0);
		truncations(p, &fr);
		wr32(ic + 4, c + 1);
		assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
		/* an echo reply from someone else, same id/seq: not ours */
		wr32(ic + 4, c);
		memcpy(fr.b + (fam == 4 ? 26 : 22), other.a, fam == 4 ? 4 : 16);
		assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
		/* a router's host unreachable quoting the echo request */
		{
			size_t ql = fam == 4 ? 20 : 40;
			struct wc_ipaddr router = addr(fam == 4 ? "198.18.0.254" : "2001:db8::fe");

			ic = reply_hdr(&fr, &router, &us, proto, 8 + ql + 8);
			ic[0] = fam == 4 ? 3 : 1;
			ic[1] = fam == 4 ? 1 : 3;
			memcpy(ic + 8, f + 14, ql + 8);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			assert_string_equal(r.classification, "host-unreach");
			assert_memory_equal(r.target.a, dst.a, fam == 4 ? 4 : 16);
			assert_memory_equal(r.saddr.a, router.a, fam == 4 ? 4 : 16);
		}
		wc_probe_free(p);
	}
}

static void test_udp(void **state)
{
	char path[] = "/tmp/wc-udp-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	struct wc_udp_payloads *u;
	unsigned line;
	const uint8_t *b;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs("# payloads\n53 12 34 01 00 00 01 00 00 00 00 00 00  # a DNS header\n"
	      "123,1000-1001 \"\\xe3\\x00ab\\n\"\ndefault \"hello\"\n7\n", fp);
	fclose(fp);
	assert_int_equal(wc_udp_payloads_load(path, &u, &line), 0);
	b = wc_udp_payload(u, 53, &n);
	assert_int_equal(n, 12);
	assert_memory_equal(b, "\x12\x34\x01\x00\x00\x01", 6);
	b = wc_udp_payload(u, 1001, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(b, "\xe3\x00" "ab\n", 5);
	b = wc_udp_payload(u, 9999, &n);
	assert_int_equal(n, 5);
	assert_memory_equal(b, "hello", 5);
	wc_udp_payload(u, 7, &n);
	assert_int_equal(n, 0);

	struct wc_probe *p = mk(WC_PROBE_UDP, 0, NULL, u);

	assert_int_equal(wc_probe_steer_flags(p), WC_SF_UDP);
	for (int fam = 4; fam <= 6; fam += 2) {
		static const uint16_t ports[] = {53, 123, 9999, 7};
		static const size_t plen[] = {12, 5, 5, 0};

		for (int i = 0; i < 4; i++) {
			struct wc_ipaddr dst = addr(fam == 4 ? "198.18.5.5" : "2001:db8::5:5");
			struct wc_ipaddr us = addr(fam == 4 ? "198.18.0.1" : "2001:db8::1");
			uint8_t f[256], proto, *ud;
			struct frame fr;
			struct wc_probe_reply r;
			int len = wc_probe_make(p, &dst, ports[i], f, sizeof(f));
			size_t l4;
			uint16_t sp;

			assert_true(len > 0);
			l4 = check_frame(f, (size_t)len, &proto);
			assert_int_equal(proto, IPPROTO_UDP);
			assert_int_equal(len - l4 - 8, plen[i]);
			assert_int_equal(rd16(f + l4 + 2), ports[i]);
			sp = rd16(f + l4);
			assert_int_equal(sp, wc_cookie_sport(cookie_of(fam, us.a, dst.a, IPPROTO_UDP, 0,
								       ports[i]),
							     wc_probe_sport_lo(p), wc_probe_sport_n(p)));
			/* a UDP answer */
			ud = reply_hdr(&fr, &dst, &us, IPPROTO_UDP, 8);
			wr16(ud, ports[i]);
			wr16(ud + 2, sp);
			wr16(ud + 4, 8);
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
			assert_string_equal(r.classification, "udp");
			assert_true(r.success);
			assert_int_equal(r.tport, ports[i]);
			wr16(ud + 2, (uint16_t)(sp + 1));
			assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), -ENOENT);
			/* port unreachable from the target */
			{
				size_t ql = fam == 4 ? 20 : 40;
				uint8_t *ic = reply_hdr(&fr, &dst, &us,
							fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
							8 + ql + 8);

				ic[0] = fam == 4 ? 3 : 1;
				ic[1] = fam == 4 ? 3 : 4;
				memcpy(ic + 8, f + 14, ql + 8);
				assert_int_equal(wc_probe_classify(p, fr.b, fr.len, &r), 0);
				assert_string_equal(r.classification, "port-unreach");
				assert_false(r.success);
				assert_int_equal(r.tport, ports[i]);
				truncations(p, &fr);
			}
		}
	}
	wc_probe_free(p);
	wc_udp_payloads_free(u);

	fp = fopen(path, "w");
	fputs("53 12 3\n", fp);
	fclose(fp);
	assert_int_equal(wc_udp_payloads_load(path, &u, &line), -EINVAL);
	assert_int_equal(line, 1);
	fp = fopen(path, "w");
	fputs("# ok\n53 \"unterminated\n", fp);
	fclose(fp);
	assert_int_equal(wc_udp_payloads_load(path, &u, &line), -EINVAL);
	assert_int_equal(line, 2);
	unlink(path);
	assert_int_equal(wc_udp_payloads_load(path, &u, &line), -ENOENT);
}

static void test_expr(void **state)
{
	struct wc_probe *p;
	struct wc_probe_opts o = {
		.sz = sizeof(o), .kind = WC_PROBE_EXPR, .has_src4 = true, .src4 = {198, 18, 0, 1},
		.key = {KEY[0], KEY[1]},
	};
	struct wc_ipaddr dst = addr("198.18.1.1");
	uint8_t f[256], proto;
	char why[160];
	int len;
	size_t l4;

	(void)state;
	/* a DNS query: the cookie in the source port, the payload kept */
	o.expr = "IP(ttl=99)/UDP(dport=53)/b\"\\x12\\x34\\x01\\x00\\x00\\x01\"";
	assert_int_equal(wc_probe_new(&o, &p, why), 0);
	assert_int_equal(wc_probe_expr_port(p), 53);
	assert_true(wc_probe_has_ports(p));
	len = wc_probe_make(p, &dst, 5353, f, sizeof(f));
	l4 = check_frame(f, (size_t)len, &proto);
	assert_int_equal(f[14 + 8], 99);
	assert_int_equal(rd16(f + l4 + 2), 5353);
	assert_memory_equal(f + l4 + 8, "\x12\x34\x01\x00\x00\x01", 6);
	wc_probe_free(p);
	/* TCP with the user's options and payload: seq carries the cookie, the ack window grows */
	o.expr = "IP()/TCP(flags=\"S\",options=[(\"MSS\",536)])/\"hello\"";
	assert_int_equal(wc_probe_new(&o, &p, why), 0);
	assert_int_equal(wc_probe_tcp_extra(p), 5);
	len = wc_probe_make(p, &dst, 80, f, sizeof(f));
	check_frame(f, (size_t)len, &proto);
	wc_probe_free(p);
	/* no room for a cookie, not one packet, not IP */
	o.expr = "IP()/TCP(seq=5)";
	assert_int_equal(wc_probe_new(&o, &p, why), -EOPNOTSUPP);
	o.expr = "IP()/UDP(sport=53)";
	assert_int_equal(wc_probe_new(&o, &p, why), -EOPNOTSUPP);
	o.expr = "IP()/TCP(dport=[1,2])";
	assert_int_equal(wc_probe_new(&o, &p, why), -EINVAL);
	o.expr = "Ether()/ARP()";
	assert_int_equal(wc_probe_new(&o, &p, why), -EOPNOTSUPP);
	o.expr = "IP(";
	assert_int_equal(wc_probe_new(&o, &p, why), -EINVAL);
	/* IPv6 expression without an IPv6 source */
	o.expr = "IPv6()/ICMPv6EchoRequest()";
	assert_int_equal(wc_probe_new(&o, &p, why), -EADDRNOTAVAIL);
}

/* The names the CLI and the Python module take, and a probe's shape without addresses. */
static void test_kind_and_shape(void **state)
{
	static const struct {
		const char *name;
		int rc;
		enum wc_probe_kind k;
	} names[] = {
		{"tcp-syn", 0, WC_PROBE_TCP_SYN},       {"syn", 0, WC_PROBE_TCP_SYN},
		{"tcp-ack", 0, WC_PROBE_TCP_ACK},       {"icmp-echo", 0, WC_PROBE_ICMP_ECHO},
		{"icmpv6-echo", 0, WC_PROBE_ICMP6_ECHO}, {"icmp6-echo", 0, WC_PROBE_ICMP6_ECHO},
		{"udp", 0, WC_PROBE_UDP},               {"expr", -ENOENT, 0},
		{"udp:dns", -ENOENT, 0},                {"IP()/UDP()", -ENOENT, 0},
		{"", -ENOENT, 0},                       {"TCP-SYN", -ENOENT, 0},
	};
	struct wc_probe_opts o = {.sz = sizeof(o)};
	char why[WC_PROBE_WHY] = "";
	enum wc_probe_kind k;
	uint16_t port = 1;
	bool ports = false;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		k = (enum wc_probe_kind)99;
		assert_int_equal(wc_probe_kind_parse(names[i].name, &k), names[i].rc);
		if (!names[i].rc)
			assert_int_equal(k, names[i].k);
	}
	/* no source address given: stand-ins fill in, the caller's opts are left as they were */
	o.kind = WC_PROBE_TCP_SYN;
	assert_int_equal(wc_probe_shape(&o, &ports, &port, why), 0);
	assert_true(ports);
	assert_int_equal(port, 0);
	assert_false(o.has_src4 || o.has_src6);
	o.kind = WC_PROBE_ICMP6_ECHO;
	assert_int_equal(wc_probe_shape(&o, &ports, &port, why), 0);
	assert_false(ports);
	o.kind = WC_PROBE_EXPR;
	o.expr = "IPv6()/UDP(dport=5353)/b\"x\"";
	assert_int_equal(wc_probe_shape(&o, &ports, &port, why), 0);
	assert_true(ports);
	assert_int_equal(port, 5353);
	o.expr = "IP()/TCP(dport=[1,2])";
	assert_int_equal(wc_probe_shape(&o, &ports, &port, why), -EINVAL);
	assert_true(why[0] != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_syn), cmocka_unit_test(test_tcp_ack),
		cmocka_unit_test(test_icmp),    cmocka_unit_test(test_udp),
		cmocka_unit_test(test_expr),    cmocka_unit_test(test_kind_and_shape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
