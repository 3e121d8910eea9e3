/* SPDX-License-Identifier: MIT */
/* Dissection of untrusted bytes: every read is checked against the end of the buffer; a
 * layer whose header does not fit becomes Raw (as in Scapy) with its status marked. */
#include <errno.h>
#include <string.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

/* Read the fields of `l` from b[0..avail). Returns the header length, or -1 if a fixed
 * field is cut short (the layer is then Raw). */
static long read_fields(struct wc_layer *l, const uint8_t *b, size_t avail)
{
	const struct wc_proto *pr = l->proto;
	size_t bit = 0;

	for (unsigned i = 0; i < pr->nfields; i++) {
		const struct wc_field *f = &pr->fields[i];

		if (f->present && !f->present(l))
			continue;
		l->boff[i] = (uint32_t)bit;
		if (f->bits) {
			/* Bytes that end between two fields leave a partial layer, as in Scapy;
			 * bytes that end inside a field make the whole layer Raw. */
			if (bit > 0 && bit == avail * 8) {
				l->status = WC_LS_TRUNCATED;
				break;
			}
			if (bit + f->bits > avail * 8)
				return -1;
			if (f->kind == WC_K_IPV6)
				memcpy(l->v[i].a, b + bit / 8, 16);
			else
				l->v[i].u = wc_get_bits(b, bit, f->bits);
			bit += f->bits;
		} else {
			size_t left = avail - bit / 8;
			size_t n = f->dlen_at ? f->dlen_at(l, b, bit / 8, left)
				   : f->dlen ? f->dlen(l, left) : left;

			if (n > left) {
				l->status = WC_LS_MALFORMED;
				n = left;
			}
			l->v[i].b = b + bit / 8;
			l->v[i].blen = (uint32_t)n;
			bit += n * 8;
		}
		l->here |= 1u << i;
		l->set |= 1u << i;
	}
	return (long)(bit / 8);
}

static wc_bind_val ip6_val(const uint8_t a[16])
{
	wc_bind_val v = 0;

	for (unsigned j = 0; j < 16; j++)
		v = v << 8 | a[j];
	return v;
}

/* wc_field_index() searches by name; the bindings ask it for the same few (protocol, name)
 * pairs on every layer of every packet, a fifth of a matcher's time in string compares. The
 * answers are remembered per thread, keyed by the two pointers: the protocol and binding tables
 * are constant, so a pair's answer never changes. */
static int bind_field_index(const struct wc_proto *p, const char *name)
{
	static _Thread_local struct {
		const struct wc_proto *p;
		const char *name;
		int i;
	} memo[64];
	unsigned h = (unsigned)(((uintptr_t)p >> 4) ^ ((uintptr_t)name >> 3) * 0x9e3779b1u) & 63;

	if (memo[h].p != p || memo[h].name != name) {
		memo[h].i = wc_field_index(p, name);
		memo[h].p = p;
		memo[h].name = name;
	}
	return memo[h].i;
}

/* The first binding below `lower` whose field values all match the layer's. */
static const struct wc_proto *match_binding(const struct wc_layer *l,
					    const struct wc_proto *lower)
{
	size_t nb;
	const struct wc_bind *b = wc_binds(&nb);

	for (size_t i = 0; i < nb; i++) {
		bool ok = b[i].lower == lower && b[i].only != WC_BIND_BUILD;

		for (unsigned k = 0; ok && k < WC_BIND_FIELDS && b[i].f[k].field; k++) {
			int fi = bind_field_index(l->proto, b[i].f[k].field);

			ok = fi >= 0 && (l->here & (1u << fi)) &&
			     (l->proto->fields[fi].kind == WC_K_IPV6
				      ? ip6_val(l->v[fi].a) == b[i].f[k].v
				      : l->v[fi].u == b[i].f[k].v);
		}
		if (ok)
			return b[i].upper;
	}
	return NULL;
}

