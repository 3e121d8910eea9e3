/* SPDX-License-Identifier: MIT */
/* Pairing replies with requests as Scapy's sr() does.
 *
 * Scapy pairs a reply r with a request s when r.hashret() == s.hashret() (a direction-free
 * key, the same bytes for a request and its answer) and r.answers(s) (the rules of every
 * layer, recursing into the payloads). Both are hooks of each protocol here (struct
 * wc_proto.hashret and .answers); this header gives the two functions, the options Scapy
 * has for them, and a matcher that keeps outstanding requests and pairs replies with them
 * by hash lookups.
 *
 * Where Scapy has known gaps, wirecraft does better unless `scapy_gaps` is set:
 *  - a request to an IPv6 multicast address hashes without addresses while its unicast
 *    answer hashes with them, so Scapy never pairs them: the matcher looks such replies up
 *    a second time without their addresses (wc_hashret itself stays Scapy's);
 *  - a TCP RST with sequence number 0 answering a request without the ACK flag (RFC 793:
 *    such a RST carries seq 0) fails Scapy's "request ack ~ reply seq" rule when the request
 *    carried a nonzero ack field anyway: wc_answers accepts it.
 *
 * Nothing here prints, exits or keeps global state; functions return 0 (or a count) or a
 * negative errno. A matcher is not thread-safe: one thread, or a lock around it (or one
 * matcher per shard, sharding requests and replies alike by wc_hashret(): it is the same
 * for a request and its answers, but the multicast lookup above then stays in one shard).
 *
 * Typical use, as sr() does:
 *
 *   struct wc_matcher_opts mo = {.sz = sizeof(mo), .max_requests = 1 << 20};
 *   struct wc_matcher *m;
 *   struct wc_match_req req;
 *
 *   wc_matcher_new(&mo, &m);
 *   for each probe sent:    wc_matcher_add(m, frame, len, NULL, probe_no, &sent_at);
 *   for each frame received:
 *           if (wc_matcher_offer(m, frame, len, NULL, &req) == 1)
 *                   a pair: req.id, req.data/len (the probe), req.ts (its send time)
 *   now and then:           wc_matcher_expire(m, &sent_before, on_unanswered, ctx);
 *   at the end:             wc_matcher_unanswered(m, on_unanswered, ctx); wc_matcher_free(m);
 *
 * Requests and replies must start at the same layer (both Ethernet frames, or both IP
 * packets): Scapy compares them layer by layer from the first. */
#ifndef WIRECRAFT_MATCH_H
#define WIRECRAFT_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pkt.h"

/* Scapy's conf switches for answers() and hashret(). All zero (or a NULL pointer) is
 * Scapy's defaults. `sz` is sizeof(struct wc_match_opts) as the caller was compiled (fields
 * past it count as zero, so older callers keep working when fields are added); 0 means
 * the whole struct as this header has it. */
struct wc_match_opts {
	size_t sz;
	bool no_check_ipaddr;       /* conf.checkIPaddr = False: reply addresses are not
				       compared (broadcast requests, DHCP) */
	bool no_check_ipsrc;        /* conf.checkIPsrc = False: no source address and ports
				       in the hash, ports not compared */
	bool check_ipid;            /* conf.checkIPID = True: the IP id quoted in ICMP errors
				       must be the request's (or its byte swap) */
	bool no_check_ipinip;       /* conf.checkIPinIP = False: look through IP-in-IP and
				       IPv6-in-IP (protocols 4 and 41) */
	bool check_tcperror_seqack; /* conf.check_TCPerror_seqack = True: the TCP header
				       quoted in ICMP errors must carry the request's seq and ack */
	bool scapy_gaps;            /* reproduce Scapy's known gaps too (see above) */
};

/* Scapy's hashret() with its default options, as a 32-bit hash: packets Scapy gives equal
 * hashret bytes get equal values (different bytes almost always different values). Its
 * halves are well mixed, so any bits may select a shard or a bucket. */
uint32_t wc_hashret(const struct wc_pkt *p);
uint32_t wc_hashret_ex(const struct wc_pkt *p, const struct wc_match_opts *o);
/* The hashret bytes themselves, exactly as Scapy's hashret() returns them on this host
 * (its struct.pack("H") is host order). snprintf's contract: writes at most cap bytes,
 * returns the length the whole key needs. */
