/* SPDX-License-Identifier: MIT */
/* ICMP (Scapy's ICMP) and the same header quoted inside an ICMP error (ICMPerror).
 *
 * Scapy 2.5 has one ICMP class whose fields after the checksum depend on the type
 * (ConditionalField and one MultipleTypeField), so the table below is that class, field for
 * field; the `present` hooks are its conditions. Header sizes that follow (checked with
 * `len(ICMP(type=t))`): 8 bytes for every type but 13/14 (20: id, seq, three timestamps),
 * 17/18 (12: id, seq, addr_mask) and 37/38 (12: id, seq and a 4-byte `unused`). */
#include <time.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_proto wc_proto_ip, wc_proto_iperror;

enum { F_TYPE, F_CODE, F_CHKSUM, F_ID, F_SEQ, F_TS_ORI, F_TS_RX, F_TS_TX, F_GW, F_PTR,
       F_RESERVED, F_LENGTH, F_ADDR_MASK, F_NEXTHOPMTU, F_UNUSED_INT, F_UNUSED_SHORT,
       F_UNUSED_NONE };

/* Scapy's icmptypes. */
static const struct wc_name icmp_types[] = {
	{0, "echo-reply"}, {3, "dest-unreach"}, {4, "source-quench"}, {5, "redirect"},
	{8, "echo-request"}, {9, "router-advertisement"}, {10, "router-solicitation"},
	{11, "time-exceeded"}, {12, "parameter-problem"}, {13, "timestamp-request"},
	{14, "timestamp-reply"}, {15, "information-request"}, {16, "information-response"},
	{17, "address-mask-request"}, {18, "address-mask-reply"}, {30, "traceroute"},
	{31, "datagram-conversion-error"}, {32, "mobile-host-redirect"},
	{33, "ipv6-where-are-you"}, {34, "ipv6-i-am-here"}, {35, "mobile-registration-request"},
	{36, "mobile-registration-reply"}, {37, "domain-name-request"},
	{38, "domain-name-reply"}, {39, "skip"}, {40, "photuris"}, {0, NULL},
};

/* Scapy's icmpcodes, per type. Every name is unique across types, so a name alone says
 * which code it is (Scapy accepts ICMP(type=5, code="port-unreachable") too: code 3); a
 * value does not (code 3 is port-unreachable under 3, TOS-host-redirect under 5), hence
 * names_for for showing. */
#define UNREACH_CODES                                                                       \
	{0, "network-unreachable"}, {1, "host-unreachable"}, {2, "protocol-unreachable"},      \
	{3, "port-unreachable"}, {4, "fragmentation-needed"}, {5, "source-route-failed"},      \
	{6, "network-unknown"}, {7, "host-unknown"}, {9, "network-prohibited"},                 \
	{10, "host-prohibited"}, {11, "TOS-network-unreachable"},                               \
	{12, "TOS-host-unreachable"}, {13, "communication-prohibited"},                         \
	{14, "host-precedence-violation"}, {15, "precedence-cutoff"}
#define REDIRECT_CODES                                                                      \
	{0, "network-redirect"}, {1, "host-redirect"}, {2, "TOS-network-redirect"},            \
	{3, "TOS-host-redirect"}
#define TIME_EXCEEDED_CODES {0, "ttl-zero-during-transit"}, {1, "ttl-zero-during-reassembly"}
#define PARAM_PROBLEM_CODES {0, "ip-header-bad"}, {1, "required-option-missing"}
#define PHOTURIS_CODES                                                                      \
	{0, "bad-spi"}, {1, "authentication-failed"}, {2, "decompression-failed"},             \
	{3, "decryption-failed"}, {4, "need-authentification"}, {5, "need-authorization"}

static const struct wc_name unreach_codes[] = {UNREACH_CODES, {0, NULL}};
static const struct wc_name redirect_codes[] = {REDIRECT_CODES, {0, NULL}};
static const struct wc_name time_exceeded_codes[] = {TIME_EXCEEDED_CODES, {0, NULL}};
static const struct wc_name param_problem_codes[] = {PARAM_PROBLEM_CODES, {0, NULL}};
static const struct wc_name photuris_codes[] = {PHOTURIS_CODES, {0, NULL}};
static const struct wc_name no_codes[] = {{0, NULL}};
/* The union, for reading names; dest-unreach first for anyone who shows a code without
 * names_for. */
