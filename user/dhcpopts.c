/* SPDX-License-Identifier: MIT */
/* DHCP options as Scapy 2.5's DHCPOptionsField sees them: its DHCPOptions table, how a
 * value list is written, and how bytes are read back (m2i), including its fallbacks: a
 * length past the end, or a value that does not cut into whole fields, leaves every byte
 * from that option on as one raw string. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpopts.h"
#include "wirecraft/format.h"

/* How an option's value is cut (Scapy's field class for it). */
enum {
	DO_STR,      /* no field: the bytes as they are (repr b'..') */
	DO_BYTES,    /* StrField (repr '..') */
	DO_IP,       /* IPField, one or more */
	DO_INT,      /* IntField */
	DO_SHORT,    /* ShortField */
	DO_BYTE,     /* ByteField */
	DO_MSGTYPE,  /* ByteEnumField with DHCPTypes */
	DO_BYTELIST, /* FieldListField of bytes (param_req_list): one list */
	DO_ROUTES,   /* RFC 3442 routes "net/len:router" (classless_static_routes): one list */
};

struct opt {
	uint8_t code;
	const char *name;
	uint8_t fmt;
};

static const struct opt opts[] = {
	{ 0, "pad", DO_STR },
	{ 1, "subnet_mask", DO_IP },
	{ 2, "time_zone", DO_INT },
	{ 3, "router", DO_IP },
	{ 4, "time_server", DO_IP },
	{ 5, "IEN_name_server", DO_IP },
	{ 6, "name_server", DO_IP },
	{ 7, "log_server", DO_IP },
	{ 8, "cookie_server", DO_IP },
	{ 9, "lpr_server", DO_IP },
	{ 10, "impress-servers", DO_IP },
	{ 11, "resource-location-servers", DO_IP },
	{ 12, "hostname", DO_STR },
	{ 13, "boot-size", DO_SHORT },
	{ 14, "dump_path", DO_STR },
	{ 15, "domain", DO_STR },
	{ 16, "swap-server", DO_IP },
	{ 17, "root_disk_path", DO_STR },
	{ 18, "extensions-path", DO_STR },
	{ 19, "ip-forwarding", DO_BYTE },
	{ 20, "non-local-source-routing", DO_BYTE },
	{ 21, "policy-filter", DO_IP },
	{ 22, "max_dgram_reass_size", DO_SHORT },
	{ 23, "default_ttl", DO_BYTE },
	{ 24, "pmtu_timeout", DO_INT },
	{ 25, "path-mtu-plateau-table", DO_SHORT },
	{ 26, "interface-mtu", DO_SHORT },
	{ 27, "all-subnets-local", DO_BYTE },
	{ 28, "broadcast_address", DO_IP },
	{ 29, "perform-mask-discovery", DO_BYTE },
	{ 30, "mask-supplier", DO_BYTE },
	{ 31, "router-discovery", DO_BYTE },
	{ 32, "router-solicitation-address", DO_IP },
	{ 33, "static-routes", DO_IP },
	{ 34, "trailer-encapsulation", DO_BYTE },
	{ 35, "arp_cache_timeout", DO_INT },
	{ 36, "ieee802-3-encapsulation", DO_BYTE },
	{ 37, "tcp_ttl", DO_BYTE },
	{ 38, "tcp_keepalive_interval", DO_INT },
	{ 39, "tcp_keepalive_garbage", DO_BYTE },
	{ 40, "NIS_domain", DO_BYTES },
	{ 41, "NIS_server", DO_IP },
	{ 42, "NTP_server", DO_IP },
	{ 43, "vendor_specific", DO_STR },
	{ 44, "NetBIOS_server", DO_IP },
	{ 45, "NetBIOS_dist_server", DO_IP },
	{ 46, "NetBIOS_node_type", DO_BYTE },
	{ 47, "netbios-scope", DO_STR },
	{ 48, "font-servers", DO_IP },
	{ 49, "x-display-manager", DO_IP },
	{ 50, "requested_addr", DO_IP },
	{ 51, "lease_time", DO_INT },
	{ 52, "dhcp-option-overload", DO_BYTE },
	{ 53, "message-type", DO_MSGTYPE },
	{ 54, "server_id", DO_IP },
	{ 55, "param_req_list", DO_BYTELIST },
	{ 56, "error_message", DO_STR },
	{ 57, "max_dhcp_size", DO_SHORT },
	{ 58, "renewal_time", DO_INT },
	{ 59, "rebinding_time", DO_INT },
	{ 60, "vendor_class_id", DO_BYTES },
	{ 61, "client_id", DO_BYTES },
	{ 62, "nwip-domain-name", DO_STR },
	{ 64, "NISplus_domain", DO_STR },
	{ 65, "NISplus_server", DO_IP },
	{ 66, "tftp_server_name", DO_STR },
	{ 67, "boot-file-name", DO_BYTES },
	{ 68, "mobile-ip-home-agent", DO_IP },
	{ 69, "SMTP_server", DO_IP },
	{ 70, "POP3_server", DO_IP },
	{ 71, "NNTP_server", DO_IP },
	{ 72, "WWW_server", DO_IP },
	{ 73, "Finger_server", DO_IP },
	{ 74, "IRC_server", DO_IP },
	{ 75, "StreetTalk_server", DO_IP },
	{ 76, "StreetTalk_Dir_Assistance", DO_IP },
	{ 77, "user_class", DO_STR },
	{ 78, "slp_service_agent", DO_STR },
	{ 79, "slp_service_scope", DO_STR },
	{ 81, "client_FQDN", DO_STR },
	{ 82, "relay_agent_information", DO_STR },
	{ 85, "nds-server", DO_IP },
	{ 86, "nds-tree-name", DO_BYTES },
	{ 87, "nds-context", DO_BYTES },
	{ 88, "bcms-controller-namesi", DO_STR },
	{ 89, "bcms-controller-address", DO_IP },
	{ 91, "client-last-transaction-time", DO_INT },
	{ 92, "associated-ip", DO_IP },
	{ 93, "pxe_client_architecture", DO_STR },
	{ 94, "pxe_client_network_interface", DO_STR },
	{ 97, "pxe_client_machine_identifier", DO_STR },
	{ 98, "uap-servers", DO_BYTES },
	{ 100, "pcode", DO_BYTES },
	{ 101, "tcode", DO_BYTES },
	{ 112, "netinfo-server-address", DO_IP },
	{ 113, "netinfo-server-tag", DO_BYTES },
	{ 114, "default-url", DO_BYTES },
	{ 116, "auto-config", DO_BYTE },
	{ 117, "name-service-search", DO_SHORT },
	{ 118, "subnet-selection", DO_IP },
	{ 121, "classless_static_routes", DO_ROUTES },
	{ 124, "vendor_class", DO_STR },
	{ 125, "vendor_specific_information", DO_STR },
	{ 128, "tftp_server_ip_address", DO_IP },
	{ 136, "pana-agent", DO_IP },
	{ 137, "v4-lost", DO_STR },
	{ 138, "capwap-ac-v4", DO_IP },
	{ 141, "sip_ua_service_domains", DO_STR },
	{ 146, "rdnss-selection", DO_STR },
	{ 150, "tftp_server_address", DO_IP },
	{ 159, "v4-portparams", DO_STR },
	{ 160, "v4-captive-portal", DO_BYTES },
	{ 161, "mud-url", DO_BYTES },
	{ 208, "pxelinux_magic", DO_STR },
	{ 209, "pxelinux_configuration_file", DO_STR },
	{ 210, "pxelinux_path_prefix", DO_STR },
	{ 211, "pxelinux_reboot_time", DO_STR },
	{ 212, "option-6rd", DO_STR },
	{ 213, "v4-access-domain", DO_STR },
	{ 255, "end", DO_STR },
};

