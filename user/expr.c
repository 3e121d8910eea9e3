/* SPDX-License-Identifier: MIT */
/* Scapy expressions -> packet sets.
 *
 *   expr  := term ('/' term)*
 *   term  := Name '(' [args] ')' | 'fuzz' '(' expr ')' | '(' expr ')' | string [* int]
 *   args  := arg (',' arg)* [','],   arg := ident '=' value | value
 *   value := int | string | bytes | [v, ...] | (v, ...) | None | True | False | Name(args)
 *
 * Parsing builds a small tree of values per argument (scratch memory); the tree is then
 * converted according to the kind of the field it is given to (proto.h), into the field's
 * wc_spec. Only byte strings and segment arrays that the set keeps go to the set's arena.
 * The protocol tables are data: nothing here knows a protocol except Raw, the layer a bare
 * string stands for, and the option formats of TCP and IP (Scapy's own lists). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "dhcpopts.h"
#include "expr_lex.h"
#include "set_impl.h"
#include "wirecraft/proto.h"

/* Nesting bounds: inputs may come from a fuzzer, and recursion must stay shallow. */
#define MAX_VALUE_DEPTH 8 /* lists, tuples and calls inside each other */
#define MAX_TERM_DEPTH 8  /* fuzz(...) and (...) around layers */
/* No byte string may be longer than a packet. */
#define MAX_BYTES WC_MAX_PKT

/* Always -EINVAL. Said here as well as in expr_lex.c so that a reader (and the static
 * analyzer, which does not look into the other file) knows a failure never returns 0. */
#define FAIL(c, col, ...) (wc_expr_fail((c)->err, (col), __VA_ARGS__), -EINVAL)

enum vkind { V_INT, V_STR, V_NONE, V_LIST, V_TUPLE, V_CALL };

/* A parsed value. Strings and bytes literals are both V_STR: Scapy turns text into its
 * UTF-8 bytes everywhere we care about, which the lexer already did. */
struct vnode {
	uint8_t kind;  /* enum vkind */
	int col;
	uint64_t u;    /* V_INT */
	const uint8_t *s; /* V_STR */
	size_t slen;
	const char *name; /* V_CALL: the function's name, in the source */
	size_t namelen;
	const char *kw;   /* as a call argument: its keyword, NULL when positional */
	size_t kwlen;
	int argcol;       /* as a call argument: where it starts (its keyword, if any) */
	unsigned nkids;
	struct vnode *kids; /* V_LIST, V_TUPLE, V_CALL: elements or arguments, in order */
	struct vnode *next;
};

struct ctx {
	struct wc_lexer lx;
	struct wc_tok cur, la; /* current token, and one token of lookahead when has_la */
	bool has_la;
	unsigned vdepth, tdepth;
	struct wc_set *s;
	struct wc_err *err;
	struct wc_tmp_blk *tmp;
};

/* ---------------------------------------------------------------- tokens ---- */

static int advance(struct ctx *c)
{
	if (c->has_la) {
		c->cur = c->la;
		c->has_la = false;
		return 0;
	}
	return wc_lex_next(&c->lx, &c->cur, c->err);
}

static int peek(struct ctx *c, const struct wc_tok **t)
{
	if (!c->has_la) {
		int rc = wc_lex_next(&c->lx, &c->la, c->err);

		if (rc)
			return rc;
		c->has_la = true;
	}
	*t = &c->la;
	return 0;
}

static bool word_is(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(p, w, n) == 0;
}

static bool tok_is(const struct wc_tok *t, const char *w)
{
	return t->kind == WC_T_IDENT && word_is(t->p, t->len, w);
}

/* The current token, quoted for "found ..." in messages. */
static const char *found(const struct wc_tok *t, char *buf, size_t cap)
{
	char q[32];

	if (t->kind == WC_T_EOF)
		return "end of input";
	snprintf(buf, cap, "'%s'", wc_expr_quote(q, sizeof(q), t->p, t->len));
	return buf;
}

static int expected(struct ctx *c, const char *what)
{
	char b[40];

	return FAIL(c, c->cur.col, "expected %s, found %s", what, found(&c->cur, b, sizeof(b)));
}

/* ---------------------------------------------------------------- values ---- */

static struct vnode *new_node(struct ctx *c, int kind, int col)
{
	struct vnode *v = wc_tmp_alloc(&c->tmp, sizeof(*v));

	if (v) {
		v->kind = (uint8_t)kind;
		v->col = col;
	}
	return v;
}

static void append(struct vnode *parent, struct vnode **tail, struct vnode *kid)
{
	if (*tail)
		(*tail)->next = kid;
	else
		parent->kids = kid;
	*tail = kid;
	parent->nkids++;
}

static int parse_value(struct ctx *c, struct vnode **out);

/* "abc" or "abc" * n (Python's repetition, handy for payloads: "A" * 100). */
static int parse_string(struct ctx *c, struct vnode *v)
{
	uint8_t *rep;
	uint64_t n;
	int rc;

	v->s = c->cur.s;
	v->slen = c->cur.slen;
	rc = advance(c);
	if (rc || c->cur.kind != WC_T_STAR)
		return rc;
	rc = advance(c);
	if (rc)
		return rc;
	if (c->cur.kind != WC_T_INT)
		return expected(c, "a count after '*'");
	n = c->cur.u;
	if (!v->slen || !n) { /* "" * 10**18 is empty, and must not loop that long */
		v->slen = 0;
		return advance(c);
	}
	if (v->slen > MAX_BYTES / n)
		return FAIL(c, c->cur.col, "string too long (more than %d bytes)", MAX_BYTES);
	rep = wc_tmp_alloc(&c->tmp, v->slen * n + 1);
	if (!rep)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++)
		memcpy(rep + i * v->slen, v->s, v->slen);
	v->s = rep;
	v->slen *= n;
	return advance(c);
}

/* Elements up to `close`, separated by commas, with an optional trailing comma, appended
 * to v after *tail. `what` names the closer for messages. */
static int parse_elems(struct ctx *c, struct vnode *v, struct vnode **tail, int close,
		       const char *what)
{
	struct vnode *kid;
	int rc;

	while (c->cur.kind != close) {
		rc = parse_value(c, &kid);
		if (rc)
			return rc;
		append(v, tail, kid);
		if (c->cur.kind == WC_T_COMMA) {
			rc = advance(c);
			if (rc)
				return rc;
		} else if (c->cur.kind != close) {
			return expected(c, what);
		}
	}
	return advance(c);
}

/* After '(': "()" is an empty tuple, "(x)" is x, "(x," starts a tuple. */
static int parse_paren(struct ctx *c, struct vnode **out, int col)
{
	struct vnode *first, *v, *tail;
	int rc;

	if (c->cur.kind == WC_T_RPAREN) {
		*out = new_node(c, V_TUPLE, col);
		return *out ? advance(c) : -ENOMEM;
	}
	rc = parse_value(c, &first);
	if (rc)
		return rc;
	if (c->cur.kind == WC_T_RPAREN) {
		*out = first;
		return advance(c);
	}
	if (c->cur.kind != WC_T_COMMA)
		return expected(c, "')' or ','");
	v = new_node(c, V_TUPLE, col);
	if (!v)
		return -ENOMEM;
	tail = NULL;
	append(v, &tail, first);
	*out = v;
	rc = advance(c);
	return rc ? rc : parse_elems(c, v, &tail, WC_T_RPAREN, "')' or ','");
}

/* Arguments of a call used as a value (RandIP("..."), IPOption_RR(routers=[...])).
 * The '(' has been consumed. */
static int parse_call_args(struct ctx *c, struct vnode *v)
{
	struct vnode *tail = NULL, *kid;
	const struct wc_tok *nx;
	int rc;

	while (c->cur.kind != WC_T_RPAREN) {
		const char *kw = NULL;
		size_t kwlen = 0;
		int argcol = c->cur.col;

		if (c->cur.kind == WC_T_IDENT) {
			rc = peek(c, &nx);
			if (rc)
				return rc;
			if (nx->kind == WC_T_EQ) {
				kw = c->cur.p;
				kwlen = c->cur.len;
				rc = advance(c);
				if (!rc)
					rc = advance(c);
				if (rc)
					return rc;
			}
		}
		rc = parse_value(c, &kid);
		if (rc)
			return rc;
		kid->kw = kw;
		kid->kwlen = kwlen;
		kid->argcol = argcol;
		append(v, &tail, kid);
		if (c->cur.kind == WC_T_COMMA) {
			rc = advance(c);
			if (rc)
				return rc;
		} else if (c->cur.kind != WC_T_RPAREN) {
			return expected(c, "')' or ','");
		}
	}
	return advance(c);
}

/* None, True, False, or Name(args). */
static int parse_ident_value(struct ctx *c, struct vnode **out)
{
	const struct wc_tok *nx;
	struct wc_tok id = c->cur;
	struct vnode *v;
	char q[40];
	int rc;

	if (tok_is(&id, "None") || tok_is(&id, "True") || tok_is(&id, "False")) {
		v = new_node(c, tok_is(&id, "None") ? V_NONE : V_INT, id.col);
		if (!v)
			return -ENOMEM;
		v->u = tok_is(&id, "True");
		*out = v;
		return advance(c);
	}
	rc = peek(c, &nx);
	if (rc)
		return rc;
	if (nx->kind != WC_T_LPAREN)
		return FAIL(c, id.col, "unknown name '%s' (strings need quotes)",
			    wc_expr_quote(q, sizeof(q), id.p, id.len));
	v = new_node(c, V_CALL, id.col);
	if (!v)
		return -ENOMEM;
	v->name = id.p;
	v->namelen = id.len;
	rc = advance(c);
	if (!rc)
		rc = advance(c);
	if (!rc)
		rc = parse_call_args(c, v);
	*out = v;
	return rc;
}

