/* SPDX-License-Identifier: MIT */
/* Correlation hooks of IPv4 and its transports: IP, TCP, UDP, ICMP and the headers quoted
 * in ICMP errors (IPerror, TCPerror, UDPerror, ICMPerror), as Scapy 2.5's
 * scapy/layers/inet.py defines their hashret() and answers(). */
#include <arpa/inet.h>
#include <stdlib.h>

#include "corr_impl.h"

extern const struct wc_proto wc_proto_ip, wc_proto_iperror, wc_proto_tcp, wc_proto_tcperror,
	wc_proto_udp, wc_proto_udperror, wc_proto_icmp, wc_proto_icmperror, wc_proto_iperror6,
	wc_proto_ipv6_hopbyhop, wc_proto_ipv6_destopt, wc_proto_ipv6_routing,
	wc_proto_ipv6_fragment;

static int ip_id, ip_proto, ip_src, ip_dst;
static int tcp_sport, tcp_dport, tcp_seq, tcp_ack, tcp_flags;
static int udp_sport, udp_dport;
static int icmp_type, icmp_code, icmp_id, icmp_seq;

CORR_INIT resolve(void)
{
	ip_id = corr_idx(&wc_proto_ip, "id");
	ip_proto = corr_idx(&wc_proto_ip, "proto");
	ip_src = corr_idx(&wc_proto_ip, "src");
	ip_dst = corr_idx(&wc_proto_ip, "dst");
	tcp_sport = corr_idx(&wc_proto_tcp, "sport");
	tcp_dport = corr_idx(&wc_proto_tcp, "dport");
	tcp_seq = corr_idx(&wc_proto_tcp, "seq");
	tcp_ack = corr_idx(&wc_proto_tcp, "ack");
	tcp_flags = corr_idx(&wc_proto_tcp, "flags");
	udp_sport = corr_idx(&wc_proto_udp, "sport");
	udp_dport = corr_idx(&wc_proto_udp, "dport");
	icmp_type = corr_idx(&wc_proto_icmp, "type");
	icmp_code = corr_idx(&wc_proto_icmp, "code");
	icmp_id = corr_idx(&wc_proto_icmp, "id");
	icmp_seq = corr_idx(&wc_proto_icmp, "seq");
}

/* isinstance(x, IP), isinstance(x, TCP), ...: the quoted classes are subclasses. */
bool wc_corr_is_ip(const struct wc_proto *p)
{
	return p == &wc_proto_ip || p == &wc_proto_iperror;
}

static bool is_tcp(const struct wc_proto *p)
{
	return p == &wc_proto_tcp || p == &wc_proto_tcperror;
}

static bool is_udp(const struct wc_proto *p)
{
	return p == &wc_proto_udp || p == &wc_proto_udperror;
}

static bool is_icmp(const struct wc_proto *p)
{
	return p == &wc_proto_icmp || p == &wc_proto_icmperror;
}

/* ICMP types that quote the offending datagram (IP.hashret, IP.answers). */
static bool icmp_error_type(uint64_t t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/* Layer li + 1 is an ICMP error (Scapy: proto == 1 and isinstance(self.payload, ICMP) and
 * self.payload.type in [3, 4, 5, 11, 12]). */
static bool icmp_error_follows(const struct wc_pkt *p, unsigned li)
{
	return corr_u(&p->l[li], ip_proto) == 1 && is_icmp(corr_proto(p, li + 1)) &&
	       icmp_error_type(corr_u(&p->l[li + 1], icmp_type));
}

#define MDNS_V4 0xe00000fbu /* 224.0.0.251: Scapy keeps addresses out of mDNS */

/* ---- IP, IPerror --------------------------------------------------------------------- */

/* ICMP errors: the quoted datagram's hash, so that an error hashes as what it quotes.
 * Otherwise strxor(src, dst) + proto + payload's (just proto + payload's when checkIPsrc or
 * checkIPaddr is off, or for mDNS; the payload's alone through IP in IP when checkIPinIP
 * is off). */
unsigned wc_corr_ip_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	uint64_t proto = corr_u(l, ip_proto);
	uint8_t a[4], b[4];

	if (icmp_error_follows(p, li)) {
		h->depth++;
		return li + 2;
	}
	if (h->o->no_check_ipinip && (proto == 4 || proto == 41))
		return li + 1;
	if (corr_u(l, ip_dst) != MDNS_V4 && !h->o->no_check_ipsrc && !h->o->no_check_ipaddr) {
		corr_be32(a, corr_u(l, ip_src));
		corr_be32(b, corr_u(l, ip_dst));
		for (unsigned i = 0; i < 4; i++)
			a[i] ^= b[i];
		wc_hr_put(h, a, 4);
	}
	wc_hr_put_u8(h, (uint8_t)proto);
	return li + 1;
}

