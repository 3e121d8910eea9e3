/* SPDX-License-Identifier: MIT */
/* The resumable state of a scan (wirecraft/scan.h): a small text file, "key value" per line,
 * so that a person can read where a scan stopped and a script can check it. Written to a
 * temporary file next to it, synced and renamed: a crash while saving leaves the old state. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_file.h"
#include "wirecraft/scan.h"

#define MAGIC "wirecraft-scan-state 1"

int wc_scan_state_save(const char *path, const struct wc_scan_state *s)
{
	char *tmp;
	FILE *f;
	int fd = wc_scan_file_open(path, &tmp), err = 0;

	if (fd < 0)
		return fd;
	f = fdopen(dup(fd), "w");
	if (!f)
		return wc_scan_file_commit(fd, path, tmp, -errno);
	fprintf(f, "%s\n# where a wirecraft scan stopped: run the same command with --resume %s\n",
		MAGIC, path);
	fprintf(f, "seed %" PRIu64 "\nshards %u\nshard %u\nthreads %u\n", s->seed, s->shards,
		s->shard, s->threads);
	fprintf(f, "targets %" PRIu64 " %016" PRIx64 "\nprobe %s\n", s->count, s->targets_hash,
		s->probe);
	fprintf(f, "passes %u\npass %u\ncomplete %d\nprobed %" PRIu64 "\n", s->passes, s->pass,
		s->complete ? 1 : 0, s->probed);
	for (uint32_t i = 0; i < s->threads && i < WC_SCAN_MAX_THREADS; i++)
		fprintf(f, "done %u %" PRIu64 "\n", i, s->done[i]);
	for (uint32_t i = 0; i < s->threads && i < WC_SCAN_MAX_THREADS; i++)
		if (s->limit[i])
			fprintf(f, "limit %u %" PRIu64 "\n", i, s->limit[i]);
	fprintf(f, "answered %" PRIu64 "\n", s->nanswered);
	for (uint64_t i = 0; i < s->nanswered; i++)
		fprintf(f, "%" PRIu64 "\n", s->answered[i]);
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = errno ? -errno : -EIO;
	return wc_scan_file_commit(fd, path, tmp, err);
}

/* A whole token as a number. */
static int num(const char *t, int base, uint64_t *v)
{
	char *e;

	if (!isxdigit((unsigned char)*t))
		return -EINVAL;
	errno = 0;
	*v = strtoull(t, &e, base);
	return errno || *e ? -EINVAL : 0;
}

void wc_scan_state_free(struct wc_scan_state *s)
{
	if (!s)
		return;
	free(s->answered);
	s->answered = NULL;
	s->nanswered = 0;
}

int wc_scan_state_load(const char *path, struct wc_scan_state *s, unsigned *line)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	unsigned ln = 0, seen = 0;
	uint64_t want = 0;
	int err = 0;

	if (line)
		*line = 0;
	memset(s, 0, sizeof(*s));
	if (!f)
		return -errno;
	while (getline(&buf, &cap, f) >= 0) {
		char *tok[4], *key;
		uint64_t a, v[3];
		int ntok;

		ln++;
		buf[strcspn(buf, "\n")] = 0;
		if (ln == 1) {
			if (strcmp(buf, MAGIC))
				goto bad;
			continue;
		}
		if (!buf[0] || buf[0] == '#')
			continue;
		if (want) { /* the answered list */
			char *e;

			errno = 0;
			a = strtoull(buf, &e, 10);
			if (errno || *e || e == buf || a >= s->count)
				goto bad;
			s->answered[s->nanswered++] = a;
			want--;
			continue;
		}
		ntok = 0;
		for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t;
		     t = strtok_r(NULL, " \t", &save)) {
			if (ntok == 4)
				goto bad;
			tok[ntok++] = t;
		}
		if (!ntok)
			continue;
		key = tok[0];
		if (!strcmp(key, "probe")) {
			if (ntok != 2 || strlen(tok[1]) >= sizeof(s->probe))
				goto bad;
			memcpy(s->probe, tok[1], strlen(tok[1]) + 1);
			seen |= 32;
			continue;
		}
		/* every other key is followed by numbers, the fingerprint in hex */
		for (int i = 1; i < ntok; i++)
			if (num(tok[i], !strcmp(key, "targets") && i == 2 ? 16 : 10, &v[i - 1]))
				goto bad;
		if (!strcmp(key, "seed") && ntok == 2) {
			s->seed = v[0];
			seen |= 1;
		} else if (!strcmp(key, "shards") && ntok == 2 && v[0] >= 1 && v[0] <= UINT32_MAX) {
			s->shards = (uint32_t)v[0];
			seen |= 2;
		} else if (!strcmp(key, "shard") && ntok == 2 && v[0] <= UINT32_MAX) {
			s->shard = (uint32_t)v[0];
			seen |= 4;
		} else if (!strcmp(key, "threads") && ntok == 2 && v[0] >= 1 &&
			   v[0] <= WC_SCAN_MAX_THREADS) {
			s->threads = (uint32_t)v[0];
			seen |= 8;
		} else if (!strcmp(key, "targets") && ntok == 3) {
			s->count = v[0];
			s->targets_hash = v[1];
			seen |= 16;
		} else if (!strcmp(key, "passes") && ntok == 2 && v[0] >= 1 && v[0] <= 1000) {
			s->passes = (uint32_t)v[0];
			seen |= 64;
		} else if (!strcmp(key, "probed") && ntok == 2) {
			s->probed = v[0];
		} else if (!strcmp(key, "pass") && ntok == 2 && v[0] < 1000) {
			s->pass = (uint32_t)v[0];
			seen |= 128;
		} else if (!strcmp(key, "complete") && ntok == 2 && v[0] <= 1) {
			s->complete = v[0];
			seen |= 256;
		} else if (!strcmp(key, "done") && ntok == 3 && v[0] < WC_SCAN_MAX_THREADS) {
			s->done[v[0]] = v[1];
		} else if (!strcmp(key, "limit") && ntok == 3 && v[0] < WC_SCAN_MAX_THREADS) {
			s->limit[v[0]] = v[1];
		} else if (!strcmp(key, "answered") && ntok == 2 && (seen & 16) && v[0] <= s->count) {
			if (v[0]) {
				s->answered = malloc(v[0] * sizeof(*s->answered));
				if (!s->answered) {
					err = -ENOMEM;
					goto out;
				}
			}
			want = v[0];
			seen |= 512;
		} else {
			goto bad;
		}
	}
	if (ferror(f)) {
		err = -EIO;
		goto out;
	}
	if (ln == 0 || want || (seen & 511) != 511 || s->shard >= s->shards || s->pass >= s->passes)
		goto bad_end;
	goto out;
bad:
	if (line)
		*line = ln;
	err = -EINVAL;
	goto out;
bad_end:
	if (line)
		*line = ln ? ln : 1;
	err = -EINVAL;
out:
	if (err)
		wc_scan_state_free(s);
	free(buf);
	fclose(f);
	return err;
}
