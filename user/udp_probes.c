/* SPDX-License-Identifier: MIT */
/* UDP probe modules (wirecraft/udp_probes.h): one table row per service, a request builder and
 * a classifier each. The requests are the ordinary ones each service's own client sends; the
 * classifiers read only what the reply holds and bound every step by its length. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dnsname.h"
#include "wirecraft/format.h"
#include "wirecraft/pkt.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"
#include "wirecraft/udp_probes.h"

#define QUERY_ID 0x5743 /* dns and netbios-ns: the id our requests carry ("WC") */

struct wc_udp_module {
	const char *name;
	uint16_t port;
	int (*request)(const char *arg, uint8_t *out, size_t cap);
	void (*classify)(const uint8_t *b, size_t n, struct wc_udp_info *in);
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Printable text into out, anything else as '.', cut at the size. */
static void text(char *out, size_t cap, const uint8_t *b, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++)
		out[o++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
	out[o] = 0;
}

static int put(uint8_t *out, size_t cap, const void *p, size_t n)
{
	if (n > cap)
		return -ENOSPC;
	memcpy(out, p, n);
	return (int)n;
}

/* ---- dns -------------------------------------------------------------------------------------- */

/* Through the DNS layer (user/proto/dns.c): the query is built from a Scapy expression and the
 * answer dissected, names decompressed and records decoded as `wirecraft dissect` shows them.
 * The argument is NAME, or TYPE,NAME as ZMap's dns module takes it (TYPE: A, AAAA, TXT, ANY,
 * ... as Scapy names them, or a number). */

static uint64_t field_u(const struct wc_layer *l, const char *name)
{
	uint64_t v = 0;

	wc_layer_get_u(l, name, &v);
	return v;
}

static bool dns_name_ok(const char *s, size_t n)
{
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("-_.*", s[i])))
			return false;
	/* empty labels (a..b, a leading dot) and labels over 63 are the DNS layer's to refuse */
	return true;
}

