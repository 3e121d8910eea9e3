/* SPDX-License-Identifier: MIT */
/* Sending a packet set through one or more ports: the template fast path, batches, rate
 * control, one thread per port (queue), each with its own slice of the set. */
#ifndef WIRECRAFT_SEND_H
#define WIRECRAFT_SEND_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct wc_port;
struct wc_tmpl;

struct wc_send_stats {
	uint64_t sent, bytes;
	double elapsed_s;
	bool done;
};

struct wc_send_opts {
	uint64_t count;       /* packets in all; 0: the whole set once (or forever with loop) */
	bool loop;            /* start the set over at its end */
	double rate_pps;      /* in all, shared evenly by the ports; 0: as fast as possible */
	double bandwidth_bps; /* on the wire (frame + preamble, gap, FCS); 0: none */
	double duration_s;    /* stop after this long; 0: no limit */
	unsigned batch;       /* frames per submit; 0: 64 */
	volatile sig_atomic_t *stop; /* set non-zero (e.g. from a signal handler) to stop */
	/* Called from the calling thread about once a second, and once at the end. */
	void (*progress)(const struct wc_send_stats *st, void *arg);
	void *arg;
};

/* Send the set of template `t` through `ports` (one thread each, each from its own clone of
 * the template over its share of the packets). Returns 0 or -errno (the first error of any
 * port); *st (may be NULL) holds the totals. */
int wc_send(struct wc_port *const *ports, unsigned nports, const struct wc_tmpl *t,
	    const struct wc_send_opts *o, struct wc_send_stats *st);

#endif
