/* SPDX-License-Identifier: MIT */
/* Pairing replies with requests: Scapy's hashret() and answers() driven over the protocol
 * hooks, and a matcher that holds outstanding requests and finds the ones a reply answers
 * by hash lookups.
 *
 * How the matcher finds candidates. Scapy keeps requests in lists by hashret() and checks
 * a reply against every request of its list, in the order they were sent, taking the first
 * it answers. Its key is coarse for some protocols (every ARP request has the same one;
 * UDP is keyed by addresses alone), so a scan of 65536 addresses would check each reply
 * against up to 65536 requests. Here each request is indexed under its Scapy key (the
 * "base" key) and under a few finer keys that its hooks name (wc_hr_key: the ARP address
 * asked about, the UDP source port, ...), and a reply whose hooks name finer keys is looked
 * up under those only: a finer key of a reply is a value that answers() requires to equal
 * one of the request's, so the requests it skips are requests it could not answer. A
 * request that cannot name its keys for every reply that could answer it is "wild" and
 * checked against every keyed reply of its hash; a reply that names no finer key (or keys
 * from two layers) falls back to the base key, Scapy's own list. Every candidate is then
 * checked exactly: same Scapy hashret bytes, and answers().
 *
 * Storage: requests live in a ring of slots (send order) and their bytes in a ring arena,
 * both bounded; the index is chained hashing with doubly linked nodes kept inside the slots
 * (one per key), so a request leaves every chain in O(1) when answered or expired, and
 * chains stay in send order (nodes are appended), which makes "the first request sent
 * among those it answers" the first hit of a chain walk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wirecraft/match.h"

/* ---- Options ---------------------------------------------------------------------------- */

static void norm_opts(const struct wc_match_opts *in, struct wc_match_opts *out)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (in) {
		n = in->sz && in->sz < sizeof(*out) ? in->sz : sizeof(*out);
		memcpy(out, in, n);
	}
	out->sz = sizeof(*out);
}

/* ---- Hashing ------------------------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* splitmix64's finalizer: FNV's low bits are weak, bucket indexes want all bits mixed. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* The opts of a wc_hr point at its own normalized copy. */
struct hr_with_opts {
	struct wc_hr h;
	struct wc_match_opts o;
};

void wc_hr_init(struct wc_hr *h, const struct wc_match_opts *o, enum wc_hr_role role,
		uint8_t *buf, size_t cap)
{
	memset(h, 0, sizeof(*h));
	h->o = o;
	h->role = (uint8_t)role;
	h->h = FNV_OFFSET;
	h->buf = buf;
	h->cap = buf ? cap : 0;
}

void wc_hr_put(struct wc_hr *h, const void *b, size_t n)
{
	const uint8_t *p = b;

	h->h = fnv(h->h, p, n);
	if (h->len < h->cap)
		memcpy(h->buf + h->len, p, n < h->cap - h->len ? n : h->cap - h->len);
	h->len += n;
}

void wc_hr_put_u8(struct wc_hr *h, uint8_t v)
{
	wc_hr_put(h, &v, 1);
}

void wc_hr_put_u16(struct wc_hr *h, uint16_t v)
{
	wc_hr_put(h, &v, 2); /* host order, as Python's native struct "H" */
}

void wc_hr_put_be16(struct wc_hr *h, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	wc_hr_put(h, b, 2);
}

void wc_hr_key(struct wc_hr *h, uint8_t tag, const void *b, size_t n)
{
	if (h->role == WC_HR_SCAPY)
		return;
	if (h->nkeys >= WC_HR_MAX_KEYS) {
		h->key_overflow = true;
		return;
	}
	/* A key cut the same way on both sides is still required to be equal: safe. */
	if (n > WC_HR_KEY_MAX)
		n = WC_HR_KEY_MAX;
	h->key[h->nkeys].tag = tag;
	h->key[h->nkeys].len = (uint8_t)n;
	h->key[h->nkeys].layer = (uint16_t)h->cur;
	memcpy(h->key[h->nkeys].b, b, n);
	h->nkeys++;
}

void wc_hr_wild(struct wc_hr *h)
{
	h->wild = true;
}

void wc_hr_walk(struct wc_hr *h, const struct wc_pkt *p)
{
	unsigned li = 0;

	while (li < p->nlayers) {
		const struct wc_proto *pr = p->l[li].proto;
		unsigned next;

		h->cur = li;
		next = pr->hashret ? pr->hashret(p, li, h) : li + 1;
		if (next <= li) /* a hook must move on; never loop */
			break;
		li = next;
	}
}