const struct wc_name wc_dhcp_types[] = {
	{ 1, "discover" }, { 2, "offer" }, { 3, "request" }, { 4, "decline" }, { 5, "ack" },
	{ 6, "nak" }, { 7, "release" }, { 8, "inform" }, { 9, "force_renew" },
	{ 10, "lease_query" }, { 11, "lease_unassigned" }, { 12, "lease_unknown" },
	{ 13, "lease_active" }, { 0, NULL },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const struct opt *by_code(uint8_t code)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].code == code)
			return &opts[i];
	return NULL;
}

static const struct opt *by_name(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strlen(opts[i].name) == n && !memcmp(opts[i].name, s, n))
			return &opts[i];
	return NULL;
}

int wc_dhcpopt_bare(const uint8_t *s, size_t n)
{
	const struct opt *o = by_name(s, n);

	return o && o->fmt == DO_STR ? o->code : -1;
}

/* ---- encoding ------------------------------------------------------------------------ */

static int fail(char *err, size_t cap, unsigned *bad, unsigned i, const char *what,
		const char *name)
{
	snprintf(err, cap, "DHCP option '%s' %s", name, what);
	*bad = i;
	return -EINVAL;
}

/* One value at o: its size, BAD_TYPE when it is not what the option takes, NO_ROOM when it
 * would make the option longer than 255 bytes. */
