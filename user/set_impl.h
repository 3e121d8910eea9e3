/* SPDX-License-Identifier: MIT */
/* Inside a packet set: shared by the parser (expr.c), iteration (set.c) and templates
 * (tmpl.c). Not installed. */
#ifndef WIRECRAFT_SET_IMPL_H
#define WIRECRAFT_SET_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wirecraft/set.h"

enum wc_spec_kind {
	WC_SP_DEFAULT = 0, /* not given: default, binding or computed */
	WC_SP_VALUE,       /* one value */
	WC_SP_SET,         /* several values: segments walked in order */
	WC_SP_RAND,        /* a new random value for every packet */
};

/* A run of consecutive values: integers lo, lo+1, ... or IPv6 addresses a, a+1, ... (the
 * increment goes into the low 64 bits). A single value is a run of length 1. Byte kinds
 * (Raw(load=[b"a", b"bb"])): one byte string per segment, b/blen in the set's arena, n 1. */
struct wc_seg {
	uint64_t lo;
	uint8_t a[16];
	uint64_t n;
	const uint8_t *b;
	uint32_t blen;
};

struct wc_spec {
	uint8_t kind; /* enum wc_spec_kind */
	struct wc_val val; /* WC_SP_VALUE (byte kinds: points into the set's arena) */
	struct wc_seg *segs; /* WC_SP_SET */
	uint32_t nsegs;
	uint64_t count; /* WC_SP_SET: total values (saturating) */
	/* WC_SP_RAND: value = rbase | (random & rmask); IPv6: ra with the low 64 bits so. */
	uint64_t rbase, rmask;
	uint8_t ra[16];
};

struct wc_xlayer {
	const struct wc_proto *proto;
	bool fuzz; /* fuzz(): random values for fixed fields left unset */
	struct wc_spec f[WC_MAX_FIELDS];
};

struct wc_set {
	unsigned n;
	struct wc_xlayer l[WC_MAX_LAYERS];
	uint64_t seed;
	/* Every byte string and segment array of the set lives in one list of blocks freed
	 * together with the set. */
	struct wc_arena_blk *arena;
};

void *wc_set_alloc(struct wc_set *s, size_t n); /* zeroed, freed with the set */

/* Iteration order within a layer: Scapy walks the fields whose default is a list or a
 * packet (WC_FF_LIST: DNS qd) fastest of all, then the others, earliest fastest. Digit pass
 * 0 takes the others, pass 1 those (both set.c and tmpl.c order their digits so). */
static inline unsigned wc_set_digit_pass(const struct wc_xlayer *xl, unsigned f)
{
	return f < xl->proto->nfields && (xl->proto->fields[f].flags & WC_FF_LIST) ? 1 : 0;
}

/* PRNG used for random fields (splitmix64: fast, good enough for packet fields). */
static inline uint64_t wc_rand_next(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
