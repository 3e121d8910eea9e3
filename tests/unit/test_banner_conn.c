/* The banner connection engine (user/banner.c) against forged segments, offline: what it
 * sends goes to a pcap port, what it reports to a callback. A SYN-ACK opens a connection and
 * gets an ACK; a segment ahead of the stream is dropped with a duplicate ACK, a
 * retransmission gets an ACK, an overlap adds only its new part; a whole SSH line completes
 * the banner; a zero window holds the HTTP hello until a segment opens it; RST, FIN and the
 * time-out end connections as such; a segment of a closed connection gets a RST; every
 * connection opened is accounted once. */
#define _GNU_SOURCE
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
#include "banner_impl.h"
#include "wirecraft/rate.h"

static const uint8_t US[4] = {198, 18, 0, 1}, THEM[4] = {198, 18, 0, 2};
#define OURP 61000
#define ISN 1000u /* the server's */

static struct wc_probe_opts po = {.key = {0x1111, 0x2222}, .sport = OURP,
				  .preset = WC_TCP_NONE};

struct got {
	unsigned n;
	char cls[8][16], end[8][16], line[8][WC_BANNER_LINE];
	uint16_t port[8];
};
static struct got got;

static void emit(const struct wc_scan_result *r, void *arg)
{
	(void)arg;
	if (got.n >= 8)
		return;
	snprintf(got.cls[got.n], 16, "%s", r->r.classification);
	snprintf(got.end[got.n], 16, "%s", wc_banner_end_name(r->banner->end));
	memcpy(got.line[got.n], r->banner->line, WC_BANNER_LINE);
	got.port[got.n] = r->r.sport;
	got.n++;
}

static uint32_t cookie(uint16_t port)
{
	struct wc_cookie_key k = {po.key[0], po.key[1]};
	__u32 a, b;

	memcpy(&a, US, 4);
	memcpy(&b, THEM, 4);
	return wc_cookie32(wc_cookie4(&k, a, b, 6, OURP, port));
}

/* A segment from the server's port to ours, Ethernet / IPv4 / TCP (checksums left 0: the
 * engine does not check them, the steering program and kernel have). */
static size_t seg(uint8_t *f, uint16_t port, uint8_t flags, uint32_t seq, uint32_t ack,
		  uint16_t win, const char *data)
{
	size_t dl = data ? strlen(data) : 0;
	uint8_t *ip = f + 14, *t = ip + 20;

	memset(f, 0, 14 + 20 + 20);
	f[0] = 0x0a, f[5] = 1, f[6] = 0x0a, f[11] = 2, f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((40 + dl) >> 8), ip[3] = (uint8_t)(40 + dl);
	ip[8] = 64, ip[9] = 6;
	memcpy(ip + 12, THEM, 4);
	memcpy(ip + 16, US, 4);
	t[0] = (uint8_t)(port >> 8), t[1] = (uint8_t)port;
	t[2] = OURP >> 8, t[3] = OURP & 0xff;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = (uint8_t)(win >> 8), t[15] = (uint8_t)win;
	if (dl)
		memcpy(t + 20, data, dl);
	return 54 + dl;
}

static void open_conn(struct wc_bn *b, uint16_t port, uint16_t win)
{
	uint8_t f[128];
	struct wc_scan_result res;

	memset(&res, 0, sizeof(res));
	res.r.classification = "synack";
	res.r.success = true;
	res.r.proto = 6;
	res.r.sport = port;
	res.frame = f;
	res.len = seg(f, port, 0x12, ISN, cookie(port) + 1, win, NULL);
	wc_bn_open(b, &res);
}

static int in(struct wc_bn *b, uint16_t port, uint8_t flags, uint32_t seq, uint32_t ack,
	      uint16_t win, const char *data)
{
	uint8_t f[256];
	size_t n = seg(f, port, flags, seq, ack, win, data);

	return wc_bn_segment(b, f, n, wc_now_ns());
}

