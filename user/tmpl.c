/* SPDX-License-Identifier: MIT */
/* Templates: a packet set compiled into the bytes of its first packet plus a patch plan.
 *
 * Plan, made once by wc_tmpl_new():
 *  - vars: the fields that change per packet (WC_SP_SET digits, WC_SP_RAND, fuzz()), in the
 *    order wc_iter materialises them, so random numbers are drawn in the same order; the
 *    digits turn in wc_iter's order too (init_digits);
 *  - windows: the frame bytes holding them (bit fields sharing bytes are merged into one
 *    window of at most 8 bytes, the rest of whose bits come from the template);
 *  - checksums: every computed checksum that some varying byte reaches, directly (its layer's
 *    bytes, as proto->csum says) or through its pseudo-header, or through an inner checksum
 *    it covers (ICMP quoting IP+TCP). Each window and each inner checksum field lists the
 *    checksums covering it and the parity of its first byte in their summed streams.
 *
 * Per packet: acc = base; store each window and add its 16-bit word sum (even or odd
 * alignment) to the checksums covering it; then, innermost checksum first, fold, store, and
 * add the stored value to the checksums covering that field. `base` is the template's sum
 * with the varying bytes' template contribution already taken out: RFC 1624's
 * HC' = ~(~HC + ~m + m') with ~HC + ~m precomputed. Keeping exact integer sums rather than
 * one's complement ones makes the result bit-identical to a full build, -0 included.
 *
 * What patches can't express falls back to a full build per packet (see plan_fast()). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "set_impl.h"
#include "tmpl_plan.h"
#include "wirecraft/pkt.h"
#include "wirecraft/tmpl.h"

#define MAX_DIGITS (WC_MAX_LAYERS * 4) /* as wc_iter */
#define MAX_VARS 96
#define MAX_WINS 128
#define MAX_MEMS 8 /* fields sharing one window */
#define MAX_CS 16
#define MAX_COV 6 /* checksums covering one window or checksum field */
#define WIN_BYTES 8

enum { SRC_DIGIT, SRC_RAND, SRC_FUZZ };

/* One odometer digit: a WC_SP_SET field and where it stands. */
struct digit {
	const struct wc_seg *segs;
	uint32_t nsegs, seg;
	uint64_t pos;
	uint64_t radix;
	uint64_t lo0, hi0; /* the current segment's first value (IPv6: both halves) */
	bool wide;
};

/* A field whose value changes per packet. */
struct var {
	uint8_t src;  /* SRC_* */
	bool wide;    /* IPv6: 128 bits as hi:lo */
	uint16_t digit;
	uint8_t layer, field;
	uint64_t base, mask, hi; /* RAND: base | (r & mask), hi constant; FUZZ: r & mask */
};

struct member {
	uint16_t var;
	uint8_t hi; /* which half of a wide value */
	uint8_t shift;
	uint64_t mask;
};

struct cover {
	uint8_t cs;  /* index into wc_tmpl.cs */
	uint8_t odd; /* the first byte is the low half of a 16-bit word */
};

/* Up to 8 frame bytes rewritten whole every packet. */
struct window {
	uint32_t off;
	uint8_t nb, nmem, ncov;
	uint8_t need; /* 1: even sum used, 2: odd sum used */
	uint64_t tbits; /* template bits that are not varying, big-endian in the low nb bytes */
	struct member m[MAX_MEMS];
	struct cover cov[MAX_COV];
};

/* A computed checksum some varying byte reaches. */
struct csum {
	uint32_t off; /* its 16-bit field in the frame */
	bool zero_ffff;
	uint8_t ncov;
	uint64_t base;
	struct cover cov[MAX_COV];
	/* plan only */
	unsigned layer;
	uint32_t start, end;
};

struct wc_tmpl {
	/* hot: what wc_tmpl_next touches */
	bool fast, started, done;
	unsigned ndigits, nvars, nwins, ncs;
	size_t len;
	uint64_t rng;
	struct digit d[MAX_DIGITS];
	struct var v[MAX_VARS];
	struct window w[MAX_WINS];
	struct csum cs[MAX_CS];
	/* cold */
	const struct wc_set *s;
	uint8_t *bytes;
	uint64_t rng0, rng_step, ndraws, count;
	uint8_t dig_of[WC_MAX_LAYERS][WC_MAX_FIELDS]; /* (layer, field) -> its digit */
	struct wc_pkt pkt; /* full builds: the template, the fallback, the self-check */
};

/* ---- values: the same as wc_iter's materialise() in set.c ---- */

static uint64_t rd_be64(const uint8_t *b)
{
	uint64_t x;

	memcpy(&x, b, 8);
	return be64toh(x);
}

static void wr_be64(uint8_t *b, uint64_t v)
{
	v = htobe64(v);
	memcpy(b, &v, 8);
}

static uint64_t field_mask(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static bool fuzzed(const struct wc_xlayer *xl, unsigned f)
{
	const struct wc_field *fd = &xl->proto->fields[f];

	return xl->f[f].kind != WC_SP_VALUE && xl->f[f].kind != WC_SP_SET &&
	       xl->f[f].kind != WC_SP_RAND && xl->fuzz && fd->bits &&
	       !(fd->flags & (WC_FF_AUTO | WC_FF_NOFUZZ));
}

static void digit_load_seg(struct digit *d)
{
	const struct wc_seg *sg = &d->segs[d->seg];

	if (d->wide) {
		d->hi0 = rd_be64(sg->a);
		d->lo0 = rd_be64(sg->a + 8);
	} else {
		d->lo0 = sg->lo;
	}
}

static void digit_set(struct digit *d, uint64_t pos)
{
	d->seg = 0;
	while (d->seg + 1 < d->nsegs && pos >= d->segs[d->seg].n)
		pos -= d->segs[d->seg++].n;
	d->pos = pos;
	digit_load_seg(d);
}

/* Values in the segments before segment k. */
static uint64_t segs_before(const struct digit *d, uint32_t k)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < k; i++)
		n += d->segs[i].n;
	return n;
}