bool wc_corr_ip_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	const struct wc_proto *sp = corr_proto(s, si);
	uint64_t rproto = corr_u(rl, ip_proto);

	if (o->no_check_ipinip) {
		/* Skip IP in IP and IPv6 in IP on either side. */
		if (rproto == 4 || rproto == 41)
			return wc_answers_at(r, ri + 1, s, si, o);
		if (wc_corr_is_ip(sp) && (corr_u(&s->l[si], ip_proto) == 4 ||
					  corr_u(&s->l[si], ip_proto) == 41))
			return wc_answers_at(r, ri, s, si + 1, o);
		if (wc_corr_is_ipv6(sp)) {
			uint64_t nh;

			wc_layer_get_u(&s->l[si], "nh", &nh);
			if (nh == 4 || nh == 41)
				return wc_answers_at(r, ri, s, si + 1, o);
		}
	}
	if (!wc_corr_is_ip(sp))
		return false;
	sl = &s->l[si];
	if (!o->no_check_ipaddr) {
		if (corr_u(sl, ip_dst) == MDNS_V4 && corr_u(rl, ip_dst) == MDNS_V4)
			return wc_answers_at(r, ri + 1, s, si + 1, o);
		if (corr_u(rl, ip_dst) != corr_u(sl, ip_src))
			return false;
	}
	/* An ICMP error answers the request it quotes: the quote is compared with it. */
	if (icmp_error_follows(r, ri))
		return wc_answers_at(r, ri + 2, s, si, o);
	if ((!o->no_check_ipaddr && corr_u(rl, ip_src) != corr_u(sl, ip_dst)) ||
	    rproto != corr_u(sl, ip_proto))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* The IP header quoted in an ICMP error is the request's own: same source (checkIPsrc),
 * destination and protocol, and with checkIPID the same id (or its byte swap, for stacks
 * that quote it in host order), then the quoted payload answers the request's payload. */
bool wc_corr_iperror_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			     unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	bool id_ok;

	if (!wc_corr_is_ip(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	if (!o->no_check_ipsrc && corr_u(rl, ip_src) != corr_u(sl, ip_src))
		return false;
	if (corr_u(rl, ip_dst) != corr_u(sl, ip_dst))
		return false;
	id_ok = !o->check_ipid || corr_u(rl, ip_id) == corr_u(sl, ip_id);
	id_ok |= o->check_ipid && corr_u(rl, ip_id) == htons((uint16_t)corr_u(sl, ip_id));
	if (!id_ok || corr_u(rl, ip_proto) != corr_u(sl, ip_proto))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* ---- TCP, TCPerror -------------------------------------------------------------------- */

/* struct.pack("H", sport ^ dport) + payload's (the payload's alone without checkIPsrc). */
unsigned wc_corr_tcp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];

	if (!h->o->no_check_ipsrc)
		wc_hr_put_u16(h, (uint16_t)(corr_u(l, tcp_sport) ^ corr_u(l, tcp_dport)));
	return li + 1;
}

enum { TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_ACK = 16 };

/* len(other.payload) in Scapy: every byte after the TCP header, Padding included (Scapy
 * hangs Padding at the end of the innermost layer). */
static int64_t after_len(const struct wc_pkt *p, unsigned li)
{
	int64_t n = 0;

	for (unsigned i = li + 1; i < p->nlayers; i++)
		n += p->l[i].hlen;
	return n;
}

