/* SPDX-License-Identifier: MIT */
/* The live-frames engine: packets generated inside the kernel.
 *
 * An XDP program (bpf/livegen.bpf.c, embedded) is run with BPF_PROG_RUN in live-frames mode
 * (BPF_F_TEST_XDP_LIVE_FRAMES, Linux 5.18+) on a frame holding the set's template. Each run
 * writes the next packet's varying fields and checksums, from the same patch plan as the
 * template fast path (tmpl.h), and transmits the frame with XDP_TX out of the interface.
 * No per-packet copy from userspace, no socket, no ring: on devices where AF_XDP runs in
 * copy mode (veth, most virtual NICs) this is several times faster.
 *
 * The packets, their order per runner and their random values are exactly those of
 * wc_tmpl_next() / `wirecraft build` for the same set and seed. Sets whose plan the program
 * cannot run (full builds, too many varying fields or checksums, frames over 3 KB) are
 * refused by wc_live_open() with the reason, for the caller to pick another engine.
 *
 *   struct wc_live *l;
 *   if (wc_live_open(t, &(struct wc_live_opts){.ifname = "veth0"}, &l, why) == 0) {
 *           wc_live_send(l, &send_opts, &stats);     // wc_send()'s options and stats
 *           wc_live_close(l);
 *   }
 */
#ifndef WIRECRAFT_LIVE_H
#define WIRECRAFT_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct wc_tmpl;
struct wc_send_opts;
struct wc_send_stats;
struct wc_live;

struct wc_live_opts {
	const char *ifname;
	/* Runners: threads, each with its own contiguous share of the set, pinned to the
	 * process's allowed CPUs in turn. 0: 1. At most 63. */
	unsigned threads;
	/* Frames per BPF_PROG_RUN call when not rate-limited. 0: 16384. Larger amortises the
	 * call; smaller makes stopping and progress finer. */
	unsigned batch;
	bool no_pin; /* leave the runners where the scheduler puts them */
	/* Send even when the device says it cannot transmit XDP frames now (a veth whose peer
	 * has no XDP program drops them all). Default: wc_live_open() refuses. */
	bool force;
	/* Load the program for wc_live_frame() alone: the kernel's live mode and the device are
	 * not asked about, and wc_live_send() refuses (-EOPNOTSUPP). For checking the frames
	 * the program makes on a kernel that refuses live frames (some builds do, to root). */
	bool frames_only;
};

/* Load the program for template t (which must outlive l) and check that this kernel and
 * this interface can run it; nothing is sent. Returns 0, or -errno with `why` (160 bytes,
 * may be NULL) saying why not:
 *   -EOPNOTSUPP  the kernel has no live frames, or the set has no template plan, or the
 *                device cannot transmit XDP frames (see `force`);
 *   -E2BIG       the plan exceeds the program's limits (bpf/livegen.h);
 *   -ENODEV      no such interface; -EPERM: needs CAP_BPF + CAP_NET_ADMIN (root), or, with
 *                them held, this kernel refuses live frames (some builds do, even to root). */
int wc_live_open(const struct wc_tmpl *t, const struct wc_live_opts *o, struct wc_live **out,
		 char *why);

/* Send as wc_send() would (count, loop, rate_pps, bandwidth_bps, duration_s, stop,
 * progress; `batch` is not used: see wc_live_opts). A rate is kept by pacing the calls:
 * within a call, frames leave back to back, at most a millisecond's worth. Returns 0 or
 * -errno; *st (may be NULL) holds the totals. */
int wc_live_send(struct wc_live *l, const struct wc_send_opts *o, struct wc_send_stats *st);

/* Frames the device dropped during the last wc_live_send (its tx_dropped counter moved by
 * this much: XDP transmit failures, e.g. a full veth peer ring; other traffic's drops would
 * count too). */
uint64_t wc_live_device_drops(const struct wc_live *l);

/* The frame the program makes for packet `index` of the set, into out (cap bytes): the
 * program run once in the kernel's ordinary test mode, which hands the frame back instead of
 * sending it. For checks against wc_tmpl_next(); not while wc_live_send() runs. Returns 0,
 * -ENOENT past the end of the set, -ENOSPC, or -errno from BPF_PROG_RUN. */
int wc_live_frame(struct wc_live *l, uint64_t index, uint8_t *out, size_t cap, size_t *len);

void wc_live_close(struct wc_live *l);

/* The interface's XDP features (NETDEV_XDP_ACT_* of <linux/netdev.h>: 4 NDO_XMIT, it can
 * transmit XDP frames now; 8 XSK_ZEROCOPY) from the kernel's netdev netlink family (6.3+).
 * Returns 0, or -errno (-ENOENT: the kernel has no such family). */
int wc_live_xdp_features(const char *ifname, uint64_t *features);

#endif
