/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wirecraft/steer.h: reply steering. bpf/steer.bpf.c runs on the interface while wirecraft waits
 * for answers (sr, scan): a frame that answers one of our probes goes to the AF_XDP socket of its
 * receive queue (or, with WC_SF_COPY, is copied to a ring buffer and still passed); every other
 * frame goes on to the kernel untouched. Two ways to recognise an answer:
 *  - the probe cookie (bpf/cookie.h): stateless, keyed per run;
 *  - the expected-reply map: userspace inserts the key of each probe before sending it.
 *
 * Attached through a bpf_link held by the process (as the reflector): a killed process leaves
 * nothing on the interface.
 *
 * The first part (counters, flags, metadata) is plain C the BPF program includes too.
 */
#ifndef WIRECRAFT_STEER_H
#define WIRECRAFT_STEER_H

/* Per-verdict counters of the steering program, one per-CPU slot each. */
enum wc_steer_counter {
	WC_SC_COOKIE = 0,   /* steered: the cookie matched */
	WC_SC_MAP,          /* steered: an expected-reply map entry matched */
	WC_SC_PASS,         /* passed: not a kind of reply we wait for */
	WC_SC_BAD_COOKIE,   /* passed: a kind whose probes carry a cookie, wrong cookie (and not
			       in the expected-reply map either): not ours, or forged */
	WC_SC_NO_ENTRY,     /* passed: a kind only the expected-reply map knows, not in it */
	WC_SC_MALFORMED,    /* passed: truncated or inconsistent headers */
	WC_SC_FRAGMENT,     /* passed: an IP fragment after the first (no L4 header to check) */
	WC_SC_NO_SOCKET,    /* passed: ours, but no AF_XDP socket on its receive queue */
	WC_SC_COPY_FULL,    /* passed: ours (WC_SF_COPY), ring buffer full, not copied */
	WC_SC_DROP_IPCSUM,  /* dropped: ours by the cookie or map, IPv4 header checksum wrong */
	WC_SC__MAX
};

/* Which replies to look for (wc_steer_opts.flags; the program's cfg_flags). */
#define WC_SF_TCP_SEQ (1u << 0) /* TCP probes carry the cookie in seq: check reply ack */
#define WC_SF_TCP_ACK (1u << 1) /* TCP probes carry the cookie in ack: check reply seq */
#define WC_SF_UDP     (1u << 2) /* UDP probes carry it in the source port */
#define WC_SF_ICMP    (1u << 3) /* ICMP echo probes carry it in id/seq */
#define WC_SF_ICMP6   (1u << 4) /* ICMPv6 echo probes carry it in id/seq */
#define WC_SF_MAP     (1u << 5) /* look candidate replies up in the expected-reply map */
#define WC_SF_COPY    (1u << 6) /* copy our replies to the ring buffer and pass them (the
				   kernel sees them too), instead of redirecting them */
/* No probe of this family was sent: its frames are never ours. Set, the verifier prunes that
 * family's parser (the IPv6 one is two thirds of the program's verification time). */
#define WC_SF_NO_IP4  (1u << 7)
#define WC_SF_NO_IP6  (1u << 8)
/* The receive time (struct wc_steer_meta) goes in front of a redirected frame as part of its
 * data (bpf_xdp_adjust_head) rather than in the metadata area: for kernels that refuse XDP
 * programs bpf_xdp_adjust_meta (some builds do). wc_steer_open sets it by itself there;
 * wc_steer_rx_stamp takes the record off again. */
#define WC_SF_HEAD_STAMP (1u << 9)
#define WC_SF__ALL    ((1u << 10) - 1)

/* What the program writes in the metadata area in front of each frame it redirects (AF_XDP
 * copies it into the UMEM just before the frame's data): the receive time. */
#define WC_STEER_META_MAGIC 0x77637473u /* "wcts" */
struct wc_steer_meta {
	unsigned long long ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	unsigned int magic;       /* WC_STEER_META_MAGIC: set by the program */
	unsigned int queue;       /* rx queue index */
};

