/* SPDX-License-Identifier: MIT */
/* IPv6 Neighbor Discovery (RFC 4861 and friends, Scapy's ICMPv6ND_* and ICMPv6NDOpt*):
 * the five ND messages and their options. Each option is a layer of its own, as in Scapy:
 * after an ND message or an option, the next bytes are an option chosen by its type byte
 * (Scapy's _ICMPv6NDGuessPayload). */
#include <string.h>

#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "icmp6_impl.h"
#include "corr.h"

ICMP6_SUMMARY(ra_summary, "%name% Lifetime %routerlifetime% Hop Limit %chlim% "
			  "Preference %prf% Managed %M% Other %O% Home %H%")
ICMP6_SUMMARY(tgt_summary, "%name% (tgt: %tgt%)")
ICMP6_SUMMARY(lladdr_summary, "%name% %lladdr%")
ICMP6_SUMMARY(prefixinfo_summary, "%name% %prefix%/%prefixlen% On-link %L% "
				  "Autonomous Address %A% Router Address %R%")
ICMP6_SUMMARY(mtu_summary, "%name% %mtu%")
ICMP6_SUMMARY(advinterval_summary, "%name% %advint% milliseconds")
ICMP6_SUMMARY(hainfo_summary, "%name% %pref% %lifetime% seconds")

/* Scapy's icmp6ndraprefs (RFC 4191 router preference). */
static const struct wc_name ra_prefs[] = {
	{0, "Medium (default)"}, {1, "High"}, {2, "Reserved"}, {3, "Low"}, {0, NULL},
};

static const struct wc_proto *next_option(const struct wc_layer *l, const uint8_t *pay,
					  size_t n);

/* ---- ND messages ------------------------------------------------------------------- */

#define BIT(n, d) {.name = (n), .kind = WC_K_UINT, .bits = 1, .def = (d)}

static const struct wc_field rs_fields[] = {
	ICMP6_TYPE(133), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "res", .kind = WC_K_UINT, .bits = 32},
};

static const struct wc_field ra_fields[] = {
	ICMP6_TYPE(134), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "chlim", .kind = WC_K_UINT, .bits = 8},
	BIT("M", 0), BIT("O", 0), BIT("H", 0),
	/* Scapy defaults to "High", not RFC 4191's medium. */
	{.name = "prf", .kind = WC_K_ENUM, .bits = 2, .def = 1, .names = ra_prefs},
	BIT("P", 0),
	{.name = "res", .kind = WC_K_UINT, .bits = 2},
	{.name = "routerlifetime", .kind = WC_K_UINT, .bits = 16, .def = 1800},
	{.name = "reachabletime", .kind = WC_K_UINT, .bits = 32},
	{.name = "retranstimer", .kind = WC_K_UINT, .bits = 32},
};

