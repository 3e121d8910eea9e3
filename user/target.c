/* SPDX-License-Identifier: MIT */
/* Scan targets (wirecraft/target.h): address sets as merged interval lists over one 128-bit
 * space (IPv4 at ::ffff:0:0/96), port lists, and the (address, port) index space. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "wirecraft/target.h"

typedef unsigned __int128 u128;

#define V4_BASE (((u128)0xffff) << 32) /* ::ffff:0.0.0.0 */
#define U128_MAX (~(u128)0)

struct iv {
	u128 lo, hi; /* both included */
};

struct wc_ipset {
	struct iv *v;
	size_t n, cap;
	bool dirty; /* added to since the last merge: unsorted, may overlap */
};

/* ---- addresses ---------------------------------------------------------------------------- */

static u128 to_u128(const struct wc_ipaddr *a)
{
	u128 x = 0;

	if (a->family == AF_INET)
		return V4_BASE | ((u128)a->a[0] << 24 | (u128)a->a[1] << 16 | (u128)a->a[2] << 8 |
				  a->a[3]);
	for (int i = 0; i < 16; i++)
		x = x << 8 | a->a[i];
	return x;
}

static bool is_v4(u128 x)
{
	return (x >> 32) == 0xffff;
}

static void from_u128(u128 x, struct wc_ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (is_v4(x)) {
		uint32_t v = (uint32_t)x;

		a->family = AF_INET;
		a->a[0] = (uint8_t)(v >> 24);
		a->a[1] = (uint8_t)(v >> 16);
		a->a[2] = (uint8_t)(v >> 8);
		a->a[3] = (uint8_t)v;
		return;
	}
	a->family = AF_INET6;
	for (int i = 15; i >= 0; i--, x >>= 8)
		a->a[i] = (uint8_t)x;
}

const char *wc_ipaddr_str(const struct wc_ipaddr *a, char *buf, size_t cap)
{
	if (!inet_ntop(a->family == AF_INET ? AF_INET : AF_INET6, a->a, buf, (socklen_t)cap) &&
	    cap)
		buf[0] = 0;
	return buf;
}

/* ---- sets --------------------------------------------------------------------------------- */

int wc_ipset_new(struct wc_ipset **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void wc_ipset_free(struct wc_ipset *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

static int push(struct wc_ipset *s, u128 lo, u128 hi)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct iv *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct iv){lo, hi};
	return 0;
}

