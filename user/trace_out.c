/* SPDX-License-Identifier: MIT */
/* Trace output (wirecraft/trace.h): a text table, JSON lines, CSV and a graphviz graph, all
 * built in memory and written at once: a regular file appears whole under its name, anything
 * else (/dev/null, a FIFO, a symlink) is written in place, never renamed over (scan_file.h,
 * scan's rules); standard output gets it in one go. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_file.h"
#include "wirecraft/trace.h"

int wc_trace_format_parse(const char *name)
{
	static const char *const names[] = {"text", "json", "csv", "dot"};

	for (int i = 0; i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static const char *A(const struct wc_ipaddr *a, char *buf)
{
	return wc_ipaddr_str(a, buf, 64);
}

static void rtt_text(FILE *f, double ms, const char *fmt)
{
	if (ms < 0)
		fputs(fmt[0] == 'j' ? "null" : "", f);
	else
		fprintf(f, "%.3f", ms);
}

static void text(FILE *f, const struct wc_trace *tr, const char *probe)
{
	char b1[64], b2[64];

	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		fprintf(f, "%straceroute to %s%s%s%s: ", i ? "\n" : "", A(&p->target, b1),
			probe ? " (" : "", probe ? probe : "", probe ? ")" : "");
		if (p->reached)
			fprintf(f, "reached at hop %u\n", p->dest_ttl);
		else
			fprintf(f, "not reached\n");
		fprintf(f, "  hop  %-39s %9s  %s\n", "router", "rtt ms", "reply");
		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			if (!h->addr.family) {
				fprintf(f, "  %3u  *\n", h->ttl);
				continue;
			}
			fprintf(f, "  %3u  %-39s ", h->ttl, A(&h->addr, b1));
			if (h->rtt_ms < 0)
				fprintf(f, "%9s", "-");
			else
				fprintf(f, "%9.3f", h->rtt_ms);
			fprintf(f, "  %s\n", h->reply ? h->reply : "");
		}
	}
	fprintf(f, "%s%llu targets, %zu answered, %llu reached; %zu links\n",
		wc_trace_npaths(tr) ? "\n" : "", (unsigned long long)wc_trace_ntargets(tr),
		wc_trace_npaths(tr), (unsigned long long)wc_trace_nreached(tr), wc_trace_nlinks(tr));
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		fprintf(f, "  %s -> %s  (hop %u, %u paths)\n", A(&l->from, b1), A(&l->to, b2),
			l->ttl, l->paths);
	}
}

static void json(FILE *f, const struct wc_trace *tr, const char *probe)
{
	char b1[64], b2[64];

	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);
		bool first = true;

		fprintf(f, "{\"type\":\"path\",\"target\":\"%s\",\"reached\":%s,\"dest_ttl\":",
			A(&p->target, b1), p->reached ? "true" : "false");
		if (p->reached)
			fprintf(f, "%u", p->dest_ttl);
		else
			fputs("null", f);
		if (probe)
			fprintf(f, ",\"probe\":\"%s\"", probe);
		fputs(",\"hops\":[", f);
		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			if (!h->addr.family)
				continue;
			fprintf(f, "%s{\"ttl\":%u,\"addr\":\"%s\",\"rtt_ms\":", first ? "" : ",",
				h->ttl, A(&h->addr, b1));
			rtt_text(f, h->rtt_ms, "json");
			fprintf(f, ",\"reply\":\"%s\",\"reply_ttl\":%u}", h->reply ? h->reply : "",
				h->reply_ttl);
			first = false;
		}
		fputs("]}\n", f);
	}
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		fprintf(f, "{\"type\":\"link\",\"from\":\"%s\",\"to\":\"%s\",\"ttl\":%u,\"paths\":%u}\n",
			A(&l->from, b1), A(&l->to, b2), l->ttl, l->paths);
	}
}

static void csv(FILE *f, const struct wc_trace *tr)
{
	char b1[64], b2[64];

	fputs("target,ttl,addr,rtt_ms,reply,reached\n", f);
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			if (!h->addr.family)
				continue;
			fprintf(f, "%s,%u,%s,", A(&p->target, b1), h->ttl, A(&h->addr, b2));
			rtt_text(f, h->rtt_ms, "csv");
			fprintf(f, ",%s,%d\n", h->reply ? h->reply : "", p->reached);
		}
	}
}

/* Routers and targets as nodes (targets as ellipses, routers as boxes), links as edges labelled
 * with the number of paths through them. */
static void dot(FILE *f, const struct wc_trace *tr, const char *probe)
{
	char b1[64], b2[64];

	fprintf(f, "digraph traceroute {\n\tlabel=\"wirecraft traceroute%s%s\";\n\trankdir=LR;\n"
		   "\tnode [shape=box];\n", probe ? ": " : "", probe ? probe : "");
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		if (p->reached)
			fprintf(f, "\t\"%s\" [shape=ellipse];\n", A(&p->target, b1));
	}
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		fprintf(f, "\t\"%s\" -> \"%s\" [label=\"%u\"];\n", A(&l->from, b1), A(&l->to, b2),
			l->paths);
	}
	fputs("}\n", f);
}

int wc_trace_write(const struct wc_trace *tr, const char *path, enum wc_trace_format fmt,
		   const char *probe)
{
	char *buf = NULL, *tmp = NULL;
	size_t len = 0, off = 0;
	FILE *f = open_memstream(&buf, &len);
	int fd = STDOUT_FILENO, err = 0;

	if (!f)
		return -ENOMEM;
	switch (fmt) {
	case WC_TRACE_TEXT: text(f, tr, probe); break;
	case WC_TRACE_JSON: json(f, tr, probe); break;
	case WC_TRACE_CSV: csv(f, tr); break;
	case WC_TRACE_DOT: dot(f, tr, probe); break;
	default: err = -EINVAL;
	}
	if (fclose(f) && !err)
		err = -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	if (path && strcmp(path, "-")) {
		fd = wc_scan_file_open(path, &tmp);
		if (fd < 0) {
			free(buf);
			return fd;
		}
	}
	while (off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(buf);
	if (fd == STDOUT_FILENO)
		return err;
	return wc_scan_file_commit(fd, path, tmp, err);
}
