/* SPDX-License-Identifier: MIT */
/* The library side of the match oracle (tests/oracle/match_run.py): wirecraft's hashret
 * bytes of every packet of two captures, and its answers() for the (reply, request) pairs
 * listed in a file, with Scapy's gaps reproduced and without.
 *
 *   match_harness [--no-check-ipaddr ...] REQUESTS.pcap REPLIES.pcap PAIRS
 *
 * PAIRS: one "J I" line a pair (0-based reply and request indexes). Prints
 *   Q I HEX     hashret of request I
 *   R J HEX     hashret of reply J
 *   A J I G D   answers(reply J, request I): G with scapy_gaps, D without (0 or 1)
 * Exits 1 on any error, with a message on stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wirecraft/match.h"
#include "wirecraft/pcapio.h"
#include "wirecraft/pkt.h"

struct frame {
	uint8_t *b;
	size_t len;
	const struct wc_proto *first;
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "match_harness: %s: %s\n", what, why);
	exit(1);
}

static struct frame *load(const char *path, size_t *n)
{
	char eb[WC_PCAP_ERRBUF];
	struct wc_pcap_reader *r;
	struct frame *f = NULL;
	const uint8_t *d;
	size_t len, cap = 0;
	int err;

	*n = 0;
	if (wc_pcap_open_read(path, &r, eb))
		die(path, eb);
	while ((err = wc_pcap_next(r, &d, &len, NULL)) == 0) {
		size_t skip = 0;
		const struct wc_proto *first = wc_pcap_first_proto(wc_pcap_link(r), d, len, &skip);

		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			f = realloc(f, cap * sizeof(*f));
			if (!f)
				die(path, strerror(ENOMEM));
		}
		f[*n].len = len - skip;
		f[*n].b = malloc(f[*n].len + 1);
		if (!f[*n].b)
			die(path, strerror(ENOMEM));
		memcpy(f[*n].b, d + skip, f[*n].len);
		f[*n].first = first ? first : &wc_proto_raw;
		(*n)++;
	}
	if (err != -ENOENT)
		die(path, wc_pcap_read_error(r));
	wc_pcap_close_read(r);
	return f;
}

static void dissect(struct wc_pkt *p, const struct frame *f)
{
	if (wc_dissect(p, f->b, f->len, f->first))
		die("dissect", "packet too long");
}

static void print_hash(char tag, size_t i, const struct frame *f,
		       const struct wc_match_opts *o)
{
	static struct wc_pkt p;
	uint8_t key[1024];
	size_t n;

	dissect(&p, f);
	n = wc_hashret_bytes(&p, o, key, sizeof(key));
	if (n > sizeof(key))
		die("hashret", "longer than 1024 bytes");
	printf("%c %zu ", tag, i);
	for (size_t k = 0; k < n; k++)
		printf("%02x", key[k]);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static struct wc_pkt rp, sp;
	struct wc_match_opts o = {.sz = sizeof(o)}, g;
	struct frame *req, *rep;
	size_t nreq, nrep, j, i;
	FILE *pairs;
	int a = 1;

	for (; a < argc && !strncmp(argv[a], "--", 2); a++) {
		if (!strcmp(argv[a], "--no-check-ipaddr"))
			o.no_check_ipaddr = true;
		else if (!strcmp(argv[a], "--no-check-ipsrc"))
			o.no_check_ipsrc = true;
		else if (!strcmp(argv[a], "--check-ipid"))
			o.check_ipid = true;
		else if (!strcmp(argv[a], "--no-check-ipinip"))
			o.no_check_ipinip = true;
		else if (!strcmp(argv[a], "--check-tcperror-seqack"))
			o.check_tcperror_seqack = true;
		else
			die(argv[a], "unknown option");
	}
	if (argc - a != 3)
		die("usage", "match_harness [OPTIONS] REQUESTS.pcap REPLIES.pcap PAIRS");
	g = o;
	g.scapy_gaps = true;
	req = load(argv[a], &nreq);
	rep = load(argv[a + 1], &nrep);
	for (i = 0; i < nreq; i++)
		print_hash('Q', i, &req[i], &o);
	for (j = 0; j < nrep; j++)
		print_hash('R', j, &rep[j], &o);
	pairs = fopen(argv[a + 2], "r");
	if (!pairs)
		die(argv[a + 2], strerror(errno));
	while (fscanf(pairs, "%zu %zu", &j, &i) == 2) {
		if (j >= nrep || i >= nreq)
			die(argv[a + 2], "index out of range");
		dissect(&rp, &rep[j]);
		dissect(&sp, &req[i]);
		printf("A %zu %zu %d %d\n", j, i, wc_answers(&rp, &sp, &g),
		       wc_answers(&rp, &sp, &o));
	}
	fclose(pairs);
	for (i = 0; i < nreq; i++)
		free(req[i].b);
	for (j = 0; j < nrep; j++)
		free(rep[j].b);
	free(req);
	free(rep);
	return fflush(stdout) ? 1 : 0;
}
