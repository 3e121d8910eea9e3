/* SPDX-License-Identifier: MIT */
/* Rate control: accurate at 10 packets a second, free at "max". */
#ifndef WIRECRAFT_RATE_H
#define WIRECRAFT_RATE_H

#include <stdint.h>

struct wc_rate {
	double pps;      /* 0: unlimited */
	uint64_t t0_ns;  /* when the schedule started */
	uint64_t sent;   /* packets let through since t0 */
};

uint64_t wc_now_ns(void); /* CLOCK_MONOTONIC */

/* pps <= 0 means no limit. */
void wc_rate_init(struct wc_rate *r, double pps);

/* How many of `want` packets may go now. Sleeps until at least one may, so the caller never
 * spins; returns at least 1 when want >= 1. */
unsigned wc_rate_take(struct wc_rate *r, unsigned want);

#endif