static int cmp_iv(const void *a, const void *b)
{
	const struct iv *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping and adjacent intervals. Needs no memory, so queries on a const
 * set may do it (the set's meaning does not change, only its layout). */
static void merge(struct wc_ipset *s)
{
	size_t k = 0;

	if (!s->dirty)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_iv);
	for (size_t i = 0; i < s->n; i++) {
		if (k && (s->v[k - 1].hi == U128_MAX || s->v[i].lo <= s->v[k - 1].hi + 1)) {
			if (s->v[i].hi > s->v[k - 1].hi)
				s->v[k - 1].hi = s->v[i].hi;
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
	s->dirty = false;
}

static struct wc_ipset *merged(const struct wc_ipset *s)
{
	struct wc_ipset *m = (struct wc_ipset *)s;

	merge(m);
	return m;
}

int wc_ipset_copy(const struct wc_ipset *s, struct wc_ipset **out)
{
	struct wc_ipset *c;

	merged(s);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (s->n) {
		c->v = malloc(s->n * sizeof(*c->v));
		if (!c->v) {
			free(c);
			return -ENOMEM;
		}
		memcpy(c->v, s->v, s->n * sizeof(*c->v));
	}
	c->n = c->cap = s->n;
	*out = c;
	return 0;
}

int wc_ipset_add_range(struct wc_ipset *s, const struct wc_ipaddr *lo, const struct wc_ipaddr *hi)
{
	u128 a = to_u128(lo), b = to_u128(hi);
	int err;

	if (lo->family != hi->family || b < a)
		return -EINVAL;
	err = push(s, a, b);
	if (!err)
		s->dirty = true;
	return err;
}

static int parse_addr(const char *t, struct wc_ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, t, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, t, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int wc_ipset_add_text(struct wc_ipset *s, const char *text)
{
	char buf[128], *p, *e, *sep;
	struct wc_ipaddr lo, hi;
	size_t n;

	while (isspace((unsigned char)*text))
		text++;
	n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, text, n);
	buf[n] = 0;
	p = buf;

	if ((sep = strchr(p, '/'))) {
		unsigned long len;
		unsigned bits;
		u128 a, span;

		*sep = 0;
		if (parse_addr(p, &lo) || !isdigit((unsigned char)sep[1]))
			return -EINVAL;
		errno = 0;
		len = strtoul(sep + 1, &e, 10);
		bits = lo.family == AF_INET ? 32 : 128;
		if (errno || *e || len > bits)
			return -EINVAL;
		a = to_u128(&lo);
		/* the host bits go: 198.18.0.7/16 is 198.18.0.0/16 */
		span = len == 0 ? (bits == 128 ? U128_MAX : (((u128)1 << 32) - 1))
				: ((u128)1 << (bits - len)) - 1;
		a &= ~span;
		if (lo.family == AF_INET)
			a |= V4_BASE;
		if (push(s, a, a + span))
			return -ENOMEM;
		s->dirty = true;
		return 0;
	}
	if ((sep = strchr(p, '-'))) {
		char *q = sep + 1;

		*sep = 0;
		while (sep > p && isspace((unsigned char)sep[-1]))
			*--sep = 0;
		while (isspace((unsigned char)*q))
			q++;
		if (parse_addr(p, &lo) || parse_addr(q, &hi))
			return -EINVAL;
		return wc_ipset_add_range(s, &lo, &hi);
	}
	if (parse_addr(p, &lo))
		return -EINVAL;
	return wc_ipset_add_range(s, &lo, &lo);
}

int wc_ipset_add_file(struct wc_ipset *s, const char *path, unsigned *line)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned ln = 0;
	int err = 0;

	if (line)
		*line = 0;
	if (!f)
		return -errno;
	while ((n = getline(&buf, &cap, f)) >= 0) {
		char *hash = memchr(buf, '#', (size_t)n), *p = buf;

		ln++;
		if (hash)
			*hash = 0;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		err = wc_ipset_add_text(s, p);
		if (err) {
			if (line && err == -EINVAL)
				*line = ln;
			break;
		}
	}
	if (!err && ferror(f))
		err = -EIO;
	free(buf);
	fclose(f);
	return err;
}

/* RFC 6890 and the IANA special-purpose registries: what an internet-wide scan has no business
 * probing. IPv4's own mapped range (::ffff:0:0/96) is not here: it is where IPv4 lives. */
static const char *const reserved[] = {
	"0.0.0.0/8",          /* "this network" */
	"10.0.0.0/8",         /* private */
	"100.64.0.0/10",      /* carrier-grade NAT */
	"127.0.0.0/8",        /* loopback */
	"169.254.0.0/16",     /* link-local */
	"172.16.0.0/12",      /* private */
	"192.0.0.0/24",       /* IETF protocol assignments */
	"192.0.2.0/24",       /* documentation TEST-NET-1 */
	"192.88.99.0/24",     /* 6to4 relay anycast (deprecated) */
	"192.168.0.0/16",     /* private */
	"198.18.0.0/15",      /* benchmarking */
	"198.51.100.0/24",    /* documentation TEST-NET-2 */
	"203.0.113.0/24",     /* documentation TEST-NET-3 */
	"224.0.0.0/4",        /* multicast */
	"240.0.0.0/4",        /* reserved (class E), includes 255.255.255.255 */
	"::/96",              /* unspecified, loopback, IPv4-compatible (deprecated) */
	"64:ff9b:1::/48",     /* local-use IPv4/IPv6 translation */
	"100::/64",           /* discard-only */
	"2001:2::/48",        /* benchmarking */
	"2001:10::/28",       /* ORCHID (deprecated) */
	"2001:db8::/32",      /* documentation */
	"3fff::/20",          /* documentation */
	"5f00::/16",          /* segment routing SIDs */
	"fc00::/7",           /* unique local */
	"fe80::/10",          /* link-local */
	"fec0::/10",          /* site-local (deprecated) */
	"ff00::/8",           /* multicast */
	NULL,
};

const char *const *wc_ipset_reserved_list(void)
{
	return reserved;
}

int wc_ipset_add_reserved(struct wc_ipset *s)
{
	for (size_t i = 0; reserved[i]; i++) {
		int err = wc_ipset_add_text(s, reserved[i]);

		if (err)
			return err;
	}
	return 0;
}

/* Two merged lists in, one merged list out (a two-pointer sweep), replacing s's. */
static int sweep(struct wc_ipset *s, const struct wc_ipset *b, bool keep_inside)
{
	struct wc_ipset out = {0};
	size_t j = 0;

	merge(s);
	merged(b);
	for (size_t i = 0; i < s->n; i++) {
		u128 lo = s->v[i].lo, hi = s->v[i].hi;
		bool open = true; /* lo..hi still has a part to look at */

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (size_t k = j; open && k < b->n && b->v[k].lo <= hi; k++) {
			const struct iv *c = &b->v[k];

			if (keep_inside) {
				u128 a = c->lo > lo ? c->lo : lo, z = c->hi < hi ? c->hi : hi;

				if (push(&out, a, z))
					goto nomem;
			} else {
				if (c->lo > lo && push(&out, lo, c->lo - 1))
					goto nomem;
				if (c->hi >= hi)
					open = false;
				else
					lo = c->hi + 1;
			}
		}
		if (!keep_inside && open && push(&out, lo, hi))
			goto nomem;
	}
	free(s->v);
	s->v = out.v;
	s->n = out.n;
	s->cap = out.cap;
	s->dirty = false;
	return 0;
nomem:
	free(out.v);
	return -ENOMEM;
}

int wc_ipset_subtract(struct wc_ipset *s, const struct wc_ipset *b)
{
	return sweep(s, b, false);
}

int wc_ipset_intersect(struct wc_ipset *s, const struct wc_ipset *b)
{
	return sweep(s, b, true);
}

/* The interval holding x, or -1. */
static ssize_t find(const struct wc_ipset *s, u128 x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].hi < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->v[lo].lo <= x ? (ssize_t)lo : -1;
}

bool wc_ipset_contains(const struct wc_ipset *s, const struct wc_ipaddr *a)
{
	return find(merged(s), to_u128(a)) >= 0;
}

static u128 iv_size(const struct iv *v) /* saturates at U128_MAX for ::/0 */
{
	u128 d = v->hi - v->lo;

	return d == U128_MAX ? d : d + 1;
}

static uint64_t sat64(u128 x)
{
	return x > UINT64_MAX ? UINT64_MAX : (uint64_t)x;
}

uint64_t wc_ipset_count(const struct wc_ipset *s)
{
	uint64_t v4, v6;

	wc_ipset_count_families(s, &v4, &v6);
	return v4 + v6 < v4 ? UINT64_MAX : v4 + v6;
}

void wc_ipset_count_families(const struct wc_ipset *s, uint64_t *v4, uint64_t *v6)
{
	u128 n4 = 0, n6 = 0;
	const u128 v4hi = V4_BASE | 0xffffffffu;

	merged(s);
	for (size_t i = 0; i < s->n; i++) {
		const struct iv *v = &s->v[i];
		/* the part inside ::ffff:0:0/96 is IPv4, the rest IPv6 */
		u128 a = v->lo > V4_BASE ? v->lo : V4_BASE, z = v->hi < v4hi ? v->hi : v4hi;
		u128 in = a <= z ? z - a + 1 : 0, all = iv_size(v);

		n4 += in;
		n6 = (n6 + (all - in) < n6) ? U128_MAX : n6 + (all - in);
	}
	*v4 = sat64(n4);
	*v6 = sat64(n6);
}

size_t wc_ipset_intervals(const struct wc_ipset *s)
{
	return merged(s)->n;
}

int wc_ipset_interval(const struct wc_ipset *s, size_t i, struct wc_ipaddr *lo,
		      struct wc_ipaddr *hi)
{
	if (i >= merged(s)->n)
		return -ENOENT;
	from_u128(s->v[i].lo, lo);
	from_u128(s->v[i].hi, hi);
	return 0;
}

/* ---- ports -------------------------------------------------------------------------------- */

static int parse_port(const char **p, unsigned *v)
{
	char *e;
	unsigned long x;

	while (isspace((unsigned char)**p))
		(*p)++;
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	x = strtoul(*p, &e, 10);
	if (errno || x > 65535)
		return -EINVAL;
	*p = e;
	while (isspace((unsigned char)**p))
		(*p)++;
	*v = (unsigned)x;
	return 0;
}

int wc_ports_parse(const char *spec, struct wc_ports *out)
{
	static const uint8_t zero[8192];
	uint8_t *bits = calloc(1, 8192);
	const char *p = spec;

	if (!bits)
		return -ENOMEM;
	for (;;) {
		unsigned lo, hi;

		if (parse_port(&p, &lo))
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_port(&p, &hi) || hi < lo)
				goto bad;
		}
		for (unsigned x = lo; x <= hi; x++)
			bits[x >> 3] |= (uint8_t)(1u << (x & 7));
		if (!*p)
			break;
		if (*p++ != ',')
			goto bad;
	}
	if (!memcmp(bits, zero, sizeof(zero)))
		goto bad;
	out->n = 0;
	for (unsigned x = 0; x < 65536; x++)
		if (bits[x >> 3] & (1u << (x & 7)))
			out->port[out->n++] = (uint16_t)x;
	free(bits);
	return 0;
