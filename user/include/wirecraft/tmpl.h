/* SPDX-License-Identifier: MIT */
/* The sending fast path: a packet set compiled into a template (the bytes of its first
 * packet) plus a patch plan (where each varying field lives in the frame, which checksums
 * cover it and at which byte parity). Each packet then costs a few stores and one
 * incremental checksum fix-up per affected checksum (RFC 1624), never a full build.
 *
 *   struct wc_tmpl *t;
 *   wc_tmpl_new(set, &t);
 *   memcpy(frame, wc_tmpl_bytes(t, &n), n);          // once per frame (AF_XDP: UMEM fill)
 *   while (wc_tmpl_next(t, frame, cap, &len) == 0)    // per packet: patches only
 *           send(frame, len);
 *
 * The packets, their order and their random values are exactly those of wc_iter_next() for
 * the same set and seed. Sets that fixed-size patches cannot express (a varying
 * variable-length field, a varying length field, a varying field under IP options, ...) are
 * still served, by a full build per packet; wc_tmpl_is_fast() tells which. */
#ifndef WIRECRAFT_TMPL_H
#define WIRECRAFT_TMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wc_set;
struct wc_tmpl;

/* Compile `s` (which must outlive the template and not change). The random seed is the
 * set's (wc_set_seed); 0 draws one from getrandom() as wc_iter does. Positioned at the
 * first packet. Returns 0, -ENOMEM, -E2BIG (too many varying fields, as wc_iter), -EINVAL
 * (a value set without values), or the error of building the first packet. */
int wc_tmpl_new(const struct wc_set *s, struct wc_tmpl **out);
void wc_tmpl_free(struct wc_tmpl *t);

/* An independent copy with its own position (one per sending thread). */
int wc_tmpl_clone(const struct wc_tmpl *t, struct wc_tmpl **out);

/* The template: the first packet's bytes. Copy them into every frame once. */
const uint8_t *wc_tmpl_bytes(const struct wc_tmpl *t, size_t *len);

/* true: per packet only varying fields and checksums are written, and *len is always the
 * template's length. false: every packet is built in full into the frame. */
bool wc_tmpl_is_fast(const struct wc_tmpl *t);

/* Packets in the set (wc_set_count): UINT64_MAX when that does not fit. */
uint64_t wc_tmpl_count(const struct wc_tmpl *t);

/* Position so that the next wc_tmpl_next() yields packet `index` (0-based, in iteration
 * order), random values included, e.g. to give each thread the range [k*n/T, (k+1)*n/T).
 * An index at or past the end makes the next call return -ENOENT. Returns 0. */
int wc_tmpl_seek(struct wc_tmpl *t, uint64_t index);

/* Write the next packet into `frame` (`cap` bytes), which must already hold the template
 * bytes on the fast path; the result never depends on what earlier calls wrote there.
 * Sets *len. Returns 0, -ENOENT after the last packet, -ENOSPC if cap is too small (fast
 * path: checked first, nothing consumed; fallback: that packet is skipped, as wc_iter does),
 * or (fallback only) another build error. No allocation, no system call. */
int wc_tmpl_next(struct wc_tmpl *t, uint8_t *frame, size_t cap, size_t *len);

#endif
