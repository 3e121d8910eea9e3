/* SPDX-License-Identifier: MIT */
/* TCP (Scapy's TCP) and the same header quoted inside ICMP errors (TCPerror). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_tcp_services[];

static const struct wc_name tcp_flags[] = {
	{0, "F"}, {1, "S"}, {2, "R"}, {3, "P"}, {4, "A"}, {5, "U"}, {6, "E"}, {7, "C"}, {8, "N"},
	{0, NULL},
};

enum { F_SPORT, F_DPORT, F_SEQ, F_ACK, F_DATAOFS, F_RESERVED, F_FLAGS, F_WINDOW, F_CHKSUM,
       F_URGPTR, F_OPTIONS };

static size_t options_len(const struct wc_layer *l, size_t avail)
{
	uint64_t d = l->v[F_DATAOFS].u;

	(void)avail;
	return d > 5 ? (size_t)(d - 5) * 4 : 0;
}

static const struct wc_field tcp_fields[] = {
	[F_SPORT] = {.name = "sport", .kind = WC_K_ENUM, .bits = 16, .def = 20, .names = wc_tcp_services},
	[F_DPORT] = {.name = "dport", .kind = WC_K_ENUM, .bits = 16, .def = 80, .names = wc_tcp_services},
	[F_SEQ] = {.name = "seq", .kind = WC_K_UINT, .bits = 32},
	[F_ACK] = {.name = "ack", .kind = WC_K_UINT, .bits = 32},
	[F_DATAOFS] = {.name = "dataofs", .kind = WC_K_UINT, .bits = 4,
		       .flags = WC_FF_AUTO | WC_FF_LEN_HDR32},
	[F_RESERVED] = {.name = "reserved", .kind = WC_K_UINT, .bits = 3},
	[F_FLAGS] = {.name = "flags", .kind = WC_K_FLAGS, .bits = 9, .def = 0x02, .names = tcp_flags},
	[F_WINDOW] = {.name = "window", .kind = WC_K_UINT, .bits = 16, .def = 8192},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
	[F_URGPTR] = {.name = "urgptr", .kind = WC_K_UINT, .bits = 16},
	[F_OPTIONS] = {.name = "options", .kind = WC_K_TCPOPTS, .dlen = options_len},
};

/* Scapy's mysummary: "TCP 198.18.0.1:ftp_data > 198.18.0.2:http S" (addresses only right
 * over IP or IPv6). TCPerror has none. */
static int tcp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "TCP ");
	wc_sb_ports(&sb, p, li);
	wc_sb_putc(&sb, ' ');
	wc_sb_value(&sb, &p->l[li], F_FLAGS, true);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_tcp = {
	.name = "TCP",
	.title = "TCP",
	.fields = tcp_fields,
	.nfields = sizeof(tcp_fields) / sizeof(tcp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 6,
	.opt_align = 4,
	.summary = tcp_summary,
	.hashret = wc_corr_tcp_hashret,
	.answers = wc_corr_tcp_answers,
};

const struct wc_proto wc_proto_tcperror = {
	.name = "TCPerror",
	.title = "TCP in ICMP",
	.fields = tcp_fields,
	.nfields = sizeof(tcp_fields) / sizeof(tcp_fields[0]),
	.csum = WC_CS_PSEUDO,
	.csum_proto = 6,
	.opt_align = 4,
	.hashret = wc_corr_tcp_hashret,
	.answers = wc_corr_tcperror_answers,
};
