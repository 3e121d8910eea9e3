/* SPDX-License-Identifier: MIT */
/* Fields that hold sub-layers (WC_K_RRLIST: DNS records): their expansion into one
 * scratch per thread, and Python's str() of a sub-layer's value for summaries. */
#include <stddef.h>

#include "dnsname.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"

/* Enough for the records one sub-packet can hold (WC_MAX_LAYERS - 1 of them, names of at
 * most WC_DNS_NAME_MAX bytes, three names in an SOA) and a list's bytes as they are. */
#define SUB_CAP (WC_MAX_PKT + 2 * WC_MAX_LAYERS * (3 * (WC_DNS_NAME_MAX + 1) + 32))

static _Thread_local uint8_t scratch[SUB_CAP];
static _Thread_local struct wc_pkt sub;

const struct wc_pkt *wc_sub_expand(const struct wc_pkt *p, unsigned li, unsigned fi, int *bad)
{
	const struct wc_field *f;
	int rc;

	if (!p || li >= p->nlayers || fi >= p->l[li].proto->nfields)
		return NULL;
	f = &p->l[li].proto->fields[fi];
	if (f->kind != WC_K_RRLIST || !f->sub || !f->sub->expand)
		return NULL;
	rc = f->sub->expand(p, li, fi, scratch, sizeof(scratch), &sub);
	if (rc < 0)
		return NULL;
	if (bad)
		*bad = rc;
	return &sub;
}

void wc_sb_pyvalue(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	const struct wc_val *v = &l->v[fi];

	switch (l->proto->fields[fi].kind) {
	case WC_K_DNSNAME:
		wc_sb_dnsname(sb, v->b, v->blen, l->proto->fields[fi].flags & WC_FF_DOT_ROOT, 1);
		break;
	case WC_K_DNSTXT:
		wc_sb_dnstxt(sb, v->b, v->blen);
		break;
	case WC_K_BYTES:
		wc_sb_bytesrepr(sb, v->b, v->blen);
		break;
	default:
		wc_sb_value(sb, l, fi, false);
		break;
	}
}