/* The odometer: the last digit (innermost layer, earliest field) turns fastest. */
static inline bool advance(struct wc_tmpl *t)
{
	for (unsigned k = t->ndigits; k-- > 0;) {
		struct digit *d = &t->d[k];

		if (++d->pos < d->segs[d->seg].n)
			return true;
		d->pos = 0;
		if (++d->seg >= d->nsegs)
			d->seg = 0;
		digit_load_seg(d);
		if (d->seg)
			return true;
	}
	return false;
}

/* A var's value at the current position, drawing from *rng when random: what set.c's
 * materialise(), rand_value() and fuzz_value() put in the layer. */
static inline __attribute__((always_inline)) void
var_value(const struct var *v, const struct digit *dg, uint64_t *rng, uint64_t *lo, uint64_t *hi)
{
	switch (v->src) {
	case SRC_DIGIT: {
		const struct digit *d = &dg[v->digit];
		*lo = d->lo0 + d->pos;
		*hi = d->hi0;
		break;
	}
	case SRC_RAND:
		*lo = v->base | (wc_rand_next(rng) & v->mask);
		*hi = v->hi;
		break;
	default:
		if (v->wide) {
			/* fuzz_value() copies the raw draws in host byte order */
			uint64_t r1 = wc_rand_next(rng), r2 = wc_rand_next(rng);
			uint8_t b[16];

			memcpy(b, &r1, 8);
			memcpy(b + 8, &r2, 8);
			*hi = rd_be64(b);
			*lo = rd_be64(b + 8);
		} else {
			*lo = wc_rand_next(rng) & v->mask;
		}
	}
}

static void put_wide(struct wc_val *val, uint64_t hi, uint64_t lo)
{
	wr_be64(val->a, hi);
	wr_be64(val->a + 8, lo);
}

/* The set's values for the current position into the layers of p, drawing from t->rng. */
static int materialise(struct wc_tmpl *t, struct wc_pkt *p)
{
	const struct wc_set *s = t->s;

	p->nlayers = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct wc_xlayer *xl = &s->l[i];
		int err = wc_pkt_push(p, xl->proto);

		if (err)
			return err;
		for (unsigned f = 0; f < xl->proto->nfields; f++) {
			const struct wc_spec *sp = &xl->f[f];
			bool wide = xl->proto->fields[f].kind == WC_K_IPV6;
			struct wc_val *val = &p->l[i].v[f];
			struct var tmp = {.wide = wide};
			uint64_t lo, hi;

			if (sp->kind == WC_SP_VALUE) {
				*val = sp->val;
			} else if (sp->kind == WC_SP_SET && !xl->proto->fields[f].bits) {
				/* a set of byte strings (Raw(load=[...])): the current segment's
				 * string, as set.c; such a var is never patched (vars_patchable) */
				const struct digit *d = &t->d[t->dig_of[i][f]];

				val->b = d->segs[d->seg].b;
				val->blen = d->segs[d->seg].blen;
			} else if (sp->kind == WC_SP_SET || sp->kind == WC_SP_RAND ||
				   fuzzed(xl, f)) {
				if (sp->kind == WC_SP_SET) {
					tmp.src = SRC_DIGIT;
					tmp.digit = t->dig_of[i][f];
				} else if (sp->kind == WC_SP_RAND) {
					tmp.src = SRC_RAND;
					tmp.mask = sp->rmask;
					tmp.base = wide ? rd_be64(sp->ra + 8) & ~sp->rmask : sp->rbase;
					tmp.hi = wide ? rd_be64(sp->ra) : 0;
				} else {
					tmp.src = SRC_FUZZ;
					tmp.mask = field_mask(xl->proto->fields[f].bits);
				}
				var_value(&tmp, t->d, &t->rng, &lo, &hi);
				if (wide)
					put_wide(val, hi, lo);
				else
					val->u = lo;
			} else {
				continue;
			}
			p->l[i].set |= 1u << f;
		}
	}
	return 0;
}

static int build_full(struct wc_tmpl *t, uint8_t *frame, size_t cap, size_t *len)
{
	int err;

	wc_pkt_init(&t->pkt, frame, cap);
	err = materialise(t, &t->pkt);
	if (!err)
		err = wc_build(&t->pkt);
	if (!err)
		*len = t->pkt.len;
	return err;
}

/* ---- the per-packet patch ---- */

/* Exact sum of the four big-endian 16-bit words of x. */
static inline uint64_t sum16(uint64_t x)
{
	x = (x & 0x0000ffff0000ffffULL) + ((x >> 16) & 0x0000ffff0000ffffULL);
	return (x & 0xffffffffULL) + (x >> 32);
}

/* The bytes swapped within each 16-bit word: the same bytes starting at an odd position. */
static inline uint64_t swap16s(uint64_t x)
{
	return ((x >> 8) & 0x00ff00ff00ff00ffULL) | ((x & 0x00ff00ff00ff00ffULL) << 8);
}

