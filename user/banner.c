/* SPDX-License-Identifier: MIT */
/* The banner connection engine (banner_impl.h): TCP from userspace, just enough of it to read
 * what a server says first.
 *
 * Nothing is kept for a connection but what the collection needs: the two endpoints, the
 * sequence numbers, the bytes so far. Our side of the sequence space is the probe cookie: our
 * SYN went out with seq = C, so our ACK and hello carry seq C + 1, and every segment of the
 * server acknowledges something in [C + 1, C + 1 + hello]; the steering program hands us
 * exactly those (its TCP ack window is widened by the longest hello), and here they are
 * checked against the connection's own C.
 *
 * Only the in-order prefix of the server's stream is kept: a segment ahead of it (one lost
 * before it) is answered with a duplicate ACK and dropped, one behind it (a retransmission) is
 * answered with an ACK; the server's retransmission fills the hole. A zero window in the
 * SYN-ACK holds the hello back until a segment opens it.
 *
 * Connections live in a ring in the order they were opened. Every one has the same time-out,
 * so the ring's head is always the next to expire: time-outs cost O(1) each, no timer wheel.
 * A connection that ends early leaves a dead slot the head skips. When the ring is full, the
 * head (the oldest) is ended early (WC_BE_EVICTED) for the newcomer: accounted, never lost.
 * A hash over (address, port) finds a segment's connection. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "../bpf/cookie.h"
#include "banner_impl.h"
#include "wirecraft/pkt.h"
#include "wirecraft/rate.h"

#define DEF_BYTES 4096u
#define TLS_MIN_BYTES 16384u
#define DEF_CONNS 65536u
#define STAGE 64          /* frames built before they go out together */
#define STAGE_FRAME 640   /* L2 18 + IPv6 40 + TCP 32 + the longest hello */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

/* Where a segment goes: the other end's link, addresses and ports, seen from us. */
struct ep {
	uint8_t l2[22]; /* Ethernet (+ VLAN tags) header towards them */
	uint8_t l2len;
	uint8_t fam;    /* 4, 6 */
	uint8_t ours[16], theirs[16];
	uint16_t ourp, theirp;
};

struct conn {
	struct ep ep;
	uint64_t deadline;
	int32_t next;      /* hash chain; -1: end */
	bool live;
	uint8_t hello;     /* enum wc_hello */
	bool hello_sent;
	bool ts;           /* both sides sent Timestamp: every segment carries one */
	uint8_t ws;        /* the shift the server applies to our window field */
	uint16_t hello_len;
	uint32_t iss;      /* C: our SYN's seq */
	uint32_t irs;      /* the server's SYN's seq */
	uint32_t their_ack, their_tsval;
	uint32_t ts_base;  /* our SYN's TSval, as the SYN-ACK echoed it: ours go on from there
			      (a TSval below it would fail the server's PAWS check) */
	uint64_t t_open;
	uint32_t their_win;
	uint32_t len, cap, max;
	uint8_t *buf;
	struct wc_scan_result res; /* the SYN-ACK as the scan classified it */
};

