/* SPDX-License-Identifier: MIT */
/* AF_XDP transmit through libxdp: a UMEM whose TX frames are filled with the template once,
 * a TX ring fed in batches, the completion ring drained lazily, and a sendto() kick only when
 * the kernel asks for one (need_wakeup). No XDP program is loaded for sending.
 *
 * Receiving (rx_frames > 0): the same socket gets an RX ring, and the UMEM rx_frames more
 * frames, all on the fill ring from the start. One socket does both because a queue takes only
 * one UMEM: a second socket with its own would be refused (EBUSY). The frames come from
 * whatever XDP program redirects to this socket's XSKMAP slot (bpf/steer.bpf.c). */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include "port_impl.h"

/* UMEM chunks: 2048 bytes where the interface's frames fit (an RX chunk loses 256 bytes of
 * XDP headroom in copy mode: 1792 left, an MTU of 1500 plus Ethernet and two VLAN tags is
 * 1522), else 4096. Half the size is half the memory to fault in at start and to unpin at the
 * end, the bulk of an AF_XDP socket's set-up time. */
#define FRAME_SMALL 2048u
#define FRAME_LARGE 4096u
#define RX_HEADROOM 256u /* XDP_PACKET_HEADROOM */

struct xk {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp;
	uint8_t *area;
	size_t area_len;
	unsigned nframes;
	unsigned fsize;     /* bytes per UMEM chunk */
	uint64_t *free; /* stack of free frame addresses */
	unsigned nfree;
	unsigned reserved;  /* popped by reserve, waiting for submit */
	unsigned inflight;  /* submitted, not yet completed */
	/* receiving */
	struct xsk_ring_cons rx;
	unsigned rx_frames;
	uint32_t rx_idx;    /* first RX descriptor handed out by the last peek */
	unsigned rx_n;      /* how many */
};

static void reclaim(struct xk *k)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&k->comp, k->nframes, &idx);

	for (unsigned i = 0; i < n; i++)
		k->free[k->nfree++] = *xsk_ring_cons__comp_addr(&k->comp, idx + i);
	if (n)
		xsk_ring_cons__release(&k->comp, n);
	k->inflight -= n;
}

static unsigned xk_reserve(struct wc_port *p, unsigned n, uint8_t **frames)
{
	struct xk *k = p->priv;
	unsigned got = 0;
	uint32_t room;

	k->reserved = 0; /* an earlier reservation not submitted: its frames are handed out again */
	if (k->nfree < n)
		reclaim(k);
	/* A completed frame does not mean a free TX slot: the kernel may post the completion
	 * before it publishes its TX ring consumer index. Promise only what submit can place. */
	room = xsk_prod_nb_free(&k->tx, n);
	if (room < n)
		n = room;
	while (got < n && k->reserved < k->nfree) {
		uint64_t addr = k->free[k->nfree - 1 - k->reserved];

		frames[got++] = xsk_umem__get_data(k->area, addr);
		k->reserved++;
	}
	return got;
}

