/* SPDX-License-Identifier: MIT */
/* DNS (Scapy 2.5's DNS, DNSQR, DNSRR, DNSRRMX, DNSRRSOA, DNSRRSRV, DNSRROPT).
 *
 * Records are not layers of the packet: as in Scapy, DNS's qd, an, ns and ar are fields
 * that hold packets (DNSQR()/DNSQR(), DNSRR()/DNSRR()). Here such a field is a
 * WC_K_RRLIST: its value is the records' bytes, so building, packet sets and templates
 * treat it like any byte string (a set of records is a set of byte strings, one per
 * sub-packet, which is also how Scapy iterates a packet-valued field). The expression
 * parser builds those bytes from the records' own layers (DNSQR, DNSRR... are protocols
 * with field tables of their own); the views read them back as sub-layers through
 * `expand`, which decompresses names into a self-contained copy and dissects that.
 *
 * Dissection is bounded: names are walked in place for their size, and decompressed
 * (wc_dns_expand: no pointer followed twice, at most WC_DNS_MAX_HOPS, never outside the
 * message) to validate them; a bad name marks the DNS layer malformed. */
#include <errno.h>
#include <string.h>

#include "dnsname.h"
#include "corr.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_proto wc_proto_tcp, wc_proto_tcperror;
extern const struct wc_proto wc_proto_dns, wc_proto_dnsqr, wc_proto_dnsrr, wc_proto_dnsrrmx,
	wc_proto_dnsrrsoa, wc_proto_dnsrrsrv, wc_proto_dnsrropt;

/* ---- names of values -------------------------------------------------------------------- */

static const struct wc_name dns_opcodes[] = {
	{0, "QUERY"}, {1, "IQUERY"}, {2, "STATUS"}, {0, NULL},
};
static const struct wc_name dns_rcodes[] = {
	{0, "ok"}, {1, "format-error"}, {2, "server-failure"}, {3, "name-error"},
	{4, "not-implemented"}, {5, "refused"}, {0, NULL},
};

#define DNSTYPES                                                                           \
	{0, "ANY"}, {1, "A"}, {2, "NS"}, {3, "MD"}, {4, "MF"}, {5, "CNAME"}, {6, "SOA"},    \
	{7, "MB"}, {8, "MG"}, {9, "MR"}, {10, "NULL"}, {11, "WKS"}, {12, "PTR"},            \
	{13, "HINFO"}, {14, "MINFO"}, {15, "MX"}, {16, "TXT"}, {17, "RP"}, {18, "AFSDB"},   \
	{19, "X25"}, {20, "ISDN"}, {21, "RT"}, {22, "NSAP"}, {23, "NSAP-PTR"}, {24, "SIG"}, \
	{25, "KEY"}, {26, "PX"}, {27, "GPOS"}, {28, "AAAA"}, {29, "LOC"}, {30, "NXT"},      \
	{31, "EID"}, {32, "NIMLOC"}, {33, "SRV"}, {34, "ATMA"}, {35, "NAPTR"}, {36, "KX"},  \
	{37, "CERT"}, {38, "A6"}, {39, "DNAME"}, {40, "SINK"}, {41, "OPT"}, {42, "APL"},    \
	{43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"}, {46, "RRSIG"}, {47, "NSEC"},           \
	{48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"}, {51, "NSEC3PARAM"}, {52, "TLSA"},     \
	{53, "SMIMEA"}, {55, "HIP"}, {56, "NINFO"}, {57, "RKEY"}, {58, "TALINK"},           \
	{59, "CDS"}, {60, "CDNSKEY"}, {61, "OPENPGPKEY"}, {62, "CSYNC"}, {63, "ZONEMD"},    \
	{64, "SVCB"}, {65, "HTTPS"}, {99, "SPF"}, {100, "UINFO"}, {101, "UID"},             \
	{102, "GID"}, {103, "UNSPEC"}, {104, "NID"}, {105, "L32"}, {106, "L64"},            \
	{107, "LP"}, {108, "EUI48"}, {109, "EUI64"}, {249, "TKEY"}, {250, "TSIG"},          \
	{256, "URI"}, {257, "CAA"}, {258, "AVC"}, {259, "DOA"}, {260, "AMTRELAY"},          \
	{32768, "TA"}, {32769, "DLV"}, {65535, "RESERVED"}

