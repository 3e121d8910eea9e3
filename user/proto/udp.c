/* SPDX-License-Identifier: MIT */
/* UDP (Scapy's UDP) and the same header quoted inside ICMP errors (UDPerror). */
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_name wc_services[];

enum { F_SPORT, F_DPORT, F_LEN, F_CHKSUM };

/* Bytes past the UDP length are Padding; a length shorter than the header claims none. */
static size_t payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t len = l->v[F_LEN].u;

	if (len < 8)
		return avail;
	return len - 8 < avail ? (size_t)(len - 8) : avail;
}

static const struct wc_field udp_fields[] = {
	[F_SPORT] = {.name = "sport", .kind = WC_K_ENUM, .bits = 16, .def = 53, .names = wc_services},
	[F_DPORT] = {.name = "dport", .kind = WC_K_ENUM, .bits = 16, .def = 53, .names = wc_services},
	[F_LEN] = {.name = "len", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO | WC_FF_LEN_TOTAL},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
};

const struct wc_proto wc_proto_udp = {
	.name = "UDP",
	.title = "UDP",
	.fields = udp_fields,
	.nfields = sizeof(udp_fields) / sizeof(udp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 17,
	.csum_zero_ffff = true,
	.payload_len = payload_len,
};

const struct wc_proto wc_proto_udperror = {
	.name = "UDPerror",
	.title = "UDP in ICMP",
	.fields = udp_fields,
	.nfields = sizeof(udp_fields) / sizeof(udp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 17,
	.csum_zero_ffff = true,
};
