/* SPDX-License-Identifier: MIT */
/* IPv6 extension headers (Scapy's IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting,
 * IPv6ExtHdrFragment). They take IPv6's next-header bindings (bind_as, Scapy's aliastypes),
 * so IPv6()/IPv6ExtHdrHopByHop()/UDP() sets the extension header's nh to 17 and dissection
 * goes on by nh exactly as after IPv6. */
#include <string.h>

#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_proto wc_proto_ipv6;

#define COUNT(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))

/* Scapy's ipv6nh: the names IPv6 and its extension headers show for nh. */
const struct wc_name wc_ipv6_nh_names[] = {
	{0, "Hop-by-Hop Option Header"},
	{4, "IP"},
	{6, "TCP"},
	{17, "UDP"},
	{41, "IPv6"},
	{43, "Routing Header"},
	{44, "Fragment Header"},
	{47, "GRE"},
	{50, "ESP Header"},
	{51, "AH Header"},
	{58, "ICMPv6"},
	{59, "No Next Header"},
	{60, "Destination Option Header"},
	{112, "VRRP"},
	{132, "SCTP"},
	{135, "Mobility Header"},
	{0, NULL},
};

#define NH {.name = "nh", .kind = WC_K_ENUM, .bits = 8, .def = 59, .names = wc_ipv6_nh_names}
#define LEN_AUTO {.name = "len", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO}

enum { F_NH, F_LEN };

/* ---- Hop-by-hop and destination options ---------------------------------------------- */

enum { O_OPTIONS = 2 };

/* The options (type-length-value bytes) fill 8 * (len + 1) bytes with nh and len. */
static size_t options_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)(8 * (l->v[F_LEN].u + 1) - 2);
}

/* Scapy's autopad: the header ends on a multiple of 8 bytes. */
static size_t options_blen(const struct wc_layer *l, size_t off)
{
	return ((off + l->v[O_OPTIONS].blen + 7) & ~(size_t)7) - off;
}

/* The padding is one Pad1 (a zero byte) or one PadN (1, length, zeros), as Scapy writes
 * it; then len, in 8-byte units not counting the first 8. */
static int options_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	uint8_t *b = p->buf + l->off;
	size_t used = l->boff[O_OPTIONS] / 8 + l->v[O_OPTIONS].blen;

	if (used + 2 <= l->hlen) {
		b[used] = 1;
		b[used + 1] = (uint8_t)(l->hlen - used - 2);
	}
	if (!(l->set & (1u << F_LEN))) {
		l->v[F_LEN].u = (l->hlen / 8 - 1) & 0xff;
		wc_pkt_put_field(p, li, F_LEN, &l->v[F_LEN]);
	}
	return 0;
}

/* Options as bytes: Scapy's list of option objects, padded only at the end (Scapy also
 * pads between options to honour each option's alignment; bytes carry no such marks). */
static const struct wc_field hopbyhop_fields[] = {
	NH, LEN_AUTO,
	[O_OPTIONS] = {.name = "options", .kind = WC_K_BYTES, .dlen = options_dlen,
		       .blen = options_blen},
};

const struct wc_proto wc_proto_ipv6_hopbyhop = {
	.name = "IPv6ExtHdrHopByHop",
	.title = "IPv6 Extension Header - Hop-by-Hop Options Header",
	.fields = hopbyhop_fields,
	.nfields = COUNT(hopbyhop_fields),
	.post_build = options_post_build,
	.bind_as = &wc_proto_ipv6,
};

const struct wc_proto wc_proto_ipv6_destopt = {
	.name = "IPv6ExtHdrDestOpt",
	.title = "IPv6 Extension Header - Destination Options Header",
	.fields = hopbyhop_fields,
	.nfields = COUNT(hopbyhop_fields),
	.post_build = options_post_build,
	.bind_as = &wc_proto_ipv6,
};

/* ---- Routing header ------------------------------------------------------------------ */

