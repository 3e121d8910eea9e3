/* SPDX-License-Identifier: MIT */
/* A pcap file as a transport: dry runs see exactly the frames a real port would send. The
 * file appears under its name only when closed complete (pcapio writes to a temporary). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port_impl.h"
#include "wirecraft/pcapio.h"

#define FRAME_SIZE 2048u

struct pc {
	struct wc_pcap_writer *w;
	uint8_t *frames;
	unsigned nframes, head, reserved;
	int err; /* first write error, reported by submit and close */
};

static unsigned pc_reserve(struct wc_port *p, unsigned n, uint8_t **frames)
{
	struct pc *k = p->priv;
	unsigned got = 0;

	k->reserved = 0; /* an earlier reservation not submitted: its frames are handed out again */
	/* Frames are written out at submit: all of them are free again by then. */
	while (got < n && k->reserved < k->nframes) {
		frames[got++] = k->frames + (size_t)((k->head + k->reserved) % k->nframes) * FRAME_SIZE;
		k->reserved++;
	}
	return got;
}

static int pc_submit(struct wc_port *p, unsigned n, const uint32_t *lens)
{
	struct pc *k = p->priv;

	if (n > k->reserved)
		return -EINVAL;
	for (unsigned i = 0; i < n && !k->err; i++)
		k->err = wc_pcap_write(k->w, k->frames + (size_t)((k->head + i) % k->nframes) * FRAME_SIZE,
				       lens[i], NULL);
	k->head = (k->head + n) % k->nframes;
	k->reserved = 0;
	return k->err;
}

static int pc_poll(struct wc_port *p, int timeout_ms)
{
	(void)p;
	(void)timeout_ms;
	return 0;
}

static int pc_close(struct wc_port *p)
{
	struct pc *k = p->priv;
	int err = 0;

	if (!k)
		return 0;
	if (k->w) {
		if (k->err) {
			wc_pcap_abort_write(k->w);
			err = k->err;
		} else {
			err = wc_pcap_close_write(k->w);
		}
	}
	free(k->frames);
	free(k);
	p->priv = NULL;
	return err;
}

static const struct wc_port_ops pc_ops = {
	.reserve = pc_reserve,
	.submit = pc_submit,
	.poll = pc_poll,
	.drain = pc_poll,
	.close = pc_close,
};

int wc_port_open_pcap(struct wc_port *p, const struct wc_port_opts *o, char *why)
{
	struct pc *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return -ENOMEM;
	p->priv = k;
	p->ops = &pc_ops;
	p->engine = "pcap";
	p->frame_cap = FRAME_SIZE;
	k->nframes = 256;
	k->frames = malloc((size_t)k->nframes * FRAME_SIZE);
	err = k->frames ? 0 : -ENOMEM;
	if (!err && (!o->path || !*o->path))
		err = -EINVAL;
	if (!err && o->tmpl_len > FRAME_SIZE)
		err = -EMSGSIZE;
	if (!err)
		err = wc_pcap_open_write(o->path, o->starts_at_ip ? WC_LINK_RAW : WC_LINK_ETHER, &k->w);
	if (err) {
		snprintf(why, 160, "pcap %s: %s", o->path ? o->path : "(no file)", strerror(-err));
		pc_close(p);
		return err;
	}
	for (unsigned i = 0; o->tmpl && i < k->nframes; i++)
		memcpy(k->frames + (size_t)i * FRAME_SIZE, o->tmpl, o->tmpl_len);
	return 0;
}
