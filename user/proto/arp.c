/* SPDX-License-Identifier: MIT */
/* ARP (Scapy's ARP).
 *
 * Scapy 2.5 declares the four addresses as MultipleTypeFields: a MAC when hwtype is 1 and
 * hwlen 6, an IPv4 (IPv6) address when ptype is 0x0800 (0x86dd) and plen 4 (16), else raw
 * bytes of hwlen/plen. Each is written here as several entries of one name with exclusive
 * `present` hooks. When building, an unset hwlen/plen counts as "the usual size" (Scapy
 * tests `hwlen is None`) and is then computed from the entry present (FieldLenField). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_ether_types[];

enum { F_HWTYPE, F_PTYPE, F_HWLEN, F_PLEN, F_OP, F_HWSRC_MAC, F_HWSRC_RAW, F_PSRC_IP4,
       F_PSRC_IP6, F_PSRC_RAW, F_HWDST_MAC, F_HWDST_RAW, F_PDST_IP4, F_PDST_IP6,
       F_PDST_RAW };

/* Scapy's HARDWARE_TYPES. */
static const struct wc_name hw_types[] = {
	{1, "Ethernet (10Mb)"}, {2, "Ethernet (3Mb)"}, {3, "AX.25"},
	{4, "Proteon ProNET Token Ring"}, {5, "Chaos"}, {6, "IEEE 802 Networks"},
	{7, "ARCNET"}, {8, "Hyperchannel"}, {9, "Lanstar"}, {10, "Autonet Short Address"},
	{11, "LocalTalk"}, {12, "LocalNet"}, {13, "Ultra link"}, {14, "SMDS"},
	{15, "Frame relay"}, {16, "ATM"}, {17, "HDLC"}, {18, "Fibre Channel"}, {19, "ATM"},
	{20, "Serial Line"}, {21, "ATM"}, {0, NULL},
};

/* Scapy's names, including its typo "Dyn-RAR-rep". */
static const struct wc_name arp_ops[] = {
	{1, "who-has"}, {2, "is-at"}, {3, "RARP-req"}, {4, "RARP-rep"}, {5, "Dyn-RARP-req"},
	{6, "Dyn-RAR-rep"}, {7, "Dyn-RARP-err"}, {8, "InARP-req"}, {9, "InARP-rep"}, {0, NULL},
};

/* The length field `fi` is `want`, or unset while building. */
static bool len_is(const struct wc_layer *l, unsigned fi, uint64_t want)
{
	return !(l->set & (1u << fi)) || l->v[fi].u == want;
}

static bool hw_mac(const struct wc_layer *l)
{
	return l->v[F_HWTYPE].u == 1 && len_is(l, F_HWLEN, 6);
}

static bool hw_raw(const struct wc_layer *l)
{
	return !hw_mac(l);
}

static bool p_ip4(const struct wc_layer *l)
{
	return l->v[F_PTYPE].u == 0x0800 && len_is(l, F_PLEN, 4);
}

static bool p_ip6(const struct wc_layer *l)
{
	return l->v[F_PTYPE].u == 0x86dd && len_is(l, F_PLEN, 16);
}

static bool p_raw(const struct wc_layer *l)
{
	return !p_ip4(l) && !p_ip6(l);
}

static size_t hwlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[F_HWLEN].u;
}

static size_t plen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[F_PLEN].u;
}

/* The first of each name is the usual kind, so name lookups (and the values parsed for
 * them) get a MAC or an IPv4 address. */
