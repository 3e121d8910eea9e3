/* SPDX-License-Identifier: MIT */
/* Scan probes (wirecraft/probe.h): templates built from expressions, finished per target with
 * precomputed checksum sums; answers parsed, cookie-checked and classified.
 *
 * Why precomputed sums: a one's-complement sum is order-free, so the sum over a template with
 * the varying fields zeroed, plus the varying fields' words, is the sum over the finished probe.
 * Per probe that is the destination address (2 or 8 words), the port and the cookie (2 words):
 * the checksum costs a dozen additions whatever the payload. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../bpf/cookie.h"
#include "set_impl.h"
#include "wirecraft/pkt.h"
#include "wirecraft/probe.h"
#include "wirecraft/proto.h"
#include "wirecraft/set.h"
#include "wirecraft/steer.h"
#include "wirecraft/tmpl.h"
#include "wirecraft/udp_probes.h"

#define MAX_PAYLOAD 1400
#define MAX_FRAME 1600

/* ---- UDP payloads ------------------------------------------------------------------------- */

struct wc_udp_payloads {
	uint16_t *idx;    /* port -> payload + 1 (0: none given: the default's) */
	uint8_t **data;   /* payloads; [0] is the default (NULL when none) */
	size_t *len;
	unsigned n, cap;
};

