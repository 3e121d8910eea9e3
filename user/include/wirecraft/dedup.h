/* SPDX-License-Identifier: MIT */
/* Which targets have answered: a scan reports each (address, port) once however many replies
 * it sends (SYN-ACK retransmissions, retries), and a retry pass skips those that answered.
 *
 * Up to a memory budget, an exact bitmap over the index space, allocated in 64 KiB pages as
 * answers land in them (a scan of a small or sparse-answering space touches few). Beyond it, a
 * bounded set-associative cache of recent answers: memory fixed, a repeat that comes after
 * millions of other answers may be reported twice (wc_dedup_exact() tells which).
 *
 * One thread adds (the receiver) while others test (the sender's retry pass): both are safe
 * together, through atomics. */
#ifndef WIRECRAFT_DEDUP_H
#define WIRECRAFT_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wc_dedup;

/* For indices [0, n). max_bytes: the budget for the bitmap (0: 1 GiB). Returns 0 or -ENOMEM. */
int wc_dedup_new(uint64_t n, size_t max_bytes, struct wc_dedup **out);
void wc_dedup_free(struct wc_dedup *d);

/* Mark i; true when it was not marked yet. -ENOMEM for a page is reported as "new" (better a
 * duplicate line than a lost result) and counted (wc_dedup_errors). */
bool wc_dedup_add(struct wc_dedup *d, uint64_t i);
bool wc_dedup_has(const struct wc_dedup *d, uint64_t i);

bool wc_dedup_exact(const struct wc_dedup *d);
size_t wc_dedup_bytes(const struct wc_dedup *d); /* memory in use */
uint64_t wc_dedup_errors(const struct wc_dedup *d);
uint64_t wc_dedup_count(const struct wc_dedup *d); /* distinct indices added */

/* Every marked index in ascending order (exact mode only; -EOPNOTSUPP otherwise); stops at
 * the first non-zero return of fn and returns it. Not while another thread adds. */
int wc_dedup_foreach(const struct wc_dedup *d, int (*fn)(uint64_t i, void *arg), void *arg);

#endif
