/* SPDX-License-Identifier: MIT */
/* A schedule, not a token bucket that refills on a timer: packet k is due at t0 + k/pps, so
 * low rates are exact and nothing drifts. A sender that falls behind by more than 10 ms
 * does not make up for it in one burst: the schedule moves. */
#include <errno.h>
#include <time.h>

#include "wirecraft/rate.h"

uint64_t wc_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

void wc_rate_init(struct wc_rate *r, double pps)
{
	r->pps = pps > 0 ? pps : 0;
	r->t0_ns = wc_now_ns();
	r->sent = 0;
}

static void sleep_until(uint64_t ns)
{
	struct timespec t = {.tv_sec = (time_t)(ns / 1000000000ULL),
			     .tv_nsec = (long)(ns % 1000000000ULL)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

unsigned wc_rate_take(struct wc_rate *r, unsigned want)
{
	uint64_t now, due;
	double allowed, slack;

	if (r->pps == 0 || want == 0)
		return want;
	now = wc_now_ns();
	allowed = (double)(now - r->t0_ns) * r->pps / 1e9 - (double)r->sent;
	slack = r->pps * 0.01 + want;
	if (allowed > slack) {
		/* Far behind (descheduled, ring full): move the schedule instead of bursting. */
		r->t0_ns = now - (uint64_t)(((double)r->sent + want) * 1e9 / r->pps);
		allowed = want;
	}
	if (allowed < 1) {
		due = r->t0_ns + (uint64_t)(((double)r->sent + 1) * 1e9 / r->pps);
		sleep_until(due);
		allowed = 1;
	}
	if ((double)want > allowed)
		want = (unsigned)allowed;
	r->sent += want;
	return want;
}