bad:
	free(bits);
	return -EINVAL;
}

/* ---- the index space ---------------------------------------------------------------------- */

struct wc_targets {
	struct iv *v;
	uint64_t *cum; /* cum[i]: addresses in the intervals before i; cum[n] = all */
	size_t n;
	uint64_t naddr, count;
	uint32_t nports;
	uint16_t *ports;
	int32_t *port_idx; /* port -> its place in ports, or -1 */
	bool has4, has6;
};

#define MAX_PAIRS (1ull << 62)

int wc_targets_new(const struct wc_ipset *s, const struct wc_ports *ports,
		   struct wc_targets **out)
{
	struct wc_targets *t;
	u128 total = 0;
	uint64_t v4, v6;

	merged(s);
	if (!s->n)
		return -ENOENT;
	if (ports && ports->n == 0)
		return -EINVAL;
	for (size_t i = 0; i < s->n; i++) {
		total += iv_size(&s->v[i]);
		if (total >= MAX_PAIRS)
			return -E2BIG;
	}
	if (total * (ports ? ports->n : 1) >= MAX_PAIRS)
		return -E2BIG;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->n = s->n;
	t->v = malloc(s->n * sizeof(*t->v));
	t->cum = malloc((s->n + 1) * sizeof(*t->cum));
	t->nports = ports ? ports->n : 1;
	t->ports = calloc(t->nports, sizeof(*t->ports));
	t->port_idx = malloc(65536 * sizeof(*t->port_idx));
	if (!t->v || !t->cum || !t->ports || !t->port_idx) {
		wc_targets_free(t);
		return -ENOMEM;
	}
	memcpy(t->v, s->v, s->n * sizeof(*t->v));
	t->cum[0] = 0;
	for (size_t i = 0; i < s->n; i++)
		t->cum[i + 1] = t->cum[i] + (uint64_t)iv_size(&s->v[i]);
	t->naddr = t->cum[s->n];
	t->count = t->naddr * t->nports;
	for (unsigned i = 0; i < 65536; i++)
		t->port_idx[i] = -1;
	for (uint32_t i = 0; i < t->nports; i++) {
		t->ports[i] = ports ? ports->port[i] : 0;
		t->port_idx[t->ports[i]] = (int32_t)i;
	}
	wc_ipset_count_families(s, &v4, &v6);
	t->has4 = v4 > 0;
	t->has6 = v6 > 0;
	*out = t;
	return 0;
}