static const struct wc_field ns_fields[] = {
	ICMP6_TYPE(135), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "res", .kind = WC_K_UINT, .bits = 32},
	{.name = "tgt", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_field na_fields[] = {
	ICMP6_TYPE(136), ICMP6_CODE, ICMP6_CKSUM,
	/* Scapy sets Router and Override by default. */
	BIT("R", 1), BIT("S", 0), BIT("O", 1),
	{.name = "res", .kind = WC_K_XINT, .bits = 29},
	{.name = "tgt", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_field redirect_fields[] = {
	ICMP6_TYPE(137), ICMP6_CODE, ICMP6_CKSUM,
	{.name = "res", .kind = WC_K_XINT, .bits = 32},
	{.name = "tgt", .kind = WC_K_IPV6, .bits = 128},
	{.name = "dst", .kind = WC_K_IPV6, .bits = 128},
};

/* ND messages are followed by options. */
#define ND_MSG(cls, ttl, tbl, ...) ICMP6_PROTO(cls, ttl, tbl, .guess = next_option, __VA_ARGS__)

const struct wc_proto wc_proto_icmp6_nd_rs = ND_MSG(
	"ICMPv6ND_RS", "ICMPv6 Neighbor Discovery - Router Solicitation", rs_fields,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_nd_ra = ND_MSG(
	"ICMPv6ND_RA", "ICMPv6 Neighbor Discovery - Router Advertisement", ra_fields,
	.summary = ra_summary, .answers = wc_corr_icmp6_nd_ra_answers);
const struct wc_proto wc_proto_icmp6_nd_ns = ND_MSG(
	"ICMPv6ND_NS", "ICMPv6 Neighbor Discovery - Neighbor Solicitation", ns_fields,
	.summary = tgt_summary, .hashret = wc_corr_icmp6_nd_tgt_hashret,
	.answers = wc_corr_icmp6_answers);
const struct wc_proto wc_proto_icmp6_nd_na = ND_MSG(
	"ICMPv6ND_NA", "ICMPv6 Neighbor Discovery - Neighbor Advertisement", na_fields,
	.summary = tgt_summary, .hashret = wc_corr_icmp6_nd_tgt_hashret,
	.answers = wc_corr_icmp6_nd_na_answers);
const struct wc_proto wc_proto_icmp6_nd_redirect = ND_MSG(
	"ICMPv6ND_Redirect", "ICMPv6 Neighbor Discovery - Redirect", redirect_fields,
	.answers = wc_corr_icmp6_answers);

/* ---- ND options ---------------------------------------------------------------------- */

/* Every option starts with type and len; `len` counts 8-byte units (except in Scapy's
 * ICMPv6NDOptUnknown, where it counts bytes). Fixed-size options carry a plain default
 * len, as Scapy does: a user-set len is sent but never changes how the option is read. */
enum { O_TYPE, O_LEN };
/* The variable-length field of the options whose hooks read it. */
enum { RH_PKT = 3, RDNSS_DNS = 4, DNSSL_LIST = 4, RI_PREFIX = 7 };

#define OPT_TYPE(t) {.name = "type", .kind = WC_K_UINT, .bits = 8, .def = (t)}
#define OPT_LEN(d) {.name = "len", .kind = WC_K_UINT, .bits = 8, .def = (d)}
#define OPT_LEN_AUTO {.name = "len", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO}

/* Python's s[:k] on `avail` bytes: a negative k drops bytes from the end. Scapy's
 * length_from lambdas go negative for a len of 0, and Scapy dissects on regardless. */
static size_t py_slice(int64_t k, size_t avail)
{
	if (k >= 0)
		return (size_t)k; /* more than avail: dissect.c clamps and marks the layer */
	return (uint64_t)-k < avail ? avail - (size_t)-k : 0;
}

/* The variable part of an option measured in 8-byte units: 8 * len - 8 bytes. */
static size_t dlen_units(const struct wc_layer *l, size_t avail)
{
	return py_slice(8 * (int64_t)l->v[O_LEN].u - 8, avail);
}

/* ICMPv6NDOptUnknown: len counts bytes, type and len included. */
static size_t dlen_bytes(const struct wc_layer *l, size_t avail)
{
	return py_slice((int64_t)l->v[O_LEN].u - 2, avail);
}

/* An unset len: the option's size in 8-byte units. Every variable option has 8 bytes of
 * fixed fields, so this is Scapy's adjust (x + 8) // 8, 2 * count + 1 and 1 + x // 8 at
 * once. */
static int len_units_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << O_LEN))) {
		l->v[O_LEN].u = (l->hlen / 8) & 0xff;
		wc_pkt_put_field(p, li, O_LEN, &l->v[O_LEN]);
	}
	return 0;
}

static int len_bytes_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << O_LEN))) {
		l->v[O_LEN].u = l->hlen & 0xff;
		wc_pkt_put_field(p, li, O_LEN, &l->v[O_LEN]);
	}
	return 0;
}

static const uint8_t zero6[6];