size_t wc_hashret_bytes(const struct wc_pkt *p, const struct wc_match_opts *o, uint8_t *out,
			size_t cap);

/* Scapy's reply.answers(request), layer by layer from the first layer of each. */
bool wc_answers(const struct wc_pkt *reply, const struct wc_pkt *req,
		const struct wc_match_opts *o);

/* ---- The matcher ------------------------------------------------------------------- */

struct wc_matcher;

struct wc_matcher_opts {
	size_t sz;                  /* sizeof(struct wc_matcher_opts) */
	struct wc_match_opts match; /* the rules (its own sz may be 0: defaults) */
	bool multi;                 /* Scapy's multi: a request stays after its first answer
				       and may be answered again; without it, once */
	uint32_t max_requests;      /* requests held at once (0: 65536) */
	size_t arena_bytes;         /* bytes of request copies held at once (0: 256 per
				       request) */
};

/* A request as the matcher holds it. `data` points into the matcher's arena and stays
 * valid until the next wc_matcher_add*, wc_matcher_expire or wc_matcher_free. */
struct wc_match_req {
	uint64_t id;                 /* the caller's id, from wc_matcher_add */
	uint64_t seq;                /* 1 for the first request added, then 2, 3, ... */
	struct timespec ts;          /* when it was sent, from wc_matcher_add */
	const uint8_t *data;         /* its bytes */
	size_t len;
	const struct wc_proto *first; /* what data starts with */
	uint32_t answered;           /* replies paired with it so far, the current one too */
};

struct wc_matcher_stats {
	uint64_t requests;   /* added */
	uint64_t received;   /* replies offered */
	uint64_t answers;    /* pairs made */
	uint64_t answered;   /* distinct requests answered */
	uint64_t held;       /* requests held now (answered ones too with multi) */
	uint64_t expired;    /* unanswered requests removed by wc_matcher_expire */
	uint64_t candidates; /* requests a reply was checked against (answers() calls) */
	uint64_t wild;       /* requests that could not be indexed by their fields and are
				checked against every reply of their hash (normally 0) */
};

/* Returns 0, -EINVAL (bad options), -ENOMEM. */
int wc_matcher_new(const struct wc_matcher_opts *o, struct wc_matcher **out);
void wc_matcher_free(struct wc_matcher *m);

/* Hold a request: its bytes (dissected from `first`, NULL: Ether) are copied into the
 * arena and indexed by their hash. Requests are expected in the order they were sent
 * (timestamps not decreasing); ts NULL: 0. Returns 0, -ENOSPC when max_requests or the
 * arena is full (expire or answer some first), -EMSGSIZE above WC_MAX_PKT bytes. */
int wc_matcher_add(struct wc_matcher *m, const uint8_t *data, size_t len,
		   const struct wc_proto *first, uint64_t id, const struct timespec *ts);
/* The same for a packet already built or dissected (its layers must be what dissecting
 * p->buf from p->l[0].proto gives): saves dissecting it again. */
int wc_matcher_add_pkt(struct wc_matcher *m, const struct wc_pkt *p, uint64_t id,
		       const struct timespec *ts);

/* Offer one reply. Returns 1 when it answers a held request (*req filled: the request
 * sent first among those it answers, as Scapy picks), 0 when it answers none, or a
 * negative errno. Without multi the request is then no longer held. */
int wc_matcher_offer(struct wc_matcher *m, const uint8_t *data, size_t len,
		     const struct wc_proto *first, struct wc_match_req *req);
int wc_matcher_offer_pkt(struct wc_matcher *m, const struct wc_pkt *reply,
			 struct wc_match_req *req);

/* Called for each request by the two functions below; a nonzero return stops the walk
 * and is returned. */
typedef int (*wc_match_req_fn)(const struct wc_match_req *req, void *ctx);

/* The requests held and never answered, in the order they were added (Scapy's unans). */
int wc_matcher_unanswered(struct wc_matcher *m, wc_match_req_fn fn, void *ctx);

/* Drop the requests sent before `before` (oldest first, stopping at the first that is
 * not): fn (may be NULL) sees each one never answered. Frees their room. Returns what fn
 * returned, or 0. */
