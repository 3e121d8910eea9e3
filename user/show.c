/* SPDX-License-Identifier: MIT */
/* Scapy's show2() text. The layout follows Scapy's Packet._show_or_dump: a header per
 * layer, then one line per field, each layer 3 columns deeper than the one below it; IP
 * options are packets of their own in Scapy, shown as nested blocks behind a '|'. */
#include <errno.h>
#include <string.h>

#include "wirecraft/format.h"

/* "<prefix>  name      = ": names shorter than 10 are padded, longer ones are not. */
static void field_prefix(struct wc_sb *sb, const char *prefix, size_t plen, const char *name)
{
	size_t n = strlen(name);

	wc_sb_putn(sb, prefix, plen);
	wc_sb_puts(sb, "  ");
	wc_sb_puts(sb, name);
	for (; n < 10; n++)
		wc_sb_putc(sb, ' ');
	wc_sb_puts(sb, "= ");
}

static void block_header(struct wc_sb *sb, const char *prefix, size_t plen, const char *title)
{
	wc_sb_putn(sb, prefix, plen);
	wc_sb_printf(sb, "###[ %s ]### \n", title);
}

/* ---- IP options ------------------------------------------------------------------------
 * Scapy dissects each option with its own class (picked by the option number) and the
 * usual Packet rules, which this reproduces: fields are read in order until the bytes
 * run out, and the rest keep their defaults; a length-driven field takes a Python slice
 * (a negative size drops bytes from the end); bytes after the option's own fields start
 * the next option; a fixed field that does not fit turns everything left into Raw. */

enum ofkind {
	OF_HDR,    /* copy_flag:1, optclass:2, option:5 */
	OF_LEN,    /* FieldLenField "length": one byte, default None */
	OF_U8,     /* ByteField */
	OF_U16,    /* ShortField */
	OF_U32,    /* IntField */
	OF_IP,     /* IPField */
	OF_IP_FLG, /* IPField present only when flg != 0 (Timestamp) */
	OF_TSFLG,  /* oflw:4, flg:4 (Timestamp) */
	OF_ALERT,  /* ShortEnumField alert */
	OF_IPLIST, /* FieldListField of IPField, length - adj bytes */
	OF_STRLEN, /* StrLenField, length - adj bytes */
	OF_STR3,   /* StrFixedLenField of 3 bytes */
};

struct ofield {
	const char *name;
	uint8_t kind;
	uint8_t adj;  /* OF_IPLIST, OF_STRLEN: bytes of header the length counts */
	bool none;    /* default None */
	uint32_t def; /* default value (IPv4 as an integer) */
};

struct oclass {
	const char *title;
	const struct ofield *f;
	unsigned nf;
};

#define HDR {"", OF_HDR, 0, false, 0}
#define OC(t, arr) {t, arr, sizeof(arr) / sizeof((arr)[0])}

static const struct ofield of_hdr[] = {HDR};
static const struct ofield of_generic[] = {
	HDR, {"length", OF_LEN, 0, true, 0}, {"value", OF_STRLEN, 2, false, 0},
};
static const struct ofield of_security[] = {
	HDR, {"length", OF_U8, 0, false, 11}, {"security", OF_U16, 0, false, 0},
	{"compartment", OF_U16, 0, false, 0}, {"handling_restrictions", OF_U16, 0, false, 0},
	{"transmission_control_code", OF_STR3, 0, false, 0},
};
static const struct ofield of_route[] = {
	HDR, {"length", OF_LEN, 0, true, 0}, {"pointer", OF_U8, 0, false, 4},
	{"routers", OF_IPLIST, 3, false, 0},
};
static const struct ofield of_stream[] = {
	HDR, {"length", OF_U8, 0, false, 4}, {"security", OF_U16, 0, false, 0},
};
static const struct ofield of_mtu[] = {
	HDR, {"length", OF_U8, 0, false, 4}, {"mtu", OF_U16, 0, false, 0},
};
static const struct ofield of_traceroute[] = {
	HDR, {"length", OF_U8, 0, false, 12}, {"id", OF_U16, 0, false, 0},
	{"outbound_hops", OF_U16, 0, false, 0}, {"return_hops", OF_U16, 0, false, 0},
	{"originator_ip", OF_IP, 0, false, 0},
};
static const struct ofield of_timestamp[] = {
	HDR, {"length", OF_U8, 0, true, 0}, {"pointer", OF_U8, 0, false, 9},
	{"", OF_TSFLG, 0, false, 1}, {"internet_address", OF_IP_FLG, 0, false, 0},
	{"timestamp", OF_U32, 0, false, 0},
};
static const struct ofield of_addrext[] = {
	HDR, {"length", OF_U8, 0, false, 10}, {"src_ext", OF_IP, 0, false, 0},
	{"dst_ext", OF_IP, 0, false, 0},
};
static const struct ofield of_alert[] = {
	HDR, {"length", OF_U8, 0, false, 4}, {"alert", OF_ALERT, 0, false, 0},
};
static const struct ofield of_sdbm[] = {
	HDR, {"length", OF_LEN, 0, true, 0}, {"addresses", OF_IPLIST, 2, false, 0},
};

