/* SPDX-License-Identifier: MIT */
/* The scan permutation (wirecraft/cyclic.h): a walk around the multiplicative group modulo the
 * smallest prime above n. Everything about the group (the prime, the factors of p - 1, a
 * primitive root) is computed from n alone, deterministically: two machines that agree on n and
 * the seed walk the same cycle, which is all sharding needs. */
#include <errno.h>
#include <stdlib.h>

#include "wirecraft/cyclic.h"

typedef unsigned __int128 u128;

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
	return (uint64_t)((u128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
	uint64_t r = 1 % m;

	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

/* Miller-Rabin with the first twelve primes as bases: exact below 3.3e24, so for all 64 bits. */
bool wc_cyclic_is_prime(uint64_t n)
{
	static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
	uint64_t d;
	int s = 0;

	if (n < 2)
		return false;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (n == bases[i])
			return true;
		if (n % bases[i] == 0)
			return false;
	}
	d = n - 1;
	while (!(d & 1)) {
		d >>= 1;
		s++;
	}
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		uint64_t x = powmod(bases[i], d, n);

		if (x == 1 || x == n - 1)
			continue;
		for (int r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (x != n - 1)
			return false;
	}
	return true;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* A non-trivial factor of composite odd n (Pollard's rho, Brent's cycle finding). The constant
 * c is fixed per try, so the result is the same on every machine. */
static uint64_t rho(uint64_t n)
{
	for (uint64_t c = 1;; c++) {
		uint64_t y = 2, x, q = 1, g = 1, ys = 2;
		uint64_t r = 1, m = 128;

		do {
			x = y;
			for (uint64_t i = 0; i < r; i++)
				y = (mulmod(y, y, n) + c) % n;
			for (uint64_t k = 0; k < r && g == 1; k += m) {
				ys = y;
				for (uint64_t i = 0; i < m && i < r - k; i++) {
					y = (mulmod(y, y, n) + c) % n;
					q = mulmod(q, x > y ? x - y : y - x, n);
				}
				g = gcd(q, n);
			}
			r <<= 1;
		} while (g == 1);
		if (g == n) { /* overshot: step one at a time from the last save */
			do {
				ys = (mulmod(ys, ys, n) + c) % n;
				g = gcd(x > ys ? x - ys : ys - x, n);
			} while (g == 1);
		}
		if (g != n)
			return g;
	}
}

static int add_factor(uint64_t *f, int k, int max, uint64_t q)
{
	for (int i = 0; i < k; i++)
		if (f[i] == q)
			return k;
	if (k < max)
		f[k++] = q;
	return k;
}

static int factor_rec(uint64_t n, uint64_t *f, int k, int max)
{
	if (n == 1)
		return k;
	if (wc_cyclic_is_prime(n))
		return add_factor(f, k, max, n);
	uint64_t d = rho(n);

	k = factor_rec(d, f, k, max);
	return factor_rec(n / d, f, k, max);
}

int wc_cyclic_factor(uint64_t n, uint64_t *f, int max)
{
	int k = 0;

	for (uint64_t q = 2; q < 1000 && q * q <= n; q++) {
		if (n % q)
			continue;
		k = add_factor(f, k, max, q);
		while (n % q == 0)
			n /= q;
	}
	return factor_rec(n, f, k, max);
}

/* splitmix64: the seed's stream of choices. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int wc_cyclic_init(struct wc_cyclic *c, uint64_t n, uint64_t seed)
{
	uint64_t f[64], p, g0, e, st = seed;
	int nf;

	if (n == 0)
		return -EINVAL;
	if (n >= WC_CYCLIC_MAX)
		return -E2BIG;
	for (p = n + 1; !wc_cyclic_is_prime(p); p++)
		;
	c->n = n;
	c->p = p;
	if (p == 2) { /* the group of one element: {1} */
		c->g = 1;
		c->x0 = 1;
		return 0;
	}
	/* the smallest primitive root: g0^((p-1)/q) != 1 for every prime q dividing p - 1 */
	nf = wc_cyclic_factor(p - 1, f, 64);
	for (g0 = 2;; g0++) {
		int i;

		for (i = 0; i < nf; i++)
			if (powmod(g0, (p - 1) / f[i], p) == 1)
				break;
		if (i == nf)
			break;
	}
	/* a generator of the seed's choosing: g0^e with e coprime to p - 1 */
	do
		e = 1 + next_rand(&st) % (p - 1);
	while (gcd(e, p - 1) != 1);
	c->g = powmod(g0, e, p);
	c->x0 = 1 + next_rand(&st) % (p - 1);
	return 0;
}

/* a * b / c without overflow (a, b < 2^63, c > 0). */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return (uint64_t)((u128)a * b / c);
}

int wc_cyclic_walk_init(struct wc_cyclic_walk *w, const struct wc_cyclic *c, uint64_t shards,
			uint64_t shard, uint64_t parts, uint64_t part)
{
	uint64_t len = c->p - 1, s0, s1;

	if (!shards || !parts || shard >= shards || part >= parts)
		return -EINVAL;
	s0 = muldiv(len, shard, shards);
	s1 = muldiv(len, shard + 1, shards);
	w->p = c->p;
	w->g = c->g;
	w->n = c->n;
	w->start = s0 + muldiv(s1 - s0, part, parts);
	w->end = s0 + muldiv(s1 - s0, part + 1, parts);
	w->pos = w->start;
	w->x = mulmod(c->x0, powmod(c->g, w->start, c->p), c->p);
	return 0;
}

void wc_cyclic_walk_seek(struct wc_cyclic_walk *w, uint64_t done)
{
	uint64_t want = done > w->end - w->start ? w->end : w->start + done;

	/* from where the walker stands: x * g^(want - pos), or back via the inverse when the
	 * target is behind (g^(p-1) = 1, so g^-k = g^(p-1-k)) */
	if (want >= w->pos)
		w->x = mulmod(w->x, powmod(w->g, want - w->pos, w->p), w->p);
	else
		w->x = mulmod(w->x, powmod(w->g, (w->p - 1) - (w->pos - want), w->p), w->p);
	w->pos = want;
}
