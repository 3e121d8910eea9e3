/* SPDX-License-Identifier: MIT */
/* Capturing with a tcpdump filter: live through libpcap (the kernel filters and the host keeps
 * its packets), or stolen through AF_XDP (user/port_steal.c; the filter runs here on each frame
 * with pcap_offline_filter, compiled against a dead Ethernet handle). */
#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sniff_impl.h"
#include "wirecraft/sniff.h"

#define SNAPLEN 65535 /* what wc_pcap_write and the dissector take */
#define DEFAULT_BUFFER (64u << 20)
/* Live capture runs on TPACKET_V3 (libpcap's choice without immediate mode: with immediate mode
 * it falls back to V2, one packet per ring slot). V3 hands over whole blocks, which is what keeps
 * up at high rates; a block is handed over when full or after this many milliseconds, which
 * bounds how long a lone packet waits. */
#define BLOCK_TIMEOUT_MS 10

struct wc_sniff {
	enum wc_sniff_mode mode;
	pcap_t *pc; /* live: the capture; steal: a dead handle, for compiling the filter */
	struct bpf_program prog;
	bool has_prog, nano;
	int fd; /* live: what to poll */
	struct wc_steal *steal;
	int dlt;
	enum wc_link link;
	uint64_t captured, filtered;
	char engine[96];
	char err[WC_SNIFF_ERRBUF];
};

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

void wc_sniff_deadline(struct timespec *d, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += ms / 1000;
	d->tv_nsec += (long)(ms % 1000) * 1000000;
	if (d->tv_nsec >= 1000000000) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000;
	}
}

int wc_sniff_ms_left(const struct timespec *d)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(d->tv_sec - now.tv_sec) * 1000000000 + (d->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	/* Round up: a wait that ends early only to find 0 ms left would spin. */
	ns = (ns + 999999) / 1000000;
	return ns > 1 << 30 ? 1 << 30 : (int)ns;
}

static enum wc_link link_of(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return WC_LINK_ETHER;
	case DLT_RAW: return WC_LINK_RAW;
	case DLT_IPV4: return WC_LINK_IPV4;
	case DLT_IPV6: return WC_LINK_IPV6;
	case DLT_LINUX_SLL: return WC_LINK_LINUX_SLL;
	case DLT_LINUX_SLL2: return WC_LINK_LINUX_SLL2;
	case DLT_NULL: return WC_LINK_NULL;
	default: return WC_LINK_OTHER;
	}
}

/* Compile `filter` for handle pc into *prog. An empty filter compiles too (accept all), but
 * callers skip it so that no filter costs nothing. */
static int compile(pcap_t *pc, const char *filter, struct bpf_program *prog, char *errbuf)
{
	if (pcap_compile(pc, prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0)
		return set_err(errbuf, -EINVAL, "filter: %s", pcap_geterr(pc));
	return 0;
}

static bool has_filter(const char *filter)
{
	return filter && filter[strspn(filter, " \t\r\n")];
}

int wc_sniff_filter_check(const char *filter, char *errbuf)
{
	struct bpf_program prog;
	pcap_t *dead;
	int err;

	if (!has_filter(filter))
		return 0;
	dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (!dead)
		return set_err(errbuf, -ENOMEM, "filter: %s", strerror(ENOMEM));
	err = compile(dead, filter, &prog, errbuf);
	if (!err)
		pcap_freecode(&prog);
	pcap_close(dead);
	return err;
}

/* libpcap's activation failures as errno values, with its message. */
static int activate_error(pcap_t *pc, int rc, const char *ifname, char *errbuf)
{
	const char *msg = pcap_geterr(pc);
	int err;

	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		err = -EPERM;
		break;
	case PCAP_ERROR_NO_SUCH_DEVICE:
		err = -ENODEV;
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		err = -ENETDOWN;
		break;
	default:
		err = -EIO;
		break;
	}
	if (!msg || !msg[0])
		msg = pcap_statustostr(rc);
	/* libpcap often names the interface itself: don't say it twice. */
	if (!strncmp(msg, ifname, strlen(ifname)) && msg[strlen(ifname)] == ':')
		return set_err(errbuf, err, "%s", msg);
	return set_err(errbuf, err, "%s: %s", ifname, msg);
}

