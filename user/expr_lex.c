/* SPDX-License-Identifier: MIT */
/* Lexer for Scapy expressions: Python's integer and string literals (with Python's escape
 * rules, because people paste what they typed into Scapy), identifiers and punctuation.
 * Reads only inside [src, src+len), whatever the input. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_lex.h"

/* ---- scratch pool ---- */

struct wc_tmp_blk {
	struct wc_tmp_blk *next;
	max_align_t data[];
};

void *wc_tmp_alloc(struct wc_tmp_blk **pool, size_t n)
{
	struct wc_tmp_blk *b;

	if (n > SIZE_MAX - sizeof(*b))
		return NULL;
	b = calloc(1, sizeof(*b) + n);
	if (!b)
		return NULL;
	b->next = *pool;
	*pool = b;
	return b->data;
}

void wc_tmp_free(struct wc_tmp_blk **pool)
{
	while (*pool) {
		struct wc_tmp_blk *b = *pool;

		*pool = b->next;
		free(b);
	}
}

/* ---- messages ---- */

int wc_expr_fail(struct wc_err *err, int col, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->col = col;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

char *wc_expr_quote(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, room = cap - 1;

	if (n > room)
		room -= 3; /* keep space for "..." */
	for (i = 0; i < n && i < room; i++) {
		unsigned char c = (unsigned char)s[i];

		/* UTF-8 text is kept as is; control bytes would garble a one-line message. */
		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (i < n) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

/* ---- characters ---- */

static bool is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Value of c as a digit in base 2..16, or -1. */
static int digit_val(int c, unsigned base)
{
	int v = -1;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	return (v >= 0 && (unsigned)v < base) ? v : -1;
}

static int peekc(const struct wc_lexer *lx, size_t at)
{
	return at < lx->len ? (unsigned char)lx->src[at] : -1;
}

void wc_lex_init(struct wc_lexer *lx, const char *src, size_t len, struct wc_tmp_blk **pool)
{
	lx->src = src;
	lx->len = len;
	lx->pos = 0;
	lx->pool = pool;
}

/* ---- numbers ---- */

/* Where a malformed word (such as an unquoted 1.2.3.4 or 12ab) ends, for the message. */
static size_t bad_word_end(const struct wc_lexer *lx, size_t i)
{
	while (i < lx->len && (is_ident_char(peekc(lx, i)) || lx->src[i] == '.' ||
			       lx->src[i] == ':'))
		i++;
	return i;
}

/* Python integer literal: 123, 0x1f, 0b101, 0o17, with '_' between digits. */
static int lex_int(struct wc_lexer *lx, struct wc_tok *t, struct wc_err *err)
{
	size_t i = lx->pos, start = lx->pos;
	unsigned base = 10;
	uint64_t v = 0;
	bool any = false, nonzero_lead = false;
	char q[40];
	int c, d;

	if (lx->src[i] == '0' && i + 1 < lx->len) {
		c = lx->src[i + 1] | 0x20;
		base = c == 'x' ? 16 : c == 'b' ? 2 : c == 'o' ? 8 : 10;
		if (base != 10)
			i += 2;
	}
	for (;; i++) {
		c = peekc(lx, i);
		/* '_' only between digits (or right after the base prefix), as in Python. */
		if (c == '_' && digit_val(peekc(lx, i + 1), base) >= 0 &&
		    (any || base != 10))
			continue;
		d = digit_val(c, base);
		if (d < 0)
			break;
		if (base == 10 && any && v == 0 && d != 0 && lx->src[start] == '0')
			nonzero_lead = true;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return wc_expr_fail(err, (int)start + 1, "integer too large: %s",
					    wc_expr_quote(q, sizeof(q), lx->src + start,
							  bad_word_end(lx, start) - start));
		v = v * base + (uint64_t)d;
		any = true;
	}
	c = peekc(lx, i);
	if (!any || is_ident_char(c) || c == '.' || c == ':') {
		size_t e = bad_word_end(lx, i);

		wc_expr_quote(q, sizeof(q), lx->src + start, e - start);
		if (c == '.' || c == ':')
			return wc_expr_fail(err, (int)start + 1,
					    "bad number '%s' (addresses and names need quotes)", q);
		return wc_expr_fail(err, (int)start + 1, "bad number '%s'", q);
	}
	if (nonzero_lead)
		return wc_expr_fail(err, (int)start + 1,
				    "leading zeros are not allowed (use 0o for octal)");
	t->kind = WC_T_INT;
	t->u = v;
	lx->pos = i;
	return 0;
}

/* ---- strings ---- */

static size_t put_utf8(uint8_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | (cp >> 6));
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xe0 | (cp >> 12));
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | (cp >> 18));
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* Exactly `n` hex digits at src[i...], or -1. */
static long hex_n(const struct wc_lexer *lx, size_t i, unsigned n)
{
	long v = 0;

	for (unsigned k = 0; k < n; k++) {
		int d = digit_val(peekc(lx, i + k), 16);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

struct strlex {
	bool raw, bytes;
	size_t end;  /* index of the closing quote */
	uint8_t *o;  /* output */
	size_t n;    /* bytes written */
};

/* A code point from an escape: bytes literals take it as one byte (it is < 256 there),
 * text takes the character, which Scapy stores UTF-8 encoded ("\xff" is c3 bf). */
static void put_cp(struct strlex *sl, uint32_t cp)
{
	if (sl->bytes)
		sl->o[sl->n++] = (uint8_t)cp;
	else
		sl->n += put_utf8(sl->o + sl->n, cp);
}

/* One backslash escape at src[i] (the backslash); returns the index after it. Every escape
 * is at least as long in the source as its output, so the output never outgrows the
 * source text. */
static int lex_escape(struct wc_lexer *lx, struct strlex *sl, size_t i, size_t *next,
		      struct wc_err *err)
{
	static const char simple_in[] = "\\'\"abfnrtv";
	static const char simple_out[] = "\\'\"\a\b\f\n\r\t\v";
	int c = peekc(lx, i + 1);
	const char *k = c > 0 ? strchr(simple_in, c) : NULL;
	long v;

	if (c == '\n') { /* line continuation */
		*next = i + 2;
		return 0;
	}
	if (k) {
		sl->o[sl->n++] = (uint8_t)simple_out[k - simple_in];
		*next = i + 2;
		return 0;
	}
	if (c >= '0' && c <= '7') {
		size_t j = i + 1;

		v = 0;
		while (j < i + 4 && peekc(lx, j) >= '0' && peekc(lx, j) <= '7')
			v = v * 8 + (lx->src[j++] - '0');
		if (sl->bytes && v > 0xff)
			return wc_expr_fail(err, (int)i + 1, "octal escape out of range");
		put_cp(sl, (uint32_t)v);
		*next = j;
		return 0;
	}
	if (c == 'x') {
		v = hex_n(lx, i + 2, 2);
		if (v < 0)
			return wc_expr_fail(err, (int)i + 1, "bad \\x escape (needs 2 hex digits)");
		put_cp(sl, (uint32_t)v);
		*next = i + 4;
		return 0;
	}
	if (!sl->bytes && (c == 'u' || c == 'U')) {
		unsigned n = c == 'u' ? 4 : 8;

		v = hex_n(lx, i + 2, n);
		if (v < 0)
			return wc_expr_fail(err, (int)i + 1, "bad \\%c escape (needs %u hex digits)",
					    c, n);
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return wc_expr_fail(err, (int)i + 1, "bad \\%c escape (not a character)", c);
		put_cp(sl, (uint32_t)v);
		*next = i + 2 + n;
		return 0;
	}
	if (!sl->bytes && c == 'N')
		return wc_expr_fail(err, (int)i + 1, "\\N{...} escapes are not supported");
	/* Unknown escapes stay as written, backslash included, as in Python. */
	sl->o[sl->n++] = '\\';
	*next = i + 1;
	return 0;
}

/* Find the closing quote of the literal whose opening quote is at q. */
static int find_str_end(const struct wc_lexer *lx, size_t q, int col, size_t *end,
			struct wc_err *err)
{
	char quote = lx->src[q];

	for (size_t i = q + 1; i < lx->len; i++) {
		if (lx->src[i] == '\\') {
			i++; /* whatever follows is escaped, even in raw strings */
			continue;
		}
		if (lx->src[i] == quote) {
			*end = i;
			return 0;
		}
		if (lx->src[i] == '\n')
			break;
	}
	return wc_expr_fail(err, col, "unterminated string");
}

/* A string literal: optional prefix (b, r, u, br, rb in any case) already read, opening
 * quote at lx->src[q]; `col` is where the literal (its prefix) starts. */
static int lex_string(struct wc_lexer *lx, struct wc_tok *t, size_t q, bool raw, bool bytes,
		      int col, struct wc_err *err)
{
	struct strlex sl = { .raw = raw, .bytes = bytes };
	size_t i;
	int rc;

	rc = find_str_end(lx, q, col, &sl.end, err);
	if (rc)
		return rc;
	sl.o = wc_tmp_alloc(lx->pool, sl.end - q);
	if (!sl.o)
		return -ENOMEM;
	for (i = q + 1; i < sl.end;) {
		unsigned char c = (unsigned char)lx->src[i];

		if (bytes && c >= 0x80)
			return wc_expr_fail(err, (int)i + 1,
					    "bytes can only contain ASCII characters");
		if (c == '\\' && !raw) {
			rc = lex_escape(lx, &sl, i, &i, err);
			if (rc)
				return rc;
			continue;
		}
		if (c == '\\') { /* raw: the backslash and the escaped char both stay */
			sl.o[sl.n++] = c;
			c = (unsigned char)lx->src[++i];
			if (bytes && c >= 0x80)
				return wc_expr_fail(err, (int)i + 1,
						    "bytes can only contain ASCII characters");
		}
		sl.o[sl.n++] = c;
		i++;
	}
	t->kind = bytes ? WC_T_BYTES : WC_T_STR;
	t->s = sl.o;
	t->slen = sl.n;
	lx->pos = sl.end + 1;
	return 0;
}

/* An identifier, or a string prefix glued to a quote (b"..", r'..', rb"..", u"..."). */
static int lex_word(struct wc_lexer *lx, struct wc_tok *t, struct wc_err *err)
{
	size_t i = lx->pos;
	int q;

	while (i < lx->len && is_ident_char((unsigned char)lx->src[i]))
		i++;
	q = peekc(lx, i);
	if ((q == '"' || q == '\'') && i - lx->pos <= 2) {
		bool raw = false, bytes = false, uni = false, ok = true;

		for (size_t k = lx->pos; k < i; k++) {
			int c = lx->src[k] | 0x20;
			bool *flag = c == 'r' ? &raw : c == 'b' ? &bytes : c == 'u' ? &uni : NULL;

			if (!flag || *flag)
				ok = false;
			else
				*flag = true;
		}
		if (ok && !(uni && (raw || bytes)))
			return lex_string(lx, t, i, raw, bytes, t->col, err);
	}
	t->kind = WC_T_IDENT;
	t->len = i - lx->pos;
	lx->pos = i;
	return 0;
}

int wc_lex_next(struct wc_lexer *lx, struct wc_tok *t, struct wc_err *err)
{
	static const char punct[] = "()[],=/*-";
	static const int punct_kind[] = { WC_T_LPAREN, WC_T_RPAREN, WC_T_LBRACK, WC_T_RBRACK,
					  WC_T_COMMA, WC_T_EQ, WC_T_SLASH, WC_T_STAR,
					  WC_T_MINUS };
	const char *k;
	size_t start;
	int c, rc;

	while (lx->pos < lx->len && lx->src[lx->pos] && strchr(" \t\r\n\f\v", lx->src[lx->pos]))
		lx->pos++;
	start = lx->pos;
	memset(t, 0, sizeof(*t));
	t->col = (int)lx->pos + 1;
	t->p = lx->src + lx->pos;
	c = peekc(lx, lx->pos);
	if (c < 0) {
		t->kind = WC_T_EOF;
		return 0;
	}
	k = c ? strchr(punct, c) : NULL;
	if (k) {
		t->kind = punct_kind[k - punct];
		lx->pos++;
	} else if (c >= '0' && c <= '9') {
		rc = lex_int(lx, t, err);
		if (rc)
			return rc;
	} else if (is_ident_start(c)) {
		rc = lex_word(lx, t, err);
		if (rc)
			return rc;
	} else if (c == '"' || c == '\'') {
		rc = lex_string(lx, t, lx->pos, false, false, t->col, err);
		if (rc)
			return rc;
	} else if (c >= 0x20 && c < 0x7f) {
		return wc_expr_fail(err, t->col, "unexpected character '%c'", c);
	} else {
		return wc_expr_fail(err, t->col, "unexpected byte 0x%02x", c);
	}
	t->len = lx->pos - start;
	return 0;
}
