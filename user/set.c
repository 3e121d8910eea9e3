/* SPDX-License-Identifier: MIT */
/* Packet sets: memory, counting, and iteration in Scapy's order without expansion. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "set_impl.h"

struct wc_arena_blk {
	struct wc_arena_blk *next;
	max_align_t data[];
};

void *wc_set_alloc(struct wc_set *s, size_t n)
{
	struct wc_arena_blk *b = calloc(1, sizeof(*b) + n);

	if (!b)
		return NULL;
	b->next = s->arena;
	s->arena = b;
	return b->data;
}

void wc_set_free(struct wc_set *s)
{
	if (!s)
		return;
	while (s->arena) {
		struct wc_arena_blk *b = s->arena;
		s->arena = b->next;
		free(b);
	}
	free(s);
}

void wc_set_seed(struct wc_set *s, uint64_t seed)
{
	s->seed = seed;
}

int wc_set_push_front(struct wc_set *s, const struct wc_proto *proto)
{
	if (s->n >= WC_MAX_LAYERS)
		return -E2BIG;
	memmove(&s->l[1], &s->l[0], s->n * sizeof(s->l[0]));
	memset(&s->l[0], 0, sizeof(s->l[0]));
	s->l[0].proto = proto;
	s->n++;
	return 0;
}

const struct wc_proto *wc_set_layer(const struct wc_set *s, unsigned i)
{
	return i < s->n ? s->l[i].proto : NULL;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return (b && a > UINT64_MAX / b) ? UINT64_MAX : a * b;
}

uint64_t wc_set_count(const struct wc_set *s)
{
	uint64_t n = 1;

	for (unsigned i = 0; i < s->n; i++)
		for (unsigned f = 0; f < WC_MAX_FIELDS; f++)
			if (s->l[i].f[f].kind == WC_SP_SET)
				n = mul_sat(n, s->l[i].f[f].count);
	return n;
}

/* One digit of the odometer: a varying field and where it stands in its segments. */
struct digit {
	unsigned layer, field;
	uint32_t seg;
	uint64_t pos;
};

struct wc_iter {
	const struct wc_set *s;
	uint64_t rng;
	bool started, done;
	unsigned ndigits;
	struct digit d[WC_MAX_LAYERS * 4];
	uint8_t dig_of[WC_MAX_LAYERS][WC_MAX_FIELDS]; /* (layer, field) -> its digit */
};

int wc_iter_new(const struct wc_set *s, struct wc_iter **out)
{
	struct wc_iter *it = calloc(1, sizeof(*it));
	size_t cap = sizeof(it->d) / sizeof(it->d[0]);

	if (!it)
		return -ENOMEM;
	it->s = s;
	it->rng = s->seed;
	if (!it->rng && getrandom(&it->rng, sizeof(it->rng), 0) != sizeof(it->rng))
		it->rng = 0x5eed;
	/* Most significant first: outer layers before their payload and, within a layer, the
	 * last-declared field first (Scapy pops its list of varying fields from the end). */
	for (unsigned i = 0; i < s->n; i++)
		for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned f = WC_MAX_FIELDS; f-- > 0;) {
			if (s->l[i].f[f].kind != WC_SP_SET || wc_set_digit_pass(&s->l[i], f) != pass)
				continue;
			if (it->ndigits == cap) {
				free(it);
				return -E2BIG;
			}
			it->dig_of[i][f] = (uint8_t)it->ndigits;
			it->d[it->ndigits++] = (struct digit){.layer = i, .field = f};
		}
	*out = it;
	return 0;
}

void wc_iter_free(struct wc_iter *it)
{
	free(it);
}