/* Indexed by option number (the low 5 bits of the first byte); empty: generic. */
static const struct oclass oclasses[32] = {
	[0] = OC("IP Option End of Options List", of_hdr),
	[1] = OC("IP Option No Operation", of_hdr),
	[2] = OC("IP Option Security", of_security),
	[3] = OC("IP Option Loose Source and Record Route", of_route),
	[4] = OC("IP Option Timestamp", of_timestamp),
	[7] = OC("IP Option Record Route", of_route),
	[8] = OC("IP Option Stream ID", of_stream),
	[9] = OC("IP Option Strict Source and Record Route", of_route),
	[11] = OC("IP Option MTU Probe", of_mtu),
	[12] = OC("IP Option MTU Reply", of_mtu),
	[18] = OC("IP Option Traceroute", of_traceroute),
	[19] = OC("IP Option Address Extension", of_addrext),
	[20] = OC("IP Option Router Alert", of_alert),
	[21] = OC("IP Option Selective Directed Broadcast Mode", of_sdbm),
};
static const struct oclass oc_generic = OC("IP Option", of_generic);

static const struct wc_name ipopt_names[] = {
	{0, "end_of_list"}, {1, "nop"}, {2, "security"}, {3, "loose_source_route"},
	{4, "timestamp"}, {5, "extended_security"}, {6, "commercial_security"},
	{7, "record_route"}, {8, "stream_id"}, {9, "strict_source_route"},
	{10, "experimental_measurement"}, {11, "mtu_probe"}, {12, "mtu_reply"},
	{13, "flow_control"}, {14, "access_control"}, {15, "encode"},
	{16, "imi_traffic_descriptor"}, {17, "extended_IP"}, {18, "traceroute"},
	{19, "address_extension"}, {20, "router_alert"},
	{21, "selective_directed_broadcast_mode"}, {23, "dynamic_packet_state"},
	{24, "upstream_multicast_packet"}, {25, "quick_start"}, {30, "rfc4727_experiment"},
	{0, NULL},
};
static const struct wc_name optclass_names[] = {{0, "control"}, {2, "debug"}, {0, NULL}};
static const struct wc_name flg_names[] = {
	{0, "timestamp_only"}, {1, "timestamp_and_ip_addr"}, {3, "prespecified_ip_addr"},
	{0, NULL},
};
static const struct wc_name alert_names[] = {{0, "router_shall_examine_packet"}, {0, NULL}};

struct oval {
	bool set;   /* read from the bytes (else the default) */
	bool shown; /* false for a conditional field whose condition fails */
	uint32_t u;
	const uint8_t *b; /* OF_IPLIST, OF_STRLEN, OF_STR3 */
	size_t n;
};

#define MAX_OF 8

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Python's s[:n] for a length computed as `length - adj`, which may be negative. */
static size_t py_slice(size_t avail, long n)
{
	if (n >= 0)
		return (size_t)n < avail ? (size_t)n : avail;
	return (size_t)-n < avail ? avail - (size_t)-n : 0;
}

