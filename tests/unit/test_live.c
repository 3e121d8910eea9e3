/* The live-frames program against the template fast path: for each set below, the frame that
 * bpf/livegen.bpf.c makes in the kernel for packet i (wc_live_frame: BPF_PROG_RUN in the
 * ordinary test mode, which hands the frame back and sends nothing) must be the bytes
 * wc_tmpl_next() writes for packet i, at both ends of the set, around every digit's wrap and at
 * random places. Sets beyond the program's limits must be refused with E2BIG, not run wrong.
 *
 * Needs root (loading BPF); skipped otherwise. Uses the loopback only as a name for the
 * context: nothing is transmitted (and `force` skips the device's XDP transmit check). */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "wirecraft/live.h"
#include "wirecraft/send.h"
#include "wirecraft/set.h"
#include "wirecraft/tmpl.h"

#define CAP 4096

static const struct {
	const char *expr;
	int live; /* 1: runs live; 0: refused (E2BIG) */
} sets[] = {
	{"Ether()/IP(dst='198.18.0.0/22')/TCP(dport=[22, 80, 443], flags='S')", 1},
	{"Ether()/IP(src='198.18.0.1', dst='198.19.0.0/16')/TCP(sport=40000, dport=[22, 80, 443, "
	 "8080, 53, 25, 110, 143, 21, 23, 993, 995, 3306, 5432, 6379, 8443], flags='S')", 1},
	{"IP(ttl=(1, 64), dst='198.18.0.1')/UDP(sport=(1000, 1010))/'payload'", 1},
	{"Ether()/IP(src='198.18.0.1', dst='198.18.0.2')/UDP(sport=(0, 65535), dport=53)/'x'", 1},
	{"Ether()/IPv6(dst='2001:db8::/120')/TCP(dport=[80, 443])", 1},
	{"Ether()/IPv6(src='2001:db8::1', dst='2001:db8:1::/112')/TCP(dport=[80, 443], flags='S')", 1},
	{"Ether()/IPv6(dst=['2001:db8::1', '2001:db8:ffff::/127', '2001:db8::ff'])/UDP(dport=7)", 1},
	{"IP(id=RandShort(), dst='198.18.0.0/28')/TCP(seq=RandInt(), flags=['S', 'SA'])", 1},
	{"Ether()/IP(dst='198.18.0.0/24', id=RandShort())/UDP(sport=RandShort(), dport=[53, 123])/'r'", 1},
	{"Ether()/IPv6(dst=RandIP6('2001:db8::*:*'))/UDP(dport=[1, 2])", 1},
	{"Ether()/IP(dst='198.18.0.1')/fuzz(UDP())/'f'", 1},
	{"Ether()/fuzz(IP()/TCP())", 0}, /* every IP and TCP field varies: over 8 */
	{"Ether()/fuzz(IPv6(dst='2001:db8::1'))/UDP(dport=[1, 2])", 1}, /* a random 128-bit src */
	{"Ether()/IP(flags=['DF', 'MF', 0], frag=(0, 3))/TCP(flags=['S', 'A', 'FSRPAUECN'])", 1},
	{"Ether()/IPv6(fl=(0xffff0, 0xfffff), tc=[0, 255])/UDP()", 1},
	{"Ether()/IP(dst='198.18.0.0/30')/ICMP(type=3, code=3)/IPerror(dst='198.18.1.0/30')"
	 "/UDPerror(dport=[53, 161])", 1},
	{"Ether()/IP(dst='198.18.0.0/29')/ICMP(id=(1, 4), seq=(0, 3))", 1},
	{"Ether()/IPv6(dst='2001:db8::/124')/ICMPv6EchoRequest(seq=(1, 3))", 1},
	{"Ether()/ARP(pdst='198.18.0.0/28', hwlen=6, plen=4)", 1},
	{"Ether()/IP(dst='198.18.0.0/29')/TCP(options=[('MSS', 1460)], dport=[1, 2])", 1},
	{"Ether()/IPv6(dst='2001:db8::/126')/IPv6ExtHdrFragment()/UDP(dport=[1, 2])/'xyz'", 1},
	{"Ether()/Dot1Q(vlan=(1, 5))/IP(dst='198.18.0.0/30')/UDP(sport=RandShort())", 1},
	{"Ether()/Dot1Q(vlan=[1, 2])/Dot1Q(vlan=(10, 12))/IP(dst='198.18.0.0/30')/UDP(dport=[1, 2])", 1},
	{"Ether()/IP(dst='198.18.0.0/30')/ICMP(type='echo-reply', id=RandShort())", 1},
	{"Ether(dst=['0a:00:00:00:00:01', '0a:00:00:00:00:02'])/IP(tos=(0, 7), ttl=[1, 255])"
	 "/UDP(sport=[1, 2], dport=(5, 6), chksum=[0, 1])", 1},
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Packet i by the template fast path, in a frame reused from call to call. */
static void tmpl_frame(struct wc_tmpl *t, uint8_t *frame, uint64_t i, size_t *len)
{
	assert_int_equal(wc_tmpl_seek(t, i), 0);
	assert_int_equal(wc_tmpl_next(t, frame, CAP, len), 0);
}

/* wc_live_open on the loopback. A kernel that refuses live frames to root (EPERM as root:
 * some builds do) still runs the program in test mode, which is all these checks use: open it
 * for that (frames_only), saying so once. */
static int open_live(const struct wc_tmpl *t, struct wc_live **l, char *why)
{
	struct wc_live_opts lo = {.ifname = "lo", .force = true};
	static bool said;
	int err = wc_live_open(t, &lo, l, why);

	if (err != -EPERM || geteuid() != 0)
		return err;
	if (!said)
		fprintf(stderr, "note: %s, as root: this kernel refuses live frames; the program's "
			"frames are checked in test mode, which sends nothing anyway\n", why);
	said = true;
	lo.frames_only = true;
	err = wc_live_open(t, &lo, l, why);
	if (!err)
		assert_int_equal(wc_live_send(*l, &(struct wc_send_opts){.count = 1}, NULL),
				 -EOPNOTSUPP);
	return err;
}

static void check_set(const char *expr, int want_live)
{
	struct wc_set *s = NULL;
	struct wc_tmpl *t = NULL;
	struct wc_live *l = NULL;
	struct wc_err perr;
	uint8_t *a = malloc(CAP), *b = malloc(CAP);
	const uint8_t *tb;
	uint64_t n, idx[1200], seed = 0x11fe, mul = 1;
	unsigned k = 0;
	size_t tlen, alen, blen;
	char why[160];
	int err;

	assert_non_null(a);
	assert_non_null(b);
	if (wc_set_parse(expr, &s, &perr)) {
		fprintf(stderr, "%s: %s\n", expr, perr.msg);
		fail();
	}
	wc_set_seed(s, 42);
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	assert_true(wc_tmpl_is_fast(t));
	err = open_live(t, &l, why);
	if (!want_live) {
		if (err != -E2BIG)
			fprintf(stderr, "%s: expected E2BIG, got %d (%s)\n", expr, err, why);
		assert_int_equal(err, -E2BIG);
		goto out;
	}
	if (err) {
		fprintf(stderr, "%s: %s\n", expr, why);
		assert_int_equal(err, 0);
	}
	n = wc_tmpl_count(t);
	/* both ends, each wrap of the odometer's fastest digits, random places */
	for (uint64_t i = 0; i < 300 && i < n; i++)
		idx[k++] = i;
	for (uint64_t i = n > 300 ? n - 300 : 300; i < n; i++)
		idx[k++] = i;
	for (unsigned d = 0; d < 6 && mul < n / 2; d++, mul *= 2) /* not exact wraps: near them */
		idx[k++] = n / 2 + mul;
	while (k < sizeof(idx) / sizeof(idx[0]) && n > 600)
		idx[k++] = rnd(&seed) % n;
	tb = wc_tmpl_bytes(t, &tlen);
	memcpy(a, tb, tlen);
	for (unsigned j = 0; j < k; j++) {
		tmpl_frame(t, a, idx[j], &alen);
		err = wc_live_frame(l, idx[j], b, CAP, &blen);
		assert_int_equal(err, 0);
		assert_int_equal(alen, blen);
		if (memcmp(a, b, alen)) {
			fprintf(stderr, "%s: packet %llu differs\n", expr, (unsigned long long)idx[j]);
			for (size_t x = 0; x < alen; x++)
				if (a[x] != b[x])
					fprintf(stderr, "  byte %zu: tmpl %02x, live %02x\n", x, a[x], b[x]);
			fail();
		}
	}
	if (n != UINT64_MAX)
		assert_int_equal(wc_live_frame(l, n, b, CAP, &blen), -ENOENT);
out:
	wc_live_close(l);
	wc_tmpl_free(t);
	wc_set_free(s);
	free(a);
	free(b);
}

static void test_sets(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		check_set(sets[i].expr, sets[i].live);
}

/* Every UDP checksum of a full 16-bit sweep, the one that comes out 0 (sent as 0xffff)
 * included. */
static void test_udp_sweep(void **state)
{
	const char *expr = "Ether()/IP(src='198.18.0.1', dst='198.18.3.3')/UDP(sport=(0, 65535), "
			   "dport=[53, 54])/'wirecraft'";
	struct wc_set *s = NULL;
	struct wc_tmpl *t = NULL;
	struct wc_live *l = NULL;
	struct wc_err perr;
	uint8_t a[CAP], b[CAP];
	size_t alen, blen, tlen;
	unsigned ffff = 0;
	char why[160];

	(void)state;
	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_int_equal(wc_set_parse(expr, &s, &perr), 0);
	assert_int_equal(wc_tmpl_new(s, &t), 0);
	assert_int_equal(open_live(t, &l, why), 0);
	{
		const uint8_t *tb = wc_tmpl_bytes(t, &tlen);

		memcpy(a, tb, tlen);
	}
	for (uint64_t i = 0; i < 65536; i++) {
		assert_int_equal(wc_tmpl_next(t, a, sizeof(a), &alen), 0);
		assert_int_equal(wc_live_frame(l, i, b, sizeof(b), &blen), 0);
		assert_memory_equal(a, b, alen);
		ffff += b[14 + 20 + 6] == 0xff && b[14 + 20 + 7] == 0xff;
	}
	assert_true(ffff > 0);
	wc_live_close(l);
	wc_tmpl_free(t);
	wc_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_udp_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