static bool dns_type_ok(const char *s, size_t n)
{
	if (!n || n > 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int dns_request(const char *arg, uint8_t *out, size_t cap)
{
	const char *name = arg ? arg : "example.com", *comma = strchr(name, ',');
	char expr[400], type[20] = "A";
	struct wc_set *set = NULL;
	struct wc_iter *it = NULL;
	static __thread struct wc_pkt p; /* 33 KB: not on the caller's stack */
	const struct wc_pkt *qd;
	size_t nlen;
	bool num;
	int n, err, fi;

	if (comma) {
		size_t tlen = (size_t)(comma - name);

		if (!dns_type_ok(name, tlen) || tlen >= sizeof(type))
			return -EINVAL;
		for (size_t i = 0; i < tlen; i++) /* Scapy's names are upper case */
			type[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) : name[i];
		type[tlen] = 0;
		if (!strcmp(type, "ANY")) /* what dig and ZMap call it; Scapy's name is ALL */
			strcpy(type, "ALL");
		name = comma + 1;
	}
	num = type[0] >= '0' && type[0] <= '9';
	nlen = strlen(name);
	if (nlen && name[nlen - 1] == '.')
		nlen--; /* the root's dot: the layer adds it */
	if (!dns_name_ok(name, nlen) || strstr(name, ".."))
		return -EINVAL;
	n = snprintf(expr, sizeof(expr), "DNS(id=%u, rd=1, qd=DNSQR(qname=\"%.*s\", qtype=%s%s%s))",
		     (unsigned)QUERY_ID, (int)nlen, name, num ? "" : "\"", type, num ? "" : "\"");
	if (n < 0 || (size_t)n >= sizeof(expr))
		return -EINVAL;
	err = wc_set_parse(expr, &set, NULL);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -EINVAL;
	if (wc_set_count(set) != 1) {
		wc_set_free(set);
		return -EINVAL;
	}
	err = wc_iter_new(set, &it);
	if (!err) {
		wc_pkt_init(&p, out, cap);
		err = wc_iter_next(it, &p);
		wc_iter_free(it);
	}
	wc_set_free(set);
	if (err)
		return err == -ENOMEM ? -ENOMEM : err == -EINVAL ? -EINVAL : -ENOSPC;
	/* A type name the layer does not know becomes 0, as in Scapy: refused here, since
	 * nobody means to ask for type 0. */
	if (wc_dissect(&p, out, p.len, p.l[0].proto) || (fi = wc_field_index(p.l[0].proto, "qd")) < 0 ||
	    !(qd = wc_sub_expand(&p, 0, (unsigned)fi, NULL)) || !qd->nlayers ||
	    field_u(&qd->l[0], "qtype") == 0)
		return -EINVAL;
	return (int)p.len;
}

const char *wc_udp_rcode_name(int r)
{
	/* dig's names (what operators read), not Scapy's ("ok", "name-error", ...) */
	static const char *const n[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
					"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
					"NOTZONE"};

	return r >= 0 && (size_t)r < sizeof(n) / sizeof(n[0]) ? n[r] : NULL;
}

/* " TYPE VALUE" of decoded record li, the value as dig +short shows it: addresses, names
 * with their dot, TXT strings quoted, unknown types as their rdata in hex; MX, SOA and SRV
 * (layers of their own, DNSRRMX, ...) by their type alone. Non-printable bytes as '.'. */
static void dns_record(const struct wc_pkt *rr, unsigned li, char *out, size_t cap)
{
	const struct wc_layer *l = &rr->l[li];
	const struct wc_proto *pr = l->proto;
	char type[32], val[200];
	uint8_t name[WC_DNS_NAME_MAX + 2];
	int ti = wc_field_index(pr, "type");

	if (ti < 0 || wc_fmt_field_value(l, (unsigned)ti, true, type, sizeof(type)) < 0)
		return;
	for (unsigned fi = 0; fi < pr->nfields; fi++) {
		const struct wc_val *v = &l->v[fi];

		if (strcmp(pr->fields[fi].name, "rdata") || !(l->here >> fi & 1))
			continue;
		if (pr->fields[fi].kind == WC_K_DNSNAME) {
			size_t n = wc_dns_name_text(v->b, v->blen, 1, name, sizeof(name) - 1);

			text(val, sizeof(val), name, n < sizeof(name) - 1 ? n : sizeof(name) - 1);
		} else if (pr->fields[fi].kind == WC_K_DNSTXT) {
			const uint8_t *t;
			size_t pos = 0, tl, o = 0;

			val[0] = 0;
			while (o + 4 < sizeof(val) && wc_dns_txt_next(v->b, v->blen, &pos, &t, &tl) > 0) {
				if (o)
					val[o++] = ' ';
				val[o++] = '"';
				text(val + o, sizeof(val) - o - 1, t, tl); /* room for the closing quote */
				o += strlen(val + o);
				val[o++] = '"';
				val[o] = 0;
			}
		} else if (wc_fmt_field_value(l, fi, false, val, sizeof(val)) < 0) {
			return;
		}
		snprintf(out, cap, " %s %s", type, val);
		return;
	}
	snprintf(out, cap, " %s", type); /* MX, SOA, SRV: records of their own layers */
}

static void dns_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	static __thread struct wc_pkt p; /* 33 KB: per receive thread, not on its stack */
	const struct wc_proto *dns = wc_proto_find("DNS");
	const struct wc_pkt *an;
	unsigned an_n, rc, pick = 0;
	uint64_t qtype = 0;
	int fi, o;
	const char *rn;

	if (!dns || n < 12 || wc_dissect(&p, b, n, dns) || !p.nlayers || p.l[0].proto != dns)
		return;
	if (field_u(&p.l[0], "id") != QUERY_ID || !field_u(&p.l[0], "qr") ||
	    field_u(&p.l[0], "opcode") != 0)
		return;
	rc = (unsigned)field_u(&p.l[0], "rcode");
	an_n = (unsigned)field_u(&p.l[0], "ancount");
	in->recognised = true;
	in->rcode = (int)rc;
	in->ancount = (int)an_n;
	rn = wc_udp_rcode_name((int)rc);
	o = rn ? snprintf(in->summary, sizeof(in->summary), "%s %u answer%s", rn, an_n,
			  an_n == 1 ? "" : "s")
	       : snprintf(in->summary, sizeof(in->summary), "rcode %u %u answer%s", rc, an_n,
			  an_n == 1 ? "" : "s");
	if (o < 0 || (size_t)o >= sizeof(in->summary))
		return;
	/* the question's type: the answer shown is the first of that type (the A at the end of
	 * a CNAME chain), or the first one for ANY or when there is none */
	fi = wc_field_index(dns, "qd");
	if (fi >= 0 && p.l[0].v[fi].blen && (an = wc_sub_expand(&p, 0, (unsigned)fi, NULL)) &&
	    an->nlayers)
		qtype = field_u(&an->l[0], "qtype");
	/* the answer records, decoded (a malformed list shows what could be read) */
	fi = wc_field_index(dns, "an");
	if (fi < 0 || !p.l[0].v[fi].blen)
		return;
	an = wc_sub_expand(&p, 0, (unsigned)fi, NULL);
	if (!an || !an->nlayers)
		return;
	for (unsigned i = 0; i < an->nlayers; i++)
		if (qtype != 255 && field_u(&an->l[i], "type") == qtype) {
			pick = i;
			break;
		}
	dns_record(an, pick, in->summary + o, sizeof(in->summary) - (size_t)o);
}

/* ---- ntp -------------------------------------------------------------------------------------- */

static int ntp_request(const char *arg, uint8_t *out, size_t cap)
{
	uint8_t q[48];

	(void)arg;
	memset(q, 0, sizeof(q));
	q[0] = 0xe3; /* LI 3 (unsynchronised), version 4, mode 3 (client) */
	return put(out, cap, q, sizeof(q));
}

static void ntp_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	unsigned mode, vn, stratum;
	char ref[32];

	if (n < 48)
		return;
	mode = b[0] & 7;
	vn = (b[0] >> 3) & 7;
	stratum = b[1];
	if (mode != 4 || vn < 1 || vn > 4)
		return;
	in->recognised = true;
	if (stratum <= 1) /* a four-character code: GPS, LOCL, or a kiss code (stratum 0) */
		text(ref, 5, b + 12, 4);
	else
		snprintf(ref, sizeof(ref), "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
	snprintf(in->summary, sizeof(in->summary), "NTPv%u stratum %u refid %s", vn, stratum, ref);
}

/* ---- snmp ------------------------------------------------------------------------------------- */

/* GetRequest for sysDescr.0 (1.3.6.1.2.1.1.1.0), community public, BER by hand: small and
 * fixed, no encoder needed. version: 0 (v1) or 1 (v2c). */
static int snmp_request_v(unsigned version, uint8_t *out, size_t cap)
{
	const uint8_t q[] = {
		0x30, 0x27,                                   /* SEQUENCE, 39 bytes */
		0x02, 0x01, (uint8_t)version,                 /* version */
		0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',     /* community */
		0xa0, 0x1a,                                   /* GetRequest-PDU, 26 bytes */
		0x02, 0x02, QUERY_ID >> 8, QUERY_ID & 0xff,   /* request-id */
		0x02, 0x01, 0x00, 0x02, 0x01, 0x00,           /* error-status, error-index */
		0x30, 0x0e, 0x30, 0x0c,                       /* varbinds: one */
		0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
		0x05, 0x00,                                   /* NULL */
	};

	return put(out, cap, q, sizeof(q));
}

static int snmp_request(const char *arg, uint8_t *out, size_t cap)
{
	(void)arg;
	return snmp_request_v(1, out, cap);
}

static int snmp1_request(const char *arg, uint8_t *out, size_t cap)
{
	(void)arg;
	return snmp_request_v(0, out, cap);
}

/* One BER TLV at *at: its tag, and its value's place [*v, *v + *vl). */
static bool ber(const uint8_t *b, size_t n, size_t *at, unsigned *tag, size_t *v, size_t *vl)
{
	size_t a = *at, len;

	if (a + 2 > n)
		return false;
	*tag = b[a++];
	len = b[a++];
	if (len & 0x80) {
		unsigned k = len & 0x7f;

		if (k == 0 || k > 3 || a + k > n)
			return false;
		len = 0;
		while (k--)
			len = len << 8 | b[a++];
	}
	if (a + len > n)
		return false;
	*v = a;
	*vl = len;
	*at = a + len;
	return true;
}

static void snmp_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	size_t at = 0, v, vl, end;
	unsigned tag, version;

	if (!ber(b, n, &at, &tag, &v, &vl) || tag != 0x30)
		return;
	end = v + vl;
	at = v;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x02 || vl != 1)
		return;
	version = b[v];
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x04) /* community */
		return;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0xa2) /* GetResponse */
		return;
	end = v + vl;
	at = v;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x02) /* request-id */
		return;
	in->recognised = true;
	snprintf(in->summary, sizeof(in->summary), "SNMPv%s response", version ? "2c" : "1");
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x02 || vl != 1 || b[v] != 0)
		return; /* an error status: the community or the object was refused */
	if (!ber(b, end, &at, &tag, &v, &vl)) /* error-index */
		return;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x30) /* varbinds */
		return;
	at = v;
	end = v + vl;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x30) /* the varbind */
		return;
	at = v;
	end = v + vl;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x06) /* the OID */
		return;
	if (!ber(b, end, &at, &tag, &v, &vl) || tag != 0x04) /* sysDescr: an OCTET STRING */
		return;
	text(in->summary, sizeof(in->summary), b + v, vl);
}

