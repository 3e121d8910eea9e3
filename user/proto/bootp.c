/* SPDX-License-Identifier: MIT */
/* BOOTP (Scapy's BOOTP, RFC 951). Its last field, options, holds the DHCP magic cookie
 * when DHCP options follow: dissecting keeps the 4 cookie bytes there and makes the rest
 * the DHCP layer (Scapy's extract_padding); stacking DHCP on BOOTP writes the cookie. */
#include <string.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

enum { F_OP, F_HTYPE, F_HLEN, F_HOPS, F_XID, F_SECS, F_FLAGS, F_CIADDR, F_YIADDR, F_SIADDR,
       F_GIADDR, F_CHADDR, F_SNAME, F_FILE, F_OPTIONS };

const uint8_t wc_dhcp_magic[4] = { 0x63, 0x82, 0x53, 0x63 };

static const struct wc_name op_names[] = { { 1, "BOOTREQUEST" }, { 2, "BOOTREPLY" },
					   { 0, NULL } };
/* Scapy's HARDWARE_TYPES (the same table ARP's hwtype shows). */
static const struct wc_name htypes[] = {
	{ 1, "Ethernet (10Mb)" }, { 2, "Ethernet (3Mb)" }, { 3, "AX.25" },
	{ 4, "Proteon ProNET Token Ring" }, { 5, "Chaos" }, { 6, "IEEE 802 Networks" },
	{ 7, "ARCNET" }, { 8, "Hyperchannel" }, { 9, "Lanstar" }, { 10, "Autonet Short Address" },
	{ 11, "LocalTalk" }, { 12, "LocalNet" }, { 13, "Ultra link" }, { 14, "SMDS" },
	{ 15, "Frame relay" }, { 16, "ATM" }, { 17, "HDLC" }, { 18, "Fibre Channel" },
	{ 19, "ATM" }, { 20, "Serial Line" }, { 21, "ATM" }, { 0, NULL },
};
/* FlagsField("flags", 0, 16, "???????????????B"): only the top bit, broadcast, has a name. */
static const struct wc_name flag_names[] = {
	{ 0, "?" }, { 1, "?" }, { 2, "?" }, { 3, "?" }, { 4, "?" }, { 5, "?" }, { 6, "?" },
	{ 7, "?" }, { 8, "?" }, { 9, "?" }, { 10, "?" }, { 11, "?" }, { 12, "?" }, { 13, "?" },
	{ 14, "?" }, { 15, "B" }, { 0, NULL },
};

/* StrFixedLenField: a short value is zero-filled, a long one cut; dissection takes what
 * is there, up to the length. */
static size_t fix16(const struct wc_layer *l, size_t off) { (void)l; (void)off; return 16; }
static size_t fix64(const struct wc_layer *l, size_t off) { (void)l; (void)off; return 64; }
static size_t fix128(const struct wc_layer *l, size_t off) { (void)l; (void)off; return 128; }
static size_t d16(const struct wc_layer *l, size_t avail) { (void)l; return avail < 16 ? avail : 16; }
static size_t d64(const struct wc_layer *l, size_t avail) { (void)l; return avail < 64 ? avail : 64; }
static size_t d128(const struct wc_layer *l, size_t avail) { (void)l; return avail < 128 ? avail : 128; }

/* The cookie alone when it starts the options (DHCP follows), else every byte left. */
static size_t options_len(const struct wc_layer *l, size_t avail)
{
	const uint8_t *b = l->v[F_FILE].b + l->v[F_FILE].blen;

	return avail >= 4 && !memcmp(b, wc_dhcp_magic, 4) ? 4 : avail;
}

/* StrFixedLenField.i2repr: trailing NULs dropped. */
static void fixed_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	size_t n = l->v[fi].blen;

	while (n && !l->v[fi].b[n - 1])
		n--;
	wc_sb_strrepr(sb, l->v[fi].b, n);
}

