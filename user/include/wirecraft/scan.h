/* SPDX-License-Identifier: MIT */
/* The stateless scanner: every (address, port) of a target space probed once, in a
 * pseudo-random order (wirecraft/cyclic.h), through AF_XDP; the answers picked out of the
 * receive path by bpf/steer.bpf.c with the probe cookie, checked again and classified by the
 * probe module (wirecraft/probe.h), deduplicated (wirecraft/dedup.h) and handed to a callback.
 *
 * Threads: one sender per queue (`threads`), each walking its own arc of the permutation; one
 * receiver for all queues; the calling thread keeps time (progress once a second, max runtime,
 * the cooldown after the last probe). Nothing per target is kept but a bit in the dedup bitmap
 * and, for round-trip times, the send time of the last few million probes in a fixed-size
 * table.
 *
 * Retries are passes: after the first pass and its cooldown, the permutation is walked again
 * and only the targets that have not answered yet are probed, spaced by a whole pass rather
 * than sent back to back (a burst lost together is not retried together).
 *
 * Drops: the device's own counters are watched (a veth whose peer ring overflows drops
 * probes before they reach the wire). With rate 0 (max) the pace backs off when they move.
 * When a pass ends with drops and the targets still silent are few (at most 16 per drop), one
 * more pass over them repairs the loss (at most twice; wc_scan_stats.repairs counts them).
 *
 * The cooldown after the last probe is adaptive unless fixed: it waits while answers keep
 * coming, and at least a couple of the round-trip times measured in this scan (p99 and max),
 * at most 8 times the largest (and 30 s). A scan with no answer at all waits 1 s.
 *
 * A stopped scan (*stop set, or max_runtime) finishes its cooldown (so the probes already sent
 * get their answers) and fills a state from which wc_scan(resume) carries on where it stopped:
 * the same targets, seed, shard and threads give the remaining probes exactly. *stop >= 2 cuts
 * the cooldown short.
 *
 * Functions return 0 or a negative errno and never print; `why` (WC_SCAN_WHY bytes) gets a
 * reason ready to print after "wirecraft: ". */
#ifndef WIRECRAFT_SCAN_H
#define WIRECRAFT_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "banner.h"
#include "probe.h"
#include "steer.h"
#include "target.h"
#include "udp_probes.h"
#include "xdp.h"

#define WC_SCAN_WHY 256
#define WC_SCAN_MAX_THREADS 16

/* Where a scan stands: enough to carry on. */
struct wc_scan_state {
	uint64_t seed;
	uint32_t shards, shard, threads;
	uint64_t targets_hash; /* wc_targets_hash of the space */
	uint64_t count;        /* pairs in the space */
	char probe[16];        /* wc_probe_name */
	uint32_t pass;         /* the pass under way (0: the first) */
	uint32_t passes;       /* 1 + retries (+ repair passes) */
	uint64_t probed;       /* targets the first pass has probed (with the answered list) */
	uint64_t done[WC_SCAN_MAX_THREADS]; /* steps of each thread's arc behind it in `pass` */
	/* 1 + the steps of each arc the first pass covered when max_targets cut it short (the
	 * retry passes go no further); 0: the whole arc. */
	uint64_t limit[WC_SCAN_MAX_THREADS];
	bool complete;         /* nothing left to do */
	/* Targets that answered (indices), for the passes after the first: they are not probed
	 * again. Only kept when a retry pass is still to come. */
	uint64_t *answered;
	uint64_t nanswered;
};

/* Text, one "key value" per line, written to PATH.tmp and renamed: a state file is never
 * half-written. */
int wc_scan_state_save(const char *path, const struct wc_scan_state *s);
/* -EINVAL with *line (may be NULL) for a file that is not a state; -errno from the file. */
int wc_scan_state_load(const char *path, struct wc_scan_state *s, unsigned *line);
void wc_scan_state_free(struct wc_scan_state *s); /* the answered list */