struct wc_bn {
	struct wc_bn_opts o;
	struct wc_cookie_key key;
	uint32_t max_bytes;
	uint64_t timeout_ns;
	uint8_t hello_by_port[65536];
	uint8_t our_ws;     /* the WScale our SYN offered; 0xff: none */
	bool our_ts;        /* our SYN offered Timestamp */
	uint8_t tls_hello[600];
	int tls_len;
	uint8_t rnd[32]; /* the ClientHello's random, also in the hellos made per name */
	size_t hello_max;
	struct conn *ring;
	uint32_t cap;
	uint64_t head, tail; /* ring positions: [head, tail) */
	int32_t *bucket;
	uint32_t nb;
	uint64_t nopen, last_deadline;
	struct wc_conn_stats st;
	uint8_t stage[STAGE][STAGE_FRAME];
	uint32_t stage_len[STAGE];
	unsigned nstage;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static const uint16_t http_ports[] = {80, 8000, 8008, 8080, 8081, 8888};
static const uint16_t tls_ports[] = {443, 465, 636, 853, 990, 993, 995, 8443};

size_t wc_banner_hello_max(const struct wc_banner_cfg *c)
{
	size_t m = wc_hello_max(c->host), ln = wc_names_longest(c->names);

	if (ln) {
		/* the longest name of the table, as --banner-host would be */
		char longest[256];

		if (ln >= sizeof(longest))
			return SIZE_MAX;
		memset(longest, 'a', ln);
		longest[ln] = 0;
		if (wc_hello_max(longest) > m)
			m = wc_hello_max(longest);
	}
	return m;
}

int wc_bn_new(const struct wc_bn_opts *o, struct wc_bn **out)
{
	const struct wc_banner_cfg *c = o->cfg;
	struct wc_bn *b;
	uint8_t rnd[32];

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->o = *o;
	b->key.k0 = o->po->key[0];
	b->key.k1 = o->po->key[1];
	b->max_bytes = c->max_bytes ? c->max_bytes : DEF_BYTES;
	b->timeout_ns = (uint64_t)((c->timeout_s > 0 ? c->timeout_s : 3.0) * 1e9);
	if (c->hello_by_port) {
		memcpy(b->hello_by_port, c->hello_by_port, sizeof(b->hello_by_port));
	} else {
		for (size_t i = 0; i < sizeof(http_ports) / sizeof(http_ports[0]); i++)
			b->hello_by_port[http_ports[i]] = WC_HELLO_HTTP;
		for (size_t i = 0; i < sizeof(tls_ports) / sizeof(tls_ports[0]); i++)
			b->hello_by_port[tls_ports[i]] = WC_HELLO_TLS;
	}
	switch (o->po->preset) {
	case WC_TCP_LINUX: b->our_ws = 7, b->our_ts = true; break;
	case WC_TCP_WINDOWS: b->our_ws = 8; break;
	case WC_TCP_BSD: b->our_ws = 6, b->our_ts = true; break;
	default: b->our_ws = 0xff;
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	memcpy(b->rnd, rnd, sizeof(rnd));
	b->tls_len = wc_hello_tls(c->host, rnd, b->tls_hello, sizeof(b->tls_hello));
	b->hello_max = wc_banner_hello_max(c);
	if (b->tls_len < 0 || b->hello_max > STAGE_FRAME || b->hello_max + 18 + 40 + 32 > STAGE_FRAME) {
		free(b);
		return -ENAMETOOLONG;
	}
	b->cap = c->max_conns ? c->max_conns : DEF_CONNS;
	for (b->nb = 1; b->nb < 2 * b->cap; b->nb <<= 1)
		;
	b->ring = calloc(b->cap, sizeof(*b->ring));
	b->bucket = malloc(b->nb * sizeof(*b->bucket));
	if (!b->ring || !b->bucket) {
		wc_bn_free(b);
		return -ENOMEM;
	}
	memset(b->bucket, 0xff, b->nb * sizeof(*b->bucket));
	*out = b;
	return 0;
}

void wc_bn_free(struct wc_bn *b)
{
	if (!b)
		return;
	if (b->ring)
		for (uint32_t i = 0; i < b->cap; i++)
			free(b->ring[i].buf);
	free(b->ring);
	free(b->bucket);
	free(b);
}

/* ---- frames ----------------------------------------------------------------------------------- */

/* A TCP segment of ours or theirs, parsed. */
struct seg {
	struct ep ep; /* seen from us: reply to it goes there */
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *data;
	size_t dlen;
	bool has_ts, has_ws;
	uint32_t tsval, tsecr;
	uint8_t ws;
};

/* An Ethernet frame carrying TCP over IPv4 or IPv6 (no extension headers: our SYNs carry
 * none, and a reply is built like its probe), into s. -1: anything else. */
static int parse(const uint8_t *f, size_t len, struct seg *s)
{
	size_t off = 14, l4off, l4len;
	uint16_t et;
	const uint8_t *t;
	size_t doff;

	if (len < 14)
		return -1;
	et = rd16(f + 12);
	for (int k = 0; k < 2 && (et == 0x8100 || et == 0x88a8); k++) {
		if (off + 4 > len)
			return -1;
		et = rd16(f + off + 2);
		off += 4;
	}
	memset(&s->ep, 0, sizeof(s->ep));
	memcpy(s->ep.l2, f + 6, 6); /* their source is our destination */
	memcpy(s->ep.l2 + 6, f, 6);
	memcpy(s->ep.l2 + 12, f + 12, off - 12);
	s->ep.l2len = (uint8_t)off;
	if (et == 0x0800) {
		const uint8_t *ip = f + off;
		size_t ihl, tot;

		if (off + 20 > len || (ip[0] >> 4) != 4 || ip[9] != 6)
			return -1;
		ihl = (size_t)(ip[0] & 15) * 4;
		tot = rd16(ip + 2);
		if (ihl < 20 || tot < ihl || off + tot > len || (rd16(ip + 6) & 0x1fff))
			return -1;
		s->ep.fam = 4;
		memcpy(s->ep.theirs, ip + 12, 4);
		memcpy(s->ep.ours, ip + 16, 4);
		l4off = off + ihl;
		l4len = tot - ihl;
	} else if (et == 0x86dd) {
		const uint8_t *ip = f + off;
		size_t pl;

		if (off + 40 > len || (ip[0] >> 4) != 6 || ip[6] != 6)
			return -1;
		pl = rd16(ip + 4);
		if (off + 40 + pl > len)
			return -1;
		s->ep.fam = 6;
		memcpy(s->ep.theirs, ip + 8, 16);
		memcpy(s->ep.ours, ip + 24, 16);
		l4off = off + 40;
		l4len = pl;
	} else {
		return -1;
	}
	if (l4len < 20)
		return -1;
	t = f + l4off;
	doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20 || doff > l4len)
		return -1;
	s->ep.theirp = rd16(t);
	s->ep.ourp = rd16(t + 2);
	s->seq = rd32(t + 4);
	s->ack = rd32(t + 8);
	s->flags = t[13];
	s->win = rd16(t + 14);
	s->data = t + doff;
	s->dlen = l4len - doff;
	s->has_ts = s->has_ws = false;
	for (size_t i = 20; i < doff;) { /* options: Timestamp and WScale */
		uint8_t kind = t[i], ol;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= doff || (ol = t[i + 1]) < 2 || i + ol > doff)
			break;
		if (kind == 8 && ol == 10) {
			s->has_ts = true;
			s->tsval = rd32(t + i + 2);
			s->tsecr = rd32(t + i + 6);
		} else if (kind == 3 && ol == 3) {
			s->has_ws = true;
			s->ws = t[i + 2] > 14 ? 14 : t[i + 2];
		}
		i += ol;
	}
	return 0;
}

