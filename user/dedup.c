/* SPDX-License-Identifier: MIT */
/* Answered-target sets (wirecraft/dedup.h): a paged bitmap, or a bounded cache beyond the
 * memory budget. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wirecraft/dedup.h"

#define PAGE_BITS 19 /* 2^19 indices = 64 KiB of bits per page */
#define PAGE_WORDS ((1u << PAGE_BITS) / 64)
#define WAYS 8
#define CACHE_SETS (1u << 18) /* 2^21 remembered answers, 16 MiB */

struct wc_dedup {
	uint64_t n;
	bool exact;
	uint64_t **pages; /* exact: n / 2^19 page pointers, NULL until touched */
	uint64_t npages;
	uint64_t *cache;  /* not exact: CACHE_SETS * WAYS entries of index + 1 (0: empty) */
	uint8_t *next;    /* per set: the way to overwrite next */
	uint64_t used_pages, count, errors;
};

int wc_dedup_new(uint64_t n, size_t max_bytes, struct wc_dedup **out)
{
	struct wc_dedup *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	if (!max_bytes)
		max_bytes = (size_t)1 << 30;
	d->n = n;
	d->npages = (n + (1ull << PAGE_BITS) - 1) >> PAGE_BITS;
	d->exact = n / 8 <= max_bytes;
	if (d->exact)
		d->pages = calloc(d->npages ? d->npages : 1, sizeof(*d->pages));
	else {
		d->cache = calloc((size_t)CACHE_SETS * WAYS, sizeof(*d->cache));
		d->next = calloc(CACHE_SETS, 1);
	}
	if (d->exact ? !d->pages : (!d->cache || !d->next)) {
		wc_dedup_free(d);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

void wc_dedup_free(struct wc_dedup *d)
{
	if (!d)
		return;
	if (d->pages)
		for (uint64_t i = 0; i < d->npages; i++)
			free(d->pages[i]);
	free(d->pages);
	free(d->cache);
	free(d->next);
	free(d);
}

static uint64_t mix(uint64_t x) /* spreads neighbouring indices over the sets */
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

bool wc_dedup_add(struct wc_dedup *d, uint64_t i)
{
	if (i >= d->n)
		return false;
	if (d->exact) {
		uint64_t **pp = &d->pages[i >> PAGE_BITS], *pg;
		uint64_t bit = 1ull << (i & 63), old;

		pg = __atomic_load_n(pp, __ATOMIC_ACQUIRE);
		if (!pg) {
			pg = calloc(PAGE_WORDS, sizeof(uint64_t));
			if (!pg) {
				d->errors++;
				return true;
			}
			__atomic_store_n(pp, pg, __ATOMIC_RELEASE);
			d->used_pages++;
		}
		old = __atomic_fetch_or(&pg[(i & ((1u << PAGE_BITS) - 1)) >> 6], bit,
					__ATOMIC_RELAXED);
		if (old & bit)
			return false;
		d->count++;
		return true;
	}
	uint64_t set = mix(i) & (CACHE_SETS - 1), *w = &d->cache[set * WAYS];

	for (unsigned k = 0; k < WAYS; k++)
		if (__atomic_load_n(&w[k], __ATOMIC_RELAXED) == i + 1)
			return false;
	__atomic_store_n(&w[d->next[set]], i + 1, __ATOMIC_RELAXED);
	d->next[set] = (uint8_t)((d->next[set] + 1) % WAYS);
	d->count++;
	return true;
}

bool wc_dedup_has(const struct wc_dedup *d, uint64_t i)
{
	if (i >= d->n)
		return false;
	if (d->exact) {
		uint64_t *pg = __atomic_load_n(&d->pages[i >> PAGE_BITS], __ATOMIC_ACQUIRE);

		return pg && (__atomic_load_n(&pg[(i & ((1u << PAGE_BITS) - 1)) >> 6],
					      __ATOMIC_RELAXED) >> (i & 63) & 1);
	}
	const uint64_t *w = &d->cache[(mix(i) & (CACHE_SETS - 1)) * WAYS];

	for (unsigned k = 0; k < WAYS; k++)
		if (__atomic_load_n(&w[k], __ATOMIC_RELAXED) == i + 1)
			return true;
	return false;
}

bool wc_dedup_exact(const struct wc_dedup *d)
{
	return d->exact;
}

size_t wc_dedup_bytes(const struct wc_dedup *d)
{
	if (d->exact)
		return (size_t)(d->npages * sizeof(*d->pages) + d->used_pages * PAGE_WORDS * 8);
	return (size_t)CACHE_SETS * WAYS * sizeof(*d->cache) + CACHE_SETS;
}

uint64_t wc_dedup_errors(const struct wc_dedup *d)
{
	return d->errors;
}

uint64_t wc_dedup_count(const struct wc_dedup *d)
{
	/* read by the scan's main thread while the receiver adds */
	return __atomic_load_n(&d->count, __ATOMIC_RELAXED);
}

int wc_dedup_foreach(const struct wc_dedup *d, int (*fn)(uint64_t i, void *arg), void *arg)
{
	if (!d->exact)
		return -EOPNOTSUPP;
	for (uint64_t p = 0; p < d->npages; p++) {
		const uint64_t *pg = d->pages[p];

		if (!pg)
			continue;
		for (uint64_t w = 0; w < PAGE_WORDS; w++) {
			uint64_t bits = pg[w];

			while (bits) {
				uint64_t i = (p << PAGE_BITS) + w * 64 + (uint64_t)__builtin_ctzll(bits);
				int r;

				bits &= bits - 1;
				if (i >= d->n)
					return 0;
				r = fn(i, arg);
				if (r)
					return r;
			}
		}
	}
	return 0;
}
