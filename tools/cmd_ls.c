/* SPDX-License-Identifier: MIT */
/* wirecraft ls: Scapy's ls(): every layer, or one layer's fields with their kinds and
 * defaults. Everything comes from the protocol tables, so it never goes stale. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "wirecraft/format.h"
#include "wirecraft/proto.h"

static const char ls_help[] =
	"Usage: wirecraft ls [LAYER]\n\n"
	"Without LAYER, list every layer wirecraft knows (Scapy's class names). With LAYER, list\n"
	"its fields as Scapy's ls(LAYER) does: name, kind, width and default.\n";

static const char *kind_name(const struct wc_field *f)
{
	static const char *const names[] = {
		[WC_K_UINT] = "int", [WC_K_XINT] = "hex int", [WC_K_ENUM] = "enum",
		[WC_K_FLAGS] = "flags", [WC_K_MAC] = "MAC", [WC_K_IPV4] = "IPv4",
		[WC_K_IPV6] = "IPv6", [WC_K_BYTES] = "bytes", [WC_K_TCPOPTS] = "TCP options",
		[WC_K_IPOPTS] = "IP options", [WC_K_DNSNAME] = "DNS name", [WC_K_DNSTXT] = "DNS text",
		[WC_K_RRLIST] = "DNS records",
		[WC_K_DHCPOPTS] = "DHCP options",
	};
	return f->kind < sizeof(names) / sizeof(names[0]) && names[f->kind] ? names[f->kind] : "?";
}

/* A list of records by its layers' names, as Scapy's ls shows <DNSQR  |>; None if empty. */
static void records_default(const struct wc_pkt *pkt, unsigned fi, char *out, size_t cap)
{
	const struct wc_pkt *sub = pkt->l[0].v[fi].blen ? wc_sub_expand(pkt, 0, fi, NULL) : NULL;
	size_t o = 0;

	snprintf(out, cap, "None");
	for (unsigned j = 0; sub && j < sub->nlayers && o < cap; j++)
		o += (size_t)snprintf(out + o, cap - o, "%s%s()", j ? "/" : "", sub->l[j].proto->name);
}

static void one_layer(const struct wc_proto *p)
{
	static uint8_t buf[WC_MAX_PKT];
	static struct wc_pkt pkt;

	/* A layer built alone gives the defaults in their shown form. */
	wc_pkt_init(&pkt, buf, sizeof(buf));
	wc_pkt_push(&pkt, p);
	wc_build(&pkt);
	for (unsigned i = 0; i < p->nfields; i++) {
		const struct wc_field *f = &p->fields[i];
		char width[16], def[256];

		if (f->flags & WC_FF_HIDDEN)
			continue;

		if (f->bits)
			snprintf(width, sizeof(width), "%u bits", f->bits);
		else
			snprintf(width, sizeof(width), "variable");
		if (f->flags & WC_FF_AUTO)
			snprintf(def, sizeof(def), "(computed)");
		else if (!(pkt.l[0].here & (1u << i)))
			snprintf(def, sizeof(def), "(conditional)");
		else if (f->kind == WC_K_RRLIST)
			records_default(&pkt, i, def, sizeof(def));
		else if (wc_fmt_field_value(&pkt.l[0], i, true, def, sizeof(def)) < 0)
			def[0] = 0;
		printf("%-12s: %-12s %-9s = %s\n", f->name, kind_name(f), width, def);
	}
}

int cmd_ls(int argc, char **argv)
{
	size_t n;
	const struct wc_proto *const *all = wc_proto_all(&n);

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(ls_help, stdout);
		cli_flush();
		return 0;
	}
	if (argc > 2)
		cli_usage("ls", "one layer at most");
	if (argc == 2) {
		one_layer(cli_layer("ls", argv[1]));
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%-28s: %s\n", all[i]->name, all[i]->title);
	}
	cli_flush();
	return 0;
}