static int open_live(struct wc_sniff *s, const struct wc_sniff_opts *o, char *errbuf)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	int rc;

	s->pc = pcap_create(o->ifname, eb);
	if (!s->pc)
		return set_err(errbuf, -ENODEV, "%s: %s", o->ifname, eb);
	pcap_set_snaplen(s->pc, SNAPLEN);
	pcap_set_promisc(s->pc, !o->no_promisc);
	pcap_set_timeout(s->pc, BLOCK_TIMEOUT_MS);
	pcap_set_buffer_size(s->pc, (int)(o->buffer_bytes ? o->buffer_bytes : DEFAULT_BUFFER));
	s->nano = pcap_set_tstamp_precision(s->pc, PCAP_TSTAMP_PRECISION_NANO) == 0;
	rc = pcap_activate(s->pc);
	if (rc < 0)
		return activate_error(s->pc, rc, o->ifname, errbuf);
	/* rc > 0 is a warning (promiscuous mode unsupported, ...): the capture works. */
	if (pcap_setnonblock(s->pc, 1, eb) != 0)
		return set_err(errbuf, -EIO, "%s: %s", o->ifname, eb);
	s->fd = pcap_get_selectable_fd(s->pc);
	if (s->fd < 0)
		return set_err(errbuf, -EOPNOTSUPP, "%s: no descriptor to wait on", o->ifname);
	s->dlt = pcap_datalink(s->pc);
	if (has_filter(o->filter)) {
		int err = compile(s->pc, o->filter, &s->prog, errbuf);

		if (err)
			return err;
		s->has_prog = true;
		/* In the kernel: packets that don't match never reach the ring. libpcap drops what
		 * was queued before the filter was in place, so nothing unfiltered slips through. */
		if (pcap_setfilter(s->pc, &s->prog) != 0)
			return set_err(errbuf, -EINVAL, "filter: %s", pcap_geterr(s->pc));
	}
	snprintf(s->engine, sizeof(s->engine), "live capture");
	return 0;
}

static int open_steal(struct wc_sniff *s, const struct wc_sniff_opts *o, char *errbuf)
{
	int err;

	/* Compiled first: a bad filter must not cost the interface its traffic, even briefly. */
	s->pc = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	if (!s->pc)
		return set_err(errbuf, -ENOMEM, "filter: %s", strerror(ENOMEM));
	if (has_filter(o->filter)) {
		err = compile(s->pc, o->filter, &s->prog, errbuf);
		if (err)
			return err;
		s->has_prog = true;
	}
	err = wc_steal_open(o->ifname, o->frames, &s->steal, errbuf);
	if (err)
		return err;
	s->dlt = DLT_EN10MB;
	snprintf(s->engine, sizeof(s->engine), "steal: %s", wc_steal_engine(s->steal));
	return 0;
}

int wc_sniff_open(const struct wc_sniff_opts *o, struct wc_sniff **out, char *errbuf)
{
	struct wc_sniff *s;
	int err;

	if (!o || !o->ifname || !o->ifname[0])
		return set_err(errbuf, -EINVAL, "sniff: no interface");
	s = calloc(1, sizeof(*s));
	if (!s)
		return set_err(errbuf, -ENOMEM, "sniff: %s", strerror(ENOMEM));
	s->mode = o->mode;
	s->fd = -1;
	err = o->mode == WC_SNIFF_STEAL ? open_steal(s, o, errbuf) : open_live(s, o, errbuf);
	if (err) {
		wc_sniff_close(s);
		return err;
	}
	s->link = link_of(s->dlt);
	*out = s;
	return 0;
}