static void test_conn(void **st)
{
	char path[] = "/tmp/wc-bn-XXXXXX";
	int fd = mkstemp(path);
	struct wc_port *tx;
	struct wc_port_opts pop = {.path = path, .engine = WC_ENGINE_PCAP, .frames = 64};
	struct wc_banner_cfg cfg = {.timeout_s = 1};
	struct wc_bn_opts bo = {.cfg = &cfg, .po = &po, .emit = emit};
	struct wc_conn_stats cs;
	struct wc_bn *b;
	char why[160];
	uint32_t c22 = cookie(22) + 1, c80 = cookie(80) + 1, c25 = cookie(25) + 1;

	(void)st;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(wc_port_open(&pop, &tx, why), 0);
	bo.tx = tx;
	assert_int_equal(wc_bn_new(&bo, &b), 0);

	/* SSH: speaks first; pieces out of order, again, overlapping */
	open_conn(b, 22, 65535);
	assert_int_equal(wc_bn_open_count(b), 1);
	assert_int_equal(in(b, 22, 0x18, ISN + 1 + 5, c22, 65535, "world"), 1);
	assert_int_equal(in(b, 22, 0x18, ISN + 1, c22, 65535, "SSH-2"), 1);
	assert_int_equal(in(b, 22, 0x18, ISN + 1, c22, 65535, "SSH-2"), 1);
	assert_int_equal(got.n, 0);
	assert_int_equal(in(b, 22, 0x18, ISN + 1 + 3, c22, 65535, "-2.0-x\r\n"), 1);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.cls[0], "banner");
	assert_string_equal(got.end[0], "complete");
	assert_string_equal(got.line[0], "SSH-2.0-x");
	/* closed now: a segment of it gets a RST and is still ours */
	assert_int_equal(in(b, 22, 0x11, ISN + 1 + 11, c22, 65535, NULL), 1);
	/* not ours at all (wrong ack): the scan's to classify */
	assert_int_equal(in(b, 22, 0x10, ISN + 1, c22 + 5000, 65535, NULL), 0);

	/* HTTP: a zero window holds the hello; the server's RST ends it */
	open_conn(b, 80, 0);
	wc_bn_stats(b, &cs);
	uint64_t sent = cs.tx_frames + 0;
	assert_int_equal(in(b, 80, 0x10, ISN + 1, c80, 1000, NULL), 1); /* the window opens */
	wc_bn_flush(b);
	wc_bn_stats(b, &cs);
	assert_true(cs.tx_frames > sent); /* the hello went */
	/* its ack now covers the hello: still one of ours */
	assert_int_equal(in(b, 80, 0x14, ISN + 1, c80 + (uint32_t)wc_hello_max(NULL) + 5, 0, NULL), 1);
	wc_bn_stats(b, &cs);
	assert_int_equal(cs.bad_ack, 1); /* beyond the hello actually sent: not a valid ack */
	assert_int_equal(in(b, 80, 0x14, ISN + 1, c80, 0, NULL), 1);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.cls[1], "reset");
	assert_string_equal(got.end[1], "reset");

	/* SMTP port, FIN without a word; then one that never speaks: the time-out */
	open_conn(b, 25, 65535);
	assert_int_equal(in(b, 25, 0x11, ISN + 1, c25, 65535, NULL), 1);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.cls[2], "closed");
	assert_string_equal(got.end[2], "fin");
	open_conn(b, 21, 65535);
	wc_bn_tick(b, wc_now_ns());
	assert_int_equal(got.n, 3);
	wc_bn_tick(b, wc_now_ns() + 2000000000ull);
	assert_int_equal(got.n, 4);
	assert_string_equal(got.cls[3], "timeout");
	assert_int_equal(wc_bn_open_count(b), 0);

	wc_bn_stats(b, &cs);
	assert_int_equal(cs.opened, 4);
	assert_int_equal(cs.ended[WC_BE_COMPLETE] + cs.ended[WC_BE_RESET] + cs.ended[WC_BE_FIN] +
			 cs.ended[WC_BE_TIMEOUT], 4);
	assert_int_equal(cs.out_of_order, 1);
	assert_int_equal(cs.retransmits, 1);
	assert_int_equal(cs.late, 1);
	assert_int_equal(cs.rsts, 4); /* complete, the late segment, fin, timeout; not the reset */
	assert_int_equal(cs.tx_lost, 0);
	wc_bn_free(b);
	assert_int_equal(wc_port_close(tx), 0);
	unlink(path);
}

/* A full table: the oldest is ended early for the newcomer, accounted as evicted. */
static void test_evict(void **st)
{
	char path[] = "/tmp/wc-bn-XXXXXX";
	int fd = mkstemp(path);
	struct wc_port *tx;
	struct wc_port_opts pop = {.path = path, .engine = WC_ENGINE_PCAP, .frames = 64};
	struct wc_banner_cfg cfg = {.timeout_s = 5, .max_conns = 2};
	struct wc_bn_opts bo = {.cfg = &cfg, .po = &po, .emit = emit};
	struct wc_conn_stats cs;
	struct wc_bn *b;
	char why[160];

	(void)st;
	memset(&got, 0, sizeof(got));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(wc_port_open(&pop, &tx, why), 0);
	bo.tx = tx;
	assert_int_equal(wc_bn_new(&bo, &b), 0);
	open_conn(b, 1001, 100);
	open_conn(b, 1002, 100);
	open_conn(b, 1003, 100);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.port[0], 1001);
	assert_string_equal(got.end[0], "evicted");
	wc_bn_close_all(b);
	wc_bn_stats(b, &cs);
	assert_int_equal(cs.opened, 3);
	assert_int_equal(cs.ended[WC_BE_EVICTED], 1);
	assert_int_equal(cs.ended[WC_BE_STOPPED], 2);
	assert_int_equal(cs.open, 0);
	wc_bn_free(b);
	assert_int_equal(wc_port_close(tx), 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn),
		cmocka_unit_test(test_evict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
