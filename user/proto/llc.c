/* SPDX-License-Identifier: MIT */
/* IEEE 802.3 with a length instead of a type (Scapy's Dot3), 802.2 LLC and SNAP.
 *
 * Scapy picks between Ether and Dot3 from the bytes (dispatch_hook on both classes): a
 * type/length of 1500 or less is a length. Dot3 carries LLC whatever its fields; LLC
 * aa/aa/03 carries SNAP, whose `code` is an EtherType again. */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_name wc_ether_types[];

enum { F_DST, F_SRC, F_LEN };

extern const struct wc_proto wc_proto_dot3;

/* Dot3's dispatch, the mirror of Ether's (ether.c): a frame whose type/length field says
 * more than 1500 is Ether. Fewer than 14 bytes: left as asked. */
static const struct wc_proto *dot3_dispatch(const uint8_t *b, size_t n)
{
	return n >= 14 && (b[12] << 8 | b[13]) > 1500 ? &wc_proto_ether : &wc_proto_dot3;
}

static size_t dot3_payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t len = l->v[F_LEN].u;

	return len < avail ? (size_t)len : avail;
}

/* Scapy's mysummary: "802.3 src > dst". */
static int dot3_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "802.3 ");
	wc_sb_mac(&sb, p->l[li].v[F_SRC].u);
	wc_sb_puts(&sb, " > ");
	wc_sb_mac(&sb, p->l[li].v[F_DST].u);
	return wc_sb_result(&sb);
}

static const struct wc_field dot3_fields[] = {
	/* As Ether: Scapy resolves dst from the route; without an interface, broadcast. */
	[F_DST] = {.name = "dst", .kind = WC_K_MAC, .bits = 48, .def = 0xffffffffffffULL},
	[F_SRC] = {.name = "src", .kind = WC_K_MAC, .bits = 48},
	/* LenField: the payload's length. */
	[F_LEN] = {.name = "len", .kind = WC_K_UINT, .bits = 16,
		   .flags = WC_FF_AUTO | WC_FF_LEN_PAY},
};

const struct wc_proto wc_proto_dot3 = {
	.name = "Dot3",
	.title = "802.3",
	.fields = dot3_fields,
	.nfields = sizeof(dot3_fields) / sizeof(dot3_fields[0]),
	.payload_len = dot3_payload_len,
	.dispatch = dot3_dispatch,
	.summary = dot3_summary,
};

static const struct wc_field llc_fields[] = {
	{.name = "dsap", .kind = WC_K_XINT, .bits = 8},
	{.name = "ssap", .kind = WC_K_XINT, .bits = 8},
	{.name = "ctrl", .kind = WC_K_UINT, .bits = 8},
};

const struct wc_proto wc_proto_llc = {
	.name = "LLC",
	.title = "LLC",
	.fields = llc_fields,
	.nfields = sizeof(llc_fields) / sizeof(llc_fields[0]),
};

static const struct wc_field snap_fields[] = {
	{.name = "OUI", .kind = WC_K_XINT, .bits = 24},
	{.name = "code", .kind = WC_K_XINT, .bits = 16, .names = wc_ether_types},
};

const struct wc_proto wc_proto_snap = {
	.name = "SNAP",
	.title = "SNAP",
	.fields = snap_fields,
	.nfields = sizeof(snap_fields) / sizeof(snap_fields[0]),
};
