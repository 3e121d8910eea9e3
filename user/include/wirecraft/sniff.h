/* SPDX-License-Identifier: MIT */
/* Capturing packets from an interface, with a tcpdump filter (libpcap's syntax).
 *
 * Two ways to capture:
 * - live (the default): libpcap on an AF_PACKET ring. The kernel filters (the compiled filter
 *   is attached to the socket), and the host's stack still gets every packet: this only
 *   watches.
 * - steal: an XDP program redirects every frame of every receive queue to AF_XDP sockets, and
 *   the filter runs here, in userspace. Fast, but the frames are taken: the host's stack never
 *   sees them (no ARP, no ping, no TCP on that interface while it runs), so this is for
 *   interfaces dedicated to the capture. The program hangs on a bpf_link that only this process
 *   holds, so it leaves the interface when the process ends, however it ends. Ethernet only,
 *   frames up to about 3.5 KB (one UMEM frame each).
 *
 * Functions return 0 or a negative errno and never print. Where an errbuf is taken
 * (WC_SNIFF_ERRBUF bytes, may be NULL), a failure leaves "<what>: <why>" in it, ready to be
 * printed after "wirecraft: ": "filter: syntax error", "eth1: No such device exists", ... */
#ifndef WIRECRAFT_SNIFF_H
#define WIRECRAFT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "pcapio.h"

#define WC_SNIFF_ERRBUF 320

enum wc_sniff_mode {
	WC_SNIFF_LIVE = 0, /* libpcap, AF_PACKET: the host keeps its packets */
	WC_SNIFF_STEAL,    /* XDP + AF_XDP: the host loses them */
};

struct wc_sniff_opts {
	const char *ifname;
	const char *filter;      /* tcpdump syntax; NULL or "": every packet */
	enum wc_sniff_mode mode;
	bool no_promisc;         /* live: leave the interface's promiscuous mode alone */
	unsigned buffer_bytes;   /* live: kernel ring size; 0: 64 MiB */
	unsigned frames;         /* steal: UMEM frames per queue (power of two); 0: 64 MiB worth */
};

struct wc_sniff_pkt {
	const uint8_t *data; /* valid until the next wc_sniff_next() or wc_sniff_close() */
	size_t len;          /* bytes at data */
	size_t wire_len;     /* bytes the frame had (more than len when the snapshot cut it) */
	struct timespec ts;  /* arrival, CLOCK_REALTIME (steal: when its batch was picked up) */
};

struct wc_sniff_stats {
	uint64_t captured;     /* packets returned by wc_sniff_next */
	uint64_t kernel_drops; /* live: ring full (pcap_stats ps_drop); steal: AF_XDP drops */
	uint64_t filtered;     /* steal: frames taken off the wire that the filter rejected */
};

struct wc_sniff;

/* Compile a filter without opening anything (for Ethernet framing), to report a bad one before
 * asking for privileges. Returns 0 or -EINVAL with "filter: <libpcap's message>". */
int wc_sniff_filter_check(const char *filter, char *errbuf);

/* Open a capture. Errors: -EPERM (needs CAP_NET_RAW; steal also CAP_NET_ADMIN and CAP_BPF),
 * -ENODEV, -ENETDOWN (the interface is down), -EINVAL (the filter), -EOPNOTSUPP (steal on an
 * interface that is not Ethernet or has no XDP), other -errno. */
int wc_sniff_open(const struct wc_sniff_opts *o, struct wc_sniff **out, char *errbuf);

/* The next packet that passes the filter, waiting up to timeout_ms (0: don't wait, <0: for
 * ever). Returns 0 with *pkt filled, -EAGAIN when none came in time, -EINTR when a signal
 * interrupted the wait, or another -errno (wc_sniff_error() says why). */
int wc_sniff_next(struct wc_sniff *s, struct wc_sniff_pkt *pkt, int timeout_ms);

/* What the frames start with (WC_LINK_ETHER for steal) and libpcap's DLT_ value. */
enum wc_link wc_sniff_link(const struct wc_sniff *s);
int wc_sniff_dlt(const struct wc_sniff *s);
/* How it captures: "live" or "steal (AF_XDP copy mode, N queues)" and the like. */
const char *wc_sniff_engine(const struct wc_sniff *s);
/* steal: true when its XDP program joined the interface's libxdp dispatcher; leaving it at
 * close then needs the privileges of joining (CAP_BPF, CAP_NET_ADMIN, bpffs). */
bool wc_sniff_shared(const struct wc_sniff *s);
/* Why the last wc_sniff_next() failed. */
const char *wc_sniff_error(const struct wc_sniff *s);

/* Fill *st. captured and filtered are always filled; a failure (-errno) to read the kernel's
 * counters leaves kernel_drops at 0. */
int wc_sniff_get_stats(struct wc_sniff *s, struct wc_sniff_stats *st);

/* Stop, detach (steal: the XDP program leaves the interface), free. NULL is accepted. */
void wc_sniff_close(struct wc_sniff *s);

#endif
