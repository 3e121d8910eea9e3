/* SPDX-License-Identifier: MIT */
/* VXLAN (RFC 7348) with the GPE and Group Policy extensions, as Scapy 2.5's VXLAN: one
 * flags byte decides which of the reserved, NextProtocol and group-policy fields follow. */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_proto wc_proto_ip, wc_proto_ipv6;

enum { F_FLAGS, F_RESERVED0, F_NEXTPROTO, F_RESERVED1, F_GPFLAGS, F_GPID, F_VNI, F_RESERVED2 };

#define FL_NEXTPROTO 0x04 /* bit 2: GPE, a next-protocol byte */
#define FL_G 0x80         /* bit 7: group policy */

static const struct wc_name vxlan_flag_names[] = {
	{0, "OAM"}, {1, "R"}, {2, "NextProtocol"}, {3, "Instance"},
	{4, "V1"}, {5, "V2"}, {6, "R"}, {7, "G"}, {0, NULL},
};

static const struct wc_name gp_flag_names[] = {
	{0, "R"}, {1, "R"}, {2, "R"}, {3, "A"}, {4, "R"}, {5, "R"}, {6, "D"}, {7, "R"},
	{0, NULL},
};

static const struct wc_name nextproto_names[] = {
	{0, "NotDefined"}, {1, "IPv4"}, {2, "IPv6"}, {3, "Ethernet"}, {4, "NSH"}, {0, NULL},
};

static bool has_nextproto(const struct wc_layer *l)
{
	return l->v[F_FLAGS].u & FL_NEXTPROTO;
}

static bool has_gp(const struct wc_layer *l)
{
	return l->v[F_FLAGS].u & FL_G;
}

static bool has_reserved1(const struct wc_layer *l)
{
	return !has_nextproto(l) && !has_gp(l);
}

static const struct wc_field vxlan_fields[] = {
	[F_FLAGS] = {.name = "flags", .kind = WC_K_FLAGS, .bits = 8, .def = 0x08,
		     .names = vxlan_flag_names},
	[F_RESERVED0] = {.name = "reserved0", .kind = WC_K_UINT, .bits = 16,
			 .present = has_nextproto},
	[F_NEXTPROTO] = {.name = "NextProtocol", .kind = WC_K_ENUM, .bits = 8,
			 .names = nextproto_names, .present = has_nextproto},
	[F_RESERVED1] = {.name = "reserved1", .kind = WC_K_UINT, .bits = 24,
			 .present = has_reserved1},
	[F_GPFLAGS] = {.name = "gpflags", .kind = WC_K_FLAGS, .bits = 8,
		       .flags = WC_FF_FLAGS_PLUS, .names = gp_flag_names, .present = has_gp},
	[F_GPID] = {.name = "gpid", .kind = WC_K_UINT, .bits = 16, .present = has_gp},
	[F_VNI] = {.name = "vni", .kind = WC_K_XINT, .bits = 24},
	[F_RESERVED2] = {.name = "reserved2", .kind = WC_K_XINT, .bits = 8},
};

/* Scapy's bottom-up bindings read NextProtocol, which is 0 (its default) when the flags
 * leave it out: 0 and 3 are Ethernet, 1 IPv4, 2 IPv6; anything else is Raw. */
static const struct wc_proto *vxlan_guess(const struct wc_layer *l, const uint8_t *pay,
					  size_t n)
{
	uint64_t np = has_nextproto(l) ? l->v[F_NEXTPROTO].u : 0;

	(void)pay;
	(void)n;
	switch (np) {
	case 0:
	case 3:
		return &wc_proto_ether;
	case 1:
		return &wc_proto_ip;
	case 2:
		return &wc_proto_ipv6;
	default:
		return &wc_proto_raw;
	}
}

/* Scapy's mysummary: "VXLAN (vni=0x2a)", with the group policy id when G is set. */
static int vxlan_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "VXLAN (vni=");
	wc_sb_field(&sb, &p->l[li], "vni");
	if (has_gp(&p->l[li])) {
		wc_sb_puts(&sb, " gpid=");
		wc_sb_field(&sb, &p->l[li], "gpid");
	}
	wc_sb_putc(&sb, ')');
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_vxlan = {
	.name = "VXLAN",
	.title = "VXLAN",
	.fields = vxlan_fields,
	.nfields = sizeof(vxlan_fields) / sizeof(vxlan_fields[0]),
	.guess = vxlan_guess,
	.guess_first = true,
	.summary = vxlan_summary,
};
