/* SPDX-License-Identifier: MIT */
/* IEEE 802.1Q VLAN tag (Scapy's Dot1Q) and the 802.1ad service tag (Dot1AD, the same
 * class under another name).
 *
 * Scapy gives Dot1Q aliastypes = [Ether] (Dot1AD: [Dot1Q, Ether]), so both take Ether's
 * bindings by `type` as their own, building and dissecting: bind_as does that here, and no
 * binding of their own is needed (Ether's 0x8100 -> Dot1Q and 0x88a8 -> Dot1AD give QinQ
 * in every order). */
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

#include "corr.h"

extern const struct wc_name wc_ether_types[];
extern const struct wc_proto wc_proto_llc;

enum { F_PRIO, F_ID, F_VLAN, F_TYPE };

static const struct wc_field dot1q_fields[] = {
	[F_PRIO] = {.name = "prio", .kind = WC_K_UINT, .bits = 3},
	/* Scapy calls the DEI/CFI bit `id`. */
	[F_ID] = {.name = "id", .kind = WC_K_UINT, .bits = 1},
	[F_VLAN] = {.name = "vlan", .kind = WC_K_UINT, .bits = 12, .def = 1},
	/* XShortEnumField: shown as a name, else in hex. */
	[F_TYPE] = {.name = "type", .kind = WC_K_XINT, .bits = 16, .names = wc_ether_types},
};

/* A type of 1500 or less is an 802.3 length: that many bytes of LLC, the rest Padding
 * (extract_padding). Scapy's own default type 0 thus turns any payload into Padding. */
static size_t dot1q_payload_len(const struct wc_layer *l, size_t avail)
{
	uint64_t t = l->v[F_TYPE].u;

	return t <= 1500 && t < avail ? (size_t)t : avail;
}

/* default_payload_class: LLC under an 802.3 length, else Raw. */
static const struct wc_proto *dot1q_guess(const struct wc_layer *l, const uint8_t *pay,
					  size_t n)
{
	(void)pay;
	(void)n;
	return l->v[F_TYPE].u <= 1500 ? &wc_proto_llc : NULL;
}

/* Scapy's mysummary: "802.1q 02:..:01 > 02:..:02 (IPv4) vlan 10" right over Ether,
 * "802.1q (IPv4) vlan 10" otherwise. */
static int dot1q_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &p->l[li];
	struct wc_sb sb;

	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "802.1q ");
	if (li > 0 && p->l[li - 1].proto == &wc_proto_ether) {
		wc_sb_field(&sb, &p->l[li - 1], "src");
		wc_sb_puts(&sb, " > ");
		wc_sb_field(&sb, &p->l[li - 1], "dst");
		wc_sb_putc(&sb, ' ');
	}
	wc_sb_putc(&sb, '(');
	wc_sb_value(&sb, l, F_TYPE, true);
	wc_sb_printf(&sb, ") vlan %u", (unsigned)l->v[F_VLAN].u);
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_dot1q = {
	.name = "Dot1Q",
	.title = "802.1Q",
	.fields = dot1q_fields,
	.nfields = sizeof(dot1q_fields) / sizeof(dot1q_fields[0]),
	.payload_len = dot1q_payload_len,
	.guess = dot1q_guess,
	.summary = dot1q_summary,
	.bind_as = &wc_proto_ether,
	.answers = wc_corr_dot1q_answers,
};

const struct wc_proto wc_proto_dot1ad = {
	.name = "Dot1AD",
	.title = "802_1AD",
	.fields = dot1q_fields,
	.nfields = sizeof(dot1q_fields) / sizeof(dot1q_fields[0]),
	.payload_len = dot1q_payload_len,
	.guess = dot1q_guess,
	.summary = dot1q_summary,
	.bind_as = &wc_proto_ether,
	.answers = wc_corr_dot1q_answers,
};