static int parse_value(struct ctx *c, struct vnode **out)
{
	int kind = c->cur.kind, col = c->cur.col, rc;
	struct vnode *v;

	*out = NULL;
	switch (kind) {
	case WC_T_INT:
		v = new_node(c, V_INT, col);
		if (!v)
			return -ENOMEM;
		v->u = c->cur.u;
		*out = v;
		return advance(c);
	case WC_T_STR:
	case WC_T_BYTES:
		v = new_node(c, V_STR, col);
		if (!v)
			return -ENOMEM;
		*out = v;
		return parse_string(c, v);
	case WC_T_MINUS:
		return FAIL(c, col, "negative numbers are not allowed");
	case WC_T_LBRACK:
	case WC_T_LPAREN:
	case WC_T_IDENT:
		break;
	default:
		return expected(c, "a value");
	}
	/* The nesting kinds: bounded depth. */
	if (c->vdepth >= MAX_VALUE_DEPTH)
		return FAIL(c, col, "values nested too deeply (at most %d levels)",
			    MAX_VALUE_DEPTH);
	c->vdepth++;
	if (kind == WC_T_IDENT) {
		rc = parse_ident_value(c, out);
	} else if ((rc = advance(c)) == 0) {
		if (kind == WC_T_LPAREN) {
			rc = parse_paren(c, out, col);
		} else {
			struct vnode *tail = NULL;

			v = *out = new_node(c, V_LIST, col);
			rc = v ? parse_elems(c, v, &tail, WC_T_RBRACK, "']' or ','") : -ENOMEM;
		}
	}
	c->vdepth--;
	if (!rc && !*out)
		rc = -ENOMEM;
	return rc;
}

/* ------------------------------------------------------ text conversions ---- */

/* Bits of a fixed-size field; tables may leave 0 for addresses whose size is implied. */
static unsigned field_bits(const struct wc_field *f)
{
	if (f->bits && f->bits <= 64)
		return f->bits;
	return f->kind == WC_K_MAC ? 48 : f->kind == WC_K_IPV4 ? 32 : 64;
}

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

static bool is_int_kind(const struct wc_field *f)
{
	return f->kind == WC_K_UINT || f->kind == WC_K_XINT || f->kind == WC_K_ENUM ||
	       f->kind == WC_K_FLAGS;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool has_letter(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
			return true;
	return false;
}

/* Strict dotted quad: four decimal parts 0..255 without leading zeros (Scapy's
 * inet_aton would read "1.2.3" as 1.2.0.3 and "010.0.0.1" as octal: refused here). */
static bool parse_ipv4(const uint8_t *s, size_t n, uint32_t *out)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part && (i >= n || s[i++] != '.'))
			return false;
		while (i < n && is_digit(s[i]) && nd < 4) {
			if (nd == 1 && v == 0)
				return false; /* leading zero */
			v = v * 10 + (s[i++] - '0');
			nd++;
		}
		if (!nd || v > 255)
			return false;
		a = a << 8 | v;
	}
	*out = a;
	return i == n;
}

/* Split "addr/len": returns the address length and the prefix (-1 when absent, -2 when
 * the prefix is malformed or above max). */
static size_t split_prefix(const uint8_t *s, size_t n, unsigned max, int *plen)
{
	const uint8_t *sl = memchr(s, '/', n);
	size_t alen, i;
	unsigned v = 0;

	*plen = -1;
	if (!sl)
		return n;
	alen = (size_t)(sl - s);
	if (alen + 1 == n || n - alen - 1 > 3)
		*plen = -2;
	for (i = alen + 1; i < n && *plen == -1; i++) {
		if (!is_digit(s[i]))
			*plen = -2;
		v = v * 10 + (s[i] - '0');
	}
	if (*plen == -1)
		*plen = v <= max ? (int)v : -2;
	return alen;
}

/* IPv4 address or CIDR block -> first address and count. */
static int conv_ipv4(struct ctx *c, const char *fname, const struct vnode *v, struct wc_seg *g)
{
	char q[48];
	uint32_t a, mask;
	int plen;
	size_t alen = split_prefix(v->s, v->slen, 32, &plen);

	if (plen == -2 || !parse_ipv4(v->s, alen, &a)) {
		wc_expr_quote(q, sizeof(q), (const char *)v->s, v->slen);
		if (plen != -2 && has_letter(v->s, alen) && !memchr(v->s, ':', alen))
			return FAIL(c, v->col, "%s needs an address, not a name: '%s'", fname, q);
		return FAIL(c, v->col, "bad IPv4 address '%s'", q);
	}
	if (plen < 0)
		plen = 32;
	/* Scapy's Net starts at the network address even when host bits are given. */
	mask = plen ? (uint32_t)(0xffffffffULL << (32 - plen)) : 0;
	g->lo = a & mask;
	g->n = 1ULL << (32 - plen);
	return 0;
}

/* IPv6 address or CIDR block. A block is walked in the low 64 bits, so at most 2^64
 * addresses: /64 is the shortest prefix (its count, 2^64, saturates to UINT64_MAX). */
static int conv_ipv6(struct ctx *c, const char *fname, const struct vnode *v, struct wc_seg *g)
{
	char buf[64], q[64];
	int plen;
	size_t alen = split_prefix(v->s, v->slen, 128, &plen);

	wc_expr_quote(q, sizeof(q), (const char *)v->s, v->slen);
	if (plen == -2 || alen >= sizeof(buf) || memchr(v->s, '\0', alen))
		return FAIL(c, v->col, "bad IPv6 address '%s'", q);
	memcpy(buf, v->s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, g->a) != 1) {
		if (!memchr(buf, ':', alen) && has_letter(v->s, alen))
			return FAIL(c, v->col, "%s needs an address, not a name: '%s'", fname, q);
		return FAIL(c, v->col, "bad IPv6 address '%s'", q);
	}
	if (plen < 0)
		plen = 128;
	if (plen < 64)
		return FAIL(c, v->col,
			    "prefix /%d of '%s' is too short (too many addresses): use /64 or longer",
			    plen, q);
	for (int bit = plen; bit < 128; bit++)
		g->a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	g->n = plen == 64 ? UINT64_MAX : 1ULL << (128 - plen);
	return 0;
}

/* "aa:bb:cc:dd:ee:ff" (or with '-'), one or two hex digits per byte as Scapy accepts. */
static bool parse_mac(const uint8_t *s, size_t n, uint64_t *out)
{
	uint64_t m = 0;
	size_t i = 0;
	uint8_t sep = 0;

	for (int part = 0; part < 6; part++) {
		unsigned v = 0, nd = 0;

		if (part) {
			if (i >= n || (s[i] != ':' && s[i] != '-') || (sep && s[i] != sep))
				return false;
			sep = s[i++];
		}
		while (i < n && nd < 2 && isxdigit(s[i])) {
			int ch = s[i++] | 0x20;

			v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
			nd++;
		}
		if (!nd)
			return false;
		m = m << 8 | v;
	}
	*out = m;
	return i == n;
}

static int conv_mac(struct ctx *c, const struct vnode *v, struct wc_seg *g)
{
	char q[48];

	if (!parse_mac(v->s, v->slen, &g->lo))
		return FAIL(c, v->col, "bad MAC address '%s'",
			    wc_expr_quote(q, sizeof(q), (const char *)v->s, v->slen));
	g->n = 1;
	return 0;
}

static const struct wc_name *find_name(const struct wc_name *names, const uint8_t *s,
				       size_t n)
{
	for (; names && names->name; names++)
		if (word_is((const char *)s, n, names->name))
			return names;
	return NULL;
}

static int conv_enum(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		     uint64_t *out)
{
	const struct wc_name *nm = find_name(f->names, v->s, v->slen);
	char q[48];

	if (!f->names)
		return FAIL(c, v->col, "%s needs an integer", f->name);
	if (!nm)
		return FAIL(c, v->col, "unknown value '%s' for %s",
			    wc_expr_quote(q, sizeof(q), (const char *)v->s, v->slen), f->name);
	*out = nm->v;
	return 0;
}

/* Do all flag names have one letter? Then a string lists letters ("SA"), as Scapy does for
 * TCP; otherwise names are joined by '+' ("MF+DF"). */
static bool single_letter_flags(const struct wc_name *names)
{
	for (; names->name; names++)
		if (strlen(names->name) != 1)
			return false;
	return true;
}

static int flag_bit(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		    const uint8_t *s, size_t n, uint64_t *acc)
{
	const struct wc_name *nm = find_name(f->names, s, n);
	char q[40];

	if (!nm)
		return FAIL(c, v->col, "unknown flag '%s' for %s",
			    wc_expr_quote(q, sizeof(q), (const char *)s, n), f->name);
	if (nm->v < 64)
		*acc |= 1ULL << nm->v;
	return 0;
}