static int kick(struct wc_port *p)
{
	struct xk *k = p->priv;

	p->st.tx_wakeups++;
	if (sendto(xsk_socket__fd(k->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != ENETDOWN)
		return -errno;
	return 0;
}

static int xk_submit(struct wc_port *p, unsigned n, const uint32_t *lens)
{
	struct xk *k = p->priv;
	uint32_t idx;

	if (n > k->reserved)
		return -EINVAL;
	/* The ring has as many slots as there are frames, so this always fits. */
	if (xsk_ring_prod__reserve(&k->tx, n, &idx) != n)
		return -ENOBUFS;
	for (unsigned i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&k->tx, idx + i);

		d->addr = k->free[k->nfree - 1 - i];
		d->len = lens[i];
	}
	xsk_ring_prod__submit(&k->tx, n);
	k->nfree -= n;
	/* Frames reserved but not sent stay on the stack's top, free for the next reserve. */
	k->reserved = 0;
	k->inflight += n;
	if (xsk_ring_prod__needs_wakeup(&k->tx))
		return kick(p);
	return 0;
}

static int xk_poll(struct wc_port *p, int timeout_ms)
{
	struct xk *k = p->priv;
	unsigned before = k->nfree;
	int err = kick(p);

	if (err)
		return err;
	reclaim(k);
	if (k->nfree == before && timeout_ms) {
		struct pollfd pfd = {.fd = xsk_socket__fd(k->xsk), .events = POLLOUT};
		if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
			return -errno;
		reclaim(k);
	}
	return (int)(k->nfree - before);
}

static int xk_drain(struct wc_port *p, int timeout_ms)
{
	struct xk *k = p->priv;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (k->inflight) {
		int err = xk_poll(p, 1);
		if (err < 0)
			return err;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
			return -ETIMEDOUT;
	}
	return 0;
}

static int xk_close(struct wc_port *p)
{
	struct xk *k = p->priv;

	if (!k)
		return 0;
	if (k->xsk)
		xsk_socket__delete(k->xsk);
	if (k->umem)
		xsk_umem__delete(k->umem);
	if (k->area)
		munmap(k->area, k->area_len);
	free(k->free);
	free(k);
	return 0;
}

static unsigned xk_rx_peek(struct wc_port *p, unsigned n, struct wc_rx_frame *out)
{
	struct xk *k = p->priv;
	uint32_t idx = 0;

	if (!k->rx_frames)
		return 0;
	if (k->rx_n) /* the caller forgot to release: do it, never hand a frame out twice */
		p->ops->rx_release(p);
	n = xsk_ring_cons__peek(&k->rx, n, &idx);
	for (unsigned i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&k->rx, idx + i);

		out[i].data = xsk_umem__get_data(k->area, d->addr);
		out[i].len = d->len;
	}
	k->rx_idx = idx;
	k->rx_n = n;
	return n;
}

/* The frames of the last peek go back to the fill ring, in one batch. The fill ring has a slot
 * for every RX frame, so the reservation always succeeds. */
