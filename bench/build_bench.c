/* SPDX-License-Identifier: MIT */
/* Build throughput of the template fast path, one core: SYNs to a /16 x 4 ports written into
 * a UMEM-like ring of frames (pre-filled with the template once, as AF_XDP senders do), then
 * the same set by full builds (wc_iter_next) for scale. Before timing, every packet of the
 * set is checked against wc_iter_next, so the numbers are for right bytes.
 *
 *   build_bench [-e EXPR] [-f FRAMES] [-s STRIDE] [-r RUNS] [-t SECONDS] [-d N]
 *
 * Prints `key value` lines (pps are medians over RUNS runs of >= SECONDS each); -d N prints
 * the first N packets in hex instead (compared with Scapy's by run.sh). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wirecraft/pkt.h"
#include "wirecraft/set.h"
#include "wirecraft/tmpl.h"

#define DEFAULT_EXPR                                                                           \
	"Ether(dst='02:00:00:00:00:02', src='02:00:00:00:00:01')/"                             \
	"IP(src='198.18.255.254', dst='198.18.0.0/16')/"                                       \
	"TCP(sport=40000, dport=[22, 80, 443, 8080], flags='S')"

static volatile uint64_t sink;

/* CPU time of this thread: on a shared machine, wall time would count other tasks' turns
 * as ours. One thread, no sleeping: on an idle machine both clocks agree. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wall-clock rate of the last run, for the record next to the CPU-time one. */
static double last_wall_pps;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "build_bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

/* Every packet of the set from the template equals the full build. */
static uint64_t verify(const struct wc_set *s)
{
	static uint8_t a[WC_MAX_PKT], b[WC_MAX_PKT];
	const uint8_t *tb;
	struct wc_iter *it;
	struct wc_tmpl *t;
	struct wc_pkt p;
	size_t len;
	uint64_t n = 0;
	int r;

	if ((r = wc_iter_new(s, &it)) || (r = wc_tmpl_new(s, &t)))
		die("verify", r);
	tb = wc_tmpl_bytes(t, &len);
	memcpy(a, tb, len);
	for (;; n++) {
		wc_pkt_init(&p, b, sizeof(b));
		r = wc_iter_next(it, &p);
		if (r != wc_tmpl_next(t, a, sizeof(a), &len))
			die("verify: template and iterator disagree on the end", -EPROTO);
		if (r == -ENOENT)
			break;
		if (r)
			die("verify", r);
		if (len != p.len || memcmp(a, b, len)) {
			fprintf(stderr, "build_bench: packet %llu differs from the full build\n",
				(unsigned long long)n);
			exit(1);
		}
	}
	wc_iter_free(it);
	wc_tmpl_free(t);
	return n;
}

/* One timed run of the fast path; returns packets per second. */
static double run_tmpl(struct wc_tmpl *t, uint8_t *umem, unsigned frames, size_t stride,
		       double secs)
{
	uint64_t n = 0, x = 0;
	double t0 = now(), w0 = wall(), el;

	wc_tmpl_seek(t, 0);
	do {
		for (unsigned k = 0; k < 65536; k++, n++) {
			uint8_t *f = umem + (n & (frames - 1)) * stride;
			size_t len;
			int r = wc_tmpl_next(t, f, stride, &len);

			if (r == -ENOENT) {
				wc_tmpl_seek(t, 0);
				r = wc_tmpl_next(t, f, stride, &len);
			}
			if (r)
				die("wc_tmpl_next", r);
			/* what a NIC would read: the patched bytes and the length */
			x ^= f[len - 4] ^ f[33] ^ f[37] ^ f[25] ^ len;
		}
		el = now() - t0;
	} while (el < secs);
	sink ^= x;
	last_wall_pps = (double)n / (wall() - w0);
	return (double)n / el;
}