static inline void put_be(uint8_t *p, uint64_t w, unsigned nb)
{
	switch (nb) {
	case 2: {
		uint16_t x = htobe16((uint16_t)w);
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = htobe32((uint32_t)w);
		memcpy(p, &x, 4);
		break;
	}
	case 8:
		wr_be64(p, w);
		break;
	default:
		for (unsigned i = nb; i-- > 0; w >>= 8)
			p[i] = (uint8_t)w;
	}
}

static inline uint16_t fold_not(uint64_t s)
{
	s = (s & 0xffffffffULL) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static inline __attribute__((always_inline)) void patch(struct wc_tmpl *t, uint8_t *frame)
{
	uint64_t lo[MAX_VARS], hi[MAX_VARS], acc[MAX_CS];
	unsigned nv = t->nvars, nw = t->nwins, nc = t->ncs;

	for (unsigned c = 0; c < nc; c++)
		acc[c] = t->cs[c].base;
	for (unsigned i = 0; i < nv; i++)
		var_value(&t->v[i], t->d, &t->rng, &lo[i], &hi[i]);
	for (unsigned i = 0; i < nw; i++) {
		const struct window *w = &t->w[i];
		uint64_t x = w->tbits, top, sum[2];

		for (unsigned k = 0; k < w->nmem; k++) {
			const struct member *m = &w->m[k];
			x |= ((m->hi ? hi[m->var] : lo[m->var]) & m->mask) << m->shift;
		}
		put_be(frame + w->off, x, w->nb);
		top = x << (64 - 8 * w->nb);
		sum[0] = w->need & 1 ? sum16(top) : 0;
		sum[1] = w->need & 2 ? sum16(swap16s(top)) : 0;
		for (unsigned k = 0; k < w->ncov; k++)
			acc[w->cov[k].cs] += sum[w->cov[k].odd];
	}
	for (unsigned c = 0; c < nc; c++) {
		const struct csum *cs = &t->cs[c];
		uint16_t v = fold_not(acc[c]);

		if (v == 0 && cs->zero_ffff)
			v = 0xffff;
		frame[cs->off] = (uint8_t)(v >> 8);
		frame[cs->off + 1] = (uint8_t)v;
		for (unsigned k = 0; k < cs->ncov; k++)
			acc[cs->cov[k].cs] += cs->cov[k].odd ? (uint64_t)(v >> 8 | (v & 0xff) << 8) : v;
	}
}

/* ---- public: iteration ---- */

int wc_tmpl_next(struct wc_tmpl *t, uint8_t *frame, size_t cap, size_t *len)
{
	if (t->done)
		return -ENOENT;
	if (t->fast && cap < t->len)
		return -ENOSPC;
	if (t->started && !advance(t)) {
		t->done = true;
		return -ENOENT;
	}
	t->started = true;
	if (!t->fast)
		return build_full(t, frame, cap, len);
	patch(t, frame);
	*len = t->len;
	return 0;
}

int wc_tmpl_seek(struct wc_tmpl *t, uint64_t index)
{
	uint64_t q = index;

	for (unsigned k = t->ndigits; k-- > 0;) {
		struct digit *d = &t->d[k];

		digit_set(d, d->radix ? q % d->radix : 0);
		q = d->radix ? q / d->radix : q;
	}
	t->done = q != 0; /* past the last packet */
	t->started = false;
	/* splitmix64's state moves by a constant per draw, so a position's state is direct */
	t->rng = t->rng0 + index * t->ndraws * t->rng_step;
	return 0;
}

const uint8_t *wc_tmpl_bytes(const struct wc_tmpl *t, size_t *len)
{
	*len = t->len;
	return t->bytes;
}

bool wc_tmpl_is_fast(const struct wc_tmpl *t)
{
	return t->fast;
}

uint64_t wc_tmpl_count(const struct wc_tmpl *t)
{
	return t->count;
}

/* ---- plan ---- */

/* The odometer's digits in wc_iter's order (set.c), most significant first: outer layers
 * before their payload and, within a layer, the last-declared field first (Scapy's). Also
 * how many random numbers a packet draws. */
static int init_digits(struct wc_tmpl *t)
{
	const struct wc_set *s = t->s;

	for (unsigned i = 0; i < s->n; i++) {
		const struct wc_xlayer *xl = &s->l[i];

		for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned f = WC_MAX_FIELDS; f-- > 0;) {
			const struct wc_spec *sp = &xl->f[f];
			bool wide = f < xl->proto->nfields && xl->proto->fields[f].kind == WC_K_IPV6;

			if (sp->kind == WC_SP_SET && wc_set_digit_pass(xl, f) != pass)
				continue;
			if (sp->kind != WC_SP_SET && pass)
				continue;
			if (sp->kind == WC_SP_SET) {
				if (!sp->nsegs || !sp->segs)
					return -EINVAL;
				if (t->ndigits == MAX_DIGITS)
					return -E2BIG;
				t->dig_of[i][f] = (uint8_t)t->ndigits;
				t->d[t->ndigits++] = (struct digit){
					.segs = sp->segs, .nsegs = sp->nsegs, .radix = sp->count,
					.wide = wide};
			} else if (f < xl->proto->nfields && sp->kind == WC_SP_RAND) {
				t->ndraws++;
			} else if (f < xl->proto->nfields && fuzzed(xl, f)) {
				t->ndraws += wide ? 2 : 1;
			}
		}
	}
	return 0;
}

