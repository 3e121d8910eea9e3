/* SPDX-License-Identifier: MIT */
/* Field access: bit-level reads and writes, lookups by name, per-layer defaults. */
#include <errno.h>
#include <string.h>

#include "wirecraft/pkt.h"

uint64_t wc_get_bits(const uint8_t *b, size_t bitoff, unsigned bits)
{
	uint64_t v = 0;

	if ((bitoff & 7) == 0 && (bits & 7) == 0) {
		for (unsigned i = 0; i < bits / 8; i++)
			v = v << 8 | b[bitoff / 8 + i];
		return v;
	}
	for (unsigned i = 0; i < bits; i++) {
		size_t bit = bitoff + i;
		v = v << 1 | ((b[bit >> 3] >> (7 - (bit & 7))) & 1);
	}
	return v;
}

void wc_put_bits(uint8_t *b, size_t bitoff, unsigned bits, uint64_t v)
{
	if ((bitoff & 7) == 0 && (bits & 7) == 0) {
		for (unsigned i = bits / 8; i-- > 0; v >>= 8)
			b[bitoff / 8 + i] = (uint8_t)v;
		return;
	}
	for (unsigned i = bits; i-- > 0; v >>= 1) {
		size_t bit = bitoff + i;
		uint8_t m = (uint8_t)(1u << (7 - (bit & 7)));
		b[bit >> 3] = (uint8_t)((v & 1) ? (b[bit >> 3] | m) : (b[bit >> 3] & ~m));
	}
}

int wc_field_index(const struct wc_proto *p, const char *name)
{
	for (unsigned i = 0; i < p->nfields; i++)
		if (strcmp(p->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

void wc_pkt_put_field(struct wc_pkt *p, unsigned li, unsigned fi, const struct wc_val *v)
{
	struct wc_layer *l = &p->l[li];
	const struct wc_field *f = &l->proto->fields[fi];
	uint8_t *b = p->buf + l->off;

	if (f->kind == WC_K_IPV6)
		memcpy(b + l->boff[fi] / 8, v->a, 16);
	else if (f->bits)
		wc_put_bits(b, l->boff[fi], f->bits, v->u);
}

static void layer_defaults(struct wc_layer *l, const struct wc_proto *proto)
{
	memset(l, 0, sizeof(*l));
	l->proto = proto;
	for (unsigned i = 0; i < proto->nfields; i++) {
		const struct wc_field *f = &proto->fields[i];

		l->v[i].u = f->def;
		if (f->kind == WC_K_IPV6 && f->def_bytes)
			memcpy(l->v[i].a, f->def_bytes, 16);
		else if (f->bits == 0) {
			l->v[i].b = f->def_bytes;
			l->v[i].blen = f->def_len;
		}
	}
}

void wc_pkt_init(struct wc_pkt *p, uint8_t *buf, size_t cap)
{
	p->buf = buf;
	p->cap = cap;
	p->len = 0;
	p->nlayers = 0;
}

int wc_pkt_push(struct wc_pkt *p, const struct wc_proto *proto)
{
	if (p->nlayers >= WC_MAX_LAYERS)
		return -E2BIG;
	layer_defaults(&p->l[p->nlayers++], proto);
	return 0;
}

/* Several entries may share a name (Scapy's MultipleTypeField, one present at a time):
 * setting sets them all, so whichever the layer's other fields select carries the value. */
int wc_layer_set_u(struct wc_layer *l, const char *field, uint64_t v)
{
	int i = wc_field_index(l->proto, field);

	if (i < 0)
		return -ENOENT;
	for (unsigned j = (unsigned)i; j < l->proto->nfields; j++) {
		if (j != (unsigned)i && strcmp(l->proto->fields[j].name, field) != 0)
			continue;
		l->v[j].u = v;
		l->set |= 1u << j;
	}
	return 0;
}

/* Of entries sharing a name, the one present in the built or dissected layer. */
int wc_layer_get_u(const struct wc_layer *l, const char *field, uint64_t *v)
{
	int i = wc_field_index(l->proto, field);

	if (i < 0)
		return -ENOENT;
	for (unsigned j = (unsigned)i + 1; !(l->here & (1u << i)) && j < l->proto->nfields; j++)
		if ((l->here & (1u << j)) && strcmp(l->proto->fields[j].name, field) == 0)
			i = (int)j;
	*v = l->v[i].u;
	return 0;
}

int wc_pkt_find(const struct wc_pkt *p, const struct wc_proto *proto, unsigned from)
{
	for (unsigned i = from; i < p->nlayers; i++)
		if (p->l[i].proto == proto)
			return (int)i;
	return -1;
}