/* ---- ssdp ------------------------------------------------------------------------------------- */

static int ssdp_request(const char *arg, uint8_t *out, size_t cap)
{
	static const char q[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
				"MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n";

	(void)arg;
	return put(out, cap, q, sizeof(q) - 1);
}

static void ssdp_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	if (n < 12 || memcmp(b, "HTTP/1.", 7))
		return;
	in->recognised = true;
	/* the SERVER header, else the status line */
	for (size_t at = 0; at < n;) {
		const uint8_t *nl = memchr(b + at, '\n', n - at);
		size_t e = nl ? (size_t)(nl - b) : n, s;

		if (e - at > 7 && !strncasecmp((const char *)b + at, "SERVER:", 7)) {
			for (s = at + 7; s < e && b[s] == ' '; s++)
				;
			text(in->summary, sizeof(in->summary), b + s,
			     e - s - (e > s && b[e - 1] == '\r'));
			return;
		}
		at = e + 1;
	}
	{
		const uint8_t *nl = memchr(b, '\r', n);

		text(in->summary, sizeof(in->summary), b, nl ? (size_t)(nl - b) : n);
	}
}

/* ---- netbios-ns ------------------------------------------------------------------------------- */

/* A name at *at (labels or a compression pointer), skipped, bounded: the node status answer
 * is DNS-shaped, but NetBIOS's, not a DNS layer's. */