void wc_targets_free(struct wc_targets *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->cum);
	free(t->ports);
	free(t->port_idx);
	free(t);
}

uint64_t wc_targets_count(const struct wc_targets *t)
{
	return t->count;
}

uint64_t wc_targets_addrs(const struct wc_targets *t)
{
	return t->naddr;
}

uint32_t wc_targets_nports(const struct wc_targets *t)
{
	return t->nports;
}

uint16_t wc_targets_port(const struct wc_targets *t, uint32_t i)
{
	return i < t->nports ? t->ports[i] : 0;
}

bool wc_targets_has_family(const struct wc_targets *t, int family)
{
	return family == AF_INET ? t->has4 : t->has6;
}

int wc_targets_first(const struct wc_targets *t, int family, struct wc_ipaddr *addr)
{
	const u128 v4hi = V4_BASE | 0xffffffffu;

	for (size_t i = 0; i < t->n; i++) {
		const struct iv *v = &t->v[i];

		if (family == AF_INET && v->hi >= V4_BASE && v->lo <= v4hi) {
			from_u128(v->lo > V4_BASE ? v->lo : V4_BASE, addr);
			return 0;
		}
		if (family == AF_INET6) {
			if (!is_v4(v->lo)) {
				from_u128(v->lo, addr);
				return 0;
			}
			if (v->hi > v4hi) {
				from_u128(v4hi + 1, addr);
				return 0;
			}
		}
	}
	return -ENOENT;
}

