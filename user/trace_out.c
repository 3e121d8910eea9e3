/* SPDX-License-Identifier: MIT */
/* Trace output (wirecraft/trace.h): a text table, JSON lines, CSV and a graphviz graph, all
 * built in memory and written at once: a regular file appears whole under its name, anything
 * else (/dev/null, a FIFO, a symlink) is written in place, never renamed over (scan_file.h,
 * scan's rules); standard output gets it in one go. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* The output is built in one buffer with these, not stdio: a /20 traced is 25k lines, and
 * fprintf's locking and format parsing took 30-60 ms of a 0.3 s trace. */
struct ob {
	char *p;
	size_t len, cap;
	bool oom;
};

static char *room(struct ob *o, size_t n)
{
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1 << 16;
		char *np;

		while (cap < o->len + n)
			cap *= 2;
		np = o->oom ? NULL : realloc(o->p, cap);
		if (!np) {
			o->oom = true;
			return NULL;
		}
		o->p = np;
		o->cap = cap;
	}
	return o->p + o->len;
}

static void put(struct ob *o, const char *s, size_t n)
{
	char *d = room(o, n);

	if (d) {
		memcpy(d, s, n);
		o->len += n;
	}
}

static void S(struct ob *o, const char *s)
{
	put(o, s, strlen(s));
}

static void pad(struct ob *o, size_t n)
{
	char *d = room(o, n);

	if (d) {
		memset(d, ' ', n);
		o->len += n;
	}
}

/* an unsigned number, right-aligned in `width` (0: as long as it is) */
static void U(struct ob *o, unsigned long long v, size_t width)
{
	char b[24];
	size_t n = 0;

	do
		b[sizeof(b) - ++n] = (char)('0' + v % 10);
	while ((v /= 10));
	if (width > n)
		pad(o, width - n);
	put(o, b + sizeof(b) - n, n);
}

/* an address, left-aligned in `width` (0: as long as it is) */
static void A(struct ob *o, const struct wc_ipaddr *a, size_t width)
{
	char b[64];
	size_t n = 0;

	if (a->family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			unsigned v = a->a[i];

			if (i)
				b[n++] = '.';
			if (v >= 100)
				b[n++] = (char)('0' + v / 100);
			if (v >= 10)
				b[n++] = (char)('0' + v / 10 % 10);
			b[n++] = (char)('0' + v % 10);
		}
	} else {
		n = strlen(wc_ipaddr_str(a, b, sizeof(b)));
	}
	put(o, b, n);
	if (width > n)
		pad(o, width - n);
}

/* milliseconds with three decimals, right-aligned in `width`; unknown: `none` */
static void rtt(struct ob *o, double ms, size_t width, const char *none)
{
	if (ms < 0 || ms > 1e12) {
		size_t n = strlen(none);

		if (width > n)
			pad(o, width - n);
		put(o, none, n);
		return;
	}
	double x = ms * 1000, fl = floor(x);
	unsigned long long us = (unsigned long long)fl + (x - fl > 0.5);
	char b[32];
	size_t n = 0;

	if (fabs(x - fl - 0.5) < 1e-6) { /* a tie, or near one: printf's exact rounding */
		n = (size_t)snprintf(b, sizeof(b), "%.3f", ms);
		if (width > n)
			pad(o, width - n);
		put(o, b, n);
		return;
	}

	for (int i = 0; i < 3; i++, us /= 10)
		b[sizeof(b) - ++n] = (char)('0' + us % 10);
	b[sizeof(b) - ++n] = '.';
	do
		b[sizeof(b) - ++n] = (char)('0' + us % 10);
	while ((us /= 10));
	if (width > n)
		pad(o, width - n);
	put(o, b + sizeof(b) - n, n);
}

static void text(struct ob *f, const struct wc_trace *tr, const char *probe)
{
	char head[96];

	snprintf(head, sizeof(head), "  hop  %-39s %9s  %s\n", "router", "rtt ms", "reply");
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		S(f, i ? "\ntraceroute to " : "traceroute to ");
		A(f, &p->target, 0);
		if (probe) {
			S(f, " (");
			S(f, probe);
			S(f, ")");
		}
		if (p->reached) {
			S(f, ": reached at hop ");
			U(f, p->dest_ttl, 0);
			S(f, "\n");
		} else {
			S(f, ": not reached\n");
		}
		S(f, head);
		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			S(f, "  ");
			U(f, h->ttl, 3);
			if (!h->addr.family) {
				S(f, "  *\n");
				continue;
			}
			S(f, "  ");
			A(f, &h->addr, 39);
			S(f, " ");
			rtt(f, h->rtt_ms, 9, "-");
			S(f, "  ");
			S(f, h->reply ? h->reply : "");
			S(f, "\n");
		}
	}
	if (wc_trace_npaths(tr))
		S(f, "\n");
	U(f, wc_trace_ntargets(tr), 0);
	S(f, " targets, ");
	U(f, wc_trace_npaths(tr), 0);
	S(f, " answered, ");
	U(f, wc_trace_nreached(tr), 0);
	S(f, " reached; ");
	U(f, wc_trace_nlinks(tr), 0);
	S(f, " links\n");
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		S(f, "  ");
		A(f, &l->from, 0);
		S(f, " -> ");
		A(f, &l->to, 0);
		S(f, "  (hop ");
		U(f, l->ttl, 0);
		S(f, ", ");
		U(f, l->paths, 0);
		S(f, " paths)\n");
	}
}