static void xk_rx_release(struct wc_port *p)
{
	struct xk *k = p->priv;
	uint32_t fidx;

	if (!k->rx_n)
		return;
	if (xsk_ring_prod__reserve(&k->fill, k->rx_n, &fidx) == k->rx_n) {
		for (unsigned i = 0; i < k->rx_n; i++) {
			uint64_t a = xsk_ring_cons__rx_desc(&k->rx, k->rx_idx + i)->addr;

			*xsk_ring_prod__fill_addr(&k->fill, fidx + i) = xsk_umem__extract_addr(a);
		}
		xsk_ring_prod__submit(&k->fill, k->rx_n);
	}
	xsk_ring_cons__release(&k->rx, k->rx_n);
	k->rx_n = 0;
	/* drivers that stop when the fill ring runs dry wait for a kick */
	if (xsk_ring_prod__needs_wakeup(&k->fill))
		recvfrom(xsk_socket__fd(k->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* Read-only on the shared ring indexes (libxdp's helpers would move the consumer's cached
 * copies, which belong to the receiving thread). */
static unsigned xk_rx_pending(const struct wc_port *p)
{
	const struct xk *k = p->priv;

	if (!k->rx_frames)
		return 0;
	return __atomic_load_n(k->rx.producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(k->rx.consumer, __ATOMIC_ACQUIRE);
}

static unsigned xk_tx_inflight(const struct wc_port *p)
{
	return ((const struct xk *)p->priv)->inflight;
}

static int xk_fd(const struct wc_port *p)
{
	const struct xk *k = p->priv;

	return k && k->xsk ? xsk_socket__fd(k->xsk) : -1;
}

static void xk_stats(const struct wc_port *p, struct wc_port_stats *st)
{
	const struct xk *k = p->priv;
	struct xdp_statistics xs;
	socklen_t len = sizeof(xs);

	if (getsockopt(xsk_socket__fd(k->xsk), SOL_XDP, XDP_STATISTICS, &xs, &len))
		return;
	if (k->rx_frames)
		st->rx_dropped = xs.rx_dropped + xs.rx_ring_full;
	st->xsk_rx_dropped = xs.rx_dropped;
	st->xsk_rx_ring_full = xs.rx_ring_full;
	st->xsk_fill_empty = xs.rx_fill_ring_empty_descs;
	st->xsk_rx_invalid = xs.rx_invalid_descs;
	st->xsk_tx_invalid = xs.tx_invalid_descs;
	st->xsk_tx_ring_empty = xs.tx_ring_empty_descs;
}

static const struct wc_port_ops xk_ops = {
	.reserve = xk_reserve,
	.submit = xk_submit,
	.poll = xk_poll,
	.drain = xk_drain,
	.close = xk_close,
	.rx_peek = xk_rx_peek,
	.rx_release = xk_rx_release,
	.fd = xk_fd,
	.rx_pending = xk_rx_pending,
	.tx_inflight = xk_tx_inflight,
	.stats = xk_stats,
};

static int fail(struct wc_port *p, char *why, const char *what, int err)
{
	snprintf(why, 160, "%s: %s", what, strerror(-err));
	xk_close(p);
	p->priv = NULL;
	return err;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The socket on the queue: native XDP mode first, the generic path when the driver has none */
static int make_socket(struct xk *k, const struct wc_port_opts *o, struct xsk_socket_config scfg)
{
	int err = xsk_socket__create(&k->xsk, o->ifname, o->queue, k->umem,
				     k->rx_frames ? &k->rx : NULL, &k->tx, &scfg);

	if (err && err != -EBUSY && o->engine != WC_ENGINE_XSK_ZC &&
	    o->engine != WC_ENGINE_XSK_COPY) {
		/* No zero-copy and no native XDP: the generic path still does AF_XDP. */
		scfg.xdp_flags = XDP_FLAGS_SKB_MODE;
		scfg.bind_flags = XDP_USE_NEED_WAKEUP | XDP_COPY;
		err = xsk_socket__create(&k->xsk, o->ifname, o->queue, k->umem,
					 k->rx_frames ? &k->rx : NULL, &k->tx, &scfg);
	}
	return err;
}

/* The interface's MTU, or a large one when it cannot be read (the larger chunks then) */
static unsigned iface_mtu(const char *ifname)
{
	struct ifreq ifr = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 65535;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(fd, SIOCGIFMTU, &ifr);
	close(fd);
	return r ? 65535 : (unsigned)ifr.ifr_mtu;
}

/*
 * The UMEM's memory, faulted in 1 MB at a time before the kernel pins it. Faulting in takes
 * the process's mmap lock: MAP_POPULATE held it for the whole 16 MB (6 to 10 ms), and the
 * steering program's loader on the other thread, which maps its maps, waited all that time;
 * the pinning holds it too, and is quick over pages already there. Where populating fails
 * (no memory, a kernel before 5.14) the pinning faults in the rest, and says ENOMEM itself.
 */
static void *umem_area(size_t len)
{
	uint8_t *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		return NULL;
#ifdef MADV_POPULATE_WRITE
	for (size_t off = 0, chunk = 1u << 20; off < len; off += chunk)
		if (madvise(a + off, len - off < chunk ? len - off : chunk, MADV_POPULATE_WRITE))
			break;
#endif
	return a;
}

int wc_port_open_xsk(struct wc_port *p, const struct wc_port_opts *o, char *why)
{
	struct xk *k = calloc(1, sizeof(*k));
	struct xsk_umem_config ucfg = {
		.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.comp_size = 0,
		.frame_size = FRAME_LARGE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = XDP_USE_NEED_WAKEUP,
	};
	int err;

	if (!k)
		return -ENOMEM;
	p->priv = k;
	p->ops = &xk_ops;
	if (!o->ifname || !if_nametoindex(o->ifname))
		return fail(p, why, "interface", -ENODEV);
	k->nframes = o->frames ? o->frames : 4096;
	/* Rings are powers of two; one TX slot and one completion slot per frame. */
	if (k->nframes & (k->nframes - 1))
		return fail(p, why, "frames", -EINVAL);
	k->rx_frames = o->rx_frames;
	if (k->rx_frames & (k->rx_frames - 1))
		return fail(p, why, "rx frames", -EINVAL);
	k->fsize = iface_mtu(o->ifname) + 14 + 8 + RX_HEADROOM <= FRAME_SMALL ? FRAME_SMALL
									    : FRAME_LARGE;
	ucfg.frame_size = k->fsize;
	ucfg.comp_size = k->nframes;
	scfg.tx_size = k->nframes;
	if (k->rx_frames) {
		ucfg.fill_size = k->rx_frames;
		scfg.rx_size = k->rx_frames;
	}
	/* TX frames first, then the RX frames */
	k->area_len = (size_t)(k->nframes + k->rx_frames) * k->fsize;
	k->area = umem_area(k->area_len);
	if (!k->area)
		return fail(p, why, "UMEM", -errno);
	k->free = calloc(k->nframes, sizeof(*k->free));
	if (!k->free)
		return fail(p, why, "UMEM", -ENOMEM);
	err = xsk_umem__create(&k->umem, k->area, k->area_len, &k->fill, &k->comp, &ucfg);
	if (err)
		return fail(p, why, "UMEM", err);
	switch (o->engine) {
	case WC_ENGINE_XSK_ZC:
		scfg.bind_flags |= XDP_ZEROCOPY;
		break;
	case WC_ENGINE_XSK_COPY:
		scfg.bind_flags |= XDP_COPY;
		break;
	default:
		break;
	}
	/* A queue stays busy for a moment after a socket bound to it closes (the kernel frees
	 * its buffer pool from a work queue): a scan started right after another finds it so.
	 * Busy is retried for up to 300 ms, each time with a fresh UMEM registration. */
	for (uint64_t t0 = mono_ms();;) {
		err = make_socket(k, o, scfg);
		if (err != -EBUSY || mono_ms() - t0 >= 300)
			break;
		xsk_umem__delete(k->umem);
		k->umem = NULL;
		nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
		err = xsk_umem__create(&k->umem, k->area, k->area_len, &k->fill, &k->comp, &ucfg);
		if (err)
			return fail(p, why, "UMEM", err);
	}
	if (err == -EBUSY)
		return fail(p, why, "AF_XDP socket (another one is bound to this queue)", err);
	if (err)
		return fail(p, why, "AF_XDP socket", err);
	{
		struct xdp_options opts;
		socklen_t ol = sizeof(opts);

		p->engine = "xsk-copy";
		if (getsockopt(xsk_socket__fd(k->xsk), SOL_XDP, XDP_OPTIONS, &opts, &ol) == 0 &&
		    (opts.flags & XDP_OPTIONS_ZEROCOPY))
			p->engine = "xsk-zc";
	}
	for (unsigned i = 0; i < k->nframes; i++) {
		uint64_t addr = (uint64_t)i * k->fsize;

		k->free[k->nfree++] = addr;
		if (o->tmpl)
			memcpy(k->area + addr, o->tmpl, o->tmpl_len);
	}
	if (k->rx_frames) {
		uint32_t idx;

		if (xsk_ring_prod__reserve(&k->fill, k->rx_frames, &idx) != k->rx_frames)
			return fail(p, why, "fill ring", -ENOBUFS);
		for (unsigned i = 0; i < k->rx_frames; i++)
			*xsk_ring_prod__fill_addr(&k->fill, idx + i) =
				(uint64_t)(k->nframes + i) * k->fsize;
		xsk_ring_prod__submit(&k->fill, k->rx_frames);
	}
	p->frame_cap = k->fsize;
	if (o->tmpl_len > p->frame_cap)
		return fail(p, why, "template", -EMSGSIZE);
	return 0;
}
