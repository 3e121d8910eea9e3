/* SPDX-License-Identifier: MIT */
/* Correlation hooks of IPv6, ICMPv6 and Neighbor Discovery, as Scapy 2.5's
 * scapy/layers/inet6.py defines their hashret() and answers(). */
#include <arpa/inet.h>

#include "corr_impl.h"
#include "icmp6_impl.h"

extern const struct wc_proto wc_proto_ipv6, wc_proto_iperror6, wc_proto_tcp,
	wc_proto_tcperror, wc_proto_udp, wc_proto_ipv6_hopbyhop, wc_proto_ipv6_destopt,
	wc_proto_ipv6_routing, wc_proto_ipv6_fragment, wc_proto_icmp6_echo_request,
	wc_proto_icmp6_echo_reply, wc_proto_icmp6_mld_query, wc_proto_icmp6_nd_rs,
	wc_proto_icmp6_nd_ns, wc_proto_icmp6_nd_na;

static int v6_nh, v6_src, v6_dst;
static int ext_nh, rt_addresses, opt_options;
static int echo_id[2], echo_seq[2], echo_data[2]; /* request, reply */
static int ns_tgt, na_tgt;
static int tcp_sport, tcp_dport, tcp_seq, tcp_ack, tcp_reserved, tcp_flags, tcp_window,
	tcp_urgptr, tcp_options;

CORR_INIT resolve(void)
{
	v6_nh = corr_idx(&wc_proto_ipv6, "nh");
	v6_src = corr_idx(&wc_proto_ipv6, "src");
	v6_dst = corr_idx(&wc_proto_ipv6, "dst");
	/* Every extension header starts with nh; the routing header has the addresses, the
	 * option headers their options. */
	ext_nh = corr_idx(&wc_proto_ipv6_fragment, "nh");
	rt_addresses = corr_idx(&wc_proto_ipv6_routing, "addresses");
	opt_options = corr_idx(&wc_proto_ipv6_destopt, "options");
	echo_id[0] = corr_idx(&wc_proto_icmp6_echo_request, "id");
	echo_seq[0] = corr_idx(&wc_proto_icmp6_echo_request, "seq");
	echo_data[0] = corr_idx(&wc_proto_icmp6_echo_request, "data");
	echo_id[1] = corr_idx(&wc_proto_icmp6_echo_reply, "id");
	echo_seq[1] = corr_idx(&wc_proto_icmp6_echo_reply, "seq");
	echo_data[1] = corr_idx(&wc_proto_icmp6_echo_reply, "data");
	ns_tgt = corr_idx(&wc_proto_icmp6_nd_ns, "tgt");
	na_tgt = corr_idx(&wc_proto_icmp6_nd_na, "tgt");
	tcp_sport = corr_idx(&wc_proto_tcp, "sport");
	tcp_dport = corr_idx(&wc_proto_tcp, "dport");
	tcp_seq = corr_idx(&wc_proto_tcp, "seq");
	tcp_ack = corr_idx(&wc_proto_tcp, "ack");
	tcp_reserved = corr_idx(&wc_proto_tcp, "reserved");
	tcp_flags = corr_idx(&wc_proto_tcp, "flags");
	tcp_window = corr_idx(&wc_proto_tcp, "window");
	tcp_urgptr = corr_idx(&wc_proto_tcp, "urgptr");
	tcp_options = corr_idx(&wc_proto_tcp, "options");
}

bool wc_corr_is_ipv6(const struct wc_proto *p)
{
	return p == &wc_proto_ipv6 || p == &wc_proto_iperror6;
}

/* Scapy's _ICMPv6 subclasses: every ICMPv6 class shares the type dispatch. */
static bool is_icmp6(const struct wc_proto *p)
{
	return p && p->dispatch == wc_icmp6_dispatch;
}

/* Scapy's _IPv6ExtHdr subclasses. */
static bool is_ext(const struct wc_proto *p)
{
	return p == &wc_proto_ipv6_hopbyhop || p == &wc_proto_ipv6_destopt ||
	       p == &wc_proto_ipv6_routing || p == &wc_proto_ipv6_fragment;
}

static bool is_tcp(const struct wc_proto *p)
{
	return p == &wc_proto_tcp || p == &wc_proto_tcperror;
}

/* A field of an ICMPv6 message by name: every ICMPv6 table starts with type and code
 * (icmp6_impl.h), so the common case costs one comparison. -1 when there is none. */