static uint32_t cookie_of(const struct wc_bn *b, const struct ep *e)
{
	__u32 x[4], y[4];

	if (e->fam == 4) {
		memcpy(x, e->ours, 4);
		memcpy(y, e->theirs, 4);
		return wc_cookie32(wc_cookie4(&b->key, x[0], y[0], IPPROTO_TCP, e->ourp, e->theirp));
	}
	memcpy(x, e->ours, 16);
	memcpy(y, e->theirs, 16);
	return wc_cookie32(wc_cookie6(&b->key, x, y, IPPROTO_TCP, e->ourp, e->theirp));
}

void wc_bn_flush(struct wc_bn *b)
{
	unsigned done = 0;

	for (int tries = 0; done < b->nstage && tries < 4; tries++) {
		uint8_t *fr[STAGE];
		unsigned n = wc_port_tx_reserve(b->o.tx, b->nstage - done, fr);

		if (!n) {
			wc_port_tx_poll(b->o.tx, tries ? 1 : 0);
			continue;
		}
		for (unsigned i = 0; i < n; i++)
			memcpy(fr[i], b->stage[done + i], b->stage_len[done + i]);
		if (wc_port_tx_submit(b->o.tx, n, b->stage_len + done))
			break;
		done += n;
	}
	b->st.tx_frames += done;
	b->st.tx_lost += b->nstage - done;
	b->nstage = 0;
}

