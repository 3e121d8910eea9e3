/* SPDX-License-Identifier: MIT */
/* Shared by icmp6.c and icmp6_nd.c: the fields every ICMPv6 message starts with, the
 * type dispatch and the mysummary helper. Private to user/proto. */
#ifndef WIRECRAFT_PROTO_ICMP6_IMPL_H
#define WIRECRAFT_PROTO_ICMP6_IMPL_H

#include "wirecraft/format.h"
#include "wirecraft/proto.h"

#define COUNT(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))

/* Scapy's icmp6types: the names of the type field. */
extern const struct wc_name wc_icmp6_types[];

/* The checksum is Scapy's `cksum` (not `chksum` as in ICMP, TCP and UDP). */
#define ICMP6_TYPE(t) \
	{.name = "type", .kind = WC_K_ENUM, .bits = 8, .def = (t), .names = wc_icmp6_types}
#define ICMP6_CODE {.name = "code", .kind = WC_K_UINT, .bits = 8}
#define ICMP6_CODE_ENUM(n) {.name = "code", .kind = WC_K_ENUM, .bits = 8, .names = (n)}
#define ICMP6_CKSUM \
	{.name = "cksum", .kind = WC_K_XINT, .bits = 16, .flags = WC_FF_AUTO | WC_FF_CSUM}

/* Every ICMPv6 class: checksum over the IPv6 pseudo-header (next header 58) and the
 * shared dispatch, so whichever class a binding names, dissection picks the class from the
 * type byte. */
#define ICMP6_PROTO(cls, ttl, tbl, ...)                                                 \
	{.name = (cls), .title = (ttl), .fields = (tbl), .nfields = COUNT(tbl),         \
	 .csum = WC_CS_PSEUDO, .csum_proto = 58, .csum_any_below = true,                 \
	 .dispatch = wc_icmp6_dispatch, __VA_ARGS__}

/* The ICMPv6 class for a message's type byte (Raw when Scapy would leave it Raw). */
const struct wc_proto *wc_icmp6_dispatch(const uint8_t *b, size_t n);

/* Scapy's self.sprintf() as the inet6 classes' mysummary use it: %name% is the layer's
 * name (our title), %field% the field as show writes it. */
void wc_icmp6_sprintf(struct wc_sb *sb, const struct wc_layer *l, const char *fmt);

/* A summary hook that is one such format. */
#define ICMP6_SUMMARY(fn, fmt)                                                         \
	static int fn(const struct wc_pkt *p, unsigned li, char *out, size_t cap)      \
	{                                                                              \
		struct wc_sb sb;                                                       \
		wc_sb_init(&sb, out, cap);                                             \
		wc_icmp6_sprintf(&sb, &p->l[li], fmt);                                 \
		return wc_sb_result(&sb);                                              \
	}

#endif