/* The varying fields in materialise order; false when there are too many for a plan. */
static bool init_vars(struct wc_tmpl *t)
{
	const struct wc_set *s = t->s;

	for (unsigned i = 0; i < s->n; i++) {
		const struct wc_xlayer *xl = &s->l[i];

		for (unsigned f = 0; f < xl->proto->nfields; f++) {
			const struct wc_spec *sp = &xl->f[f];
			const struct wc_field *fd = &xl->proto->fields[f];
			struct var v = {.wide = fd->kind == WC_K_IPV6, .layer = (uint8_t)i,
					.field = (uint8_t)f};

			if (sp->kind == WC_SP_SET) {
				v.src = SRC_DIGIT;
				v.digit = t->dig_of[i][f];
			} else if (sp->kind == WC_SP_RAND) {
				v.src = SRC_RAND;
				v.mask = sp->rmask;
				v.base = v.wide ? rd_be64(sp->ra + 8) & ~sp->rmask : sp->rbase;
				v.hi = v.wide ? rd_be64(sp->ra) : 0;
			} else if (sp->kind != WC_SP_VALUE && fuzzed(xl, f)) {
				v.src = SRC_FUZZ;
				v.mask = field_mask(fd->bits);
			} else {
				continue;
			}
			if (t->nvars == MAX_VARS)
				return false;
			t->v[t->nvars++] = v;
		}
	}
	return true;
}

#define LEN_FLAGS (WC_FF_LEN_TOTAL | WC_FF_LEN_HDR32 | WC_FF_LEN_PAY)

/* A post_build hook computes the layer's unset automatic fields that tables can't describe
 * (ARP hwlen, ND option lengths, ICMP timestamps). What they depend on is opaque (the time
 * of day, for ICMP timestamps, which a template would freeze), so a layer where its hook
 * has such a field to compute is built in full. Hooks with nothing to compute (ICMP echo,
 * ICMP errors) do not matter. */
static bool hook_computes(const struct wc_layer *l)
{
	const struct wc_proto *pr = l->proto;

	if (!pr->post_build)
		return false;
	for (unsigned i = 0; i < pr->nfields; i++) {
		uint16_t fl = pr->fields[i].flags;

		if ((l->here & ~l->set & (1u << i)) && (fl & WC_FF_AUTO) &&
		    !(fl & (LEN_FLAGS | WC_FF_CSUM)))
			return true;
	}
	return false;
}

/* Bytes a variable-length field with a build-size hook takes now, else 0. */
static size_t hooked_size(const struct wc_layer *l, unsigned g)
{
	const struct wc_field *f = &l->proto->fields[g];

	return f->bits || !f->blen || !(l->here & (1u << g)) ? 0 : f->blen(l, l->boff[g] / 8);
}

/* Value number i of those a digit takes: all of them in turn when `exact`, else the first
 * and last of each of the first 32 segments, then random positions. */
static void digit_sample(const struct digit *src, uint64_t i, bool exact, uint64_t *rng,
			 uint64_t *lo, uint64_t *hi)
{
	struct digit d = *src;
	uint64_t pos;

	if (exact)
		pos = i;
	else if (i < 64 && i / 2 < d.nsegs)
		pos = segs_before(&d, (uint32_t)(i / 2)) + (i & 1 ? d.segs[i / 2].n - 1 : 0);
	else
		pos = wc_rand_next(rng) % (d.radix ? d.radix : 1);
	digit_set(&d, pos);
	*lo = d.lo0 + d.pos;
	*hi = d.hi0;
}

/* Whether the later fields of v's layer keep their presence (`present`) and size (`blen`)
 * for the values v takes: every value of a small set, else samples (segment ends, random
 * positions, the draws of a random field, single-bit changes within its mask). Conditional
 * fields look at earlier fields only, so layers whose hooks never see v are not asked. */
static bool layout_fixed(struct wc_tmpl *t, const struct var *v)
{
	struct wc_layer *l = &t->pkt.l[v->layer];
	const struct wc_proto *pr = l->proto;
	const struct wc_field *fd = &pr->fields[v->field];
	struct wc_val save = l->v[v->field];
	size_t size[WC_MAX_FIELDS] = {0};
	uint64_t rng = 0x5a3e1e5, n = 256 + 64, tlo = fd->kind == WC_K_IPV6 ? rd_be64(save.a + 8)
									 : save.u;
	uint32_t later = 0;
	bool ok = true, exact = v->src == SRC_DIGIT && t->d[v->digit].radix <= 4096;

	for (unsigned g = v->field + 1u; g < pr->nfields; g++)
		if (pr->fields[g].present || (!pr->fields[g].bits && pr->fields[g].blen)) {
			later |= 1u << g;
			size[g] = hooked_size(l, g);
		}
	if (!later)
		return true;
	if (exact)
		n = t->d[v->digit].radix;
	for (uint64_t i = 0; i < n && ok; i++) {
		uint64_t lo, hi = 0;

		if (v->src == SRC_DIGIT) {
			digit_sample(&t->d[v->digit], i, exact, &rng, &lo, &hi);
		} else if (i < 64) { /* one bit of the random part changed */
			if (!((v->mask >> i) & 1) || i >= fd->bits)
				continue;
			lo = tlo ^ (1ULL << i);
			hi = fd->kind == WC_K_IPV6 ? rd_be64(save.a) : 0;
		} else {
			var_value(v, t->d, &rng, &lo, &hi);
		}
		if (v->wide)
			put_wide(&l->v[v->field], hi, lo);
		else
			l->v[v->field].u = lo;
		for (unsigned g = v->field + 1u; g < pr->nfields && ok; g++) {
			if (!(later & (1u << g)))
				continue;
			if (pr->fields[g].present &&
			    pr->fields[g].present(l) != !!(l->here & (1u << g)))
				ok = false;
			else if (hooked_size(l, g) != size[g])
				ok = false;
		}
	}
	l->v[v->field] = save;
	return ok;
}