static int field_at(const struct wc_proto *p, unsigned usual, const char *name)
{
	if (p->nfields > usual && !strcmp(p->fields[usual].name, name))
		return (int)usual;
	return wc_field_index(p, name);
}

static uint64_t icmp6_type(const struct wc_layer *l)
{
	return corr_u(l, field_at(l->proto, 0, "type"));
}

static bool mcast6(const uint8_t a[16])
{
	return a[0] == 0xff; /* in6_ismaddr: ff00::/8 */
}

/* ---- IPv6, IPerror6 ------------------------------------------------------------------- */

/* Scapy's HAO (home address option, type 0xc9) in a destination options header: its home
 * address, the last one if several. */
static const uint8_t *find_hao(const struct wc_layer *l)
{
	const uint8_t *o, *hoa = NULL;
	size_t n, i = 0;

	o = corr_b(l, opt_options, &n);
	while (i < n) {
		if (o[i] == 0) { /* Pad1 */
			i++;
			continue;
		}
		if (i + 1 >= n)
			break;
		if (o[i] == 0xc9 && i + 2 + 16 <= n)
			hoa = o + i + 2;
		i += 2 + (size_t)o[i + 1];
	}
	return hoa;
}

/* ICMPv6 errors hash as the datagram they quote; ND (RS, RA, NS, NA) and home agent
 * discovery (144, 145) by next header and payload only, as their requests go to multicast
 * addresses. Otherwise strxor(dst, src) + nh + payload's, with these adjustments:
 * a routing header gives the XOR of its addresses but the last as destination (Scapy's
 * code, whatever it meant), and its nh; fragment and hop-by-hop headers their nh; a
 * destination options header with a home address option its nh and the home address as
 * source. A multicast destination (or checkIPsrc/checkIPaddr off): nh + payload's only.
 *
 * The index keys (match.h): a request whose upper layer says UDP but is not a UDP header
 * (cut short) could still be answered by an ICMPv6 error quoting UDP, whose ports it
 * cannot name: wild. */
unsigned wc_corr_ipv6_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li], *nx = corr_layer(p, li + 1);
	uint64_t nh = corr_u(l, v6_nh), hnh = nh;
	const uint8_t *sd = corr_a6(l, v6_dst), *ss = corr_a6(l, v6_src);
	uint8_t x[16];
	bool outer = !h->v6_seen;

	h->v6_seen = true;
	if (outer)
		h->v6_mcast = mcast6(sd);
	if (nh == 58 && nx && is_icmp6(nx->proto)) {
		uint64_t t = icmp6_type(nx);

		if (t < 128) {
			h->depth++;
			return li + 2;
		}
		if ((t >= 133 && t <= 136) || t == 144 || t == 145) {
			wc_hr_put_u8(h, 58);
			return li + 1;
		}
	}
	if (h->o->no_check_ipinip && (nh == 4 || nh == 41))
		return li + 1;
	if (nx && nh == 43 && nx->proto == &wc_proto_ipv6_routing) {
		size_t n;
		const uint8_t *a = corr_b(nx, rt_addresses, &n);
		static const uint8_t loop6[16] = {[15] = 1};

		hnh = corr_u(nx, ext_nh);
		n /= 16;
		memcpy(x, n ? a + 16 * (n - 1) : loop6, 16);
		for (size_t k = 0; k < n; k++)
			for (unsigned i = 0; i < 16; i++)
				x[i] ^= a[16 * k + i];
		sd = x;
	}
	if (nx && nh == 44 && nx->proto == &wc_proto_ipv6_fragment)
		hnh = corr_u(nx, ext_nh);
	if (nx && nh == 0 && nx->proto == &wc_proto_ipv6_hopbyhop)
		hnh = corr_u(nx, ext_nh);
	if (nx && nh == 60 && nx->proto == &wc_proto_ipv6_destopt) {
		const uint8_t *hoa = find_hao(nx);

		if (hoa) {
			hnh = corr_u(nx, ext_nh);
			ss = hoa;
		}
	}
	if (h->role == WC_HR_REQUEST && h->depth == 0) {
		unsigned up = li + 1;
		uint64_t upnh = nh;

		while (up < p->nlayers && is_ext(p->l[up].proto))
			upnh = corr_u(&p->l[up++], ext_nh);
		if (upnh == 17 && corr_proto(p, up) != &wc_proto_udp)
			wc_hr_wild(h);
	}
	if (!h->o->no_check_ipsrc && !h->o->no_check_ipaddr && !mcast6(sd) &&
	    !(outer && h->v6_noaddr)) {
		uint8_t d[16];

		for (unsigned i = 0; i < 16; i++)
			d[i] = sd[i] ^ ss[i];
		wc_hr_put(h, d, 16);
		if (outer)
			h->v6_addr = true;
	}
	wc_hr_put_u8(h, (uint8_t)hnh);
	return li + 1;
}