static bool dns_skip_name(const uint8_t *b, size_t n, size_t *at)
{
	for (int hops = 0; hops < 128; hops++) {
		if (*at >= n)
			return false;
		if ((b[*at] & 0xc0) == 0xc0) {
			*at += 2;
			return *at <= n;
		}
		if (b[*at] & 0xc0)
			return false;
		if (b[*at] == 0) {
			(*at)++;
			return true;
		}
		*at += 1 + (size_t)b[*at];
	}
	return false;
}
static int nbns_request(const char *arg, uint8_t *out, size_t cap)
{
	uint8_t q[50];

	(void)arg;
	memset(q, 0, sizeof(q));
	q[0] = QUERY_ID >> 8, q[1] = QUERY_ID & 0xff;
	q[5] = 1;  /* one question */
	q[12] = 32; /* "*" and 15 NULs, each nibble + 'A' (RFC 1002 4.1) */
	q[13] = 'C', q[14] = 'K';
	for (int i = 15; i < 45; i++)
		q[i] = 'A';
	q[45] = 0;
	q[46] = 0, q[47] = 0x21; /* NBSTAT */
	q[48] = 0, q[49] = 1;
	return put(out, cap, q, sizeof(q));
}

/* One name of a node status table: its 15 bytes without the padding spaces. */
static void nbns_name(const uint8_t *e, char *out, size_t cap)
{
	size_t len = 15;

	while (len && (e[len - 1] == ' ' || e[len - 1] == 0))
		len--;
	text(out, cap, e, len);
}

/* The node status answer (RFC 1002 4.2.18): the first unique name (the machine's), the first
 * group name (its workgroup or domain) and the unit id (the MAC address), as nmblookup -A
 * lists them: "WCTEST group WCGROUP mac 00-00-00-00-00-00". */
static void nbns_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	char uniq[32] = "", group[32] = "", mac[24] = "";
	size_t at = 12, names, rdlen, end, i;

	if (n < 12 || rd16(b) != QUERY_ID || !(b[2] & 0x80) || rd16(b + 6) < 1)
		return;
	if (!dns_skip_name(b, n, &at) || at + 11 > n || rd16(b + at) != 0x21)
		return;
	in->recognised = true;
	rdlen = rd16(b + at + 8);
	at += 10; /* type, class, TTL, rdlength */
	end = at + rdlen < n ? at + rdlen : n;
	if (at >= end) {
		snprintf(in->summary, sizeof(in->summary), "no names");
		return;
	}
	names = b[at++];
	for (i = 0; i < names && at + 18 <= end; i++, at += 18) {
		bool is_group = b[at + 16] & 0x80; /* NAME_FLAGS, G bit */
		char *dst = is_group ? group : uniq;

		if (!dst[0])
			nbns_name(b + at, dst, sizeof(uniq));
	}
	/* the statistics after the whole table start with the unit id */
	if (i == names && at + 6 <= end)
		snprintf(mac, sizeof(mac), "%02x-%02x-%02x-%02x-%02x-%02x", b[at], b[at + 1],
			 b[at + 2], b[at + 3], b[at + 4], b[at + 5]);
	if (!uniq[0] && !group[0]) {
		snprintf(in->summary, sizeof(in->summary), "no names");
		return;
	}
	snprintf(in->summary, sizeof(in->summary), "%s%s%s%s%s", uniq[0] ? uniq : "?",
		 group[0] ? " group " : "", group, mac[0] ? " mac " : "", mac);
}

