/* SPDX-License-Identifier: MIT */
/* AF_XDP receive for `wirecraft sniff --steal`: bpf/steal.bpf.c redirects every frame of each
 * receive queue into the XSKMAP slot of that queue, where one AF_XDP socket per queue (each with
 * its own UMEM) picks it up. Frames are handed out in place, straight from UMEM, and go back to
 * the fill ring in whole batches once the caller has moved past them.
 *
 * Order matters for not losing or blackholing frames: the sockets are bound and in the map
 * before the program is attached, and the program is detached before the sockets go.
 * Attachment goes through user/xdp_attach.c (libxdp's AF_XDP helpers are told not to load
 * their own program): a bpf_link held only by this process on a free interface, so a killed
 * process leaves nothing there; or a component of the interface's libxdp dispatcher, run after
 * the other programs (bpf/steal.bpf.c's XDP_RUN_CONFIG): it captures what they let through. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include "sniff_impl.h"
#include "steal.skel.h"
#include "xdp_attach.h"
#include "wirecraft/sniff.h"

#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define MAX_QUEUES 64
#define BATCH 64

struct sq {
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;
	size_t area_len;
	uint32_t idx;       /* first RX descriptor of the batch being handed out */
	unsigned n, pos;    /* its size, and how many of it were handed out */
	struct timespec ts; /* when the batch was picked up */
};

struct wc_steal {
	struct steal_bpf *skel;
	struct wc_xdp_att att;
	struct sq *q;
	struct pollfd *pfd;
	unsigned nq, cur, frames;
	bool zerocopy;
	char engine[64];
};

/* libbpf and libxdp print to stderr by default; a library does not. Their printers are global,
 * so ours is set only around our own calls and the previous one put back. */