/* A record of the copy ring buffer (WC_SF_COPY): header, then len bytes of the frame. */
#define WC_STEER_COPY_MAX 2048
struct wc_steer_copy {
	unsigned long long ts_ns;
	unsigned int len;     /* bytes copied (the frame, cut at WC_STEER_COPY_MAX) */
	unsigned int wirelen; /* the frame's length */
	unsigned char data[WC_STEER_COPY_MAX];
};

#ifndef __bpf__ /* ---------------------------------------------------------------- userspace */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdp.h"

struct wc_rx_frame; /* wirecraft/port.h */

struct wc_steer;
struct wc_steer_key; /* bpf/cookie.h */

struct wc_steer_opts {
	size_t sz;         /* sizeof(struct wc_steer_opts) */
	uint32_t flags;    /* WC_SF_* */
	uint64_t key[2];   /* the cookie key (SipHash-2-4): random per run */
	uint16_t sport_lo; /* WC_SF_UDP: the source port range [sport_lo, sport_lo + sport_n) */
	uint32_t sport_n;
	uint32_t tcp_extra;   /* WC_SF_TCP_SEQ: largest TCP probe payload (the ack window) */
	uint32_t map_entries; /* WC_SF_MAP: room in the expected-reply map */
	uint32_t copy_bytes;  /* WC_SF_COPY: ring buffer size (power of 2); 0: 4 MiB */
	enum wc_xdp_mode mode;
	uint32_t trace_mask;  /* tracing: the low bits of the TCP seq / echo cookies (the TTL) */
};

/* Open and load (verifier included); nothing attached yet. */
int wc_steer_open(struct wc_steer **out, const struct wc_steer_opts *opts);
/* Put an AF_XDP socket in the XSKMAP for its receive queue. Before or after attaching. */
int wc_steer_add_socket(struct wc_steer *s, unsigned queue, int xsk_fd);
/* Insert expected-reply keys (WC_SF_MAP), n of them, before the probes leave. */
int wc_steer_expect(struct wc_steer *s, const struct wc_steer_key *keys, unsigned n);
/* Attach to ifindex: a bpf_link, or a component of its libxdp dispatcher. -EBUSY if it has
 * another XDP program (wc_xdp_attach_error says why an attach failed). */
int wc_steer_attach(struct wc_steer *s, int ifindex);
/* True when attached as a component of the interface's libxdp dispatcher (wirecraft/xdp.h). */
bool wc_steer_shared(const struct wc_steer *s);
/* A frame taken from the AF_XDP socket of `queue`: its receive time into *ts_ns (true), from
 * the metadata area or, where s was loaded with WC_SF_HEAD_STAMP, from the front of the
 * frame, which is then taken off (f->data and f->len move past it). False when the frame has none (the program could
 * not make room): the reader stamps it. The record is cleared, so a frame without one never
 * shows a stale one. */
bool wc_steer_rx_stamp(const struct wc_steer *s, struct wc_rx_frame *f, unsigned queue,
		       uint64_t *ts_ns);
/* WC_SF_COPY: the ring buffer's fd (for epoll), and a drain: calls fn for every record. */
int wc_steer_copy_fd(const struct wc_steer *s);
int wc_steer_copy_poll(struct wc_steer *s, int timeout_ms,
		       int (*fn)(const struct wc_steer_copy *rec, void *arg), void *arg);
/* Sum the per-CPU counters into out[WC_SC__MAX]. */
int wc_steer_counters(const struct wc_steer *s, uint64_t out[WC_SC__MAX]);
/* The counters of a steering program attached to ifindex by another process. -ENOENT if the
 * interface has none. */
int wc_steer_counters_ifindex(int ifindex, uint64_t out[WC_SC__MAX]);
/* The program's fd (bpftool, BPF_PROG_TEST_RUN in tests). */
int wc_steer_prog_fd(const struct wc_steer *s);
/* Short stable name: "cookie", "map", "passed", "bad-cookie", ...; NULL when out of range. */
const char *wc_steer_counter_name(int counter);
/* Detach, unload, free. NULL is accepted. */
void wc_steer_close(struct wc_steer *s);

#endif /* !__bpf__ */
#endif /* WIRECRAFT_STEER_H */