/* ---- memcached -------------------------------------------------------------------------------- */

static int memcached_request(const char *arg, uint8_t *out, size_t cap)
{
	/* the UDP frame header (request id 1, sequence 0, 1 datagram, reserved), then the command */
	static const uint8_t q[] = {0, 1, 0, 0, 0, 1, 0, 0, 's', 't', 'a', 't', 's', '\r', '\n'};

	(void)arg;
	return put(out, cap, q, sizeof(q));
}

static void memcached_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	static const char key[] = "STAT version ";

	if (n < 8 + 5 || memcmp(b + 8, "STAT ", 5))
		return;
	in->recognised = true;
	snprintf(in->summary, sizeof(in->summary), "stats");
	for (size_t i = 8; i + sizeof(key) - 1 < n; i++) {
		if (memcmp(b + i, key, sizeof(key) - 1))
			continue;
		size_t s = i + sizeof(key) - 1, e = s;

		while (e < n && b[e] != '\r' && b[e] != '\n')
			e++;
		memcpy(in->summary, "version ", 8);
		text(in->summary + 8, sizeof(in->summary) - 8, b + s, e - s);
		return;
	}
}

/* ---- the table -------------------------------------------------------------------------------- */

static const struct wc_udp_module modules[] = {
	{"dns", 53, dns_request, dns_classify},
	{"ntp", 123, ntp_request, ntp_classify},
	{"snmp", 161, snmp_request, snmp_classify},
	{"snmp1", 161, snmp1_request, snmp_classify},
	{"ssdp", 1900, ssdp_request, ssdp_classify},
	{"netbios-ns", 137, nbns_request, nbns_classify},
	{"memcached", 11211, memcached_request, memcached_classify},
};

const struct wc_udp_module *wc_udp_module_find(const char *name)
{
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (!strcmp(modules[i].name, name))
			return &modules[i];
	return NULL;
}

const char *wc_udp_module_name(const struct wc_udp_module *m)
{
	return m->name;
}

uint16_t wc_udp_module_port(const struct wc_udp_module *m)
{
	return m->port;
}

const char *wc_udp_module_list(void)
{
	return "dns, ntp, snmp, snmp1, ssdp, netbios-ns, memcached";
}

int wc_udp_module_request(const struct wc_udp_module *m, const char *arg, uint8_t *out,
			  size_t cap)
{
	return m->request(arg, out, cap);
}

void wc_udp_classify(const struct wc_udp_module *m, const uint8_t *payload, size_t len,
		     size_t probe_bytes, struct wc_udp_info *in)
{
	memset(in, 0, sizeof(*in));
	in->module = m ? m->name : NULL;
	in->rcode = in->ancount = -1;
	in->reply_bytes = (uint32_t)len;
	in->probe_bytes = (uint32_t)probe_bytes;
	in->amp = probe_bytes ? (double)len / (double)probe_bytes : -1;
	if (m && payload)
		m->classify(payload, len, in);
}

const uint8_t *wc_udp_payload_of(const uint8_t *f, size_t len, size_t *plen)
{
	size_t off = 14, ulen;
	uint16_t et;
	const uint8_t *u;

	if (len < 14)
		return NULL;
	et = rd16(f + 12);
	for (int k = 0; k < 2 && (et == 0x8100 || et == 0x88a8); k++) {
		if (off + 4 > len)
			return NULL;
		et = rd16(f + off + 2);
		off += 4;
	}
	if (et == 0x0800) {
		size_t ihl;

		if (off + 20 > len || f[off + 9] != 17)
			return NULL;
		ihl = (size_t)(f[off] & 15) * 4;
		off += ihl;
	} else if (et == 0x86dd) {
		if (off + 40 > len || f[off + 6] != 17)
			return NULL;
		off += 40;
	} else {
		return NULL;
	}
	if (off + 8 > len)
		return NULL;
	u = f + off;
	ulen = rd16(u + 4);
	if (ulen < 8 || off + ulen > len)
		return NULL;
	*plen = ulen - 8;
	return u + 8;
}