/* Rules that make a varying field unfit for patches, whatever the protocol:
 *  - no fixed size (Raw load, options): the layout and lengths move;
 *  - a length field the user varies: it may feed a pseudo-header (Scapy's in4_pseudoheader
 *    takes the upper length from a set IP len) or decide where options end;
 *  - later fields of its layer whose presence or size it decides (layout_fixed);
 *  - absent itself while an entry of the same name is present: the value moves there
 *    (Scapy's MultipleTypeField);
 *  - a post_build hook with something to compute (hook_computes). */
static bool vars_patchable(struct wc_tmpl *t)
{
	const struct wc_pkt *p = &t->pkt;

	for (unsigned i = 0; i < p->nlayers; i++)
		if (hook_computes(&p->l[i]))
			return false;
	for (unsigned i = 0; i < t->nvars; i++) {
		const struct var *v = &t->v[i];
		const struct wc_layer *l = &p->l[v->layer];
		const struct wc_proto *pr = l->proto;
		const struct wc_field *fd = &pr->fields[v->field];

		if (!fd->bits || (fd->flags & LEN_FLAGS))
			return false;
		if (v->wide ? fd->bits != 128 : fd->bits > 64)
			return false;
		if (!(l->here & (1u << v->field)))
			for (unsigned g = 0; g < pr->nfields; g++)
				if ((l->here & (1u << g)) && !strcmp(pr->fields[g].name, fd->name))
					return false;
		if (!layout_fixed(t, v))
			return false;
	}
	return true;
}

/* A field's bits in the frame, before windows are merged. */
struct chunk {
	uint32_t bit, bits;
	struct member m;
};

static int chunks_of_vars(const struct wc_tmpl *t, struct chunk *c, unsigned cap)
{
	const struct wc_pkt *p = &t->pkt;
	unsigned n = 0;

	for (unsigned i = 0; i < t->nvars; i++) {
		const struct var *v = &t->v[i];
		const struct wc_layer *l = &p->l[v->layer];
		const struct wc_field *fd = &l->proto->fields[v->field];
		uint32_t bit = l->off * 8 + l->boff[v->field];

		if (!(l->here & (1u << v->field)))
			continue; /* absent, and stays so: its draws still happen */
		if (n + 2 > cap)
			return -1;
		if (v->wide) {
			if (bit % 8)
				return -1;
			c[n++] = (struct chunk){bit, 64, {(uint16_t)i, 1, 0, ~0ULL}};
			c[n++] = (struct chunk){bit + 64, 64, {(uint16_t)i, 0, 0, ~0ULL}};
		} else {
			c[n++] = (struct chunk){bit, fd->bits, {(uint16_t)i, 0, 0, field_mask(fd->bits)}};
		}
	}
	return (int)n;
}

/* Chunks sorted by position, fields sharing a byte merged into one window. */
static bool make_windows(struct wc_tmpl *t)
{
	struct chunk c[MAX_VARS * 2];
	int n = chunks_of_vars(t, c, MAX_VARS * 2);

	if (n < 0)
		return false;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && c[j - 1].bit > c[j].bit; j--) {
			struct chunk x = c[j];
			c[j] = c[j - 1];
			c[j - 1] = x;
		}
	t->nwins = 0;
	for (int i = 0; i < n;) {
		uint32_t b0 = c[i].bit / 8, b1 = (c[i].bit + c[i].bits + 7) / 8;
		int j = i + 1;
		struct window *w;
		uint64_t vmask = 0;

		while (j < n && c[j].bit / 8 < b1) {
			uint32_t e = (c[j].bit + c[j].bits + 7) / 8;
			b1 = e > b1 ? e : b1;
			j++;
		}
		if (b1 - b0 > WIN_BYTES || j - i > MAX_MEMS || t->nwins == MAX_WINS)
			return false;
		w = &t->w[t->nwins++];
		*w = (struct window){.off = b0, .nb = (uint8_t)(b1 - b0), .nmem = (uint8_t)(j - i)};
		for (int k = i; k < j; k++) {
			struct member m = c[k].m;

			m.shift = (uint8_t)(b1 * 8 - (c[k].bit + c[k].bits));
			vmask |= m.mask << m.shift;
			w->m[k - i] = m;
		}
		for (unsigned k = 0; k < w->nb; k++)
			w->tbits = w->tbits << 8 | t->bytes[b0 + k];
		w->tbits &= ~vmask;
		i = j;
	}
	return true;
}

/* The field holding layer li's computed checksum (the last fit one, as pkt.c picks), or -1. */
static int csum_field(const struct wc_layer *l)
{
	const struct wc_proto *pr = l->proto;
	int fi = -1;

	if (pr->csum == WC_CS_NONE)
		return -1;
	for (unsigned i = 0; i < pr->nfields; i++) {
		const struct wc_field *f = &pr->fields[i];

		if ((l->here & (1u << i)) && !(l->set & (1u << i)) && (f->flags & WC_FF_AUTO) &&
		    (f->flags & WC_FF_CSUM) && !(f->flags & LEN_FLAGS))
			fi = (int)i;
	}
	return fi;
}

static bool add_cover(struct cover *cov, uint8_t *ncov, unsigned cs, unsigned odd)
{
	if (*ncov == MAX_COV)
		return false;
	cov[(*ncov)++] = (struct cover){(uint8_t)cs, (uint8_t)odd};
	return true;
}