/* Scapy's dnstypes, and dnsqtypes (the same plus the query-only types). */
static const struct wc_name dns_types[] = {DNSTYPES, {0, NULL}};
static const struct wc_name dns_qtypes[] = {
	DNSTYPES, {251, "IXFR"}, {252, "AXFR"}, {253, "MAILB"}, {254, "MAILA"}, {255, "ALL"},
	{0, NULL},
};
static const struct wc_name dns_classes[] = {
	{1, "IN"}, {2, "CS"}, {3, "CH"}, {4, "HS"}, {255, "ANY"}, {0, NULL},
};
static const struct wc_name dns_opt_z[] = {{32768, "D0"}, {0, NULL}};

/* ---- the message: where it starts, how its records are laid out ------------------------ */

enum { F_LENGTH, F_ID, F_QR, F_OPCODE, F_AA, F_TC, F_RD, F_RA, F_Z, F_AD, F_CD, F_RCODE,
       F_QDCOUNT, F_ANCOUNT, F_NSCOUNT, F_ARCOUNT, F_QD, F_AN, F_NS, F_AR, F_NFIELDS };

/* Scapy: ConditionalField(length, isinstance(underlayer, TCP)); TCPerror is a TCP. */
static bool over_tcp(const struct wc_layer *l)
{
	return l->below == &wc_proto_tcp || l->below == &wc_proto_tcperror;
}

static unsigned lenfield(const struct wc_layer *l)
{
	return (l->here & (1u << F_LENGTH)) ? 2 : 0;
}

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Where a record's rdata holds names, as Scapy's classes read them: `pre` fixed bytes,
 * then `names` names, then the rest as is. */
static void rdata_names(uint16_t type, unsigned *pre, unsigned *names)
{
	*pre = 0;
	*names = 0;
	switch (type) {
	case 2: case 3: case 4: case 5: case 12: /* NS, MD, MF, CNAME, PTR: DNSRR's rdata */
		*names = 1;
		break;
	case 6: /* SOA: mname, rname */
		*names = 2;
		break;
	case 15: /* MX: preference, exchange */
		*pre = 2;
		*names = 1;
		break;
	case 33: /* SRV: priority, weight, port, target */
		*pre = 6;
		*names = 1;
		break;
	default:
		break;
	}
}

/* Walks one list's records in the message. With `out`, writes a self-contained copy
 * (names decompressed, rdlen adjusted) there. */
struct walk {
	const uint8_t *msg;
	size_t mlen, pos, end; /* the list's bytes: msg[pos..end) */
	unsigned why;          /* WC_DN_* of every name seen */
	bool cut;              /* a record ran past the end */
	uint8_t *out;
	size_t o, cap;
	uint32_t ptr_rdata;    /* records (< 32) whose rdata had a compressed name */
};

static bool put(struct walk *w, const void *b, size_t n)
{
	if (!w->out)
		return true;
	if (w->o + n > w->cap)
		return false;
	memcpy(w->out + w->o, b, n);
	w->o += n;
	return true;
}

/* A name at msg[*at]: validated (and copied decompressed); *at moves past it in place. */
static bool walk_name(struct walk *w, size_t *at, unsigned *why)
{
	uint8_t name[WC_DNS_NAME_MAX + 1];
	size_t nlen;

	*at = wc_dns_expand(w->msg, w->mlen, *at, name, &nlen, why);
	w->why |= *why;
	return put(w, name, nlen);
}

