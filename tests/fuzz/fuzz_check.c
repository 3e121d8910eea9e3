/* SPDX-License-Identifier: MIT */
/* Packet invariants shared by the fuzz targets (see fuzz_check.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

bool wcf_strict;

void wcf_init(void)
{
	const char *s = getenv("WIRECRAFT_FUZZ_STRICT");

	wcf_strict = s && *s && strcmp(s, "0") != 0;
}

const struct wc_proto *wcf_first_layer(uint8_t sel)
{
	static const char *const fixed[] = {"Ether", "IP", "IPv6"};
	size_t n;
	const struct wc_proto *const *all = wc_proto_all(&n);

	if (sel < 3)
		return wc_proto_find(fixed[sel]);
	return n ? all[(sel - 3) % n] : NULL;
}

_Noreturn void wcf_trap(const char *what, const struct wc_pkt *p, int layer, int field)
{
	const struct wc_layer *l = p && layer >= 0 ? &p->l[layer] : NULL;
	const char *pname = l && l->proto && l->proto->name ? l->proto->name : "?";
	const char *fname = l && l->proto && field >= 0 && field < l->proto->nfields
				    ? l->proto->fields[field].name
				    : "-";

	fprintf(stderr, "fuzz invariant broken: %s (layer %d %s, field %d %s", what, layer, pname,
		field, fname);
	if (l)
		fprintf(stderr, ", off %u hlen %u plen %u, boff %u",
			(unsigned)l->off, (unsigned)l->hlen, (unsigned)l->plen,
			field >= 0 && field < WC_MAX_FIELDS ? (unsigned)l->boff[field] : 0u);
	if (p)
		fprintf(stderr, "; packet %zu bytes, %u layers", p->len, p->nlayers);
	fprintf(stderr, ")\n");
	abort();
}

/* Sink for the bytes we read only so that ASan sees the reads: volatile, so the compiler
 * cannot drop them. */
static volatile uint8_t sink;

static void touch(const uint8_t *b, size_t n)
{
	uint8_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= b[i];
	sink ^= x;
}

static bool is_trailer(const struct wc_layer *l)
{
	return l->proto == &wc_proto_padding;
}

static uint64_t mask_of(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static void check_fixed(const struct wc_pkt *p, int li, int fi, bool dissected)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_field *f = &l->proto->fields[fi];
	const uint8_t *hdr = p->buf + l->off;
	unsigned boff = l->boff[fi];

	if (f->kind == WC_K_IPV6) {
		if (f->bits != 128 || boff % 8)
			wcf_trap("IPv6 field not 16 whole bytes", p, li, fi);
	} else if (f->bits > 64) {
		wcf_trap("integer field wider than 64 bits", p, li, fi);
	}
	if ((size_t)boff + f->bits > (size_t)l->hlen * 8)
		wcf_trap("field ends past its layer's header", p, li, fi);

	/* Dissected values are what the bytes say. Built ones are what was written, unless a
	 * value too wide for its field was cut (Scapy does the same) or a hook rewrote the
	 * bytes afterwards without updating the value: only strict mode calls that a bug. */
	if (!dissected && !wcf_strict)
		return;
	if (f->kind == WC_K_IPV6) {
		if (memcmp(hdr + boff / 8, l->v[fi].a, 16) != 0)
			wcf_trap("IPv6 value differs from the bytes", p, li, fi);
		return;
	}
	uint64_t got = wc_get_bits(hdr, boff, f->bits);
	uint64_t want = dissected ? l->v[fi].u : l->v[fi].u & mask_of(f->bits);

	if (got != want)
		wcf_trap("value differs from the bytes", p, li, fi);
}

/* `wire`: the bytes the field takes in the header (up to the next field, or the header's end). */
static void check_bytes(const struct wc_pkt *p, int li, int fi, size_t wire, bool dissected)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_val *v = &l->v[fi];
	unsigned boff = l->boff[fi];

	if (boff % 8)
		wcf_trap("byte field not on a byte boundary", p, li, fi);
	if (v->blen && !v->b)
		wcf_trap("byte field with a length and no bytes", p, li, fi);
	if (v->blen)
		touch(v->b, v->blen);
	if (dissected) {
		/* Dissected byte fields are views of the packet, exactly where the field sits,
		 * and take all the room up to the next field. */
		if (v->blen != wire)
			wcf_trap("byte field's length is not the room it takes", p, li, fi);
		if (v->blen && v->b != p->buf + l->off + boff / 8)
			wcf_trap("byte field does not point at its place in the packet", p, li, fi);
		return;
	}
	/* Built: the value, cut or zero-padded to the field's encoded size (options align,
	 * a proto's blen hook), is what the bytes hold. */
	size_t n = v->blen < wire ? v->blen : wire;

	if (n && memcmp(p->buf + l->off + boff / 8, v->b, n) != 0)
		wcf_trap("built bytes differ from the byte field's value", p, li, fi);
}

/* `want_off`, `body_end`: for built packets, where wc_build must have put this layer and
 * where the packet's body ends (Padding layers are trailers, appended after the body as
 * Scapy does, so they cover no payload and no length counts them). */