static bool eq16(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 16) == 0;
}

bool wc_corr_ipv6_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			  unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	const struct wc_proto *sp = corr_proto(s, si), *rn, *sn;
	uint64_t rnh = corr_u(rl, v6_nh), snh;

	if (o->no_check_ipinip) {
		/* Skip IP in IP and IPv6 in IP on either side. */
		if (rnh == 4 || rnh == 41)
			return wc_answers_at(r, ri + 1, s, si, o);
		if (wc_corr_is_ipv6(sp) && (corr_u(&s->l[si], v6_nh) == 4 ||
					    corr_u(&s->l[si], v6_nh) == 41))
			return wc_answers_at(r, ri, s, si + 1, o);
		if (wc_corr_is_ip(sp)) {
			uint64_t proto = 0;

			wc_layer_get_u(&s->l[si], "proto", &proto);
			if (proto == 4 || proto == 41)
				return wc_answers_at(r, ri, s, si + 1, o);
		}
	}
	if (!wc_corr_is_ipv6(sp))
		return false;
	sl = &s->l[si];
	snh = corr_u(sl, v6_nh);
	if (!o->no_check_ipaddr) {
		const uint8_t *rd = corr_a6(rl, v6_dst), *ssrc = corr_a6(sl, v6_src),
			      *sd = corr_a6(sl, v6_dst);
		static const uint8_t all_nodes[16] = {0xff, 2, [15] = 1};
		static const uint8_t all_routers[16] = {0xff, 2, [15] = 2};

		/* A request to a multicast group: the reply comes to our address, or to a
		 * group too (the same one, or all-nodes for an all-routers request). Scapy
		 * then compares the payloads straight away. */
		if (mcast6(sd)) {
			if (mcast6(rd)) {
				if (eq16(sd, rd) ||
				    (eq16(rd, all_nodes) && eq16(sd, all_routers)))
					return wc_answers_at(r, ri + 1, s, si + 1, o);
				return false;
			}
			if (eq16(ssrc, rd))
				return wc_answers_at(r, ri + 1, s, si + 1, o);
			return false;
		}
		if (!eq16(rd, ssrc))
			return false;
	}
	rn = corr_proto(r, ri + 1);
	sn = corr_proto(s, si + 1);
	/* An ICMPv6 error answers the request it quotes. */
	if (rnh == 58 && is_icmp6(rn) && icmp6_type(&r->l[ri + 1]) < 128)
		return wc_answers_at(r, ri + 2, s, si, o);
	/* Extension headers of the request, as Scapy pairs them (a hop-by-hop header is not
	 * skipped: a reply without one then fails, as in Scapy). */
	if (snh == 0 && sn == &wc_proto_ipv6_hopbyhop)
		return wc_answers_at(r, ri + 1, s, si + 1, o);
	if (snh == 44 && sn == &wc_proto_ipv6_fragment)
		return wc_answers_at(r, ri + 1, s, si + 2, o);
	if (snh == 43 && sn == &wc_proto_ipv6_routing)
		return wc_answers_at(r, ri + 1, s, si + 2, o);
	if (snh == 60 && sn == &wc_proto_ipv6_destopt)
		return wc_answers_at(r, ri + 2, s, si + 2, o);
	if (rnh == 60 && rn == &wc_proto_ipv6_destopt)
		return wc_answers_at(r, ri + 2, s, si + 1, o);
	if (rnh != snh)
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* The upper layer after `i` and any extension headers: its index (p->nlayers: none). */
static unsigned upper(const struct wc_pkt *p, unsigned i, bool *has_rh)
{
	while (i < p->nlayers && is_ext(p->l[i].proto)) {
		if (has_rh && p->l[i].proto == &wc_proto_ipv6_routing)
			*has_rh = true;
		i++;
	}
	return i;
}

/* raw(layer) in Scapy: the layer's bytes and everything after them, Padding included. */
static const uint8_t *raw_from(const struct wc_pkt *p, unsigned i, size_t *n)
{
	if (i >= p->nlayers) {
		*n = 0;
		return p->buf;
	}
	*n = p->len - p->l[i].off;
	return p->buf + p->l[i].off;
}