static const struct wc_name all_codes[] = {
	UNREACH_CODES, REDIRECT_CODES, TIME_EXCEEDED_CODES, PARAM_PROBLEM_CODES, PHOTURIS_CODES,
	{0, NULL},
};

static const struct wc_name *code_names(const struct wc_layer *l)
{
	switch (l->v[F_TYPE].u) {
	case 3: return unreach_codes;
	case 5: return redirect_codes;
	case 11: return time_exceeded_codes;
	case 12: return param_problem_codes;
	case 40: return photuris_codes;
	default: return no_codes;
	}
}

/* Scapy's conditions are lists of types, all below 64: one bit per type. */
#define T(t) (1ULL << (t))
#define ID_SEQ_TYPES                                                                        \
	(T(0) | T(8) | T(13) | T(14) | T(15) | T(16) | T(17) | T(18) | T(37) | T(38))
/* Types whose `unused` is not the 4-byte IntField (a ShortField for 11/12, nothing else). */
#define NOT_INT_UNUSED_TYPES                                                                \
	(T(0) | T(3) | T(5) | T(8) | T(11) | T(12) | T(13) | T(14) | T(15) | T(16) | T(17) |   \
	 T(18))
/* guess_payload_class: these quote the offending datagram. */
#define ERROR_TYPES (T(3) | T(4) | T(5) | T(11) | T(12))

static bool type_in(const struct wc_layer *l, uint64_t mask)
{
	uint64_t t = l->v[F_TYPE].u;

	return t < 64 && (mask >> t & 1);
}

#define WHEN_TYPE(fn, mask)                                                                 \
	static bool fn(const struct wc_layer *l) { return type_in(l, mask); }
WHEN_TYPE(has_id_seq, ID_SEQ_TYPES)
WHEN_TYPE(has_ts, T(13) | T(14))
WHEN_TYPE(has_gw, T(5))
WHEN_TYPE(has_ptr, T(12))
WHEN_TYPE(has_reserved, T(3) | T(11))
WHEN_TYPE(has_length, T(3) | T(11) | T(12))
WHEN_TYPE(has_addr_mask, T(17) | T(18))
WHEN_TYPE(has_nexthopmtu, T(3))
WHEN_TYPE(has_unused_short, T(11) | T(12))

static bool has_unused_int(const struct wc_layer *l)
{
	return !type_in(l, NOT_INT_UNUSED_TYPES);
}

/* The MultipleTypeField's default: StrFixedLenField("unused", "", length=0). */
static bool has_unused_none(const struct wc_layer *l)
{
	return type_in(l, NOT_INT_UNUSED_TYPES) && !has_unused_short(l);
}

static size_t no_bytes(const struct wc_layer *l, size_t avail)
{
	(void)l;
	(void)avail;
	return 0;
}

/* The three `unused` entries are Scapy's one MultipleTypeField: same name, exclusive
 * conditions. The widest comes first because name lookups find the first entry (a value
 * set there moves to the present one when building). */