/* One segment to the other end of e: our seq and ack, flags, window, options, data. */
static void send_seg(struct wc_bn *b, const struct ep *e, uint8_t flags, uint32_t seq,
		     uint32_t ack, uint32_t win, const struct conn *c, const uint8_t *data,
		     size_t dlen)
{
	uint8_t *f, ph[40];
	size_t l3, l4, tcplen, optlen = c && c->ts ? 12 : 0;
	uint32_t sum;

	if (b->nstage == STAGE)
		wc_bn_flush(b);
	f = b->stage[b->nstage];
	if (e->l2len + 40 + 20 + optlen + dlen > STAGE_FRAME)
		return;
	memcpy(f, e->l2, e->l2len);
	l3 = e->l2len;
	tcplen = 20 + optlen + dlen;
	if (e->fam == 4) {
		uint8_t *ip = f + l3;

		memset(ip, 0, 20);
		ip[0] = 0x45;
		wr16(ip + 2, (uint16_t)(20 + tcplen));
		wr16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, e->ours, 4);
		memcpy(ip + 16, e->theirs, 4);
		wr16(ip + 10, wc_csum_fold(wc_csum_add(0, ip, 20)));
		l4 = l3 + 20;
		memcpy(ph, e->ours, 4);
		memcpy(ph + 4, e->theirs, 4);
		ph[8] = 0, ph[9] = IPPROTO_TCP;
		wr16(ph + 10, (uint16_t)tcplen);
		sum = wc_csum_add(0, ph, 12);
	} else {
		uint8_t *ip = f + l3;

		memset(ip, 0, 40);
		ip[0] = 0x60;
		wr16(ip + 4, (uint16_t)tcplen);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, e->ours, 16);
		memcpy(ip + 24, e->theirs, 16);
		l4 = l3 + 40;
		memcpy(ph, e->ours, 16);
		memcpy(ph + 16, e->theirs, 16);
		memset(ph + 32, 0, 8);
		wr16(ph + 34, (uint16_t)tcplen);
		ph[39] = IPPROTO_TCP;
		sum = wc_csum_add(0, ph, 40);
	}
	{
		uint8_t *t = f + l4;

		wr16(t, e->ourp);
		wr16(t + 2, e->theirp);
		wr32(t + 4, seq);
		wr32(t + 8, ack);
		t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
		t[13] = flags;
		wr16(t + 14, (uint16_t)(win > 65535 ? 65535 : win));
		wr16(t + 16, 0);
		wr16(t + 18, 0);
		if (optlen) {
			t[20] = 1, t[21] = 1, t[22] = 8, t[23] = 10;
			wr32(t + 24, c->ts_base + (uint32_t)((wc_now_ns() - c->t_open) / 1000000) + 1);
			wr32(t + 28, c->their_tsval);
		}
		if (dlen)
			memcpy(t + 20 + optlen, data, dlen);
		wr16(t + 16, wc_csum_fold(wc_csum_add(sum, t, tcplen)));
	}
	b->stage_len[b->nstage] = (uint32_t)(l4 + tcplen);
	if (flags & TCP_RST)
		b->st.rsts++;
	if (b->o.frame)
		b->o.frame(f, l4 + tcplen, wc_now_ns(), b->o.arg);
	b->nstage++;
}

/* Our window: room for what is still to collect (and a segment more), in the server's units. */
static uint32_t our_win(const struct conn *c)
{
	uint32_t want = c->max - c->len + 1460, w = want >> c->ws;

	return w ? w : 1;
}

static void send_ack(struct wc_bn *b, const struct conn *c)
{
	send_seg(b, &c->ep, TCP_ACK, c->iss + 1 + (c->hello_sent ? c->hello_len : 0),
		 c->irs + 1 + c->len, our_win(c), c, NULL, 0);
}