/* TCP options as Scapy's list compares them. */
static bool same_tcp_options(const struct wc_layer *a, const struct wc_layer *b)
{
	const uint8_t *ba, *bb;
	size_t na, nb, pa = 0, pb = 0;

	ba = corr_b(a, tcp_options, &na);
	bb = corr_b(b, tcp_options, &nb);
	for (;;) {
		struct wc_tcpopt oa, ob;
		int ra = wc_tcpopt_next(ba, na, &pa, &oa), rb = wc_tcpopt_next(bb, nb, &pb, &ob);

		if (ra != rb)
			return false;
		if (ra == 0)
			return true;
		if (oa.kind != ob.kind || oa.type != ob.type || oa.nints != ob.nints ||
		    memcmp(oa.ints, ob.ints, oa.nints * sizeof(oa.ints[0])) ||
		    oa.blen != ob.blen || (oa.blen && memcmp(oa.b, ob.b, oa.blen)))
			return false;
	}
}

/* The TCP header as Scapy rebuilds it with options, chksum and dataofs nulled (the MSS
 * clamping case of IPerror6.answers), from the field values (defaults for fields a cut
 * quote lacks). */
static void tcp_unclamped(const struct wc_layer *l, uint8_t h[20])
{
	uint64_t v;

	memset(h, 0, 20);
	v = corr_u(l, tcp_sport);
	h[0] = (uint8_t)(v >> 8), h[1] = (uint8_t)v;
	v = corr_u(l, tcp_dport);
	h[2] = (uint8_t)(v >> 8), h[3] = (uint8_t)v;
	corr_be32(h + 4, corr_u(l, tcp_seq));
	corr_be32(h + 8, corr_u(l, tcp_ack));
	v = corr_u(l, tcp_flags);
	h[12] = (uint8_t)((corr_u(l, tcp_reserved) & 7) << 1 | (v >> 8 & 1));
	h[13] = (uint8_t)v;
	v = corr_u(l, tcp_window);
	h[14] = (uint8_t)(v >> 8), h[15] = (uint8_t)v;
	v = corr_u(l, tcp_urgptr);
	h[18] = (uint8_t)(v >> 8), h[19] = (uint8_t)v;
}

/* Byte i of a 20-byte header followed by a tail. */
static uint8_t hdr_tail_at(const uint8_t h[20], const uint8_t *t, size_t i)
{
	return i < 20 ? h[i] : t[i - 20];
}

/* The IPv6 header quoted in an ICMPv6 error: under an ICMPv6 error, same source, same
 * destination (unless the request had a routing header), and the quoted upper layer's
 * bytes equal the request's over the shorter of the two; TCP headers whose options differ
 * (a middlebox clamped the MSS) are compared without options, checksum and data offset. */
bool wc_corr_iperror6_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			      unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	unsigned ru, su;
	bool rh = false;
	const uint8_t *a, *b;
	size_t na, nb;

	(void)o;
	if (!wc_corr_is_ipv6(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	if (!(ri > 0 && is_icmp6(r->l[ri - 1].proto) && icmp6_type(&r->l[ri - 1]) < 128))
		return false;
	ru = upper(r, ri + 1, NULL);
	su = upper(s, si + 1, &rh);
	if (!eq16(corr_a6(rl, v6_src), corr_a6(sl, v6_src)) ||
	    !(eq16(corr_a6(rl, v6_dst), corr_a6(sl, v6_dst)) || rh))
		return false;
	if (is_tcp(corr_proto(r, ru)) && is_tcp(corr_proto(s, su)) &&
	    !same_tcp_options(&r->l[ru], &s->l[su])) {
		uint8_t ha[20], hb[20];
		const struct wc_layer *la = &r->l[ru], *lb = &s->l[su];
		size_t n;

		tcp_unclamped(la, ha);
		tcp_unclamped(lb, hb);
		a = r->buf + la->off + la->hlen;
		na = 20 + (r->len - la->off - la->hlen);
		b = s->buf + lb->off + lb->hlen;
		nb = 20 + (s->len - lb->off - lb->hlen);
		n = na < nb ? na : nb;
		for (size_t i = 0; i < n; i++)
			if (hdr_tail_at(ha, a, i) != hdr_tail_at(hb, b, i))
				return false;
		return true;
	}
	a = raw_from(r, ru, &na);
	b = raw_from(s, su, &nb);
	return memcmp(a, b, na < nb ? na : nb) == 0;
}

/* ---- ICMPv6 ---------------------------------------------------------------------------- */

/* Scapy's _ICMPv6.answers, for the classes that keep it: only as the message quoted in an
 * error (under IPerror6), or after an extension header facing another ICMPv6 message,
 * and then the same type and code. (Scapy reads other.type whatever other is; a layer
 * without those fields raises there, false here.) */
bool wc_corr_icmp6_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			   unsigned si, const struct wc_match_opts *o)
{
	const struct wc_proto *under = ri > 0 ? r->l[ri - 1].proto : NULL;
	const struct wc_layer *rl = &r->l[ri], *sl;
	int st, sc;

	(void)o;
	if (!(under == &wc_proto_iperror6 || (is_ext(under) && is_icmp6(corr_proto(s, si)))))
		return false;
	if (si >= s->nlayers)
		return false;
	sl = &s->l[si];
	st = field_at(sl->proto, 0, "type");
	sc = field_at(sl->proto, 1, "code");
	if (st < 0 || sc < 0)
		return false;
	return icmp6_type(rl) == corr_u(sl, st) &&
	       corr_u(rl, field_at(rl->proto, 1, "code")) == corr_u(sl, sc);
}