static void json(struct ob *f, const struct wc_trace *tr, const char *probe)
{
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);
		bool first = true;

		S(f, "{\"type\":\"path\",\"target\":\"");
		A(f, &p->target, 0);
		S(f, p->reached ? "\",\"reached\":true,\"dest_ttl\":" : "\",\"reached\":false,\"dest_ttl\":");
		if (p->reached)
			U(f, p->dest_ttl, 0);
		else
			S(f, "null");
		if (probe) {
			S(f, ",\"probe\":\"");
			S(f, probe);
			S(f, "\"");
		}
		S(f, ",\"hops\":[");
		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			if (!h->addr.family)
				continue;
			S(f, first ? "{\"ttl\":" : ",{\"ttl\":");
			U(f, h->ttl, 0);
			S(f, ",\"addr\":\"");
			A(f, &h->addr, 0);
			S(f, "\",\"rtt_ms\":");
			rtt(f, h->rtt_ms, 0, "null");
			S(f, ",\"reply\":\"");
			S(f, h->reply ? h->reply : "");
			S(f, "\",\"reply_ttl\":");
			U(f, h->reply_ttl, 0);
			S(f, "}");
			first = false;
		}
		S(f, "]}\n");
	}
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		S(f, "{\"type\":\"link\",\"from\":\"");
		A(f, &l->from, 0);
		S(f, "\",\"to\":\"");
		A(f, &l->to, 0);
		S(f, "\",\"ttl\":");
		U(f, l->ttl, 0);
		S(f, ",\"paths\":");
		U(f, l->paths, 0);
		S(f, "}\n");
	}
}

static void csv(struct ob *f, const struct wc_trace *tr)
{
	S(f, "target,ttl,addr,rtt_ms,reply,reached\n");
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		for (unsigned k = 0; k < p->nhops; k++) {
			const struct wc_trace_hop *h = &p->hops[k];

			if (!h->addr.family)
				continue;
			A(f, &p->target, 0);
			S(f, ",");
			U(f, h->ttl, 0);
			S(f, ",");
			A(f, &h->addr, 0);
			S(f, ",");
			rtt(f, h->rtt_ms, 0, "");
			S(f, ",");
			S(f, h->reply ? h->reply : "");
			S(f, p->reached ? ",1\n" : ",0\n");
		}
	}
}

/* Routers and targets as nodes (targets as ellipses, routers as boxes), links as edges labelled
 * with the number of paths through them. */
static void dot(struct ob *f, const struct wc_trace *tr, const char *probe)
{
	S(f, "digraph traceroute {\n\tlabel=\"wirecraft traceroute");
	if (probe) {
		S(f, ": ");
		S(f, probe);
	}
	S(f, "\";\n\trankdir=LR;\n\tnode [shape=box];\n");
	for (size_t i = 0; i < wc_trace_npaths(tr); i++) {
		const struct wc_trace_path *p = wc_trace_path(tr, i);

		if (p->reached) {
			S(f, "\t\"");
			A(f, &p->target, 0);
			S(f, "\" [shape=ellipse];\n");
		}
	}
	for (size_t i = 0; i < wc_trace_nlinks(tr); i++) {
		const struct wc_trace_link *l = wc_trace_link(tr, i);

		S(f, "\t\"");
		A(f, &l->from, 0);
		S(f, "\" -> \"");
		A(f, &l->to, 0);
		S(f, "\" [label=\"");
		U(f, l->paths, 0);
		S(f, "\"];\n");
	}
	S(f, "}\n");
}

int wc_trace_write(const struct wc_trace *tr, const char *path, enum wc_trace_format fmt,
		   const char *probe)
{
	struct ob ob = {0};
	char *buf, *tmp = NULL;
	size_t len, off = 0;
	int fd = STDOUT_FILENO, err = 0;

	switch (fmt) {
	case WC_TRACE_TEXT: text(&ob, tr, probe); break;
	case WC_TRACE_JSON: json(&ob, tr, probe); break;
	case WC_TRACE_CSV: csv(&ob, tr); break;
	case WC_TRACE_DOT: dot(&ob, tr, probe); break;
	default: err = -EINVAL;
	}
	if (ob.oom && !err)
		err = -ENOMEM;
	if (err) {
		free(ob.p);
		return err;
	}
	buf = ob.p;
	len = ob.len;
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
