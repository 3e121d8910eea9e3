/* SPDX-License-Identifier: MIT */
/* Send and receive: Scapy's sr() at line rate. The probes of a packet set leave through
 * AF_XDP on the template fast path; bpf/steer.bpf.c picks their answers out of the receive
 * path into the same AF_XDP sockets; each answer is paired with its probe by the matcher
 * (Scapy's hashret() and answers(), wirecraft/match.h) through a hash lookup.
 *
 * How the answers are recognised in the kernel, per probe:
 *  - the probe cookie (bpf/cookie.h), written by wc_sr into a field the user did not pin:
 *    TCP seq (ack for ACK probes), UDP source port (in [sport_lo, sport_lo + sport_n)), ICMP
 *    and ICMPv6 echo id and seq; checked on replies and in the quoted header of ICMP errors;
 *  - otherwise the expected-reply map: the key of each probe (addresses, protocol, ports or
 *    ids, direction-free) goes into a BPF hash map before the probe leaves. ARP and ND
 *    probes, and probes whose fields are all the user's, go this way.
 *
 * Two threads: one sends (and resends, and keeps time), one receives and pairs, so that on a
 * machine with two CPUs the kernel's share of sending and matching in userspace overlap.
 * Callbacks run on the receiving thread.
 */
#ifndef WIRECRAFT_SR_H
#define WIRECRAFT_SR_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "steer.h"
#include "xdp.h"

struct wc_set;

/* One side of a pair: its bytes, its dissection, and when it left or arrived. */
struct wc_sr_pkt {
	const uint8_t *data;
	size_t len;
	const struct wc_pkt *pkt; /* dissected (valid during the callback only) */
	uint64_t ts_ns;           /* CLOCK_MONOTONIC */
	bool kernel_ts;           /* stamped by the kernel (XDP) rather than by us */
};

struct wc_sr_pair {
	struct wc_sr_pkt req, rep;
	uint64_t index; /* the probe's place in the set (0-based) */
	double rtt_us;  /* rep.ts_ns - req.ts_ns (the latest sending of req) */
};

struct wc_sr_opts {
	size_t sz;              /* sizeof(struct wc_sr_opts) */
	const char *ifname;
	double timeout_s;       /* how long to wait after the last probe; 0: 2 s */
	unsigned retry;         /* resend the unanswered this many more times */
	double rate_pps;        /* 0: as fast as the path takes them */
	bool multi;             /* a probe may collect several answers (Scapy's multi) */
	bool pass_replies;      /* the kernel sees the answers too: they are copied to us
				   through a ring buffer instead of redirected (WC_SF_COPY) */
	bool no_cookie;         /* never write cookies: the expected-reply map for every probe */
	uint64_t max_answers;   /* stop after this many pairs (sr1: 1); 0: no limit */
	unsigned queues;        /* receive queues to listen on; 0: all the interface has */
	uint16_t sport_lo;      /* UDP cookie ports; 0: 32768 ... */
	uint32_t sport_n;       /* ... and 32768 of them */
	enum wc_xdp_mode mode;  /* how the steering program attaches */
	unsigned resolve_ms;    /* next-hop resolution: wait per request; 0: 1000 */
	volatile sig_atomic_t *stop; /* set non-zero to stop early (a signal handler) */
	/* Called on the receiving thread for every pair. */
	void (*on_pair)(const struct wc_sr_pair *pr, void *arg);
	/* Called after the run for every probe left unanswered (NULL: not collected). */
	void (*on_unans)(const struct wc_sr_pkt *req, uint64_t index, void *arg);
	void *arg;
	/* Called once on the calling thread when everything that needs privilege is done (the
	 * steering program attached, the AF_XDP sockets open and in its map) and before any
	 * other thread starts, any probe leaves or any answer is read: where a program gives up
	 * its privileges. A negative errno stops the run with it. NULL: nothing to do. */
	int (*on_ready)(void *arg);
	/* on_pair gets the request's bytes without its dissection (req.pkt NULL): one
	 * dissection less per pair on the receiving thread, for callers that keep bytes only
	 * (the reply's dissection comes free: matching made it). */
	bool pair_req_bytes_only;
};

struct wc_sr_stats {
	uint64_t probes;     /* distinct probes */
	uint64_t sent;       /* frames sent, resends included */
	uint64_t received;   /* frames steered to us (Scapy's "Received N packets") */
	uint64_t answers;    /* pairs */
	uint64_t answered;   /* probes with at least one answer */
	uint64_t unanswered; /* probes with none ("remaining") */
	uint64_t unmatched;  /* received frames that answered none of the probes */
	uint64_t rx_dropped; /* frames the kernel could not queue to us (rings full) */
	uint64_t steer[WC_SC__MAX]; /* the steering program's counters */
	uint64_t map_keys;   /* keys inserted into the expected-reply map */
	double send_s;       /* first probe to last (first pass) */
	double pair_s;       /* first probe to the moment the last pair was made */
	double elapsed_s;    /* the whole run */
	double rx_cpu_s;     /* CPU time of the receiving thread (receive, pair, callbacks) */
	char how[96];        /* how answers were recognised: "cookie in TCP seq", ... */
	char engine[16];     /* "xsk-copy", "xsk-zc" */
};

/* Run sr over `s`: the set gets an Ethernet layer when it starts at IP/IPv6 (the interface's
 * MAC; the next hop's from the neighbour table, or asked on the wire: wc_set_resolve_iface),
 * and the interface's addresses where the user left them unset. Returns 0 (*st filled), or
 * -errno with a reason in `why` (160 bytes, may be NULL): -EPERM (needs root), -ENODEV,
 * -ETIMEDOUT (the next hop did not answer), -EBUSY (the interface has an XDP program),
 * -E2BIG (too many probes), -EOPNOTSUPP (no way to recognise the answers of this set). */
int wc_sr(struct wc_set *s, const struct wc_sr_opts *o, struct wc_sr_stats *st, char *why);

#endif