static void hr_run(struct hr_with_opts *x, const struct wc_pkt *p, const struct wc_match_opts *o,
		   enum wc_hr_role role, uint8_t *buf, size_t cap)
{
	norm_opts(o, &x->o);
	wc_hr_init(&x->h, &x->o, role, buf, cap);
	wc_hr_walk(&x->h, p);
}

static uint32_t fold32(uint64_t h)
{
	uint64_t m = mix64(h);

	return (uint32_t)(m ^ m >> 32);
}

uint32_t wc_hashret_ex(const struct wc_pkt *p, const struct wc_match_opts *o)
{
	struct hr_with_opts x;

	hr_run(&x, p, o, WC_HR_SCAPY, NULL, 0);
	return fold32(x.h.h);
}

uint32_t wc_hashret(const struct wc_pkt *p)
{
	return wc_hashret_ex(p, NULL);
}

size_t wc_hashret_bytes(const struct wc_pkt *p, const struct wc_match_opts *o, uint8_t *out,
			size_t cap)
{
	struct hr_with_opts x;

	hr_run(&x, p, o, WC_HR_SCAPY, out, cap);
	return x.h.len;
}

/* ---- answers() ---------------------------------------------------------------------------- */

bool wc_answers_at(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si,
		   const struct wc_match_opts *o)
{
	const struct wc_proto *pr;

	/* Scapy's NoPayload answers nothing but NoPayload or Padding. */
	if (ri >= r->nlayers)
		return si >= s->nlayers || s->l[si].proto == &wc_proto_padding;
	pr = r->l[ri].proto;
	if (pr->answers)
		return pr->answers(r, ri, s, si, o);
	/* Packet.answers: the same class, then the payloads. */
	return si < s->nlayers && s->l[si].proto == pr && wc_answers_at(r, ri + 1, s, si + 1, o);
}

bool wc_answers_true(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si,
		     const struct wc_match_opts *o)
{
	(void)r, (void)ri, (void)s, (void)si, (void)o;
	return true;
}

bool wc_answers(const struct wc_pkt *reply, const struct wc_pkt *req,
		const struct wc_match_opts *o)
{
	struct wc_match_opts n;

	norm_opts(o, &n);
	return wc_answers_at(reply, 0, req, 0, &n);
}

/* ---- The matcher --------------------------------------------------------------------------- */

#define NPS (1 + WC_HR_MAX_KEYS) /* index nodes per slot: the base key and the finer ones */
#define HRBUF 512                /* Scapy's bytes kept for the exact comparison */
#define MAX_SLOTS (1u << 26)

enum { S_FREE, S_LIVE, S_DEAD };

struct node {
	uint32_t next, prev; /* node ids (slot * NPS + k + 1), 0: none */
	uint32_t key;
};

struct slot {
	uint64_t seq, id, h64;
	struct timespec ts;
	const struct wc_proto *first;
	uint32_t off, len, answered, hlen;
	uint32_t wnext, wprev; /* wild list: slot index + 1 */
	uint8_t state, nnodes;
	bool wild, mcast6;
	struct node node[NPS];
};

struct wc_matcher {
	struct wc_match_opts mo;
	bool multi;
	uint32_t nslots;
	struct slot *slots;
	uint64_t head, tail; /* the seqs held: [head, tail) */
	uint32_t bmask;
	uint32_t *bhead, *btail;
	uint8_t *arena;
	size_t acap, ahead, atail;
	uint32_t whead, wtail;
	uint64_t nmcast6; /* held requests to an IPv6 multicast group */
	struct wc_matcher_stats st;
	struct wc_pkt rq, rp; /* scratch: a candidate request, a reply */
	uint8_t rb[HRBUF], ab[HRBUF], qb[HRBUF];
};

static struct slot *slot_of(const struct wc_matcher *m, uint64_t seq)
{
	return &m->slots[(seq - 1) % m->nslots];
}

static struct node *node_of(const struct wc_matcher *m, uint32_t id)
{
	return &m->slots[(id - 1) / NPS].node[(id - 1) % NPS];
}

static struct slot *slot_of_node(const struct wc_matcher *m, uint32_t id)
{
	return &m->slots[(id - 1) / NPS];
}

static uint32_t base_key(uint64_t h64)
{
	return (uint32_t)mix64(h64);
}

static uint32_t fine_key(uint64_t h64, const struct wc_hr *h, unsigned k)
{
	uint8_t hdr[3] = {0xff, h->key[k].tag, h->key[k].len};
	uint64_t x = fnv(h64, hdr, 3);

	return (uint32_t)mix64(fnv(x, h->key[k].b, h->key[k].len));
}

