/* SPDX-License-Identifier: MIT */
/* JSON view of a packet, in the shape the Scapy oracle writes (tests/oracle/gen.py):
 * [{"layer":"IP","fields":{...}}, ...]. Values come from the field kinds, never from
 * the packet bytes as text, so the output stays valid JSON whatever the bytes are. */
#include <errno.h>

#include "dnsname.h"
#include "dhcpopts.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"

/* A JSON string: the escapes JSON requires, everything else as is. Names come from
 * tables, but nothing here trusts that they are plain ASCII. */
static void json_str(struct wc_sb *sb, const char *s)
{
	wc_sb_putc(sb, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			wc_sb_putc(sb, '\\');
			wc_sb_putc(sb, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			/* Non-ASCII is escaped too: table names are not guaranteed UTF-8. */
			wc_sb_printf(sb, "\\u%04x", c);
		} else {
			wc_sb_putc(sb, (char)c);
		}
	}
	wc_sb_putc(sb, '"');
}

static void json_hex(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	wc_sb_putc(sb, '"');
	wc_sb_hex(sb, b, n);
	wc_sb_putc(sb, '"');
}

/* [[name, value], ...] as the oracle turns Scapy's option list into JSON. */
static void json_tcpopts(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	struct wc_tcpopt o;
	size_t pos = 0;
	bool first = true;

	wc_sb_putc(sb, '[');
	while (wc_tcpopt_next(b, n, &pos, &o) == 1) {
		wc_sb_puts(sb, first ? "[" : ",[");
		first = false;
		if (o.name)
			json_str(sb, o.name);
		else
			wc_sb_printf(sb, "%u", o.kind);
		wc_sb_putc(sb, ',');
		switch (o.type) {
		case WC_TO_NONE:
			wc_sb_puts(sb, "null");
			break;
		case WC_TO_INT:
			wc_sb_printf(sb, "%u", (unsigned)o.ints[0]);
			break;
		case WC_TO_TUPLE:
			wc_sb_putc(sb, '[');
			for (unsigned i = 0; i < o.nints; i++)
				wc_sb_printf(sb, i ? ",%u" : "%u", (unsigned)o.ints[i]);
			wc_sb_putc(sb, ']');
			break;
		default: /* bytes, and TCP-AO's value as its bytes */
			json_hex(sb, o.b, o.blen);
			break;
		}
		wc_sb_putc(sb, ']');
	}
	wc_sb_putc(sb, ']');
}

static void json_layer(struct wc_sb *sb, const struct wc_pkt *p, unsigned li);

/* DNS names as the oracle writes Scapy's dissected text (b'example.com.'): its hex. */
static void json_dnsname(struct wc_sb *sb, const struct wc_field *f, const struct wc_val *v)
{
	uint8_t t[WC_DNS_NAME_MAX + 1];
	size_t n = wc_dns_name_text(v->b, v->blen, f->flags & WC_FF_DOT_ROOT, t, sizeof(t));

	json_hex(sb, t, n < sizeof(t) ? n : sizeof(t));
}

/* TXT strings: a list of hex strings. */
static void json_dnstxt(struct wc_sb *sb, const struct wc_val *v)
{
	const uint8_t *s;
	size_t pos = 0, n;
	bool first = true;

	wc_sb_putc(sb, '[');
	while (wc_dns_txt_next(v->b, v->blen, &pos, &s, &n)) {
		if (!first)
			wc_sb_putc(sb, ',');
		first = false;
		json_hex(sb, s, n);
	}
	wc_sb_putc(sb, ']');
}

/* A list of sub-layers: the layers' own JSON, in a list; no records is null (Scapy's
 * None). The sub-packet lives in this thread's scratch: copied out before recursing. */
static void json_rrlist(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned fi)
{
	const struct wc_pkt *sub = p->l[li].v[fi].blen ? wc_sub_expand(p, li, fi, NULL) : NULL;

	if (!sub || !sub->nlayers) {
		wc_sb_puts(sb, "null");
		return;
	}
	wc_sb_putc(sb, '[');
	for (unsigned j = 0; j < sub->nlayers; j++) {
		if (j)
			wc_sb_putc(sb, ',');
		json_layer(sb, sub, j);
	}
	wc_sb_putc(sb, ']');
}