/* One record at w->pos (a question when q). Returns false when it does not fit. */
static bool walk_record(struct walk *w, bool q, unsigned idx)
{
	size_t at = w->pos, rd, rdend, rstart = 0;
	unsigned why, pre, names;
	uint16_t type, rdlen;
	uint8_t fixed[10];

	if (wc_dns_name_span(w->msg + at, w->end - at) > w->end - at)
		return false;
	if (!walk_name(w, &at, &why))
		return false;
	if (at + (q ? 4 : 10) > w->end)
		return false;
	if (q) {
		w->pos = at + 4;
		return put(w, w->msg + at, 4);
	}
	memcpy(fixed, w->msg + at, 10);
	type = be16(fixed);
	rdlen = be16(fixed + 8);
	rd = at + 10;
	if (rdlen > w->end - rd)
		return false;
	rdend = rd + rdlen;
	w->pos = rdend;
	if (w->out) {
		rstart = w->o + 10;
		if (!put(w, fixed, 10))
			return false;
	}
	rdata_names(type, &pre, &names);
	if (names && pre <= rdlen) {
		unsigned ptr = 0;

		if (!put(w, w->msg + rd, pre))
			return false;
		at = rd + pre;
		for (unsigned k = 0; k < names; k++) {
			if (!walk_name(w, &at, &why))
				return false;
			ptr |= why & WC_DN_PTR;
		}
		if (ptr && idx < 32)
			w->ptr_rdata |= 1u << idx;
		if (at < rdend && !put(w, w->msg + at, rdend - at))
			return false;
	} else if (!put(w, w->msg + rd, rdlen)) {
		return false;
	}
	if (w->out) {
		size_t n = w->o - rstart;

		w->out[rstart - 2] = (uint8_t)(n >> 8);
		w->out[rstart - 1] = (uint8_t)n;
	}
	return true;
}

static unsigned list_count_field(unsigned fi)
{
	return F_QDCOUNT + (fi - F_QD);
}

/* Dissection: the list takes `count` records from here. Bad names mark the layer. */
static size_t list_dlen(struct wc_layer *l, const uint8_t *hdr, size_t off, size_t avail,
			unsigned fi)
{
	unsigned lf = lenfield(l);
	uint64_t count = l->v[list_count_field(fi)].u;
	struct walk w = {.msg = hdr + lf, .mlen = off - lf + avail, .pos = off - lf,
			 .end = off - lf + avail};

	/* The header alone: Scapy stops there, with a DNS layer (its records unread). A
	 * count larger than the bytes after the header: Scapy takes no record for it (and
	 * reads the next list from the same place, as here). */
	if ((fi == F_QD && avail == 0) || count > w.mlen - 12)
		return 0;
	for (uint64_t i = 0; i < count; i++)
		if (!walk_record(&w, fi == F_QD, (unsigned)i)) {
			/* Records cut short: Scapy's struct.unpack raises and the whole
			 * message is Raw (dns_payload_len says so); a cut question does
			 * not raise there: the layer stays, marked. */
			l->status = fi == F_QD ? WC_LS_MALFORMED : WC_LS_TRUNCATED;
			return avail;
		}
	if (w.why & WC_DN_BAD)
		l->status = WC_LS_MALFORMED;
	return w.pos - (off - lf);
}

static size_t qd_dlen(struct wc_layer *l, const uint8_t *h, size_t off, size_t avail)
{
	return list_dlen(l, h, off, avail, F_QD);
}
static size_t an_dlen(struct wc_layer *l, const uint8_t *h, size_t off, size_t avail)
{
	return list_dlen(l, h, off, avail, F_AN);
}
static size_t ns_dlen(struct wc_layer *l, const uint8_t *h, size_t off, size_t avail)
{
	return list_dlen(l, h, off, avail, F_NS);
}
static size_t ar_dlen(struct wc_layer *l, const uint8_t *h, size_t off, size_t avail)
{
	return list_dlen(l, h, off, avail, F_AR);
}

/* The message's bytes in p: from after the TCP length to the end of the layer's data. */
static const uint8_t *message(const struct wc_pkt *p, const struct wc_layer *l, size_t *mlen)
{
	size_t start = (size_t)l->off + lenfield(l);
	size_t end = (size_t)l->off + l->hlen + l->plen;

	if (end > p->len)
		end = p->len;
	*mlen = end > start ? end - start : 0;
	return p->buf + start;
}

