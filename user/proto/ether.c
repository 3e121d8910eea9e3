/* SPDX-License-Identifier: MIT */
/* Ethernet II (Scapy's Ether). */
#include "wirecraft/format.h"
#include "wirecraft/proto.h"

#include "corr.h"

/* Scapy's ETHER_TYPES as it loads them from the distribution's /etc/ethertypes: the names
 * its show prints and its fields accept (no name for Ether's own default, 0x9000). */
const struct wc_name wc_ether_types[] = {
	{0x0800, "IPv4"}, {0x0805, "X25"}, {0x0806, "ARP"}, {0x0808, "FR_ARP"}, {0x08ff, "BPQ"},
	{0x22f3, "TRILL"}, {0x22f4, "L2_IS_IS"}, {0x6558, "TEB"}, {0x6559, "RAW_FR"},
	{0x8035, "RARP"}, {0x809b, "ATALK"}, {0x80f3, "AARP"}, {0x8100, "n_802_1Q"},
	{0x8137, "IPX"}, {0x8191, "NetBEUI"}, {0x86dd, "IPv6"}, {0x880b, "PPP"},
	{0x8847, "MPLS"}, {0x8848, "MPLS_MULTI"}, {0x884c, "ATMMPOA"}, {0x8863, "PPP_DISC"},
	{0x8864, "PPP_SES"}, {0x8884, "ATMFATE"}, {0x888e, "EAPOL"}, {0x88a8, "802_AD"},
	{0x88c7, "EAP_PREAUTH"}, {0x88cc, "LLDP"}, {0x88e5, "802_1AE"}, {0x88e7, "PBB"},
	{0x88f5, "MVRP"}, {0x88f7, "PTP"}, {0x8906, "FCOE"}, {0x8914, "FIP"}, {0x8915, "ROCE"},
	{0xa0ed, "LoWPAN"}, {0, NULL},
};

extern const struct wc_proto wc_proto_dot3;

/* Scapy's Ether.dispatch_hook: a type/length field of 1500 or less is an 802.3 length, and
 * the frame is Dot3 (user/proto/llc.c). Fewer than 14 bytes: Ether. */
static const struct wc_proto *ether_dispatch(const uint8_t *b, size_t n)
{
	return n >= 14 && (b[12] << 8 | b[13]) <= 1500 ? &wc_proto_dot3 : &wc_proto_ether;
}

static const struct wc_field ether_fields[] = {
	/* Scapy resolves dst from the route; without an interface it is broadcast. */
	{.name = "dst", .kind = WC_K_MAC, .bits = 48, .def = 0xffffffffffffULL},
	{.name = "src", .kind = WC_K_MAC, .bits = 48},
	/* XShortEnumField: a name, else hex. */
	{.name = "type", .kind = WC_K_XINT, .bits = 16, .def = 0x9000, .names = wc_ether_types},
};

/* Scapy's mysummary: "02:00:00:00:00:01 > 02:00:00:00:00:02 (IPv4)". */
static int ether_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_field(&sb, &p->l[li], "src");
	wc_sb_puts(&sb, " > ");
	wc_sb_field(&sb, &p->l[li], "dst");
	wc_sb_puts(&sb, " (");
	wc_sb_field(&sb, &p->l[li], "type");
	wc_sb_putc(&sb, ')');
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_ether = {
	.name = "Ether",
	.title = "Ethernet",
	.fields = ether_fields,
	.nfields = sizeof(ether_fields) / sizeof(ether_fields[0]),
	.dispatch = ether_dispatch,
	.summary = ether_summary,
	.hashret = wc_corr_ether_hashret,
	.answers = wc_corr_ether_answers,
};
