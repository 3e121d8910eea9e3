/* SPDX-License-Identifier: MIT */
/* A template's patch plan as data, for engines that apply it somewhere other than
 * wc_tmpl_next(): the XDP live-frames engine (user/live.c) runs it in the kernel. What each
 * part means is said in tmpl.c's header comment; this is a copy of it, taken once. Not
 * installed: it exposes struct wc_seg (set_impl.h). */
#ifndef WIRECRAFT_TMPL_PLAN_H
#define WIRECRAFT_TMPL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "set_impl.h"

struct wc_tmpl;

/* At least tmpl.c's own limits (it checks). */
#define WC_PLAN_MAX_DIGITS 128
#define WC_PLAN_MAX_VARS 96
#define WC_PLAN_MAX_WINS 128
#define WC_PLAN_MAX_MEMS 8
#define WC_PLAN_MAX_CS 16
#define WC_PLAN_MAX_COV 6

enum wc_plan_src {
	WC_PLAN_DIGIT, /* the digit's current value */
	WC_PLAN_RAND,  /* base | (draw & mask); wide: hi is constant */
	WC_PLAN_FUZZ,  /* draw & mask; wide: two draws, each read as big-endian host bytes */
};

/* An odometer digit, most significant first: value = segs[seg] + position within it. */
struct wc_plan_digit {
	const struct wc_seg *segs; /* the set's, valid as long as the set */
	uint32_t nsegs;
	uint64_t radix; /* values in all (saturating) */
	bool wide;      /* IPv6: the segment's a[16], the position added to the low 64 bits */
};

/* A varying field, in the order its random numbers are drawn. */
struct wc_plan_var {
	uint8_t src; /* enum wc_plan_src */
	bool wide;
	uint16_t digit;
	uint64_t base, mask, hi;
};

struct wc_plan_cover {
	uint8_t cs;  /* index into cs[] */
	uint8_t odd; /* the first byte is the low half of a 16-bit word of that sum */
};

struct wc_plan_member {
	uint16_t var;
	uint8_t hi; /* the high 64 bits of a wide value */
	uint8_t shift;
	uint64_t mask;
};

/* Up to 8 frame bytes rewritten whole each packet: tbits | each (value & mask) << shift. */
struct wc_plan_window {
	uint32_t off;
	uint8_t nb, nmem, ncov;
	uint8_t need; /* 1: its even-parity sum is used, 2: its odd one */
	uint64_t tbits;
	struct wc_plan_member m[WC_PLAN_MAX_MEMS];
	struct wc_plan_cover cov[WC_PLAN_MAX_COV];
};

/* A checksum to recompute, innermost first: base + covered sums, folded, complemented. */
struct wc_plan_csum {
	uint32_t off;
	bool zero_ffff; /* UDP: a computed 0 is sent as 0xffff */
	uint8_t ncov;   /* outer checksums covering this field */
	uint64_t base;
	struct wc_plan_cover cov[WC_PLAN_MAX_COV];
};

struct wc_tmpl_plan {
	const uint8_t *bytes; /* the template, valid as long as the wc_tmpl */
	size_t len;
	uint64_t count; /* packets in the set (UINT64_MAX: more) */
	/* Random numbers: splitmix64 (wc_rand_next), state rng0 + (index * ndraws + k + 1) *
	 * rng_step for the k-th draw of packet `index`. */
	uint64_t rng0, rng_step, ndraws;
	unsigned ndigits, nvars, nwins, ncs;
	struct wc_plan_digit d[WC_PLAN_MAX_DIGITS];
	struct wc_plan_var v[WC_PLAN_MAX_VARS];
	struct wc_plan_window w[WC_PLAN_MAX_WINS];
	struct wc_plan_csum cs[WC_PLAN_MAX_CS];
};

/* Copy t's plan into *p. Returns 0, or -EOPNOTSUPP when t has no plan (it builds every
 * packet in full: wc_tmpl_is_fast() is false). */
int wc_tmpl_plan(const struct wc_tmpl *t, struct wc_tmpl_plan *p);

#endif