bool wc_corr_tcp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			 unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	uint64_t rf = corr_u(rl, tcp_flags), sf;
	int64_t rseq = (int64_t)corr_u(rl, tcp_seq), rack = (int64_t)corr_u(rl, tcp_ack);
	bool rst_seq0;

	if (!is_tcp(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	sf = corr_u(sl, tcp_flags);
	if (sf & TH_RST) /* RST packets don't get answers */
		return false;
	if (rf & TH_SYN) {
		/* A SYN answers only as a SYN-ACK, and only a SYN. */
		if (!(rf & TH_ACK) || !(sf & TH_SYN))
			return false;
	}
	if (!o->no_check_ipsrc && (corr_u(rl, tcp_sport) != corr_u(sl, tcp_dport) ||
				   corr_u(rl, tcp_dport) != corr_u(sl, tcp_sport)))
		return false;
	/* The reply's seq follows the request's ack, except after a bare SYN (which acks
	 * nothing). Scapy also applies this to a RST answering a request without ACK, whose
	 * seq is 0 (RFC 793 "If the incoming segment has no ACK field, the reset has sequence
	 * number zero"): with a nonzero ack field in that request, Scapy misses the answer.
	 * wirecraft accepts it unless scapy_gaps. */
	rst_seq0 = !o->scapy_gaps && (rf & TH_RST) && rseq == 0 && !(sf & TH_ACK);
	if (!((sf & TH_SYN) && !(sf & TH_ACK)) && !rst_seq0 &&
	    llabs((int64_t)corr_u(sl, tcp_ack) - rseq) > 2)
		return false;
	/* A RST without ACK says nothing about what it acknowledges. */
	if ((rf & TH_RST) && !(rf & TH_ACK))
		return true;
	return llabs((int64_t)corr_u(sl, tcp_seq) - rack) <= 2 + after_len(s, si);
}

/* The quoted TCP header is the request's: same ports, not swapped (checkIPsrc), and with
 * check_TCPerror_seqack the same seq and ack. */
bool wc_corr_tcperror_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			      unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;

	if (!is_tcp(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	if (!o->no_check_ipsrc && (corr_u(rl, tcp_sport) != corr_u(sl, tcp_sport) ||
				   corr_u(rl, tcp_dport) != corr_u(sl, tcp_dport)))
		return false;
	if (o->check_tcperror_seqack && (corr_u(rl, tcp_seq) != corr_u(sl, tcp_seq) ||
					 corr_u(rl, tcp_ack) != corr_u(sl, tcp_ack)))
		return false;
	return true;
}

/* ---- UDP, UDPerror -------------------------------------------------------------------- */

/* Scapy hashes UDP by its payload alone (ports are not in the key), so a UDP scan of one
 * host from one source has one key. The matcher's index keys narrow that down:
 *  - 'U': a reply's dport is its request's sport (answers() with checkIPsrc), and a
 *    reply with nothing after UDP answers only a request with nothing after UDP but
 *    Padding (Scapy's NoPayload.answers): request (sport, has-payload), reply (dport, 0)
 *    and, when it has a payload (Raw answers anything), (dport, 1);
 *  - 'P': an ICMP error quoting UDP quotes the request's ports (see UDPerror below).
 * Only at depth 0 for requests (what a reply is compared with) and, for 'U', replies: a
 * UDP layer deeper in a reply's hash walk is not what answers() compares. */
unsigned wc_corr_udp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_proto *next = corr_proto(p, li + 1);
	uint8_t k[4];

	if (h->depth != 0)
		return li + 1;
	if (h->role == WC_HR_REQUEST) {
		k[0] = (uint8_t)(corr_u(l, udp_sport) >> 8);
		k[1] = (uint8_t)corr_u(l, udp_sport);
		k[2] = next && next != &wc_proto_padding;
		wc_hr_key(h, 'U', k, 3);
		k[2] = (uint8_t)(corr_u(l, udp_dport) >> 8);
		k[3] = (uint8_t)corr_u(l, udp_dport);
		wc_hr_key(h, 'P', k, 4);
	} else if (h->role == WC_HR_REPLY && !h->o->no_check_ipsrc) {
		k[0] = (uint8_t)(corr_u(l, udp_dport) >> 8);
		k[1] = (uint8_t)corr_u(l, udp_dport);
		k[2] = 0;
		wc_hr_key(h, 'U', k, 3);
		if (next) {
			k[2] = 1;
			wc_hr_key(h, 'U', k, 3);
		}
	}
	return li + 1;
}

static bool ipv6_ext(const struct wc_proto *p)
{
	return p == &wc_proto_ipv6_hopbyhop || p == &wc_proto_ipv6_destopt ||
	       p == &wc_proto_ipv6_routing || p == &wc_proto_ipv6_fragment;
}

/* A UDP header quoted in an ICMP error carries the request's ports: UDPerror.answers
 * compares them under IPerror (with checkIPsrc); IPerror6.answers compares the quoted bytes
 * with the request's, ports first. Keyed only right under the first quote (depth 1), which
 * is what answers() compares with the request. */
unsigned wc_corr_udperror_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];
	unsigned below = li;
	uint8_t k[4];

	if (h->role != WC_HR_REPLY || h->depth != 1)
		return li + 1;
	while (below > 0 && ipv6_ext(p->l[below - 1].proto))
		below--;
	if (h->o->no_check_ipsrc && !(below > 0 && p->l[below - 1].proto == &wc_proto_iperror6))
		return li + 1;
	k[0] = (uint8_t)(corr_u(l, udp_sport) >> 8);
	k[1] = (uint8_t)corr_u(l, udp_sport);
	k[2] = (uint8_t)(corr_u(l, udp_dport) >> 8);
	k[3] = (uint8_t)corr_u(l, udp_dport);
	wc_hr_key(h, 'P', k, 4);
	return li + 1;
}