static int hexv(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* The payload text after the ports: hex, or a quoted string. */
static int parse_payload(const char *p, uint8_t *out, size_t *n)
{
	*n = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			int c = (unsigned char)*p;

			if (!c)
				return -EINVAL; /* unterminated */
			if (c == '\\') {
				switch (*++p) {
				case 'n': c = '\n'; break;
				case 'r': c = '\r'; break;
				case 't': c = '\t'; break;
				case '0': c = 0; break;
				case '\\': c = '\\'; break;
				case '"': c = '"'; break;
				case 'x': {
					/* p[2] only once p[1] is a digit: p[1] may be the end */
					int hi = hexv((unsigned char)p[1]);
					int lo = hi < 0 ? -1 : hexv((unsigned char)p[2]);

					if (lo < 0)
						return -EINVAL;
					c = hi << 4 | lo;
					p += 2;
					break;
				}
				default: return -EINVAL;
				}
			}
			if (*n >= MAX_PAYLOAD)
				return -E2BIG;
			out[(*n)++] = (uint8_t)c;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		return *p && *p != '#' ? -EINVAL : 0;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (*p && *p != '#') {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		int hi = hexv((unsigned char)p[0]);
		int lo = hi < 0 ? -1 : hexv((unsigned char)p[1]);

		if (lo < 0)
			return -EINVAL;
		if (*n >= MAX_PAYLOAD)
			return -E2BIG;
		out[(*n)++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	return 0;
}

static int payload_add(struct wc_udp_payloads *u, const uint8_t *b, size_t n)
{
	if (u->n == u->cap) {
		unsigned cap = u->cap * 2;
		uint8_t **d = realloc(u->data, cap * sizeof(*d));
		size_t *l;

		if (!d)
			return -ENOMEM;
		u->data = d;
		l = realloc(u->len, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		u->len = l;
		u->cap = cap;
	}
	u->data[u->n] = malloc(n ? n : 1);
	if (!u->data[u->n])
		return -ENOMEM;
	memcpy(u->data[u->n], b, n);
	u->len[u->n] = n;
	return (int)u->n++;
}

int wc_udp_payloads_load(const char *path, struct wc_udp_payloads **out, unsigned *line)
{
	struct wc_udp_payloads *u = calloc(1, sizeof(*u));
	struct wc_ports *ports = malloc(sizeof(*ports));
	uint8_t *pl = malloc(MAX_PAYLOAD);
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 0;
	unsigned ln = 0;
	int err = 0;

	if (line)
		*line = 0;
	if (!u || !ports || !pl)
		goto nomem;
	u->idx = calloc(65536, sizeof(*u->idx));
	u->cap = 8;
	u->data = calloc(u->cap, sizeof(*u->data));
	u->len = calloc(u->cap, sizeof(*u->len));
	if (!u->idx || !u->data || !u->len)
		goto nomem;
	u->n = 1; /* slot 0: the default, none yet */
	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		goto fail;
	}
	while (getline(&buf, &cap, f) >= 0) {
		char *p = buf, *sp;
		size_t n;
		int k;

		ln++;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		sp = p;
		while (*sp && !isspace((unsigned char)*sp))
			sp++;
		if (*sp)
			*sp++ = 0;
		else
			sp = p + strlen(p); /* ports alone: an empty payload */
		err = parse_payload(sp, pl, &n);
		if (err)
			goto bad;
		if (!strcmp(p, "default")) {
			free(u->data[0]);
			u->data[0] = malloc(n ? n : 1);
			if (!u->data[0])
				goto nomem;
			memcpy(u->data[0], pl, n);
			u->len[0] = n;
			continue;
		}
		if (wc_ports_parse(p, ports)) {
			err = -EINVAL;
			goto bad;
		}
		k = payload_add(u, pl, n);
		if (k < 0)
			goto nomem;
		if (k >= 65535) {
			err = -E2BIG;
			goto bad;
		}
		for (uint32_t i = 0; i < ports->n; i++)
			u->idx[ports->port[i]] = (uint16_t)k;
	}
	if (ferror(f)) {
		err = -EIO;
		goto fail;
	}
	goto done;
bad:
	if (line)
		*line = ln;
	goto fail;
nomem:
	err = -ENOMEM;
fail:
	wc_udp_payloads_free(u);
	u = NULL;
done:
	if (f)
		fclose(f);
	free(buf);
	free(ports);
	free(pl);
	if (!err)
		*out = u;
	return err;
}

const uint8_t *wc_udp_payload(const struct wc_udp_payloads *u, uint16_t port, size_t *len)
{
	unsigned k = u->idx[port];

	*len = u->len[k];
	return u->data[k];
}

/* One payload for every port: a UDP probe module's request (wirecraft/udp_probes.h). */
int wc_udp_payloads_single(const uint8_t *p, size_t n, struct wc_udp_payloads **out)
{
	struct wc_udp_payloads *u = calloc(1, sizeof(*u));

	if (n > MAX_PAYLOAD)
		n = 0;
	if (!u || !(u->idx = calloc(65536, sizeof(*u->idx))) ||
	    !(u->data = calloc(1, sizeof(*u->data))) || !(u->len = calloc(1, sizeof(*u->len))) ||
	    !(u->data[0] = malloc(n ? n : 1))) {
		wc_udp_payloads_free(u);
		return -ENOMEM;
	}
	u->n = u->cap = 1;
	memcpy(u->data[0], p, n);
	u->len[0] = n;
	*out = u;
	return 0;
}

void wc_udp_payloads_free(struct wc_udp_payloads *u)
{
	if (!u)
		return;
	if (u->data)
		for (unsigned i = 0; i < u->n; i++)
			free(u->data[i]);
	free(u->data);
	free(u->len);
	free(u->idx);
	free(u);
}

/* ---- templates ---------------------------------------------------------------------------- */

enum slot {
	SLOT_NONE = 0,
	SLOT_TCP_SEQ,   /* SYN probes (or any without ACK) */
	SLOT_TCP_ACK,   /* ACK probes */
	SLOT_UDP_SPORT,
	SLOT_ICMP,      /* echo id and seq */
};

struct tpl {
	uint8_t *b;
	uint16_t len;
	uint8_t fam;      /* 4 or 6 */
	uint8_t proto;    /* L4 protocol */
	uint8_t slot;     /* enum slot */
	bool has_dport;   /* TCP, UDP: the port goes into the probe */
	bool zero_ffff;   /* UDP */
	uint16_t l3, l4;  /* header offsets */
	uint16_t l4ck;    /* the L4 checksum's offset */
	uint32_t ipsum;   /* IPv4 header sum without dst and checksum */
	uint32_t l4sum;   /* L4 (+ pseudo-header) sum without dst, dport, cookie and checksum */
	uint16_t sport;   /* TCP: the template's */
	uint32_t payload; /* TCP: payload bytes (the ack window) */
};

struct wc_probe {
	enum wc_probe_kind kind;
	struct wc_cookie_key key;
	uint16_t sport_lo;
	uint32_t sport_n;
	/* per family (0: IPv4, 1: IPv6): one template, or one per UDP payload */
	struct tpl *t[2];
	unsigned nt[2];
	const struct wc_udp_payloads *payloads;
	uint16_t *udp_idx; /* port -> template (UDP with payloads), shared by both families */
	uint16_t expr_port;
	uint8_t slot;      /* the slot of every template (they agree) */
	uint8_t proto;
	size_t max_len;
	bool trace;           /* wc_probe_opts.trace: the port argument is the TTL */
	uint16_t trace_dport;
};

static const struct wc_proto *P(const char *name)
{
	return wc_proto_find(name);
}

static int fail(char *why, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *why, int err, const char *fmt, ...)
{
	if (why) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(why, 160, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Give a field the user left unset a value (our addresses, MACs). */
static void fill(struct wc_set *s, const struct wc_proto *pr, const char *field,
		 const struct wc_val *v)
{
	for (unsigned i = 0; i < s->n; i++) {
		int fi;

		if (s->l[i].proto != pr)
			continue;
		fi = wc_field_index(pr, field);
		if (fi >= 0 && s->l[i].f[fi].kind == WC_SP_DEFAULT) {
			s->l[i].f[fi].kind = WC_SP_VALUE;
			s->l[i].f[fi].val = *v;
		}
		return;
	}
}

/* Did the user give field `name` of the first layer of protocol pr a value? A fuzz()ed layer
 * counts as given. A layer the set does not have: not given. */
static bool pinned(const struct wc_set *s, const struct wc_proto *pr, const char *name)
{
	for (unsigned i = 0; i < s->n; i++) {
		int fi;

		if (s->l[i].proto != pr)
			continue;
		if (s->l[i].fuzz)
			return true;
		fi = wc_field_index(pr, name);
		return fi < 0 || s->l[i].f[fi].kind != WC_SP_DEFAULT;
	}
	return false;
}

static uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void wr16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void wr32(uint8_t *b, uint32_t v)
{
	wr16(b, (uint16_t)(v >> 16));
	wr16(b + 2, (uint16_t)v);
}

static uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)rd16(b) << 16 | rd16(b + 2);
}

static uint32_t sum16(uint32_t s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += rd16(b + i);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The template of a parsed set: its first packet, with Ethernet and our addresses filled in
 * where the user left them, then its layout. */
static int make_tpl(struct wc_probe *pr, const struct wc_probe_opts *o, struct wc_set *s,
		    bool user, struct tpl *t, char *why)
{
	const struct wc_proto *first = wc_set_layer(s, 0), *ip = P("IP"), *ip6 = P("IPv6");
	struct wc_pkt *pk = NULL;
	struct wc_tmpl *tm = NULL;
	struct wc_val v;
	const uint8_t *bytes;
	size_t blen;
	unsigned li;
	int err;

	if (first == ip || first == ip6) {
		err = wc_set_push_front(s, P("Ether"));
		if (err)
			return fail(why, err, "probe: %s", strerror(-err));
	}
	memset(&v, 0, sizeof(v));
	v.u = o->src_mac;
	fill(s, P("Ether"), "src", &v);
	v.u = o->dst_mac;
	for (unsigned i = 0; i < s->n; i++)
		if (s->l[i].proto == ip6 && o->dst_mac6)
			v.u = o->dst_mac6;
	fill(s, P("Ether"), "dst", &v);
	if (o->has_src4) {
		v.u = (uint32_t)o->src4[0] << 24 | (uint32_t)o->src4[1] << 16 |
		      (uint32_t)o->src4[2] << 8 | o->src4[3];
		fill(s, ip, "src", &v);
	}
	if (o->has_src6) {
		memcpy(v.a, o->src6, 16);
		fill(s, ip6, "src", &v);
	}
	if (wc_set_count(s) != 1 && user)
		return fail(why, -EINVAL, "probe: the expression must describe one packet (it has "
			    "%llu); targets and ports come from the command line",
			    (unsigned long long)wc_set_count(s));
	err = wc_tmpl_new(s, &tm);
	if (err)
		return fail(why, err, "probe: cannot build the expression: %s", strerror(-err));
	bytes = wc_tmpl_bytes(tm, &blen);
	if (blen > MAX_FRAME) {
		err = fail(why, -E2BIG, "probe: %zu bytes, more than a scan probe may have (%d)",
			   blen, MAX_FRAME);
		goto out;
	}
	pk = malloc(sizeof(*pk));
	t->b = malloc(blen);
	if (!pk || !t->b) {
		err = fail(why, -ENOMEM, "probe: out of memory");
		goto out;
	}
	memcpy(t->b, bytes, blen);
	t->len = (uint16_t)blen;
	wc_dissect(pk, t->b, blen, NULL);
	for (li = 0; li < pk->nlayers; li++)
		if (pk->l[li].proto == ip || pk->l[li].proto == ip6)
			break;
	if (li == pk->nlayers || pk->l[li].status != WC_LS_OK) {
		err = fail(why, -EOPNOTSUPP, "probe: not an IP or IPv6 packet");
		goto out;
	}
	t->l3 = (uint16_t)pk->l[li].off;
	if (pk->l[li].proto == ip) {
		uint32_t ihl = (t->b[t->l3] & 15) * 4u, tot = rd16(t->b + t->l3 + 2);

		t->fam = 4;
		t->proto = t->b[t->l3 + 9];
		if (rd16(t->b + t->l3 + 6) & 0x3fff) {
			err = fail(why, -EOPNOTSUPP, "probe: a fragment cannot be a probe");
			goto out;
		}
		t->l4 = (uint16_t)(t->l3 + ihl);
		if (t->l3 + tot > blen || tot < ihl) {
			err = fail(why, -EINVAL, "probe: the IP total length is not the packet's");
			goto out;
		}
		t->len = (uint16_t)(t->l3 + tot); /* no Ethernet padding in a template */
	} else {
		uint64_t nh = 0;

		t->fam = 6;
		wc_layer_get_u(&pk->l[li], "nh", &nh);
		while (li + 1 < pk->nlayers && pk->l[li + 1].proto->bind_as == ip6) {
			li++;
			wc_layer_get_u(&pk->l[li], "nh", &nh);
		}
		t->proto = (uint8_t)nh;
		t->l4 = (uint16_t)(li + 1 < pk->nlayers ? pk->l[li + 1].off : blen);
		if (t->l3 + 40u + rd16(t->b + t->l3 + 4) != blen) {
			err = fail(why, -EINVAL, "probe: the IPv6 payload length is not the packet's");
			goto out;
		}
	}
	if (t->fam == 4 ? !o->has_src4 && !pinned(s, ip, "src")
			: !o->has_src6 && !pinned(s, ip6, "src")) {
		err = fail(why, -EADDRNOTAVAIL, "probe: no IPv%d source address (the interface "
			   "has none: give one)", t->fam);
		goto out;
	}

	/* where the cookie can go: a field the user did not pin */
	switch (t->proto) {
	case IPPROTO_TCP: {
		uint8_t fl;

		if (t->l4 + 20u > t->len)
			goto short_l4;
		fl = t->b[t->l4 + 13];
		t->has_dport = true;
		t->l4ck = t->l4 + 16;
		t->sport = rd16(t->b + t->l4);
		t->payload = t->len - t->l4 - (t->b[t->l4 + 12] >> 4) * 4u;
		if ((fl & 0x10) && !(fl & 0x02)) {
			if (!pinned(s, P("TCP"), "ack") && !pinned(s, P("TCP"), "chksum"))
				t->slot = SLOT_TCP_ACK;
		} else if (!pinned(s, P("TCP"), "seq") && !pinned(s, P("TCP"), "chksum")) {
			t->slot = SLOT_TCP_SEQ;
		}
		break;
	}
	case IPPROTO_UDP:
		if (t->l4 + 8u > t->len)
			goto short_l4;
		t->has_dport = true;
		t->zero_ffff = true;
		t->l4ck = t->l4 + 6;
		if (!pinned(s, P("UDP"), "sport") && !pinned(s, P("UDP"), "chksum"))
			t->slot = SLOT_UDP_SPORT;
		break;
	case IPPROTO_ICMP:
		if (t->l4 + 8u > t->len)
			goto short_l4;
		t->l4ck = t->l4 + 2;
		if (t->b[t->l4] == 8 && !pinned(s, P("ICMP"), "id") && !pinned(s, P("ICMP"), "seq") &&
		    !pinned(s, P("ICMP"), "chksum"))
			t->slot = SLOT_ICMP;
		break;
	case IPPROTO_ICMPV6: {
		const struct wc_proto *e = P("ICMPv6EchoRequest");

		if (t->l4 + 8u > t->len)
			goto short_l4;
		t->l4ck = t->l4 + 2;
		if (t->b[t->l4] == 128 && !pinned(s, e, "id") && !pinned(s, e, "seq") &&
		    !pinned(s, e, "cksum"))
			t->slot = SLOT_ICMP;
		break;
	}
	default:
		break;
	}
	if (t->slot == SLOT_NONE) {
		err = fail(why, -EOPNOTSUPP, "probe: no field left for the cookie (leave TCP seq/ack, "
			   "UDP sport or the echo id and seq unset)");
		goto out;
	}
	if (user && pinned(s, t->fam == 4 ? ip : ip6, "dst")) {
		/* the targets are the command line's: a pinned dst is overwritten, say nothing */
	}
	if (user && t->has_dport)
		pr->expr_port = rd16(t->b + t->l4 + 2);

	/* the sums without the varying fields */
	{
		uint8_t *b = t->b;
		uint32_t l4len = t->len - t->l4, s4;
		unsigned alen = t->fam == 4 ? 4 : 16;
		uint8_t *dst = b + t->l3 + (t->fam == 4 ? 16 : 24);

		memset(dst, 0, alen);
		if (t->fam == 4) {
			uint32_t ihl = (b[t->l3] & 15) * 4u;

			wr16(b + t->l3 + 10, 0);
			t->ipsum = sum16(0, b + t->l3, ihl);
		}
		wr16(b + t->l4ck, 0);
		if (t->has_dport)
			wr16(b + t->l4 + 2, 0);
		switch (t->slot) {
		case SLOT_TCP_SEQ: wr32(b + t->l4 + 4, 0); break;
		case SLOT_TCP_ACK: wr32(b + t->l4 + 8, 0); break;
		case SLOT_UDP_SPORT: wr16(b + t->l4, 0); break;
		case SLOT_ICMP: wr32(b + t->l4 + 4, 0); break;
		}
		s4 = sum16(0, b + t->l4, l4len);
		if (t->proto != IPPROTO_ICMP) { /* the pseudo-header (dst still zero) */
			s4 = sum16(s4, b + t->l3 + (t->fam == 4 ? 12 : 8), alen);
			s4 += t->proto + (l4len & 0xffff) + (l4len >> 16);
		}
		t->l4sum = s4;
	}
	err = 0;
	goto out;
short_l4:
	err = fail(why, -EINVAL, "probe: the L4 header is cut short");
out:
	wc_tmpl_free(tm);
	free(pk);
	return err;
}

static int add_tpl(struct wc_probe *p, const struct wc_probe_opts *o, const char *expr, bool user,
		   char *why)
{
	struct wc_set *s = NULL;
	struct wc_err e;
	struct tpl t, *nt;
	int err, fi;

	memset(&t, 0, sizeof(t));
	err = wc_set_parse(expr, &s, &e);
	if (err)
		return fail(why, err, "probe: %s%s%s", e.msg, user ? " in: " : "", user ? expr : "");
	err = make_tpl(p, o, s, user, &t, why);
	wc_set_free(s);
	if (err) {
		free(t.b);
		return err;
	}
	fi = t.fam == 4 ? 0 : 1;
	nt = realloc(p->t[fi], (p->nt[fi] + 1) * sizeof(*nt));
	if (!nt) {
		free(t.b);
		return fail(why, -ENOMEM, "probe: out of memory");
	}
	p->t[fi] = nt;
	p->t[fi][p->nt[fi]++] = t;
	p->slot = t.slot;
	p->proto = t.proto;
	if (t.len > p->max_len)
		p->max_len = t.len;
	return 0;
}

/* Expression text for one preset and family. */
static void preset_expr(const struct wc_probe_opts *o, int fam, const uint8_t *payload, size_t plen,
			uint16_t sport, uint32_t salt, char *out, size_t cap)
{
	static const struct {
		unsigned window, ttl;
		const char *opts;
	} presets[] = {
		[WC_TCP_LINUX] = {64240, 64, "[(\"MSS\",%u),(\"SAckOK\",b\"\"),(\"Timestamp\",(%u,0)),"
					    "(\"NOP\",None),(\"WScale\",7)]"},
		[WC_TCP_WINDOWS] = {64240, 128, "[(\"MSS\",%u),(\"NOP\",None),(\"WScale\",8),"
					       "(\"NOP\",None),(\"NOP\",None),(\"SAckOK\",b\"\")]"},
		[WC_TCP_BSD] = {65535, 64, "[(\"MSS\",%u),(\"NOP\",None),(\"WScale\",6),(\"SAckOK\",b\"\"),"
					  "(\"Timestamp\",(%u,0))]"},
		[WC_TCP_NONE] = {65535, 64, "[]"},
	};
	unsigned pre = o->preset <= WC_TCP_NONE ? o->preset : WC_TCP_LINUX;
	unsigned mss = fam == 4 ? 1460 : 1440;
	char ipl[96], opts[256];
	size_t n;

	/* An IPv4 id and a TCP timestamp that do not give the run away as a scanner's constant */
	if (fam == 4)
		snprintf(ipl, sizeof(ipl), "IP(flags=\"DF\",ttl=%u,id=%u)",
			 o->kind == WC_PROBE_TCP_SYN ? presets[pre].ttl : 64, salt & 0xffff);
	else
		snprintf(ipl, sizeof(ipl), "IPv6(hlim=%u)",
			 o->kind == WC_PROBE_TCP_SYN ? presets[pre].ttl : 64);
	switch (o->kind) {
	case WC_PROBE_TCP_SYN:
		snprintf(opts, sizeof(opts), presets[pre].opts, mss, salt);
		snprintf(out, cap, "%s/TCP(sport=%u,flags=\"S\",window=%u,options=%s)", ipl, sport,
			 presets[pre].window, opts);
		break;
	case WC_PROBE_TCP_ACK:
		snprintf(out, cap, "%s/TCP(sport=%u,flags=\"A\",window=%u)", ipl, sport, 1024u);
		break;
	case WC_PROBE_ICMP_ECHO:
	case WC_PROBE_ICMP6_ECHO:
	case WC_PROBE_UDP:
		n = (size_t)snprintf(out, cap, "%s/%s", ipl, o->kind == WC_PROBE_UDP ? "UDP()"
				     : fam == 4 ? "ICMP(type=8)" : "ICMPv6EchoRequest()");
		if (plen && n < cap) {
			n += (size_t)snprintf(out + n, cap - n, "/Raw(load=b\"");
			for (size_t i = 0; i < plen && n + 8 < cap; i++)
				n += (size_t)snprintf(out + n, cap - n, "\\x%02x", payload[i]);
			snprintf(out + n, cap - n, "\")");
		}
		break;
	default:
		out[0] = 0;
	}
}

/* A tracing template (wc_probe_opts.trace): the preset's packet, an ICMP echo of the family
 * (ICMPv6 for IPv6), and for UDP and ICMP two payload bytes, the word that wc_probe_make sets to
 * steer the checksum. The IPv4 TTL is taken out of the header sum: it is set per probe. */
static int trace_tpl(struct wc_probe *p, const struct wc_probe_opts *o, int fam, uint16_t sport,
		     char *ex, size_t ecap, char *why)
{
	static const uint8_t word[2];
	struct wc_probe_opts to = *o;
	int fi = fam == 4 ? 0 : 1;
	struct tpl *t;
	int err;

	if (o->kind == WC_PROBE_ICMP_ECHO || o->kind == WC_PROBE_ICMP6_ECHO)
		to.kind = fam == 4 ? WC_PROBE_ICMP_ECHO : WC_PROBE_ICMP6_ECHO;
	preset_expr(&to, fam, word, to.kind == WC_PROBE_TCP_SYN ? 0 : 2, sport, (uint32_t)o->key[1],
		    ex, ecap);
	err = add_tpl(p, o, ex, false, why);
	if (err)
		return err;
	if (!p->t[fi] || !p->nt[fi])
		return -EINVAL; /* add_tpl added one: not reached */
	t = &p->t[fi][p->nt[fi] - 1];
	if (fam == 4) {
		t->ipsum += 0xffffu - ((uint32_t)t->b[t->l3 + 8] << 8);
		t->b[t->l3 + 8] = 0;
	}
	return 0;
}

static const char *const kind_names[] = {
	[WC_PROBE_TCP_SYN] = "tcp-syn", [WC_PROBE_TCP_ACK] = "tcp-ack",
	[WC_PROBE_ICMP_ECHO] = "icmp-echo", [WC_PROBE_ICMP6_ECHO] = "icmpv6-echo",
	[WC_PROBE_UDP] = "udp", [WC_PROBE_EXPR] = "expr",
};

int wc_probe_new(const struct wc_probe_opts *uo, struct wc_probe **out, char *why)
{
	struct wc_probe_opts o;
	struct wc_probe *p;
	size_t ecap = 64 + 4 * MAX_PAYLOAD + 512;
	char *ex = NULL;
	uint16_t sport;
	int err = 0;

	if (!uo || !out || uo->sz < offsetof(struct wc_probe_opts, key) + sizeof(uo->key))
		return fail(why, -EINVAL, "probe: bad options");
	memset(&o, 0, sizeof(o));
	memcpy(&o, uo, uo->sz < sizeof(o) ? uo->sz : sizeof(o));
	if (o.kind > WC_PROBE_EXPR || (o.kind == WC_PROBE_EXPR && !o.expr))
		return fail(why, -EINVAL, "probe: unknown kind");
	p = calloc(1, sizeof(*p));
	ex = malloc(ecap);
	if (!p || !ex) {
		free(p);
		free(ex);
		return fail(why, -ENOMEM, "probe: out of memory");
	}
	p->kind = o.kind;
	p->key.k0 = o.key[0];
	p->key.k1 = o.key[1];
	p->sport_lo = o.sport_lo ? o.sport_lo : 32768;
	p->sport_n = o.sport_n ? o.sport_n : 61000u - p->sport_lo;
	if ((uint32_t)p->sport_lo + p->sport_n > 65536 || !p->sport_n) {
		err = fail(why, -EINVAL, "probe: bad UDP source port range");
		goto out;
	}
	sport = o.sport ? o.sport : 61000;
	p->trace = o.trace;
	p->trace_dport = o.trace_dport;
	if (o.trace && o.kind != WC_PROBE_TCP_SYN && o.kind != WC_PROBE_UDP &&
	    o.kind != WC_PROBE_ICMP_ECHO && o.kind != WC_PROBE_ICMP6_ECHO) {
		err = fail(why, -EINVAL, "probe: a trace takes tcp-syn, udp or icmp-echo probes");
		goto out;
	}

	if (o.kind == WC_PROBE_EXPR) {
		err = add_tpl(p, &o, o.expr, true, why);
		goto out;
	}
	for (int fam = 4; fam <= 6; fam += 2) {
		bool have = fam == 4 ? o.has_src4 : o.has_src6;

		if (!have || (o.kind == WC_PROBE_ICMP_ECHO && fam == 6 && !o.trace) ||
		    (o.kind == WC_PROBE_ICMP6_ECHO && fam == 4))
			continue;
		if (o.trace) {
			err = trace_tpl(p, &o, fam, sport, ex, ecap, why);
		} else if (o.kind == WC_PROBE_UDP && o.payloads) {
			/* one template per payload, the default first */
			const struct wc_udp_payloads *u = o.payloads;

			p->payloads = u;
			for (unsigned k = 0; k < u->n && !err; k++) {
				preset_expr(&o, fam, u->data[k], u->data[k] ? u->len[k] : 0, sport,
					    (uint32_t)o.key[1], ex, ecap);
				err = add_tpl(p, &o, ex, false, why);
			}
		} else {
			preset_expr(&o, fam, NULL, 0, sport, (uint32_t)o.key[1], ex, ecap);
			err = add_tpl(p, &o, ex, false, why);
		}
		if (err)
			goto out;
	}
	if (!p->nt[0] && !p->nt[1])
		err = fail(why, -EADDRNOTAVAIL, "probe: %s needs an IPv%s source address (the "
			   "interface has none)", kind_names[o.kind],
			   o.kind == WC_PROBE_ICMP6_ECHO ? "6" : o.kind == WC_PROBE_ICMP_ECHO ? "4" : "4 or IPv6");
out:
	free(ex);
	if (err) {
		wc_probe_free(p);
		return err;
	}
	*out = p;
	return 0;
}

void wc_probe_free(struct wc_probe *p)
{
	if (!p)
		return;
	for (int f = 0; f < 2; f++) {
		for (unsigned i = 0; i < p->nt[f]; i++)
			free(p->t[f][i].b);
		free(p->t[f]);
	}
	free(p);
}

const char *wc_probe_name(const struct wc_probe *p)
{
	return kind_names[p->kind];
}

int wc_probe_kind_parse(const char *name, enum wc_probe_kind *kind)
{
	static const struct {
		const char *name;
		enum wc_probe_kind k;
	} aliases[] = {{"syn", WC_PROBE_TCP_SYN}, {"icmp6-echo", WC_PROBE_ICMP6_ECHO}};

	for (size_t i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (i != WC_PROBE_EXPR && !strcmp(name, kind_names[i])) {
			*kind = (enum wc_probe_kind)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(name, aliases[i].name)) {
			*kind = aliases[i].k;
			return 0;
		}
	return -ENOENT;
}

int wc_probe_shape(const struct wc_probe_opts *o, bool *has_ports, uint16_t *expr_port,
		   char *why)
{
	struct wc_probe_opts po = *o;
	struct wc_probe *p = NULL;
	int err;

	po.has_src4 = po.has_src6 = true;
	memset(po.src4, 0, sizeof(po.src4));
	memset(po.src6, 0, sizeof(po.src6));
	po.src4[0] = 198, po.src4[1] = 18, po.src4[3] = 1;
	po.src6[0] = 0x20, po.src6[1] = 0x01, po.src6[2] = 0x0d, po.src6[3] = 0xb8, po.src6[15] = 1;
	err = wc_probe_new(&po, &p, why);
	if (err || !p)
		return err ? err : -EINVAL;
	*has_ports = wc_probe_has_ports(p);
	*expr_port = wc_probe_expr_port(p);
	wc_probe_free(p);
	return 0;
}

bool wc_probe_has_ports(const struct wc_probe *p)
{
	return p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP;
}

bool wc_probe_family(const struct wc_probe *p, int family)
{
	return family == AF_INET ? p->nt[0] > 0 : p->nt[1] > 0;
}

uint16_t wc_probe_expr_port(const struct wc_probe *p)
{
	return p->expr_port;
}

uint32_t wc_probe_trace_mask(const struct wc_probe *p)
{
	return p->trace ? WC_PROBE_TRACE_MASK : 0;
}

uint32_t wc_probe_steer_flags(const struct wc_probe *p)
{
	if (p->trace && p->slot == SLOT_ICMP)
		return (p->nt[0] ? WC_SF_ICMP : 0) | (p->nt[1] ? WC_SF_ICMP6 : 0);
	switch (p->slot) {
	case SLOT_TCP_SEQ: return WC_SF_TCP_SEQ;
	case SLOT_TCP_ACK: return WC_SF_TCP_ACK;
	case SLOT_UDP_SPORT: return WC_SF_UDP;
	case SLOT_ICMP: return p->proto == IPPROTO_ICMP ? WC_SF_ICMP : WC_SF_ICMP6;
	}
	return 0;
}

uint32_t wc_probe_tcp_extra(const struct wc_probe *p)
{
	uint32_t m = 0;

	for (int f = 0; f < 2; f++)
		for (unsigned i = 0; i < p->nt[f]; i++)
			if (p->t[f][i].payload > m)
				m = p->t[f][i].payload;
	return m + wc_probe_trace_mask(p); /* tracing: the TTL bits widen the ack window */
}

uint16_t wc_probe_sport_lo(const struct wc_probe *p)
{
	return p->sport_lo;
}

uint32_t wc_probe_sport_n(const struct wc_probe *p)
{
	return p->sport_n;
}

size_t wc_probe_max_len(const struct wc_probe *p)
{
	return p->max_len;
}

const char *wc_probe_cookie_where(const struct wc_probe *p)
{
	switch (p->slot) {
	case SLOT_TCP_SEQ: return "TCP seq";
	case SLOT_TCP_ACK: return "TCP ack";
	case SLOT_UDP_SPORT: return "UDP source port";
	case SLOT_ICMP: return p->proto == IPPROTO_ICMP ? "ICMP echo id/seq" : "ICMPv6 echo id/seq";
	}
	return "nowhere";
}

/* ---- per probe ---------------------------------------------------------------------------- */

/* The cookie of an exchange seen from the probe: ours -> theirs. Addresses as bytes. */
static uint32_t cookie(const struct wc_probe *p, int fam, const uint8_t *ours, const uint8_t *theirs,
		       uint8_t proto, uint16_t ourp, uint16_t theirp)
{
	__u32 x[4], y[4];

	if (fam == 4) {
		memcpy(x, ours, 4);
		memcpy(y, theirs, 4);
		return wc_cookie32(wc_cookie4(&p->key, x[0], y[0], proto, ourp, theirp));
	}
	memcpy(x, ours, 16);
	memcpy(y, theirs, 16);
	return wc_cookie32(wc_cookie6(&p->key, x, y, proto, ourp, theirp));
}

int wc_probe_make(const struct wc_probe *p, const struct wc_ipaddr *dst, uint16_t dport,
		  uint8_t *frame, size_t cap)
{
	int fi = dst->family == AF_INET ? 0 : 1;
	const struct tpl *t;
	uint8_t *l4;
	uint32_t s, c = 0;
	unsigned alen = fi ? 16 : 4;
	uint8_t ttl = (uint8_t)dport; /* tracing: the port argument is the TTL */

	if (!p->nt[fi])
		return -EAFNOSUPPORT;
	if (p->trace) {
		if (dport < 1 || dport > 255)
			return -ERANGE;
		dport = p->trace_dport;
	}
	t = &p->t[fi][p->payloads && p->payloads->idx ? p->payloads->idx[dport] : 0];
	if (t->len > cap)
		return -ENOSPC;
	memcpy(frame, t->b, t->len);
	l4 = frame + t->l4;
	memcpy(frame + t->l3 + (fi ? 24 : 16), dst->a, alen);
	/* the address is in the pseudo-header: every L4 checksum but ICMP's covers it */
	s = t->proto == IPPROTO_ICMP ? t->l4sum : sum16(t->l4sum, dst->a, alen);
	if (t->has_dport) {
		wr16(l4 + 2, dport);
		s += dport;
	}
	switch (t->slot) {
	case SLOT_TCP_SEQ:
	case SLOT_TCP_ACK:
		c = cookie(p, t->fam, frame + t->l3 + (fi ? 8 : 12), dst->a, t->proto, t->sport, dport);
		if (p->trace)
			c = (c & ~WC_PROBE_TRACE_MASK) | ttl;
		wr32(l4 + (t->slot == SLOT_TCP_SEQ ? 4 : 8), c);
		s += (c >> 16) + (c & 0xffff);
		break;
	case SLOT_UDP_SPORT: {
		uint16_t sp;

		c = cookie(p, t->fam, frame + t->l3 + (fi ? 8 : 12), dst->a, IPPROTO_UDP, 0, dport);
		sp = wc_cookie_sport(c, p->sport_lo, p->sport_n);
		wr16(l4, sp);
		s += sp;
		break;
	}
	case SLOT_ICMP:
		c = cookie(p, t->fam, frame + t->l3 + (fi ? 8 : 12), dst->a, t->proto, 0, 0);
		if (p->trace) { /* the TTL in seq, its complement in the payload: the same sum */
			c = (c & ~WC_PROBE_TRACE_MASK) | ttl;
			wr16(l4 + 8, (uint16_t)(0xffffu - ttl));
			s += 0xffffu - ttl;
		}
		wr32(l4 + 4, c);
		s += (c >> 16) + (c & 0xffff);
		break;
	}
	if (p->trace && t->slot == SLOT_UDP_SPORT) {
		/* the checksum shall read X: the payload word W makes it so (RFC 1624's
		 * arithmetic run backwards: W = ~X - sum, in one's complement) */
		uint16_t x = (uint16_t)((c & 0x7f00) | ttl), w;

		w = (uint16_t)~fold((uint32_t)(uint16_t)~x + fold(s));
		wr16(l4 + 8, w);
		s += w;
	}
	if (p->trace) {
		if (fi) {
			frame[t->l3 + 7] = ttl;
		} else {
			frame[t->l3 + 8] = ttl;
			wr16(frame + t->l3 + 10, fold(sum16(t->ipsum, dst->a, 4) + ((uint32_t)ttl << 8)));
		}
	}
	{
		uint16_t ck = fold(s);

		if (t->zero_ffff && ck == 0)
			ck = 0xffff;
		wr16(frame + t->l4ck, ck);
	}
	if (!fi && !p->trace)
		wr16(frame + t->l3 + 10, fold(sum16(t->ipsum, dst->a, 4)));
	return t->len;
}

/* ---- answers ------------------------------------------------------------------------------ */

struct l3 {
	int fam;
	const uint8_t *src, *dst; /* in the frame */
	uint8_t proto, ttl;
	uint16_t ipid;
	const uint8_t *l4;
	size_t l4len; /* bytes of L4 in the frame (an ICMP quote: what is there) */
};

/* An IP or IPv6 header at b (n bytes). quoted: the total length is the original datagram's,
 * longer than the quote, so only the header has to be there. */
static int parse_l3(const uint8_t *b, size_t n, bool quoted, struct l3 *o)
{
	if (n < 20)
		return -ENOENT;
	if (b[0] >> 4 == 4) {
		size_t ihl = (b[0] & 15) * 4u, tot = rd16(b + 2);

		if (ihl < 20 || ihl > n)
			return -ENOENT;
		if (rd16(b + 6) & 0x1fff) /* a later fragment: no L4 header */
			return -ENOENT;
		if (!quoted) {
			if (tot < ihl || tot > n)
				return -ENOENT;
			n = tot;
		}
		o->fam = 4;
		o->src = b + 12;
		o->dst = b + 16;
		o->proto = b[9];
		o->ttl = b[8];
		o->ipid = rd16(b + 4);
		o->l4 = b + ihl;
		o->l4len = n - ihl;
		return 0;
	}
	if (b[0] >> 4 == 6) {
		size_t off = 40, plen = rd16(b + 4);
		uint8_t nh = b[6];

		if (n < 40)
			return -ENOENT;
		if (!quoted) {
			if (40 + plen > n)
				return -ENOENT;
			n = 40 + plen;
		}
		for (int k = 0; k < 4; k++) {
			if (nh != 0 && nh != 43 && nh != 60 && nh != 44)
				break;
			if (off + 8 > n)
				return -ENOENT;
			if (nh == 44) {
				if (rd16(b + off + 2) & 0xfff8)
					return -ENOENT;
				nh = b[off];
				off += 8;
			} else {
				uint8_t next = b[off];

				off += (b[off + 1] + 1u) * 8;
				nh = next;
			}
		}
		if (off > n)
			return -ENOENT;
		o->fam = 6;
		o->src = b + 8;
		o->dst = b + 24;
		o->proto = nh;
		o->ttl = b[7];
		o->ipid = 0;
		o->l4 = b + off;
		o->l4len = n - off;
		return 0;
	}
	return -ENOENT;
}

static void set_addr(struct wc_ipaddr *a, int fam, const uint8_t *b)
{
	memset(a, 0, sizeof(*a));
	a->family = fam == 4 ? AF_INET : AF_INET6;
	memcpy(a->a, b, fam == 4 ? 4 : 16);
}

/* The template the probe to this destination came from (its fixed parts: sport). */
static const struct tpl *tpl_for(const struct wc_probe *p, int fam, uint16_t dport)
{
	int fi = fam == 4 ? 0 : 1;

	if (!p->nt[fi])
		return NULL;
	return &p->t[fi][p->payloads && p->payloads->idx ? p->payloads->idx[dport] : 0];
}

/* The L4 protocol of a family's probes (a trace's echo is ICMP or ICMPv6 by family). */
static uint8_t fam_proto(const struct wc_probe *p, int fam)
{
	int fi = fam == 4 ? 0 : 1;

	return p->nt[fi] ? p->t[fi][0].proto : p->proto;
}

/* Tracing: does a 32-bit word carry cookie c with a TTL in its low byte? Then the TTL. */
static int trace_ttl(uint32_t word, uint32_t c)
{
	uint8_t ttl = (uint8_t)(word & WC_PROBE_TRACE_MASK);

	if ((word ^ c) & ~WC_PROBE_TRACE_MASK || !ttl)
		return -1;
	return ttl;
}

static const char *unreach_name(int fam, uint8_t type, uint8_t code)
{
	if (fam == 4) {
		if (type == 11)
			return "ttl-exceeded";
		if (type == 12)
			return "param-problem";
		if (type == 4)
			return "source-quench";
		if (type == 5)
			return "redirect";
		switch (code) {
		case 0: return "net-unreach";
		case 1: return "host-unreach";
		case 2: return "proto-unreach";
		case 3: return "port-unreach";
		case 4: return "frag-needed";
		case 9: case 10: case 13: return "admin-prohib";
		}
		return "unreach";
	}
	if (type == 2)
		return "too-big";
	if (type == 3)
		return "ttl-exceeded";
	if (type == 4)
		return "param-problem";
	switch (code) {
	case 0: return "net-unreach";
	case 1: return "admin-prohib";
	case 3: return "host-unreach";
	case 4: return "port-unreach";
	}
	return "unreach";
}

/* An ICMP error quoting one of our probes: the quote's 8 L4 bytes carry the cookie. */
static int classify_quote(const struct wc_probe *p, const struct l3 *outer, uint8_t type,
			  uint8_t code, struct wc_probe_reply *r)
{
	struct l3 q;
	const uint8_t *l4;
	const struct tpl *t;
	uint16_t sp, dp;
	uint32_t c;
	int ttl = 0;

	if (outer->l4len < 8 || parse_l3(outer->l4 + 8, outer->l4len - 8, true, &q) ||
	    q.fam != outer->fam || q.proto != fam_proto(p, q.fam) || q.l4len < 8)
		return -ENOENT;
	l4 = q.l4;
	sp = rd16(l4);
	dp = rd16(l4 + 2);
	if (p->trace && q.proto != IPPROTO_ICMP && q.proto != IPPROTO_ICMPV6 &&
	    dp != p->trace_dport)
		return -ENOENT;
	switch (p->slot) {
	case SLOT_TCP_SEQ:
		t = tpl_for(p, q.fam, dp);
		c = cookie(p, q.fam, q.src, q.dst, IPPROTO_TCP, sp, dp);
		if (!t || sp != t->sport)
			return -ENOENT;
		if (p->trace ? (ttl = trace_ttl(rd32(l4 + 4), c)) < 0 : rd32(l4 + 4) != c)
			return -ENOENT;
		break;
	case SLOT_UDP_SPORT:
		c = cookie(p, q.fam, q.src, q.dst, IPPROTO_UDP, 0, dp);
		if (sp != wc_cookie_sport(c, p->sport_lo, p->sport_n))
			return -ENOENT;
		if (p->trace) { /* the checksum: cookie bits 8-14 and the TTL */
			uint16_t x = rd16(l4 + 6);

			ttl = x & WC_PROBE_TRACE_MASK;
			if ((x & 0xff00) != (c & 0x7f00) || !ttl)
				return -ENOENT;
		}
		break;
	case SLOT_ICMP:
		c = cookie(p, q.fam, q.src, q.dst, q.proto, 0, 0);
		if (l4[0] != (q.fam == 4 ? 8 : 128))
			return -ENOENT;
		if (p->trace ? (ttl = trace_ttl(rd32(l4 + 4), c)) < 0 : rd32(l4 + 4) != c)
			return -ENOENT;
		dp = 0;
		break;
	default: /* an ACK probe's cookie is in its ack: not among the 8 bytes quoted */
		return -ENOENT;
	}
	set_addr(&r->target, q.fam, q.dst);
	r->tport = p->trace ? (uint16_t)ttl : dp;
	r->classification = unreach_name(outer->fam, type, code);
	r->success = false;
	r->icmp_type = type;
	r->icmp_code = code;
	return 0;
}

int wc_probe_classify(const struct wc_probe *p, const uint8_t *f, size_t len,
		      struct wc_probe_reply *r)
{
	size_t off = 14;
	uint16_t et;
	struct l3 h;
	const uint8_t *l4;

	if (len < 14)
		return -ENOENT;
	et = rd16(f + 12);
	for (int k = 0; k < 2 && (et == 0x8100 || et == 0x88a8); k++) {
		if (off + 4 > len)
			return -ENOENT;
		et = rd16(f + off + 2);
		off += 4;
	}
	if ((et != 0x0800 && et != 0x86dd) || parse_l3(f + off, len - off, false, &h))
		return -ENOENT;
	if ((et == 0x0800) != (h.fam == 4))
		return -ENOENT;
	memset(r, 0, sizeof(*r));
	set_addr(&r->saddr, h.fam, h.src);
	set_addr(&r->daddr, h.fam, h.dst);
	r->proto = h.proto;
	r->ttl = h.ttl;
	r->ipid = h.ipid;
	l4 = h.l4;

	switch (h.proto) {
	case IPPROTO_TCP: {
		const struct tpl *t;
		uint16_t sp, dp;
		uint32_t c, seq, ack;
		uint8_t fl;

		if (h.l4len < 20 || p->proto != IPPROTO_TCP)
			return -ENOENT;
		sp = rd16(l4);
		dp = rd16(l4 + 2);
		seq = rd32(l4 + 4);
		ack = rd32(l4 + 8);
		fl = l4[13];
		t = tpl_for(p, h.fam, sp);
		if (!t || dp != t->sport)
			return -ENOENT;
		c = cookie(p, h.fam, h.dst, h.src, IPPROTO_TCP, dp, sp);
		if (p->trace) { /* the probe's seq (ack - 1) holds the TTL */
			int ttl = p->slot == SLOT_TCP_SEQ && (fl & 0x10) && sp == p->trace_dport
					  ? trace_ttl(ack - 1, c) : -1;

			if (ttl < 0)
				return -ENOENT;
			r->tport = (uint16_t)ttl;
		} else if (p->slot == SLOT_TCP_SEQ) {
			if (!(fl & 0x10) || !wc_cookie_ack_ok(ack, c, t->payload))
				return -ENOENT;
		} else if (p->slot == SLOT_TCP_ACK) {
			if ((uint32_t)(seq - c) > 2)
				return -ENOENT;
		} else {
			return -ENOENT;
		}
		r->sport = sp;
		r->dport = dp;
		r->target = r->saddr;
		if (!p->trace)
			r->tport = sp;
		r->tcp_flags = fl;
		r->window = rd16(l4 + 14);
		if ((fl & 0x12) == 0x12) {
			r->classification = "synack";
			r->success = true;
		} else if (fl & 0x04) {
			r->classification = "rst";
			/* an ACK probe finds hosts (unfiltered), not open ports: the RST is the answer */
			r->success = p->slot == SLOT_TCP_ACK;
		} else {
			r->classification = "tcp";
		}
		return 0;
	}
	case IPPROTO_UDP: {
		uint16_t sp, dp;

		if (h.l4len < 8 || p->slot != SLOT_UDP_SPORT || p->trace) /* no TTL in a UDP answer */
			return -ENOENT;
		sp = rd16(l4);
		dp = rd16(l4 + 2);
		if (dp != wc_cookie_sport(cookie(p, h.fam, h.dst, h.src, IPPROTO_UDP, 0, sp),
					  p->sport_lo, p->sport_n))
			return -ENOENT;
		r->sport = sp;
		r->dport = dp;
		r->target = r->saddr;
		r->tport = sp;
		r->classification = "udp";
		r->success = true;
		return 0;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		uint8_t type, code;

		if (h.l4len < 8 || (h.proto == IPPROTO_ICMP) != (h.fam == 4))
			return -ENOENT;
		type = l4[0];
		code = l4[1];
		r->icmp_type = type;
		r->icmp_code = code;
		if (type == (h.fam == 4 ? 0 : 129)) { /* echo reply */
			uint32_t c = cookie(p, h.fam, h.dst, h.src, h.proto, 0, 0);
			int ttl = 0;

			if (p->slot != SLOT_ICMP || fam_proto(p, h.fam) != h.proto)
				return -ENOENT;
			if (p->trace ? (ttl = trace_ttl(rd32(l4 + 4), c)) < 0 : rd32(l4 + 4) != c)
				return -ENOENT;
			r->tport = (uint16_t)ttl;
			r->target = r->saddr;
			r->classification = "echo-reply";
			r->success = true;
			return 0;
		}
		if (h.fam == 4 ? (type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
			       : (type >= 1 && type <= 4))
			return classify_quote(p, &h, type, code, r);
		return -ENOENT;
	}
	}
	return -ENOENT;
}
