/* SPDX-License-Identifier: MIT */
/* ICMPv6 messages (Scapy's scapy/layers/inet6.py): echo, the four errors, MLDv1 and the
 * fallback class. Neighbor Discovery lives in icmp6_nd.c. Every ICMPv6 class shares one
 * dispatch function, so whichever class a binding names, dissection picks the class from
 * the type byte, as Scapy's IPv6.default_payload_class does. */
#include <string.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "icmp6_impl.h"
#include "corr.h"

extern const struct wc_proto wc_proto_iperror6;
extern const struct wc_proto wc_proto_icmp6_nd_rs, wc_proto_icmp6_nd_ra, wc_proto_icmp6_nd_ns,
	wc_proto_icmp6_nd_na, wc_proto_icmp6_nd_redirect;

/* Scapy's icmp6types. */
const struct wc_name wc_icmp6_types[] = {
	{1, "Destination unreachable"},
	{2, "Packet too big"},
	{3, "Time exceeded"},
	{4, "Parameter problem"},
	{100, "Private Experimentation"},
	{101, "Private Experimentation"},
	{128, "Echo Request"},
	{129, "Echo Reply"},
	{130, "MLD Query"},
	{131, "MLD Report"},
	{132, "MLD Done"},
	{133, "Router Solicitation"},
	{134, "Router Advertisement"},
	{135, "Neighbor Solicitation"},
	{136, "Neighbor Advertisement"},
	{137, "Redirect Message"},
	{138, "Router Renumbering"},
	{139, "ICMP Node Information Query"},
	{140, "ICMP Node Information Response"},
	{141, "Inverse Neighbor Discovery Solicitation Message"},
	{142, "Inverse Neighbor Discovery Advertisement Message"},
	{143, "MLD Report Version 2"},
	{144, "Home Agent Address Discovery Request Message"},
	{145, "Home Agent Address Discovery Reply Message"},
	{146, "Mobile Prefix Solicitation"},
	{147, "Mobile Prefix Advertisement"},
	{148, "Certification Path Solicitation"},
	{149, "Certification Path Advertisement"},
	{151, "Multicast Router Advertisement"},
	{152, "Multicast Router Solicitation"},
	{153, "Multicast Router Termination"},
	{155, "RPL Control Message"},
	{200, "Private Experimentation"},
	{201, "Private Experimentation"},
	{0, NULL},
};

static const struct wc_name unreach_codes[] = {
	{0, "No route to destination"},
	{1, "Communication with destination administratively prohibited"},
	{2, "Beyond scope of source address"},
	{3, "Address unreachable"},
	{4, "Port unreachable"},
	{0, NULL},
};

static const struct wc_name timeexceeded_codes[] = {
	{0, "hop limit exceeded in transit"},
	{1, "fragment reassembly time exceeded"},
	{0, NULL},
};

static const struct wc_name paramproblem_codes[] = {
	{0, "erroneous header field encountered"},
	{1, "unrecognized Next Header type encountered"},
	{2, "unrecognized IPv6 option encountered"},
	{3, "first fragment has incomplete header chain"},
	{0, NULL},
};

void wc_icmp6_sprintf(struct wc_sb *sb, const struct wc_layer *l, const char *fmt)
{
	while (*fmt) {
		const char *pc = strchr(fmt, '%'), *end = pc ? strchr(pc + 1, '%') : NULL;
		char name[32];
		size_t n;

		if (!end) {
			wc_sb_puts(sb, fmt);
			return;
		}
		wc_sb_putn(sb, fmt, (size_t)(pc - fmt));
		n = (size_t)(end - pc - 1);
		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, pc + 1, n);
		name[n] = 0;
		if (strcmp(name, "name") == 0)
			wc_sb_puts(sb, l->proto->title);
		else
			wc_sb_field(sb, l, name);
		fmt = end + 1;
	}
}

ICMP6_SUMMARY(echo_summary, "%name% (id: %id% seq: %seq%)")

