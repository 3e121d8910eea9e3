/* SPDX-License-Identifier: MIT */
/* Send and receive (wirecraft/sr.h): probes out through AF_XDP on the template fast path, each
 * given a cookie (or an expected-reply map entry) on the way; answers back through
 * bpf/steer.bpf.c into the same AF_XDP sockets; pairs made by the matcher (wirecraft/match.h).
 *
 * Threads. The calling thread sends: first pass over the set, waits, resends the unanswered
 * (--retry), keeps the clock. A second thread receives: it owns the matcher, feeds it every
 * probe published by the sender (in order, before looking at any frame received after), and
 * offers it every frame the steering program hands over. The sender publishes a probe (bytes
 * in the probe arena, record, count with release semantics) before the frame leaves, so an
 * answer can never arrive before the receiver can know its probe. The only state both touch
 * is the published count, each probe's answered flag and send time, the count of answered
 * probes and two flags, all through atomics; each side's counters are its own.
 *
 * Nothing is lost between the steering program and the matcher: the sender holds back
 * whenever the frames already in the RX rings plus those not yet sent could overflow them
 * (hold_back), so a receiver that falls behind slows the run down instead of losing answers.
 *
 * Cookies are written after wc_tmpl_next() with an incremental checksum fix-up (RFC 1624) of
 * the one L4 checksum that covers them. On the fast path a frame keeps what the previous
 * packet wrote, so the L4 header is first put back to the template's bytes: wc_tmpl_next
 * then finds the template under its varying fields, as it requires. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../bpf/cookie.h"
#include "release.h"
#include "set_impl.h"
#include "wirecraft/iface.h"
#include "wirecraft/match.h"
#include "wirecraft/port.h"
#include "wirecraft/rate.h"
#include "wirecraft/sr.h"
#include "wirecraft/tmpl.h"

#define MAX_QUEUES 64
#define BATCH 64
#define TX_FRAMES 4096
#define RX_FRAMES 4096
#define MAX_PROBES (1ull << 27)  /* records and copies of every probe stay in memory */
#define ARENA_CHUNK (16u << 20)

#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* ---- where the cookie goes ----------------------------------------------------------------- */

enum how { HOW_NONE, HOW_TCP, HOW_UDP, HOW_ICMP, HOW_MAP };

/* The probe's shape, from a dissection of it: where its addresses and L4 header are and what
 * the user pinned. On the fast path it is the same for every packet of the set. */
struct layout {
	uint8_t how;   /* enum how */
	uint8_t kind;  /* WC_SK_*: the expected-reply key's kind */
	uint8_t fam;   /* 4 or 6 */
	uint8_t proto; /* IP protocol (0: ARP, ND) */
	uint32_t src, dst; /* offsets of the two addresses (ARP: psrc, pdst; ND: tgt in src) */
	uint32_t l4;       /* offset of the L4 header */
	uint32_t restore;  /* bytes of the L4 header to put back before wc_tmpl_next */
	bool pin_seq, pin_ack; /* TCP: the user's seq, ack (no cookie there) */
};

static const struct wc_proto *P(const char *name)
{
	return wc_proto_find(name);
}

/* Did the user give field `name` of the set's first layer of protocol pr a value? A layer
 * the set does not have (the dissection found it in the user's bytes) counts as pinned whole,
 * and so does a fuzz()ed one. */
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
	return true;
}

static uint32_t foff(const struct wc_pkt *p, unsigned li, const char *name)
{
	int fi = wc_field_index(p->l[li].proto, name);

	return fi < 0 ? 0 : p->l[li].off + p->l[li].boff[fi] / 8;
}

/* The layout of dissected probe p. no_cookie: every probe through the map. */
static int layout_of(const struct wc_pkt *p, const struct wc_set *s, bool no_cookie,
		     struct layout *L)
{
	const struct wc_proto *ip = P("IP"), *ip6 = P("IPv6"), *arp = P("ARP"), *tcp = P("TCP"),
			      *udp = P("UDP"), *icmp = P("ICMP"), *echo6 = P("ICMPv6EchoRequest"),
			      *ns = P("ICMPv6ND_NS");
	unsigned li;

