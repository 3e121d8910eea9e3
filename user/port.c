/* SPDX-License-Identifier: MIT */
/* Choosing a transport, and the calls every transport shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_impl.h"

int wc_port_open(const struct wc_port_opts *o, struct wc_port **out, char *why)
{
	struct wc_port *p = calloc(1, sizeof(*p));
	char tmp[160] = "", xwhy[160] = "";
	int err;

	if (!p)
		return -ENOMEM;
	if (!why)
		why = tmp;
	why[0] = 0;
	switch (o->engine) {
	case WC_ENGINE_PCAP:
		err = wc_port_open_pcap(p, o, why);
		break;
	case WC_ENGINE_PACKET:
		err = wc_port_open_packet(p, o, why);
		break;
	case WC_ENGINE_LIVE:
		snprintf(why, 160, "live frames are generated in the kernel, not sent through a port");
		err = -EINVAL;
		break;
	case WC_ENGINE_AUTO:
		/* AF_XDP first; AF_PACKET where it can't be had, saying why. */
		err = wc_port_open_xsk(p, o, xwhy);
		if (err) {
			memset(p, 0, sizeof(*p));
			err = wc_port_open_packet(p, o, why);
			if (!err)
				snprintf(why, 160, "AF_XDP unavailable (%.100s): using AF_PACKET", xwhy);
		}
		break;
	default:
		err = wc_port_open_xsk(p, o, why);
		break;
	}
	if (err) {
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int wc_port_close(struct wc_port *p)
{
	int err;

	if (!p)
		return 0;
	err = p->ops->close(p);
	free(p);
	return err;
}

const char *wc_port_engine(const struct wc_port *p)
{
	return p->engine;
}

size_t wc_port_frame_cap(const struct wc_port *p)
{
	return p->frame_cap;
}

unsigned wc_port_tx_reserve(struct wc_port *p, unsigned n, uint8_t **frames)
{
	unsigned got = p->ops->reserve(p, n, frames);

	if (got < n)
		p->st.tx_ring_full++;
	return got;
}

int wc_port_tx_submit(struct wc_port *p, unsigned n, const uint32_t *lens)
{
	int err = p->ops->submit(p, n, lens);

	if (!err) {
		p->st.tx_packets += n;
		for (unsigned i = 0; i < n; i++)
			p->st.tx_bytes += lens[i];
	}
	return err;
}

int wc_port_tx_poll(struct wc_port *p, int timeout_ms)
{
	return p->ops->poll(p, timeout_ms);
}

int wc_port_tx_drain(struct wc_port *p, int timeout_ms)
{
	return p->ops->drain(p, timeout_ms);
}

void wc_port_get_stats(const struct wc_port *p, struct wc_port_stats *st)
{
	*st = p->st;
	if (p->ops->stats)
		p->ops->stats(p, st);
}

unsigned wc_port_rx_peek(struct wc_port *p, unsigned n, struct wc_rx_frame *out)
{
	unsigned got;

	if (!p->ops->rx_peek)
		return 0;
	got = p->ops->rx_peek(p, n, out);
	p->st.rx_packets += got;
	for (unsigned i = 0; i < got; i++)
		p->st.rx_bytes += out[i].len;
	return got;
}

void wc_port_rx_release(struct wc_port *p)
{
	if (p->ops->rx_release)
		p->ops->rx_release(p);
}

unsigned wc_port_tx_inflight(const struct wc_port *p)
{
	return p->ops->tx_inflight ? p->ops->tx_inflight(p) : 0;
}

unsigned wc_port_rx_pending(const struct wc_port *p)
{
	return p->ops->rx_pending ? p->ops->rx_pending(p) : 0;
}

int wc_port_fd(const struct wc_port *p)
{
	return p->ops->fd ? p->ops->fd(p) : -1;
}
