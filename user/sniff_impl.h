/* SPDX-License-Identifier: MIT */
/* Inside a capture: the AF_XDP half of `--steal` (user/port_steal.c), which hands out raw
 * frames; user/sniff.c puts the filter, the counting and the public interface around it.
 * Not installed. */
#ifndef WIRECRAFT_SNIFF_IMPL_H
#define WIRECRAFT_SNIFF_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct wc_steal;

/* Load the steal program, bind one AF_XDP socket per receive queue of ifname, attach the
 * program (user/xdp_attach.h: a bpf_link, or the libxdp dispatcher). frames: UMEM frames per queue, 0 for the default. On failure errbuf
 * (WC_SNIFF_ERRBUF bytes) holds "<what>: <why>". */
int wc_steal_open(const char *ifname, unsigned frames, struct wc_steal **out, char *errbuf);
/* The next frame of any queue, unfiltered, valid until the next call. Waits up to timeout_ms
 * (0: no wait, <0: for ever). 0, -EAGAIN (nothing in time), -EINTR (signal), -errno. */
int wc_steal_next(struct wc_steal *st, const uint8_t **data, size_t *len, struct timespec *ts,
		  int timeout_ms);
/* Frames the kernel dropped for lack of room (RX ring full, no free frame), all queues. */
int wc_steal_drops(const struct wc_steal *st, uint64_t *drops);
/* "AF_XDP copy mode, 1 queue", ... */
const char *wc_steal_engine(const struct wc_steal *st);
/* Whether the program joined the interface's libxdp dispatcher (user/xdp_attach.h). */
bool wc_steal_shared(const struct wc_steal *st);
/* Detach the program first (the stack gets its frames back at once), then free. */
void wc_steal_close(struct wc_steal *st);

/* Milliseconds left until deadline (CLOCK_MONOTONIC), 0 when it has passed. */
int wc_sniff_ms_left(const struct timespec *deadline);
/* now + ms on CLOCK_MONOTONIC. */
void wc_sniff_deadline(struct timespec *deadline, int ms);

#endif
