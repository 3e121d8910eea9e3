/* SPDX-License-Identifier: MIT */
/* The Internet checksum (RFC 1071) and the pseudo-headers of TCP, UDP and ICMPv6. */
#include <errno.h>
#include <string.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

uint32_t wc_csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	uint64_t s = sum;
	size_t i = 0;

	for (; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (i < n)
		s += (uint32_t)b[i] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t wc_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

extern const struct wc_proto wc_proto_ip, wc_proto_ipv6, wc_proto_iperror, wc_proto_iperror6;

static bool is_ip4(const struct wc_proto *p)
{
	return p == &wc_proto_ip || p == &wc_proto_iperror;
}

static bool is_ip6(const struct wc_proto *p)
{
	return p == &wc_proto_ipv6 || p == &wc_proto_iperror6;
}

/* Scapy's in4_pseudoheader: when the user fixed IP len, the upper length is len minus
 * the header, whose length is ihl when the user fixed it too, else what the options make
 * (not yet computed: the upper layer is finished before the IP header). */
static uint32_t ip4_upper_len(const struct wc_layer *ip, uint32_t ulen)
{
	int fl = wc_field_index(ip->proto, "len"), fi = wc_field_index(ip->proto, "ihl");
	int fo = wc_field_index(ip->proto, "options");

	if (fl >= 0 && fi >= 0 && (ip->set & (1u << fl))) {
		uint64_t len = ip->v[fl].u, ihl = ip->v[fi].u;

		if (!(ip->set & (1u << fi)))
			ihl = 5 + (fo >= 0 ? (ip->v[fo].blen + 3) / 4 : 0);
		return len > ihl * 4 ? (uint32_t)(len - ihl * 4) : 0;
	}
	return ulen;
}

int wc_pseudo_sum(const struct wc_pkt *p, unsigned li, uint8_t proto, uint32_t ulen,
		  uint32_t *sum)
{
	/* A final destination named by a layer in between (IPv6 routing header): Scapy takes
	 * the nearest one above the IPv6 layer. */
	uint8_t final_dst[16];
	bool have_final = false;

	/* The nearest IP or IPv6 layer below: right below, or under IPv6 extension headers
	 * (or under anything, for protocols with csum_any_below). */
	for (unsigned i = li; i-- > 0;) {
		const struct wc_layer *l = &p->l[i];
		uint8_t ph[40];

		if (is_ip4(l->proto)) {
			int fs = wc_field_index(l->proto, "src"), fd = wc_field_index(l->proto, "dst");
			uint32_t s = (uint32_t)l->v[fs].u, d = (uint32_t)l->v[fd].u;
			uint32_t n = ip4_upper_len(l, ulen);
			uint8_t a[16];

			/* A source route in its own options: the last router (Scapy's
			 * in4_pseudoheader). What lies above an IPv4 header is not IPv4's. */
			if (l->proto->pseudo_dst && l->proto->pseudo_dst(l, a))
				d = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];

			ph[0] = s >> 24; ph[1] = s >> 16; ph[2] = s >> 8; ph[3] = s;
			ph[4] = d >> 24; ph[5] = d >> 16; ph[6] = d >> 8; ph[7] = d;
			ph[8] = 0; ph[9] = proto; ph[10] = n >> 8; ph[11] = n;
			*sum = wc_csum_add(0, ph, 12);
			return 0;
		}
		if (!have_final && l->proto->pseudo_dst)
			have_final = l->proto->pseudo_dst(l, final_dst);
		if (!is_ip6(l->proto) && !p->l[li].proto->csum_any_below &&
		    !(l->proto->bind_as && is_ip6(l->proto->bind_as)))
			break; /* Scapy's TCP and UDP: no IP underlayer */
		if (is_ip6(l->proto)) {
			int fs = wc_field_index(l->proto, "src"), fd = wc_field_index(l->proto, "dst");

			memcpy(ph, l->v[fs].a, 16);
			memcpy(ph + 16, have_final ? final_dst : l->v[fd].a, 16);
			ph[32] = ulen >> 24; ph[33] = ulen >> 16; ph[34] = ulen >> 8; ph[35] = ulen;
			ph[36] = 0; ph[37] = 0; ph[38] = 0; ph[39] = proto;
			*sum = wc_csum_add(0, ph, 40);
			return 0;
		}
	}
	return -ENOENT;
}
