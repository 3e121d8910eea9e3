/* SPDX-License-Identifier: MIT */
/* Building: values top-down (user, else binding from the layer above, else default), then
 * lengths and checksums bottom-up for the fields the user did not set, as Scapy does. */
#include <errno.h>
#include <string.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

/* The binding that stacking `upper` on `lower` applies: the last one registered wins; the
 * lower proto's own bindings before those of its alias (bind_as). */
static const struct wc_bind *build_binding(const struct wc_proto *lower,
					   const struct wc_proto *upper)
{
	size_t n;
	const struct wc_bind *b = wc_binds(&n), *hit = NULL, *alias = NULL;

	for (size_t i = 0; i < n; i++) {
		if (b[i].upper != upper || b[i].only == WC_BIND_DISSECT)
			continue;
		if (b[i].lower == lower)
			hit = &b[i];
		else if (lower->bind_as && b[i].lower == lower->bind_as)
			alias = &b[i];
	}
	return hit ? hit : alias;
}

static void apply_binding(struct wc_layer *lo, const struct wc_proto *upper)
{
	const struct wc_bind *b = build_binding(lo->proto, upper);

	for (unsigned k = 0; b && k < WC_BIND_FIELDS && b->f[k].field; k++) {
		int fi = wc_field_index(lo->proto, b->f[k].field);

		if (fi < 0 || (lo->set & (1u << fi)))
			continue;
		if (lo->proto->fields[fi].kind == WC_K_IPV6)
			for (unsigned j = 0; j < 16; j++)
				lo->v[fi].a[j] = (uint8_t)(b->f[k].v >> (120 - 8 * j));
		else
			lo->v[fi].u = (uint64_t)b->f[k].v;
	}
}

static size_t padded(size_t n, unsigned align)
{
	return align > 1 ? (n + align - 1) / align * align : n;
}

/* Bytes a variable-length field takes on the wire, starting at byte `off` of its header. */
static size_t var_size(const struct wc_layer *l, unsigned i, size_t off)
{
	const struct wc_field *f = &l->proto->fields[i];

	if (f->blen)
		return f->blen(l, off);
	if (f->kind == WC_K_TCPOPTS || f->kind == WC_K_IPOPTS)
		return padded(l->v[i].blen, l->proto->opt_align);
	return l->v[i].blen;
}

/* Scapy's MultipleTypeField is several table entries sharing a name, with exclusive
 * `present` hooks (ICMP unused, ARP hwsrc/psrc). Setters that look a name up find the first
 * entry; a value set on an absent entry moves to the present one of the same name. */
static bool move_alternatives(struct wc_layer *l)
{
	const struct wc_field *fs = l->proto->fields;
	bool moved = false;

	for (unsigned i = 0; i < l->proto->nfields; i++) {
		if (!(l->set & ~l->here & (1u << i)))
			continue;
		for (unsigned j = 0; j < l->proto->nfields; j++) {
			if (j == i || !(l->here & ~l->set & (1u << j)) ||
			    strcmp(fs[i].name, fs[j].name) != 0)
				continue;
			/* Bytes only from a byte entry: a number given to a name whose present
			 * entry holds bytes keeps that entry's own bytes. */
			l->v[j].u = l->v[i].u;
			memcpy(l->v[j].a, l->v[i].a, sizeof(l->v[j].a));
			if (!fs[i].bits) {
				l->v[j].b = l->v[i].b;
				l->v[j].blen = l->v[i].blen;
			}
			l->set |= 1u << j;
			moved = true;
		}
	}
	return moved;
}

/* Which fields are present and where; the header length in bytes. */
static int layout(struct wc_layer *l)
{
	const struct wc_proto *pr = l->proto;
	size_t bit = 0;

	l->here = 0;
	for (unsigned i = 0; i < pr->nfields; i++) {
		const struct wc_field *f = &pr->fields[i];

		if (f->present && !f->present(l))
			continue;
		l->here |= 1u << i;
		l->boff[i] = (uint32_t)bit;
		if (f->bits)
			bit += f->bits;
		else
			bit += var_size(l, i, bit / 8) * 8;
		if (bit > WC_MAX_PKT * 8)
			return -EMSGSIZE;
	}
	/* Set but absent: rare, so the name comparisons cost nothing in the common case. A
	 * moved value may change a variable-length entry's size: lay out again (once: the
	 * entry it moved to is now set). */
	if ((l->set & ~l->here) && move_alternatives(l))
		return layout(l);
	if (bit & 7)
		return -EINVAL; /* a table whose bit fields do not end on a byte */
	l->hlen = (uint32_t)(bit / 8);
	return 0;
}