static uint32_t pseudo_mod(struct wc_pkt *p, unsigned ci, uint32_t n, bool *has)
{
	uint32_t sum = 0;

	*has = wc_pseudo_sum(p, ci, p->l[ci].proto->csum_proto, n, &sum) == 0;
	return sum % 0xffff;
}

/* Value bit j (0: least significant) of a member's field in the packet's layer values. */
static struct wc_val *member_val(struct wc_pkt *p, const struct var *v)
{
	return &p->l[v->layer].v[v->field];
}

static unsigned get_vbit(const struct wc_val *val, bool wide, unsigned b)
{
	return wide ? (val->a[15 - b / 8] >> (b % 8)) & 1 : (unsigned)(val->u >> b) & 1;
}

static void flip_vbit(struct wc_val *val, bool wide, unsigned b)
{
	if (wide)
		val->a[15 - b / 8] ^= (uint8_t)(1u << (b % 8));
	else
		val->u ^= 1ULL << b;
}

/* Parity with which flipping one value bit moved the pseudo-header sum: 0 or 1 when it
 * moved by +-2^bib as the high or low half of a word, -1 not at all, -2 otherwise. */
static int probe_bit(struct wc_pkt *p, unsigned ci, uint32_t n, uint32_t s0, struct wc_val *val,
		     bool wide, unsigned b, unsigned bib)
{
	uint32_t lo = 1u << bib, hi = lo << 8, d;
	bool up = !get_vbit(val, wide, b), has;

	flip_vbit(val, wide, b);
	d = (pseudo_mod(p, ci, n, &has) + 0xffff - s0) % 0xffff;
	flip_vbit(val, wide, b);
	if (d == 0)
		return -1;
	if (d == (up ? hi : 0xffff - hi))
		return 0;
	if (d == (up ? lo : 0xffff - lo))
		return 1;
	return -2;
}

/* How the pseudo-header of checksum layer ci takes in window w, found by asking
 * wc_pseudo_sum itself: flip each varying bit of the template's values and see the sum move
 * by +-2^k (a plain copy of that byte, as the high or low half of a word) or not at all.
 * Returns -1 (not taken in), 0/1 (parity of the window's first byte), or -2 (taken in some
 * other way, or only in part: no patch can follow it). */
static int pseudo_parity(struct wc_tmpl *t, unsigned ci, uint32_t n, const struct window *w)
{
	struct wc_pkt *p = &t->pkt;
	int q[WIN_BYTES];
	bool has, all = true;
	uint32_t s0 = pseudo_mod(p, ci, n, &has);
	uint64_t covered = 0;

	if (!has)
		return -1;
	for (unsigned k = 0; k < WIN_BYTES; k++)
		q[k] = -1;
	for (unsigned k = 0; k < w->nmem; k++) {
		const struct member *m = &w->m[k];
		const struct var *v = &t->v[m->var];

		if (v->layer >= ci)
			return -1; /* the pseudo-header comes from layers below */
		for (unsigned j = 0; j < 64 && (m->mask >> j); j++) {
			unsigned wbit = m->shift + j; /* counted from the window's last bit */
			unsigned byte = w->nb - 1 - wbit / 8;
			int par;

			if (!((m->mask >> j) & 1))
				continue;
			par = probe_bit(p, ci, n, s0, member_val(p, v), v->wide,
					j + (m->hi ? 64 : 0), wbit % 8);
			if (par == -2 || (par >= 0 && q[byte] >= 0 && q[byte] != par))
				return -2;
			if (par < 0) {
				all = false;
				continue;
			}
			q[byte] = par;
			covered |= 1ULL << wbit;
		}
	}
	if (!covered)
		return -1;
	/* Every bit of the window must be a copied varying bit: template bits are not probed. */
	if (!all || covered != field_mask(8u * w->nb))
		return -2;
	for (unsigned k = 1; k < w->nb; k++)
		if (q[k] != ((q[0] + (int)k) & 1))
			return -2;
	return q[0];
}

/* A layer with variable-length bytes (IP options, an IPv6 routing header) between a varying
 * field and a pseudo-header checksum might redirect the pseudo-header (source routes):
 * stay on full builds there, even when today's wc_pseudo_sum does not look. */
static bool options_between(const struct wc_pkt *p, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i < hi; i++) {
		const struct wc_layer *l = &p->l[i];

		for (unsigned f = 0; f < l->proto->nfields; f++)
			if (!l->proto->fields[f].bits && (l->here & (1u << f)) && l->v[f].blen)
				return true;
	}
	return false;
}

/* Which windows and inner checksums checksum layer ci covers. Returns -1 when its coverage
 * cannot be patched, else the number of covers added (0: the checksum never changes). */