static int list_expand(const struct wc_pkt *p, unsigned li, unsigned fi, uint8_t *out,
		       size_t cap, struct wc_pkt *sub)
{
	const struct wc_layer *l = &p->l[li];
	struct walk w = {.out = out, .cap = cap};
	uint64_t count = l->v[list_count_field(fi)].u;
	unsigned i;
	int bad = 0;

	w.msg = message(p, l, &w.mlen);
	w.pos = l->boff[fi] / 8 - lenfield(l);
	w.end = w.pos + l->v[fi].blen;
	if (w.end > w.mlen) {
		w.end = w.mlen;
		bad = 1;
	}
	if (w.pos > w.end)
		w.pos = w.end;
	/* Records past the layer slots of one sub-packet are not expanded. */
	for (i = 0; i < count && i < WC_MAX_LAYERS - 1 && w.pos < w.end; i++)
		if (!walk_record(&w, fi == F_QD, i)) {
			bad = 1;
			break;
		}
	if (i < count && w.pos >= w.end)
		bad = 1; /* fewer records than the count says */
	if (w.why & WC_DN_BAD)
		bad = 1;
	wc_dissect(sub, out, w.o, fi == F_QD ? &wc_proto_dnsqr : &wc_proto_dnsrr);
	/* Scapy deletes rdlen from a record whose rdata name was compressed: it is then
	 * computed again, not a dissected value. */
	for (unsigned j = 0; j < sub->nlayers && j < 32; j++) {
		int rf = wc_field_index(sub->l[j].proto, "rdlen");

		if ((w.ptr_rdata >> j & 1) && rf >= 0)
			sub->l[j].here &= ~(1u << rf);
	}
	return bad;
}

static bool is_record(const struct wc_proto *p)
{
	return p == &wc_proto_dnsqr || p == &wc_proto_dnsrr || p == &wc_proto_dnsrrmx ||
	       p == &wc_proto_dnsrrsoa || p == &wc_proto_dnsrrsrv || p == &wc_proto_dnsrropt;
}

static const struct wc_sublist dns_records = {.expand = list_expand, .accepts = is_record};

/* The default question: DNSQR() as Scapy builds it. */
#define WWW_EXAMPLE_COM 3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0
static const uint8_t default_qd[] = {WWW_EXAMPLE_COM, 0, 1, 0, 1};

/* Over TCP, Scapy's pre_dissect refuses a length under 14 or past the bytes: Raw. So
 * does a message whose records run past its end. */
static size_t dns_payload_len(const struct wc_layer *l, size_t avail)
{
	if (l->status == WC_LS_TRUNCATED && (l->here & (1u << F_QD)))
		return WC_PAYLOAD_FAIL; /* a record list ran past the bytes (list_dlen) */
	if (lenfield(l)) {
		uint64_t len = l->v[F_LENGTH].u;

		/* (hlen is not known yet: the header ends where ar ends) */
		size_t hdr = (l->here & (1u << F_AR)) ? l->boff[F_AR] / 8 + l->v[F_AR].blen : 2;

		if (len < 14 || len > hdr + avail)
			return WC_PAYLOAD_FAIL;
	}
	return avail;
}

static bool has_length(const struct wc_layer *l)
{
	return over_tcp(l);
}