static unsigned echo_which(const struct wc_proto *p)
{
	return p == &wc_proto_icmp6_echo_reply;
}

/* struct.pack("HH", id, seq) + payload's, for requests and replies. */
unsigned wc_corr_icmp6_echo_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	unsigned w = echo_which(l->proto);

	wc_hr_put_u16(h, (uint16_t)corr_u(l, echo_id[w]));
	wc_hr_put_u16(h, (uint16_t)corr_u(l, echo_seq[w]));
	return li + 1;
}

/* An echo reply answers an echo request (or, ICMPv6EchoReply being a subclass of
 * ICMPv6EchoRequest in Scapy, another reply) with the same id, seq and data. */
bool wc_corr_icmp6_echo_reply_answers(const struct wc_pkt *r, unsigned ri,
				      const struct wc_pkt *s, unsigned si,
				      const struct wc_match_opts *o)
{
	const struct wc_proto *sp = corr_proto(s, si);
	const struct wc_layer *rl = &r->l[ri], *sl;
	const uint8_t *rd, *sd;
	size_t rn, sn;
	unsigned w;

	(void)o;
	if (sp != &wc_proto_icmp6_echo_request && sp != &wc_proto_icmp6_echo_reply)
		return false;
	sl = &s->l[si];
	w = echo_which(sp);
	if (corr_u(rl, echo_id[1]) != corr_u(sl, echo_id[w]) ||
	    corr_u(rl, echo_seq[1]) != corr_u(sl, echo_seq[w]))
		return false;
	rd = corr_b(rl, echo_data[1], &rn);
	sd = corr_b(sl, echo_data[w], &sn);
	return rn == sn && memcmp(rd, sd, rn) == 0;
}

/* "ICMPv6MLQuery in query": a query anywhere in the request from here on. */
bool wc_corr_icmp6_mld_report_answers(const struct wc_pkt *r, unsigned ri,
				      const struct wc_pkt *s, unsigned si,
				      const struct wc_match_opts *o)
{
	(void)r;
	(void)ri;
	(void)o;
	for (unsigned i = si; i < s->nlayers; i++)
		if (s->l[i].proto == &wc_proto_icmp6_mld_query)
			return true;
	return false;
}

/* A router advertisement answers any router solicitation. */
bool wc_corr_icmp6_nd_ra_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
				 unsigned si, const struct wc_match_opts *o)
{
	(void)r;
	(void)ri;
	(void)o;
	return corr_proto(s, si) == &wc_proto_icmp6_nd_rs;
}

/* bytes_encode(self.tgt) + payload's: Scapy hashes the target as text, inet_ntop's. */
unsigned wc_corr_icmp6_nd_tgt_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	char txt[INET6_ADDRSTRLEN];
	int fi = l->proto == &wc_proto_icmp6_nd_na ? na_tgt : ns_tgt;

	if (inet_ntop(AF_INET6, corr_a6(l, fi), txt, sizeof(txt)))
		wc_hr_put(h, txt, strlen(txt));
	return li + 1;
}

/* A neighbor advertisement answers a solicitation for the same target. */
bool wc_corr_icmp6_nd_na_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
				 unsigned si, const struct wc_match_opts *o)
{
	(void)o;
	return corr_proto(s, si) == &wc_proto_icmp6_nd_ns &&
	       eq16(corr_a6(&r->l[ri], na_tgt), corr_a6(&s->l[si], ns_tgt));
}
