/* SPDX-License-Identifier: MIT */
/* A concrete packet: bytes plus a stack of layers with their field values. The same shape
 * comes out of building (from an expression) and out of dissecting (from bytes). */
#ifndef WIRECRAFT_PKT_H
#define WIRECRAFT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define WC_MAX_LAYERS 32
#define WC_MAX_PKT 65535

/* One field's value. Integer kinds, MAC and IPv4 use `u`; IPv6 uses `a`; byte kinds use
 * `b`/`blen` (pointing into the packet after dissection, into the expression's arena
 * when built). */
struct wc_val {
	uint64_t u;
	uint8_t a[16];
	const uint8_t *b;
	uint32_t blen;
};

enum wc_layer_status {
	WC_LS_OK = 0,
	WC_LS_TRUNCATED = 1, /* the bytes ended inside this layer's header */
	WC_LS_MALFORMED = 2, /* a length or option inside this layer did not make sense */
};

struct wc_layer {
	const struct wc_proto *proto;
	uint32_t off;  /* where the layer starts in the packet bytes */
	uint32_t hlen; /* bytes of this layer's own fields */
	uint32_t plen; /* bytes of payload that belong to it (excludes trailing Padding) */
	uint32_t set;  /* bit i: field i was set by the user (or dissected) */
	uint32_t here; /* bit i: field i is present (conditional fields) */
	uint8_t status;      /* enum wc_layer_status */
	uint8_t quoted;      /* inside an ICMP error: shown as IPerror, TCPerror, ... */
	/* The layer below (NULL for the first), for fields present only over some layer
	 * (Scapy's `isinstance(p.underlayer, TCP)`: DNS length). Set by build and dissect. */
	const struct wc_proto *below;
	uint32_t boff[WC_MAX_FIELDS]; /* field bit offset from the layer start (a DNS message over
				       * TCP is up to 64 KiB: 16 bits of bits were 8 KiB) */
	struct wc_val v[WC_MAX_FIELDS];
};

struct wc_pkt {
	uint8_t *buf; /* the bytes; owned by the caller */
	size_t len, cap;
	unsigned nlayers;
	struct wc_layer l[WC_MAX_LAYERS];
};

/* Build the bytes of `p` from its layers' values: defaults for fields not set, bindings
 * between adjacent layers, then lengths and checksums bottom-up for fields not set.
 * Writes into p->buf (p->cap bytes). Returns 0 or -errno (-ENOSPC, -EMSGSIZE). */
int wc_build(struct wc_pkt *p);

/* Dissect `len` bytes starting at protocol `first` (NULL: Ether). Never reads outside the
 * buffer; bad layers are marked, not fatal. p->buf points at `bytes` (not copied). */
int wc_dissect(struct wc_pkt *p, const uint8_t *bytes, size_t len,
	       const struct wc_proto *first);

/* Start a packet of layers to be built: each layer gets its proto and defaults. */
void wc_pkt_init(struct wc_pkt *p, uint8_t *buf, size_t cap);
int wc_pkt_push(struct wc_pkt *p, const struct wc_proto *proto);

/* Field access on a layer. Setting marks the field as user-set. */
int wc_layer_set_u(struct wc_layer *l, const char *field, uint64_t v);
int wc_layer_get_u(const struct wc_layer *l, const char *field, uint64_t *v);
/* Index of the first layer at or after `from` whose proto is `proto`, or -1. */
int wc_pkt_find(const struct wc_pkt *p, const struct wc_proto *proto, unsigned from);

/* Low-level helpers shared by build, dissect and proto hooks. */
uint64_t wc_get_bits(const uint8_t *b, size_t bitoff, unsigned bits);
void wc_put_bits(uint8_t *b, size_t bitoff, unsigned bits, uint64_t v);
/* Write value `v` of field `fi` of layer `li` into the bytes (fixed-size fields). */
void wc_pkt_put_field(struct wc_pkt *p, unsigned li, unsigned fi, const struct wc_val *v);

/* Internet checksum helpers (csum.c). */
uint32_t wc_csum_add(uint32_t sum, const uint8_t *b, size_t n); /* big-endian words */
uint16_t wc_csum_fold(uint32_t sum);                             /* fold and invert */
/* The pseudo-header sum for an upper layer `li` of protocol number `proto` with `ulen`
 * bytes, taken from layer li-1 (IP or IPv6). Returns -ENOENT if there is none. */
int wc_pseudo_sum(const struct wc_pkt *p, unsigned li, uint8_t proto, uint32_t ulen,
		  uint32_t *sum);

#endif