/* The name this target gets in its hello (the table's, else --banner-host's); NULL: none. */
static const char *conn_name(const struct wc_bn *b, const struct conn *c)
{
	const char *name = NULL;

	if (b->o.cfg->names) {
		struct wc_ipaddr a = {.family = c->ep.fam == 4 ? AF_INET : AF_INET6};

		memcpy(a.a, c->ep.theirs, a.family == AF_INET ? 4 : 16);
		name = wc_names_find(b->o.cfg->names, &a);
	}
	return name ? name : b->o.cfg->host;
}

static void send_hello(struct wc_bn *b, struct conn *c)
{
	uint8_t h[STAGE_FRAME];
	const uint8_t *p = h;
	int n = 0;

	const char *name = conn_name(b, c);

	if (c->hello == WC_HELLO_HTTP) {
		char host[64];

		if (name) {
			n = wc_hello_http(name, h, sizeof(h));
		} else {
			struct wc_ipaddr a = {.family = c->ep.fam == 4 ? AF_INET : AF_INET6};

			memcpy(a.a, c->ep.theirs, 16);
			host[0] = '[';
			wc_ipaddr_str(&a, host + 1, sizeof(host) - 2);
			if (c->ep.fam == 6)
				strcat(host, "]");
			n = wc_hello_http(c->ep.fam == 6 ? host : host + 1, h, sizeof(h));
		}
	} else if (c->hello == WC_HELLO_TLS && name && name != b->o.cfg->host) {
		n = wc_hello_tls(name, b->rnd, h, sizeof(h)); /* this target's SNI */
	} else if (c->hello == WC_HELLO_TLS) {
		p = b->tls_hello;
		n = b->tls_len;
	}
	if (n <= 0 || (size_t)n > b->hello_max)
		return;
	c->hello_len = (uint16_t)n;
	c->hello_sent = true;
	send_seg(b, &c->ep, TCP_ACK | TCP_PSH, c->iss + 1, c->irs + 1 + c->len, our_win(c), c, p,
		 (size_t)n);
}

/* ---- the table ------------------------------------------------------------------------------ */

static uint32_t hash_ep(const struct wc_bn *b, const uint8_t *theirs, uint16_t port)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ port;

	for (int i = 0; i < 16; i += 8) {
		uint64_t w;

		memcpy(&w, theirs + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32)) & (b->nb - 1);
}

static struct conn *find(struct wc_bn *b, const struct ep *e)
{
	for (int32_t i = b->bucket[hash_ep(b, e->theirs, e->theirp)]; i >= 0; i = b->ring[i].next) {
		struct conn *c = &b->ring[i];

		if (c->live && c->ep.theirp == e->theirp && c->ep.ourp == e->ourp &&
		    c->ep.fam == e->fam && !memcmp(c->ep.theirs, e->theirs, 16))
			return c;
	}
	return NULL;
}

static void unlink_conn(struct wc_bn *b, struct conn *c)
{
	int32_t self = (int32_t)(c - b->ring), *p = &b->bucket[hash_ep(b, c->ep.theirs, c->ep.theirp)];

	while (*p >= 0 && *p != self)
		p = &b->ring[*p].next;
	if (*p == self)
		*p = c->next;
	c->next = -1;
}

/* The end: the result out, a RST to the server, the slot dead. */
static void finish(struct wc_bn *b, struct conn *c, enum wc_banner_end end)
{
	struct wc_banner_info info;
	struct wc_scan_result res = c->res;

	wc_banner_parse(c->buf, c->len, (enum wc_hello)c->hello, &info);
	info.end = end;
	info.name = c->hello != WC_HELLO_NONE ? conn_name(b, c) : NULL; /* what was sent */
	res.r.classification = c->len ? "banner" : end == WC_BE_RESET ? "reset"
					 : end == WC_BE_FIN ? "closed" : "timeout";
	res.r.success = true;
	res.banner = &info;
	res.frame = NULL;
	res.len = 0;
	if (end != WC_BE_RESET) {
		/* at what the server expects next (its last ack) */
		send_seg(b, &c->ep, TCP_RST | TCP_ACK, c->their_ack, c->irs + 1 + c->len, 0, c,
			 NULL, 0);
	}
	b->st.ended[end]++;
	if (c->len)
		b->st.with_data++;
	if (b->o.emit)
		b->o.emit(&res, b->o.arg);
	unlink_conn(b, c);
	c->live = false;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
	/* read by the scan's timekeeper (its cooldown waits for open connections) */
	__atomic_store_n(&b->nopen, b->nopen - 1, __ATOMIC_RELAXED);
}