static void write_fields(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	uint8_t *b = p->buf + l->off;

	for (unsigned i = 0; i < l->proto->nfields; i++) {
		const struct wc_field *f = &l->proto->fields[i];

		if (!(l->here & (1u << i)))
			continue;
		if (f->bits) {
			wc_pkt_put_field(p, li, i, &l->v[i]);
		} else {
			size_t pn = var_size(l, i, l->boff[i] / 8);
			size_t n = l->v[i].blen < pn ? l->v[i].blen : pn;

			if (n)
				memcpy(b + l->boff[i] / 8, l->v[i].b, n);
			memset(b + l->boff[i] / 8 + n, 0, pn - n);
		}
	}
}

static uint64_t field_mask(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* Lengths (table flags), the protocol's own hook, then the checksum. */
static int post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	const struct wc_proto *pr = l->proto;
	int csum_fi = -1;

	for (unsigned i = 0; i < pr->nfields; i++) {
		const struct wc_field *f = &pr->fields[i];
		uint64_t v;

		if (!(l->here & (1u << i)) || (l->set & (1u << i)) || !(f->flags & WC_FF_AUTO))
			continue;
		if (f->flags & WC_FF_LEN_TOTAL)
			v = l->hlen + l->plen;
		else if (f->flags & WC_FF_LEN_HDR32)
			v = l->hlen / 4;
		else if (f->flags & WC_FF_LEN_PAY)
			v = l->plen;
		else {
			if (f->flags & WC_FF_CSUM)
				csum_fi = (int)i;
			continue;
		}
		/* Too long for the field: Scapy writes the truncated value too. */
		l->v[i].u = v & field_mask(f->bits);
		wc_pkt_put_field(p, li, i, &l->v[i]);
	}
	if (pr->post_build) {
		int err = pr->post_build(p, li);
		if (err)
			return err;
	}
	if (csum_fi >= 0 && pr->csum != WC_CS_NONE) {
		const uint8_t *b = p->buf + l->off;
		size_t n = pr->csum == WC_CS_HDR ? l->hlen : l->hlen + l->plen;
		uint32_t sum = 0;
		uint16_t c;

		/* The checksum field reads as zero while summing. */
		l->v[csum_fi].u = 0;
		wc_pkt_put_field(p, li, (unsigned)csum_fi, &l->v[csum_fi]);
		if (pr->csum == WC_CS_PSEUDO &&
		    wc_pseudo_sum(p, li, pr->csum_proto, (uint32_t)n, &sum) < 0)
			return 0; /* no IP below: Scapy leaves the checksum 0 */
		c = wc_csum_fold(wc_csum_add(sum, b, n));
		if (c == 0 && pr->csum_zero_ffff)
			c = 0xffff;
		l->v[csum_fi].u = c;
		wc_pkt_put_field(p, li, (unsigned)csum_fi, &l->v[csum_fi]);
	}
	return 0;
}

/* Scapy builds a Padding layer as nothing in place and appends every Padding's bytes, in
 * order, after the whole packet (Packet.build_padding, after all post_builds): no length
 * or checksum below counts them, and layers stacked after a Padding stay in the body. */
static bool is_trailer(const struct wc_layer *l)
{
	return l->proto == &wc_proto_padding;
}

int wc_build(struct wc_pkt *p)
{
	size_t off = 0, body = 0;
	int err;

	for (unsigned i = 0; i < p->nlayers; i++)
		p->l[i].below = i ? p->l[i - 1].proto : NULL;
	for (unsigned i = 0; i + 1 < p->nlayers; i++)
		apply_binding(&p->l[i], p->l[i + 1].proto);
	for (unsigned i = 0; i < p->nlayers; i++)
		if (p->l[i].proto->pre_build)
			p->l[i].proto->pre_build(p, i);
	for (unsigned i = 0; i < p->nlayers; i++) {
		err = layout(&p->l[i]);
		if (err)
			return err;
	}
	/* The body first, then the trailers: two passes over the layers. */
	for (int trailers = 0; trailers < 2; trailers++) {
		if (trailers)
			body = off;
		for (unsigned i = 0; i < p->nlayers; i++) {
			if (is_trailer(&p->l[i]) != trailers)
				continue;
			p->l[i].off = (uint32_t)off;
			off += p->l[i].hlen;
			if (off > WC_MAX_PKT)
				return -EMSGSIZE;
		}
	}
	if (off > p->cap)
		return -ENOSPC;
	p->len = off;
	for (unsigned i = 0; i < p->nlayers; i++) {
		struct wc_layer *l = &p->l[i];

		l->plen = is_trailer(l) ? 0 : (uint32_t)(body - l->off - l->hlen);
		write_fields(p, i);
	}
	for (unsigned i = p->nlayers; i-- > 0;) {
		err = post_build(p, i);
		if (err)
			return err;
	}
	return 0;
}