static const struct wc_field arp_fields[] = {
	[F_HWTYPE] = {.name = "hwtype", .kind = WC_K_XINT, .bits = 16, .def = 1, .names = hw_types},
	[F_PTYPE] = {.name = "ptype", .kind = WC_K_XINT, .bits = 16, .def = 0x0800,
		     .names = wc_ether_types},
	[F_HWLEN] = {.name = "hwlen", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	[F_PLEN] = {.name = "plen", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	[F_OP] = {.name = "op", .kind = WC_K_ENUM, .bits = 16, .def = 1, .names = arp_ops},
	/* Scapy takes hwsrc and psrc from the interface that routes to pdst; with no
	 * interface here they are zero, like hwdst's and pdst's own defaults. */
	[F_HWSRC_MAC] = {.name = "hwsrc", .kind = WC_K_MAC, .bits = 48, .present = hw_mac},
	[F_HWSRC_RAW] = {.name = "hwsrc", .kind = WC_K_BYTES, .present = hw_raw, .dlen = hwlen,
			 .def_bytes = (const uint8_t *)""},
	[F_PSRC_IP4] = {.name = "psrc", .kind = WC_K_IPV4, .bits = 32, .present = p_ip4},
	[F_PSRC_IP6] = {.name = "psrc", .kind = WC_K_IPV6, .bits = 128, .present = p_ip6},
	[F_PSRC_RAW] = {.name = "psrc", .kind = WC_K_BYTES, .present = p_raw, .dlen = plen,
			.def_bytes = (const uint8_t *)""},
	[F_HWDST_MAC] = {.name = "hwdst", .kind = WC_K_MAC, .bits = 48, .present = hw_mac},
	[F_HWDST_RAW] = {.name = "hwdst", .kind = WC_K_BYTES, .present = hw_raw, .dlen = hwlen,
			 .def_bytes = (const uint8_t *)""},
	[F_PDST_IP4] = {.name = "pdst", .kind = WC_K_IPV4, .bits = 32, .present = p_ip4},
	[F_PDST_IP6] = {.name = "pdst", .kind = WC_K_IPV6, .bits = 128, .present = p_ip6},
	[F_PDST_RAW] = {.name = "pdst", .kind = WC_K_BYTES, .present = p_raw, .dlen = plen,
			.def_bytes = (const uint8_t *)""},
};

/* Bytes of whichever entry of `first`..`last` is present. */
static uint64_t present_size(const struct wc_layer *l, unsigned first, unsigned last)
{
	for (unsigned i = first; i <= last; i++)
		if (l->here & (1u << i))
			return arp_fields[i].bits ? arp_fields[i].bits / 8u : l->v[i].blen;
	return 0;
}

/* FieldLenField: hwlen = len(hwsrc), plen = len(psrc), unless set. */
static int arp_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << F_HWLEN))) {
		l->v[F_HWLEN].u = present_size(l, F_HWSRC_MAC, F_HWSRC_RAW) & 0xff;
		wc_pkt_put_field(p, li, F_HWLEN, &l->v[F_HWLEN]);
	}
	if (!(l->set & (1u << F_PLEN))) {
		l->v[F_PLEN].u = present_size(l, F_PSRC_IP4, F_PSRC_RAW) & 0xff;
		wc_pkt_put_field(p, li, F_PLEN, &l->v[F_PLEN]);
	}
	return 0;
}

/* extract_padding returns everything after the addresses as padding. */
static size_t arp_payload_len(const struct wc_layer *l, size_t avail)
{
	(void)l;
	(void)avail;
	return 0;
}

/* The entry of `first`..`last` (one name) that is present. */
static unsigned present_one(const struct wc_layer *l, unsigned first, unsigned last)
{
	while (first < last && !(l->here & (1u << first)))
		first++;
	return first;
}

/* Scapy's mysummary. */
static int arp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	unsigned psrc = present_one(l, F_PSRC_IP4, F_PSRC_RAW);
	unsigned pdst = present_one(l, F_PDST_IP4, F_PDST_RAW);
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	switch (l->v[F_OP].u) {
	case 1:
		wc_sb_puts(&sb, "ARP who has ");
		wc_sb_value(&sb, l, pdst, true);
		wc_sb_puts(&sb, " says ");
		wc_sb_value(&sb, l, psrc, true);
		break;
	case 2:
		wc_sb_puts(&sb, "ARP is at ");
		wc_sb_value(&sb, l, present_one(l, F_HWSRC_MAC, F_HWSRC_RAW), true);
		wc_sb_puts(&sb, " says ");
		wc_sb_value(&sb, l, psrc, true);
		break;
	default:
		wc_sb_puts(&sb, "ARP ");
		wc_sb_value(&sb, l, F_OP, true);
		wc_sb_putc(&sb, ' ');
		wc_sb_value(&sb, l, psrc, true);
		wc_sb_puts(&sb, " > ");
		wc_sb_value(&sb, l, pdst, true);
		break;
	}
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_arp = {
	.name = "ARP",
	.title = "ARP",
	.fields = arp_fields,
	.nfields = sizeof(arp_fields) / sizeof(arp_fields[0]),
	.payload_len = arp_payload_len,
	.post_build = arp_post_build,
	.summary = arp_summary,
	.hashret = wc_corr_arp_hashret,
	.answers = wc_corr_arp_answers,
};