int wc_matcher_expire(struct wc_matcher *m, const struct timespec *before,
		      wc_match_req_fn fn, void *ctx);

void wc_matcher_stats(const struct wc_matcher *m, struct wc_matcher_stats *st);

/* ---- For protocol hooks (struct wc_proto.hashret and .answers) ---------------------- *
 *
 * hashret: feed what Scapy's hashret() of the layer packs, with wc_hr_put*(), in Scapy's
 * order, and return the index of the layer whose hashret follows: li + 1 for Scapy's
 * "+ self.payload.hashret()", li + 2 for "self.payload.payload.hashret()" (ICMP errors:
 * then also count h->depth up), anything >= p->nlayers when nothing follows.
 *
 * Besides Scapy's bytes a hook may name index keys, so that replies are not checked
 * against every request of their hash (Scapy's ARP hash is the same for every ARP
 * request): wc_hr_key() in role WC_HR_REQUEST gives a key the request is indexed under
 * (any number of them, each one alone enough to find it); in role WC_HR_REPLY it gives
 * keys to look the reply up with (one of them must be a key of every request this reply
 * answers, whatever answers() says about the rest of the packet). When a request cannot
 * name such a key for every reply that could answer it, wc_hr_wild() says so and it is
 * checked against every reply. Keys are optional: a hook that names none is always right.
 *
 * answers: Scapy's answers() of the layer; look at further layers with wc_answers_at(),
 * which applies the hook of the reply's layer (or Scapy's defaults). */

enum wc_hr_role {
	WC_HR_SCAPY,   /* only Scapy's bytes */
	WC_HR_REQUEST, /* also the keys to index a request under */
	WC_HR_REPLY,   /* also the keys to look a reply up with */
};

#define WC_HR_MAX_KEYS 4
#define WC_HR_KEY_MAX 16

struct wc_hr {
	/* in */
	const struct wc_match_opts *o; /* normalized: never NULL, sz may be ignored */
	uint8_t role;                  /* enum wc_hr_role */
	bool v6_noaddr;   /* hash the outermost IPv6 as if its destination were multicast */
	/* state and out */
	unsigned depth;   /* ICMP error quotes entered so far */
	unsigned cur;     /* the layer being hashed (set by the walk) */
	bool v6_seen;     /* an IPv6 layer was hashed */
	bool v6_addr;     /* the outermost IPv6 layer hashed its addresses */
	bool v6_mcast;    /* the outermost IPv6 destination is multicast */
	bool wild;        /* wc_hr_wild() was called */
	bool key_overflow;
	uint64_t h;       /* FNV-1a over Scapy's bytes */
	size_t len;       /* Scapy's bytes so far */
	uint8_t *buf;     /* a copy of them (may be NULL) */
	size_t cap;
	unsigned nkeys;
	struct {
		uint8_t tag, len;
		uint16_t layer; /* which layer named it */
		uint8_t b[WC_HR_KEY_MAX];
	} key[WC_HR_MAX_KEYS];
};

void wc_hr_init(struct wc_hr *h, const struct wc_match_opts *o, enum wc_hr_role role,
		uint8_t *buf, size_t cap);
/* Walk p's layers from the first, calling each layer's hashret hook. */
void wc_hr_walk(struct wc_hr *h, const struct wc_pkt *p);
void wc_hr_put(struct wc_hr *h, const void *b, size_t n);
void wc_hr_put_u8(struct wc_hr *h, uint8_t v);
void wc_hr_put_u16(struct wc_hr *h, uint16_t v); /* host order: Python's struct "H" */
void wc_hr_put_be16(struct wc_hr *h, uint16_t v); /* struct ">H" */
void wc_hr_key(struct wc_hr *h, uint8_t tag, const void *b, size_t n);
void wc_hr_wild(struct wc_hr *h);

bool wc_answers_at(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si,
		   const struct wc_match_opts *o);
/* Shared hooks: Raw's answers() (true whatever the request). */
bool wc_answers_true(const struct wc_pkt *r, unsigned ri, const struct wc_pkt *s, unsigned si,
		     const struct wc_match_opts *o);

#endif