static int cover_one(struct wc_tmpl *t, unsigned ci, int fi)
{
	const struct wc_layer *l = &t->pkt.l[ci];
	const struct wc_proto *pr = l->proto;
	uint32_t start = l->off, end = start + l->hlen + (pr->csum == WC_CS_HDR ? 0 : l->plen);
	unsigned slot = t->ncs, added = 0;

	if (slot == MAX_CS)
		return -1;
	for (unsigned i = 0; i < t->nwins; i++) {
		struct window *w = &t->w[i];
		uint32_t a = w->off, b = w->off + w->nb;

		if (a < end && b > start) {
			if (a < start || b > end)
				return -1;
			if (!add_cover(w->cov, &w->ncov, slot, (a - start) & 1))
				return -1;
			w->need |= (uint8_t)(1u << ((a - start) & 1));
			added++;
		}
		if (pr->csum == WC_CS_PSEUDO && a < start) {
			int q = pseudo_parity(t, ci, end - start, w);

			if (q == -2 || options_between(&t->pkt, t->v[w->m[0].var].layer, ci))
				return -1;
			if (q >= 0) {
				if (!add_cover(w->cov, &w->ncov, slot, (unsigned)q))
					return -1;
				w->need |= (uint8_t)(1u << q);
				added++;
			}
		}
	}
	for (unsigned c = 0; c < t->ncs; c++) {
		struct csum *in = &t->cs[c];

		if (in->off < end && in->off + 2 > start) {
			if (in->off < start || in->off + 2 > end)
				return -1;
			if (!add_cover(in->cov, &in->ncov, slot, (in->off - start) & 1))
				return -1;
			added++;
		}
	}
	if (added) {
		const struct wc_field *f = &pr->fields[fi];

		if (f->bits != 16 || l->boff[fi] % 8)
			return -1;
		t->cs[t->ncs++] = (struct csum){.off = start + l->boff[fi] / 8,
						.zero_ffff = pr->csum_zero_ffff, .layer = ci,
						.start = start, .end = end};
	}
	return (int)added;
}

/* Bottom-up order of pkt.c reversed: the innermost (last) layer first. */
static bool make_covers(struct wc_tmpl *t)
{
	t->ncs = 0;
	for (unsigned ci = t->pkt.nlayers; ci-- > 0;) {
		int fi = csum_field(&t->pkt.l[ci]);

		if (fi >= 0 && cover_one(t, ci, fi) < 0)
			return false;
	}
	return true;
}

