// SPDX-License-Identifier: MIT
/* Closing an XDP link or an AF_XDP socket waits in the kernel for an RCU grace period (5 to
 * 25 ms each on this kind of machine). Closed one after another, a two-queue scan spent 30 to
 * 45 ms of its life in these waits alone; closed at once, the waits overlap and the whole costs
 * about the longest one.
 *
 * Order does not matter for correctness: a socket leaving takes itself out of the program's
 * XSKMAP first, and a frame the program still redirects to it finds no entry and goes to the
 * stack, as every frame does once the program is gone. */
#include <pthread.h>
#include <stdbool.h>

#include "release.h"

#define MAX_PARALLEL 64

static void *close_port(void *arg)
{
	wc_port_close(arg);
	return NULL;
}

void wc_release_datapath(struct wc_steer *steer, struct wc_port *const *ports, unsigned n)
{
	pthread_t th[MAX_PARALLEL];
	bool started[MAX_PARALLEL] = {false};

	for (unsigned q = 0; q < n; q++) {
		if (!ports[q])
			continue;
		/* no thread (or too many ports): closed here, after the others started */
		if (q < MAX_PARALLEL && !pthread_create(&th[q], NULL, close_port, ports[q]))
			started[q] = true;
	}
	wc_steer_close(steer);
	for (unsigned q = 0; q < n; q++) {
		if (q < MAX_PARALLEL && started[q])
			pthread_join(th[q], NULL);
		else if (ports[q])
			wc_port_close(ports[q]);
	}
}
