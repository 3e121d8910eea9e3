/* SPDX-License-Identifier: MIT */
/* Correlation hooks of the tunnel and SCTP layers, as Scapy 2.5 defines them. SCTP and
 * SCTPerror have no hashret (the payload's, and chunks add nothing), and their answers()
 * look at the ports only: not at the verification tag, and not at the chunks. VXLAN, GRE
 * and MPLS keep Scapy's defaults (same layer, then the payloads); GENEVE has its own. */
#include "corr_impl.h"

extern const struct wc_proto wc_proto_sctp, wc_proto_sctperror, wc_proto_geneve,
	wc_proto_iperror;

static int sctp_sport, sctp_dport, gnv_proto, gnv_vni;

CORR_INIT resolve(void)
{
	sctp_sport = corr_idx(&wc_proto_sctp, "sport");
	sctp_dport = corr_idx(&wc_proto_sctp, "dport");
	gnv_proto = corr_idx(&wc_proto_geneve, "proto");
	gnv_vni = corr_idx(&wc_proto_geneve, "vni");
}

/* SCTPerror is a subclass of SCTP: isinstance(other, SCTP) holds for both. */
static bool is_sctp(const struct wc_proto *p)
{
	return p == &wc_proto_sctp || p == &wc_proto_sctperror;
}

/* Scapy hashes SCTP by nothing of its own, so every SCTP probe to one host has one key. The
 * matcher's index keys narrow that down (see wirecraft/match.h), always with checkIPsrc:
 *  - 'S': a reply's (dport, sport) is its request's (sport, dport) (SCTP.answers);
 *  - 'Q': an ICMPv4 error quotes SCTPerror with the request's own (sport, dport).
 * A request names both, at depth 0; a reply its SCTP at depth 0 or its SCTPerror right
 * under the first quote. An IPv6 error quotes plain SCTP, compared by IPerror6's rules:
 * no key for that one. */
static void ports_key(struct wc_hr *h, uint8_t tag, uint64_t a, uint64_t b)
{
	uint8_t k[4] = {(uint8_t)(a >> 8), (uint8_t)a, (uint8_t)(b >> 8), (uint8_t)b};

	wc_hr_key(h, tag, k, 4);
}

unsigned wc_corr_sctp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];

	if (h->depth != 0 || h->o->no_check_ipsrc)
		return li + 1;
	if (h->role == WC_HR_REQUEST) {
		ports_key(h, 'S', corr_u(l, sctp_sport), corr_u(l, sctp_dport));
		ports_key(h, 'Q', corr_u(l, sctp_sport), corr_u(l, sctp_dport));
	} else if (h->role == WC_HR_REPLY) {
		ports_key(h, 'S', corr_u(l, sctp_dport), corr_u(l, sctp_sport));
	}
	return li + 1;
}

unsigned wc_corr_sctperror_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];

	if (h->role == WC_HR_REPLY && h->depth == 1 && !h->o->no_check_ipsrc &&
	    li > 0 && p->l[li - 1].proto == &wc_proto_iperror)
		ports_key(h, 'Q', corr_u(l, sctp_sport), corr_u(l, sctp_dport));
	return li + 1;
}

/* With checkIPsrc, the ports swapped. */
bool wc_corr_sctp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			  unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri];

	if (!is_sctp(corr_proto(s, si)))
		return false;
	return o->no_check_ipsrc || (corr_u(rl, sctp_sport) == corr_u(&s->l[si], sctp_dport) &&
				     corr_u(rl, sctp_dport) == corr_u(&s->l[si], sctp_sport));
}

/* The quoted header: the request's own ports, not swapped. */
bool wc_corr_sctperror_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			       unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri];

	if (!is_sctp(corr_proto(s, si)))
		return false;
	return o->no_check_ipsrc || (corr_u(rl, sctp_sport) == corr_u(&s->l[si], sctp_sport) &&
				     corr_u(rl, sctp_dport) == corr_u(&s->l[si], sctp_dport));
}

/* Against a GENEVE request: same proto and VNI, then the payloads. Against anything else:
 * the reply's payload answers it (a tunnelled reply to a bare request). */
bool wc_corr_geneve_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			    unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri];

	if (corr_proto(s, si) != &wc_proto_geneve)
		return wc_answers_at(r, ri + 1, s, si, o);
	if (corr_u(rl, gnv_proto) != corr_u(&s->l[si], gnv_proto) ||
	    corr_u(rl, gnv_vni) != corr_u(&s->l[si], gnv_vni))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}