static const struct wc_field dns_fields[] = {
	[F_LENGTH] = {.name = "length", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO,
		      .present = has_length},
	[F_ID] = {.name = "id", .kind = WC_K_UINT, .bits = 16},
	[F_QR] = {.name = "qr", .kind = WC_K_UINT, .bits = 1},
	[F_OPCODE] = {.name = "opcode", .kind = WC_K_ENUM, .bits = 4, .names = dns_opcodes},
	[F_AA] = {.name = "aa", .kind = WC_K_UINT, .bits = 1},
	[F_TC] = {.name = "tc", .kind = WC_K_UINT, .bits = 1},
	[F_RD] = {.name = "rd", .kind = WC_K_UINT, .bits = 1, .def = 1},
	[F_RA] = {.name = "ra", .kind = WC_K_UINT, .bits = 1},
	[F_Z] = {.name = "z", .kind = WC_K_UINT, .bits = 1},
	[F_AD] = {.name = "ad", .kind = WC_K_UINT, .bits = 1},
	[F_CD] = {.name = "cd", .kind = WC_K_UINT, .bits = 1},
	[F_RCODE] = {.name = "rcode", .kind = WC_K_ENUM, .bits = 4, .names = dns_rcodes},
	[F_QDCOUNT] = {.name = "qdcount", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	[F_ANCOUNT] = {.name = "ancount", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	[F_NSCOUNT] = {.name = "nscount", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	[F_ARCOUNT] = {.name = "arcount", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	/* qd's default is a packet (DNSQR()), which Scapy keeps in every DNS's fields: a set
	 * of questions varies fastest (WC_FF_LIST). */
	[F_QD] = {.name = "qd", .kind = WC_K_RRLIST, .flags = WC_FF_LIST, .def_bytes = default_qd,
		  .def_len = sizeof(default_qd), .dlen_at = qd_dlen, .sub = &dns_records},
	[F_AN] = {.name = "an", .kind = WC_K_RRLIST, .dlen_at = an_dlen, .sub = &dns_records},
	[F_NS] = {.name = "ns", .kind = WC_K_RRLIST, .dlen_at = ns_dlen, .sub = &dns_records},
	[F_AR] = {.name = "ar", .kind = WC_K_RRLIST, .dlen_at = ar_dlen, .sub = &dns_records},
};

/* Records in a built list (built records hold no pointers). */
static unsigned count_records(const uint8_t *b, size_t n, bool q)
{
	struct walk w = {.msg = b, .mlen = n, .pos = 0, .end = n};
	unsigned c = 0;

	while (w.pos < n && walk_record(&w, q, c))
		c++;
	return c;
}

/* Counts from the lists, then the TCP length: Scapy's DNSRRCountField and post_build. */
static int dns_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	for (unsigned fi = F_QD; fi <= F_AR; fi++) {
		unsigned cf = list_count_field(fi);

		if (l->set & (1u << cf))
			continue;
		l->v[cf].u = count_records(l->v[fi].b, l->v[fi].blen, fi == F_QD);
		wc_pkt_put_field(p, li, cf, &l->v[cf]);
	}
	if ((l->here & (1u << F_LENGTH)) && !(l->set & (1u << F_LENGTH))) {
		l->v[F_LENGTH].u = (l->hlen + l->plen - 2) & 0xffff;
		wc_pkt_put_field(p, li, F_LENGTH, &l->v[F_LENGTH]);
	}
	return 0;
}

/* Scapy's mysummary: 'DNS Qry "b'example.com.'" ' and 'DNS Ans "192.0.2.1" ', with the
 * first question's name or the first answer's rdata (only when that answer is a DNSRR). */
static int dns_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	bool ans = l->v[F_QR].u != 0;
	unsigned fi = ans ? F_AN : F_QD;
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, ans ? "DNS Ans" : "DNS Qry");
	if (l->v[list_count_field(fi)].u > 0 && (l->here & (1u << fi)) && l->v[fi].blen) {
		const struct wc_pkt *sub = wc_sub_expand(p, li, fi, NULL);

		if (sub && sub->nlayers &&
		    sub->l[0].proto == (ans ? &wc_proto_dnsrr : &wc_proto_dnsqr)) {
			const struct wc_layer *r = &sub->l[0];
			int vf = -1;

			for (unsigned k = 0; k < r->proto->nfields; k++)
				if ((r->here & (1u << k)) &&
				    !strcmp(r->proto->fields[k].name, ans ? "rdata" : "qname"))
					vf = (int)k;
			if (vf >= 0) {
				wc_sb_puts(&sb, " \"");
				wc_sb_pyvalue(&sb, r, (unsigned)vf);
				wc_sb_putc(&sb, '"');
			}
		}
	}
	wc_sb_putc(&sb, ' ');
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_dns = {
	.name = "DNS",
	.title = "DNS",
	.fields = dns_fields,
	.nfields = F_NFIELDS,
	.payload_len = dns_payload_len,
	.post_build = dns_post_build,
	.summary = dns_summary,
	.answers = wc_corr_dns_answers,
};

/* ---- the records ------------------------------------------------------------------------- */

static size_t name_dlen(struct wc_layer *l, const uint8_t *hdr, size_t off, size_t avail)
{
	(void)l;
	return wc_dns_name_span(hdr + off, avail);
}

static const uint8_t root_name[] = {0};
static const uint8_t default_qname[] = {WWW_EXAMPLE_COM};

/* Records chain as Scapy's payloads: a question after a question, a record after a record
 * (of the class its type picks). */
static const struct wc_proto *next_question(const struct wc_layer *l, const uint8_t *b,
					    size_t n)
{
	(void)l;
	(void)b;
	(void)n;
	return &wc_proto_dnsqr;
}

static const struct wc_proto *next_record(const struct wc_layer *l, const uint8_t *b,
					  size_t n)
{
	(void)l;
	(void)b;
	(void)n;
	return &wc_proto_dnsrr;
}

/* Scapy's DNSRR_DISPATCHER, for the classes wirecraft has (the DNSSEC ones read as
 * DNSRR with raw rdata). */
static const struct wc_proto *rr_dispatch(const uint8_t *b, size_t n)
{
	size_t s = wc_dns_name_span(b, n);

	if (s + 2 > n)
		return &wc_proto_dnsrr;
	switch (be16(b + s)) {
	case 6:
		return &wc_proto_dnsrrsoa;
	case 15:
		return &wc_proto_dnsrrmx;
	case 33:
		return &wc_proto_dnsrrsrv;
	case 41:
		return &wc_proto_dnsrropt;
	default:
		return &wc_proto_dnsrr;
	}
}

enum { Q_QNAME, Q_QTYPE, Q_QCLASS };

static const struct wc_field dnsqr_fields[] = {
	[Q_QNAME] = {.name = "qname", .kind = WC_K_DNSNAME, .flags = WC_FF_DOT_ROOT, .def_bytes = default_qname,
		     .def_len = sizeof(default_qname), .dlen_at = name_dlen},
	[Q_QTYPE] = {.name = "qtype", .kind = WC_K_ENUM, .bits = 16, .def = 1, .names = dns_qtypes},
	[Q_QCLASS] = {.name = "qclass", .kind = WC_K_ENUM, .bits = 16, .def = 1,
		      .names = dns_classes},
};

const struct wc_proto wc_proto_dnsqr = {
	.name = "DNSQR",
	.title = "DNS Question Record",
	.fields = dnsqr_fields,
	.nfields = sizeof(dnsqr_fields) / sizeof(dnsqr_fields[0]),
	.guess = next_question,
	.show_flat = true,
};

/* The fields every resource record starts with. */
enum { R_RRNAME, R_TYPE, R_RCLASS, R_TTL, R_RDLEN, R_DATA };

#define RR_HEAD(deftype)                                                                    \
	[R_RRNAME] = {.name = "rrname", .kind = WC_K_DNSNAME, .flags = WC_FF_DOT_ROOT,       \
		      .def_bytes = root_name,                                                \
		      .def_len = 1, .dlen_at = name_dlen},                                   \
	[R_TYPE] = {.name = "type", .kind = WC_K_ENUM, .bits = 16, .def = (deftype),         \
		    .names = dns_types},                                                     \
	[R_RCLASS] = {.name = "rclass", .kind = WC_K_ENUM, .bits = 16, .def = 1,             \
		      .names = dns_classes},                                                 \
	[R_TTL] = {.name = "ttl", .kind = WC_K_UINT, .bits = 32},                            \
	[R_RDLEN] = {.name = "rdlen", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO}

/* rdlen: the bytes after it in this record (Scapy's FieldLenField on rdata, and
 * _DNSRRdummy.post_build for the others). */
static int rr_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	size_t after = l->boff[R_RDLEN] / 8 + 2;

	if (!(l->set & (1u << R_RDLEN)) && (l->here & (1u << R_RDLEN))) {
		l->v[R_RDLEN].u = (l->hlen - after) & 0xffff;
		wc_pkt_put_field(p, li, R_RDLEN, &l->v[R_RDLEN]);
	}
	return 0;
}

static size_t rdlen_dlen(const struct wc_layer *l, size_t avail)
{
	return l->v[R_RDLEN].u < avail ? (size_t)l->v[R_RDLEN].u : avail;
}

static size_t rdata_name_dlen(struct wc_layer *l, const uint8_t *hdr, size_t off, size_t avail)
{
	(void)hdr;
	(void)off;
	return rdlen_dlen(l, avail);
}

static uint64_t rr_type(const struct wc_layer *l)
{
	return l->v[R_TYPE].u;
}
static bool rd_a(const struct wc_layer *l)
{
	return rr_type(l) == 1;
}
static bool rd_aaaa(const struct wc_layer *l)
{
	return rr_type(l) == 28;
}
static bool rd_name(const struct wc_layer *l)
{
	uint64_t t = rr_type(l);

	return t == 2 || t == 3 || t == 4 || t == 5 || t == 12;
}
static bool rd_txt(const struct wc_layer *l)
{
	return rr_type(l) == 16;
}
static bool rd_raw(const struct wc_layer *l)
{
	return !rd_a(l) && !rd_aaaa(l) && !rd_name(l) && !rd_txt(l);
}

static const uint8_t ip6_any[16];

/* DNSRR's rdata is Scapy's MultipleTypeField: one entry per type, picked by `type`. */
static const struct wc_field dnsrr_fields[] = {
	RR_HEAD(1),
	[R_DATA] = {.name = "rdata", .kind = WC_K_IPV4, .bits = 32, .present = rd_a},
	[R_DATA + 1] = {.name = "rdata", .kind = WC_K_IPV6, .bits = 128, .def_bytes = ip6_any,
			.present = rd_aaaa},
	[R_DATA + 2] = {.name = "rdata", .kind = WC_K_DNSNAME, .def_bytes = root_name,
			.def_len = 1, .present = rd_name, .dlen_at = rdata_name_dlen},
	[R_DATA + 3] = {.name = "rdata", .kind = WC_K_DNSTXT, .present = rd_txt,
			.dlen = rdlen_dlen},
	[R_DATA + 4] = {.name = "rdata", .kind = WC_K_BYTES, .present = rd_raw,
			.dlen = rdlen_dlen},
};

const struct wc_proto wc_proto_dnsrr = {
	.name = "DNSRR",
	.title = "DNS Resource Record",
	.fields = dnsrr_fields,
	.nfields = sizeof(dnsrr_fields) / sizeof(dnsrr_fields[0]),
	.dispatch = rr_dispatch,
	.guess = next_record,
	.post_build = rr_post_build,
	.show_flat = true,
};

static const struct wc_field dnsrrmx_fields[] = {
	RR_HEAD(6), /* Scapy 2.5's DNSRRMX defaults to type 6 (SOA), as it is */
	[R_DATA] = {.name = "preference", .kind = WC_K_UINT, .bits = 16},
	[R_DATA + 1] = {.name = "exchange", .kind = WC_K_DNSNAME, .def_bytes = root_name,
			.def_len = 1, .dlen_at = name_dlen},
};

const struct wc_proto wc_proto_dnsrrmx = {
	.name = "DNSRRMX",
	.title = "DNS MX Resource Record",
	.fields = dnsrrmx_fields,
	.nfields = sizeof(dnsrrmx_fields) / sizeof(dnsrrmx_fields[0]),
	.guess = next_record,
	.post_build = rr_post_build,
};

static const struct wc_field dnsrrsoa_fields[] = {
	RR_HEAD(6),
	[R_DATA] = {.name = "mname", .kind = WC_K_DNSNAME, .def_bytes = root_name, .def_len = 1,
		    .dlen_at = name_dlen},
	[R_DATA + 1] = {.name = "rname", .kind = WC_K_DNSNAME, .def_bytes = root_name,
			.def_len = 1, .dlen_at = name_dlen},
	[R_DATA + 2] = {.name = "serial", .kind = WC_K_UINT, .bits = 32},
	[R_DATA + 3] = {.name = "refresh", .kind = WC_K_UINT, .bits = 32},
	[R_DATA + 4] = {.name = "retry", .kind = WC_K_UINT, .bits = 32},
	[R_DATA + 5] = {.name = "expire", .kind = WC_K_UINT, .bits = 32},
	[R_DATA + 6] = {.name = "minimum", .kind = WC_K_UINT, .bits = 32},
};

const struct wc_proto wc_proto_dnsrrsoa = {
	.name = "DNSRRSOA",
	.title = "DNS SOA Resource Record",
	.fields = dnsrrsoa_fields,
	.nfields = sizeof(dnsrrsoa_fields) / sizeof(dnsrrsoa_fields[0]),
	.guess = next_record,
	.post_build = rr_post_build,
};

static const struct wc_field dnsrrsrv_fields[] = {
	RR_HEAD(33),
	[R_DATA] = {.name = "priority", .kind = WC_K_UINT, .bits = 16},
	[R_DATA + 1] = {.name = "weight", .kind = WC_K_UINT, .bits = 16},
	[R_DATA + 2] = {.name = "port", .kind = WC_K_UINT, .bits = 16},
	[R_DATA + 3] = {.name = "target", .kind = WC_K_DNSNAME, .def_bytes = root_name,
			.def_len = 1, .dlen_at = name_dlen},
};

const struct wc_proto wc_proto_dnsrrsrv = {
	.name = "DNSRRSRV",
	.title = "DNS SRV Resource Record",
	.fields = dnsrrsrv_fields,
	.nfields = sizeof(dnsrrsrv_fields) / sizeof(dnsrrsrv_fields[0]),
	.guess = next_record,
	.post_build = rr_post_build,
};

/* EDNS0 (RFC 6891): the class is the UDP payload size, the TTL holds extended rcode,
 * version and flags. Its options (Scapy's EDNS0TLV list) are kept as bytes. */
enum { O_RRNAME, O_TYPE, O_RCLASS, O_EXTRCODE, O_VERSION, O_Z, O_RDLEN, O_RDATA };

static size_t opt_rdlen(const struct wc_layer *l, size_t avail)
{
	return l->v[O_RDLEN].u < avail ? (size_t)l->v[O_RDLEN].u : avail;
}

static int opt_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << O_RDLEN))) {
		l->v[O_RDLEN].u = l->v[O_RDATA].blen & 0xffff;
		wc_pkt_put_field(p, li, O_RDLEN, &l->v[O_RDLEN]);
	}
	return 0;
}