enum { BAD_TYPE = -1, NO_ROOM = -2 };

/* "198.18.0.0/24:198.18.0.1" -> prefix length, the prefix's significant bytes, router. */
static int put_route(const struct wc_dhcp_arg *a, uint8_t *o)
{
	char t[64], *sl, *co;
	struct in_addr net, gw;
	unsigned long plen;
	char *end;

	if (a->slen >= sizeof(t))
		return BAD_TYPE;
	memcpy(t, a->s, a->slen);
	t[a->slen] = '\0';
	sl = strchr(t, '/');
	co = sl ? strchr(sl, ':') : NULL;
	if (!co)
		return BAD_TYPE;
	*sl = *co = '\0';
	plen = strtoul(sl + 1, &end, 10);
	if (end == sl + 1 || *end || plen > 32 || inet_pton(AF_INET, t, &net) != 1 ||
	    inet_pton(AF_INET, co + 1, &gw) != 1)
		return BAD_TYPE;
	o[0] = (uint8_t)plen;
	memcpy(o + 1, &net, (plen + 7) / 8);
	memcpy(o + 1 + (plen + 7) / 8, &gw, 4);
	return (int)(5 + (plen + 7) / 8);
}

static int put_value(const struct opt *op, const struct wc_dhcp_arg *a, uint8_t *o, size_t room)
{
	static const unsigned width[] = { [DO_INT] = 4, [DO_SHORT] = 2, [DO_BYTE] = 1,
					  [DO_MSGTYPE] = 1, [DO_BYTELIST] = 1 };
	unsigned w;

	switch (op->fmt) {
	case DO_STR:
	case DO_BYTES:
		if (!a->is_str)
			return BAD_TYPE;
		if (a->slen > room)
			return NO_ROOM;
		memcpy(o, a->s, a->slen);
		return (int)a->slen;
	case DO_IP: {
		char t[INET_ADDRSTRLEN];

		if (!a->is_str || a->slen >= sizeof(t))
			return BAD_TYPE;
		if (room < 4)
			return NO_ROOM;
		memcpy(t, a->s, a->slen);
		t[a->slen] = '\0';
		return inet_pton(AF_INET, t, o) == 1 ? 4 : BAD_TYPE;
	}
	case DO_ROUTES:
		if (!a->is_str)
			return BAD_TYPE;
		return room >= 9 ? put_route(a, o) : NO_ROOM;
	default:
		break;
	}
	w = width[op->fmt];
	uint64_t v = a->u;
	if (a->is_str) {
		const struct wc_name *nm = wc_dhcp_types;

		if (op->fmt != DO_MSGTYPE)
			return BAD_TYPE;
		for (; nm->name; nm++)
			if (strlen(nm->name) == a->slen && !memcmp(nm->name, a->s, a->slen))
				break;
		if (!nm->name)
			return BAD_TYPE;
		v = nm->v;
	}
	if (w < 8 && v >> (8 * w))
		return BAD_TYPE;
	if (room < w)
		return NO_ROOM;
	for (unsigned i = 0; i < w; i++)
		o[i] = (uint8_t)(v >> (8 * (w - 1 - i)));
	return (int)w;
}

static const char *want(uint8_t fmt)
{
	switch (fmt) {
	case DO_STR:
	case DO_BYTES:
		return "needs strings or bytes";
	case DO_IP:
		return "needs IPv4 addresses in quotes";
	case DO_INT:
		return "needs integers of 32 bits";
	case DO_SHORT:
		return "needs integers of 16 bits";
	case DO_MSGTYPE:
		return "needs a message type name or an integer of 8 bits";
	case DO_ROUTES:
		return "needs routes written \"net/len:router\"";
	default:
		return "needs integers of 8 bits";
	}
}

int wc_dhcpopt_encode(const uint8_t *name, size_t nlen, const struct wc_dhcp_arg *a,
		      unsigned na, uint8_t *out, char *err, size_t errcap, unsigned *bad)
{
	const struct opt *op = by_name(name, nlen);
	char q[48];
	size_t len = 0;

	snprintf(q, sizeof(q), "%.*s", (int)(nlen < 40 ? nlen : 40), (const char *)name);
	*bad = 0;
	if (!op || op->code == 0 || op->code == 255) {
		snprintf(err, errcap, "unknown DHCP option '%s'", q);
		return -EINVAL;
	}
	for (unsigned i = 0; i < na; i++) {
		int n = put_value(op, &a[i], out + 2 + len, 255 - len);

		if (n < 0)
			return fail(err, errcap, bad, i,
				    n == NO_ROOM ? "is too long (255 bytes at most)" : want(op->fmt), q);
		len += (size_t)n;
	}
	out[0] = op->code;
	out[1] = (uint8_t)len;
	return (int)(2 + len);
}

