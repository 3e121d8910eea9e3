/* SPDX-License-Identifier: MIT */
/* Correlation hooks of the link layer: Ether, Dot1Q/Dot1AD and ARP, as Scapy 2.5's
 * scapy/layers/l2.py defines their hashret() and answers(). (Dot3, LLC and SNAP keep
 * Scapy's defaults: Dot3.answers is the default rule for a class without subclasses.) */
#include "corr_impl.h"

extern const struct wc_proto wc_proto_dot1q, wc_proto_dot1ad, wc_proto_arp;

static int eth_type, q_vlan, q_type;
static int arp_hwtype, arp_ptype, arp_op;
/* ARP's addresses are Scapy MultipleTypeFields: several table entries of one name with
 * exclusive conditions; the one present is the address. */
static int arp_psrc[3], arp_pdst[3];

static void find_all(const struct wc_proto *p, const char *name, int out[3])
{
	unsigned k = 0;

	for (unsigned i = 0; i < p->nfields && k < 3; i++)
		if (!strcmp(p->fields[i].name, name))
			out[k++] = (int)i;
	while (k < 3)
		out[k++] = -1;
}

CORR_INIT resolve(void)
{
	eth_type = corr_idx(&wc_proto_ether, "type");
	q_vlan = corr_idx(&wc_proto_dot1q, "vlan");
	q_type = corr_idx(&wc_proto_dot1q, "type");
	arp_hwtype = corr_idx(&wc_proto_arp, "hwtype");
	arp_ptype = corr_idx(&wc_proto_arp, "ptype");
	arp_op = corr_idx(&wc_proto_arp, "op");
	find_all(&wc_proto_arp, "psrc", arp_psrc);
	find_all(&wc_proto_arp, "pdst", arp_pdst);
}

/* ---- Ether ---------------------------------------------------------------------------- */

/* struct.pack("H", self.type) + self.payload.hashret() */
unsigned wc_corr_ether_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	wc_hr_put_u16(h, (uint16_t)corr_u(&p->l[li], eth_type));
	return li + 1;
}

bool wc_corr_ether_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			   unsigned si, const struct wc_match_opts *o)
{
	if (corr_proto(s, si) != &wc_proto_ether)
		return false;
	if (corr_u(&r->l[ri], eth_type) != corr_u(&s->l[si], eth_type))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* ---- Dot1Q, Dot1AD -------------------------------------------------------------------- */

/* Dot1AD is a subclass of Dot1Q in Scapy: isinstance(other, Dot1Q) holds for both. */
static bool is_dot1q(const struct wc_proto *p)
{
	return p == &wc_proto_dot1q || p == &wc_proto_dot1ad;
}

/* Same tag (VLAN and type) and the payloads answer; a request without a tag here is
 * compared with the reply's payload (Scapy: self.payload.answers(other)). The hash is the
 * payload's: Scapy's default. */
bool wc_corr_dot1q_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			   unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri];

	if (!is_dot1q(corr_proto(s, si)))
		return wc_answers_at(r, ri + 1, s, si, o);
	if (corr_u(rl, q_type) != corr_u(&s->l[si], q_type) ||
	    corr_u(rl, q_vlan) != corr_u(&s->l[si], q_vlan))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* ---- ARP ------------------------------------------------------------------------------ */

/* The bytes Scapy's i2m gives for whichever entry of an address is present: 4 for IPv4, 16
 * for IPv6, hwlen/plen raw bytes otherwise. None present (a header cut short): none. */
static const uint8_t *arp_addr(const struct wc_layer *l, const int fi[3], uint8_t tmp[4],
			       size_t *n)
{
	for (unsigned k = 0; k < 3; k++) {
		const struct wc_field *f;

		if (!corr_here(l, fi[k]))
			continue;
		f = &l->proto->fields[fi[k]];
		if (f->kind == WC_K_IPV4) {
			corr_be32(tmp, l->v[fi[k]].u);
			*n = 4;
			return tmp;
		}
		if (f->kind == WC_K_IPV6) {
			*n = 16;
			return l->v[fi[k]].a;
		}
		return corr_b(l, fi[k], n);
	}
	*n = 0;
	return tmp;
}

/* struct.pack(">HHH", hwtype, ptype, (op + 1) // 2) + self.payload.hashret(): a request and
 * its reply (op 1 and 2, 3 and 4, ...) share the key. Every ARP request has the same one,
 * so the matcher indexes requests by the address they ask about: answers() compares the
 * reply's psrc with the request's pdst over the shorter of the two, which makes their first
 * 4 bytes equal whenever both have 4; a request asking about fewer bytes cannot be indexed
 * that way (wild). */
unsigned wc_corr_arp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	uint8_t tmp[4];
	const uint8_t *a;
	size_t n;

	wc_hr_put_be16(h, (uint16_t)corr_u(l, arp_hwtype));
	wc_hr_put_be16(h, (uint16_t)corr_u(l, arp_ptype));
	wc_hr_put_be16(h, (uint16_t)((corr_u(l, arp_op) + 1) / 2));
	if (h->role == WC_HR_REQUEST && h->depth == 0) {
		a = arp_addr(l, arp_pdst, tmp, &n);
		if (n >= 4)
			wc_hr_key(h, 'A', a, 4);
		else
			wc_hr_wild(h);
	} else if (h->role == WC_HR_REPLY && h->depth == 0) {
		a = arp_addr(l, arp_psrc, tmp, &n);
		if (n >= 4)
			wc_hr_key(h, 'A', a, 4);
	}
	return li + 1;
}

/* r.op == s.op + 1, and the reply's psrc is the address the request asked about, compared
 * loosely over the shorter of the two (Scapy: to catch answers with ARP leaks). Does not
 * look at the payloads. */
bool wc_corr_arp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			 unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	uint8_t t1[4], t2[4];
	const uint8_t *a, *b;
	size_t na, nb;

	(void)o;
	if (corr_proto(s, si) != &wc_proto_arp)
		return false;
	sl = &s->l[si];
	if (corr_u(rl, arp_op) != corr_u(sl, arp_op) + 1)
		return false;
	a = arp_addr(rl, arp_psrc, t1, &na);
	b = arp_addr(sl, arp_pdst, t2, &nb);
	return memcmp(a, b, na < nb ? na : nb) == 0;
}
