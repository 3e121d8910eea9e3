/* SPDX-License-Identifier: MIT */
/* Scapy's summary(): each layer's name, except the innermost layer whose mysummary has
 * something to say, which shows that instead. The per-protocol text comes from the
 * protos' `summary` hooks (contract in format.h). */
#include <errno.h>
#include <string.h>

#include "wirecraft/format.h"

int wc_fmt_summary(const struct wc_pkt *p, char *out, size_t cap)
{
	struct wc_sb sb;
	int talker = -1; /* the layer whose hook speaks */

	if (!p || p->nlayers > WC_MAX_LAYERS)
		return -EINVAL;
	/* Scapy asks from the innermost layer out and stops at the first non-empty answer. */
	for (unsigned li = p->nlayers; li-- > 0 && talker < 0;) {
		const struct wc_proto *pr = p->l[li].proto;
		int n;

		if (!pr->summary)
			continue;
		n = pr->summary(p, li, NULL, 0);
		if (n < 0)
			return n;
		if (n > 0)
			talker = (int)li;
	}
	wc_sb_init(&sb, out, cap);
	for (unsigned li = 0; li < p->nlayers; li++) {
		const struct wc_proto *pr = p->l[li].proto;

		if (li)
			wc_sb_puts(&sb, " / ");
		if ((int)li != talker) {
			wc_sb_puts(&sb, pr->name);
			continue;
		}
		/* Let the hook write in place: it keeps snprintf's contract on what is left. */
		size_t room = sb.len + 1 < sb.cap ? sb.cap - sb.len : 0;
		int n = pr->summary(p, li, room ? sb.out + sb.len : NULL, room);

		if (n < 0)
			return n;
		if (room && (size_t)n >= room)
			sb.out[sb.cap - 1] = '\0';
		sb.len += (size_t)n;
	}
	return wc_sb_result(&sb);
}

/* Scapy's TCP and UDP summaries test isinstance(underlayer, IP) (or IPv6): the quoted
 * IPerror and IPerror6 are subclasses and count too. */
static bool is_ip_like(const struct wc_proto *pr)
{
	return !strcmp(pr->name, "IP") || !strcmp(pr->name, "IPerror") ||
	       !strcmp(pr->name, "IPv6") || !strcmp(pr->name, "IPerror6");
}

void wc_sb_ports(struct wc_sb *sb, const struct wc_pkt *p, unsigned li)
{
	const struct wc_layer *l = &p->l[li], *ip = li ? &p->l[li - 1] : NULL;

	if (ip && is_ip_like(ip->proto)) {
		wc_sb_field(sb, ip, "src");
		wc_sb_putc(sb, ':');
		wc_sb_field(sb, l, "sport");
		wc_sb_puts(sb, " > ");
		wc_sb_field(sb, ip, "dst");
		wc_sb_putc(sb, ':');
		wc_sb_field(sb, l, "dport");
	} else {
		wc_sb_field(sb, l, "sport");
		wc_sb_puts(sb, " > ");
		wc_sb_field(sb, l, "dport");
	}
}