int wc_dhcpopt_encode_code(uint64_t code, const struct wc_dhcp_arg *a, unsigned na,
			   uint8_t *out, char *err, size_t errcap, unsigned *bad)
{
	size_t len = 0;

	*bad = 0;
	if (code > 255) {
		snprintf(err, errcap, "DHCP option code %llu does not fit a byte",
			 (unsigned long long)code);
		return -EINVAL;
	}
	for (unsigned i = 0; i < na; i++) {
		if (!a[i].is_str || a[i].slen > 255 - len) {
			*bad = i;
			snprintf(err, errcap, "DHCP option %llu %s", (unsigned long long)code,
				 a[i].is_str ? "is too long (255 bytes at most)" : "needs bytes");
			return -EINVAL;
		}
		memcpy(out + 2 + len, a[i].s, a[i].slen);
		len += a[i].slen;
	}
	out[0] = (uint8_t)code;
	out[1] = (uint8_t)len;
	return (int)(2 + len);
}

/* ---- decoding ------------------------------------------------------------------------ */

/* Bytes one value of fmt takes at v[0..n): 0 when it does not fit (Scapy's getfield raised). */
static size_t value_size(uint8_t fmt, const uint8_t *v, size_t n)
{
	size_t w;

	switch (fmt) {
	case DO_STR:
	case DO_BYTES:
	case DO_BYTELIST:
		return n;
	case DO_ROUTES:
		for (w = 0; w < n;) {
			size_t e = v[w] <= 32 ? 5 + (v[w] + 7u) / 8 : SIZE_MAX;

			if (e > n - w)
				return 0;
			w += e;
		}
		return n;
	case DO_IP:
	case DO_INT:
		w = 4;
		break;
	case DO_SHORT:
		w = 2;
		break;
	default:
		w = 1;
		break;
	}
	return n >= w ? w : 0;
}

static bool values_fit(uint8_t fmt, const uint8_t *v, size_t n)
{
	while (n) {
		size_t w = value_size(fmt, v, n);

		if (!w)
			return false;
		v += w;
		n -= w;
	}
	return true;
}

int wc_dhcpopt_next(const uint8_t *b, size_t n, size_t *pos, struct wc_dhcpopt *o)
{
	size_t p = *pos, olen;
	const struct opt *op;

	if (p >= n)
		return 0;
	memset(o, 0, sizeof(*o));
	o->code = b[p];
	if (b[p] == 255 || b[p] == 0) {
		o->kind = b[p] ? WC_DO_END : WC_DO_PAD;
		o->name = b[p] ? "end" : "pad";
		*pos = p + 1;
		return 1;
	}
	/* Scapy: no length byte, or a length past the end, and the rest is one raw string. */
	olen = n - p >= 2 ? b[p + 1] : 0;
	op = by_code(b[p]);
	if (n - p < 2 || olen > n - p - 2 ||
	    (op && op->fmt != DO_STR && !values_fit(op->fmt, b + p + 2, olen))) {
		o->kind = WC_DO_RAW;
		o->v = b + p;
		o->vlen = n - p;
		*pos = n;
		return 1;
	}
	o->kind = WC_DO_OPT;
	o->name = op ? op->name : NULL;
	o->fmt = op ? op->fmt : DO_STR;
	o->v = b + p + 2;
	o->vlen = olen;
	*pos = p + 2 + olen;
	return 1;
}

static uint64_t be(const uint8_t *v, size_t w)
{
	uint64_t x = 0;

	for (size_t i = 0; i < w; i++)
		x = x << 8 | v[i];
	return x;
}

/* One route entry as Scapy's m2i writes it: "198.18.0.0/24:198.18.0.1". */
static void put_route_text(struct wc_sb *sb, const uint8_t *v)
{
	uint8_t net[4] = { 0 };
	size_t octets = (v[0] + 7u) / 8;

	memcpy(net, v + 1, octets);
	wc_sb_ipv4(sb, (uint32_t)be(net, 4));
	wc_sb_printf(sb, "/%u:", v[0]);
	wc_sb_ipv4(sb, (uint32_t)be(v + 1 + octets, 4));
}

static void hexstr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	wc_sb_putc(sb, '"');
	wc_sb_hex(sb, b, n);
	wc_sb_putc(sb, '"');
}

