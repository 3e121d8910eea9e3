/* SPDX-License-Identifier: MIT */
/* MPLS label stack entries (Scapy 2.5's scapy.contrib.mpls: MPLS, and EoMCW, the Ethernet
 * pseudowire control word). The bottom-of-stack bit is not computed: it defaults to 1 and
 * an MPLS stacked on it sets it to 0 (the MPLS/MPLS binding), as in Scapy. */
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_proto wc_proto_ip, wc_proto_ipv6, wc_proto_mpls, wc_proto_eomcw;

enum { F_LABEL, F_COS, F_S, F_TTL };

static const struct wc_field mpls_fields[] = {
	[F_LABEL] = {.name = "label", .kind = WC_K_UINT, .bits = 20, .def = 3},
	[F_COS] = {.name = "cos", .kind = WC_K_UINT, .bits = 3},
	[F_S] = {.name = "s", .kind = WC_K_UINT, .bits = 1, .def = 1},
	[F_TTL] = {.name = "ttl", .kind = WC_K_UINT, .bits = 8},
};

/* Scapy's MPLS.guess_payload_class: another entry until the bottom of the stack, then the
 * first nibble: 4 IPv4, 6 IPv6, 5 BIER (not known here: Raw), two zero bytes a control
 * word, anything else Ethernet. */
static const struct wc_proto *mpls_guess(const struct wc_layer *l, const uint8_t *pay,
					 size_t n)
{
	if (n < 1)
		return &wc_proto_padding;
	if (!l->v[F_S].u)
		return &wc_proto_mpls;
	switch (pay[0] >> 4) {
	case 4:
		return &wc_proto_ip;
	case 5:
		return &wc_proto_raw;
	case 6:
		return &wc_proto_ipv6;
	default:
		return n >= 2 && pay[0] == 0 && pay[1] == 0 ? &wc_proto_eomcw : &wc_proto_ether;
	}
}

const struct wc_proto wc_proto_mpls = {
	.name = "MPLS",
	.title = "MPLS",
	.fields = mpls_fields,
	.nfields = sizeof(mpls_fields) / sizeof(mpls_fields[0]),
	.guess = mpls_guess,
	.guess_first = true,
};

static const struct wc_field eomcw_fields[] = {
	{.name = "zero", .kind = WC_K_UINT, .bits = 4},
	{.name = "reserved", .kind = WC_K_UINT, .bits = 12},
	{.name = "seq", .kind = WC_K_UINT, .bits = 16},
};

/* Whatever follows a control word is Ethernet. */
static const struct wc_proto *eomcw_guess(const struct wc_layer *l, const uint8_t *pay,
					  size_t n)
{
	(void)l;
	(void)pay;
	return n >= 1 ? &wc_proto_ether : &wc_proto_padding;
}

const struct wc_proto wc_proto_eomcw = {
	.name = "EoMCW",
	.title = "EoMCW",
	.fields = eomcw_fields,
	.nfields = sizeof(eomcw_fields) / sizeof(eomcw_fields[0]),
	.guess = eomcw_guess,
	.guess_first = true,
};