/* The length field's value, for the length-driven fields after it. */
static long opt_length(const struct oclass *c, const struct oval *v)
{
	for (unsigned i = 0; i < c->nf; i++)
		if (c->f[i].kind == OF_LEN || (c->f[i].kind == OF_U8 && !strcmp(c->f[i].name, "length")))
			return v[i].set ? (long)v[i].u : 0;
	return 0;
}

/* Read one option from b[0..n). Returns the bytes it used, or 0 when a fixed field did
 * not fit (Scapy then keeps all n bytes as Raw). */
static size_t opt_dissect(const struct oclass *c, const uint8_t *b, size_t n, struct oval *v)
{
	size_t pos = 0;
	uint32_t flg = 1;

	for (unsigned i = 0; i < c->nf; i++)
		v[i] = (struct oval){.shown = true, .u = c->f[i].def};
	for (unsigned i = 0; i < c->nf && pos < n; i++) {
		const struct ofield *f = &c->f[i];
		size_t need = 0, left = n - pos;

		switch (f->kind) {
		case OF_HDR:
		case OF_LEN:
		case OF_U8:
		case OF_TSFLG:
			need = 1;
			break;
		case OF_U16:
		case OF_ALERT:
			need = 2;
			break;
		case OF_IP_FLG:
			if (flg == 0) {
				v[i].shown = false;
				continue;
			}
			/* fall through */
		case OF_U32:
		case OF_IP:
			need = 4;
			break;
		case OF_STR3:
			v[i].b = b + pos;
			v[i].n = left < 3 ? left : 3;
			v[i].set = true;
			pos += v[i].n;
			continue;
		default: { /* OF_IPLIST, OF_STRLEN */
			size_t take = py_slice(left, opt_length(c, v) - f->adj);

			if (f->kind == OF_IPLIST && take % 4)
				return 0;
			v[i].b = b + pos;
			v[i].n = take;
			v[i].set = true;
			pos += take;
			continue;
		}
		}
		if (left < need)
			return 0;
		v[i].u = need == 4 ? be32(b + pos) : need == 2 ? (uint32_t)(b[pos] << 8 | b[pos + 1])
							     : b[pos];
		v[i].set = true;
		if (f->kind == OF_TSFLG)
			flg = v[i].u & 15;
		pos += need;
	}
	/* A condition reads the field's final value, default included. */
	for (unsigned i = 0; i < c->nf; i++)
		if (c->f[i].kind == OF_IP_FLG)
			v[i].shown = flg != 0;
	return pos;
}

static void put_named(struct wc_sb *sb, const struct wc_name *names, uint32_t v)
{
	for (; names->name; names++)
		if (names->v == v) {
			wc_sb_puts(sb, names->name);
			return;
		}
	wc_sb_printf(sb, "%u", v);
}

/* One field of an option, as its Scapy class shows it. */
static void opt_show_field(struct wc_sb *sb, const char *pre, size_t plen,
			   const struct ofield *f, const struct oval *v)
{
	switch (f->kind) {
	case OF_HDR:
		field_prefix(sb, pre, plen, "copy_flag");
		wc_sb_printf(sb, "%u\n", (v->u >> 7) & 1);
		field_prefix(sb, pre, plen, "optclass");
		put_named(sb, optclass_names, (v->u >> 5) & 3);
		wc_sb_putc(sb, '\n');
		field_prefix(sb, pre, plen, "option");
		put_named(sb, ipopt_names, v->u & 31);
		break;
	case OF_TSFLG:
		field_prefix(sb, pre, plen, "oflw");
		wc_sb_printf(sb, "%u\n", (v->u >> 4) & 15);
		field_prefix(sb, pre, plen, "flg");
		put_named(sb, flg_names, v->u & 15);
		break;
	case OF_IP:
	case OF_IP_FLG:
		field_prefix(sb, pre, plen, f->name);
		wc_sb_ipv4(sb, v->u);
		break;
	case OF_ALERT:
		field_prefix(sb, pre, plen, f->name);
		put_named(sb, alert_names, v->u);
		break;
	case OF_IPLIST:
		field_prefix(sb, pre, plen, f->name);
		wc_sb_putc(sb, '[');
		for (size_t k = 0; k + 4 <= v->n; k += 4) {
			if (k)
				wc_sb_puts(sb, ", ");
			wc_sb_ipv4(sb, be32(v->b + k));
		}
		wc_sb_putc(sb, ']');
		break;
	case OF_STRLEN:
	case OF_STR3: {
		size_t n = v->n;

		/* StrFixedLenField shows its value without the trailing NULs. */
		while (f->kind == OF_STR3 && n && v->b[n - 1] == 0)
			n--;
		field_prefix(sb, pre, plen, f->name);
		if (v->set)
			wc_sb_strrepr(sb, v->b, n);
		else if (f->kind == OF_STR3)
			wc_sb_puts(sb, "'xxx'"); /* Scapy's default transmission_control_code */
		else
			wc_sb_puts(sb, "''");
		break;
	}
	default: /* OF_LEN, OF_U8, OF_U16, OF_U32 */
		field_prefix(sb, pre, plen, f->name);
		if (!v->set && f->none)
			wc_sb_puts(sb, "None");
		else
			wc_sb_printf(sb, "%u", v->u);
		break;
	}
	wc_sb_putc(sb, '\n');
}

