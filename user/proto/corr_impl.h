/* SPDX-License-Identifier: MIT */
/* Shared by the correlation hooks (corr_*.c: Scapy's hashret() and answers() per protocol).
 * Private to user/proto.
 *
 * The hooks read fields by index. The indexes are looked up by name in the protocols'
 * tables once, when the library is loaded (a constructor), so a table that changes order
 * cannot silently shift them; a name that disappears gives -1, read as the value 0 (and
 * then tests/unit/test_match.c and the match oracle fail). */
#ifndef WIRECRAFT_PROTO_CORR_IMPL_H
#define WIRECRAFT_PROTO_CORR_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "wirecraft/match.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

#define CORR_INIT __attribute__((constructor)) static void

static inline int corr_idx(const struct wc_proto *p, const char *name)
{
	return wc_field_index(p, name);
}

static inline bool corr_here(const struct wc_layer *l, int fi)
{
	return fi >= 0 && (l->here >> fi & 1);
}

/* A field as Scapy sees it: the value read (or built) when the layer has it, else the
 * field's default, which is what Scapy's getattr gives for a field its dissection never
 * reached (a quoted TCP header cut after 8 bytes still has ack 0 and flags S). */
static inline uint64_t corr_u(const struct wc_layer *l, int fi)
{
	if (fi < 0)
		return 0;
	return corr_here(l, fi) ? l->v[fi].u : l->proto->fields[fi].def;
}

static const uint8_t corr_zero16[16];

/* An IPv6 address field (16 bytes), with the same default rule. */
static inline const uint8_t *corr_a6(const struct wc_layer *l, int fi)
{
	const uint8_t *d;

	if (fi < 0)
		return corr_zero16;
	if (corr_here(l, fi))
		return l->v[fi].a;
	d = l->proto->fields[fi].def_bytes;
	return d ? d : corr_zero16;
}

/* A byte-string field, with the same default rule. */
static inline const uint8_t *corr_b(const struct wc_layer *l, int fi, size_t *n)
{
	if (fi >= 0 && corr_here(l, fi)) {
		*n = l->v[fi].blen;
		return l->v[fi].b ? l->v[fi].b : corr_zero16;
	}
	*n = fi >= 0 ? l->proto->fields[fi].def_len : 0;
	return fi >= 0 && l->proto->fields[fi].def_bytes ? l->proto->fields[fi].def_bytes
							  : corr_zero16;
}

/* Layer i of p, or NULL past the last one (Scapy's NoPayload). */
static inline const struct wc_layer *corr_layer(const struct wc_pkt *p, unsigned i)
{
	return i < p->nlayers ? &p->l[i] : NULL;
}

static inline const struct wc_proto *corr_proto(const struct wc_pkt *p, unsigned i)
{
	return i < p->nlayers ? p->l[i].proto : NULL;
}

/* An IPv4 address as Scapy's inet_pton gives it (network order). */
static inline void corr_be32(uint8_t out[4], uint64_t v)
{
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
}

/* Family tests Scapy writes as isinstance() (subclasses count). */
bool wc_corr_is_ip(const struct wc_proto *p);   /* IP, IPerror */
bool wc_corr_is_ipv6(const struct wc_proto *p); /* IPv6, IPerror6 */

#endif