static const struct wc_field dnsrropt_fields[] = {
	[O_RRNAME] = {.name = "rrname", .kind = WC_K_DNSNAME, .flags = WC_FF_DOT_ROOT,
		      .def_bytes = root_name,
		      .def_len = 1, .dlen_at = name_dlen},
	[O_TYPE] = {.name = "type", .kind = WC_K_ENUM, .bits = 16, .def = 41, .names = dns_types},
	[O_RCLASS] = {.name = "rclass", .kind = WC_K_UINT, .bits = 16, .def = 4096},
	[O_EXTRCODE] = {.name = "extrcode", .kind = WC_K_UINT, .bits = 8},
	[O_VERSION] = {.name = "version", .kind = WC_K_UINT, .bits = 8},
	[O_Z] = {.name = "z", .kind = WC_K_ENUM, .bits = 16, .def = 32768, .names = dns_opt_z},
	[O_RDLEN] = {.name = "rdlen", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	[O_RDATA] = {.name = "rdata", .kind = WC_K_BYTES, .flags = WC_FF_LIST, .dlen = opt_rdlen},
};

const struct wc_proto wc_proto_dnsrropt = {
	.name = "DNSRROPT",
	.title = "DNS OPT Resource Record",
	.fields = dnsrropt_fields,
	.nfields = sizeof(dnsrropt_fields) / sizeof(dnsrropt_fields[0]),
	.guess = next_record,
	.post_build = opt_post_build,
};