/* Errors quote the offending packet: Scapy's _ICMPv6Error.guess_payload_class. */
static const struct wc_proto *quoted(const struct wc_layer *l, const uint8_t *pay, size_t n)
{
	(void)l;
	(void)pay;
	(void)n;
	return &wc_proto_iperror6;
}

static const struct wc_field echo_request_fields[] = {
	ICMP6_TYPE(128), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "id", .kind = WC_K_XINT, .bits = 16},
	{.name = "seq", .kind = WC_K_XINT, .bits = 16},
	{.name = "data", .kind = WC_K_BYTES},
};

static const struct wc_field echo_reply_fields[] = {
	ICMP6_TYPE(129), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "id", .kind = WC_K_XINT, .bits = 16},
	{.name = "seq", .kind = WC_K_XINT, .bits = 16},
	{.name = "data", .kind = WC_K_BYTES},
};

static const struct wc_field dest_unreach_fields[] = {
	ICMP6_TYPE(1), ICMP6_CODE_ENUM(unreach_codes), ICMP6_CKSUM,
	/* RFC 4884 length: a plain field in Scapy 2.5, never computed. */
	{.name = "length", .kind = WC_K_UINT, .bits = 8},
	{.name = "unused", .kind = WC_K_XINT, .bits = 24},
};

static const struct wc_field packet_too_big_fields[] = {
	ICMP6_TYPE(2), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "mtu", .kind = WC_K_UINT, .bits = 32, .def = 1280},
};

static const struct wc_field time_exceeded_fields[] = {
	ICMP6_TYPE(3), ICMP6_CODE_ENUM(timeexceeded_codes), ICMP6_CKSUM,
	{.name = "length", .kind = WC_K_UINT, .bits = 8},
	{.name = "unused", .kind = WC_K_XINT, .bits = 24},
};

static const struct wc_field param_problem_fields[] = {
	ICMP6_TYPE(4), ICMP6_CODE_ENUM(paramproblem_codes), ICMP6_CKSUM,
	/* Scapy points at the quoted header's next-header field by default. */
	{.name = "ptr", .kind = WC_K_UINT, .bits = 32, .def = 6},
};

/* MLDv1 (RFC 2710): one layout, three types. */
#define MLD_FIELDS(t, mrd)                                                        \
	{                                                                          \
		ICMP6_TYPE(t), ICMP6_CODE, ICMP6_CKSUM,                            \
		{.name = "mrd", .kind = WC_K_UINT, .bits = 16, .def = (mrd)},      \
		{.name = "reserved", .kind = WC_K_UINT, .bits = 16},               \
		{.name = "mladdr", .kind = WC_K_IPV6, .bits = 128},                \
	}

static const struct wc_field mld_query_fields[] = MLD_FIELDS(130, 10000);
static const struct wc_field mld_report_fields[] = MLD_FIELDS(131, 0);
static const struct wc_field mld_done_fields[] = MLD_FIELDS(132, 0);

/* Scapy's ICMPv6Unknown: its type defaults to 1 (not a real unknown type). */
static const struct wc_field unknown_fields[] = {
	ICMP6_TYPE(1), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "msgbody", .kind = WC_K_BYTES},
};

