/* SPDX-License-Identifier: MIT */
/* Dissection throughput, one core: wc_dissect over a ring of distinct Ether/IP/TCP frames
 * (the build bench's set), reading a field of the top layer of each so the work stays.
 *
 *   dissect_bench [-e EXPR] [-n FRAMES] [-r RUNS] [-t SECONDS]
 *
 * Prints `key value` lines; pps is the median over RUNS runs of >= SECONDS each. */
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
#define STRIDE 2048

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

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "dissect_bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

static double run(const uint8_t *frames, const size_t *lens, unsigned n, double secs)
{
	static struct wc_pkt p;
	uint64_t cnt = 0, x = 0;
	double t0 = now(), w0 = wall(), el;

	do {
		for (unsigned k = 0; k < 16384; k++, cnt++) {
			unsigned i = (unsigned)(cnt & (n - 1));
			int r = wc_dissect(&p, frames + (size_t)i * STRIDE, lens[i], NULL);

			if (r)
				die("wc_dissect", r);
			x ^= p.nlayers ^ p.l[p.nlayers - 1].v[1].u;
		}
		el = now() - t0;
	} while (el < secs);
	sink ^= x;
	last_wall_pps = (double)cnt / (wall() - w0);
	return (double)cnt / el;
}

int main(int argc, char **argv)
{
	const char *expr = DEFAULT_EXPR;
	unsigned n = 4096, runs = 5;
	double secs = 1.0, r[64], rw[64];
	struct wc_set *s;
	struct wc_tmpl *t;
	struct wc_err err;
	uint8_t *frames;
	const uint8_t *tb;
	size_t *lens, tlen;
	int o, e;

	while ((o = getopt(argc, argv, "e:n:r:t:")) != -1) {
		switch (o) {
		case 'e': expr = optarg; break;
		case 'n': n = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'r': runs = (unsigned)strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: dissect_bench [-e EXPR] [-n FRAMES] [-r RUNS] "
					"[-t SECONDS]\n");
			return 2;
		}
	}
	if (!n || (n & (n - 1)) || runs < 1 || runs > 64) {
		fprintf(stderr, "dissect_bench: FRAMES a power of two, 1..64 runs\n");
		return 2;
	}
	if ((e = wc_set_parse(expr, &s, &err))) {
		fprintf(stderr, "dissect_bench: %s: %s\n", expr, err.msg);
		return 1;
	}
	wc_set_seed(s, 1);
	if ((e = wc_tmpl_new(s, &t)))
		die("wc_tmpl_new", e);
	frames = calloc(n, STRIDE);
	lens = calloc(n, sizeof(*lens));
	if (!frames || !lens)
		die("frames", -ENOMEM);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *f = frames + (size_t)i * STRIDE;

		tb = wc_tmpl_bytes(t, &tlen);
		memcpy(f, tb, tlen);
		e = wc_tmpl_next(t, f, STRIDE, &lens[i]);
		if (e == -ENOENT) { /* a set smaller than the ring: go round */
			wc_tmpl_seek(t, 0);
			e = wc_tmpl_next(t, f, STRIDE, &lens[i]);
		}
		if (e)
			die("wc_tmpl_next", e);
	}
	printf("frames %u\n", n);
	for (unsigned i = 0; i < runs; i++) {
		r[i] = run(frames, lens, n, secs);
		rw[i] = last_wall_pps;
	}
	printf("dissect_pps %.0f\ndissect_pps_wall %.0f\n", median(r, runs), median(rw, runs));
	wc_tmpl_free(t);
	wc_set_free(s);
	free(frames);
	free(lens);
	return 0;
}
