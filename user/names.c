/* SPDX-License-Identifier: MIT */
/* Host names per target address (wirecraft/banner.h, wc_names_*): zgrab2's "ip,domain" input,
 * so that a banner scan of many sites sends each its own HTTP Host and TLS SNI. A sorted array
 * looked up by binary search: read-only once loaded, so the receive threads share it. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "wirecraft/banner.h"
#include "wirecraft/target.h"

struct name_entry {
	struct wc_ipaddr a;
	char *name;
};

struct wc_names {
	struct name_entry *e;
	size_t n, cap, longest;
};

static int cmp_addr(const struct wc_ipaddr *x, const struct wc_ipaddr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->a, y->a, x->family == AF_INET ? 4 : 16);
}

static int cmp_entry(const void *x, const void *y)
{
	return cmp_addr(&((const struct name_entry *)x)->a, &((const struct name_entry *)y)->a);
}

/* A DNS name as a Host header and SNI may carry it: letters, digits, '-', '_', '.', at most 253
 * bytes, no empty label. (An IDN comes in its A-label form, xn--...) */
static bool name_ok(const char *s)
{
	size_t n = strlen(s), lab = 0;

	if (!n || n > 253 || s[0] == '.' || strstr(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_') || ++lab > 63)
			return false;
	}
	return true;
}

static bool parse_addr(const char *s, struct wc_ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return true;
	}
	return false;
}

/* One line: "ADDRESS,NAME" or "ADDRESS NAME" (blanks around both). 0: blank or comment. */
static int parse_line(char *l, struct wc_ipaddr *a, char **name)
{
	char *hash = strchr(l, '#'), *addr, *nm, *end;

	if (hash)
		*hash = 0;
	addr = l + strspn(l, " \t\r\n");
	if (!*addr)
		return 0;
	end = addr + strcspn(addr, ", \t\r\n");
	nm = end + strspn(end, " \t");
	if (*nm == ',')
		nm++;
	nm += strspn(nm, " \t");
	*end = 0;
	end = nm + strcspn(nm, " \t\r\n");
	if (end[strspn(end, " \t\r\n")])
		return -EINVAL; /* something after the name */
	*end = 0;
	if (!parse_addr(addr, a) || !name_ok(nm))
		return -EINVAL;
	*name = nm;
	return 1;
}

static int add(struct wc_names *n, const struct wc_ipaddr *a, const char *name)
{
	size_t len = strlen(name);

	if (n->n == n->cap) {
		size_t cap = n->cap ? 2 * n->cap : 64;
		struct name_entry *e = realloc(n->e, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		n->e = e;
		n->cap = cap;
	}
	n->e[n->n].a = *a;
	n->e[n->n].name = strdup(name);
	if (!n->e[n->n].name)
		return -ENOMEM;
	n->n++;
	if (len > n->longest)
		n->longest = len;
	return 0;
}

int wc_names_load(const char *path, struct wc_names **out, struct wc_ipset *targets,
		  unsigned *line)
{
	struct wc_names *n;
	char *l = NULL, *name;
	size_t lcap = 0;
	unsigned no = 0, *lines = NULL;
	struct wc_ipaddr a;
	FILE *f;
	int err = 0, r;

	if (line)
		*line = 0;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = calloc(1, sizeof(*n));
	if (!n) {
		fclose(f);
		return -ENOMEM;
	}
	while (!err && getline(&l, &lcap, f) >= 0) {
		no++;
		r = parse_line(l, &a, &name);
		if (r < 0) {
			err = r;
			break;
		}
		if (r == 0)
			continue;
		err = add(n, &a, name);
		if (!err && targets)
			err = wc_ipset_add_range(targets, &a, &a);
		if (!err) { /* the line of each entry, to name a duplicate after sorting */
			unsigned *nl = realloc(lines, n->n * sizeof(*nl));

			if (!nl)
				err = -ENOMEM;
			else
				(lines = nl)[n->n - 1] = no;
		}
	}
	if (!err && ferror(f))
		err = -EIO;
	free(l);
	fclose(f);
	if (!err && n->n) {
		/* sorted with each entry's line (the entry first: cmp_entry reads it) */
		struct {
			struct name_entry e;
			unsigned line;
		} *tmp = malloc(n->n * sizeof(*tmp));

		if (!tmp) {
			err = -ENOMEM;
		} else {
			for (size_t i = 0; i < n->n; i++)
				tmp[i].e = n->e[i], tmp[i].line = lines[i];
			qsort(tmp, n->n, sizeof(*tmp), cmp_entry);
			for (size_t i = 0; i < n->n; i++) {
				n->e[i] = tmp[i].e;
				if (!err && i && !cmp_addr(&tmp[i].e.a, &tmp[i - 1].e.a)) {
					/* one name an address: a stateless scan probes it once */
					err = -EEXIST;
					no = tmp[i].line > tmp[i - 1].line ? tmp[i].line : tmp[i - 1].line;
				}
			}
			free(tmp);
		}
	}
	free(lines);
	if (err) {
		if (line && (err == -EINVAL || err == -EEXIST))
			*line = no;
		wc_names_free(n);
		return err;
	}
	*out = n;
	return 0;
}

const char *wc_names_find(const struct wc_names *n, const struct wc_ipaddr *a)
{
	size_t lo = 0, hi;

	if (!n)
		return NULL;
	hi = n->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_addr(a, &n->e[mid].a);

		if (!c)
			return n->e[mid].name;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t wc_names_count(const struct wc_names *n)
{
	return n ? n->n : 0;
}

size_t wc_names_longest(const struct wc_names *n)
{
	return n ? n->longest : 0;
}

void wc_names_free(struct wc_names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->e[i].name);
	free(n->e);
	free(n);
}