int wc_matcher_new(const struct wc_matcher_opts *o, struct wc_matcher **out)
{
	struct wc_matcher_opts op = {0};
	struct wc_matcher *m;
	uint32_t nb = 16;

	*out = NULL;
	if (o)
		memcpy(&op, o, o->sz && o->sz < sizeof(op) ? o->sz : sizeof(op));
	if (!op.max_requests)
		op.max_requests = 65536;
	if (op.max_requests > MAX_SLOTS)
		return -EINVAL;
	if (!op.arena_bytes)
		op.arena_bytes = (size_t)op.max_requests * 256;
	if (op.arena_bytes > UINT32_MAX)
		return -EINVAL;
	while (nb < 2 * op.max_requests)
		nb <<= 1;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	norm_opts(&op.match, &m->mo);
	m->multi = op.multi;
	m->nslots = op.max_requests;
	m->bmask = nb - 1;
	m->acap = op.arena_bytes;
	m->head = m->tail = 1;
	m->slots = calloc(m->nslots, sizeof(*m->slots));
	m->bhead = calloc(nb, sizeof(*m->bhead));
	m->btail = calloc(nb, sizeof(*m->btail));
	m->arena = malloc(m->acap);
	if (!m->slots || !m->bhead || !m->btail || !m->arena) {
		wc_matcher_free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

void wc_matcher_free(struct wc_matcher *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->bhead);
	free(m->btail);
	free(m->arena);
	free(m);
}

static void link_node(struct wc_matcher *m, uint32_t si, unsigned k, uint32_t key)
{
	uint32_t id = si * NPS + k + 1, b = key & m->bmask;
	struct node *n = node_of(m, id);

	n->key = key;
	n->next = 0;
	n->prev = m->btail[b];
	if (n->prev)
		node_of(m, n->prev)->next = id;
	else
		m->bhead[b] = id;
	m->btail[b] = id;
}

static void unlink_node(struct wc_matcher *m, struct node *n)
{
	uint32_t b = n->key & m->bmask;

	if (n->prev)
		node_of(m, n->prev)->next = n->next;
	else
		m->bhead[b] = n->next;
	if (n->next)
		node_of(m, n->next)->prev = n->prev;
	else
		m->btail[b] = n->prev;
}

/* No longer held: out of every chain and list. Its bytes stay until the head passes. */
static void drop(struct wc_matcher *m, struct slot *sl)
{
	for (unsigned k = 0; k < sl->nnodes; k++)
		unlink_node(m, &sl->node[k]);
	if (sl->wild) {
		if (sl->wprev)
			m->slots[sl->wprev - 1].wnext = sl->wnext;
		else
			m->whead = sl->wnext;
		if (sl->wnext)
			m->slots[sl->wnext - 1].wprev = sl->wprev;
		else
			m->wtail = sl->wprev;
		m->st.wild--;
	}
	if (sl->mcast6)
		m->nmcast6--;
	sl->state = S_DEAD;
	m->st.held--;
}

/* Free the slots and arena bytes of requests no longer held at the head of the ring. */
static void reclaim(struct wc_matcher *m)
{
	while (m->head < m->tail && slot_of(m, m->head)->state == S_DEAD) {
		slot_of(m, m->head)->state = S_FREE;
		m->head++;
	}
	if (m->head == m->tail)
		m->ahead = m->atail = 0;
	else
		m->ahead = slot_of(m, m->head)->off;
}

/* Room for n bytes in the ring arena: after the newest request, or from the start when the
 * end is too short (the tail of the buffer is then left unused until the head wraps). */
static int arena_alloc(struct wc_matcher *m, size_t n, size_t *off)
{
	if (n == 0)
		n = 1; /* an empty request still takes a place, so that full is not empty */
	if (m->atail >= m->ahead) {
		if (m->acap - m->atail >= n) {
			*off = m->atail;
			m->atail += n;
			return 0;
		}
		if (n < m->ahead) {
			*off = 0;
			m->atail = n;
			return 0;
		}
		return -ENOSPC;
	}
	if (m->ahead - m->atail > n) {
		*off = m->atail;
		m->atail += n;
		return 0;
	}
	return -ENOSPC;
}

static int add(struct wc_matcher *m, const struct wc_pkt *p, const uint8_t *data, size_t len,
	       const struct wc_proto *first, uint64_t id, const struct timespec *ts)
{
	struct hr_with_opts x;
	struct slot *sl;
	uint32_t si, keys[NPS];
	unsigned nn;
	size_t off;
	int err;

	if (len > WC_MAX_PKT)
		return -EMSGSIZE;
	reclaim(m);
	if (m->tail - m->head >= m->nslots)
		return -ENOSPC;
	if (!p) {
		err = wc_dissect(&m->rq, data, len, first);
		if (err)
			return err;
		p = &m->rq;
	}
	norm_opts(&m->mo, &x.o);
	wc_hr_init(&x.h, &x.o, WC_HR_REQUEST, NULL, 0);
	wc_hr_walk(&x.h, p);
	err = arena_alloc(m, len, &off);
	if (err)
		return err;
	memcpy(m->arena + off, data, len);

	sl = slot_of(m, m->tail);
	si = (uint32_t)(sl - m->slots);
	memset(sl, 0, sizeof(*sl));
	sl->seq = m->tail++;
	sl->id = id;
	if (ts)
		sl->ts = *ts;
	sl->first = first;
	sl->off = (uint32_t)off;
	sl->len = (uint32_t)len;
	sl->h64 = x.h.h;
	sl->hlen = (uint32_t)x.h.len;
	sl->state = S_LIVE;
	/* The base key, then each finer key once. Counted in a local, bounded by keys[] itself
	 * (nkeys <= WC_HR_MAX_KEYS keeps it within anyway), then stored. */
	nn = 0;
	keys[nn++] = base_key(x.h.h);
	for (unsigned k = 0; k < x.h.nkeys && nn < NPS; k++) {
		uint32_t key = fine_key(x.h.h, &x.h, k);
		bool dup = false;

		for (unsigned j = 0; j < nn; j++)
			dup |= keys[j] == key;
		if (!dup)
			keys[nn++] = key;
	}
	sl->nnodes = (uint8_t)nn;
	for (unsigned k = 0; k < nn; k++)
		link_node(m, si, k, keys[k]);
	if (x.h.wild || x.h.key_overflow) {
		sl->wild = true;
		sl->wprev = m->wtail;
		if (m->wtail)
			m->slots[m->wtail - 1].wnext = si + 1;
		else
			m->whead = si + 1;
		m->wtail = si + 1;
		m->st.wild++;
	}
	if (x.h.v6_mcast) {
		sl->mcast6 = true;
		m->nmcast6++;
	}
	m->st.requests++;
	m->st.held++;
	return 0;
}

int wc_matcher_add(struct wc_matcher *m, const uint8_t *data, size_t len,
		   const struct wc_proto *first, uint64_t id, const struct timespec *ts)
{
	return add(m, NULL, data, len, first ? first : &wc_proto_ether, id, ts);
}

int wc_matcher_add_pkt(struct wc_matcher *m, const struct wc_pkt *p, uint64_t id,
		       const struct timespec *ts)
{
	return add(m, p, p->buf, p->len, p->nlayers ? p->l[0].proto : &wc_proto_ether, id, ts);
}

/* Does the reply answer this held request, exactly as Scapy decides: the same hashret
 * bytes (hlen beyond HRBUF: the same 64-bit hash and length), then answers(). */
static bool check(struct wc_matcher *m, const struct slot *sl, const struct wc_pkt *reply,
		  const struct wc_hr *rh)
{
	struct hr_with_opts x;

	if (sl->h64 != rh->h || sl->hlen != rh->len)
		return false;
	if (wc_dissect(&m->rq, m->arena + sl->off, sl->len, sl->first))
		return false;
	if (rh->len <= HRBUF) {
		norm_opts(&m->mo, &x.o);
		wc_hr_init(&x.h, &x.o, WC_HR_SCAPY, m->qb, HRBUF);
		wc_hr_walk(&x.h, &m->rq);
		if (x.h.len != rh->len || memcmp(m->qb, rh->buf, rh->len))
			return false;
	}
	m->st.candidates++;
	return wc_answers_at(reply, 0, &m->rq, 0, &m->mo);
}

/* The first request of chain `key` (in send order, older than `bound`) the reply answers. */
static struct slot *walk_chain(struct wc_matcher *m, uint32_t key, const struct wc_pkt *reply,
			       const struct wc_hr *rh, uint64_t bound)
{
	const struct node *n;

	for (uint32_t id = m->bhead[key & m->bmask]; id; id = n->next) {
		struct slot *sl;

		n = node_of(m, id);
		if (n->key != key) /* another key of the bucket: its slot is not worth a miss */
			continue;
		sl = slot_of_node(m, id);
		if (sl->seq >= bound)
			break; /* chains are in send order: only younger ones follow */
		if (check(m, sl, reply, rh))
			return sl;
	}
	return NULL;
}

/* The oldest held request the reply answers, among those its keys can find. */
static struct slot *search(struct wc_matcher *m, const struct wc_pkt *reply,
			   const struct wc_hr *rh, uint64_t bound)
{
	struct slot *best = NULL, *sl;
	bool fine = rh->nkeys > 0 && !rh->key_overflow;

	/* Keys named by two layers: each alone would do, but which one answers() really
	 * compares is not worth proving; the base key is always right. */
	for (unsigned k = 1; fine && k < rh->nkeys; k++)
		fine = rh->key[k].layer == rh->key[0].layer;
	if (!fine)
		return walk_chain(m, base_key(rh->h), reply, rh, bound);
	for (unsigned k = 0; k < rh->nkeys; k++) {
		sl = walk_chain(m, fine_key(rh->h, rh, k), reply, rh, bound);
		if (sl) {
			best = sl;
			bound = sl->seq;
		}
	}
	for (uint32_t w = m->whead; w; w = m->slots[w - 1].wnext) {
		sl = &m->slots[w - 1];
		if (sl->seq >= bound)
			break;
		if (check(m, sl, reply, rh)) {
			best = sl;
			break;
		}
	}
	return best;
}

static void fill(const struct wc_matcher *m, const struct slot *sl, struct wc_match_req *r)
{
	r->id = sl->id;
	r->seq = sl->seq;
	r->ts = sl->ts;
	r->data = m->arena + sl->off;
	r->len = sl->len;
	r->first = sl->first;
	r->answered = sl->answered;
}

int wc_matcher_offer_pkt(struct wc_matcher *m, const struct wc_pkt *reply,
			 struct wc_match_req *req)
{
	struct hr_with_opts x, y;
	struct slot *best;

	m->st.received++;
	norm_opts(&m->mo, &x.o);
	wc_hr_init(&x.h, &x.o, WC_HR_REPLY, m->rb, HRBUF);
	wc_hr_walk(&x.h, reply);
	best = search(m, reply, &x.h, UINT64_MAX);
	/* Scapy's gap: a request to an IPv6 multicast group hashes without addresses, its
	 * unicast answer with them. Look the reply up a second time as if its destination had
	 * been a group; answers() still decides (and for a group it does accept our unicast
	 * address as the reply's destination). */
	if (!m->mo.scapy_gaps && x.h.v6_addr && m->nmcast6) {
		struct slot *alt;

		norm_opts(&m->mo, &y.o);
		wc_hr_init(&y.h, &y.o, WC_HR_REPLY, m->ab, HRBUF);
		y.h.v6_noaddr = true;
		wc_hr_walk(&y.h, reply);
		alt = search(m, reply, &y.h, best ? best->seq : UINT64_MAX);
		if (alt)
			best = alt;
	}
	if (!best)
		return 0;
	m->st.answers++;
	if (!best->answered)
		m->st.answered++;
	best->answered++;
	fill(m, best, req);
	if (!m->multi)
		drop(m, best);
	return 1;
}

int wc_matcher_offer(struct wc_matcher *m, const uint8_t *data, size_t len,
		     const struct wc_proto *first, struct wc_match_req *req)
{
	int err = wc_dissect(&m->rp, data, len, first);

	if (err) {
		m->st.received++;
		return err;
	}
	return wc_matcher_offer_pkt(m, &m->rp, req);
}

int wc_matcher_unanswered(struct wc_matcher *m, wc_match_req_fn fn, void *ctx)
{
	for (uint64_t q = m->head; q < m->tail; q++) {
		const struct slot *sl = slot_of(m, q);
		struct wc_match_req r;
		int rc;

		if (sl->state != S_LIVE || sl->answered)
			continue;
		fill(m, sl, &r);
		rc = fn(&r, ctx);
		if (rc)
			return rc;
	}
	return 0;
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

int wc_matcher_expire(struct wc_matcher *m, const struct timespec *before, wc_match_req_fn fn,
		      void *ctx)
{
	int rc = 0;

	while (m->head < m->tail && !rc) {
		struct slot *sl = slot_of(m, m->head);

		if (sl->state == S_LIVE) {
			if (before && !ts_before(&sl->ts, before))
				break;
			if (!sl->answered) {
				struct wc_match_req r;

				m->st.expired++;
				fill(m, sl, &r);
				if (fn)
					rc = fn(&r, ctx);
			}
			drop(m, sl);
		}
		sl->state = S_FREE;
		m->head++;
	}
	reclaim(m);
	return rc;
}

void wc_matcher_stats(const struct wc_matcher *m, struct wc_matcher_stats *st)
{
	*st = m->st;
}