static const struct wc_field icmp_fields[] = {
	[F_TYPE] = {.name = "type", .kind = WC_K_ENUM, .bits = 8, .def = 8, .names = icmp_types},
	[F_CODE] = {.name = "code", .kind = WC_K_ENUM, .bits = 8, .names = all_codes,
		    .names_for = code_names},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
	[F_ID] = {.name = "id", .kind = WC_K_XINT, .bits = 16, .present = has_id_seq},
	[F_SEQ] = {.name = "seq", .kind = WC_K_XINT, .bits = 16, .present = has_id_seq},
	/* Scapy's default is the time of day in ms, taken once when Scapy is imported
	 * (ICMPTimeStampField.any2i(None) runs on the default); here: when built. */
	[F_TS_ORI] = {.name = "ts_ori", .kind = WC_K_UINT, .bits = 32, .flags = WC_FF_AUTO,
		      .present = has_ts},
	[F_TS_RX] = {.name = "ts_rx", .kind = WC_K_UINT, .bits = 32, .flags = WC_FF_AUTO,
		     .present = has_ts},
	[F_TS_TX] = {.name = "ts_tx", .kind = WC_K_UINT, .bits = 32, .flags = WC_FF_AUTO,
		     .present = has_ts},
	[F_GW] = {.name = "gw", .kind = WC_K_IPV4, .bits = 32, .present = has_gw},
	[F_PTR] = {.name = "ptr", .kind = WC_K_UINT, .bits = 8, .present = has_ptr},
	[F_RESERVED] = {.name = "reserved", .kind = WC_K_UINT, .bits = 8, .present = has_reserved},
	/* RFC 4884 length: Scapy leaves it 0 unless set. */
	[F_LENGTH] = {.name = "length", .kind = WC_K_UINT, .bits = 8, .present = has_length},
	[F_ADDR_MASK] = {.name = "addr_mask", .kind = WC_K_IPV4, .bits = 32,
			 .present = has_addr_mask},
	[F_NEXTHOPMTU] = {.name = "nexthopmtu", .kind = WC_K_UINT, .bits = 16,
			  .present = has_nexthopmtu},
	[F_UNUSED_INT] = {.name = "unused", .kind = WC_K_UINT, .bits = 32,
			  .present = has_unused_int},
	[F_UNUSED_SHORT] = {.name = "unused", .kind = WC_K_UINT, .bits = 16,
			    .present = has_unused_short},
	[F_UNUSED_NONE] = {.name = "unused", .kind = WC_K_BYTES, .present = has_unused_none,
			   .dlen = no_bytes, .def_bytes = (const uint8_t *)""},
};

/* Timestamps left unset get the time of day in ms (UTC), as Scapy's default does. */
static int icmp_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	struct timespec now;
	uint64_t ms;

	if (!(l->here & (1u << F_TS_ORI)))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	ms = (uint64_t)(now.tv_sec % 86400) * 1000 + (uint64_t)now.tv_nsec / 1000000;
	for (unsigned f = F_TS_ORI; f <= F_TS_TX; f++) {
		if (l->set & (1u << f))
			continue;
		l->v[f].u = ms;
		wc_pkt_put_field(p, li, f, &l->v[f]);
	}
	return 0;
}

static const struct wc_proto *icmp_guess(const struct wc_layer *l, const uint8_t *pay, size_t n)
{
	(void)pay;
	(void)n;
	return type_in(l, ERROR_TYPES) ? &wc_proto_iperror : NULL;
}

/* Scapy's mysummary: "ICMP 198.18.0.1 > 198.18.0.2 dest-unreach port-unreachable" over IP
 * (or a subclass of it: IPerror), "ICMP echo-request 0" otherwise. */
static int icmp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_name *cn = code_names(l);
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "ICMP ");
	if (li > 0 &&
	    (p->l[li - 1].proto == &wc_proto_ip || p->l[li - 1].proto == &wc_proto_iperror)) {
		wc_sb_field(&sb, &p->l[li - 1], "src");
		wc_sb_puts(&sb, " > ");
		wc_sb_field(&sb, &p->l[li - 1], "dst");
		wc_sb_putc(&sb, ' ');
	}
	wc_sb_value(&sb, l, F_TYPE, true);
	wc_sb_putc(&sb, ' ');
	while (cn->name && cn->v != l->v[F_CODE].u)
		cn++;
	if (cn->name)
		wc_sb_puts(&sb, cn->name);
	else
		wc_sb_printf(&sb, "%u", (unsigned)l->v[F_CODE].u);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_icmp = {
	.name = "ICMP",
	.title = "ICMP",
	.fields = icmp_fields,
	.nfields = sizeof(icmp_fields) / sizeof(icmp_fields[0]),
	.csum = WC_CS_ALL,
	.guess = icmp_guess,
	.post_build = icmp_post_build,
	.summary = icmp_summary,
	.hashret = wc_corr_icmp_hashret,
	.answers = wc_corr_icmp_answers,
};

/* Scapy's ICMPerror: the same class (it inherits guess_payload_class, so an error quoted in
 * an error quotes IPerror again); its mysummary is Packet's, empty: the name alone. */
const struct wc_proto wc_proto_icmperror = {
	.name = "ICMPerror",
	.title = "ICMP in ICMP",
	.fields = icmp_fields,
	.nfields = sizeof(icmp_fields) / sizeof(icmp_fields[0]),
	.csum = WC_CS_ALL,
	.guess = icmp_guess,
	.post_build = icmp_post_build,
	.hashret = wc_corr_icmp_hashret,
	.answers = wc_corr_icmperror_answers,
};