const struct wc_proto wc_proto_icmp6_echo_request = ICMP6_PROTO(
	"ICMPv6EchoRequest", "ICMPv6 Echo Request", echo_request_fields,
	.summary = echo_summary, .hashret = wc_corr_icmp6_echo_hashret,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_echo_reply = ICMP6_PROTO(
	"ICMPv6EchoReply", "ICMPv6 Echo Reply", echo_reply_fields, .summary = echo_summary,
	.hashret = wc_corr_icmp6_echo_hashret, .answers = wc_corr_icmp6_echo_reply_answers);
const struct wc_proto wc_proto_icmp6_dest_unreach = ICMP6_PROTO(
	"ICMPv6DestUnreach", "ICMPv6 Destination Unreachable", dest_unreach_fields,
	.guess = quoted, .answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_packet_too_big = ICMP6_PROTO(
	"ICMPv6PacketTooBig", "ICMPv6 Packet Too Big", packet_too_big_fields, .guess = quoted,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_time_exceeded = ICMP6_PROTO(
	"ICMPv6TimeExceeded", "ICMPv6 Time Exceeded", time_exceeded_fields, .guess = quoted,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_param_problem = ICMP6_PROTO(
	"ICMPv6ParamProblem", "ICMPv6 Parameter Problem", param_problem_fields,
	.guess = quoted, .answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_mld_query = ICMP6_PROTO(
	"ICMPv6MLQuery", "MLD - Multicast Listener Query", mld_query_fields,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_mld_report = ICMP6_PROTO(
	"ICMPv6MLReport", "MLD - Multicast Listener Report", mld_report_fields,
	.answers = wc_corr_icmp6_mld_report_answers);
const struct wc_proto wc_proto_icmp6_mld_done = ICMP6_PROTO(
	"ICMPv6MLDone", "MLD - Multicast Listener Done", mld_done_fields,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_unknown = ICMP6_PROTO(
	"ICMPv6Unknown", "Scapy6 ICMPv6 fallback class", unknown_fields,
	.answers = wc_corr_icmp6_answers);

/* Which class a type byte names, and the fewest bytes Scapy needs before it uses that class
 * (its icmp6typesminhdrlen; shorter messages stay Raw). Types Scapy has classes for that
 * wirecraft does not implement get ICMPv6Unknown, so their header is still shown. */
static const struct {
	uint8_t type, minlen;
	const struct wc_proto *proto;
} icmp6_classes[] = {
	{1, 8, &wc_proto_icmp6_dest_unreach},
	{2, 8, &wc_proto_icmp6_packet_too_big},
	{3, 8, &wc_proto_icmp6_time_exceeded},
	{4, 8, &wc_proto_icmp6_param_problem},
	{128, 8, &wc_proto_icmp6_echo_request},
	{129, 8, &wc_proto_icmp6_echo_reply},
	{130, 24, &wc_proto_icmp6_mld_query},
	{131, 24, &wc_proto_icmp6_mld_report},
	{132, 24, &wc_proto_icmp6_mld_done},
	{133, 8, &wc_proto_icmp6_nd_rs},
	{134, 16, &wc_proto_icmp6_nd_ra},
	{135, 24, &wc_proto_icmp6_nd_ns},
	{136, 24, &wc_proto_icmp6_nd_na},
	{137, 40, &wc_proto_icmp6_nd_redirect},
	/* Node information (Scapy's _niquery_guesser, any length above 2). */
	{139, 3, &wc_proto_icmp6_unknown},
	{140, 3, &wc_proto_icmp6_unknown},
	{141, 8, &wc_proto_icmp6_unknown},
	{142, 8, &wc_proto_icmp6_unknown},
	{143, 8, &wc_proto_icmp6_unknown},
	{144, 8, &wc_proto_icmp6_unknown},
	{145, 8, &wc_proto_icmp6_unknown},
	{146, 8, &wc_proto_icmp6_unknown},
	{147, 8, &wc_proto_icmp6_unknown},
	{151, 8, &wc_proto_icmp6_unknown},
	{152, 4, &wc_proto_icmp6_unknown},
	{153, 4, &wc_proto_icmp6_unknown},
	{155, 4, &wc_proto_icmp6_unknown},
};

const struct wc_proto *wc_icmp6_dispatch(const uint8_t *b, size_t n)
{
	if (n == 0)
		return &wc_proto_raw;
	/* MLDv2 queries are MLD queries of 28 bytes or more (RFC 3810 8.1). */
	if (b[0] == 130 && n >= 28)
		return &wc_proto_icmp6_unknown;
	for (size_t i = 0; i < COUNT(icmp6_classes); i++)
		if (icmp6_classes[i].type == b[0])
			return n >= icmp6_classes[i].minlen ? icmp6_classes[i].proto
							    : &wc_proto_raw;
	/* Scapy has no class for the type: the message stays Raw, even with ICMPv6Unknown
	 * defined (it only builds). */
	return &wc_proto_raw;
}