/* Exact sum of bytes b[0..n) as a stream starting at an even position. */
static uint64_t sum_exact(const uint8_t *b, size_t n)
{
	uint64_t s = 0;
	size_t i = 0;

	for (; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	return s;
}

/* Window bytes of the template, summed as the window would be at parity `odd`. */
static uint64_t window_tsum(const struct wc_tmpl *t, const struct window *w, unsigned odd)
{
	uint64_t x = 0;

	if (w->nb == 0) /* never built so; and a shift by 64 would be undefined */
		return 0;
	for (unsigned k = 0; k < w->nb; k++)
		x = x << 8 | t->bytes[w->off + k];
	x <<= 64 - 8 * w->nb;
	return sum16(odd ? swap16s(x) : x);
}

/* base = the template's sum for checksum c without what the patch adds back each packet:
 * its own field (zero while summing), the windows and the inner checksum fields it covers,
 * directly or in its pseudo-header. */
static void make_base(struct wc_tmpl *t, unsigned c, uint8_t *scratch)
{
	struct csum *cs = &t->cs[c];
	const struct wc_layer *l = &t->pkt.l[cs->layer];
	uint32_t n = cs->end - cs->start, s = 0;
	uint64_t pseudo = 0, sub = 0;

	memcpy(scratch, t->bytes + cs->start, n);
	scratch[cs->off - cs->start] = scratch[cs->off - cs->start + 1] = 0;
	for (unsigned i = 0; i < t->nwins; i++) {
		const struct window *w = &t->w[i];

		for (unsigned k = 0; k < w->ncov; k++) {
			if (w->cov[k].cs != c)
				continue;
			if (w->off >= cs->start) /* in its bytes */
				memset(scratch + (w->off - cs->start), 0, w->nb);
			else /* in its pseudo-header */
				sub += window_tsum(t, w, w->cov[k].odd);
		}
	}
	for (unsigned i = 0; i < c; i++) /* inner checksums come first in cs[] */
		for (unsigned k = 0; k < t->cs[i].ncov; k++)
			if (t->cs[i].cov[k].cs == c)
				memset(scratch + (t->cs[i].off - cs->start), 0, 2);
	if (l->proto->csum == WC_CS_PSEUDO &&
	    wc_pseudo_sum(&t->pkt, cs->layer, l->proto->csum_proto, n, &s) == 0)
		pseudo = s;
	/* wc_pseudo_sum's value is exact today; if it ever comes folded, stay congruent */
	while (pseudo < sub)
		pseudo += 0xffff;
	cs->base = sum_exact(scratch, n) + pseudo - sub;
}

/* Compare the patch with full builds at sample positions (both ends, every digit at its
 * last value, a few scattered), reusing one frame so stale bytes would show. Guards the
 * plan against hooks and field rules it could not see. */
static bool self_check(struct wc_tmpl *t, uint8_t *a, uint8_t *b)
{
	uint64_t idx[16 + MAX_DIGITS], stride = 1, r = 0x7e57;
	unsigned n = 0;
	size_t blen;

	idx[n++] = 0;
	idx[n++] = 1;
	idx[n++] = t->count - 1;
	idx[n++] = t->count / 2;
	idx[n++] = t->count - 2;
	for (unsigned k = t->ndigits; k-- > 0; stride *= t->d[k].radix)
		idx[n++] = stride * (t->d[k].radix - 1);
	for (unsigned k = 0; k < 8; k++)
		idx[n++] = t->count ? wc_rand_next(&r) % t->count : 0;
	memcpy(a, t->bytes, t->len);
	for (unsigned i = 0; i < n; i++) {
		uint64_t rng;

		wc_tmpl_seek(t, idx[i]);
		if (t->done)
			continue;
		rng = t->rng;
		patch(t, a);
		t->rng = rng;
		if (build_full(t, b, WC_MAX_PKT, &blen) || blen != t->len || memcmp(a, b, blen))
			return false;
	}
	return true;
}

/* Everything above; false means: full builds. t->pkt holds the template packet. */
static bool plan_fast(struct wc_tmpl *t, uint8_t *scratch)
{
	if (!init_vars(t) || !vars_patchable(t) || !make_windows(t) || !make_covers(t))
		return false;
	for (unsigned c = 0; c < t->ncs; c++)
		make_base(t, c, scratch);
	return true;
}

static void tmpl_free_parts(struct wc_tmpl *t)
{
	if (t) {
		free(t->bytes);
		free(t);
	}
}

int wc_tmpl_new(const struct wc_set *s, struct wc_tmpl **out)
{
	struct wc_tmpl *t = calloc(1, sizeof(*t));
	uint8_t *a = malloc(WC_MAX_PKT), *b = malloc(WC_MAX_PKT);
	int err = -ENOMEM;

	if (!t || !a || !b)
		goto fail;
	t->s = s;
	t->count = wc_set_count(s);
	t->rng0 = s->seed;
	if (!t->rng0 && getrandom(&t->rng0, sizeof(t->rng0), 0) != sizeof(t->rng0))
		t->rng0 = 0x5eed;
	t->rng_step = 0;
	wc_rand_next(&t->rng_step); /* the per-draw increment of the state */
	err = init_digits(t);
	if (err)
		goto fail;
	wc_tmpl_seek(t, 0);
	err = build_full(t, a, WC_MAX_PKT, &t->len);
	if (err)
		goto fail;
	err = -ENOMEM;
	t->bytes = malloc(t->len ? t->len : 1);
	if (!t->bytes)
		goto fail;
	memcpy(t->bytes, a, t->len);
	t->fast = plan_fast(t, b) && self_check(t, a, b);
	if (!t->fast)
		t->nvars = t->nwins = t->ncs = 0;
	wc_tmpl_seek(t, 0);
	free(a);
	free(b);
	*out = t;
	return 0;
fail:
	free(a);
	free(b);
	tmpl_free_parts(t);
	return err;
}

void wc_tmpl_free(struct wc_tmpl *t)
{
	tmpl_free_parts(t);
}

int wc_tmpl_clone(const struct wc_tmpl *t, struct wc_tmpl **out)
{
	struct wc_tmpl *c = malloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	memcpy(c, t, sizeof(*c));
	c->bytes = malloc(t->len ? t->len : 1);
	if (!c->bytes) {
		free(c);
		return -ENOMEM;
	}
	memcpy(c->bytes, t->bytes, t->len);
	*out = c;
	return 0;
}

/* ---- the plan as data (tmpl_plan.h), for engines that apply it elsewhere ---- */

_Static_assert(MAX_DIGITS <= WC_PLAN_MAX_DIGITS && MAX_VARS <= WC_PLAN_MAX_VARS &&
		       MAX_WINS <= WC_PLAN_MAX_WINS && MAX_MEMS <= WC_PLAN_MAX_MEMS &&
		       MAX_CS <= WC_PLAN_MAX_CS && MAX_COV <= WC_PLAN_MAX_COV,
	       "tmpl_plan.h must hold every plan tmpl.c makes");

int wc_tmpl_plan(const struct wc_tmpl *t, struct wc_tmpl_plan *p)
{
	static const uint8_t src[] = {[SRC_DIGIT] = WC_PLAN_DIGIT, [SRC_RAND] = WC_PLAN_RAND,
				      [SRC_FUZZ] = WC_PLAN_FUZZ};

	if (!t->fast)
		return -EOPNOTSUPP;
	memset(p, 0, sizeof(*p));
	p->bytes = t->bytes;
	p->len = t->len;
	p->count = t->count;
	p->rng0 = t->rng0;
	p->rng_step = t->rng_step;
	p->ndraws = t->ndraws;
	p->ndigits = t->ndigits;
	p->nvars = t->nvars;
	p->nwins = t->nwins;
	p->ncs = t->ncs;
	for (unsigned i = 0; i < t->ndigits; i++)
		p->d[i] = (struct wc_plan_digit){.segs = t->d[i].segs, .nsegs = t->d[i].nsegs,
						 .radix = t->d[i].radix, .wide = t->d[i].wide};
	for (unsigned i = 0; i < t->nvars; i++)
		p->v[i] = (struct wc_plan_var){.src = src[t->v[i].src], .wide = t->v[i].wide,
					       .digit = t->v[i].digit, .base = t->v[i].base,
					       .mask = t->v[i].mask, .hi = t->v[i].hi};
	for (unsigned i = 0; i < t->nwins; i++) {
		const struct window *w = &t->w[i];
		struct wc_plan_window *o = &p->w[i];

		*o = (struct wc_plan_window){.off = w->off, .nb = w->nb, .nmem = w->nmem,
					     .ncov = w->ncov, .need = w->need, .tbits = w->tbits};
		for (unsigned k = 0; k < w->nmem; k++)
			o->m[k] = (struct wc_plan_member){w->m[k].var, w->m[k].hi, w->m[k].shift,
							  w->m[k].mask};
		for (unsigned k = 0; k < w->ncov; k++)
			o->cov[k] = (struct wc_plan_cover){w->cov[k].cs, w->cov[k].odd};
	}
	for (unsigned i = 0; i < t->ncs; i++) {
		const struct csum *c = &t->cs[i];

		p->cs[i] = (struct wc_plan_csum){.off = c->off, .zero_ffff = c->zero_ffff,
						 .ncov = c->ncov, .base = c->base};
		for (unsigned k = 0; k < c->ncov; k++)
			p->cs[i].cov[k] = (struct wc_plan_cover){c->cov[k].cs, c->cov[k].odd};
	}
	return 0;
}