int wc_targets_get(const struct wc_targets *t, uint64_t index, struct wc_ipaddr *addr,
		   uint16_t *port)
{
	uint64_t ai, pi;
	size_t lo = 0, hi;

	if (index >= t->count)
		return -ERANGE;
	if (t->nports == 1) {
		ai = index;
		pi = 0;
	} else {
		ai = index / t->nports;
		pi = index - ai * t->nports;
	}
	/* the last interval whose first address index is <= ai */
	hi = t->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->cum[mid] <= ai)
			lo = mid;
		else
			hi = mid;
	}
	from_u128(t->v[lo].lo + (ai - t->cum[lo]), addr);
	*port = t->ports[pi];
	return 0;
}

int wc_targets_index(const struct wc_targets *t, const struct wc_ipaddr *addr, uint16_t port,
		     uint64_t *index)
{
	struct wc_ipset view = {.v = t->v, .n = t->n};
	u128 x = to_u128(addr);
	int32_t pi = t->port_idx[port];
	ssize_t i;

	if (pi < 0)
		return -ENOENT;
	i = find(&view, x);
	if (i < 0)
		return -ENOENT;
	*index = (t->cum[i] + (uint64_t)(x - t->v[i].lo)) * t->nports + (uint64_t)pi;
	return 0;
}

uint64_t wc_targets_hash(const struct wc_targets *t)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, 64 bits */

#define MIX(p, n)                                                                              \
	do {                                                                                   \
		const uint8_t *b_ = (const uint8_t *)(p);                                      \
		for (size_t k_ = 0; k_ < (n); k_++)                                            \
			h = (h ^ b_[k_]) * 0x100000001b3ull;                                   \
	} while (0)
	for (size_t i = 0; i < t->n; i++)
		MIX(&t->v[i], sizeof(t->v[i]));
	MIX(&t->nports, sizeof(t->nports));
	MIX(t->ports, t->nports * sizeof(*t->ports));
#undef MIX
	return h;
}
