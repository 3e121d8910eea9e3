/* SPDX-License-Identifier: MIT */
/* DNS correlation, as Scapy 2.5's DNS.answers: the same id, the reply a response (qr=1)
 * and the request a query (qr=0). DNS has no hashret of its own in Scapy: the key is the
 * layers below (UDP or TCP ports), so the table leaves it NULL. */
#include "corr.h"
#include "wirecraft/pkt.h"

extern const struct wc_proto wc_proto_dns;

bool wc_corr_dns_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			 unsigned si, const struct wc_match_opts *o)
{
	uint64_t rid, sid, rqr, sqr;

	(void)o;
	if (si >= s->nlayers || s->l[si].proto != &wc_proto_dns)
		return false;
	if (wc_layer_get_u(&r->l[ri], "id", &rid) || wc_layer_get_u(&s->l[si], "id", &sid) ||
	    wc_layer_get_u(&r->l[ri], "qr", &rqr) || wc_layer_get_u(&s->l[si], "qr", &sqr))
		return false;
	return rid == sid && rqr == 1 && sqr == 0;
}
