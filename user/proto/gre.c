/* SPDX-License-Identifier: MIT */
/* GRE (RFC 2784/2890) as Scapy 2.5's GRE, its source-route entries (GRErouting) and the
 * enhanced GRE of PPTP (GRE_PPTP, RFC 2637), which Scapy picks when proto is 0x880b. */
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

extern const struct wc_name wc_ether_types[];
extern const struct wc_proto wc_proto_gre_pptp;

#define COUNT(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))
#define BIT(nm, n) {.name = (nm), .kind = WC_K_UINT, .bits = (n)}

enum { F_CP, F_RP, F_KP, F_SP, F_SSR, F_RC, F_FLAGS, F_VERSION, F_PROTO, F_CHKSUM, F_OFFSET,
       F_KEY, F_SEQ };

/* Checksum and offset come as a pair, when either the checksum or routing bit is set. */
static bool has_csum(const struct wc_layer *l)
{
	return l->v[F_CP].u == 1 || l->v[F_RP].u == 1;
}

static bool has_key(const struct wc_layer *l)
{
	return l->v[F_KP].u == 1;
}

static bool has_seq(const struct wc_layer *l)
{
	return l->v[F_SP].u == 1;
}

/* Scapy's optional fields default to None, written as 0; only the checksum is computed,
 * and only when chksum_present says so (a routing-only header carries a zero checksum). */
static const struct wc_field gre_fields[] = {
	[F_CP] = BIT("chksum_present", 1),
	[F_RP] = BIT("routing_present", 1),
	[F_KP] = BIT("key_present", 1),
	[F_SP] = BIT("seqnum_present", 1),
	[F_SSR] = BIT("strict_route_source", 1),
	[F_RC] = BIT("recursion_control", 3),
	[F_FLAGS] = BIT("flags", 5),
	[F_VERSION] = BIT("version", 3),
	[F_PROTO] = {.name = "proto", .kind = WC_K_XINT, .bits = 16, .names = wc_ether_types},
	[F_CHKSUM] = {.name = "chksum", .kind = WC_K_XINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_CSUM, .present = has_csum},
	[F_OFFSET] = {.name = "offset", .kind = WC_K_XINT, .bits = 16, .flags = WC_FF_AUTO,
		      .present = has_csum},
	[F_KEY] = {.name = "key", .kind = WC_K_XINT, .bits = 32, .flags = WC_FF_AUTO,
		   .present = has_key},
	[F_SEQ] = {.name = "sequence_number", .kind = WC_K_XINT, .bits = 32, .flags = WC_FF_AUTO,
		   .present = has_seq},
};

/* The Internet checksum over the GRE header and its payload (not trailing Padding). */
static int gre_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (l->v[F_CP].u != 1 || (l->set & (1u << F_CHKSUM)) || !(l->here & (1u << F_CHKSUM)))
		return 0;
	l->v[F_CHKSUM].u = 0;
	wc_pkt_put_field(p, li, F_CHKSUM, &l->v[F_CHKSUM]);
	l->v[F_CHKSUM].u = wc_csum_fold(wc_csum_add(0, p->buf + l->off, l->hlen + l->plen));
	wc_pkt_put_field(p, li, F_CHKSUM, &l->v[F_CHKSUM]);
	return 0;
}

/* Scapy's GRE.dispatch_hook: proto 0x880b is PPTP's enhanced header. */
static const struct wc_proto *gre_dispatch(const uint8_t *b, size_t n);

const struct wc_proto wc_proto_gre = {
	.name = "GRE",
	.title = "GRE",
	.fields = gre_fields,
	.nfields = COUNT(gre_fields),
	.dispatch = gre_dispatch,
	.post_build = gre_post_build,
};

static const struct wc_proto *gre_dispatch(const uint8_t *b, size_t n)
{
	return n >= 4 && (b[2] << 8 | b[3]) == 0x880b ? &wc_proto_gre_pptp : &wc_proto_gre;
}

/* ---- GRE_PPTP ------------------------------------------------------------------------ */

enum { P_ACKP = 6, P_FLAGS, P_VERSION, P_PROTO, P_PAYLEN, P_CALLID, P_SEQ, P_ACK };

static bool pptp_has_ack(const struct wc_layer *l)
{
	return l->v[P_ACKP].u == 1;
}

static const struct wc_field pptp_fields[] = {
	[F_CP] = BIT("chksum_present", 1),
	[F_RP] = BIT("routing_present", 1),
	[F_KP] = {.name = "key_present", .kind = WC_K_UINT, .bits = 1, .def = 1},
	[F_SP] = BIT("seqnum_present", 1),
	[F_SSR] = BIT("strict_route_source", 1),
	[F_RC] = BIT("recursion_control", 3),
	[P_ACKP] = BIT("acknum_present", 1),
	[P_FLAGS] = BIT("flags", 4),
	[P_VERSION] = {.name = "version", .kind = WC_K_UINT, .bits = 3, .def = 1},
	[P_PROTO] = {.name = "proto", .kind = WC_K_XINT, .bits = 16, .def = 0x880b,
		     .names = wc_ether_types},
	/* Payload bytes after this header. */
	[P_PAYLEN] = {.name = "payload_len", .kind = WC_K_UINT, .bits = 16,
		      .flags = WC_FF_AUTO | WC_FF_LEN_PAY},
	[P_CALLID] = {.name = "call_id", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	[P_SEQ] = {.name = "sequence_number", .kind = WC_K_XINT, .bits = 32, .flags = WC_FF_AUTO,
		   .present = has_seq},
	[P_ACK] = {.name = "ack_number", .kind = WC_K_XINT, .bits = 32, .flags = WC_FF_AUTO,
		   .present = pptp_has_ack},
};

const struct wc_proto wc_proto_gre_pptp = {
	.name = "GRE_PPTP",
	.title = "GRE PPTP",
	.fields = pptp_fields,
	.nfields = COUNT(pptp_fields),
};

/* ---- GRErouting: one source route entry (SRE) ------------------------------------------ */

enum { R_AF, R_OFFSET, R_LEN, R_INFO };

static size_t info_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[R_LEN].u;
}

static int routing_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << R_LEN))) {
		l->v[R_LEN].u = l->v[R_INFO].blen & 0xff;
		wc_pkt_put_field(p, li, R_LEN, &l->v[R_LEN]);
	}
	return 0;
}

static const struct wc_field routing_fields[] = {
	[R_AF] = BIT("address_family", 16),
	[R_OFFSET] = BIT("SRE_offset", 8),
	[R_LEN] = {.name = "SRE_len", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	[R_INFO] = {.name = "routing_info", .kind = WC_K_BYTES, .dlen = info_dlen},
};

const struct wc_proto wc_proto_grerouting = {
	.name = "GRErouting",
	.title = "GRE routing information",
	.fields = routing_fields,
	.nfields = COUNT(routing_fields),
	.post_build = routing_post_build,
};