static void json_value(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned fi)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_field *f = &l->proto->fields[fi];
	const struct wc_val *v = &l->v[fi];

	switch (f->kind) {
	case WC_K_MAC:
	case WC_K_IPV4:
	case WC_K_IPV6:
		wc_sb_putc(sb, '"');
		wc_sb_value(sb, l, fi, false);
		wc_sb_putc(sb, '"');
		break;
	case WC_K_BYTES:
	case WC_K_IPOPTS:
		json_hex(sb, v->b, v->blen);
		break;
	case WC_K_TCPOPTS:
		json_tcpopts(sb, v->b, v->blen);
		break;
	case WC_K_DNSNAME:
		json_dnsname(sb, f, v);
		break;
	case WC_K_DNSTXT:
		json_dnstxt(sb, v);
		break;
	case WC_K_RRLIST:
		json_rrlist(sb, p, li, fi);
		break;
	case WC_K_DHCPOPTS:
		wc_sb_dhcpopts_json(sb, v->b, v->blen);
		break;
	default:
		wc_sb_printf(sb, "%llu", (unsigned long long)v->u);
		break;
	}
}

static void json_layer(struct wc_sb *sb, const struct wc_pkt *p, unsigned li)
{
	const struct wc_layer *l = &p->l[li];
	bool first = true;

	wc_sb_puts(sb, "{\"layer\":");
	json_str(sb, l->proto->name);
	wc_sb_puts(sb, ",\"fields\":{");
	for (unsigned fi = 0; fi < l->proto->nfields; fi++) {
		uint16_t ff = l->proto->fields[fi].flags;

		/* A list not reached is there all the same, empty (see WC_FF_LIST). */
		if ((!(l->here & (1u << fi)) && !(ff & WC_FF_LIST)) || (ff & WC_FF_HIDDEN))
			continue;
		/* A field Scapy's dissection never reached is not in its fields, except a list
		 * (IP options): Scapy copies list defaults into every new packet; and DNS
		 * records, which Scapy's DNS reads on (as None) once its header is there. */
		if (l->proto->fields[fi].kind != WC_K_IPOPTS &&
		    l->proto->fields[fi].kind != WC_K_RRLIST &&
		    !(l->proto->fields[fi].flags & WC_FF_LIST) && !wc_fmt_reached(p, li, fi))
			continue;
		if (!first)
			wc_sb_putc(sb, ',');
		first = false;
		json_str(sb, l->proto->fields[fi].name);
		wc_sb_putc(sb, ':');
		json_value(sb, p, li, fi);
	}
	wc_sb_putc(sb, '}');
	if (l->status == WC_LS_TRUNCATED)
		wc_sb_puts(sb, ",\"status\":\"truncated\"");
	else if (l->status != WC_LS_OK)
		wc_sb_puts(sb, ",\"status\":\"malformed\"");
	wc_sb_putc(sb, '}');
}

int wc_fmt_field_json(const struct wc_pkt *p, unsigned li, unsigned fi, char *out, size_t cap)
{
	struct wc_sb sb;

	if (!p || li >= p->nlayers || fi >= p->l[li].proto->nfields)
		return -EINVAL;
	wc_sb_init(&sb, out, cap);
	json_value(&sb, p, li, fi);
	return wc_sb_result(&sb);
}

int wc_fmt_json(const struct wc_pkt *p, char *out, size_t cap)
{
	struct wc_sb sb;

	if (!p || p->nlayers > WC_MAX_LAYERS)
		return -EINVAL;
	wc_sb_init(&sb, out, cap);
	wc_sb_putc(&sb, '[');
	for (unsigned li = 0; li < p->nlayers; li++) {
		if (li)
			wc_sb_putc(&sb, ',');
		json_layer(&sb, p, li);
	}
	wc_sb_putc(&sb, ']');
	return wc_sb_result(&sb);
}