/* r.dport == s.sport (checkIPsrc; not the other way round), then the payloads answer. */
bool wc_corr_udp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			 unsigned si, const struct wc_match_opts *o)
{
	if (!is_udp(corr_proto(s, si)))
		return false;
	if (!o->no_check_ipsrc && corr_u(&r->l[ri], udp_dport) != corr_u(&s->l[si], udp_sport))
		return false;
	return wc_answers_at(r, ri + 1, s, si + 1, o);
}

/* The quoted UDP header has the request's ports, not swapped (checkIPsrc). */
bool wc_corr_udperror_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			      unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri];

	if (!is_udp(corr_proto(s, si)))
		return false;
	if (!o->no_check_ipsrc && (corr_u(rl, udp_sport) != corr_u(&s->l[si], udp_sport) ||
				   corr_u(rl, udp_dport) != corr_u(&s->l[si], udp_dport)))
		return false;
	return true;
}

/* ---- ICMP, ICMPerror ------------------------------------------------------------------ */

/* Scapy's icmp_id_seq_types: id and seq are in the key. */
static bool id_seq_type(uint64_t t)
{
	return t == 0 || t == 8 || (t >= 13 && t <= 18) || t == 37 || t == 38;
}

unsigned wc_corr_icmp_hashret(const struct wc_pkt *p, unsigned li, struct wc_hr *h)
{
	const struct wc_layer *l = &p->l[li];

	if (id_seq_type(corr_u(l, icmp_type))) {
		wc_hr_put_u16(h, (uint16_t)corr_u(l, icmp_id));
		wc_hr_put_u16(h, (uint16_t)corr_u(l, icmp_seq));
	}
	return li + 1;
}

/* Request/reply type pairs with the same id and seq (types 33-36 have neither field in
 * Scapy, so their defaults, 0, compare equal). The payloads are not compared. */
bool wc_corr_icmp_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			  unsigned si, const struct wc_match_opts *o)
{
	static const uint8_t pairs[][2] = {{8, 0},   {13, 14}, {15, 16}, {17, 18},
					   {33, 34}, {35, 36}, {37, 38}};
	const struct wc_layer *rl = &r->l[ri], *sl;
	uint64_t rt = corr_u(rl, icmp_type), st;

	(void)o;
	if (!is_icmp(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	st = corr_u(sl, icmp_type);
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (st == pairs[i][0] && rt == pairs[i][1])
			return corr_u(rl, icmp_id) == corr_u(sl, icmp_id) &&
			       corr_u(rl, icmp_seq) == corr_u(sl, icmp_seq);
	return false;
}

/* The quoted ICMP header is the request's: same type and code, and same id and seq when
 * the *code* is one of Scapy's list [0, 8, 13, 14, 17, 18] (Scapy tests the code where the
 * type was meant; kept, since echo requests have code 0 anyway). */
bool wc_corr_icmperror_answers(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s,
			       unsigned si, const struct wc_match_opts *o)
{
	const struct wc_layer *rl = &r->l[ri], *sl;
	uint64_t code = corr_u(rl, icmp_code);

	(void)o;
	if (!is_icmp(corr_proto(s, si)))
		return false;
	sl = &s->l[si];
	if (corr_u(rl, icmp_type) != corr_u(sl, icmp_type) || code != corr_u(sl, icmp_code))
		return false;
	if (code == 0 || code == 8 || code == 13 || code == 14 || code == 17 || code == 18)
		return corr_u(rl, icmp_id) == corr_u(sl, icmp_id) &&
		       corr_u(rl, icmp_seq) == corr_u(sl, icmp_seq);
	return true;
}
