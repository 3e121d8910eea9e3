/* SPDX-License-Identifier: MIT */
/* IPv4 (Scapy's IP) and the same header quoted inside ICMP errors (IPerror). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

const struct wc_name wc_ip_protos[] = {
	{0, "hopopt"}, {1, "icmp"}, {2, "igmp"}, {4, "ipencap"}, {6, "tcp"}, {17, "udp"},
	{41, "ipv6"}, {43, "ipv6_route"}, {44, "ipv6_frag"}, {47, "gre"}, {50, "esp"},
	{51, "ah"}, {58, "ipv6_icmp"}, {59, "ipv6_nonxt"}, {60, "ipv6_opts"}, {89, "ospf"},
	{103, "pim"}, {112, "vrrp"}, {132, "sctp"}, {0, NULL},
};

static const struct wc_name ip_flags[] = {
	{0, "MF"}, {1, "DF"}, {2, "evil"}, {0, NULL},
};

enum { F_VERSION, F_IHL, F_TOS, F_LEN, F_ID, F_FLAGS, F_FRAG, F_TTL, F_PROTO, F_CHKSUM,
       F_SRC, F_DST, F_OPTIONS };

static size_t options_len(const struct wc_layer *l, size_t avail)
{
	uint64_t ihl = l->v[F_IHL].u;

	(void)avail;
	return ihl > 5 ? (size_t)(ihl - 5) * 4 : 0;
}

/* Bytes past the total length are Padding; a length shorter than the header claims none. */
static size_t payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t len = l->v[F_LEN].u, hdr = l->v[F_IHL].u * 4;

	if (len < hdr)
		return avail;
	return len - hdr < avail ? (size_t)(len - hdr) : avail;
}

static const struct wc_field ip_fields[] = {
	[F_VERSION] = {.name = "version", .kind = WC_K_UINT, .bits = 4, .def = 4,
		       .flags = WC_FF_NOFUZZ},
	[F_IHL] = {.name = "ihl", .kind = WC_K_UINT, .bits = 4,
		   .flags = WC_FF_AUTO | WC_FF_LEN_HDR32},
	[F_TOS] = {.name = "tos", .kind = WC_K_XINT, .bits = 8},
	[F_LEN] = {.name = "len", .kind = WC_K_UINT, .bits = 16,
		   .flags = WC_FF_AUTO | WC_FF_LEN_TOTAL},
	[F_ID] = {.name = "id", .kind = WC_K_UINT, .bits = 16, .def = 1},
	[F_FLAGS] = {.name = "flags", .kind = WC_K_FLAGS, .bits = 3, .names = ip_flags},
	[F_FRAG] = {.name = "frag", .kind = WC_K_UINT, .bits = 13},
	[F_TTL] = {.name = "ttl", .kind = WC_K_UINT, .bits = 8, .def = 64},
	[F_PROTO] = {.name = "proto", .kind = WC_K_ENUM, .bits = 8, .names = wc_ip_protos},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM},
	[F_SRC] = {.name = "src", .kind = WC_K_IPV4, .bits = 32},
	/* Scapy's default destination. */
	[F_DST] = {.name = "dst", .kind = WC_K_IPV4, .bits = 32, .def = 0x7f000001},
	[F_OPTIONS] = {.name = "options", .kind = WC_K_IPOPTS, .dlen = options_len},
};

/* Scapy's mysummary: "198.18.0.1 > 198.18.0.2 tcp", " frag:N" when fragmented. IPerror
 * has none (Scapy's IPerror.mysummary is Packet's, empty). */
static int ip_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_value(&sb, l, F_SRC, true);
	wc_sb_puts(&sb, " > ");
	wc_sb_value(&sb, l, F_DST, true);
	wc_sb_putc(&sb, ' ');
	wc_sb_value(&sb, l, F_PROTO, true);
	if (l->v[F_FRAG].u)
		wc_sb_printf(&sb, " frag:%u", (unsigned)l->v[F_FRAG].u);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_ip = {
	.name = "IP",
	.title = "IP",
	.fields = ip_fields,
	.nfields = sizeof(ip_fields) / sizeof(ip_fields[0]),
	.csum = WC_CS_HDR,
	.opt_align = 4,
	.payload_len = payload_len,
	.summary = ip_summary,
};

/* Scapy's IPerror is a subclass of IP: it builds the same way (len, chksum), cuts Padding
 * by its len the same way (a datagram cut short has none; ICMP extensions after a full
 * one are Padding), and takes IP's bindings after its own (aliastypes [IPerror, IP]:
 * IPerror()/UDP() sets proto 17). */
const struct wc_proto wc_proto_iperror = {
	.name = "IPerror",
	.title = "IP in ICMP",
	.fields = ip_fields,
	.nfields = sizeof(ip_fields) / sizeof(ip_fields[0]),
	.csum = WC_CS_HDR,
	.opt_align = 4,
	.payload_len = payload_len,
	.bind_as = &wc_proto_ip,
};