void wc_bn_open(struct wc_bn *b, const struct wc_scan_result *res)
{
	struct seg s;
	struct conn *c;
	uint64_t now = wc_now_ns();
	uint32_t h;

	if (parse(res->frame, res->len, &s) || (s.flags & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK))
		return;
	/* room: the head goes when it is dead or due; else it is ended early */
	while (b->tail > b->head && !b->ring[b->head % b->cap].live)
		b->head++;
	if (b->tail - b->head >= b->cap) {
		struct conn *old = &b->ring[b->head % b->cap];

		if (old->live)
			finish(b, old, WC_BE_EVICTED);
		b->head++;
	}
	c = &b->ring[b->tail % b->cap];
	if (c->live) { /* cannot happen: the head was behind it */
		b->st.no_room++;
		return;
	}
	b->tail++;
	memset(c, 0, offsetof(struct conn, res));
	c->ep = s.ep;
	c->live = true;
	c->deadline = now + b->timeout_ns;
	c->hello = b->hello_by_port[s.ep.theirp];
	c->ts = b->our_ts && s.has_ts;
	c->ws = b->our_ws != 0xff && s.has_ws ? b->our_ws : 0;
	c->iss = s.ack - 1;
	c->irs = s.seq;
	c->their_ack = s.ack;
	c->their_tsval = s.tsval;
	c->ts_base = s.tsecr;
	c->t_open = now;
	c->their_win = s.win;
	c->max = b->max_bytes;
	if (c->hello == WC_HELLO_TLS && c->max < TLS_MIN_BYTES)
		c->max = TLS_MIN_BYTES;
	c->res = *res;
	c->res.frame = NULL;
	h = hash_ep(b, s.ep.theirs, s.ep.theirp);
	c->next = b->bucket[h];
	b->bucket[h] = (int32_t)(c - b->ring);
	__atomic_store_n(&b->nopen, b->nopen + 1, __ATOMIC_RELAXED);
	b->st.opened++;
	if (c->deadline > b->last_deadline)
		__atomic_store_n(&b->last_deadline, c->deadline, __ATOMIC_RELAXED);
	if (b->o.frame)
		b->o.frame(res->frame, res->len, res->ts_mono_ns, b->o.arg);
	send_ack(b, c);
	if (c->hello != WC_HELLO_NONE && s.win)
		send_hello(b, c);
}

void wc_bn_synack_again(struct wc_bn *b, const uint8_t *f, size_t len, uint64_t ts)
{
	struct seg s;
	struct conn *c;

	(void)ts;
	if (parse(f, len, &s) || !(c = find(b, &s.ep)) || s.ack != c->iss + 1)
		return;
	b->st.retransmits++;
	send_ack(b, c);
	if (c->hello != WC_HELLO_NONE && c->len == 0 && s.win) {
		c->hello_sent = false;
		send_hello(b, c);
	}
}

void wc_bn_refused(struct wc_bn *b)
{
	b->st.refused++;
}