static int quiet_bpf(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

static int quiet_xdp(enum libxdp_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

static int set_err(char *errbuf, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(char *errbuf, int err, const char *fmt, ...)
{
	va_list ap;

	if (errbuf) {
		va_start(ap, fmt);
		vsnprintf(errbuf, WC_SNIFF_ERRBUF, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Ethernet and up, checked here so the user gets a reason instead of a frame format nobody
 * can dissect or an AF_XDP bind error. */
static int check_iface(const char *ifname, char *errbuf)
{
	struct ifreq ifr = {0};
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname))
		return set_err(errbuf, -ENODEV, "%s: no such interface", ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return set_err(errbuf, -errno, "socket: %s", strerror(errno));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 && ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		err = set_err(errbuf, -EOPNOTSUPP, "%s: not an Ethernet interface (--steal needs one)",
			      ifname);
	else if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP))
		err = set_err(errbuf, -ENETDOWN, "%s: the interface is down (ip link set %s up)",
			      ifname, ifname);
	close(fd);
	return err;
}

/* Receive queues, from ethtool's channel counts (sysfs is no use here: under `nsenter --net` it
 * still shows the host's namespace). Drivers disagree on how they count (veth reports its one
 * queue as both rx and combined), so this is an upper bound: sockets past the real number fail
 * to bind and the caller stops there. */
static unsigned rx_queues(const char *ifname)
{
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr = {0};
	unsigned n = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 1;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (char *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ch.rx_count + ch.combined_count > 0)
		n = ch.rx_count + ch.combined_count;
	close(fd);
	return n > MAX_QUEUES ? MAX_QUEUES : n;
}

static int queue_open(struct wc_steal *st, const char *ifname, unsigned qid)
{
	struct sq *q = &st->q[qid];
	struct xsk_umem_config ucfg = {
		.fill_size = st->frames,
		.comp_size = 64, /* never used: nothing is sent, but a UMEM must have one */
		.frame_size = FRAME_SIZE,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = st->frames,
		.tx_size = 0,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP, /* zero-copy where the driver has it, else copy */
	};
	uint32_t idx;
	int err, fd;

	q->area_len = (size_t)st->frames * FRAME_SIZE;
	q->area = mmap(NULL, q->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&q->umem, q->area, q->area_len, &q->fill, &q->comp, &ucfg);
	if (err)
		return err;
	/* The kernel lets go of a closed socket's hold on the queue a little later, in a work
	 * queue: a capture started right after another one ended finds the queue busy for a
	 * moment. Worth a short wait; a queue that another program really holds stays busy. */
	for (int tries = 0; tries < 40; tries++) {
		struct timespec pause = {.tv_nsec = 50 * 1000000};

		err = xsk_socket__create(&q->xsk, ifname, qid, q->umem, &q->rx, NULL, &scfg);
		if (err != -EBUSY)
			break;
		nanosleep(&pause, NULL);
	}
	if (err)
		return err;
	/* Every frame starts out on the fill ring: the kernel may fill them all before we look. */
	if (xsk_ring_prod__reserve(&q->fill, st->frames, &idx) != st->frames)
		return -ENOBUFS;
	for (unsigned i = 0; i < st->frames; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) = (uint64_t)i * FRAME_SIZE;
	xsk_ring_prod__submit(&q->fill, st->frames);
	fd = xsk_socket__fd(q->xsk);
	err = bpf_map_update_elem(bpf_map__fd(st->skel->maps.xsks), &qid, &fd, BPF_ANY);
	if (err)
		return err;
	st->pfd[qid].fd = fd;
	st->pfd[qid].events = POLLIN;
	return 0;
}

static void queue_close(struct sq *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, q->area_len);
	memset(q, 0, sizeof(*q));
}

static bool is_zerocopy(struct sq *q)
{
	struct xdp_options opts;
	socklen_t ol = sizeof(opts);

	return getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_OPTIONS, &opts, &ol) == 0 &&
	       (opts.flags & XDP_OPTIONS_ZEROCOPY);
}

bool wc_steal_shared(const struct wc_steal *st)
{
	return st && wc_xdp_att_shared(&st->att);
}

void wc_steal_close(struct wc_steal *st)
{
	libbpf_print_fn_t oldb;

	if (!st)
		return;
	oldb = libbpf_set_print(quiet_bpf);
	wc_xdp_att_detach(&st->att);
	for (unsigned i = 0; st->q && i < st->nq; i++)
		queue_close(&st->q[i]);
	steal_bpf__destroy(st->skel);
	libbpf_set_print(oldb);
	free(st->q);
	free(st->pfd);
	free(st);
}

static int steal_open(const char *ifname, unsigned frames, struct wc_steal *st, char *errbuf)
{
	unsigned want = rx_queues(ifname);
	int err, ifindex = (int)if_nametoindex(ifname);

	/* About 64 MiB of UMEM in all, as much as live capture's ring: at 500k frames/s one
	 * queue rides out some 30 ms without being read (a busy CPU, a descheduled process)
	 * before the kernel runs out of free frames and drops. */
	if (!frames)
		for (frames = 16384; frames > 1024 && frames * want > 16384; frames /= 2)
			;
	st->frames = frames;
	if (st->frames < 64 || (st->frames & (st->frames - 1)))
		return set_err(errbuf, -EINVAL, "frames: %u is not a power of two of at least 64",
			       st->frames);
	st->q = calloc(want, sizeof(*st->q));
	st->pfd = calloc(want, sizeof(*st->pfd));
	if (!st->q || !st->pfd)
		return set_err(errbuf, -ENOMEM, "steal: %s", strerror(ENOMEM));
	st->skel = steal_bpf__open();
	if (!st->skel)
		return set_err(errbuf, -errno, "XDP program: %s", strerror(errno));
	err = bpf_map__set_max_entries(st->skel->maps.xsks, want);
	if (!err)
		err = steal_bpf__load(st->skel);
	if (err)
		return set_err(errbuf, err, "XDP program: %s", strerror(-err));
	for (unsigned q = 0; q < want; q++) {
		st->nq = q + 1; /* so that close frees a half-made queue */
		err = queue_open(st, ifname, q);
		if (err == -EINVAL && q > 0) {
			/* Past the interface's real queues (see rx_queues). */
			queue_close(&st->q[q]);
			st->nq = q;
			break;
		}
		if (err == -EBUSY)
			return set_err(errbuf, err, "AF_XDP socket on %s queue %u: the queue is in use "
				       "by another AF_XDP socket", ifname, q);
		if (err)
			return set_err(errbuf, err, "AF_XDP socket on %s queue %u: %s", ifname, q,
				       strerror(-err));
	}
	st->zerocopy = is_zerocopy(&st->q[0]);
	{
		struct wc_xdp_att_req rq = {.loaded = st->skel->obj, .prog_name = "wc_steal"};

		rq.elf = steal_bpf__elf_bytes(&rq.elf_sz);
		err = wc_xdp_att_attach(&st->att, &rq, ifindex);
	}
	if (err == -EBUSY || err == -EEXIST)
		return set_err(errbuf, err, "%s: %s (or capture without --steal)", ifname,
			       wc_xdp_attach_error(err));
	if (err)
		return set_err(errbuf, err, "%s: attaching the XDP program: %s", ifname,
			       wc_xdp_attach_error(err));
	snprintf(st->engine, sizeof(st->engine), "AF_XDP %s mode, %u queue%s%s",
		 st->zerocopy ? "zero-copy" : "copy", st->nq, st->nq > 1 ? "s" : "",
		 wc_xdp_att_shared(&st->att) ? ", in the libxdp dispatcher" : "");
	return 0;
}

int wc_steal_open(const char *ifname, unsigned frames, struct wc_steal **out, char *errbuf)
{
	struct wc_steal *st;
	libbpf_print_fn_t oldb;
	libxdp_print_fn_t oldx;
	int err;

	if (!ifname)
		return set_err(errbuf, -EINVAL, "steal: no interface");
	err = check_iface(ifname, errbuf);
	if (err)
		return err;
	st = calloc(1, sizeof(*st));
	if (!st)
		return set_err(errbuf, -ENOMEM, "steal: %s", strerror(ENOMEM));
	wc_xdp_att_init(&st->att);
	oldb = libbpf_set_print(quiet_bpf);
	oldx = libxdp_set_print(quiet_xdp);
	err = steal_open(ifname, frames, st, errbuf);
	libxdp_set_print(oldx);
	libbpf_set_print(oldb);
	if (err) {
		wc_steal_close(st);
		return err;
	}
	*out = st;
	return 0;
}

/* Give a finished batch back: its frames to the fill ring, its descriptors to the kernel. The
 * fill ring has room for every frame, so the reservation cannot come up short. */
static void recycle(struct sq *q)
{
	uint32_t fidx;

	if (!q->n)
		return;
	if (xsk_ring_prod__reserve(&q->fill, q->n, &fidx) == q->n) {
		for (unsigned i = 0; i < q->n; i++) {
			uint64_t a = xsk_ring_cons__rx_desc(&q->rx, q->idx + i)->addr;

			*xsk_ring_prod__fill_addr(&q->fill, fidx + i) = xsk_umem__extract_addr(a);
		}
		xsk_ring_prod__submit(&q->fill, q->n);
	}
	xsk_ring_cons__release(&q->rx, q->n);
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
	q->n = q->pos = 0;
}

static void hand_out(struct sq *q, const uint8_t **data, size_t *len, struct timespec *ts)
{
	const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, q->idx + q->pos++);

	*data = xsk_umem__get_data(q->area, xsk_umem__add_offset_to_addr(d->addr));
	*len = d->len;
	if (ts)
		*ts = q->ts;
}