/* The option packets of Scapy's PacketListField, each behind `pre` ("   |" deeper than
 * the IP layer's fields). */
static void show_ipopts(struct wc_sb *sb, const char *pre, size_t plen, const uint8_t *b,
			size_t n)
{
	while (n) {
		const struct oclass *c = oclasses[b[0] & 31].title ? &oclasses[b[0] & 31]
								: &oc_generic;
		struct oval v[MAX_OF];
		size_t used = opt_dissect(c, b, n, v);

		if (!used) {
			block_header(sb, pre, plen, "Raw");
			field_prefix(sb, pre, plen, "load");
			wc_sb_strrepr(sb, b, n);
			wc_sb_putc(sb, '\n');
			return;
		}
		block_header(sb, pre, plen, c->title);
		for (unsigned i = 0; i < c->nf; i++)
			if (v[i].shown)
				opt_show_field(sb, pre, plen, &c->f[i], &v[i]);
		b += used;
		n -= used;
	}
}

/* ---- layers ----------------------------------------------------------------------------- */

static void show_field(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned fi,
		       const char *pre, size_t plen);

/* A field holding records (DNS qd, an, ...): Scapy's \name\ line, then each record as a
 * block behind "|" (its show_indent is 0: all at one depth); None when it holds none. */
static void show_rrlist(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned fi,
			const char *pre, size_t plen)
{
	const struct wc_field *f = &p->l[li].proto->fields[fi];
	const struct wc_pkt *sub = p->l[li].v[fi].blen ? wc_sub_expand(p, li, fi, NULL) : NULL;
	char opre[3 * WC_MAX_LAYERS + 8 + 3 * WC_MAX_LAYERS];
	size_t on = plen + 4, n = strlen(f->name);

	if (!sub || !sub->nlayers) {
		field_prefix(sb, pre, plen, f->name);
		wc_sb_puts(sb, "None\n");
		return;
	}
	wc_sb_putn(sb, pre, plen);
	wc_sb_puts(sb, "  \\");
	wc_sb_puts(sb, f->name);
	for (; n < 10; n++)
		wc_sb_putc(sb, ' ');
	wc_sb_puts(sb, "\\\n");
	memset(opre, ' ', sizeof(opre));
	opre[plen + 3] = '|';
	for (unsigned j = 0, extra = 0; j < sub->nlayers; j++) {
		const struct wc_layer *r = &sub->l[j];

		/* Scapy indents the fields (not the header) of a record after one whose class
		 * lacks show_indent = 0 by three more spaces, and so on down the chain. */
		block_header(sb, opre, on, r->proto->title ? r->proto->title : r->proto->name);
		for (unsigned k = 0; k < r->proto->nfields; k++)
			if (r->here & (1u << k))
				show_field(sb, sub, j, k, opre, on + extra);
		if (!r->proto->show_flat && on + extra + 3 <= sizeof(opre))
			extra += 3;
	}
}