/* One reported target. */
struct wc_scan_result {
	struct wc_probe_reply r;
	uint64_t index;       /* the pair's place in the target space */
	double rtt_us;        /* < 0: not known (the send time had left the table) */
	struct timespec ts;   /* arrival, CLOCK_REALTIME */
	uint64_t ts_mono_ns;  /* arrival, CLOCK_MONOTONIC */
	const uint8_t *frame; /* the answer, Ethernet (valid during the callback); NULL for a
				 banner, whose frames go to on_frame */
	size_t len;
	const struct wc_banner_info *banner; /* --banners: what the server said; else NULL */
	const struct wc_udp_info *udp; /* a UDP answer: its module's verdict, the sizes; NULL */
};

struct wc_scan_stats {
	uint64_t count;       /* pairs in the whole space (all shards) */
	uint64_t steps, steps_total; /* positions of this shard's arcs behind us / in all, this pass */
	double done;          /* share of the whole scan behind us, 0..1 (passes included) */
	uint32_t pass, passes;
	uint64_t sent;        /* probes sent, all passes (frames) */
	uint64_t targets_sent; /* distinct targets probed in the first pass */
	uint64_t replies;     /* answers received and validated (repeats included) */
	uint64_t results;     /* targets reported (after dedup and the success filter) */
	uint64_t hits;        /* targets that answered with success (open, echo, ...) */
	uint64_t failures;    /* targets that answered without success (rst, unreachable) */
	uint64_t repeats;     /* answers from targets already seen */
	uint64_t invalid;     /* frames handed to us that were not answers to this run */
	uint64_t drops;       /* answers the kernel could not hand us (rings full) */
	uint64_t tx_ring_full;
	/* For accounting, every frame of the run by where it went (--metadata "accounting"):
	 * drops = drops_device + xsk_rx_dropped + xsk_rx_ring_full + steer[WC_SC_NO_SOCKET]. */
	uint64_t drops_device;  /* the interface's tx_dropped + rx_dropped since the start */
	uint64_t rx_frames;     /* frames taken from the receive rings (replies + invalid) */
	uint64_t tx_inflight;   /* probes submitted that the kernel had not completed */
	uint64_t xsk_rx_dropped, xsk_rx_ring_full, xsk_fill_empty; /* XDP_STATISTICS, all queues */
	uint64_t xsk_rx_invalid, xsk_tx_invalid, xsk_tx_ring_empty;
	uint64_t steer[WC_SC__MAX]; /* the steering program's per-verdict counters */
	double pps;           /* send rate over the last second */
	double elapsed_s;
	double send_s;        /* first probe to last */
	double cooldown_s;    /* time spent waiting after the last probe */
	uint32_t repairs;     /* passes added because the device dropped probes */
	double rtt_p50_us, rtt_p99_us, rtt_max_us; /* of the answers whose send time was known */
	uint64_t rtt_samples;
	double setup_s;       /* the call to the first probe: interface, sockets, program, next hop */
	double teardown_s;    /* closing them (the last call only) */
	uint32_t phase;       /* the phase running (wc_scan_opts.phases) */
	bool cooling;         /* in the cooldown */
	bool finished;        /* the last call */
	bool interrupted;     /* stopped early: a state to carry on was filled */
	bool banners;         /* --banners: conns below is filled */
	struct wc_conn_stats conns; /* the banner connections, every one accounted */
	char engine[16];      /* "xsk-copy", "xsk-zc", "pcap" (dry run) */
	char how[48];         /* where the cookie travels */
};