/* Advance the odometer: the last digit (payload-most layer, earliest field) turns fastest. */
static bool advance(struct wc_iter *it)
{
	for (unsigned k = it->ndigits; k-- > 0;) {
		struct digit *d = &it->d[k];
		const struct wc_spec *sp = &it->s->l[d->layer].f[d->field];

		if (++d->pos < sp->segs[d->seg].n)
			return true;
		d->pos = 0;
		if (++d->seg < sp->nsegs)
			return true;
		d->seg = 0;
	}
	return false;
}

static void add64_be(uint8_t a[16], uint64_t n)
{
	for (int i = 15; i >= 8 && n; i--) {
		uint64_t s = a[i] + (n & 0xff);
		a[i] = (uint8_t)s;
		n = (n >> 8) + (s >> 8);
	}
}

static void rand_value(const struct wc_spec *sp, const struct wc_field *f, uint64_t *rng,
		       struct wc_val *v)
{
	uint64_t r = wc_rand_next(rng);

	if (f->kind == WC_K_IPV6) {
		uint64_t lo = 0;
		memcpy(v->a, sp->ra, 16);
		for (int i = 8; i < 16; i++)
			lo = lo << 8 | v->a[i];
		lo = (lo & ~sp->rmask) | (r & sp->rmask);
		for (int i = 15; i >= 8; i--, lo >>= 8)
			v->a[i] = (uint8_t)lo;
	} else {
		v->u = sp->rbase | (r & sp->rmask);
	}
}

/* fuzz(): a random value of the field's width for fixed fields the user left alone,
 * except computed ones (lengths and checksums stay right) and the NOFUZZ ones. */
static void fuzz_value(const struct wc_field *f, uint64_t *rng, struct wc_val *v)
{
	uint64_t r = wc_rand_next(rng);

	if (f->kind == WC_K_IPV6) {
		uint64_t r2 = wc_rand_next(rng);
		memcpy(v->a, &r, 8);
		memcpy(v->a + 8, &r2, 8);
	} else if (f->bits) {
		v->u = f->bits >= 64 ? r : r & ((1ULL << f->bits) - 1);
	}
}

/* Put the current values of the set into the layers of p. */
static int materialise(struct wc_iter *it, struct wc_pkt *p)
{
	const struct wc_set *s = it->s;

	p->nlayers = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct wc_xlayer *xl = &s->l[i];
		struct wc_layer *l;
		int err = wc_pkt_push(p, xl->proto);

		if (err)
			return err;
		l = &p->l[i];
		for (unsigned f = 0; f < xl->proto->nfields; f++) {
			const struct wc_spec *sp = &xl->f[f];
			const struct wc_field *fd = &xl->proto->fields[f];

			switch (sp->kind) {
			case WC_SP_VALUE:
				l->v[f] = sp->val;
				break;
			case WC_SP_SET: {
				const struct digit *d = &it->d[it->dig_of[i][f]];
				const struct wc_seg *sg = &sp->segs[d->seg];

				if (fd->kind == WC_K_IPV6) {
					memcpy(l->v[f].a, sg->a, 16);
					add64_be(l->v[f].a, d->pos);
				} else if (!fd->bits) {
					/* byte kinds: one string per segment */
					l->v[f].b = sg->b;
					l->v[f].blen = sg->blen;
				} else {
					l->v[f].u = sg->lo + d->pos;
				}
				break;
			}
			case WC_SP_RAND:
				rand_value(sp, fd, &it->rng, &l->v[f]);
				break;
			default:
				if (xl->fuzz && fd->bits && !(fd->flags & (WC_FF_AUTO | WC_FF_NOFUZZ))) {
					fuzz_value(fd, &it->rng, &l->v[f]);
					break;
				}
				continue;
			}
			l->set |= 1u << f;
		}
	}
	return 0;
}

int wc_iter_next(struct wc_iter *it, struct wc_pkt *p)
{
	int err;

	if (it->done)
		return -ENOENT;
	if (it->started && !advance(it)) {
		it->done = true;
		return -ENOENT;
	}
	it->started = true;
	err = materialise(it, p);
	return err ? err : wc_build(p);
}