/* One pass over the queues. A queue keeps the turn for one batch, then hands it on, so a
 * busy queue cannot starve the others. */
static bool take(struct wc_steal *st, const uint8_t **data, size_t *len, struct timespec *ts)
{
	for (unsigned tries = 0; tries < 2 * st->nq + 1; tries++) {
		struct sq *q = &st->q[st->cur];

		if (q->pos < q->n) {
			hand_out(q, data, len, ts);
			return true;
		}
		if (q->n) {
			recycle(q);
			st->cur = (st->cur + 1) % st->nq;
			continue;
		}
		q->n = xsk_ring_cons__peek(&q->rx, BATCH, &q->idx);
		if (q->n) {
			clock_gettime(CLOCK_REALTIME, &q->ts);
			hand_out(q, data, len, ts);
			return true;
		}
		st->cur = (st->cur + 1) % st->nq;
	}
	return false;
}

int wc_steal_next(struct wc_steal *st, const uint8_t **data, size_t *len, struct timespec *ts,
		  int timeout_ms)
{
	struct timespec deadline;

	if (timeout_ms > 0)
		wc_sniff_deadline(&deadline, timeout_ms);
	for (;;) {
		int wait, rc;

		if (take(st, data, len, ts))
			return 0;
		wait = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : wc_sniff_ms_left(&deadline);
		if (wait == 0)
			return -EAGAIN;
		rc = poll(st->pfd, st->nq, wait);
		if (rc < 0)
			return errno == EINTR ? -EINTR : -errno;
	}
}

int wc_steal_drops(const struct wc_steal *st, uint64_t *drops)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < st->nq; i++) {
		struct xdp_statistics xs;
		socklen_t l = sizeof(xs);

		if (getsockopt(xsk_socket__fd(st->q[i].xsk), SOL_XDP, XDP_STATISTICS, &xs, &l))
			return -errno;
		/* rx_dropped: no free frame (fill ring empty) or too big; rx_ring_full: we were
		 * too slow to read. Both are frames the wire had and we never saw. */
		sum += xs.rx_dropped + xs.rx_ring_full;
	}
	*drops = sum;
	return 0;
}

const char *wc_steal_engine(const struct wc_steal *st)
{
	return st->engine;
}