struct wc_scan_opts {
	size_t sz;                       /* sizeof(struct wc_scan_opts) */
	const char *ifname;              /* the interface (not needed for a dry run with sources) */
	const struct wc_targets *targets;
	/* The probe: kind, preset, expr, payloads, sport. Addresses, MACs and the cookie key are
	 * the scan's (below and from the interface). */
	struct wc_probe_opts probe;
	uint64_t seed;
	uint32_t shards, shard;          /* 0, 0: one shard */
	unsigned threads;                /* sending threads, one queue each; 0: 1 */
	double rate_pps;                 /* in all; 0: as fast as the path takes them */
	double bandwidth_bps;            /* on the wire (frame + 24 bytes); 0: none */
	unsigned retries;                /* passes after the first, over the unanswered */
	double cooldown_s;               /* after the last probe of a pass; < 0: adaptive */
	uint64_t max_targets;            /* probes of the first pass, in all; 0: all */
	double max_runtime_s;            /* stop (as *stop) after this long; 0: no limit */
	bool all_replies;                /* report failures (rst, unreachable) too */
	const struct wc_scan_state *resume; /* carry on from here */
	bool has_gateway_mac;            /* next hop: given, or from the kernel / ARP / ND */
	uint64_t gateway_mac;
	bool has_src4, has_src6;         /* source addresses: given, or the interface's */
	uint8_t src4[4], src6[16];
	enum wc_xdp_mode mode;           /* how the steering program attaches */
	const char *dry_run;             /* write the probes to this pcap file, send nothing */
	size_t dedup_bytes;              /* dedup bitmap budget; 0: 1 GiB */
	volatile sig_atomic_t *stop;
	/* On the receiving thread, for each reported target. */
	void (*on_result)(const struct wc_scan_result *r, void *arg);
	/* On the calling thread, about once a second and once at the end (finished). */
	void (*progress)(const struct wc_scan_stats *st, void *arg);
	void *arg;
	/* Once, on the calling thread, when everything that needs privilege is done (steering
	 * program attached, sockets open; for a dry run, the file open) and before any thread
	 * starts, any probe leaves or any answer is read: where a program gives up its
	 * privileges. A negative errno stops the scan with it. NULL: nothing to do. */
	int (*on_ready)(void *arg);
	/* On the sending threads, for each pair about to be probed: true leaves it out (a trace
	 * probes no TTL beyond a target's distance). Must be cheap and thread-safe. NULL: none. */
	bool (*skip)(uint64_t index, void *arg);
	void *skip_arg;
	/* Banners (wirecraft/banner.h): a TCP connection completed from userspace for each open
	 * port, its first bytes reported instead of the SYN-ACK (tcp-syn probes only; NULL: off). */
	const struct wc_banner_cfg *banner;
	/* With banners, on the receiving thread: every frame of every conversation, in and out
	 * (arrival or sending time, CLOCK_MONOTONIC). NULL: none wanted. */
	void (*on_frame)(const uint8_t *frame, size_t len, uint64_t mono_ns, void *arg);
	/* udp probes: the module whose request the payloads are (its classifier reads the
	 * answers); NULL: none, the answers get their sizes only */
	const struct wc_udp_module *udp_module;
	/* Phases: the whole walk (its passes, retries and cooldown) done up to `phases` times
	 * (0: once) over the same sockets, steering program and dedup set, so a later phase
	 * costs no set-up and no pair answered before is reported twice. Before phase n >= 1,
	 * once phase n - 1's answers are in (its cooldown over), on the calling thread:
	 * on_phase(n, arg); false ends the scan there (nothing left to probe). skip says what
	 * each phase probes (a trace's preprobe, then the TTLs up to each target's distance).
	 * Not with resume or a state to fill. */
	unsigned phases;
	bool (*on_phase)(unsigned phase, void *arg);
	/* Called once the scan is over and its answers are all in (every on_result made, *st's
	 * counts final but for the tear-down's time), on the calling thread, while the datapath
	 * (steering program, AF_XDP sockets: 10 to 30 ms of the kernel waiting for RCU grace
	 * periods) is released on another; wc_scan returns when both are done. For work that
	 * needs the answers, not the interface: a trace's paths and their output. Not called
	 * when the scan fails. */
	void (*on_over)(void *arg);
};

/* Run a scan. Returns 0 (*st filled, *state filled: complete or not), or -errno with `why`:
 * -EPERM (needs root), -ENODEV, -EBUSY (the interface has an XDP program), -ETIMEDOUT (the
 * next hop does not answer ARP/ND), -EADDRNOTAVAIL (no source address of a family the targets
 * need), -EINVAL (bad options, a state of another scan), -EOPNOTSUPP (a probe without room
 * for a cookie). state may be NULL; its answered list is the caller's to free. */
int wc_scan(const struct wc_scan_opts *o, struct wc_scan_stats *st, struct wc_scan_state *state,
	    char *why);

#endif
