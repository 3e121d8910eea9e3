/* SPDX-License-Identifier: MIT */
/* AF_PACKET transmit through a TPACKET_V3 ring mapped into our memory, with the qdisc
 * bypassed: frames are filled in place and one send() pushes a whole batch. */
#include <errno.h>
#include <stdbool.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "port_impl.h"

#define FRAME_SIZE 2048u
#define BLOCK_SIZE 4096u
#define FRAMES_PER_BLOCK (BLOCK_SIZE / FRAME_SIZE)

struct pk {
	int fd;
	uint8_t *ring;
	size_t ring_len;
	unsigned nframes;
	unsigned head;     /* next frame to hand out */
	unsigned reserved; /* handed out, not yet submitted */
	size_t data_off;   /* where the packet starts inside a frame */
};

static struct tpacket3_hdr *frame_hdr(struct pk *k, unsigned i)
{
	return (struct tpacket3_hdr *)(k->ring + (size_t)(i % k->nframes) * FRAME_SIZE);
}

static unsigned pk_reserve(struct wc_port *p, unsigned n, uint8_t **frames)
{
	struct pk *k = p->priv;
	unsigned got = 0;

	k->reserved = 0; /* an earlier reservation not submitted: its frames are handed out again */
	while (got < n && k->reserved + got < k->nframes) {
		struct tpacket3_hdr *h = frame_hdr(k, k->head + k->reserved + got);

		/* The kernel hands a frame back by setting it available again. */
		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) != TP_STATUS_AVAILABLE)
			break;
		frames[got++] = (uint8_t *)h + k->data_off;
	}
	k->reserved += got;
	return got;
}

static int kick(struct pk *k)
{
	if (send(k->fd, NULL, 0, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != ENOBUFS)
		return -errno;
	return 0;
}

static int pk_submit(struct wc_port *p, unsigned n, const uint32_t *lens)
{
	struct pk *k = p->priv;

	if (n > k->reserved)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		struct tpacket3_hdr *h = frame_hdr(k, k->head + i);

		h->tp_len = lens[i];
		h->tp_snaplen = lens[i];
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
	}
	k->head = (k->head + n) % k->nframes;
	k->reserved = 0;
	p->st.tx_wakeups++;
	return kick(k);
}

static int pk_poll(struct wc_port *p, int timeout_ms)
{
	struct pk *k = p->priv;
	struct pollfd pfd = {.fd = k->fd, .events = POLLOUT};
	int err = kick(k);

	if (err)
		return err;
	if (timeout_ms && poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

static int pk_drain(struct wc_port *p, int timeout_ms)
{
	struct pk *k = p->priv;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		bool busy = false;

		for (unsigned i = 0; i < k->nframes && !busy; i++)
			busy = __atomic_load_n(&frame_hdr(k, i)->tp_status, __ATOMIC_ACQUIRE) &
			       (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING);
		if (!busy)
			return 0;
		int err = pk_poll(p, 10);
		if (err)
			return err;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
			return -ETIMEDOUT;
	}
}

static int pk_close(struct wc_port *p)
{
	struct pk *k = p->priv;

	if (!k)
		return 0;
	if (k->ring)
		munmap(k->ring, k->ring_len);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	return 0;
}

static const struct wc_port_ops pk_ops = {
	.reserve = pk_reserve,
	.submit = pk_submit,
	.poll = pk_poll,
	.drain = pk_drain,
	.close = pk_close,
};

static int fail(struct wc_port *p, char *why, const char *what, int err)
{
	snprintf(why, 160, "%s: %s", what, strerror(-err));
	pk_close(p);
	p->priv = NULL;
	return err;
}

int wc_port_open_packet(struct wc_port *p, const struct wc_port_opts *o, char *why)
{
	struct pk *k = calloc(1, sizeof(*k));
	int one = 1, ver = TPACKET_V3;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET};
	struct tpacket_req3 req = {0};
	unsigned ifindex;

	if (!k)
		return -ENOMEM;
	k->fd = -1;
	p->priv = k;
	p->ops = &pk_ops;
	p->engine = "packet";
	if (!o->ifname || !(ifindex = if_nametoindex(o->ifname)))
		return fail(p, why, "interface", -ENODEV);
	k->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (k->fd < 0)
		return fail(p, why, "AF_PACKET socket", -errno);
	if (setsockopt(k->fd, SOL_PACKET, PACKET_VERSION, &ver, sizeof(ver)) < 0)
		return fail(p, why, "TPACKET_V3", -errno);
	/* Straight to the driver: no qdisc on the way, as the fast path wants. */
	setsockopt(k->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	k->nframes = o->frames ? o->frames : 4096;
	/* Blocks must be whole pages; frames sit back to back in them. */
	req.tp_block_size = BLOCK_SIZE;
	req.tp_frame_size = FRAME_SIZE;
	k->nframes = (k->nframes + FRAMES_PER_BLOCK - 1) / FRAMES_PER_BLOCK * FRAMES_PER_BLOCK;
	req.tp_block_nr = k->nframes / FRAMES_PER_BLOCK;
	req.tp_frame_nr = k->nframes;
	if (setsockopt(k->fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0)
		return fail(p, why, "PACKET_TX_RING", -errno);
	k->ring_len = (size_t)k->nframes * FRAME_SIZE;
	k->ring = mmap(NULL, k->ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->ring == MAP_FAILED) {
		k->ring = NULL;
		return fail(p, why, "mmap TX ring", -errno);
	}
	sll.sll_protocol = 0; /* transmit only: take no packets in */
	sll.sll_ifindex = (int)ifindex;
	if (bind(k->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return fail(p, why, "bind", -errno);
	k->data_off = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));
	p->frame_cap = FRAME_SIZE - k->data_off;
	if (o->tmpl) {
		if (o->tmpl_len > p->frame_cap)
			return fail(p, why, "template", -EMSGSIZE);
		for (unsigned i = 0; i < k->nframes; i++)
			memcpy((uint8_t *)frame_hdr(k, i) + k->data_off, o->tmpl, o->tmpl_len);
	}
	return 0;
}