	memset(L, 0, sizeof(*L));
	for (li = 0; li < p->nlayers; li++) {
		const struct wc_proto *pr = p->l[li].proto;

		if (pr == ip || pr == ip6 || pr == arp)
			break;
	}
	if (li == p->nlayers)
		return -EOPNOTSUPP;
	if (p->l[li].proto == arp) {
		uint64_t op = 0;

		wc_layer_get_u(&p->l[li], "op", &op);
		if (op != 1 || p->l[li].status != WC_LS_OK)
			return -EOPNOTSUPP; /* only who-has gets an answer to wait for */
		L->how = HOW_MAP;
		L->kind = WC_SK_ARP;
		L->fam = 4;
		L->src = foff(p, li, "psrc");
		L->dst = foff(p, li, "pdst");
		return 0;
	}
	L->fam = p->l[li].proto == ip ? 4 : 6;
	L->src = foff(p, li, "src");
	L->dst = foff(p, li, "dst");
	if (L->fam == 4) {
		uint64_t v = 0;

		wc_layer_get_u(&p->l[li], "proto", &v);
		L->proto = (uint8_t)v;
	} else {
		uint64_t v = 0;

		/* the upper layer's number: the last next-header field before it */
		wc_layer_get_u(&p->l[li], "nh", &v);
		while (li + 1 < p->nlayers && p->l[li + 1].proto->bind_as == ip6) {
			li++;
			wc_layer_get_u(&p->l[li], "nh", &v);
		}
		L->proto = (uint8_t)v;
	}
	L->how = HOW_MAP;
	L->kind = WC_SK_IP;
	if (li + 1 >= p->nlayers || p->l[li + 1].status != WC_LS_OK)
		return 0;
	li++;
	L->l4 = p->l[li].off;
	const struct wc_proto *pr = p->l[li].proto;
	uint64_t type = 0;

	if (pr == tcp) {
		L->kind = WC_SK_TCP;
		L->restore = 20;
		L->pin_seq = pinned(s, tcp, "seq") || pinned(s, tcp, "chksum");
		L->pin_ack = pinned(s, tcp, "ack") || pinned(s, tcp, "chksum");
		if (!no_cookie && (!L->pin_seq || !L->pin_ack))
			L->how = HOW_TCP;
	} else if (pr == udp) {
		L->kind = WC_SK_UDP;
		L->restore = 8;
		if (!no_cookie && !pinned(s, udp, "sport") && !pinned(s, udp, "chksum"))
			L->how = HOW_UDP;
	} else if (pr == icmp) {
		wc_layer_get_u(&p->l[li], "type", &type);
		/* echo, timestamp, information, address mask: id and seq come back */
		if (type == 8 || type == 13 || type == 15 || type == 17)
			L->kind = WC_SK_ICMP;
		L->restore = 8;
		if (!no_cookie && type == 8 && !pinned(s, icmp, "id") && !pinned(s, icmp, "seq") &&
		    !pinned(s, icmp, "chksum"))
			L->how = HOW_ICMP;
	} else if (pr == echo6) {
		L->kind = WC_SK_ICMP6;
		L->restore = 8;
		if (!no_cookie && !pinned(s, echo6, "id") && !pinned(s, echo6, "seq") &&
		    !pinned(s, echo6, "cksum"))
			L->how = HOW_ICMP;
	} else if (pr == ns) {
		L->kind = WC_SK_ND;
		L->proto = 0;
		L->src = foff(p, li, "tgt");
	}
	return 0;
}

static uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* Replace the n (2 or 4) bytes at f with v and fix the checksum at ck, RFC 1624 eqn. 3:
 * HC' = ~(~HC + ~m + m'). zero_ffff: UDP, where 0 means "no checksum" and a computed 0 is
 * sent as 0xffff (a 0 in the field stays 0: there is no checksum to fix). */
