/* SPDX-License-Identifier: MIT */
/* GENEVE (RFC 8926) as Scapy 2.5's scapy.contrib.geneve.GENEVE. The options (Scapy's list
 * of GeneveOptions) are their bytes here: class, type, length and data back to back. */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_ether_types[];

enum { F_VERSION, F_OPTLEN, F_OAM, F_CRITICAL, F_RESERVED, F_PROTO, F_VNI, F_RESERVED2,
       F_OPTIONS };

/* optionlen counts 4-byte words of options. */
static size_t options_dlen(const struct wc_layer *l, size_t avail)
{
	(void)avail;
	return (size_t)l->v[F_OPTLEN].u * 4;
}

static const struct wc_field geneve_fields[] = {
	[F_VERSION] = {.name = "version", .kind = WC_K_UINT, .bits = 2},
	[F_OPTLEN] = {.name = "optionlen", .kind = WC_K_UINT, .bits = 6, .flags = WC_FF_AUTO},
	[F_OAM] = {.name = "oam", .kind = WC_K_UINT, .bits = 1},
	[F_CRITICAL] = {.name = "critical", .kind = WC_K_UINT, .bits = 1},
	[F_RESERVED] = {.name = "reserved", .kind = WC_K_UINT, .bits = 6},
	[F_PROTO] = {.name = "proto", .kind = WC_K_XINT, .bits = 16, .names = wc_ether_types},
	[F_VNI] = {.name = "vni", .kind = WC_K_XINT, .bits = 24},
	[F_RESERVED2] = {.name = "reserved2", .kind = WC_K_XINT, .bits = 8},
	[F_OPTIONS] = {.name = "options", .kind = WC_K_BYTES, .flags = WC_FF_LIST,
		       .dlen = options_dlen},
};

/* Scapy's post_build masks the word count with 0x2f, not 0x3f: 16 or more words lose bit
 * 4. Reproduced, since the point is Scapy's bytes. */
static int geneve_post_build(struct wc_pkt *p, unsigned li)
{
	struct wc_layer *l = &p->l[li];

	if (!(l->set & (1u << F_OPTLEN))) {
		l->v[F_OPTLEN].u = ((l->hlen - 8) / 4) & 0x2f;
		wc_pkt_put_field(p, li, F_OPTLEN, &l->v[F_OPTLEN]);
	}
	return 0;
}

/* Scapy's mysummary: "GENEVE (vni=0x2a,optionlen=0,proto=TEB)". */
static int geneve_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "GENEVE (vni=");
	wc_sb_field(&sb, &p->l[li], "vni");
	wc_sb_puts(&sb, ",optionlen=");
	wc_sb_field(&sb, &p->l[li], "optionlen");
	wc_sb_puts(&sb, ",proto=");
	wc_sb_field(&sb, &p->l[li], "proto");
	wc_sb_putc(&sb, ')');
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_geneve = {
	.name = "GENEVE",
	.title = "GENEVE",
	.fields = geneve_fields,
	.nfields = sizeof(geneve_fields) / sizeof(geneve_fields[0]),
	.post_build = geneve_post_build,
	.summary = geneve_summary,
	.answers = wc_corr_geneve_answers,
};