/* _BOOTP_chaddr.i2repr: an Ethernet address and what pads it to 16 bytes. */
static void chaddr_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	const struct wc_val *v = &l->v[fi];
	static const uint8_t zero[10];
	uint64_t mac = 0;

	if (l->v[F_HTYPE].u != 1 || v->blen < 6) {
		fixed_repr(sb, l, fi);
		return;
	}
	for (unsigned i = 0; i < 6; i++)
		mac = mac << 8 | v->b[i];
	wc_sb_mac(sb, mac);
	if (v->blen == 16 && !memcmp(v->b + 6, zero, 10)) {
		wc_sb_puts(sb, " (+ 10 nul pad)");
	} else {
		wc_sb_puts(sb, " (pad: ");
		wc_sb_bytesrepr(sb, v->b + 6, v->blen - 6);
		wc_sb_putc(sb, ')');
	}
}

/* StrEnumField.i2repr: bytes repr without trailing NULs, and the cookie's name. */
static void options_repr(struct wc_sb *sb, const struct wc_layer *l, unsigned fi)
{
	const struct wc_val *v = &l->v[fi];
	size_t n = v->blen;

	while (n && !v->b[n - 1])
		n--;
	wc_sb_bytesrepr(sb, v->b, n);
	if (v->blen == 4 && !memcmp(v->b, wc_dhcp_magic, 4))
		wc_sb_puts(sb, " (DHCP magic)");
}

static const struct wc_field bootp_fields[] = {
	[F_OP] = { .name = "op", .kind = WC_K_ENUM, .bits = 8, .def = 1, .names = op_names },
	[F_HTYPE] = { .name = "htype", .kind = WC_K_ENUM, .bits = 8, .def = 1, .names = htypes },
	[F_HLEN] = { .name = "hlen", .kind = WC_K_UINT, .bits = 8, .def = 6 },
	[F_HOPS] = { .name = "hops", .kind = WC_K_UINT, .bits = 8 },
	[F_XID] = { .name = "xid", .kind = WC_K_XINT, .bits = 32 },
	[F_SECS] = { .name = "secs", .kind = WC_K_UINT, .bits = 16 },
	[F_FLAGS] = { .name = "flags", .kind = WC_K_FLAGS, .bits = 16, .names = flag_names },
	[F_CIADDR] = { .name = "ciaddr", .kind = WC_K_IPV4, .bits = 32 },
	[F_YIADDR] = { .name = "yiaddr", .kind = WC_K_IPV4, .bits = 32 },
	[F_SIADDR] = { .name = "siaddr", .kind = WC_K_IPV4, .bits = 32 },
	[F_GIADDR] = { .name = "giaddr", .kind = WC_K_IPV4, .bits = 32 },
	[F_CHADDR] = { .name = "chaddr", .kind = WC_K_BYTES, .dlen = d16, .blen = fix16,
		       .repr = chaddr_repr },
	[F_SNAME] = { .name = "sname", .kind = WC_K_BYTES, .dlen = d64, .blen = fix64,
		      .repr = fixed_repr },
	[F_FILE] = { .name = "file", .kind = WC_K_BYTES, .dlen = d128, .blen = fix128,
		     .repr = fixed_repr },
	[F_OPTIONS] = { .name = "options", .kind = WC_K_BYTES, .dlen = options_len,
			.repr = options_repr },
};

extern const struct wc_proto wc_proto_dhcp;

/* Scapy's guess_payload_class: DHCP when the options are the cookie. */
static const struct wc_proto *guess(const struct wc_layer *l, const uint8_t *pay, size_t n)
{
	(void)pay;
	(void)n;
	return l->v[F_OPTIONS].blen == 4 && !memcmp(l->v[F_OPTIONS].b, wc_dhcp_magic, 4)
		       ? &wc_proto_dhcp
		       : NULL;
}

/* bind_layers(BOOTP, DHCP, options=dhcpmagic): stacking DHCP writes the cookie. */
static void pre_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (li + 1 < p->nlayers && p->l[li + 1].proto == &wc_proto_dhcp &&
	    !(l->set & (1u << F_OPTIONS))) {
		l->v[F_OPTIONS].b = wc_dhcp_magic;
		l->v[F_OPTIONS].blen = 4;
	}
}

const struct wc_proto wc_proto_bootp = {
	.name = "BOOTP",
	.title = "BOOTP",
	.fields = bootp_fields,
	.nfields = sizeof(bootp_fields) / sizeof(bootp_fields[0]),
	.guess = guess,
	.pre_build = pre_build,
	.hashret = wc_corr_bootp_hashret,
	.answers = wc_corr_bootp_answers,
};