/* Scapy's StrFixedLenField("res", b"\0" * 6, 6). */
static size_t six_bytes(const struct wc_layer *l, size_t avail)
{
	(void)l;
	(void)avail;
	return 6;
}

static size_t six_bytes_build(const struct wc_layer *l, size_t off)
{
	(void)l;
	(void)off;
	return 6;
}

#define RES6 \
	{.name = "res", .kind = WC_K_BYTES, .def_bytes = zero6, .def_len = 6, \
	 .dlen = six_bytes, .blen = six_bytes_build}

/* Redirected header: Scapy's TruncPktLenField sends the quoted packet cut down to whole
 * 8-byte units. */
static size_t redirected_pkt_build(const struct wc_layer *l, size_t off)
{
	(void)off;
	return l->v[RH_PKT].blen & ~(size_t)7;
}

/* Route information prefix (Scapy's _IP6PrefixField): with len unset the whole value;
 * with len set, len 0-1 send nothing, 2-3 the first 8 * (len - 1) bytes, more the
 * 16-byte prefix followed by zeros. */
static size_t route_prefix_build(const struct wc_layer *l, size_t off)
{
	uint64_t len = l->v[O_LEN].u;

	(void)off;
	if (!(l->set & (1u << O_LEN)))
		return l->v[RI_PREFIX].blen;
	if (len <= 1)
		return 0;
	if (len <= 3)
		return (size_t)(8 * (len - 1));
	return (size_t)(16 + 8 * (len - 3));
}

/* DNS search list: names in wire format, zero-padded to 8 bytes (padded=True). */
static size_t searchlist_build(const struct wc_layer *l, size_t off)
{
	(void)off;
	return (l->v[DNSSL_LIST].blen + 7) & ~(size_t)7;
}

static const struct wc_field srclladdr_fields[] = {
	OPT_TYPE(1), OPT_LEN(1), {.name = "lladdr", .kind = WC_K_MAC, .bits = 48},
};

static const struct wc_field dstlladdr_fields[] = {
	OPT_TYPE(2), OPT_LEN(1), {.name = "lladdr", .kind = WC_K_MAC, .bits = 48},
};