static void check_layer(const struct wc_pkt *p, int li, bool dissected, size_t want_off,
			size_t body_end)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_proto *pr = l->proto;

	if (!pr || !pr->name)
		wcf_trap("layer without a protocol", p, li, -1);
	if (pr->nfields > WC_MAX_FIELDS || (pr->nfields && !pr->fields))
		wcf_trap("protocol table out of shape", p, li, -1);
	if (l->off > p->len || l->hlen > p->len - l->off)
		wcf_trap("header ends past the packet", p, li, -1);
	if (l->plen > p->len - l->off - l->hlen)
		wcf_trap("payload ends past the packet", p, li, -1);
	if (!dissected && l->off != want_off)
		wcf_trap("built layer is not right after the one before it", p, li, -1);
	if (!dissected && l->plen != (is_trailer(l) ? 0 : body_end - l->off - l->hlen))
		wcf_trap("built layer's payload is not the rest of the body", p, li, -1);
	if (l->status > WC_LS_MALFORMED)
		wcf_trap("unknown layer status", p, li, -1);
	if (dissected && li > 0) {
		const struct wc_layer *prev = &p->l[li - 1];

		/* Dissected headers come in byte order and never overlap. Padding may start
		 * further on, after the payload of the layer that cut it off. */
		if (l->off < (size_t)prev->off + prev->hlen)
			wcf_trap("layer overlaps the one before", p, li, -1);
	}

	uint32_t all = pr->nfields >= 32 ? ~0u : (1u << pr->nfields) - 1;

	if ((l->here | l->set) & ~all)
		wcf_trap("set/here bits beyond the protocol's fields", p, li, -1);
	if (dissected && l->set != l->here)
		wcf_trap("dissected layer: set bits differ from present bits", p, li, -1);

	/* Present fields in table order, each starting where the room of the one before
	 * ends: a field's room runs up to the next present field (or the header's end). */
	int prev = -1;
	size_t bit = 0; /* where the previous field's own bits end */

	for (int fi = 0; fi <= pr->nfields; fi++) {
		size_t start;

		if (fi < pr->nfields) {
			if (!(l->here & (1u << fi)))
				continue;
			if (!pr->fields[fi].name)
				wcf_trap("field without a name", p, li, fi);
			start = l->boff[fi];
		} else {
			start = (size_t)l->hlen * 8; /* the end of the header closes the last one */
		}
		/* Fixed fields are followed at once by the next; a byte field's room is what
		 * its successor's offset leaves it. Dissected headers have no gaps at all. */
		if (start < bit || (dissected && start != bit && (prev < 0 || pr->fields[prev].bits)))
			wcf_trap("field not where the previous one ended", p, li, fi);
		if (prev >= 0 && !pr->fields[prev].bits)
			check_bytes(p, li, prev, (start - l->boff[prev]) / 8, dissected);
		if (fi == pr->nfields)
			break;
		if (start > (size_t)l->hlen * 8)
			wcf_trap("field starts past its layer's header", p, li, fi);
		if (pr->fields[fi].bits) {
			check_fixed(p, li, fi, dissected);
			bit = start + pr->fields[fi].bits;
		} else {
			bit = start;
		}
		prev = fi;
	}
}

void wcf_check_pkt(const struct wc_pkt *p, bool dissected)
{
	if (p->nlayers > WC_MAX_LAYERS)
		wcf_trap("more layers than WC_MAX_LAYERS", p, -1, -1);
	if (p->len > p->cap || p->len > WC_MAX_PKT)
		wcf_trap("packet longer than its buffer", p, -1, -1);
	if (p->len)
		touch(p->buf, p->len);
	/* Built: the body's layers back to back from 0 in stack order, then the trailers. */
	size_t body_end = 0, body_off = 0, trailer_off;

	for (unsigned i = 0; i < p->nlayers; i++)
		if (!is_trailer(&p->l[i]))
			body_end += p->l[i].hlen;
	trailer_off = body_end;
	for (unsigned i = 0; i < p->nlayers; i++) {
		size_t *next = is_trailer(&p->l[i]) ? &trailer_off : &body_off;

		check_layer(p, (int)i, dissected, *next, body_end);
		*next += p->l[i].hlen;
	}

	/* Strict: every byte of a dissected packet belongs to some layer (nothing dropped). */
	if (dissected && wcf_strict) {
		size_t covered = 0;

		for (unsigned i = 0; i < p->nlayers; i++)
			covered += p->l[i].hlen;
		if (covered != p->len)
			wcf_trap("dissection left bytes in no layer", p, -1, -1);
	}
}

int wcf_rebuild(const struct wc_pkt *p, struct wc_pkt *q, uint8_t *out, size_t cap)
{
	int err;

	wc_pkt_init(q, out, cap);
	for (unsigned i = 0; i < p->nlayers; i++) {
		const struct wc_layer *s = &p->l[i];
		struct wc_layer *d;

		if (wc_pkt_push(q, s->proto) != 0)
			wcf_trap("wc_pkt_push refused a layer wc_dissect produced", p, (int)i, -1);
		d = &q->l[i];
		for (int fi = 0; fi < s->proto->nfields; fi++)
			if (s->set & (1u << fi))
				d->v[fi] = s->v[fi];
		d->set = s->set;
		d->quoted = s->quoted;
	}
	err = wc_build(q);
	if (err > 0)
		wcf_trap("wc_build returned a positive value", q, -1, -1);
	if (err == 0)
		wcf_check_pkt(q, false);
	return err;
}
