/* SPDX-License-Identifier: MIT */
/* Packet sets: a Scapy expression parsed into a stack of layers whose fields may be single
 * values, sets (lists, ranges, CIDRs) or random. A set is never expanded in memory. */
#ifndef WIRECRAFT_SET_H
#define WIRECRAFT_SET_H

#include <stdint.h>

#include "pkt.h"

struct wc_set;
struct wc_iter;

/* Where and why an expression was refused: `col` is 1-based, 0 when not tied to a place. */
struct wc_err {
	int col;
	char msg[200];
};

/* Parse a Scapy expression such as
 *   Ether()/IP(dst="198.18.0.0/24")/TCP(dport=[22,80], flags="S")/"payload"
 * Returns 0, or -EINVAL with `err` filled (err may be NULL), or -ENOMEM. */
int wc_set_parse(const char *expr, struct wc_set **out, struct wc_err *err);
void wc_set_free(struct wc_set *s);

/* Number of packets in the set (product of the sizes of its varying fields);
 * UINT64_MAX when that does not fit. Random fields do not multiply it. */
uint64_t wc_set_count(const struct wc_set *s);

/* Put a layer with all its defaults under the others (Ether under an IP expression that
 * is about to be sent). Returns 0 or -E2BIG. */
int wc_set_push_front(struct wc_set *s, const struct wc_proto *proto);

/* The protocol of layer i, or NULL past the last one. */
const struct wc_proto *wc_set_layer(const struct wc_set *s, unsigned i);

/* Seed for random values (RandShort(), fuzz(), ...). Default: from getrandom(). */
void wc_set_seed(struct wc_set *s, uint64_t seed);

/* Iterate in Scapy's order: the payload's fields vary fastest and, within a layer, earlier
 * fields faster than later ones (Scapy pops its list of varying fields from the end).
 * wc_iter_next() builds the next packet into p (p->buf, p->cap supplied by the caller);
 * returns 0, -ENOENT after the last one, or -errno. */
int wc_iter_new(const struct wc_set *s, struct wc_iter **out);
int wc_iter_next(struct wc_iter *it, struct wc_pkt *p);
void wc_iter_free(struct wc_iter *it);

#endif
