/* SPDX-License-Identifier: MIT */
/* Inside the library: closing a datapath's kernel objects (user/release.c). */
#ifndef WC_RELEASE_H
#define WC_RELEASE_H

#include "wirecraft/port.h"
#include "wirecraft/steer.h"

/* Close the steering program (may be NULL) and the ports (NULL entries skipped), all at once,
 * each on its own thread; returns when every one is closed. */
void wc_release_datapath(struct wc_steer *steer, struct wc_port *const *ports, unsigned n);

#endif
