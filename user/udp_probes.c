/* SPDX-License-Identifier: MIT */
/* UDP probe modules (wirecraft/udp_probes.h): one table row per service, a request builder and
 * a classifier each. The requests are the ordinary ones each service's own client sends; the
 * classifiers read only what the reply holds and bound every step by its length. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

static int dns_request(const char *name, uint8_t *out, size_t cap)
{
	uint8_t q[512];
	size_t n = 12, lab;
	const char *p;

	if (!name)
		name = "example.com";
	if (!*name || strlen(name) > 253)
		return -EINVAL;
	memset(q, 0, 12);
	q[0] = QUERY_ID >> 8, q[1] = QUERY_ID & 0xff;
	q[2] = 0x01;          /* RD: a recursive query, as a stub resolver sends */
	q[5] = 1;             /* one question */
	for (p = name; *p;) {
		lab = strcspn(p, ".");
		if (lab == 0 || lab > 63)
			return -EINVAL;
		q[n++] = (uint8_t)lab;
		memcpy(q + n, p, lab);
		n += lab;
		p += lab;
		if (*p == '.')
			p++;
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = 1; /* A */
	q[n++] = 0, q[n++] = 1; /* IN */
	return put(out, cap, q, n);
}

/* A name at *at (labels or a compression pointer): skipped, bounded. */
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

static const char *rcode_name(unsigned r)
{
	static const char *const n[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
					"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
					"NOTZONE"};

	return r < sizeof(n) / sizeof(n[0]) ? n[r] : NULL;
}

static void dns_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	unsigned qd, an, rc;
	size_t at = 12, o;
	const char *rn;

	if (n < 12 || rd16(b) != QUERY_ID || !(b[2] & 0x80) || ((b[2] >> 3) & 15) != 0)
		return;
	rc = b[3] & 15;
	qd = rd16(b + 4);
	an = rd16(b + 6);
	in->recognised = true;
	in->rcode = (int)rc;
	in->ancount = (int)an;
	rn = rcode_name(rc);
	o = (size_t)(rn ? snprintf(in->summary, sizeof(in->summary), "%s %u answer%s", rn, an,
				   an == 1 ? "" : "s")
			: snprintf(in->summary, sizeof(in->summary), "rcode %u %u answer%s", rc, an,
				   an == 1 ? "" : "s"));
	for (unsigned i = 0; i < qd && i < 16; i++) {
		if (!dns_skip_name(b, n, &at) || at + 4 > n)
			return;
		at += 4;
	}
	/* the first A record's address, as `dig +short` shows it */
	for (unsigned i = 0; i < an && i < 64; i++) {
		unsigned type, rdlen;

		if (!dns_skip_name(b, n, &at) || at + 10 > n)
			return;
		type = rd16(b + at);
		rdlen = rd16(b + at + 8);
		at += 10;
		if (at + rdlen > n)
			return;
		if (type == 1 && rdlen == 4) {
			snprintf(in->summary + o, sizeof(in->summary) - o, " A %u.%u.%u.%u", b[at],
				 b[at + 1], b[at + 2], b[at + 3]);
			return;
		}
		at += rdlen;
	}
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

static void nbns_classify(const uint8_t *b, size_t n, struct wc_udp_info *in)
{
	size_t at = 12;

	if (n < 12 || rd16(b) != QUERY_ID || !(b[2] & 0x80) || rd16(b + 6) < 1)
		return;
	if (!dns_skip_name(b, n, &at) || at + 11 > n || rd16(b + at) != 0x21)
		return;
	in->recognised = true;
	at += 10;  /* type, class, TTL, rdlength */
	if (b[at] < 1 || at + 1 + 18 > n) {
		snprintf(in->summary, sizeof(in->summary), "no names");
		return;
	}
	{
		size_t e = 15;

		while (e && b[at + e] == ' ')
			e--;
		text(in->summary, sizeof(in->summary), b + at + 1, e);
	}
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
