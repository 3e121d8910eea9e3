/* SPDX-License-Identifier: MIT */
/* UDP (Scapy's UDP) and the same header quoted inside ICMP errors (UDPerror). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_udp_services[];

enum { F_SPORT, F_DPORT, F_LEN, F_CHKSUM };

/* Bytes past the UDP length are Padding; a length shorter than the header claims none.
 * A header cut before len: Scapy's extract_padding fails on the missing value. */
static size_t payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t len = l->v[F_LEN].u;

	if (!(l->here & (1u << F_LEN)))
		return WC_PAYLOAD_FAIL;
	/* Scapy slices s[:len-8]: a length under 8 counts from the end (Python's negative
	 * index), so the last 8-len bytes become Padding. */
	if (len < 8)
		return 8 - len < avail ? avail - (size_t)(8 - len) : 0;
	return len - 8 < avail ? (size_t)(len - 8) : avail;
}

static const struct wc_field udp_fields[] = {
	[F_SPORT] = {.name = "sport", .kind = WC_K_ENUM, .bits = 16, .def = 53, .names = wc_udp_services},
	[F_DPORT] = {.name = "dport", .kind = WC_K_ENUM, .bits = 16, .def = 53, .names = wc_udp_services},
	[F_LEN] = {.name = "len", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO | WC_FF_LEN_TOTAL},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
};

/* Scapy's mysummary: "UDP 198.18.0.1:domain > 198.18.0.2:domain" (addresses only right
 * over IP or IPv6). UDPerror has none. */
static int udp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "UDP ");
	wc_sb_ports(&sb, p, li);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_udp = {
	.name = "UDP",
	.title = "UDP",
	.fields = udp_fields,
	.nfields = sizeof(udp_fields) / sizeof(udp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 17,
	.csum_zero_ffff = true,
	.payload_len = payload_len,
	.summary = udp_summary,
	.hashret = wc_corr_udp_hashret,
	.answers = wc_corr_udp_answers,
};

/* A subclass of UDP in Scapy: Padding cut by its len as UDP's. */
const struct wc_proto wc_proto_udperror = {
	.name = "UDPerror",
	.title = "UDP in ICMP",
	.fields = udp_fields,
	.nfields = sizeof(udp_fields) / sizeof(udp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 17,
	.csum_zero_ffff = true,
	.payload_len = payload_len,
	/* Scapy's UDPerror shares UDP's payload_guess list: what UDP carries (VXLAN,
	 * GENEVE, ...) is dissected in a quoted UDP header too. */
	.bind_as = &wc_proto_udp,
	.hashret = wc_corr_udperror_hashret,
	.answers = wc_corr_udperror_answers,
};
