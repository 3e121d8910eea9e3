/* SPDX-License-Identifier: MIT */
/* Inside the library: the wire fallback of wc_iface_resolve() (user/neigh.c). */
#ifndef WC_NEIGH_H
#define WC_NEIGH_H

#include <stdint.h>

#include "wirecraft/iface.h"

/* wc_iface_resolve()'s question asked from a packet socket and answered here: for callers
 * without CAP_NET_ADMIN, who cannot have the kernel ask (needs CAP_NET_RAW). Same returns. */
int wc_iface_resolve_wire(const struct wc_iface *ifc, int family, const void *addr, int tries,
			  int timeout_ms, uint64_t *mac);

#endif
