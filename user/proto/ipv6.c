/* SPDX-License-Identifier: MIT */
/* IPv6 (Scapy's IPv6) and the same header quoted inside ICMPv6 errors (IPerror6). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_ipv6_nh_names[];

enum { F_VERSION, F_TC, F_FL, F_PLEN, F_NH, F_HLIM, F_SRC, F_DST };

/* Bytes past the payload length are Padding; plen 0 (jumbogram) claims everything. */
static size_t payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t plen = l->v[F_PLEN].u;

	return plen && plen < avail ? (size_t)plen : avail;
}

static const uint8_t loopback6[16] = {[15] = 1};

static const struct wc_field ipv6_fields[] = {
	[F_VERSION] = {.name = "version", .kind = WC_K_UINT, .bits = 4, .def = 6,
		       .flags = WC_FF_NOFUZZ},
	[F_TC] = {.name = "tc", .kind = WC_K_UINT, .bits = 8},
	[F_FL] = {.name = "fl", .kind = WC_K_UINT, .bits = 20},
	[F_PLEN] = {.name = "plen", .kind = WC_K_UINT, .bits = 16,
		    .flags = WC_FF_AUTO | WC_FF_LEN_PAY},
	[F_NH] = {.name = "nh", .kind = WC_K_ENUM, .bits = 8, .def = 59, .names = wc_ipv6_nh_names},
	[F_HLIM] = {.name = "hlim", .kind = WC_K_UINT, .bits = 8, .def = 64},
	[F_SRC] = {.name = "src", .kind = WC_K_IPV6, .bits = 128},
	/* Scapy's default destination. */
	[F_DST] = {.name = "dst", .kind = WC_K_IPV6, .bits = 128, .def_bytes = loopback6},
};

/* Scapy's mysummary: "2001:db8::1 > 2001:db8::2 (6)": plain addresses, nh as a number.
 * IPerror6 has none. */
static int ipv6_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_ipv6(&sb, l->v[F_SRC].a);
	wc_sb_puts(&sb, " > ");
	wc_sb_ipv6(&sb, l->v[F_DST].a);
	wc_sb_printf(&sb, " (%u)", (unsigned)l->v[F_NH].u);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_ipv6 = {
	.name = "IPv6",
	.title = "IPv6",
	.fields = ipv6_fields,
	.nfields = sizeof(ipv6_fields) / sizeof(ipv6_fields[0]),
	.payload_len = payload_len,
	.summary = ipv6_summary,
	.hashret = wc_corr_ipv6_hashret,
	.answers = wc_corr_ipv6_answers,
};

const struct wc_proto wc_proto_iperror6 = {
	.name = "IPerror6",
	.title = "IPv6 in ICMPv6",
	.fields = ipv6_fields,
	.nfields = sizeof(ipv6_fields) / sizeof(ipv6_fields[0]),
	.payload_len = payload_len,
	.hashret = wc_corr_ipv6_hashret,
	.answers = wc_corr_iperror6_answers,
};
