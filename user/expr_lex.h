/* SPDX-License-Identifier: MIT */
/* Tokens of the Scapy expression syntax (Python's literals, a handful of punctuation), and a
 * scratch memory pool that lives for one parse. Private to expr.c and expr_lex.c. */
#ifndef WIRECRAFT_EXPR_LEX_H
#define WIRECRAFT_EXPR_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "wirecraft/set.h"

/* Scratch memory: everything a parse needs only while it runs (decoded strings, value
 * trees) comes from here and goes away in one call, so error paths cannot leak. */
struct wc_tmp_blk;
void *wc_tmp_alloc(struct wc_tmp_blk **pool, size_t n); /* zeroed; NULL when out of memory */
void wc_tmp_free(struct wc_tmp_blk **pool);

enum wc_tok_kind {
	WC_T_EOF,
	WC_T_IDENT,
	WC_T_INT,
	WC_T_STR,   /* "..." / '...': text, kept as its UTF-8 bytes */
	WC_T_BYTES, /* b"..." */
	WC_T_LPAREN,
	WC_T_RPAREN,
	WC_T_LBRACK,
	WC_T_RBRACK,
	WC_T_COMMA,
	WC_T_EQ,
	WC_T_SLASH,
	WC_T_STAR,
	WC_T_MINUS,
};

struct wc_tok {
	int kind;      /* enum wc_tok_kind */
	int col;       /* 1-based byte column of the token's first character */
	const char *p; /* the token's text in the source (not NUL-terminated) */
	size_t len;
	uint64_t u;        /* WC_T_INT */
	const uint8_t *s;  /* WC_T_STR, WC_T_BYTES: decoded bytes (scratch memory) */
	size_t slen;
};

struct wc_lexer {
	const char *src;
	size_t len, pos;
	struct wc_tmp_blk **pool;
};

void wc_lex_init(struct wc_lexer *lx, const char *src, size_t len, struct wc_tmp_blk **pool);

/* Read the next token. Returns 0, -EINVAL with err filled (err may be NULL), or -ENOMEM. */
int wc_lex_next(struct wc_lexer *lx, struct wc_tok *t, struct wc_err *err);

/* Fill err (when not NULL) and return -EINVAL: the one way errors are reported. */
int wc_expr_fail(struct wc_err *err, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The n bytes at s made fit for quoting in a message: non-printable bytes become '?' and
 * text longer than out's cap (at least 8) is cut, marked by "...". Returns out. */
char *wc_expr_quote(char *out, size_t cap, const char *s, size_t n);

#endif