static void patch(uint8_t *f, unsigned n, uint32_t v, uint8_t *ck, bool zero_ffff)
{
	uint32_t sum = (uint16_t)~rd16(ck);
	uint16_t c;

	if (zero_ffff && rd16(ck) == 0) {
		for (unsigned i = 0; i < n; i++)
			f[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		return;
	}
	for (unsigned i = 0; i < n; i += 2) {
		uint16_t nw = (uint16_t)(v >> (8 * (n - 2 - i)));

		sum += (uint16_t)~rd16(f + i);
		sum += nw;
		f[i] = (uint8_t)(nw >> 8);
		f[i + 1] = (uint8_t)nw;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = (uint16_t)~sum;
	if (zero_ffff && c == 0)
		c = 0xffff;
	ck[0] = (uint8_t)(c >> 8);
	ck[1] = (uint8_t)c;
}

/* The probe's addresses as the 4-word arrays of bpf/cookie.h. */
static void addrs(const struct layout *L, const uint8_t *f, __u32 x[4], __u32 y[4])
{
	memset(x, 0, 16);
	memset(y, 0, 16);
	if (L->kind == WC_SK_ND) {
		memcpy(x, f + L->src, 16);
		return;
	}
	memcpy(x, f + L->src, L->fam == 4 ? 4 : 16);
	memcpy(y, f + L->dst, L->fam == 4 ? 4 : 16);
}

static uint32_t cookie(const struct wc_cookie_key *k, const struct layout *L, const __u32 *x,
		       const __u32 *y, uint16_t sport, uint16_t dport)
{
	uint64_t c = L->fam == 4 ? wc_cookie4(k, x[0], y[0], L->proto, sport, dport)
				 : wc_cookie6(k, x, y, L->proto, sport, dport);

	return wc_cookie32(c);
}

/* Give probe f its cookie; or, when it has no room for one, its expected-reply key (returns
 * true: *key to insert before it leaves). */
static bool place(const struct layout *L, const struct wc_cookie_key *k, uint16_t sport_lo,
		  uint32_t sport_n, uint8_t *f, struct wc_steer_key *key)
{
	uint8_t *l4 = f + L->l4;
	__u32 x[4], y[4];
	uint16_t px = 0, py = 0;

	addrs(L, f, x, y);
	switch (L->how) {
	case HOW_TCP: {
		uint8_t fl = l4[13];
		bool in_ack = (fl & TCP_ACK) && !(fl & TCP_SYN);

		if (!(in_ack ? L->pin_ack : L->pin_seq)) {
			patch(l4 + (in_ack ? 8 : 4), 4, cookie(k, L, x, y, rd16(l4), rd16(l4 + 2)),
			      l4 + 16, false);
			return false;
		}
		break;
	}
	case HOW_UDP: {
		uint32_t c = cookie(k, L, x, y, 0, rd16(l4 + 2));

		patch(l4, 2, wc_cookie_sport(c, sport_lo, sport_n), l4 + 6, true);
		return false;
	}
	case HOW_ICMP:
		patch(l4 + 4, 4, cookie(k, L, x, y, 0, 0), l4 + 2, false);
		return false;
	case HOW_NONE:
		return false;
	}
	if (L->kind == WC_SK_TCP || L->kind == WC_SK_UDP) {
		px = rd16(l4);
		py = rd16(l4 + 2);
	} else if (L->kind == WC_SK_ICMP || L->kind == WC_SK_ICMP6) {
		px = rd16(l4 + 4);
		py = rd16(l4 + 6);
	}
	wc_steer_key_make(key, L->kind, L->proto, L->fam, x, px, y, py);
	return true;
}

/* ---- the run ----------------------------------------------------------------------------- */

struct probe {
	const uint8_t *bytes; /* in the probe arena */
	uint64_t tx_ns;       /* latest sending (atomic) */
	uint16_t len;
	uint8_t answered;     /* atomic */
};

struct arena {
	struct arena *next;
	size_t used;
	uint8_t b[];
};

struct sr {
	const struct wc_sr_opts *o;
	const struct wc_set *set;
	struct wc_tmpl *t;
	struct layout lay; /* the fast path's, for every packet */
	bool fast;
	struct wc_cookie_key key;
	uint16_t sport_lo;
	uint32_t sport_n;
	struct wc_steer *steer;
	struct wc_port *ports[MAX_QUEUES];
	unsigned nq;
	const uint8_t *tmpl;
	size_t tlen;

	/* the probes: written by the sender, published through nsent */
	struct probe *pr;
	uint64_t nprobes;
	struct arena *arena;
	struct wc_pkt *txpkt; /* the sender's dissections (slow path) */
	uint64_t sent, map_keys;
	uint64_t t_first, t_last;

	/* the receiver's (the sender reads them after the join) */
	struct wc_matcher *m;
	uint64_t indexed;
	struct wc_pkt *rp, *qp;
	int err_rx;
	uint64_t received, answers, unmatched;
	uint64_t t_pair; /* when the last pair was made */
	double rx_cpu_s;

	/* shared, through atomics, each on its own cache line */
	_Alignas(64) uint64_t nsent; /* records [0, nsent) are complete */
	_Alignas(64) uint64_t answered;
	int done;   /* the sender is finished: the receiver drains and stops */
	int enough; /* max_answers reached */
	char pad_[64];
};

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static bool stopping(const struct sr *r)
{
	return (r->o->stop && *r->o->stop) || __atomic_load_n(&r->enough, __ATOMIC_ACQUIRE);
}

static uint8_t *arena_copy(struct sr *r, const uint8_t *b, size_t n)
{
	struct arena *a = r->arena;

	if (!a || a->used + n > ARENA_CHUNK) {
		a = malloc(sizeof(*a) + ARENA_CHUNK);
		if (!a)
			return NULL;
		a->used = 0;
		a->next = r->arena;
		r->arena = a;
	}
	memcpy(a->b + a->used, b, n);
	a->used += n;
	return a->b + a->used - n;
}

/* ---- receiving thread ---- */

static struct timespec mono_ts(uint64_t ns)
{
	return (struct timespec){.tv_sec = (time_t)(ns / 1000000000ull),
				 .tv_nsec = (long)(ns % 1000000000ull)};
}

/* Hand the matcher every probe the sender has published since last time. */
static void index_new(struct sr *r)
{
	uint64_t n = ld(&r->nsent);

	for (; r->indexed < n; r->indexed++) {
		const struct probe *p = &r->pr[r->indexed];
		struct timespec ts = mono_ts(__atomic_load_n(&p->tx_ns, __ATOMIC_RELAXED));
		int err = wc_matcher_add(r->m, p->bytes, p->len, NULL, r->indexed, &ts);

		if (err && !r->err_rx)
			r->err_rx = err;
	}
}

static void on_frame(struct sr *r, const uint8_t *data, size_t len, uint64_t ts, bool kts)
{
	struct wc_match_req mr;
	struct wc_sr_pair pr;
	struct probe *p;
	int n;

	r->received++;
	if (wc_dissect(r->rp, data, len, NULL) < 0) {
		r->unmatched++;
		return;
	}
	n = wc_matcher_offer_pkt(r->m, r->rp, &mr);
	if (n <= 0) {
		r->unmatched++;
		return;
	}
	p = &r->pr[mr.id];
	if (!__atomic_exchange_n(&p->answered, 1, __ATOMIC_ACQ_REL))
		__atomic_add_fetch(&r->answered, 1, __ATOMIC_RELEASE);
	r->answers++;
	r->t_pair = wc_now_ns();
	if (r->o->on_pair) {
		memset(&pr, 0, sizeof(pr));
		pr.index = mr.id;
		pr.req.data = mr.data;
		pr.req.len = mr.len;
		pr.req.ts_ns = __atomic_load_n(&p->tx_ns, __ATOMIC_RELAXED);
		if (!r->o->pair_req_bytes_only) {
			wc_dissect(r->qp, mr.data, mr.len, NULL);
			pr.req.pkt = r->qp;
		}
		pr.rep.data = data;
		pr.rep.len = len;
		pr.rep.pkt = r->rp;
		pr.rep.ts_ns = ts;
		pr.rep.kernel_ts = kts;
		pr.rtt_us = ts > pr.req.ts_ns ? (double)(ts - pr.req.ts_ns) / 1e3 : 0;
		r->o->on_pair(&pr, r->o->arg);
	}
	if (r->o->max_answers && r->answers >= r->o->max_answers)
		__atomic_store_n(&r->enough, 1, __ATOMIC_RELEASE);
}

static int on_copy(const struct wc_steer_copy *rec, void *arg)
{
	struct sr *r = arg;

	index_new(r);
	on_frame(r, rec->data, rec->len, rec->ts_ns, true);
	return 0;
}

/* Frames from the AF_XDP sockets; the receive time from the steering program
 * (wc_steer_rx_stamp). */
static unsigned rx_xsk(struct sr *r)
{
	struct wc_rx_frame fr[BATCH];
	unsigned total = 0;

	for (unsigned q = 0; q < r->nq; q++) {
		unsigned n = wc_port_rx_peek(r->ports[q], BATCH, fr);
		uint64_t now = n ? wc_now_ns() : 0;

		/* after the peek: every probe these frames can answer is published by now */
		if (n)
			index_new(r);

		for (unsigned i = 0; i < n; i++) {
			uint64_t ts = now;
			bool kts = wc_steer_rx_stamp(r->steer, &fr[i], q, &ts);

			on_frame(r, fr[i].data, fr[i].len, ts, kts);
		}
		if (n)
			wc_port_rx_release(r->ports[q]);
		total += n;
	}
	return total;
}

/* No poll() on the sockets while waiting: in AF_XDP copy mode, poll() on a socket with a TX
 * ring transmits its pending frames (xsk_poll) under the socket's mutex, against the sender's
 * own sendto(); perf showed a tenth of the run spinning on that mutex. The answers' receive
 * times come from the steering program's metadata, so a short sleep costs no RTT accuracy:
 * back off from 20 us to 320 us while nothing comes. */
static void *rx_main(void *arg)
{
	struct sr *r = arg;
	unsigned idle = 0;

	for (;;) {
		/* read `done` before looking: frames that came before it are still taken */
		bool done = __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
		unsigned got;

		index_new(r);
		if (r->o->pass_replies) {
			int n = wc_steer_copy_poll(r->steer, done ? 0 : 5, on_copy, r);

			got = n > 0 ? (unsigned)n : 0;
		} else {
			got = rx_xsk(r);
			if (got) {
				idle = 0;
			} else if (!done) {
				if (idle < 5)
					idle++;
				nanosleep(&(struct timespec){0, 10000L << idle}, NULL);
			}
		}
		if (!got && done)
			break;
	}
	{
		struct timespec ts;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		r->rx_cpu_s = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	return NULL;
}

/* ---- sending thread ---- */

/* The next probe of the set into frame f; its record; its key when it needs one. */
static int next_probe(struct sr *r, uint8_t *f, size_t cap, struct wc_steer_key *keys,
		      unsigned *nkeys, uint64_t i)
{
	struct layout lay;
	const struct layout *L = &r->lay;
	struct probe *p = &r->pr[i];
	size_t len;
	int err;

	if (r->fast && r->lay.restore)
		memcpy(f + r->lay.l4, r->tmpl + r->lay.l4, r->lay.restore);
	err = wc_tmpl_next(r->t, f, cap, &len);
	if (err)
		return err;
	if (!r->fast) {
		/* every packet may be shaped differently: look at this one. The steering program
		 * checks the cookie kinds of the template's shape only: another kind goes through
		 * the map (which the program then checks too, see steer_flags). */
		if (wc_dissect(r->txpkt, f, len, NULL) < 0 ||
		    layout_of(r->txpkt, r->set, r->o->no_cookie, &lay) < 0)
			lay.how = HOW_NONE, lay.kind = WC_SK_NONE;
		else if (lay.how != r->lay.how || lay.fam != r->lay.fam)
			lay.how = HOW_MAP;
		L = &lay;
	}
	if (L->kind != WC_SK_NONE &&
	    place(L, &r->key, r->sport_lo, r->sport_n, f, &keys[*nkeys]))
		(*nkeys)++;
	p->bytes = arena_copy(r, f, len);
	if (!p->bytes)
		return -ENOMEM;
	p->len = (uint16_t)len;
	return (int)len;
}

static void stamp(struct sr *r, uint64_t from, uint64_t n, uint64_t now)
{
	for (uint64_t i = from; i < from + n; i++)
		__atomic_store_n(&r->pr[i].tx_ns, now, __ATOMIC_RELAXED);
}

/*
 * Don't outrun the receiver: answers come back about as fast as probes leave, and whatever the
 * receiving thread has not taken when its RX ring is full, the kernel drops. Every probe not
 * yet sent may still bring one: hold back while the frames waiting in the RX rings plus those
 * waiting in the TX ring (AF_XDP copy mode sends a few dozen per kick, so a backlog builds up)
 * pass half an RX ring. The other half absorbs what is on its way, and a second answer here
 * and there (--multi). Meanwhile the backlog is pushed out while the receiver keeps up.
 */
static void hold_back(struct sr *r)
{
	struct wc_port *port = r->ports[0];

	for (;;) {
		unsigned pending = 0, inflight = wc_port_tx_inflight(port);

		for (unsigned q = 0; q < r->nq; q++) {
			unsigned n = wc_port_rx_pending(r->ports[q]);

			pending = n > pending ? n : pending;
		}
		if (pending + inflight <= RX_FRAMES / 2 || stopping(r))
			return;
		if (inflight && pending < RX_FRAMES / 4)
			wc_port_tx_poll(port, 0);
		else
			nanosleep(&(struct timespec){0, 20000}, NULL);
	}
}

/* The first pass: every probe of the set, in its order. */
static int send_all(struct sr *r)
{
	struct wc_port *port = r->ports[0];
	struct wc_steer_key keys[BATCH];
	uint8_t *frames[BATCH];
	uint32_t lens[BATCH];
	struct wc_rate rate;
	uint64_t i = 0;
	int err = 0;

	wc_rate_init(&rate, r->o->rate_pps);
	r->t_first = wc_now_ns();
	while (i < r->nprobes && !stopping(r)) {
		unsigned want = r->nprobes - i < BATCH ? (unsigned)(r->nprobes - i) : BATCH, n, nk = 0;
		uint64_t now;

		hold_back(r);
		want = wc_rate_take(&rate, want);
		n = wc_port_tx_reserve(port, want, frames);
		if (n < want)
			rate.sent -= want - n;
		if (!n) {
			err = wc_port_tx_poll(port, 1);
			if (err < 0)
				return err;
			continue;
		}
		for (unsigned k = 0; k < n; k++) {
			int len = next_probe(r, frames[k], wc_port_frame_cap(port), keys, &nk, i + k);

			if (len < 0)
				return len == -ENOENT ? -EIO : len;
			lens[k] = (uint32_t)len;
		}
		/* the map knows a probe before the wire does */
		if (nk) {
			err = wc_steer_expect(r->steer, keys, nk);
			if (err)
				return err;
			r->map_keys += nk;
		}
		now = wc_now_ns();
		stamp(r, i, n, now);
		i += n;
		st(&r->nsent, i);
		err = wc_port_tx_submit(port, n, lens);
		if (err)
			return err;
		r->sent += n;
	}
	err = wc_port_tx_drain(port, 2000);
	r->t_last = wc_now_ns();
	return err == -ETIMEDOUT ? 0 : err;
}

/* A later pass: the probes still unanswered, from their copies. Returns how many went. */
static int64_t resend(struct sr *r)
{
	struct wc_port *port = r->ports[0];
	uint8_t *frames[BATCH];
	uint32_t lens[BATCH];
	uint64_t idx[BATCH], i = 0, total = 0;
	struct wc_rate rate;
	int err;

	wc_rate_init(&rate, r->o->rate_pps);
	while (i < r->nprobes && !stopping(r)) {
		unsigned want = BATCH, n, k = 0;

		hold_back(r);
		want = wc_rate_take(&rate, want);
		n = wc_port_tx_reserve(port, want, frames);
		if (n < want)
			rate.sent -= want - n;
		if (!n) {
			err = wc_port_tx_poll(port, 1);
			if (err < 0)
				return err;
			continue;
		}
		for (; i < r->nprobes && k < n; i++) {
			const struct probe *p = &r->pr[i];

			if (__atomic_load_n(&p->answered, __ATOMIC_ACQUIRE))
				continue;
			memcpy(frames[k], p->bytes, p->len);
			lens[k] = p->len;
			idx[k++] = i;
		}
		if (!k)
			break;
		uint64_t now = wc_now_ns();

		for (unsigned j = 0; j < k; j++)
			__atomic_store_n(&r->pr[idx[j]].tx_ns, now, __ATOMIC_RELAXED);
		err = wc_port_tx_submit(port, k, lens);
		if (err)
			return err;
		r->sent += k;
		total += k;
	}
	err = wc_port_tx_drain(port, 2000);
	if (err && err != -ETIMEDOUT)
		return err;
	return (int64_t)total;
}

static bool all_answered(struct sr *r)
{
	return !r->o->multi && ld(&r->answered) >= r->nprobes;
}

/* Wait `timeout` after the last probe, or less when nothing is left to wait for. */
static void wait_answers(struct sr *r, uint64_t since, double timeout_s)
{
	uint64_t end = since + (uint64_t)(timeout_s * 1e9);

	for (uint64_t now = wc_now_ns(); now < end; now = wc_now_ns()) {
		uint64_t left = end - now;
		struct timespec ts = {0, (long)(left < 2000000 ? left : 2000000)};

		if (stopping(r) || all_answered(r))
			return;
		nanosleep(&ts, NULL);
	}
}

/* ---- setting up ---------------------------------------------------------------------------- */

static int rx_queues(const char *ifname)
{
	struct ethtool_channels ec = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), n = 1;

	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ec;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
		n = (int)(ec.rx_count > ec.combined_count ? ec.rx_count : ec.combined_count);
		if (ec.combined_count && ec.rx_count)
			n = (int)(ec.rx_count + ec.combined_count);
	}
	close(fd);
	return n < 1 ? 1 : n > MAX_QUEUES ? MAX_QUEUES : n;
}

static const char *how_text(const struct layout *L, bool map)
{
	switch (L->how) {
	case HOW_TCP:
		return L->pin_seq ? "cookie in TCP ack" : L->pin_ack ? "cookie in TCP seq"
								 : "cookie in TCP seq/ack";
	case HOW_UDP:
		return "cookie in UDP source port";
	case HOW_ICMP:
		return "cookie in ICMP id/seq";
	}
	return map ? "expected-reply map" : "nothing";
}

/* Steering flags for the set: what its probes can carry. */
static uint32_t steer_flags(const struct sr *r)
{
	const struct layout *L = &r->lay;
	uint32_t f = 0;

	/* full builds: a probe whose shape differs from the template's uses the map */
	if (!r->fast)
		f |= WC_SF_MAP;
	switch (L->how) {
	case HOW_TCP:
		if (!L->pin_seq)
			f |= WC_SF_TCP_SEQ;
		if (!L->pin_ack)
			f |= WC_SF_TCP_ACK;
		/* flags may want the pinned one for some probes: those go through the map */
		if (L->pin_seq || L->pin_ack)
			f |= WC_SF_MAP;
		break;
	case HOW_UDP:
		f |= WC_SF_UDP;
		break;
	case HOW_ICMP:
		f |= L->fam == 4 ? WC_SF_ICMP : WC_SF_ICMP6;
		break;
	default:
		f |= WC_SF_MAP;
	}
	return f;
}

static int fail(char *why, int err, const char *fmt, const char *arg)
{
	if (why) {
		char tmp[120];

		snprintf(tmp, sizeof(tmp), fmt, arg);
		snprintf(why, 160, "%s: %s", tmp, strerror(-err));
	}
	return err;
}

static void teardown(struct sr *r)
{
	wc_release_datapath(r->steer, r->ports, r->nq);
	wc_tmpl_free(r->t);
	wc_matcher_free(r->m);
	while (r->arena) {
		struct arena *a = r->arena;

		r->arena = a->next;
		free(a);
	}
	free(r->pr);
	free(r->rp);
	free(r->qp);
	free(r->txpkt);
}

/* The template and everything derived from it. Called twice when the next hop had to be
 * asked for: the Ethernet destination is part of the template. */
static int compile(struct sr *r, struct wc_set *s, char *why)
{
	wc_tmpl_free(r->t);
	r->t = NULL;
	int err = wc_tmpl_new(s, &r->t);

	if (err)
		return fail(why, err, "%s", "expression");
	r->nprobes = wc_tmpl_count(r->t);
	if (r->nprobes == 0 || r->nprobes > MAX_PROBES)
		return fail(why, -E2BIG, "%s", "more probes than sr keeps in memory (2^27)");
	r->fast = wc_tmpl_is_fast(r->t);
	r->tmpl = wc_tmpl_bytes(r->t, &r->tlen);
	if ((wc_dissect(r->txpkt, r->tmpl, r->tlen, NULL) < 0 ||
	     layout_of(r->txpkt, s, r->o->no_cookie, &r->lay) < 0) && r->fast)
		return fail(why, -EOPNOTSUPP, "%s",
			    "no way to tell this set's answers (not ARP, IP or IPv6)");
	return 0;
}

/*
 * Order matters. The steering program goes on the interface first: on a veth, frames sent
 * back with XDP_TX (a reflector's ARP answers) only arrive where an XDP program runs, so the
 * next hop is asked for after it (its answer passes through, untouched). Then the final
 * template, then the AF_XDP sockets into the XSKMAP; until then our answers could only pass to
 * the kernel, and none is on its way before the first probe leaves.
 */
static int setup(struct sr *r, struct wc_set *s, char *why)
{
	const struct wc_sr_opts *o = r->o;
	const struct wc_proto *first = wc_set_layer(s, 0);
	struct wc_iface ifc;
	int err;

	err = wc_iface_get(o->ifname, &ifc);
	if (err)
		return fail(why, err, "%s", o->ifname);
	/* A layer-3 expression: Ethernet from the interface. */
	if (first == P("IP") || first == P("IPv6")) {
		err = wc_set_push_front(s, P("Ether"));
		if (err)
			return fail(why, err, "%s", "expression");
	}
	err = wc_set_apply_iface(s, &ifc);
	if (err)
		return fail(why, err, "%s", o->ifname);
	r->rp = malloc(sizeof(*r->rp));
	r->qp = malloc(sizeof(*r->qp));
	r->txpkt = malloc(sizeof(*r->txpkt));
	if (!r->rp || !r->qp || !r->txpkt)
		return fail(why, -ENOMEM, "%s", "memory");
	err = compile(r, s, why);
	if (err)
		return err;

	if (getrandom(&r->key, sizeof(r->key), 0) != (ssize_t)sizeof(r->key))
		return fail(why, -errno, "%s", "random key");
	r->sport_lo = o->sport_lo ? o->sport_lo : 32768;
	r->sport_n = o->sport_n ? o->sport_n : 65536u - r->sport_lo;

	struct wc_steer_opts so = {
		.sz = sizeof(so),
		.flags = steer_flags(r) | (o->pass_replies ? WC_SF_COPY : 0),
		.key = {r->key.k0, r->key.k1},
		.sport_lo = r->sport_lo,
		.sport_n = r->sport_n,
		.tcp_extra = 1460,
		.map_entries = (uint32_t)r->nprobes,
		/* --pass-replies: about 8000 frames of room (hold_back cannot see this ring) */
		.copy_bytes = 16u << 20,
		.mode = o->mode,
	};
	if (r->fast && r->lay.kind == WC_SK_TCP) {
		/* the ack window is the payload of the probes: a fixed length here */
		const uint8_t *th = r->tmpl + r->lay.l4;
		uint32_t doff = (th[12] >> 4) * 4;

		so.tcp_extra = r->tlen > r->lay.l4 + doff ? (uint32_t)(r->tlen - r->lay.l4 - doff) : 0;
	}
	err = wc_steer_open(&r->steer, &so);
	if (err)
		return fail(why, err, "%s", "steering program (load)");
	err = wc_steer_attach(r->steer, ifc.ifindex);
	if (err) {
		/* the sharing cases (another program, a libxdp dispatcher) need more than strerror */
		if (why)
			snprintf(why, 160, "%s: %s", o->ifname, wc_xdp_attach_error(err));
		return err;
	}

	/* The next hop's MAC, asked on the wire when the kernel does not know it. */
	{
		int fi = wc_field_index(P("Ether"), "dst");
		bool unknown = s->n && s->l[0].proto == P("Ether") && fi >= 0 &&
			       s->l[0].f[fi].kind == WC_SP_DEFAULT;

		if (unknown) {
			err = wc_set_resolve_iface(s, &ifc);
			if (err == -ETIMEDOUT)
				return fail(why, err, "%s: no answer from the next hop (ARP/ND)",
					    o->ifname);
			if (err)
				return fail(why, err, "%s: next hop", o->ifname);
			err = compile(r, s, why);
			if (err)
				return err;
		}
	}

	r->pr = calloc(r->nprobes, sizeof(*r->pr));
	if (!r->pr)
		return fail(why, -ENOMEM, "%s", "memory");
	struct wc_matcher_opts mo = {
		.sz = sizeof(mo),
		.multi = o->multi,
		.max_requests = (uint32_t)r->nprobes,
		.arena_bytes = (size_t)r->nprobes * (r->fast ? r->tlen + 16 : 256),
	};
	err = wc_matcher_new(&mo, &r->m);
	if (err)
		return fail(why, err, "%s", "matcher");

	/* One AF_XDP socket per receive queue, each in its XSKMAP slot. Queue 0's sends. */
	r->nq = o->pass_replies ? 1 : o->queues ? o->queues : (unsigned)rx_queues(o->ifname);
	if (r->nq > MAX_QUEUES)
		r->nq = MAX_QUEUES;
	for (unsigned q = 0; q < r->nq; q++) {
		struct wc_port_opts po = {
			.ifname = o->ifname,
			.engine = WC_ENGINE_XSK,
			.queue = q,
			.frames = q ? 64 : TX_FRAMES,
			.tmpl = q ? NULL : r->tmpl,
			.tmpl_len = q ? 0 : r->tlen,
			.rx_frames = o->pass_replies ? 0 : RX_FRAMES,
		};
		char pwhy[160] = "";

		err = wc_port_open(&po, &r->ports[q], pwhy);
		if (err) {
			if (why)
				snprintf(why, 160, "AF_XDP socket on %s queue %u: %.100s", o->ifname, q,
					 pwhy[0] ? pwhy : strerror(-err));
			return err;
		}
		if (!o->pass_replies) {
			err = wc_steer_add_socket(r->steer, q, wc_port_fd(r->ports[q]));
			if (err)
				return fail(why, err, "%s", "XSKMAP");
		}
	}
	return 0;
}

int wc_sr(struct wc_set *s, const struct wc_sr_opts *uo, struct wc_sr_stats *out, char *why)
{
	struct wc_sr_opts o;
	struct sr r;
	pthread_t th;
	int err;
	uint64_t t0 = wc_now_ns();

	if (!s || !uo || !out || uo->sz < offsetof(struct wc_sr_opts, arg) || !uo->ifname)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	memcpy(&o, uo, uo->sz < sizeof(o) ? uo->sz : sizeof(o));
	if (o.timeout_s <= 0)
		o.timeout_s = 2;
	memset(&r, 0, sizeof(r));
	memset(out, 0, sizeof(*out));
	r.o = &o;
	r.set = s;
	err = setup(&r, s, why);
	if (err)
		goto out;
	if (o.on_ready) {
		err = o.on_ready(o.arg);
		if (err) {
			fail(why, err, "%s", "after set-up");
			goto out;
		}
	}
	snprintf(out->how, sizeof(out->how), "%s%s", how_text(&r.lay, steer_flags(&r) & WC_SF_MAP),
		 r.fast ? "" : " (full builds)");
	snprintf(out->engine, sizeof(out->engine), "%s", wc_port_engine(r.ports[0]));

	err = -pthread_create(&th, NULL, rx_main, &r);
	if (err) {
		fail(why, err, "%s", "thread");
		goto out;
	}
	err = send_all(&r);
	for (unsigned pass = 0; !err; pass++) {
		int64_t n;

		wait_answers(&r, r.t_last, o.timeout_s);
		if (pass >= o.retry || stopping(&r) || all_answered(&r))
			break;
		n = resend(&r);
		if (n < 0)
			err = (int)n;
		if (n <= 0)
			break;
		r.t_last = wc_now_ns();
	}
	if (err)
		fail(why, err, "%s", "send");
	__atomic_store_n(&r.done, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	if (!err && r.err_rx)
		err = fail(why, r.err_rx, "%s", "matcher");

	out->probes = r.nprobes;
	out->sent = r.sent;
	out->received = r.received;
	out->answers = r.answers;
	out->answered = r.answered;
	out->unanswered = ld(&r.nsent) - r.answered;
	out->unmatched = r.unmatched;
	out->map_keys = r.map_keys;
	out->send_s = r.t_last > r.t_first ? (double)(r.t_last - r.t_first) / 1e9 : 0;
	out->rx_cpu_s = r.rx_cpu_s;
	out->pair_s = r.t_pair > r.t_first ? (double)(r.t_pair - r.t_first) / 1e9 : 0;
	wc_steer_counters(r.steer, out->steer);
	for (unsigned q = 0; q < r.nq; q++) {
		struct wc_port_stats ps;

		wc_port_get_stats(r.ports[q], &ps);
		out->rx_dropped += ps.rx_dropped;
	}
	if (o.on_unans) {
		uint64_t n = ld(&r.nsent);

		for (uint64_t i = 0; i < n; i++) {
			const struct probe *p = &r.pr[i];
			struct wc_sr_pkt req = {.data = p->bytes, .len = p->len, .ts_ns = p->tx_ns};

			if (p->answered)
				continue;
			wc_dissect(r.qp, p->bytes, p->len, NULL);
			req.pkt = r.qp;
			o.on_unans(&req, i, o.arg);
		}
	}
out:
	teardown(&r);
	out->elapsed_s = (double)(wc_now_ns() - t0) / 1e9;
	return err;
}