static int conv_flags(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		      uint64_t *out)
{
	size_t i, start;
	int rc;

	*out = 0;
	if (!f->names)
		return FAIL(c, v->col, "%s needs an integer", f->name);
	if (!(f->flags & WC_FF_FLAGS_PLUS) && single_letter_flags(f->names)) {
		for (i = 0; i < v->slen; i++) {
			rc = flag_bit(c, f, v, v->s + i, 1, out);
			if (rc)
				return rc;
		}
		return 0;
	}
	for (start = 0, i = 0; v->slen && i <= v->slen; i++) {
		if (i < v->slen && v->s[i] != '+')
			continue;
		rc = flag_bit(c, f, v, v->s + start, i - start, out);
		if (rc)
			return rc;
		start = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------ field conversion ---- */

static int check_fits(struct ctx *c, const struct wc_field *f, int col, uint64_t u)
{
	unsigned bits = field_bits(f);

	if (u > width_mask(bits))
		return FAIL(c, col, "value %llu does not fit %s (%u bits)", (unsigned long long)u,
			    f->name, bits);
	return 0;
}

/* An integer or a string, for any fixed-size kind: one value, or a CIDR block. */
static int conv_scalar(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		       struct wc_seg *g)
{
	int rc = 0;

	memset(g, 0, sizeof(*g));
	g->n = 1;
	if (v->kind == V_INT) {
		if (!is_int_kind(f))
			return FAIL(c, v->col, "%s needs an address in quotes", f->name);
		if (f->frac_bits) { /* Scapy's FixedPointField: the integer is the whole part */
			if (v->u >> (f->bits - f->frac_bits))
				return FAIL(c, v->col, "value %llu does not fit %s (%u integer bits)",
					    (unsigned long long)v->u, f->name,
					    f->bits - f->frac_bits);
			g->lo = v->u << f->frac_bits;
			return 0;
		}
		g->lo = v->u;
		return check_fits(c, f, v->col, v->u);
	}
	switch (f->kind) {
	case WC_K_UINT:
	case WC_K_XINT:
		/* Scapy's XShortEnumField and the like: shown in hex, named all the same
		 * (Dot1Q type="IPv6"). */
		if (!f->names)
			return FAIL(c, v->col, "%s needs an integer", f->name);
		/* fall through */
	case WC_K_ENUM:
		rc = conv_enum(c, f, v, &g->lo);
		break;
	case WC_K_FLAGS:
		rc = conv_flags(c, f, v, &g->lo);
		break;
	case WC_K_MAC:
		return conv_mac(c, v, g);
	case WC_K_IPV4:
		return conv_ipv4(c, f->name, v, g);
	case WC_K_IPV6:
		return conv_ipv6(c, f->name, v, g);
	default:
		return FAIL(c, v->col, "%s needs an integer", f->name);
	}
	return rc ? rc : check_fits(c, f, v->col, g->lo);
}

/* (lo, hi): Scapy's inclusive range, for integer fields. */
static int conv_range(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		      struct wc_seg *g)
{
	const struct vnode *lo = v->kids, *hi = lo ? lo->next : NULL;
	int rc;

	memset(g, 0, sizeof(*g));
	if (!is_int_kind(f))
		return FAIL(c, v->col, "ranges (lo, hi) are only for integer fields, not %s",
			    f->name);
	if (v->nkids != 2 || !lo || !hi || lo->kind != V_INT || hi->kind != V_INT)
		return FAIL(c, v->col, "a range is a pair of integers (lo, hi)");
	if (f->frac_bits)
		return FAIL(c, v->col, "%s is fixed-point: give a list of values, not a range",
			    f->name);
	rc = check_fits(c, f, lo->col, lo->u);
	if (!rc)
		rc = check_fits(c, f, hi->col, hi->u);
	if (rc)
		return rc;
	if (hi->u < lo->u)
		return FAIL(c, v->col, "empty range (%llu, %llu): hi is below lo",
			    (unsigned long long)lo->u, (unsigned long long)hi->u);
	g->lo = lo->u;
	g->n = hi->u - lo->u == UINT64_MAX ? UINT64_MAX : hi->u - lo->u + 1;
	return 0;
}

/* One element of a set: a value, a CIDR block or a range. */
static int conv_elem(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		     struct wc_seg *g)
{
	switch (v->kind) {
	case V_INT:
	case V_STR:
		return conv_scalar(c, f, v, g);
	case V_TUPLE:
		return conv_range(c, f, v, g);
	case V_LIST:
		return FAIL(c, v->col, "lists cannot be nested here");
	case V_NONE:
		return FAIL(c, v->col, "None cannot be part of a set");
	default:
		return FAIL(c, v->col, "random values cannot be part of a set");
	}
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Store a run of values: one value as WC_SP_VALUE, more as a set of one segment. */
static int store_seg(struct ctx *c, struct wc_spec *sp, const struct wc_seg *g)
{
	if (g->n == 1) {
		sp->kind = WC_SP_VALUE;
		sp->val.u = g->lo;
		memcpy(sp->val.a, g->a, sizeof(sp->val.a));
		return 0;
	}
	sp->segs = wc_set_alloc(c->s, sizeof(*sp->segs));
	if (!sp->segs)
		return -ENOMEM;
	sp->segs[0] = *g;
	sp->nsegs = 1;
	sp->count = g->n;
	sp->kind = WC_SP_SET;
	return 0;
}

/* A list given to a flags field is one value: its flags OR-ed, as Scapy's FlagsField
 * reads ["DF", "MF"]. Scapy takes only single names there; numbers and strings of several
 * flags ("SA") are OR-ed in as well, since they can mean nothing else. */
static int conv_flags_list(struct ctx *c, const struct wc_field *f, const struct vnode *v,
			   struct wc_spec *sp)
{
	struct wc_seg g = { .n = 1 }, e;
	int rc;

	for (const struct vnode *k = v->kids; k; k = k->next) {
		if (k->kind != V_INT && k->kind != V_STR)
			return FAIL(c, k->col, "a list of flags holds flag names, OR-ed into one value");
		rc = conv_scalar(c, f, k, &e);
		if (rc)
			return rc;
		g.lo |= e.lo;
	}
	return store_seg(c, sp, &g);
}

static int conv_list(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		     struct wc_spec *sp)
{
	const struct vnode *e;
	unsigned i = 0;
	int rc;

	if (!v->nkids)
		return FAIL(c, v->col, "empty list for %s: it would make no packets", f->name);
	sp->segs = wc_set_alloc(c->s, v->nkids * sizeof(*sp->segs));
	if (!sp->segs)
		return -ENOMEM;
	sp->count = 0;
	for (e = v->kids; e; e = e->next, i++) {
		rc = conv_elem(c, f, e, &sp->segs[i]);
		if (rc)
			return rc;
		sp->count = add_sat(sp->count, sp->segs[i].n);
	}
	sp->nsegs = v->nkids;
	sp->kind = WC_SP_SET;
	return 0;
}

/* Byte strings kept by the set go to its arena. */
static int store_bytes(struct ctx *c, const struct wc_field *f, int col, struct wc_spec *sp,
		       const uint8_t *b, size_t n)
{
	uint8_t *copy = NULL;

	if (n > MAX_BYTES)
		return FAIL(c, col, "%s is too long (%zu bytes, at most %d)", f->name, n,
			    MAX_BYTES);
	if (n) {
		copy = wc_set_alloc(c->s, n);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, b, n);
	}
	sp->kind = WC_SP_VALUE;
	sp->val.b = copy;
	sp->val.blen = (uint32_t)n;
	return 0;
}

/* [b"a", b"bb"]: a set of byte strings, one segment each, in the given order. */
static int conv_bytes_list(struct ctx *c, const struct wc_field *f, const struct vnode *v,
			   struct wc_spec *sp)
{
	struct wc_spec one;
	unsigned i = 0;
	int rc;

	if (!v->nkids)
		return FAIL(c, v->col, "empty list for %s: it would make no packets", f->name);
	sp->segs = wc_set_alloc(c->s, v->nkids * sizeof(*sp->segs));
	if (!sp->segs)
		return -ENOMEM;
	for (const struct vnode *e = v->kids; e; e = e->next, i++) {
		if (e->kind != V_STR)
			return FAIL(c, e->col, "%s needs strings or bytes in its list", f->name);
		memset(&one, 0, sizeof(one));
		rc = store_bytes(c, f, e->col, &one, e->s, e->slen);
		if (rc)
			return rc;
		sp->segs[i].b = one.val.b;
		sp->segs[i].blen = one.val.blen;
		sp->segs[i].n = 1;
	}
	sp->nsegs = v->nkids;
	sp->count = v->nkids;
	sp->kind = WC_SP_SET;
	return 0;
}

static int conv_bytes(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		      struct wc_spec *sp)
{
	switch (v->kind) {
	case V_STR:
		return store_bytes(c, f, v->col, sp, v->s, v->slen);
	case V_LIST:
		return conv_bytes_list(c, f, v, sp);
	case V_CALL:
		return FAIL(c, v->col, "random values are not supported for %s", f->name);
	default:
		return FAIL(c, v->col, "%s needs a string or bytes", f->name);
	}
}

/* --------------------------------------------------------- random values ---- */

/* The one optional template argument of RandIP("..."), RandMAC("..."), RandIP6("...");
 * `kw` is Scapy's keyword for it. *t is NULL when not given. */
static int rand_template(struct ctx *c, const struct vnode *call, const char *fn,
			 const char *kw, const char *kw2, const struct vnode **t)
{
	const struct vnode *a = call->kids;

	*t = NULL;
	if (!a)
		return 0;
	if (call->nkids > 1 ||
	    (a->kw && !word_is(a->kw, a->kwlen, kw) && !(kw2 && word_is(a->kw, a->kwlen, kw2))))
		return FAIL(c, a->argcol, "%s() takes one template argument (%s)", fn, kw);
	if (a->kind != V_STR)
		return FAIL(c, a->col, "%s() template must be a string", fn);
	*t = a;
	return 0;
}

/* RandIP(["net/len"]): the network part fixed, host bits random. */
static int rand_ip(struct ctx *c, const struct wc_field *f, const struct vnode *call,
		   struct wc_spec *sp)
{
	const struct vnode *t;
	struct wc_seg g;
	int rc = rand_template(c, call, "RandIP", "iptemplate", NULL, &t);

	if (rc)
		return rc;
	if (!t) {
		sp->rbase = 0;
		sp->rmask = 0xffffffffULL;
		return 0;
	}
	rc = conv_ipv4(c, f->name, t, &g);
	if (rc)
		return rc;
	sp->rbase = g.lo;
	sp->rmask = g.n - 1;
	return 0;
}

/* RandMAC(["aa:bb:*"]): Scapy's template, '*' for a random byte; missing bytes random. */
static int rand_mac(struct ctx *c, const struct vnode *call, struct wc_spec *sp)
{
	const struct vnode *t;
	size_t i = 0;
	int rc = rand_template(c, call, "RandMAC", "_template", "template", &t);

	sp->rbase = 0;
	sp->rmask = 0xffffffffffffULL;
	if (rc || !t)
		return rc;
	for (int part = 0; part < 6; part++) {
		unsigned v = 0, nd = 0;
		bool star = false;

		if (part && i < t->slen && t->s[i++] != ':')
			goto bad;
		if (i >= t->slen) /* the rest is random, as Scapy pads with ":*" */
			return 0;
		if (t->s[i] == '*') {
			star = true;
			i++;
		}
		while (!star && i < t->slen && isxdigit(t->s[i]) && nd < 2) {
			int ch = t->s[i++] | 0x20;

			v = v * 16 + (unsigned)(ch <= '9' ? ch - '0' : ch - 'a' + 10);
			nd++;
		}
		if (!star && !nd)
			goto bad;
		if (!star) {
			sp->rbase |= (uint64_t)v << (8 * (5 - part));
			sp->rmask &= ~(0xffULL << (8 * (5 - part)));
		}
	}
	if (i == t->slen)
		return 0;
bad:;
	char q[48];

	return FAIL(c, t->col, "bad RandMAC template '%s' (hex bytes or '*' separated by ':')",
		    wc_expr_quote(q, sizeof(q), (const char *)t->s, t->slen));
}

/* RandIP6("2001:db8::*:*"): groups are hex or '*'. Only the low 64 bits can be random
 * (wc_spec.ra), so Scapy's default "**" (all random) is refused. The template is read by
 * inet_pton twice: '*' as 0 gives the fixed part, '*' as ffff (others 0) the random mask. */
static int rand_ip6(struct ctx *c, const struct vnode *call, struct wc_spec *sp)
{
	const struct vnode *t;
	/* Each template char makes at most 1 char of base and 4 of mask ('*' -> "ffff"). */
	char base[48], mask[4 * 40 + 1], q[48];
	uint8_t m[16];
	size_t bo = 0, mo = 0, i;
	int rc = rand_template(c, call, "RandIP6", "ip6template", NULL, &t);

	if (rc)
		return rc;
	if (!t)
		return FAIL(c, call->col,
			    "RandIP6() needs a template whose random groups are in the low 64 bits, such as \"2001:db8::*:*\"");
	wc_expr_quote(q, sizeof(q), (const char *)t->s, t->slen);
	if (t->slen > 39)
		goto bad;
	for (i = 0; i < t->slen; i++) {
		uint8_t ch = t->s[i];
		bool star = ch == '*';

		if (star && ((i + 1 < t->slen && t->s[i + 1] != ':') || (i && t->s[i - 1] != ':')))
			goto bad; /* "**", "1*", ranges: not supported */
		if (!star && ch != ':' && !isxdigit(ch))
			goto bad;
		if (star) {
			base[bo++] = '0';
			memcpy(mask + mo, "ffff", 4);
			mo += 4;
		} else {
			base[bo++] = (char)ch;
			mask[mo++] = ch == ':' ? ':' : '0';
		}
	}
	base[bo] = mask[mo] = '\0';
	if (inet_pton(AF_INET6, base, sp->ra) != 1 || inet_pton(AF_INET6, mask, m) != 1)
		goto bad;
	for (i = 0; i < 8; i++)
		if (m[i])
			return FAIL(c, t->col, "RandIP6 template '%s': only the low 64 bits can be random",
				    q);
	sp->rbase = sp->rmask = 0;
	for (i = 8; i < 16; i++) {
		sp->rmask = sp->rmask << 8 | m[i];
		sp->rbase = sp->rbase << 8 | sp->ra[i];
	}
	return 0;
bad:
	return FAIL(c, t->col, "bad RandIP6 template '%s' (hex groups or '*', as in \"2001:db8::*\")",
		    q);
}

static const struct {
	const char *name;
	uint64_t mask;
} rand_ints[] = {
	{ "RandByte", 0xff },
	{ "RandShort", 0xffff },
	{ "RandInt", 0xffffffffULL },
	{ "RandLong", UINT64_MAX },
};

static int conv_rand(struct ctx *c, const struct wc_field *f, const struct vnode *call,
		     struct wc_spec *sp)
{
	char q[48];
	int rc = 0;

	wc_expr_quote(q, sizeof(q), call->name, call->namelen);
	for (size_t i = 0; i < sizeof(rand_ints) / sizeof(rand_ints[0]); i++) {
		if (!word_is(call->name, call->namelen, rand_ints[i].name))
			continue;
		if (call->nkids)
			return FAIL(c, call->kids->col, "%s() takes no arguments", q);
		if (!is_int_kind(f) && f->kind != WC_K_IPV4 && f->kind != WC_K_MAC)
			return FAIL(c, call->col, "%s() does not fit %s", q, f->name);
		sp->kind = WC_SP_RAND;
		sp->rbase = 0;
		sp->rmask = rand_ints[i].mask & width_mask(field_bits(f));
		return 0;
	}
	if (word_is(call->name, call->namelen, "RandIP") && f->kind == WC_K_IPV4)
		rc = rand_ip(c, f, call, sp);
	else if (word_is(call->name, call->namelen, "RandMAC") && f->kind == WC_K_MAC)
		rc = rand_mac(c, call, sp);
	else if (word_is(call->name, call->namelen, "RandIP6") && f->kind == WC_K_IPV6)
		rc = rand_ip6(c, call, sp);
	else if (word_is(call->name, call->namelen, "RandIP") ||
		 word_is(call->name, call->namelen, "RandMAC") ||
		 word_is(call->name, call->namelen, "RandIP6"))
		return FAIL(c, call->col, "%s() does not fit %s", q, f->name);
	else
		return FAIL(c, call->col, "unknown function '%s()' for %s", q, f->name);
	if (!rc)
		sp->kind = WC_SP_RAND;
	return rc;
}

/* ------------------------------------------------------------ TCP options ---- */

/* Scapy's TCPOptions table with its struct formats: B/H/I an integer of 1/2/4 bytes, '*'
 * any number of 4-byte integers (SAck), 's' 16 bytes padded or cut (MD5), "" bytes only,
 * '0' a one-byte option (EOL, NOP). Bytes given for a numeric format go out as they are,
 * as in Scapy. */
static const struct {
	const char *name;
	uint8_t kind;
	const char *fmt;
} tcp_opts[] = {
	{ "EOL", 0, "0" },         { "NOP", 1, "0" },         { "MSS", 2, "H" },
	{ "WScale", 3, "B" },      { "SAckOK", 4, "" },       { "SAck", 5, "*" },
	{ "Timestamp", 8, "II" },  { "AltChkSum", 14, "BH" }, { "AltChkSumOpt", 15, "" },
	{ "MD5", 19, "s" },        { "Mood", 25, "p" },       { "UTO", 28, "H" },
	{ "AO", 29, "" },          { "TFO", 34, "II" },
};

static unsigned fmt_size(char ch)
{
	return ch == 'B' ? 1 : ch == 'H' ? 2 : 4;
}

/* Integers of a numeric format: one, or a tuple of them. Writes the data at o. */
static int tcpopt_ints(struct ctx *c, const char *oname, const char *fmt,
		       const struct vnode *val, uint8_t *o, size_t *n)
{
	const struct vnode *e = val->kind == V_TUPLE ? val->kids : val;
	unsigned want = val->kind == V_TUPLE ? val->nkids : 1, i = 0;

	if (val->kind != V_TUPLE && val->kind != V_INT)
		return FAIL(c, val->col, "TCP option '%s' needs integers or bytes", oname);
	if (fmt[0] != '*' && want != strlen(fmt))
		return FAIL(c, val->col, "TCP option '%s' needs %zu integer%s", oname, strlen(fmt),
			    strlen(fmt) > 1 ? "s in a tuple" : "");
	if (fmt[0] == '*' && val->kind != V_TUPLE)
		return FAIL(c, val->col, "TCP option '%s' needs a tuple of integers", oname);
	if (fmt[0] == '*' && want > 63)
		return FAIL(c, val->col, "TCP option '%s' is too long", oname);
	*n = 0;
	for (; e && i < want; e = e->next, i++) {
		unsigned sz = fmt_size(fmt[0] == '*' ? 'I' : fmt[i]);

		if (e->kind != V_INT)
			return FAIL(c, e->col, "TCP option '%s' needs integers", oname);
		if (e->u > width_mask(8 * sz))
			return FAIL(c, e->col, "value %llu does not fit TCP option '%s' (%u bits)",
				    (unsigned long long)e->u, oname, 8 * sz);
		for (unsigned b = 0; b < sz; b++)
			o[(*n)++] = (uint8_t)(e->u >> (8 * (sz - 1 - b)));
	}
	return 0;
}

/* One option by name; writes kind, length and data at o (at most 255 bytes). */
static int tcpopt_named(struct ctx *c, const struct vnode *nm, const struct vnode *val,
			uint8_t *o, size_t *n)
{
	char q[40];
	size_t i, dn = 0;
	const char *fmt;
	int rc;

	wc_expr_quote(q, sizeof(q), (const char *)nm->s, nm->slen);
	for (i = 0; i < sizeof(tcp_opts) / sizeof(tcp_opts[0]); i++)
		if (word_is((const char *)nm->s, nm->slen, tcp_opts[i].name))
			break;
	if (i == sizeof(tcp_opts) / sizeof(tcp_opts[0]))
		return FAIL(c, nm->col, "unknown TCP option '%s'", q);
	fmt = tcp_opts[i].fmt;
	o[0] = tcp_opts[i].kind;
	if (fmt[0] == '0') { /* EOL, NOP: one byte, whatever the value */
		*n = 1;
		return 0;
	}
	if (val->kind == V_STR) {
		dn = fmt[0] == 's' ? 16 : val->slen;
		if (dn > 253)
			return FAIL(c, val->col, "TCP option '%s' is too long", q);
		memcpy(o + 2, val->s, val->slen < dn ? val->slen : dn);
	} else if (val->kind == V_NONE && !fmt[0]) {
		dn = 0; /* ("SAckOK", None): Scapy fails; plainly meant as empty */
	} else if (!fmt[0] || fmt[0] == 's' || fmt[0] == 'p') {
		return FAIL(c, val->col, "TCP option '%s' needs bytes", q);
	} else {
		rc = tcpopt_ints(c, q, fmt, val, o + 2, &dn);
		if (rc)
			return rc;
	}
	o[1] = (uint8_t)(2 + dn);
	*n = 2 + dn;
	return 0;
}

/* (kind, bytes) for options without a name; kinds 0 and 1 are one byte as in Scapy. */
static int tcpopt_numbered(struct ctx *c, const struct vnode *nm, const struct vnode *val,
			   uint8_t *o, size_t *n)
{
	if (nm->u > 255)
		return FAIL(c, nm->col, "TCP option kind %llu does not fit a byte",
			    (unsigned long long)nm->u);
	o[0] = (uint8_t)nm->u;
	if (nm->u <= 1) {
		*n = 1;
		return 0;
	}
	if (val->kind != V_STR)
		return FAIL(c, val->col, "TCP option %llu needs bytes", (unsigned long long)nm->u);
	if (val->slen > 253)
		return FAIL(c, val->col, "TCP option %llu is too long", (unsigned long long)nm->u);
	o[1] = (uint8_t)(2 + val->slen);
	memcpy(o + 2, val->s, val->slen);
	*n = 2 + val->slen;
	return 0;
}

/* [("MSS", 1460), ("NOP", None), ...] -> the option bytes, unpadded (the builder pads). */
static int conv_tcpopts(struct ctx *c, const struct wc_field *f, const struct vnode *v,
			struct wc_spec *sp)
{
	const struct vnode *e;
	uint8_t *buf;
	size_t len = 0, n = 0;
	int rc;

	if (v->kind == V_STR)
		return store_bytes(c, f, v->col, sp, v->s, v->slen);
	if (v->kind != V_LIST)
		return FAIL(c, v->col, "%s needs a list of (name, value) options or bytes",
			    f->name);
	if (v->nkids > MAX_BYTES / 255)
		return FAIL(c, v->col, "too many options for %s", f->name);
	buf = wc_tmp_alloc(&c->tmp, (size_t)v->nkids * 255 + 1);
	if (!buf)
		return -ENOMEM;
	for (e = v->kids; e; e = e->next, len += n) {
		const struct vnode *nm = e->kids, *val = nm ? nm->next : NULL;

		if ((e->kind != V_TUPLE && e->kind != V_LIST) || e->nkids != 2 || !nm || !val)
			return FAIL(c, e->col, "a TCP option is a (name, value) pair");
		if (nm->kind == V_STR)
			rc = tcpopt_named(c, nm, val, buf + len, &n);
		else if (nm->kind == V_INT)
			rc = tcpopt_numbered(c, nm, val, buf + len, &n);
		else
			rc = FAIL(c, nm->col, "a TCP option's name is a string or a number");
		if (rc)
			return rc;
	}
	return store_bytes(c, f, v->col, sp, buf, len);
}

/* ----------------------------------------------------------- DHCP options ---- */

/* One (name, value, ...) option: values flattened (a list gives each element, as Scapy's
 * param_req_list takes [1, 3, 6]), then encoded by dhcpopts.c. */
static int dhcpopt_tuple(struct ctx *c, const struct vnode *e, uint8_t *o, size_t *n)
{
	struct wc_dhcp_arg a[256];
	int cols[256];
	const struct vnode *nm = e->kids;
	unsigned na = 0, bad = 0;
	char why[128];
	int rc;

	for (const struct vnode *v = nm->next; v; v = v->next) {
		const struct vnode *k = v->kind == V_LIST ? v->kids : v;

		for (; k; k = v->kind == V_LIST ? k->next : NULL) {
			if (k->kind != V_INT && k->kind != V_STR)
				return FAIL(c, k->col, "a DHCP option value is an integer or a string");
			if (na == 256)
				return FAIL(c, k->col, "too many values in one DHCP option");
			a[na] = (struct wc_dhcp_arg){ .is_str = k->kind == V_STR, .u = k->u,
						      .s = k->s, .slen = k->slen };
			cols[na++] = k->col;
		}
	}
	if (nm->kind == V_STR)
		rc = wc_dhcpopt_encode(nm->s, nm->slen, a, na, o, why, sizeof(why), &bad);
	else if (nm->kind == V_INT)
		rc = wc_dhcpopt_encode_code(nm->u, a, na, o, why, sizeof(why), &bad);
	else
		return FAIL(c, nm->col, "a DHCP option's name is a string or a number");
	if (rc < 0)
		return FAIL(c, bad < na ? cols[bad] : nm->col, "%s", why);
	*n = (size_t)rc;
	return 0;
}

/* [("message-type", "discover"), ("lease_time", 3600), "end", b"raw"] -> the option
 * bytes, as Scapy's DHCPOptionsField.i2m writes them (no padding). */
static int conv_dhcpopts(struct ctx *c, const struct wc_field *f, const struct vnode *v,
			 struct wc_spec *sp)
{
	uint8_t *buf;
	size_t len = 0, n = 0;
	int rc;

	if (v->kind != V_LIST && v->kind != V_STR)
		return FAIL(c, v->col, "%s needs a list of DHCP options or bytes", f->name);
	buf = wc_tmp_alloc(&c->tmp, MAX_BYTES + 258);
	if (!buf)
		return -ENOMEM;
	if (v->kind == V_STR) {
		/* Scapy's i2m walks bytes as a list of integers: each byte becomes the code of
		 * an empty option. */
		if (v->slen > MAX_BYTES / 2)
			return FAIL(c, v->col, "%s is too long", f->name);
		for (size_t i = 0; i < v->slen; i++) {
			buf[2 * i] = v->s[i];
			buf[2 * i + 1] = 0;
		}
		return store_bytes(c, f, v->col, sp, buf, 2 * v->slen);
	}
	for (const struct vnode *e = v->kids; e; e = e->next, len += n) {
		if (len > MAX_BYTES)
			return FAIL(c, e->col, "%s is too long (at most %d bytes)", f->name, MAX_BYTES);
		if (e->kind == V_STR) {
			int code = wc_dhcpopt_bare(e->s, e->slen);

			/* "end", "pad", "hostname": the code alone; other text as it is */
			n = code >= 0 ? 1 : e->slen;
			if (code >= 0)
				buf[len] = (uint8_t)code;
			else if (e->slen > MAX_BYTES + 1 - len)
				return FAIL(c, e->col, "%s is too long", f->name);
			else
				memcpy(buf + len, e->s, e->slen);
		} else if (e->kind == V_INT) {
			if (e->u > 255)
				return FAIL(c, e->col, "DHCP option code %llu does not fit a byte",
					    (unsigned long long)e->u);
			buf[len] = (uint8_t)e->u; /* a bare code: code and a zero length */
			buf[len + 1] = 0;
			n = 2;
		} else if ((e->kind == V_TUPLE || e->kind == V_LIST) && e->nkids >= 2) {
			rc = dhcpopt_tuple(c, e, buf + len, &n);
			if (rc)
				return rc;
		} else {
			return FAIL(c, e->col, "a DHCP option is (name, value, ...), a name or bytes");
		}
	}
	return store_bytes(c, f, v->col, sp, buf, len);
}

/* ------------------------------------------------------------- IP options ---- */

/* Scapy's IPOption_* classes as tables. Every option starts with copy_flag (1 bit),
 * optclass (2) and option (5); the fields after it are listed per class. */
enum ipo_type {
	IPO_BITS,   /* integer of `bits` bits (or a name from `names`) */
	IPO_LEN,    /* length byte: the option's total size unless given */
	IPO_IP,     /* IPv4 address */
	IPO_IPLIST, /* list of IPv4 addresses */
	IPO_STR,    /* bytes, variable length */
	IPO_FIX3,   /* 3 bytes: padded with zeros or cut (StrFixedLenField) */
	IPO_IPCOND, /* IPv4 address, present only when the previous field is not 0 */
};

struct ipo_field {
	const char *name;
	uint8_t type, bits;
	uint32_t def;
	const struct wc_name *names;
};

static const struct wc_name ipo_option_names[] = {
	{ 0, "end_of_list" }, { 1, "nop" }, { 2, "security" }, { 3, "loose_source_route" },
	{ 4, "timestamp" }, { 5, "extended_security" }, { 6, "commercial_security" },
	{ 7, "record_route" }, { 8, "stream_id" }, { 9, "strict_source_route" },
	{ 10, "experimental_measurement" }, { 11, "mtu_probe" }, { 12, "mtu_reply" },
	{ 13, "flow_control" }, { 14, "access_control" }, { 15, "encode" },
	{ 16, "imi_traffic_descriptor" }, { 17, "extended_IP" }, { 18, "traceroute" },
	{ 19, "address_extension" }, { 20, "router_alert" },
	{ 21, "selective_directed_broadcast_mode" }, { 23, "dynamic_packet_state" },
	{ 24, "upstream_multicast_packet" }, { 25, "quick_start" },
	{ 30, "rfc4727_experiment" }, { 0, NULL },
};
static const struct wc_name ipo_class_names[] = { { 0, "control" }, { 2, "debug" },
						  { 0, NULL } };
static const struct wc_name ipo_flg_names[] = { { 0, "timestamp_only" },
						{ 1, "timestamp_and_ip_addr" },
						{ 3, "prespecified_ip_addr" }, { 0, NULL } };
static const struct wc_name ipo_alert_names[] = { { 0, "router_shall_examine_packet" },
						  { 0, NULL } };

#define IPO_MAXF 9

static const struct ipo_field ipo_generic[] = { { "length", IPO_LEN, 8, 0, NULL },
						{ "value", IPO_STR, 0, 0, NULL } };
static const struct ipo_field ipo_security[] = {
	{ "length", IPO_BITS, 8, 11, NULL }, { "security", IPO_BITS, 16, 0, NULL },
	{ "compartment", IPO_BITS, 16, 0, NULL },
	{ "handling_restrictions", IPO_BITS, 16, 0, NULL },
	{ "transmission_control_code", IPO_FIX3, 0, 0, NULL },
};
static const struct ipo_field ipo_rr[] = { { "length", IPO_LEN, 8, 0, NULL },
					   { "pointer", IPO_BITS, 8, 4, NULL },
					   { "routers", IPO_IPLIST, 0, 0, NULL } };
static const struct ipo_field ipo_stream[] = { { "length", IPO_BITS, 8, 4, NULL },
					       { "security", IPO_BITS, 16, 0, NULL } };
static const struct ipo_field ipo_mtu[] = { { "length", IPO_BITS, 8, 4, NULL },
					    { "mtu", IPO_BITS, 16, 0, NULL } };
static const struct ipo_field ipo_trace[] = {
	{ "length", IPO_BITS, 8, 12, NULL }, { "id", IPO_BITS, 16, 0, NULL },
	{ "outbound_hops", IPO_BITS, 16, 0, NULL }, { "return_hops", IPO_BITS, 16, 0, NULL },
	{ "originator_ip", IPO_IP, 32, 0, NULL },
};
static const struct ipo_field ipo_ts[] = {
	{ "length", IPO_LEN, 8, 0, NULL },	 { "pointer", IPO_BITS, 8, 9, NULL },
	{ "oflw", IPO_BITS, 4, 0, NULL },	 { "flg", IPO_BITS, 4, 1, ipo_flg_names },
	{ "internet_address", IPO_IPCOND, 32, 0, NULL },
	{ "timestamp", IPO_BITS, 32, 0, NULL },
};
static const struct ipo_field ipo_addrext[] = { { "length", IPO_BITS, 8, 10, NULL },
						{ "src_ext", IPO_IP, 32, 0, NULL },
						{ "dst_ext", IPO_IP, 32, 0, NULL } };
static const struct ipo_field ipo_alert[] = { { "length", IPO_BITS, 8, 4, NULL },
					      { "alert", IPO_BITS, 16, 0, ipo_alert_names } };
static const struct ipo_field ipo_sdbm[] = { { "length", IPO_LEN, 8, 0, NULL },
					     { "addresses", IPO_IPLIST, 0, 0, NULL } };

#define IPO(n, cp, cl, op, f) { n, cp, cl, op, f, sizeof(f) / sizeof((f)[0]) }
#define IPO0(n, cp, cl, op) { n, cp, cl, op, NULL, 0 }
static const struct ipo_class {
	const char *name;
	uint8_t copy, cls, opt;
	const struct ipo_field *f;
	uint8_t nf;
} ipo_classes[] = {
	IPO("IPOption", 0, 0, 0, ipo_generic),
	IPO0("IPOption_EOL", 0, 0, 0),
	IPO0("IPOption_NOP", 0, 0, 1),
	IPO("IPOption_Security", 1, 0, 2, ipo_security),
	IPO("IPOption_RR", 0, 0, 7, ipo_rr),
	IPO("IPOption_LSRR", 1, 0, 3, ipo_rr),
	IPO("IPOption_SSRR", 1, 0, 9, ipo_rr),
	IPO("IPOption_Stream_Id", 1, 0, 8, ipo_stream),
	IPO("IPOption_MTU_Probe", 0, 0, 11, ipo_mtu),
	IPO("IPOption_MTU_Reply", 0, 0, 12, ipo_mtu),
	IPO("IPOption_Traceroute", 0, 0, 18, ipo_trace),
	IPO("IPOption_Timestamp", 0, 2, 4, ipo_ts),
	IPO("IPOption_Address_Extension", 1, 0, 19, ipo_addrext),
	IPO("IPOption_Router_Alert", 1, 0, 20, ipo_alert),
	IPO("IPOption_SDBM", 1, 0, 21, ipo_sdbm),
};

static const struct ipo_field ipo_hdr[] = {
	{ "copy_flag", IPO_BITS, 1, 0, NULL },
	{ "optclass", IPO_BITS, 2, 0, ipo_class_names },
	{ "option", IPO_BITS, 5, 0, ipo_option_names },
};

/* One option being encoded: its fields (header first) and their values. */
struct ipo {
	const struct ipo_field *f[IPO_MAXF];
	unsigned nf;
	uint64_t u[IPO_MAXF];
	const struct vnode *v[IPO_MAXF]; /* given value for IP, list and bytes fields */
	bool seen[IPO_MAXF];  /* named in the arguments (even as None) */
	bool given[IPO_MAXF]; /* given a value (a length given is not computed) */
};

static void put_bits(uint8_t *o, size_t *bitpos, unsigned bits, uint64_t v)
{
	for (unsigned i = 0; i < bits; i++, (*bitpos)++)
		if (v >> (bits - 1 - i) & 1)
			o[*bitpos / 8] |= (uint8_t)(0x80 >> (*bitpos % 8));
}

/* Set one field of an option from a keyword argument. */
static int ipo_set(struct ctx *c, const char *cls, struct ipo *op, const struct vnode *a)
{
	unsigned i;
	char q[40];

	for (i = 0; i < op->nf; i++)
		if (word_is(a->kw, a->kwlen, op->f[i]->name))
			break;
	if (i == op->nf)
		return FAIL(c, a->argcol, "%s has no field '%s'", cls,
			    wc_expr_quote(q, sizeof(q), a->kw, a->kwlen));
	if (op->seen[i])
		return FAIL(c, a->argcol, "field '%s' set twice", op->f[i]->name);
	op->seen[i] = true;
	if (a->kind == V_NONE)
		return 0; /* the default (a length is then computed) */
	op->given[i] = true;
	op->v[i] = a;
	switch (op->f[i]->type) {
	case IPO_LEN:
	case IPO_BITS:
		if (a->kind == V_STR) {
			const struct wc_name *nm = find_name(op->f[i]->names, a->s, a->slen);

			if (!nm)
				return FAIL(c, a->col, "unknown value '%s' for %s",
					    wc_expr_quote(q, sizeof(q), (const char *)a->s, a->slen),
					    op->f[i]->name);
			op->u[i] = nm->v;
		} else if (a->kind == V_INT) {
			op->u[i] = a->u;
		} else {
			return FAIL(c, a->col, "%s needs an integer", op->f[i]->name);
		}
		if (op->u[i] > width_mask(op->f[i]->bits))
			return FAIL(c, a->col, "value %llu does not fit %s (%u bits)",
				    (unsigned long long)op->u[i], op->f[i]->name, op->f[i]->bits);
		return 0;
	case IPO_IPLIST:
		if (a->kind == V_LIST || a->kind == V_STR)
			return 0;
		return FAIL(c, a->col, "%s needs a list of IPv4 addresses", op->f[i]->name);
	case IPO_IP:
	case IPO_IPCOND:
		if (a->kind == V_STR)
			return 0;
		return FAIL(c, a->col, "%s needs an IPv4 address in quotes", op->f[i]->name);
	default:
		if (a->kind == V_STR)
			return 0;
		return FAIL(c, a->col, "%s needs a string or bytes", op->f[i]->name);
	}
}

/* An IPv4 address (no block) for an option field. */
static int ipo_addr(struct ctx *c, const char *fname, const struct vnode *v, uint32_t *a)
{
	struct wc_seg g = { 0 };
	int rc;

	if (v->kind != V_STR)
		return FAIL(c, v->col, "%s needs an IPv4 address in quotes", fname);
	rc = conv_ipv4(c, fname, v, &g);
	if (!rc && g.n != 1)
		rc = FAIL(c, v->col, "%s needs one address, not a block", fname);
	*a = (uint32_t)g.lo;
	return rc;
}

/* Write the fields of op at o (zeroed, room for 255 bytes); *bits gets the size. With
 * o NULL only the size is computed. */
static int ipo_write(struct ctx *c, const struct ipo *op, uint8_t *o, size_t *bits,
		     uint64_t len)
{
	uint32_t a = 0;
	int rc;

	*bits = 0;
	for (unsigned i = 0; i < op->nf; i++) {
		const struct ipo_field *f = op->f[i];
		const struct vnode *v = op->v[i], *e;
		size_t n;

		switch (f->type) {
		case IPO_BITS:
			if (o)
				put_bits(o, bits, f->bits, op->u[i]);
			else
				*bits += f->bits;
			break;
		case IPO_LEN:
			if (o)
				put_bits(o, bits, 8, op->given[i] ? op->u[i] : len);
			else
				*bits += 8;
			break;
		case IPO_IPCOND:
			if (!i || !op->u[i - 1])
				break;
			/* fall through */
		case IPO_IP:
			a = 0;
			if (v && (rc = ipo_addr(c, f->name, v, &a)))
				return rc;
			if (o)
				put_bits(o, bits, 32, a);
			else
				*bits += 32;
			break;
		case IPO_IPLIST:
			e = !v ? NULL : v->kind == V_LIST ? v->kids : v;
			for (n = 0; e; e = v->kind == V_LIST ? e->next : NULL, n++) {
				if (n >= 64)
					return FAIL(c, e->col, "option too long");
				rc = ipo_addr(c, f->name, e, &a);
				if (rc)
					return rc;
				if (o)
					put_bits(o, bits, 32, a);
				else
					*bits += 32;
			}
			break;
		default: /* IPO_STR, IPO_FIX3 */
			n = f->type == IPO_FIX3 ? 3 : v ? v->slen : 0;
			if (n > 253)
				return FAIL(c, v->col, "option too long");
			if (o) {
				const uint8_t *src = v ? v->s : (const uint8_t *)"xxx";
				size_t have = v ? v->slen : 3;

				memcpy(o + *bits / 8, src, have < n ? have : n);
			}
			*bits += 8 * n;
			break;
		}
	}
	return 0;
}

/* IPOption_X(field=value, ...) -> its bytes at o (room for 255); *n gets the length. */
static int ipo_encode(struct ctx *c, const struct vnode *call, uint8_t *o, size_t *n)
{
	const struct ipo_class *k = NULL;
	struct ipo op = { .nf = 0 };
	char q[40];
	size_t bits;
	int rc;

	wc_expr_quote(q, sizeof(q), call->name, call->namelen);
	for (size_t i = 0; i < sizeof(ipo_classes) / sizeof(ipo_classes[0]); i++)
		if (word_is(call->name, call->namelen, ipo_classes[i].name))
			k = &ipo_classes[i];
	if (!k)
		return FAIL(c, call->col, "unknown IP option '%s()'", q);
	for (unsigned i = 0; i < 3; i++)
		op.f[op.nf++] = &ipo_hdr[i];
	op.u[0] = k->copy;
	op.u[1] = k->cls;
	op.u[2] = k->opt;
	for (unsigned i = 0; i < k->nf; i++) {
		op.u[op.nf] = k->f[i].def;
		op.f[op.nf++] = &k->f[i];
	}
	for (const struct vnode *a = call->kids; a; a = a->next) {
		if (!a->kw)
			return FAIL(c, a->col, "%s() takes name=value arguments", q);
		rc = ipo_set(c, q, &op, a);
		if (rc)
			return rc;
	}
	rc = ipo_write(c, &op, NULL, &bits, 0);
	if (rc)
		return rc;
	if (bits / 8 > 255)
		return FAIL(c, call->col, "%s() is too long (%zu bytes)", q, bits / 8);
	*n = bits / 8;
	return ipo_write(c, &op, o, &bits, *n);
}

/* Bytes, one IPOption_X(), or a list of them -> the option bytes, unpadded. */
static int conv_ipopts(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		       struct wc_spec *sp)
{
	const struct vnode *e;
	uint8_t *buf;
	size_t len = 0, n = 0;
	int rc;

	if (v->kind == V_STR)
		return store_bytes(c, f, v->col, sp, v->s, v->slen);
	if (v->kind != V_LIST && v->kind != V_CALL)
		return FAIL(c, v->col, "%s needs bytes or a list of IPOption_...() values",
			    f->name);
	if (v->kind == V_LIST && v->nkids > MAX_BYTES / 255)
		return FAIL(c, v->col, "too many options for %s", f->name);
	buf = wc_tmp_alloc(&c->tmp, (size_t)(v->kind == V_LIST ? v->nkids : 1) * 255 + 1);
	if (!buf)
		return -ENOMEM;
	for (e = v->kind == V_LIST ? v->kids : v; e; e = v->kind == V_LIST ? e->next : NULL) {
		if (e->kind != V_CALL)
			return FAIL(c, e->col, "an IP option is written IPOption_...()");
		rc = ipo_encode(c, e, buf + len, &n);
		if (rc)
			return rc;
		len += n;
	}
	return store_bytes(c, f, v->col, sp, buf, len);
}

/* ------------------------------------------------ DNS names, TXT, records ---- */

/* Names and TXT strings are kept as their wire bytes (dnsname.c encodes them as Scapy's
 * DNSStrField and DNSTextField do), so building copies them like any byte string. */
typedef long (*encode_fn)(const uint8_t *txt, size_t n, uint8_t *out, size_t cap);

static int encode_str(struct ctx *c, const struct wc_field *f, const struct vnode *e,
		      encode_fn enc, uint8_t **out, size_t *n)
{
	size_t cap = 2 * e->slen + 2;
	long k;

	if (e->kind != V_STR)
		return FAIL(c, e->col, "%s needs a string", f->name);
	*out = wc_tmp_alloc(&c->tmp, cap);
	if (!*out)
		return -ENOMEM;
	k = enc(e->s, e->slen, *out, cap);
	if (k < 0)
		return FAIL(c, e->col, "%s cannot be encoded", f->name);
	*n = (size_t)k;
	return 0;
}

/* qname="example.com", or a list of names: a set. */
static int conv_dnsname(struct ctx *c, const struct wc_field *f, const struct vnode *v,
			struct wc_spec *sp)
{
	struct wc_spec one;
	unsigned i = 0;
	uint8_t *b;
	size_t n;
	int rc;

	if (v->kind != V_LIST) {
		rc = encode_str(c, f, v, wc_dns_name_encode, &b, &n);
		return rc ? rc : store_bytes(c, f, v->col, sp, b, n);
	}
	if (!v->nkids)
		return FAIL(c, v->col, "empty list for %s: it would make no packets", f->name);
	sp->segs = wc_set_alloc(c->s, v->nkids * sizeof(*sp->segs));
	if (!sp->segs)
		return -ENOMEM;
	for (const struct vnode *e = v->kids; e; e = e->next, i++) {
		memset(&one, 0, sizeof(one));
		rc = encode_str(c, f, e, wc_dns_name_encode, &b, &n);
		if (!rc)
			rc = store_bytes(c, f, e->col, &one, b, n);
		if (rc)
			return rc;
		sp->segs[i].b = one.val.b;
		sp->segs[i].blen = one.val.blen;
		sp->segs[i].n = 1;
	}
	sp->nsegs = v->nkids;
	sp->count = v->nkids;
	sp->kind = WC_SP_SET;
	return 0;
}

/* rdata="text" or rdata=["a", "b"]: one value either way (Scapy's DNSTextField is a list
 * field, so a list is its value, not a set). */
static int conv_dnstxt(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		       struct wc_spec *sp)
{
	uint8_t *all = NULL, *b;
	size_t len = 0, n, cap = 0;
	int rc;

	if (v->kind != V_LIST)
		return (rc = encode_str(c, f, v, wc_dns_txt_encode, &b, &n)) ? rc
			: store_bytes(c, f, v->col, sp, b, n);
	for (const struct vnode *e = v->kids; e; e = e->next)
		cap += e->kind == V_STR ? 2 * e->slen + 2 : 0;
	if (cap > 2 * (size_t)MAX_BYTES)
		return FAIL(c, v->col, "%s is too long", f->name);
	all = wc_tmp_alloc(&c->tmp, cap + 1);
	if (!all)
		return -ENOMEM;
	for (const struct vnode *e = v->kids; e; e = e->next) {
		rc = encode_str(c, f, e, wc_dns_txt_encode, &b, &n);
		if (rc)
			return rc;
		memcpy(all + len, b, n);
		len += n;
	}
	return store_bytes(c, f, v->col, sp, all, len);
}

static int parse_expr(struct ctx *c, bool fuzz);

/* Most packets one record-list value may stand for (and elements in its list). */
#define MAX_RR_SET 65536

/* One element of a record list: a stack of record layers (DNSQR()/DNSQR()), parsed by
 * the same grammar into a set of its own. */
static int rrlist_elem(struct ctx *c, const struct wc_field *f, struct wc_set **out)
{
	struct wc_set *saved = c->s, *sub = calloc(1, sizeof(*sub));
	int col = c->cur.col, rc;

	if (!sub)
		return -ENOMEM;
	c->s = sub;
	rc = parse_expr(c, false);
	c->s = saved;
	for (unsigned i = 0; !rc && i < sub->n; i++) {
		const struct wc_xlayer *xl = &sub->l[i];

		if (!f->sub->accepts || !f->sub->accepts(xl->proto))
			rc = FAIL(c, col, "%s holds records, not %s()", f->name, xl->proto->name);
		for (unsigned j = 0; !rc && j < WC_MAX_FIELDS; j++)
			if (xl->fuzz || xl->f[j].kind == WC_SP_RAND)
				rc = FAIL(c, col, "random values are not supported inside %s",
					  f->name);
	}
	if (!rc && wc_set_count(sub) > MAX_RR_SET)
		rc = FAIL(c, col, "%s stands for too many record sets (at most %d)", f->name,
			  MAX_RR_SET);
	if (rc) {
		wc_set_free(sub);
		return rc;
	}
	*out = sub;
	return 0;
}

/* The record bytes of every packet of a list value, in order (scratch, grown as needed). */
struct rrsegs {
	struct wc_seg *v;
	size_t n, cap;
};

/* The packets of one element, each as the bytes of its records, appended to segs. */
static int rrlist_build(struct ctx *c, const struct wc_field *f, int col, struct wc_set *sub,
			struct rrsegs *segs)
{
	struct wc_iter *it = NULL;
	struct wc_pkt *pk = malloc(sizeof(*pk));
	uint8_t *buf = malloc(WC_MAX_PKT);
	int rc = pk && buf ? wc_iter_new(sub, &it) : -ENOMEM;

	if (!rc)
		wc_pkt_init(pk, buf, WC_MAX_PKT);
	while (!rc && (rc = wc_iter_next(it, pk)) == 0) {
		uint8_t *copy = pk->len ? wc_set_alloc(c->s, pk->len) : NULL;

		if (segs->n == MAX_RR_SET) {
			rc = FAIL(c, col, "%s stands for too many record sets (at most %d)",
				  f->name, MAX_RR_SET);
			break;
		}
		if (segs->n == segs->cap) {
			size_t nc = segs->cap ? 2 * segs->cap : 16;
			struct wc_seg *nv = realloc(segs->v, nc * sizeof(*nv));

			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			segs->v = nv;
			segs->cap = nc;
		}
		if (pk->len && !copy) {
			rc = -ENOMEM;
			break;
		}
		if (pk->len)
			memcpy(copy, pk->buf, pk->len);
		memset(&segs->v[segs->n], 0, sizeof(segs->v[0]));
		segs->v[segs->n].b = copy;
		segs->v[segs->n].blen = (uint32_t)pk->len;
		segs->v[segs->n].n = 1;
		segs->n++;
	}
	if (rc == -ENOENT)
		rc = 0;
	wc_iter_free(it);
	free(pk);
	free(buf);
	return rc;
}

/* qd=DNSQR(...)/DNSQR(...), qd=[DNSQR(a), DNSQR(b)] (a set of two, as in Scapy, where a
 * list of packets is a set), or None (no records). A packet-valued field is parsed here
 * rather than as a call value because its value is itself an expression with '/'; it
 * becomes a byte-string field (WC_K_RRLIST) holding the records' bytes, so sets of
 * records walk like sets of byte strings and nothing downstream needs to know. Each
 * element is built as soon as it is parsed, so a long list costs its bytes only. */
static int conv_rrlist(struct ctx *c, const struct wc_field *f, struct wc_spec *sp)
{
	struct rrsegs segs = {0};
	struct wc_set *sub;
	unsigned ne = 0;
	bool list = c->cur.kind == WC_T_LBRACK;
	int rc = 0, col = c->cur.col;

	if (tok_is(&c->cur, "None")) {
		sp->kind = WC_SP_VALUE;
		sp->val.b = NULL;
		sp->val.blen = 0;
		return advance(c);
	}
	if (c->tdepth >= MAX_TERM_DEPTH)
		return FAIL(c, col, "records nested too deeply");
	if (list && (rc = advance(c)))
		return rc;
	c->tdepth++;
	do {
		if (list && ne && c->cur.kind == WC_T_COMMA && (rc = advance(c)))
			break;
		if (list && c->cur.kind == WC_T_RBRACK)
			break;
		rc = rrlist_elem(c, f, &sub);
		if (!rc) {
			rc = rrlist_build(c, f, col, sub, &segs);
			wc_set_free(sub);
			ne++;
		}
	} while (!rc && list && c->cur.kind == WC_T_COMMA);
	c->tdepth--;
	if (!rc && list && c->cur.kind != WC_T_RBRACK)
		rc = expected(c, "']' or ','");
	if (!rc && list)
		rc = advance(c);
	if (!rc && !segs.n)
		rc = FAIL(c, col, "empty list for %s: it would make no packets", f->name);
	if (!rc && segs.n == 1) {
		sp->kind = WC_SP_VALUE;
		sp->val.b = segs.v[0].b;
		sp->val.blen = segs.v[0].blen;
	} else if (!rc) {
		sp->segs = wc_set_alloc(c->s, segs.n * sizeof(*sp->segs));
		if (!sp->segs) {
			rc = -ENOMEM;
		} else {
			memcpy(sp->segs, segs.v, segs.n * sizeof(*sp->segs));
			sp->nsegs = (uint32_t)segs.n;
			sp->count = segs.n;
			sp->kind = WC_SP_SET;
		}
	}
	free(segs.v);
	return rc;
}

/* ------------------------------------------------------------------ layers ---- */

static int set_field(struct ctx *c, const struct wc_field *f, const struct vnode *v,
		     struct wc_spec *sp)
{
	struct wc_seg g;
	int rc;

	if (v->kind == V_NONE) {
		sp->kind = WC_SP_DEFAULT;
		return 0;
	}
	switch (f->kind) {
	case WC_K_BYTES:
		return conv_bytes(c, f, v, sp);
	case WC_K_TCPOPTS:
		return conv_tcpopts(c, f, v, sp);
	case WC_K_IPOPTS:
		return conv_ipopts(c, f, v, sp);
	case WC_K_DNSNAME:
		return conv_dnsname(c, f, v, sp);
	case WC_K_DNSTXT:
		return conv_dnstxt(c, f, v, sp);
	case WC_K_RRLIST:
		return FAIL(c, v->col, "%s needs records such as DNSQR()", f->name);
	case WC_K_DHCPOPTS:
		return conv_dhcpopts(c, f, v, sp);
	default:
		break;
	}
	if (v->kind == V_CALL)
		return conv_rand(c, f, v, sp);
	if (v->kind == V_LIST && f->kind == WC_K_FLAGS)
		return conv_flags_list(c, f, v, sp);
	if (v->kind == V_LIST)
		return conv_list(c, f, v, sp);
	rc = conv_elem(c, f, v, &g);
	return rc ? rc : store_seg(c, sp, &g);
}

static int add_layer(struct ctx *c, const struct wc_proto *p, int col, bool fuzz,
		     struct wc_xlayer **out)
{
	struct wc_xlayer *xl;

	if (c->s->n >= WC_MAX_LAYERS)
		return FAIL(c, col, "too many layers (at most %d)", WC_MAX_LAYERS);
	xl = &c->s->l[c->s->n++];
	xl->proto = p;
	xl->fuzz = fuzz;
	*out = xl;
	return 0;
}

/* A bare string: Raw(load=...). */
static int parse_raw_term(struct ctx *c, bool fuzz)
{
	const struct wc_proto *raw = &wc_proto_raw;
	int col = c->cur.col, fi = wc_field_index(raw, "load");
	struct wc_xlayer *xl = NULL;
	struct vnode *v;
	int rc;

	if (fi < 0 || fi >= WC_MAX_FIELDS)
		return FAIL(c, col, "Raw has no field 'load'");
	rc = add_layer(c, raw, col, fuzz, &xl);
	if (!rc)
		rc = parse_value(c, &v);
	if (!rc)
		rc = set_field(c, &raw->fields[fi], v, &xl->f[fi]);
	return rc;
}

/* Which field an argument sets: its keyword (then *kwseen), or the next position. Moves
 * past "name =". For a name that several entries share, the first. */
static int arg_field(struct ctx *c, const struct wc_proto *p, unsigned *npos, bool *kwseen,
		     int *fi)
{
	const struct wc_tok *nx;
	char name[64], q[40];
	int rc;

	if (c->cur.kind == WC_T_IDENT) {
		rc = peek(c, &nx);
		if (rc)
			return rc;
		if (nx->kind == WC_T_EQ) {
			*fi = -1;
			if (c->cur.len < sizeof(name)) {
				memcpy(name, c->cur.p, c->cur.len);
				name[c->cur.len] = '\0';
				*fi = wc_field_index(p, name);
			}
			if (*fi < 0 || *fi >= p->nfields || *fi >= WC_MAX_FIELDS)
				return FAIL(c, c->cur.col, "%s has no field '%s'", p->name,
					    wc_expr_quote(q, sizeof(q), c->cur.p, c->cur.len));
			*kwseen = true;
			rc = advance(c);
			return rc ? rc : advance(c);
		}
	}
	if (*kwseen)
		return FAIL(c, c->cur.col, "positional value after name=value");
	if (*npos >= p->nfields || *npos >= WC_MAX_FIELDS)
		return FAIL(c, c->cur.col, "too many values for %s (it has %u fields)", p->name,
			    p->nfields);
	*fi = (int)(*npos)++;
	return 0;
}

/* Several entries of one name, with exclusive `present` hooks, are Scapy's
 * MultipleTypeField (ARP's psrc: an IPv4 or IPv6 address or raw bytes, by ptype). */
static bool has_twin(const struct wc_proto *p, int fi)
{
	for (unsigned j = 0; j < p->nfields && j < WC_MAX_FIELDS; j++)
		if ((int)j != fi && strcmp(p->fields[j].name, p->fields[fi].name) == 0)
			return true;
	return false;
}

/* The layer as far as the parser knows it, for `present` hooks: the single values given,
 * else the defaults. (A field given as a set or random counts as its default.) */
static void sketch_layer(const struct wc_proto *p, const struct wc_xlayer *xl,
			 struct wc_layer *l)
{
	memset(l, 0, sizeof(*l));
	l->proto = p;
	for (unsigned i = 0; i < p->nfields && i < WC_MAX_FIELDS; i++) {
		const struct wc_field *f = &p->fields[i];

		if (xl->f[i].kind == WC_SP_VALUE) {
			l->v[i] = xl->f[i].val;
			l->set |= 1U << i;
		} else {
			l->v[i].u = f->def;
			if (f->def_bytes && f->kind == WC_K_IPV6) {
				memcpy(l->v[i].a, f->def_bytes, sizeof(l->v[i].a));
			} else if (f->def_bytes) {
				l->v[i].b = f->def_bytes;
				l->v[i].blen = f->def_len;
			}
		}
		if (!f->present || f->present(l))
			l->here |= 1U << i;
	}
}

/* A keyword argument whose field has twins: converted once all arguments are known. */
struct deferred {
	int fi; /* the first entry of the name */
	const struct vnode *v;
};

/* Give the value to the entry of that name which the other fields make present and which
 * can hold the value, as Scapy does when building (it tests both). When none can, the
 * error is the first present entry's. */
static int set_twin(struct ctx *c, const struct wc_proto *p, struct wc_xlayer *xl,
		    const struct deferred *d)
{
	const char *name = p->fields[d->fi].name;
	struct wc_err *err = c->err, first = { 0 }, trial;
	struct wc_layer l;
	bool tried = false;
	int rc = -EINVAL;

	sketch_layer(p, xl, &l);
	c->err = &trial;
	for (unsigned j = (unsigned)d->fi; j < p->nfields && j < WC_MAX_FIELDS; j++) {
		struct wc_spec sp = { 0 };

		if (strcmp(p->fields[j].name, name) || !(l.here & (1U << j)))
			continue;
		rc = set_field(c, &p->fields[j], d->v, &sp);
		if (rc == 0)
			xl->f[j] = sp;
		if (rc != -EINVAL)
			break;
		if (!tried)
			first = trial;
		tried = true;
	}
	c->err = err;
	if (rc != -EINVAL)
		return rc;
	if (!tried) /* no entry present: the tables say otherwise, take the first */
		return set_field(c, &p->fields[d->fi], d->v, &xl->f[d->fi]);
	if (err)
		*err = first;
	return rc;
}

/* Name(args): a layer. */
static int parse_layer(struct ctx *c, bool fuzz)
{
	struct wc_tok id = c->cur;
	const struct wc_proto *p = NULL;
	struct wc_xlayer *xl = NULL;
	struct deferred dfr[WC_MAX_FIELDS];
	uint32_t given = 0;
	unsigned npos = 0, nd = 0;
	bool kwseen = false;
	char name[64], q[40];
	int rc, fi = 0;

	if (id.len < sizeof(name)) {
		memcpy(name, id.p, id.len);
		name[id.len] = '\0';
		p = wc_proto_find(name);
	}
	if (!p)
		return FAIL(c, id.col, "unknown layer '%s'", wc_expr_quote(q, sizeof(q), id.p, id.len));
	rc = advance(c);
	if (rc)
		return rc;
	if (c->cur.kind != WC_T_LPAREN)
		return expected(c, "'(' after the layer name");
	rc = add_layer(c, p, id.col, fuzz, &xl);
	if (!rc)
		rc = advance(c);
	while (!rc && c->cur.kind != WC_T_RPAREN) {
		struct vnode *v;
		int col = c->cur.col; /* the argument's start: its keyword, if any */

		rc = arg_field(c, p, &npos, &kwseen, &fi);
		if (rc)
			return rc;
		if (given & (1U << fi))
			return FAIL(c, col, "field '%s' set twice", p->fields[fi].name);
		given |= 1U << fi;
		if (p->fields[fi].kind == WC_K_RRLIST) {
			rc = conv_rrlist(c, &p->fields[fi], &xl->f[fi]);
		} else {
			rc = parse_value(c, &v);
			/* (kwseen: this is a keyword, positional ones cannot follow one) */
			if (!rc && kwseen && has_twin(p, fi))
				dfr[nd++] = (struct deferred){ .fi = fi, .v = v };
			else if (!rc)
				rc = set_field(c, &p->fields[fi], v, &xl->f[fi]);
		}
		if (!rc && c->cur.kind == WC_T_COMMA)
			rc = advance(c);
		else if (!rc && c->cur.kind != WC_T_RPAREN)
			return expected(c, "')' or ','");
	}
	for (unsigned i = 0; !rc && i < nd; i++)
		rc = set_twin(c, p, xl, &dfr[i]);
	return rc ? rc : advance(c);
}

/* fuzz(expr) or (expr): the two ways terms nest. */
static int parse_nested(struct ctx *c, bool fuzz)
{
	int rc;

	if (c->tdepth >= MAX_TERM_DEPTH)
		return FAIL(c, c->cur.col, "layers nested too deeply (at most %d levels)",
			    MAX_TERM_DEPTH);
	c->tdepth++;
	rc = 0;
	if (c->cur.kind == WC_T_IDENT) { /* fuzz ( */
		fuzz = true;
		rc = advance(c);
	}
	if (!rc)
		rc = advance(c);
	if (!rc)
		rc = parse_expr(c, fuzz);
	if (!rc && c->cur.kind != WC_T_RPAREN)
		rc = expected(c, "')' or '/'");
	if (!rc)
		rc = advance(c);
	c->tdepth--;
	return rc;
}

static int parse_term(struct ctx *c, bool fuzz)
{
	const struct wc_tok *nx;
	int rc;

	switch (c->cur.kind) {
	case WC_T_STR:
	case WC_T_BYTES:
		return parse_raw_term(c, fuzz);
	case WC_T_LPAREN:
		return parse_nested(c, fuzz);
	case WC_T_IDENT:
		if (tok_is(&c->cur, "fuzz")) {
			rc = peek(c, &nx);
			if (rc)
				return rc;
			if (nx->kind == WC_T_LPAREN)
				return parse_nested(c, fuzz);
		}
		return parse_layer(c, fuzz);
	default:
		return expected(c, "a layer such as IP() or a string");
	}
}

static int parse_expr(struct ctx *c, bool fuzz)
{
	int rc = parse_term(c, fuzz);

	while (!rc && c->cur.kind == WC_T_SLASH) {
		rc = advance(c);
		if (!rc)
			rc = parse_term(c, fuzz);
	}
	return rc;
}

int wc_set_parse(const char *expr, struct wc_set **out, struct wc_err *err)
{
	struct ctx c = { .err = err };
	int rc;

	if (err) {
		err->col = 0;
		err->msg[0] = '\0';
	}
	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!expr)
		return wc_expr_fail(err, 0, "no expression");
	c.s = calloc(1, sizeof(*c.s));
	if (!c.s)
		return -ENOMEM;
	c.s->seed = 0;
	wc_lex_init(&c.lx, expr, strlen(expr), &c.tmp);
	rc = advance(&c);
	if (!rc && c.cur.kind == WC_T_EOF)
		rc = wc_expr_fail(err, 1, "empty expression");
	if (!rc)
		rc = parse_expr(&c, false);
	if (!rc && c.cur.kind != WC_T_EOF)
		rc = expected(&c, "'/' or the end");
	wc_tmp_free(&c.tmp);
	if (rc) {
		if (rc == -ENOMEM && err)
			snprintf(err->msg, sizeof(err->msg), "out of memory");
		wc_set_free(c.s);
		return rc;
	}
	*out = c.s;
	return 0;
}