/* One timed run of full builds through the iterator. */
static double run_iter(const struct wc_set *s, uint8_t *buf, double secs)
{
	struct wc_iter *it = NULL;
	uint64_t n = 0, x = 0;
	double t0 = now(), w0 = wall(), el;
	int r;

	do {
		for (unsigned k = 0; k < 4096; k++, n++) {
			struct wc_pkt p;

			wc_pkt_init(&p, buf, 2048);
			r = it ? wc_iter_next(it, &p) : -ENOENT;
			if (r == -ENOENT) {
				wc_iter_free(it);
				if ((r = wc_iter_new(s, &it)))
					die("wc_iter_new", r);
				r = wc_iter_next(it, &p);
			}
			if (r)
				die("wc_iter_next", r);
			x ^= buf[33] ^ buf[37] ^ buf[51];
		}
		el = now() - t0;
	} while (el < secs);
	wc_iter_free(it);
	sink ^= x;
	last_wall_pps = (double)n / (wall() - w0);
	return (double)n / el;
}

static void dump(const struct wc_set *s, unsigned n)
{
	static uint8_t f[WC_MAX_PKT];
	const uint8_t *tb;
	struct wc_tmpl *t;
	size_t len;
	int r;

	if ((r = wc_tmpl_new(s, &t)))
		die("wc_tmpl_new", r);
	tb = wc_tmpl_bytes(t, &len);
	memcpy(f, tb, len);
	for (unsigned i = 0; i < n && wc_tmpl_next(t, f, sizeof(f), &len) == 0; i++) {
		for (size_t k = 0; k < len; k++)
			printf("%02x", f[k]);
		putchar('\n');
	}
	wc_tmpl_free(t);
}

int main(int argc, char **argv)
{
	const char *expr = DEFAULT_EXPR;
	unsigned frames = 4096, runs = 5, ndump = 0;
	size_t stride = 2048;
	double secs = 1.0, r[64], rw[64];
	struct wc_set *s;
	struct wc_tmpl *t;
	struct wc_err err;
	uint8_t *umem;
	const uint8_t *tb;
	size_t tlen;
	int o, e;

	while ((o = getopt(argc, argv, "e:f:s:r:t:d:")) != -1) {
		switch (o) {
		case 'e': expr = optarg; break;
		case 'f': frames = (unsigned)strtoul(optarg, NULL, 0); break;
		case 's': stride = strtoul(optarg, NULL, 0); break;
		case 'r': runs = (unsigned)strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		case 'd': ndump = (unsigned)strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: build_bench [-e EXPR] [-f FRAMES] [-s STRIDE] "
					"[-r RUNS] [-t SECONDS] [-d N]\n");
			return 2;
		}
	}
	if (!frames || (frames & (frames - 1)) || runs < 1 || runs > 64 || stride < 64) {
		fprintf(stderr, "build_bench: FRAMES a power of two, 1..64 runs, STRIDE >= 64\n");
		return 2;
	}
	if ((e = wc_set_parse(expr, &s, &err))) {
		fprintf(stderr, "build_bench: %s: %s\n", expr, err.msg);
		return 1;
	}
	wc_set_seed(s, 1);
	if (ndump) {
		dump(s, ndump);
		return 0;
	}
	printf("packets_verified %llu\n", (unsigned long long)verify(s));
	if ((e = wc_tmpl_new(s, &t)))
		die("wc_tmpl_new", e);
	printf("fast_path %d\n", wc_tmpl_is_fast(t));
	umem = aligned_alloc(4096, frames * stride);
	if (!umem)
		die("umem", -ENOMEM);
	/* pre-fill every frame once, as an AF_XDP sender fills its UMEM */
	tb = wc_tmpl_bytes(t, &tlen);
	for (unsigned i = 0; i < frames; i++)
		memcpy(umem + i * stride, tb, tlen);
	printf("frame_len %zu\n", tlen);
	for (unsigned i = 0; i < runs; i++) {
		r[i] = run_tmpl(t, umem, frames, stride, secs);
		rw[i] = last_wall_pps;
	}
	printf("tmpl_pps %.0f\ntmpl_pps_wall %.0f\n", median(r, (int)runs), median(rw, (int)runs));
	for (unsigned i = 0; i < runs; i++) {
		r[i] = run_iter(s, umem, secs);
		rw[i] = last_wall_pps;
	}
	printf("iter_pps %.0f\niter_pps_wall %.0f\n", median(r, (int)runs), median(rw, (int)runs));
	wc_tmpl_free(t);
	free(umem);
	wc_set_free(s);
	return 0;
}
