/* SPDX-License-Identifier: MIT */
/* Inside the library: the banner connection engine (user/banner.c), driven by the scan's
 * receiving thread (user/scan.c). Everything here runs on that one thread, except new/free. */
#ifndef WC_BANNER_IMPL_H
#define WC_BANNER_IMPL_H

#include "wirecraft/banner.h"
#include "wirecraft/port.h"
#include "wirecraft/probe.h"
#include "wirecraft/scan.h"

struct wc_bn;

struct wc_bn_opts {
	const struct wc_banner_cfg *cfg;
	const struct wc_probe_opts *po; /* the scan's probe: key, sport, preset */
	struct wc_port *tx;             /* where ACKs, hellos and RSTs leave (the scan's) */
	int64_t rt_off;                 /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	void (*emit)(const struct wc_scan_result *r, void *arg);
	/* every frame of a conversation, in and out (a pcap of whole conversations); NULL */
	void (*frame)(const uint8_t *f, size_t len, uint64_t mono_ns, void *arg);
	void *arg;
};

int wc_bn_new(const struct wc_bn_opts *o, struct wc_bn **out);
void wc_bn_free(struct wc_bn *b);

/* A TCP segment that is not a SYN-ACK: 1 when it belonged to one of our connections (or to
 * one already closed: it gets a RST) and is dealt with; 0: not ours, the scan classifies it. */
int wc_bn_segment(struct wc_bn *b, const uint8_t *f, size_t len, uint64_t ts);
/* A new open port (res: the SYN-ACK, classified): ACK, hello, and a connection to collect. */
void wc_bn_open(struct wc_bn *b, const struct wc_scan_result *res);
/* A SYN-ACK again (our ACK was lost, or the hello): ACK and hello again while it is open. */
void wc_bn_synack_again(struct wc_bn *b, const uint8_t *f, size_t len, uint64_t ts);
/* A RST to one of our SYNs: the port is closed. */
void wc_bn_refused(struct wc_bn *b);
/* Time-outs due by now; then whatever is queued goes out. */
void wc_bn_tick(struct wc_bn *b, uint64_t now);
void wc_bn_flush(struct wc_bn *b);
/* End every open connection (WC_BE_STOPPED) and flush. */
void wc_bn_close_all(struct wc_bn *b);
uint64_t wc_bn_open_count(const struct wc_bn *b);
/* The latest deadline of the open connections (0: none). */
uint64_t wc_bn_last_deadline(const struct wc_bn *b);
void wc_bn_stats(const struct wc_bn *b, struct wc_conn_stats *st);

#endif
