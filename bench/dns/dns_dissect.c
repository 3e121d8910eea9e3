/* SPDX-License-Identifier: MIT */
/* DNS dissection throughput, one core: wc_dissect over a ring of DNS responses with
 * compressed names (bench/dns/run.sh writes them with Scapy), then every record list
 * decoded (wc_sub_expand: names decompressed, records as sub-layers) and the first
 * answer's rdata read: the work Scapy's Ether(raw) does, which decodes every record.
 *
 *   dns_dissect FILE [-r RUNS] [-t SECONDS]     FILE: one frame per line, in hex
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
#include "wirecraft/proto.h"

#define MAXF 4096
#define STRIDE 2048

static volatile uint64_t sink;

/* CPU time of this thread, as bench/dissect_bench.c counts. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static double run(const uint8_t *frames, const size_t *lens, unsigned n, double secs,
		  const struct wc_proto *dns, int *bad)
{
	static struct wc_pkt p;
	uint64_t cnt = 0, x = 0;
	double t0 = now(), el;

	do {
		for (unsigned k = 0; k < 4096; k++, cnt++) {
			unsigned i = (unsigned)(cnt % n);
			int li;

			wc_dissect(&p, frames + (size_t)i * STRIDE, lens[i], NULL);
			li = wc_pkt_find(&p, dns, 0);
			if (li < 0) {
				*bad = 1;
				return 0;
			}
			for (unsigned fi = 0; fi < dns->nfields; fi++) {
				const struct wc_pkt *sub;

				if (dns->fields[fi].kind != WC_K_RRLIST || !p.l[li].v[fi].blen)
					continue;
				sub = wc_sub_expand(&p, (unsigned)li, fi, NULL);
				if (!sub || !sub->nlayers) {
					*bad = 1;
					return 0;
				}
				/* the first record's last field: rdata of the first answer */
				x ^= sub->l[0].v[sub->l[0].proto->nfields - 1].blen ^ sub->nlayers;
			}
		}
		el = now() - t0;
	} while (el < secs);
	sink ^= x;
	return (double)cnt / el;
}

int main(int argc, char **argv)
{
	unsigned runs = 5, n = 0;
	double secs = 1.0, r[64];
	static uint8_t frames[(size_t)MAXF * STRIDE];
	static size_t lens[MAXF];
	static char line[2 * STRIDE + 8];
	const struct wc_proto *dns = wc_proto_find("DNS");
	int o, bad = 0;
	FILE *f;

	while ((o = getopt(argc, argv, "r:t:")) != -1) {
		switch (o) {
		case 'r': runs = (unsigned)strtoul(optarg, NULL, 0); break;
		case 't': secs = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: dns_dissect FILE [-r RUNS] [-t SECONDS]\n");
			return 2;
		}
	}
	if (optind != argc - 1 || runs < 1 || runs > 64 || !dns) {
		fprintf(stderr, "usage: dns_dissect FILE [-r RUNS] [-t SECONDS]\n");
		return 2;
	}
	if (!(f = fopen(argv[optind], "r"))) {
		perror(argv[optind]);
		return 1;
	}
	while (n < MAXF && fgets(line, sizeof(line), f)) {
		size_t k = 0;

		for (; line[2 * k] && line[2 * k] != '\n' && k < STRIDE; k++) {
			int hi = hexval(line[2 * k]), lo = hexval(line[2 * k + 1]);

			if (hi < 0 || lo < 0)
				break;
			frames[(size_t)n * STRIDE + k] = (uint8_t)(hi << 4 | lo);
		}
		if (k)
			lens[n++] = k;
	}
	fclose(f);
	if (!n) {
		fprintf(stderr, "dns_dissect: no frames in %s\n", argv[optind]);
		return 1;
	}
	for (unsigned i = 0; i < runs; i++) {
		r[i] = run(frames, lens, n, secs, dns, &bad);
		if (bad) {
			fprintf(stderr, "dns_dissect: a frame did not dissect as DNS with records\n");
			return 1;
		}
	}
	qsort(r, runs, sizeof(r[0]), cmp_double);
	printf("frames %u\ndissect_pps %.0f\n", n,
	       runs % 2 ? r[runs / 2] : (r[runs / 2 - 1] + r[runs / 2]) / 2);
	return 0;
}