static void show_field(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned fi,
		       const char *pre, size_t plen)
{
	const struct wc_layer *l = &p->l[li];
	const struct wc_field *f = &l->proto->fields[fi];
	bool reached = wc_fmt_reached(p, li, fi);

	if (f->kind == WC_K_RRLIST) {
		show_rrlist(sb, p, li, fi, pre, plen);
		return;
	}
	if (f->kind == WC_K_BYTES && (f->flags & WC_FF_LIST) && !l->v[fi].blen) {
		/* an empty packet list (DNSRROPT's options): Scapy's \name\ line alone */
		size_t n = strlen(f->name);

		wc_sb_putn(sb, pre, plen);
		wc_sb_puts(sb, "  \\");
		wc_sb_puts(sb, f->name);
		for (; n < 10; n++)
			wc_sb_putc(sb, ' ');
		wc_sb_puts(sb, "\\\n");
		return;
	}

	if (f->kind == WC_K_IPOPTS) {
		size_t n = strlen(f->name);

		/* Scapy's line for a field holding packets: \name\ */
		wc_sb_putn(sb, pre, plen);
		wc_sb_puts(sb, "  \\");
		wc_sb_puts(sb, f->name);
		for (; n < 10; n++)
			wc_sb_putc(sb, ' ');
		wc_sb_puts(sb, "\\\n");
		if (reached && l->v[fi].blen) {
			char opre[3 * WC_MAX_LAYERS + 8];
			size_t on = plen + 4;

			memset(opre, ' ', plen + 3);
			opre[plen + 3] = '|';
			show_ipopts(sb, opre, on, l->v[fi].b, l->v[fi].blen);
		}
		return;
	}
	field_prefix(sb, pre, plen, f->name);
	if (!reached && f->repr) { /* the default, in the field's own form */
		struct wc_layer dl = *l;

		dl.v[fi].b = f->def_bytes;
		dl.v[fi].blen = f->def_bytes ? f->def_len : 0;
		f->repr(sb, &dl, fi);
	} else if (!reached && f->kind == WC_K_DHCPOPTS)
		wc_sb_puts(sb, "[]"); /* Scapy's default b"" shown as an option list */
	else if (!reached && (f->kind == WC_K_BYTES || f->kind == WC_K_TCPOPTS))
		wc_sb_strrepr(sb, f->def_bytes, f->def_bytes ? f->def_len : 0); /* the default */
	else
		wc_sb_value(sb, l, fi, true);
	wc_sb_putc(sb, '\n');
}

static void show_layer(struct wc_sb *sb, const struct wc_pkt *p, unsigned li, unsigned flags)
{
	const struct wc_layer *l = &p->l[li];
	char pre[3 * WC_MAX_LAYERS];
	size_t plen = 3 * (size_t)li;

	memset(pre, ' ', plen);
	block_header(sb, "", 0, l->proto->title ? l->proto->title : l->proto->name);
	if (l->status != WC_LS_OK && !(flags & WC_FMT_NO_STATUS)) {
		wc_sb_putn(sb, pre, plen);
		wc_sb_puts(sb, l->status == WC_LS_TRUNCATED ? "  [truncated]\n" : "  [malformed]\n");
	}
	for (unsigned fi = 0; fi < l->proto->nfields; fi++)
		if ((l->here & (1u << fi)) && !(l->proto->fields[fi].flags & WC_FF_HIDDEN))
			show_field(sb, p, li, fi, pre, plen);
}

int wc_fmt_show_ex(const struct wc_pkt *p, unsigned flags, char *out, size_t cap)
{
	struct wc_sb sb;

	if (!p || p->nlayers > WC_MAX_LAYERS)
		return -EINVAL;
	wc_sb_init(&sb, out, cap);
	for (unsigned li = 0; li < p->nlayers; li++)
		show_layer(&sb, p, li, flags);
	return wc_sb_result(&sb);
}

int wc_fmt_show(const struct wc_pkt *p, char *out, size_t cap)
{
	return wc_fmt_show_ex(p, 0, out, cap);
}