int wc_bn_segment(struct wc_bn *b, const uint8_t *f, size_t len, uint64_t ts)
{
	struct seg s;
	struct conn *c;

	if (parse(f, len, &s) || (s.flags & TCP_SYN))
		return 0;
	c = find(b, &s.ep);
	if (!c) {
		uint32_t ck = cookie_of(b, &s.ep);

		/* not one of ours, or a RST to a SYN (refused: the scan classifies it) */
		if (!(s.flags & TCP_ACK) || s.ack - ck - 1 > b->hello_max + 1 || (s.flags & TCP_RST))
			return 0;
		/* one we closed already: say so again, at what it expects */
		b->st.late++;
		b->st.segments++;
		if (b->o.frame)
			b->o.frame(f, len, ts, b->o.arg);
		send_seg(b, &s.ep, TCP_RST, s.ack, 0, 0, NULL, NULL, 0);
		return 1;
	}
	b->st.segments++;
	if (b->o.frame)
		b->o.frame(f, len, ts, b->o.arg);
	if ((s.flags & TCP_ACK) && s.ack - (c->iss + 1) > (uint32_t)(c->hello_sent ? c->hello_len : 0)) {
		b->st.bad_ack++;
		return 1;
	}
	if (s.flags & TCP_RST) {
		finish(b, c, WC_BE_RESET);
		return 1;
	}
	if ((s.flags & TCP_ACK) && s.ack - c->their_ack < 0x80000000u)
		c->their_ack = s.ack;
	if (c->ts && s.has_ts)
		c->their_tsval = s.tsval;
	c->their_win = s.win;
	if (s.dlen) {
		/* where the segment starts against our end of the stream: > 0 ahead of it */
		int32_t d = (int32_t)(s.seq - (c->irs + 1 + c->len));
		uint32_t skip = d < 0 ? (uint32_t)-d : 0, n;

		if (d > 0) {
			b->st.out_of_order++;
			send_ack(b, c); /* a duplicate ACK: the hole is refilled */
			return 1;
		}
		if (skip >= s.dlen) {
			b->st.retransmits++;
			send_ack(b, c);
			return 1;
		}
		n = (uint32_t)s.dlen - skip;
		if (n > c->max - c->len)
			n = c->max - c->len;
		if (c->len + n > c->cap) {
			uint32_t cap = c->cap ? c->cap : 2048;
			uint8_t *nb;

			while (cap < c->len + n)
				cap *= 2;
			if (cap > c->max)
				cap = c->max;
			nb = realloc(c->buf, cap);
			if (!nb) {
				finish(b, c, WC_BE_SIZE);
				return 1;
			}
			c->buf = nb;
			c->cap = cap;
		}
		memcpy(c->buf + c->len, s.data + skip, n);
		c->len += n;
	}
	if ((s.flags & TCP_FIN) && s.seq + (uint32_t)s.dlen == c->irs + 1 + c->len) {
		finish(b, c, wc_banner_complete(c->buf, c->len, (enum wc_hello)c->hello)
				     ? WC_BE_COMPLETE : WC_BE_FIN);
		return 1;
	}
	if (c->hello != WC_HELLO_NONE && !c->hello_sent && s.win) /* the window opened */
		send_hello(b, c);
	if (c->len >= c->max)
		finish(b, c, WC_BE_SIZE);
	else if (s.dlen && wc_banner_complete(c->buf, c->len, (enum wc_hello)c->hello))
		finish(b, c, WC_BE_COMPLETE);
	else if (s.dlen)
		send_ack(b, c);
	return 1;
}

void wc_bn_tick(struct wc_bn *b, uint64_t now)
{
	while (b->tail > b->head) {
		struct conn *c = &b->ring[b->head % b->cap];

		if (c->live) {
			if (c->deadline > now)
				break;
			finish(b, c, WC_BE_TIMEOUT);
		}
		b->head++;
	}
	if (b->nstage)
		wc_bn_flush(b);
}

void wc_bn_close_all(struct wc_bn *b)
{
	for (; b->tail > b->head; b->head++) {
		struct conn *c = &b->ring[b->head % b->cap];

		if (c->live)
			finish(b, c, WC_BE_STOPPED);
	}
	wc_bn_flush(b);
}

uint64_t wc_bn_open_count(const struct wc_bn *b)
{
	return __atomic_load_n(&b->nopen, __ATOMIC_RELAXED);
}

uint64_t wc_bn_last_deadline(const struct wc_bn *b)
{
	return __atomic_load_n(&b->last_deadline, __ATOMIC_RELAXED);
}

void wc_bn_stats(const struct wc_bn *b, struct wc_conn_stats *st)
{
	*st = b->st;
	st->open = b->nopen;
}
