/* SPDX-License-Identifier: MIT */
/* Inside a port: each transport fills in its operations. Not installed. */
#ifndef WIRECRAFT_PORT_IMPL_H
#define WIRECRAFT_PORT_IMPL_H

#include "wirecraft/port.h"

struct wc_port_ops {
	unsigned (*reserve)(struct wc_port *p, unsigned n, uint8_t **frames);
	int (*submit)(struct wc_port *p, unsigned n, const uint32_t *lens);
	int (*poll)(struct wc_port *p, int timeout_ms);
	int (*drain)(struct wc_port *p, int timeout_ms);
	int (*close)(struct wc_port *p);
	/* optional: receiving (NULL: the port does not receive) */
	unsigned (*rx_peek)(struct wc_port *p, unsigned n, struct wc_rx_frame *out);
	void (*rx_release)(struct wc_port *p);
	int (*fd)(const struct wc_port *p);
	unsigned (*rx_pending)(const struct wc_port *p);
	unsigned (*tx_inflight)(const struct wc_port *p);
	void (*stats)(const struct wc_port *p, struct wc_port_stats *st); /* adds its own */
};

struct wc_port {
	const struct wc_port_ops *ops;
	const char *engine;
	size_t frame_cap;
	struct wc_port_stats st;
	void *priv;
};

/* Each transport's opener: fills p (ops, engine, frame_cap, priv). `why` gets a reason on
 * failure (160 bytes). */
int wc_port_open_xsk(struct wc_port *p, const struct wc_port_opts *o, char *why);
int wc_port_open_packet(struct wc_port *p, const struct wc_port_opts *o, char *why);
int wc_port_open_pcap(struct wc_port *p, const struct wc_port_opts *o, char *why);

#endif
