/* SPDX-License-Identifier: MIT */
/* A full-cycle pseudo-random permutation of [0, n) in constant memory, with sharding.
 *
 * As ZMap does: the multiplicative group of integers modulo a prime p > n is cyclic, so for a
 * generator g the sequence x, x*g, x*g^2, ... (mod p) visits every element of 1..p-1 exactly
 * once before it comes back to x. Element e stands for index e - 1; elements past n are skipped.
 * p is the smallest prime above n, so almost no step is wasted (there is always a prime below
 * 2n, and in practice one within a few hundred of n). The generator and the starting point come
 * from the seed: the generators are exactly g0^e for e coprime to p - 1, so a seed picks e.
 *
 * Sharding cuts the cycle (p - 1 steps) into `shards` consecutive arcs, and each arc into `parts`
 * (one per sending thread). Every index lies on exactly one arc, so shards are disjoint and
 * their union is the whole, with nothing shared but (n, seed, shards). A position within an arc
 * is one number, which is all a resumed scan needs.
 *
 *   struct wc_cyclic c;      wc_cyclic_init(&c, n, seed);
 *   struct wc_cyclic_walk w; wc_cyclic_walk_init(&w, &c, shards, shard, parts, part);
 *   while (wc_cyclic_next(&w, &i))  probe(i);
 */
#ifndef WIRECRAFT_CYCLIC_H
#define WIRECRAFT_CYCLIC_H

#include <stdbool.h>
#include <stdint.h>

#define WC_CYCLIC_MAX (1ull << 62) /* n must be below this */

struct wc_cyclic {
	uint64_t n;  /* indices [0, n) */
	uint64_t p;  /* the prime: smallest above n */
	uint64_t g;  /* the generator the seed chose */
	uint64_t x0; /* the element at step 0 */
};

/* Returns 0, -EINVAL (n == 0), -E2BIG (n >= WC_CYCLIC_MAX). The same (n, seed): the same
 * order, on any machine. */
int wc_cyclic_init(struct wc_cyclic *c, uint64_t n, uint64_t seed);

struct wc_cyclic_walk {
	uint64_t p, g, n;
	uint64_t x;          /* the element at step `pos` */
	uint64_t start, end; /* the arc: steps [start, end) of the cycle */
	uint64_t pos;        /* next step to take, in [start, end] */
};

/* The arc of part `part` (of `parts`) of shard `shard` (of `shards`), positioned at its start.
 * -EINVAL when shard >= shards or part >= parts or either count is 0. */
int wc_cyclic_walk_init(struct wc_cyclic_walk *w, const struct wc_cyclic *c, uint64_t shards,
			uint64_t shard, uint64_t parts, uint64_t part);
/* Go to `done` steps past the arc's start (a resumed scan); past the end: at the end. */
void wc_cyclic_walk_seek(struct wc_cyclic_walk *w, uint64_t done);
/* Steps taken and steps in the arc (for progress and for saving the position). Steps count
 * skipped elements too: done/len is the share of the arc behind us. */
static inline uint64_t wc_cyclic_walk_done(const struct wc_cyclic_walk *w)
{
	return w->pos - w->start;
}
static inline uint64_t wc_cyclic_walk_len(const struct wc_cyclic_walk *w)
{
	return w->end - w->start;
}

/* x * y mod p for p below 2^63. */
static inline uint64_t wc_cyclic_mulmod(uint64_t x, uint64_t y, uint64_t p)
{
	if (p <= UINT32_MAX) /* products fit 64 bits: a 64-bit division, much cheaper */
		return x * y % p;
	return (uint64_t)((unsigned __int128)x * y % p);
}

/* The next index of the arc: true with *index set, false when the arc is done. */
static inline bool wc_cyclic_next(struct wc_cyclic_walk *w, uint64_t *index)
{
	while (w->pos < w->end) {
		uint64_t x = w->x;

		w->x = wc_cyclic_mulmod(x, w->g, w->p);
		w->pos++;
		if (x - 1 < w->n) {
			*index = x - 1;
			return true;
		}
	}
	return false;
}

/* Helpers, exported for tests: is n prime (deterministic for 64 bits); the distinct prime
 * factors of n into f (up to 64), returning how many. */
bool wc_cyclic_is_prime(uint64_t n);
int wc_cyclic_factor(uint64_t n, uint64_t *f, int max);

#endif