static const struct wc_field prefixinfo_fields[] = {
	OPT_TYPE(3), OPT_LEN(4),
	{.name = "prefixlen", .kind = WC_K_UINT, .bits = 8, .def = 64},
	BIT("L", 1), BIT("A", 1), BIT("R", 0),
	{.name = "res1", .kind = WC_K_UINT, .bits = 5},
	{.name = "validlifetime", .kind = WC_K_XINT, .bits = 32, .def = 0xffffffff},
	{.name = "preferredlifetime", .kind = WC_K_XINT, .bits = 32, .def = 0xffffffff},
	{.name = "res2", .kind = WC_K_XINT, .bits = 32},
	{.name = "prefix", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_field redirectedhdr_fields[] = {
	OPT_TYPE(4), OPT_LEN_AUTO, RES6,
	/* The quoted packet, as bytes (Scapy dissects it as IPv6 inside the field). */
	[RH_PKT] = {.name = "pkt", .kind = WC_K_BYTES, .dlen = dlen_units,
		    .blen = redirected_pkt_build},
};

static const struct wc_field mtu_fields[] = {
	OPT_TYPE(5), OPT_LEN(1),
	{.name = "res", .kind = WC_K_XINT, .bits = 16},
	{.name = "mtu", .kind = WC_K_UINT, .bits = 32, .def = 1280},
};

static const struct wc_field shortcutlimit_fields[] = {
	OPT_TYPE(6), OPT_LEN(1),
	{.name = "shortcutlim", .kind = WC_K_UINT, .bits = 8, .def = 40},
	{.name = "res1", .kind = WC_K_UINT, .bits = 8},
	{.name = "res2", .kind = WC_K_UINT, .bits = 32},
};

static const struct wc_field advinterval_fields[] = {
	OPT_TYPE(7), OPT_LEN(1),
	{.name = "res", .kind = WC_K_UINT, .bits = 16},
	{.name = "advint", .kind = WC_K_UINT, .bits = 32},
};

static const struct wc_field hainfo_fields[] = {
	OPT_TYPE(8), OPT_LEN(1),
	{.name = "res", .kind = WC_K_UINT, .bits = 16},
	{.name = "pref", .kind = WC_K_UINT, .bits = 16},
	{.name = "lifetime", .kind = WC_K_UINT, .bits = 16, .def = 1},
};

/* Address lists (Scapy's IP6ListField) are sent as the concatenated 16-byte addresses. */
static const struct wc_field srcaddrlist_fields[] = {
	OPT_TYPE(9), OPT_LEN_AUTO, RES6,
	{.name = "addrlist", .kind = WC_K_BYTES, .dlen = dlen_units},
};

static const struct wc_field tgtaddrlist_fields[] = {
	OPT_TYPE(10), OPT_LEN_AUTO, RES6,
	{.name = "addrlist", .kind = WC_K_BYTES, .dlen = dlen_units},
};

static const struct wc_name ipaddr_optcodes[] = {
	{1, "Old Care-Of Address"}, {2, "New Care-Of Address"}, {3, "NAR's IP address"},
	{0, NULL},
};

static const struct wc_field ipaddr_fields[] = {
	OPT_TYPE(17), OPT_LEN(3),
	{.name = "optcode", .kind = WC_K_ENUM, .bits = 8, .def = 1, .names = ipaddr_optcodes},
	{.name = "plen", .kind = WC_K_UINT, .bits = 8, .def = 64},
	{.name = "res", .kind = WC_K_UINT, .bits = 32},
	{.name = "addr", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_field newrtrprefix_fields[] = {
	OPT_TYPE(18), OPT_LEN(3),
	{.name = "optcode", .kind = WC_K_UINT, .bits = 8},
	{.name = "plen", .kind = WC_K_UINT, .bits = 8, .def = 64},
	{.name = "res", .kind = WC_K_UINT, .bits = 32},
	{.name = "prefix", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_name lla_optcodes[] = {
	{0, "Wildcard requesting resolution for all nearby AP"},
	{1, "LLA for the new AP"},
	{2, "LLA of the MN"},
	{3, "LLA of the NAR"},
	{4, "LLA of the src of TrSolPr or PrRtAdv msg"},
	{5, "AP identified by LLA belongs to current iface of router"},
	{6, "No preifx info available for AP identified by the LLA"},
	{7, "No fast handovers support for AP identified by the LLA"},
	{0, NULL},
};

/* 9 bytes with len 1: Scapy's layout, kept so the bytes match. */
static const struct wc_field lla_fields[] = {
	OPT_TYPE(19), OPT_LEN(1),
	{.name = "optcode", .kind = WC_K_ENUM, .bits = 8, .names = lla_optcodes},
	{.name = "lla", .kind = WC_K_MAC, .bits = 48},
};

static const struct wc_field map_fields[] = {
	OPT_TYPE(23), OPT_LEN(3),
	{.name = "dist", .kind = WC_K_UINT, .bits = 4, .def = 1},
	{.name = "pref", .kind = WC_K_UINT, .bits = 4, .def = 15},
	BIT("R", 1),
	{.name = "res", .kind = WC_K_UINT, .bits = 7},
	{.name = "validlifetime", .kind = WC_K_UINT, .bits = 32, .def = 0xffffffff},
	{.name = "addr", .kind = WC_K_IPV6, .bits = 128},
};

static const struct wc_field routeinfo_fields[] = {
	OPT_TYPE(24), OPT_LEN_AUTO,
	/* Scapy's default None (sent as 0): left alone by fuzz(), as there. */
	{.name = "plen", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	{.name = "res1", .kind = WC_K_UINT, .bits = 3},
	{.name = "prf", .kind = WC_K_ENUM, .bits = 2, .names = ra_prefs},
	{.name = "res2", .kind = WC_K_UINT, .bits = 3},
	{.name = "rtlifetime", .kind = WC_K_UINT, .bits = 32, .def = 0xffffffff},
	/* 0, 8 or 16 bytes of prefix on the wire, so bytes rather than an address. */
	[RI_PREFIX] = {.name = "prefix", .kind = WC_K_BYTES, .dlen = dlen_units,
		       .blen = route_prefix_build},
};

static const struct wc_field rdnss_fields[] = {
	OPT_TYPE(25), OPT_LEN_AUTO,
	{.name = "res", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	{.name = "lifetime", .kind = WC_K_UINT, .bits = 32, .def = 0xffffffff},
	[RDNSS_DNS] = {.name = "dns", .kind = WC_K_BYTES, .dlen = dlen_units},
};

static const struct wc_field efa_fields[] = {
	OPT_TYPE(26), OPT_LEN(1),
	{.name = "res", .kind = WC_K_UINT, .bits = 48},
};

static const struct wc_field dnssl_fields[] = {
	OPT_TYPE(31), OPT_LEN_AUTO,
	{.name = "res", .kind = WC_K_UINT, .bits = 16, .flags = WC_FF_AUTO},
	{.name = "lifetime", .kind = WC_K_UINT, .bits = 32, .def = 0xffffffff},
	/* Domain names in DNS wire format. */
	[DNSSL_LIST] = {.name = "searchlist", .kind = WC_K_BYTES, .dlen = dlen_units,
			.blen = searchlist_build},
};

/* Scapy's default type is None, sent as 0 (AUTO marks Scapy's None defaults). */
static const struct wc_field unknownopt_fields[] = {
	{.name = "type", .kind = WC_K_UINT, .bits = 8, .flags = WC_FF_AUTO},
	OPT_LEN_AUTO,
	{.name = "data", .kind = WC_K_BYTES, .dlen = dlen_bytes},
};

/* "... 2001:db8::/32 Preference Medium (default)": the prefix zero-filled to 16 bytes, as
 * Scapy's _IP6PrefixField shows it. */
static int routeinfo_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_val *v = &l->v[RI_PREFIX];
	uint8_t a[16] = {0};
	struct wc_sb sb;

	if (v->b)
		memcpy(a, v->b, v->blen < 16 ? v->blen : 16);
	wc_sb_init(&sb, out, cap);
	wc_icmp6_sprintf(&sb, l, "%name% ");
	wc_sb_ipv6(&sb, a);
	wc_icmp6_sprintf(&sb, l, "/%plen% Preference %prf%");
	return wc_sb_result(&sb);
}

/* "... 2001:db8::53, 2001:db8::54": the whole addresses in the list. */
static int rdnss_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_val *v = &l->v[RDNSS_DNS];
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_icmp6_sprintf(&sb, l, "%name% ");
	for (size_t i = 0; v->b && i + 16 <= v->blen; i += 16) {
		if (i)
			wc_sb_puts(&sb, ", ");
		wc_sb_ipv6(&sb, v->b + i);
	}
	return wc_sb_result(&sb);
}

/* A label from the wire, which may hold any byte: printable ASCII as is, the rest as \xHH,
 * so a summary stays one printable line. */
static void label_repr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] > 0x20 && b[i] < 0x7f && b[i] != '\\')
			wc_sb_putc(sb, (char)b[i]);
		else
			wc_sb_printf(sb, "\\x%02x", b[i]);
	}
}

/* "... example.com., a.b.": the names of the search list (Scapy's DomainNameListField,
 * padded: the zero bytes between names and at the end name nothing). */
static int dnssl_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	const uint8_t *b = l->v[DNSSL_LIST].b;
	size_t n = b ? l->v[DNSSL_LIST].blen : 0, i = 0;
	bool first = true;
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_icmp6_sprintf(&sb, l, "%name% ");
	while (i < n) {
		bool labels = false;

		while (i < n && b[i]) {
			size_t len = b[i], take = len < n - i - 1 ? len : n - i - 1;

			if (!labels && !first)
				wc_sb_puts(&sb, ", ");
			if (labels)
				wc_sb_putc(&sb, '.');
			label_repr(&sb, b + i + 1, take);
			labels = true;
			first = false;
			i += 1 + take;
		}
		if (labels)
			wc_sb_putc(&sb, '.');
		if (i < n && !b[i])
			i++;
	}
	return wc_sb_result(&sb);
}

#define ND_OPT(cls, ttl, tbl, ...)                                                      \
	{.name = (cls), .title = (ttl), .fields = (tbl), .nfields = COUNT(tbl),         \
	 .guess = next_option, __VA_ARGS__}

const struct wc_proto wc_proto_icmp6_ndopt_srclladdr = ND_OPT(
	"ICMPv6NDOptSrcLLAddr", "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address",
	srclladdr_fields, .summary = lladdr_summary);
const struct wc_proto wc_proto_icmp6_ndopt_dstlladdr = ND_OPT(
	"ICMPv6NDOptDstLLAddr",
	"ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address", dstlladdr_fields,
	.summary = lladdr_summary);
const struct wc_proto wc_proto_icmp6_ndopt_prefixinfo = ND_OPT(
	"ICMPv6NDOptPrefixInfo", "ICMPv6 Neighbor Discovery Option - Prefix Information",
	prefixinfo_fields, .summary = prefixinfo_summary);
const struct wc_proto wc_proto_icmp6_ndopt_redirectedhdr = ND_OPT(
	"ICMPv6NDOptRedirectedHdr", "ICMPv6 Neighbor Discovery Option - Redirected Header",
	redirectedhdr_fields, .post_build = len_units_post_build);
const struct wc_proto wc_proto_icmp6_ndopt_mtu = ND_OPT(
	"ICMPv6NDOptMTU", "ICMPv6 Neighbor Discovery Option - MTU", mtu_fields,
	.summary = mtu_summary);
const struct wc_proto wc_proto_icmp6_ndopt_shortcutlimit = ND_OPT(
	"ICMPv6NDOptShortcutLimit", "ICMPv6 Neighbor Discovery Option - NBMA Shortcut Limit",
	shortcutlimit_fields);
const struct wc_proto wc_proto_icmp6_ndopt_advinterval = ND_OPT(
	"ICMPv6NDOptAdvInterval", "ICMPv6 Neighbor Discovery - Interval Advertisement",
	advinterval_fields, .summary = advinterval_summary);
const struct wc_proto wc_proto_icmp6_ndopt_hainfo = ND_OPT(
	"ICMPv6NDOptHAInfo", "ICMPv6 Neighbor Discovery - Home Agent Information",
	hainfo_fields, .summary = hainfo_summary);
const struct wc_proto wc_proto_icmp6_ndopt_srcaddrlist = ND_OPT(
	"ICMPv6NDOptSrcAddrList",
	"ICMPv6 Inverse Neighbor Discovery Option - Source Address List", srcaddrlist_fields,
	.post_build = len_units_post_build);
const struct wc_proto wc_proto_icmp6_ndopt_tgtaddrlist = ND_OPT(
	"ICMPv6NDOptTgtAddrList",
	"ICMPv6 Inverse Neighbor Discovery Option - Target Address List", tgtaddrlist_fields,
	.post_build = len_units_post_build);
const struct wc_proto wc_proto_icmp6_ndopt_ipaddr = ND_OPT(
	"ICMPv6NDOptIPAddr", "ICMPv6 Neighbor Discovery - IP Address Option (FH for MIPv6)",
	ipaddr_fields);
const struct wc_proto wc_proto_icmp6_ndopt_newrtrprefix = ND_OPT(
	"ICMPv6NDOptNewRtrPrefix",
	"ICMPv6 Neighbor Discovery - New Router Prefix Information Option (FH for MIPv6)",
	newrtrprefix_fields);
const struct wc_proto wc_proto_icmp6_ndopt_lla = ND_OPT(
	"ICMPv6NDOptLLA",
	"ICMPv6 Neighbor Discovery - Link-Layer Address (LLA) Option (FH for MIPv6)",
	lla_fields);
const struct wc_proto wc_proto_icmp6_ndopt_map = ND_OPT(
	"ICMPv6NDOptMAP", "ICMPv6 Neighbor Discovery - MAP Option", map_fields);
const struct wc_proto wc_proto_icmp6_ndopt_routeinfo = ND_OPT(
	"ICMPv6NDOptRouteInfo",
	"ICMPv6 Neighbor Discovery Option - Route Information Option", routeinfo_fields,
	.post_build = len_units_post_build, .summary = routeinfo_summary);
const struct wc_proto wc_proto_icmp6_ndopt_rdnss = ND_OPT(
	"ICMPv6NDOptRDNSS",
	"ICMPv6 Neighbor Discovery Option - Recursive DNS Server Option", rdnss_fields,
	.post_build = len_units_post_build, .summary = rdnss_summary);
const struct wc_proto wc_proto_icmp6_ndopt_efa = ND_OPT(
	"ICMPv6NDOptEFA", "ICMPv6 Neighbor Discovery Option - Expanded Flags Option",
	efa_fields);
const struct wc_proto wc_proto_icmp6_ndopt_dnssl = ND_OPT(
	"ICMPv6NDOptDNSSL", "ICMPv6 Neighbor Discovery Option - DNS Search List Option",
	dnssl_fields, .post_build = len_units_post_build, .summary = dnssl_summary);
const struct wc_proto wc_proto_icmp6_ndopt_unknown = ND_OPT(
	"ICMPv6NDOptUnknown", "ICMPv6 Neighbor Discovery Option - Scapy Unimplemented",
	unknownopt_fields, .post_build = len_bytes_post_build);

/* Scapy's icmp6ndoptscls. */
static const struct wc_proto *const nd_options[256] = {
	[1] = &wc_proto_icmp6_ndopt_srclladdr,
	[2] = &wc_proto_icmp6_ndopt_dstlladdr,
	[3] = &wc_proto_icmp6_ndopt_prefixinfo,
	[4] = &wc_proto_icmp6_ndopt_redirectedhdr,
	[5] = &wc_proto_icmp6_ndopt_mtu,
	[6] = &wc_proto_icmp6_ndopt_shortcutlimit,
	[7] = &wc_proto_icmp6_ndopt_advinterval,
	[8] = &wc_proto_icmp6_ndopt_hainfo,
	[9] = &wc_proto_icmp6_ndopt_srcaddrlist,
	[10] = &wc_proto_icmp6_ndopt_tgtaddrlist,
	[17] = &wc_proto_icmp6_ndopt_ipaddr,
	[18] = &wc_proto_icmp6_ndopt_newrtrprefix,
	[19] = &wc_proto_icmp6_ndopt_lla,
	[23] = &wc_proto_icmp6_ndopt_map,
	[24] = &wc_proto_icmp6_ndopt_routeinfo,
	[25] = &wc_proto_icmp6_ndopt_rdnss,
	[26] = &wc_proto_icmp6_ndopt_efa,
	[31] = &wc_proto_icmp6_ndopt_dnssl,
};

/* After an ND message or option: the option its type byte names. A single byte left, or a
 * type Scapy has no class for, is Raw (Scapy never picks ICMPv6NDOptUnknown itself). */
static const struct wc_proto *next_option(const struct wc_layer *l, const uint8_t *pay,
					  size_t n)
{
	(void)l;
	return n > 1 ? nd_options[pay[0]] : NULL;
}
