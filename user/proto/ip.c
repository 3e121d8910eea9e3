/* SPDX-License-Identifier: MIT */
/* IPv4 (Scapy's IP) and the same header quoted inside ICMP errors (IPerror). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

/* Scapy's IP_PROTOS as it loads them from the distribution's /etc/protocols ('-' read as
 * '_'): the names its show prints and proto= accepts. */
const struct wc_name wc_ip_protos[] = {
	{0, "hopopt"}, {1, "icmp"}, {2, "igmp"}, {3, "ggp"}, {4, "ipencap"}, {5, "st"},
	{6, "tcp"}, {8, "egp"}, {9, "igp"}, {12, "pup"}, {17, "udp"}, {20, "hmp"},
	{22, "xns_idp"}, {27, "rdp"}, {29, "iso_tp4"}, {33, "dccp"}, {36, "xtp"}, {37, "ddp"},
	{38, "idpr_cmtp"}, {41, "ipv6"}, {43, "ipv6_route"}, {44, "ipv6_frag"}, {45, "idrp"},
	{46, "rsvp"}, {47, "gre"}, {50, "esp"}, {51, "ah"}, {57, "skip"}, {58, "ipv6_icmp"},
	{59, "ipv6_nonxt"}, {60, "ipv6_opts"}, {73, "rspf"}, {81, "vmtp"}, {88, "eigrp"},
	{89, "ospf"}, {93, "ax_25"}, {94, "ipip"}, {97, "etherip"}, {98, "encap"}, {103, "pim"},
	{108, "ipcomp"}, {112, "vrrp"}, {115, "l2tp"}, {124, "isis"}, {132, "sctp"}, {133, "fc"},
	{135, "mobility_header"}, {136, "udplite"}, {137, "mpls_in_ip"}, {138, "manet"},
	{139, "hip"}, {140, "shim6"}, {141, "wesp"}, {142, "rohc"}, {143, "ethernet"},
	{0, NULL},
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

/* Bytes past the total length are Padding; a length shorter than the header claims none.
 * A header cut before len: Scapy's extract_padding fails on the missing value. */
static size_t payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t len = l->v[F_LEN].u, hdr = l->v[F_IHL].u * 4;

	if (!(l->here & (1u << F_LEN)))
		return WC_PAYLOAD_FAIL;
	if (len < hdr)
		return avail;
	return len - hdr < avail ? (size_t)(len - hdr) : avail;
}

/* Scapy's in4_pseudoheader: with exactly one loose or strict source route option (option
 * numbers 3 and 9, whatever the copy flag: Scapy picks the class by those five bits) that
 * names a router, TCP and UDP checksums use its last router as the destination. Two such
 * options: Scapy warns and keeps dst. */
static bool ip_pseudo_dst(const struct wc_layer *l, uint8_t dst[16])
{
	const uint8_t *o = l->v[F_OPTIONS].b, *last = NULL;
	size_t n = l->v[F_OPTIONS].blen, i = 0;
	unsigned routes = 0;

	if (!(l->here & (1u << F_OPTIONS)) || !o)
		return false;
	while (i < n) {
		size_t len;

		if ((o[i] & 0x1f) <= 1) { /* EOL and NOP: one byte each */
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || o[i + 1] > n - i)
			break; /* a length that does not make sense ends the walk */
		len = o[i + 1];
		if ((o[i] & 0x1f) == 3 || (o[i] & 0x1f) == 9) {
			size_t nr = len >= 3 ? (len - 3) / 4 : 0; /* routers after the pointer */

			routes++;
			last = nr ? o + i + 3 + 4 * (nr - 1) : NULL;
		}
		i += len;
	}
	if (routes != 1 || !last)
		return false;
	for (unsigned k = 0; k < 4; k++)
		dst[k] = last[k];
	return true;
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
	.pseudo_dst = ip_pseudo_dst,
	.hashret = wc_corr_ip_hashret,
	.answers = wc_corr_ip_answers,
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
	.pseudo_dst = ip_pseudo_dst,
	.hashret = wc_corr_ip_hashret,
	.answers = wc_corr_iperror_answers,
};