enum { R_TYPE = 2, R_SEGLEFT, R_RESERVED, R_ADDRESSES };

static size_t addresses_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)(8 * l->v[F_LEN].u);
}

/* len counts 8-byte units (two per address); segleft, when unset, is the address count. */
static int routing_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];
	size_t n = l->v[R_ADDRESSES].blen / 16;

	if (!(l->set & (1u << F_LEN))) {
		l->v[F_LEN].u = (2 * n) & 0xff;
		wc_pkt_put_field(p, li, F_LEN, &l->v[F_LEN]);
	}
	if (!(l->set & (1u << R_SEGLEFT))) {
		l->v[R_SEGLEFT].u = n & 0xff;
		wc_pkt_put_field(p, li, R_SEGLEFT, &l->v[R_SEGLEFT]);
	}
	return 0;
}

/* Upper-layer checksums use the last address as the final destination, unless segleft is
 * 0 (Scapy's in6_pseudoheader; an unset segleft is None there, so it counts as non-zero
 * even before routing_post_build has filled it in). */
static bool routing_pseudo_dst(const struct wc_layer *l, uint8_t dst[16])
{
	size_t n = l->v[R_ADDRESSES].blen / 16;

	if (n == 0 || ((l->set & (1u << R_SEGLEFT)) && l->v[R_SEGLEFT].u == 0))
		return false;
	memcpy(dst, l->v[R_ADDRESSES].b + 16 * (n - 1), 16);
	return true;
}

static const struct wc_field routing_fields[] = {
	NH, LEN_AUTO,
	[R_TYPE] = {.name = "type", .kind = WC_K_UINT, .bits = 8},
	[R_SEGLEFT] = {.name = "segleft", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	[R_RESERVED] = {.name = "reserved", .kind = WC_K_UINT, .bits = 32},
	/* The 16-byte addresses back to back (Scapy's IP6ListField). */
	[R_ADDRESSES] = {.name = "addresses", .kind = WC_K_BYTES, .dlen = addresses_dlen},
};

const struct wc_proto wc_proto_ipv6_routing = {
	.name = "IPv6ExtHdrRouting",
	.title = "IPv6 Option Header Routing",
	.fields = routing_fields,
	.nfields = COUNT(routing_fields),
	.post_build = routing_post_build,
	.bind_as = &wc_proto_ipv6,
	.pseudo_dst = routing_pseudo_dst,
};

/* ---- Fragment header ----------------------------------------------------------------- */

enum { G_RES1 = 1, G_OFFSET, G_RES2, G_M, G_ID };

/* A fragment other than the first carries no upper-layer header: Raw, whatever nh says
 * (Scapy's IPv6ExtHdrFragment.guess_payload_class). NULL: go on by nh. */
static const struct wc_proto *fragment_guess(const struct wc_layer *l, const uint8_t *pay,
					     size_t n)
{
	(void)pay;
	(void)n;
	return l->v[G_OFFSET].u ? &wc_proto_raw : NULL;
}

static const struct wc_field fragment_fields[] = {
	NH,
	[G_RES1] = {.name = "res1", .kind = WC_K_UINT, .bits = 8},
	[G_OFFSET] = {.name = "offset", .kind = WC_K_UINT, .bits = 13},
	[G_RES2] = {.name = "res2", .kind = WC_K_UINT, .bits = 2},
	[G_M] = {.name = "m", .kind = WC_K_UINT, .bits = 1},
	/* Scapy's default is None, sent as 0. */
	[G_ID] = {.name = "id", .kind = WC_K_UINT, .bits = 32, .flags = WC_FF_AUTO},
};

const struct wc_proto wc_proto_ipv6_fragment = {
	.name = "IPv6ExtHdrFragment",
	.title = "IPv6 Extension Header - Fragmentation header",
	.fields = fragment_fields,
	.nfields = COUNT(fragment_fields),
	.guess = fragment_guess,
	.guess_first = true,
	.bind_as = &wc_proto_ipv6,
};