static int live_next(struct wc_sniff *s, struct wc_sniff_pkt *pkt, int timeout_ms)
{
	struct timespec deadline;

	if (timeout_ms > 0)
		wc_sniff_deadline(&deadline, timeout_ms);
	for (;;) {
		struct pcap_pkthdr *h;
		const u_char *d;
		struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
		int rc = pcap_next_ex(s->pc, &h, &d), wait;

		if (rc == 1) {
			pkt->data = d;
			pkt->len = h->caplen;
			pkt->wire_len = h->len;
			pkt->ts.tv_sec = h->ts.tv_sec;
			pkt->ts.tv_nsec = s->nano ? h->ts.tv_usec : h->ts.tv_usec * 1000L;
			return 0;
		}
		if (rc == PCAP_ERROR_BREAK)
			return -EINTR;
		if (rc != 0) {
			snprintf(s->err, sizeof(s->err), "%s", pcap_geterr(s->pc));
			return rc == PCAP_ERROR_IFACE_NOT_UP ? -ENETDOWN : -EIO;
		}
		wait = timeout_ms < 0 ? -1 : timeout_ms == 0 ? 0 : wc_sniff_ms_left(&deadline);
		if (wait == 0)
			return -EAGAIN;
		rc = poll(&pfd, 1, wait);
		if (rc < 0) {
			int e = errno;

			if (e == EINTR)
				return -EINTR;
			snprintf(s->err, sizeof(s->err), "poll: %s", strerror(e));
			return -e;
		}
		if (pfd.revents & (POLLERR | POLLNVAL)) {
			/* Non-blocking reads never look at the socket's error (the interface went
			 * down or away): without this the loop would spin on a poll that never
			 * waits again. */
			int e = EBADF;
			socklen_t l = sizeof(e);

			if (!(pfd.revents & POLLNVAL) &&
			    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &l) != 0)
				e = errno;
			if (e) {
				snprintf(s->err, sizeof(s->err), "%s", strerror(e));
				return -e;
			}
		}
	}
}

static int steal_next(struct wc_sniff *s, struct wc_sniff_pkt *pkt, int timeout_ms)
{
	struct timespec deadline;

	if (timeout_ms > 0)
		wc_sniff_deadline(&deadline, timeout_ms);
	for (;;) {
		struct pcap_pkthdr h;
		const uint8_t *d;
		size_t len;
		int wait = timeout_ms <= 0 ? timeout_ms : wc_sniff_ms_left(&deadline);
		int err;

		/* A deadline that passed while rejecting frames still gets the frames already
		 * waiting: only the wait is bounded, not the work. */
		err = wc_steal_next(s->steal, &d, &len, &pkt->ts, wait);
		if (err) {
			if (err != -EAGAIN && err != -EINTR)
				snprintf(s->err, sizeof(s->err), "AF_XDP: %s", strerror(-err));
			return err;
		}
		if (s->has_prog) {
			h.ts.tv_sec = pkt->ts.tv_sec;
			h.ts.tv_usec = pkt->ts.tv_nsec / 1000;
			h.caplen = h.len = (bpf_u_int32)len;
			if (!pcap_offline_filter(&s->prog, &h, d)) {
				s->filtered++;
				continue;
			}
		}
		pkt->data = d;
		pkt->len = pkt->wire_len = len;
		return 0;
	}
}

int wc_sniff_next(struct wc_sniff *s, struct wc_sniff_pkt *pkt, int timeout_ms)
{
	int err;

	s->err[0] = '\0';
	err = s->mode == WC_SNIFF_STEAL ? steal_next(s, pkt, timeout_ms)
					: live_next(s, pkt, timeout_ms);
	if (!err)
		s->captured++;
	return err;
}

enum wc_link wc_sniff_link(const struct wc_sniff *s)
{
	return s->link;
}

int wc_sniff_dlt(const struct wc_sniff *s)
{
	return s->dlt;
}

const char *wc_sniff_engine(const struct wc_sniff *s)
{
	return s->engine;
}

bool wc_sniff_shared(const struct wc_sniff *s)
{
	return s && s->steal && wc_steal_shared(s->steal);
}

const char *wc_sniff_error(const struct wc_sniff *s)
{
	return s->err[0] ? s->err : "unknown error";
}

int wc_sniff_get_stats(struct wc_sniff *s, struct wc_sniff_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->captured = s->captured;
	st->filtered = s->filtered;
	if (s->mode == WC_SNIFF_STEAL)
		return wc_steal_drops(s->steal, &st->kernel_drops);
	{
		struct pcap_stat ps;

		if (pcap_stats(s->pc, &ps) != 0) {
			snprintf(s->err, sizeof(s->err), "%s", pcap_geterr(s->pc));
			return -EIO;
		}
		st->kernel_drops = ps.ps_drop;
	}
	return 0;
}

void wc_sniff_close(struct wc_sniff *s)
{
	if (!s)
		return;
	wc_steal_close(s->steal);
	if (s->has_prog)
		pcap_freecode(&s->prog);
	if (s->pc)
		pcap_close(s->pc);
	free(s);
}
