/* SPDX-License-Identifier: MIT */
/* Inside sending: how a set is shared among senders. Used by send.c (AF_XDP, AF_PACKET,
 * pcap workers) and live.c (live-frames runners) so both split a set the same way. Not
 * installed. */
#ifndef WIRECRAFT_SEND_IMPL_H
#define WIRECRAFT_SEND_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "wirecraft/send.h"

/* One sender's part: the slice [first, first + span) of the set, and how many packets to send
 * from it (the slice once, or more by looping over it; forever: until stopped). */
struct wc_send_slice {
	uint64_t first, span, count;
	bool forever;
};

/* Sender i of n, for a set of setn packets. Without looping, the packets to send, [0, total),
 * are cut into one contiguous slice per sender; looping, each sender loops over its own share
 * of the set. A sender with no packets (more senders than packets) gets count 0. */
void wc_send_slice(const struct wc_send_opts *o, uint64_t setn, unsigned n, unsigned i,
		   struct wc_send_slice *s);

#endif
