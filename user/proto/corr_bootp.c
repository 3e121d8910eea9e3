/* SPDX-License-Identifier: MIT */
/* BOOTP/DHCP correlation (Scapy's BOOTP.hashret and .answers): a reply answers a request
 * with the same transaction id, whatever follows (DHCP's options are not compared), and
 * the hash is the xid alone: struct.pack("!I", xid), no payload after it. Below it, the
 * IP rules still apply: a broadcast DISCOVER is answered from the server's address, so
 * Scapy (and wirecraft) pair it only with checkIPaddr off (--no-check-ipaddr). */
#include "corr.h"
#include "corr_impl.h"

extern const struct wc_proto wc_proto_bootp;
static int bootp_xid;

CORR_INIT bootp_init(void)
{
	bootp_xid = corr_idx(&wc_proto_bootp, "xid");
}

unsigned wc_corr_bootp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	uint8_t k[4];

	corr_be32(k, corr_u(l, bootp_xid));
	wc_hr_put(h, k, 4);
	/* The xid pairs them: every answer has its request's, so it indexes both sides. */
	if (h->role != WC_HR_SCAPY)
		wc_hr_key(h, 'X', k, 4);
	return p->nlayers;
}

bool wc_corr_bootp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			   unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *sl = corr_layer(s, si);

	(void)o;
	if (!sl || sl->proto != &wc_proto_bootp)
		return false;
	return corr_u(&r->l[ri], bootp_xid) == corr_u(sl, bootp_xid);
}
