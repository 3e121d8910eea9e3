/* SPDX-License-Identifier: MIT */
/* DHCP options (Scapy's DHCP, RFC 2132): one field, the option list after BOOTP's magic
 * cookie. The option table and its encoding live in user/dhcpopts.c. */
#include <string.h>

#include "../dhcpopts.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"

static const struct wc_field dhcp_fields[] = {
	{ .name = "options", .kind = WC_K_DHCPOPTS },
};

/* Scapy's mysummary: "DHCP Discover" from the first message-type option (its name with a
 * capital, nothing after "DHCP " for a type Scapy does not name); the name alone without. */
static int dhcp_summary(const struct wc_pkt *p, unsigned li, char *out, size_t cap)
{
	const struct wc_val *v = &p->l[li].v[0];
	int t = wc_dhcpopts_msgtype(v->b, v->blen);
	struct wc_sb sb;

	if (t < 0)
		return 0;
	wc_sb_init(&sb, out, cap);
	wc_sb_puts(&sb, "DHCP ");
	for (const struct wc_name *n = wc_dhcp_types; n->name; n++) {
		if (n->v != (uint64_t)t)
			continue;
		wc_sb_putc(&sb, (char)(n->name[0] - 'a' + 'A'));
		wc_sb_puts(&sb, n->name + 1);
	}
	return wc_sb_result(&sb);
}

const struct wc_proto wc_proto_dhcp = {
	.name = "DHCP",
	.title = "DHCP options",
	.fields = dhcp_fields,
	.nfields = 1,
	.summary = dhcp_summary,
};