/* Each value of an option, shown (json false: Scapy's i2repr) or as JSON. */
static void put_values(struct wc_sb *sb, const struct wc_dhcpopt *o, bool json)
{
	const uint8_t *v = o->v;
	size_t n = o->vlen;
	bool first = true;

	if (o->fmt == DO_STR || (o->fmt == DO_BYTES && n) || (o->fmt == DO_BYTELIST && n)) {
		wc_sb_putc(sb, json ? ',' : '=');
		if (o->fmt == DO_BYTELIST) {
			wc_sb_putc(sb, '[');
			for (size_t i = 0; i < n; i++)
				wc_sb_printf(sb, i ? (json ? ",%u" : ", %u") : "%u", v[i]);
			wc_sb_putc(sb, ']');
		} else if (json) {
			hexstr(sb, v, n);
		} else if (o->fmt == DO_STR) {
			wc_sb_bytesrepr(sb, v, n);
		} else {
			wc_sb_strrepr(sb, v, n);
		}
		return;
	}
	if (o->fmt == DO_ROUTES && n) {
		wc_sb_puts(sb, json ? ",[" : "=[");
		for (size_t w = 0; w < n; w += 5 + (v[w] + 7u) / 8) {
			wc_sb_puts(sb, w ? (json ? ",\"" : ", '") : (json ? "\"" : "'"));
			put_route_text(sb, v + w);
			wc_sb_putc(sb, json ? '"' : '\'');
		}
		wc_sb_putc(sb, ']');
		return;
	}
	while (n && o->fmt != DO_ROUTES) {
		size_t w = value_size(o->fmt, v, n);
		const char *nm = NULL;

		wc_sb_putc(sb, json ? ',' : first ? '=' : ',');
		first = false;
		if (o->fmt == DO_IP) {
			if (json)
				wc_sb_putc(sb, '"');
			wc_sb_ipv4(sb, (uint32_t)be(v, 4));
			if (json)
				wc_sb_putc(sb, '"');
		} else {
			if (o->fmt == DO_MSGTYPE && !json)
				for (const struct wc_name *t = wc_dhcp_types; t->name && !nm; t++)
					if (t->v == v[0])
						nm = t->name;
			if (nm)
				wc_sb_puts(sb, nm);
			else
				wc_sb_printf(sb, "%llu", (unsigned long long)be(v, w));
		}
		v += w;
		n -= w;
	}
}

void wc_sb_dhcpopts_repr(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	struct wc_dhcpopt o;
	size_t pos = 0;

	wc_sb_putc(sb, '[');
	for (bool first = true; wc_dhcpopt_next(b, n, &pos, &o); first = false) {
		if (!first)
			wc_sb_putc(sb, ' ');
		if (o.kind == WC_DO_RAW) {
			/* Scapy's sane(): printable ASCII as is, anything else '.' */
			for (size_t i = 0; i < o.vlen; i++)
				wc_sb_putc(sb, o.v[i] >= 32 && o.v[i] < 127 ? (char)o.v[i] : '.');
			continue;
		}
		if (o.name)
			wc_sb_puts(sb, o.name);
		else
			wc_sb_printf(sb, "%u", o.code);
		if (o.kind == WC_DO_OPT)
			put_values(sb, &o, false);
	}
	wc_sb_putc(sb, ']');
}

void wc_sb_dhcpopts_json(struct wc_sb *sb, const uint8_t *b, size_t n)
{
	struct wc_dhcpopt o;
	size_t pos = 0;

	wc_sb_putc(sb, '[');
	for (bool first = true; wc_dhcpopt_next(b, n, &pos, &o); first = false) {
		if (!first)
			wc_sb_putc(sb, ',');
		if (o.kind == WC_DO_RAW) {
			wc_sb_puts(sb, "{\"raw\":");
			hexstr(sb, o.v, o.vlen);
			wc_sb_putc(sb, '}');
		} else if (o.kind != WC_DO_OPT) {
			wc_sb_printf(sb, "\"%s\"", o.name);
		} else {
			if (o.name)
				wc_sb_printf(sb, "[\"%s\"", o.name);
			else
				wc_sb_printf(sb, "[%u", o.code);
			put_values(sb, &o, true);
			wc_sb_putc(sb, ']');
		}
	}
	wc_sb_putc(sb, ']');
}

int wc_dhcpopts_msgtype(const uint8_t *b, size_t n)
{
	struct wc_dhcpopt o;
	size_t pos = 0;

	while (wc_dhcpopt_next(b, n, &pos, &o))
		if (o.kind == WC_DO_OPT && o.code == 53 && o.vlen)
			return o.v[0];
	return -1;
}