static const struct wc_proto *pick_upper(const struct wc_layer *l, const uint8_t *pay, size_t n)
{
	const struct wc_proto *pr = l->proto, *up = NULL;

	if (pr->guess_first && pr->guess && (up = pr->guess(l, pay, n)))
		return up;
	if ((up = match_binding(l, pr)))
		return up;
	if (pr->bind_as && (up = match_binding(l, pr->bind_as)))
		return up;
	return pr->guess && !pr->guess_first ? pr->guess(l, pay, n) : NULL;
}

int wc_dissect(struct wc_pkt *p, const uint8_t *bytes, size_t len, const struct wc_proto *first)
{
	/* Trailing bytes cut off by a length field, innermost last, to be appended as Padding. */
	struct { uint32_t off, end; } pad[WC_MAX_LAYERS];
	unsigned npad = 0;
	const struct wc_proto *pr = first ? first : &wc_proto_ether;
	size_t off = 0, end = len;

	p->buf = (uint8_t *)bytes;
	p->len = p->cap = len;
	p->nlayers = 0;
	if (len > WC_MAX_PKT)
		return -EMSGSIZE;

	while (pr && off < end && p->nlayers < WC_MAX_LAYERS - npad - 1) {
		struct wc_layer *l = &p->l[p->nlayers];
		long h;

		if (pr->dispatch)
			pr = pr->dispatch(bytes + off, end - off);
		memset(l, 0, sizeof(*l));
		l->proto = pr;
		l->off = (uint32_t)off;
		l->below = p->nlayers ? p->l[p->nlayers - 1].proto : NULL;
		h = read_fields(l, bytes + off, end - off);
		size_t avail = h < 0 ? 0 : end - off - (size_t)h;
		size_t pl = h < 0 ? 0 : pr->payload_len ? pr->payload_len(l, avail) : avail;
		if (h < 0 || pl == WC_PAYLOAD_FAIL) {
			/* The header does not fit, or its padding cannot be told apart (Scapy's
			 * extract_padding raised): Scapy keeps the bytes as Raw. */
			memset(l, 0, sizeof(*l));
			l->proto = &wc_proto_raw;
			l->off = (uint32_t)off;
			read_fields(l, bytes + off, end - off);
			l->status = WC_LS_TRUNCATED;
			l->hlen = (uint32_t)(end - off);
			p->nlayers++;
			off = end;
			break;
		}
		l->hlen = (uint32_t)h;
		if (pl > avail)
			pl = avail;
		l->plen = (uint32_t)pl;
		if (pl < avail) {
			pad[npad].off = (uint32_t)(off + (size_t)h + pl);
			pad[npad].end = (uint32_t)end;
			npad++;
			end = off + (size_t)h + pl;
		}
		p->nlayers++;
		off += (size_t)h;
		if (off >= end)
			break;
		pr = pick_upper(l, bytes + off, end - off);
		if (!pr)
			pr = &wc_proto_raw;
		/* Raw and Padding take everything: no empty layer loops. */
		if (h == 0 && l->proto == pr)
			break;
	}
	/* Out of layer slots (deeply nested ICMP errors): the bytes left go into one last Raw
	 * layer, so that every byte still belongs to some layer. The loop keeps a slot free. */
	if (off < end && p->nlayers < WC_MAX_LAYERS - npad) {
		struct wc_layer *l = &p->l[p->nlayers++];

		memset(l, 0, sizeof(*l));
		l->proto = &wc_proto_raw;
		l->off = (uint32_t)off;
		read_fields(l, bytes + off, end - off);
		l->hlen = (uint32_t)(end - off);
		l->status = WC_LS_MALFORMED;
	}
	while (npad > 0 && p->nlayers < WC_MAX_LAYERS) {
		struct wc_layer *l = &p->l[p->nlayers++];

		npad--;
		memset(l, 0, sizeof(*l));
		l->proto = &wc_proto_padding;
		l->off = pad[npad].off;
		read_fields(l, bytes + pad[npad].off, pad[npad].end - pad[npad].off);
		l->hlen = pad[npad].end - pad[npad].off;
	}
	return 0;
}
